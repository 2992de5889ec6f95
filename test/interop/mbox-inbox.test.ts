/**
 * UW's ~/mbox INBOX for real (lib/mailbox/uw-inbox.ts, lib/mailbox/mbox/snarf.ts): the real bin/imapd (PREAUTH as the
 * sandbox user, $MAIL the spool, HOME the sandbox with an `mbox` file) moves the spool's mail into ~/mbox.
 *
 * Killed: a SELECT INBOX that moves 300 messages is sent SIGKILL at moments spread over it. After every kill a
 * delivery agent (procmail or dotlockfile + append, alternately) delivers to the spool behind whatever was left,
 * having broken the stale dotlock as agents do. Then our driver opens both files (in either order, alternately),
 * which finishes or takes back what the kill interrupted: every message whole and in exactly one of the two files
 * (all of them on one side: the move is all or nothing), the delivery in the spool once, no record or journal left,
 * and UW's `mailutil check` counting what we count. UW copies the spool to ~/mbox and then truncates it: killed
 * between the two, every message is in both, and the next snarf moves them again.
 *
 * Concurrent: sessions select INBOX and check it (snarf_interval_s = 0: a move at every check) while UW's tmail (or
 * procmail when not root) and dotlockfile deliver to the spool: in the end every delivered message is in ~/mbox
 * exactly once and the spool holds none.
 */
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dotlockfileAppend, makeSandbox, procmailDeliver, putSandboxFile, tmailDeliver, uwCheck, type Sandbox } from './oracles.js';
import { message } from './kill-messages.js';
import { killableSession, killLeftovers, readKilled } from './kill-session.js';

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

const spool = (): string => join(sb.dir, 'maildrop');
const mbox = (): string => join(sb.dir, 'mbox');

/** One imapd session on the spool sending `commands`, killed `killAt` ms after the last went out. */
const session = (commands: string[], killAt: number | null): Promise<{ killed: boolean; ms: number }> =>
  killableSession(sb, spool(), commands, killAt);
/** Our driver's reading of one file: the ids in order, all checked whole. */
const read = async (path: string, known: Map<string, string>): Promise<string[]> => (await readKilled(sb, path, known)).ids;
const leftovers = (): string[] => killLeftovers(sb);

function writeConfig(extra = ''): void {
  writeFileSync(join(sb.dir, 'imapd.conf'), `journal_dir = ${sb.dir}\nsyslog_socket = ${join(sb.dir, 'no-syslog')}\n` +
    `alert_file = ${join(sb.dir, 'no-alert')}\nnologin_file = ${join(sb.dir, 'no-nologin')}\nlock_timeout_s = 10\n${extra}`);
}

describe("UW's ~/mbox INBOX with real processes", () => {
  it('a move killed with SIGKILL leaves every message in exactly one of the two files, later deliveries intact', { timeout: 600_000 }, async () => {
    writeConfig();
    const initial = new Map<string, string>();
    let text = '';
    for (let i = 1; i <= 300; i++) {
      const id = `s-${i}`;
      initial.set(id, message(id, 8));
      text += `From init@kill.test Sat Nov 21 11:00:00 2026\n${(initial.get(id) as string).replace(/^From /gm, '>From ')}\n`;
    }
    // ~/mbox holds mail already (a message of its own), the spool 300 messages as a delivery agent left them.
    const own = message('own', 2);
    initial.set('own', own);
    await putSandboxFile(sb, mbox(), `From init@kill.test Sat Nov 21 10:00:00 2026\n${own.replace(/^From /gm, '>From ')}\n`);
    await putSandboxFile(sb, spool(), text);
    const pristineSpool = join(sb.dir, 'pristine-spool');
    const pristineMbox = join(sb.dir, 'pristine-mbox');
    copyFileSync(spool(), pristineSpool);
    copyFileSync(mbox(), pristineMbox);
    const spooled = [...initial.keys()].filter((id) => id !== 'own');
    const reset = (): void => {
      copyFileSync(pristineSpool, spool());
      copyFileSync(pristineMbox, mbox());
      for (const f of [`${spool()}.lock`, `${mbox()}.lock`]) rmSync(f, { force: true });
    };
    reset();
    const whole = await session(['SELECT INBOX'], null);
    const known = new Map(initial);
    assert.deepEqual(await read(mbox(), known), ['own', ...spooled], 'an uninterrupted SELECT moves them all');
    assert.deepEqual(await read(spool(), known), []);
    const span = whole.ms;
    let rounds = 0;
    let killed = 0;
    let movedSide = 0;
    let notYet = 0;
    let already = span;
    while (rounds < 24) {
      // 12 kills spread over the SELECT, the rest between the latest that moved nothing and the earliest that moved.
      const at = rounds < 12 ? (span * (rounds + 0.5)) / 12 : notYet + ((already - notYet) * (((rounds - 12) % 5) + 1)) / 6;
      rounds++;
      reset();
      const r = await session(['SELECT INBOX'], at);
      if (r.killed) killed++;
      const left = leftovers();
      for (const f of [`${spool()}.lock`, `${mbox()}.lock`]) rmSync(f, { force: true });
      const agentId = `agent-${rounds}`;
      const agentText = message(agentId, 3);
      known.set(agentId, agentText);
      if (rounds % 2) await procmailDeliver(sb, spool(), agentText, { from: 'agent@kill.test' });
      else await dotlockfileAppend(sb, spool(), agentText, { from: 'agent@kill.test' });
      const where = `SELECT killed ${at.toFixed(1)} ms in (round ${rounds}, left ${left.join(' ') || 'nothing'})`;
      const mboxFirst = rounds % 3 === 0;
      const a = await read(mboxFirst ? mbox() : spool(), known);
      const b = await read(mboxFirst ? spool() : mbox(), known);
      const inSpool = mboxFirst ? b : a;
      const inMbox = mboxFirst ? a : b;
      assert.deepEqual(inSpool.filter((id) => id === agentId), [agentId], `${where}: the delivery kept in the spool, once`);
      const moved = inMbox.filter((id) => id.startsWith('s-'));
      const stayed = inSpool.filter((id) => id.startsWith('s-'));
      assert.ok((moved.length === 0 && stayed.length === spooled.length) || (moved.length === spooled.length && stayed.length === 0),
        `${where}: all on one side, got ${stayed.length} in the spool and ${moved.length} in ~/mbox`);
      assert.deepEqual(inMbox, moved.length ? ['own', ...spooled] : ['own'], `${where}: ~/mbox holds each once, in order`);
      assert.deepEqual(inSpool, [...(stayed.length ? spooled : []), agentId], `${where}: the spool holds each once, in order`);
      if (!r.killed) assert.equal(moved.length, spooled.length, `${where}: a SELECT that finished moved them`);
      if (moved.length) {
        movedSide++;
        already = Math.min(already, at);
      } else notYet = Math.max(notYet, at);
      assert.deepEqual(leftovers(), [], `${where}: no record or journal left`);
      assert.equal((await uwCheck(sb, spool())).messages, inSpool.length, `${where}: mailutil check counts the spool as we do`);
      assert.equal((await uwCheck(sb, mbox())).messages, inMbox.length, `${where}: mailutil check counts ~/mbox as we do`);
      // The next session moves what is left, the delivery with it: everything once, in ~/mbox.
      for (const f of [`${spool()}.lock`, `${mbox()}.lock`]) rmSync(f, { force: true });
      await session(['SELECT INBOX'], null);
      const after = await read(mbox(), known);
      assert.deepEqual([...after].sort(), ['own', ...spooled, agentId].sort(), `${where}: the next SELECT moves the rest, once`);
      assert.deepEqual(await read(spool(), known), []);
      known.delete(agentId);
    }
    assert.ok(killed >= rounds / 2, `only ${killed} of ${rounds} runs were killed`);
    assert.ok(movedSide > 0 && movedSide < rounds, `kills fell on both sides of the commit (${movedSide} of ${rounds} moved)`);
  });

  it('deliveries during the moves: each message in ~/mbox once, the spool emptied', { timeout: 600_000 }, async () => {
    writeConfig('snarf_interval_s = 0\n');
    rmSync(spool(), { force: true });
    await putSandboxFile(sb, mbox(), '');
    const known = new Map<string, string>();
    const deliveries = (async () => {
      for (let i = 1; i <= 40; i++) {
        const id = `c-${i}`;
        const text = message(id, 2 + (i % 5) * 8);
        known.set(id, text);
        if (i % 2 === 0) await dotlockfileAppend(sb, spool(), text, { from: 'agent@kill.test', pollMs: 20 });
        else if (sb.privileged) await tmailDeliver(sb, spool(), text, { from: 'agent@kill.test' });
        else await procmailDeliver(sb, spool(), text, { from: 'agent@kill.test' });
      }
    })();
    let done = false;
    void deliveries.finally(() => {
      done = true;
    });
    const checks = ['SELECT INBOX', 'NOOP', 'NOOP', 'NOOP', 'CHECK', 'NOOP'];
    // Two sessions at a time, each moving at its SELECT and at every check, until the deliveries are done.
    let sessions = 0;
    while (!done) {
      await Promise.all([session(checks, null), session(checks, null)]);
      sessions += 2;
    }
    await deliveries;
    await session(['SELECT INBOX'], null);
    const ids = await read(mbox(), known);
    assert.deepEqual([...ids].sort(), [...known.keys()].sort(), `after ${sessions} sessions: every delivery in ~/mbox once`);
    assert.deepEqual(await read(spool(), known), [], 'the spool holds none');
    assert.deepEqual(leftovers(), []);
    assert.equal((await uwCheck(sb, mbox())).messages, ids.length, 'mailutil check counts ~/mbox as we do');
    assert.equal((await uwCheck(sb, spool())).messages, 0, 'mailutil check counts no message in the spool');
  });
});
