/**
 * MOVE and RENAME INBOX killed for real: the real bin/imapd (PREAUTH as the sandbox user, its own control directory
 * under the sandbox home) moves every message of INBOX to another mailbox and is sent SIGKILL at moments spread over
 * the command. After every kill a delivery agent (procmail or dotlockfile + append, alternately) delivers to INBOX
 * behind whatever was left, having broken the stale dotlock as agents do. Then our driver opens both mailboxes (in
 * either order, alternately), which finishes or takes back what the kill interrupted: every message must be whole
 * and in exactly one of the two mailboxes (all of the command's messages on one side: the move is all or nothing),
 * the delivery in INBOX once, INBOX's UIDVALIDITY as it was, no record or journal left behind, and UW's
 * `mailutil check` must count in each mailbox what we count. UW and Dovecot leave copies in both when killed
 * between their copy and their expunge.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { dotlockfileAppend, makeSandbox, procmailDeliver, putSandboxFile, uwCheck, type Sandbox } from './oracles.js';
import { message } from './kill-messages.js';
import { killableSession, killLeftovers, readKilled } from './kill-session.js';

const root = join(import.meta.dirname, '..', '..', '..');
const mover = join(root, 'dist', 'test', 'fixtures', 'mover.js');

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

const inbox = (): string => join(sb.dir, 'maildrop');

/** One imapd session on INBOX: `setup`, then `command`, killed `killAt` ms after the command went out. */
const session = (setup: string[], command: string, killAt: number | null): Promise<{ killed: boolean; ms: number }> =>
  killableSession(sb, inbox(), [...setup, command], killAt);
const read = (path: string, known: Map<string, string>): Promise<{ ids: string[]; uidValidity: number }> =>
  readKilled(sb, path, known);
const leftovers = (): string[] => killLeftovers(sb);

describe('MOVE and RENAME INBOX killed with SIGKILL', () => {
  it('leave every message in exactly one of the two mailboxes, whole, with later deliveries intact', { timeout: 600_000 }, async () => {
    writeFileSync(join(sb.dir, 'imapd.conf'), `journal_dir = ${sb.dir}\nsyslog_socket = ${join(sb.dir, 'no-syslog')}\n` +
      `alert_file = ${join(sb.dir, 'no-alert')}\nnologin_file = ${join(sb.dir, 'no-nologin')}\nlock_timeout_s = 10\n`);
    const initial = new Map<string, string>();
    let text = '';
    for (let i = 1; i <= 300; i++) {
      const id = `m-${i}`;
      initial.set(id, message(id, 8));
      text += `From init@kill.test Sat Nov 21 11:00:00 2026\n${(initial.get(id) as string).replace(/^From /gm, '>From ')}\n`;
    }
    await putSandboxFile(sb, inbox(), text);
    // Indexed once by a session (UIDVALIDITY and UIDs written), as a mailbox in use is.
    await session([], 'SELECT INBOX', null);
    const pristine = join(sb.dir, 'pristine');
    copyFileSync(inbox(), pristine);
    const uidValidity = (await read(inbox(), initial)).uidValidity;
    assert.ok(uidValidity > 0);
    // MOVE takes every other message (so its expunge is a rewrite that moves data: a long stretch after the commit);
    // RENAME INBOX takes them all.
    const odd = [...initial.keys()].filter((_, i) => i % 2 === 0);
    const modes = [
      { name: 'MOVE', target: join(sb.dir, 'moved'), setup: ['CREATE moved', 'SELECT INBOX'], ours: odd,
        command: `MOVE ${odd.map((_, i) => 2 * i + 1).join(',')} moved` },
      { name: 'RENAME INBOX', target: join(sb.dir, 'old'), setup: [], ours: [...initial.keys()], command: 'RENAME INBOX old' },
    ];
    for (const mode of modes) {
      const ours = new Set(mode.ours);
      const stay = [...initial.keys()].filter((id) => !ours.has(id));
      const known = new Map(initial);
      const reset = (): void => {
        copyFileSync(pristine, inbox());
        rmSync(mode.target, { force: true });
        for (const f of [`${inbox()}.lock`, `${mode.target}.lock`]) rmSync(f, { force: true });
      };
      reset();
      const whole = await session(mode.setup, mode.command, null);
      const w = await read(mode.target, known);
      assert.deepEqual(w.ids, mode.ours, `${mode.name} uninterrupted moves its messages`);
      assert.deepEqual((await read(inbox(), known)).ids, stay);
      const span = whole.ms;
      let rounds = 0;
      let records = 0;
      let killed = 0;
      let movedSide = 0;
      // The latest kill that left the messages in INBOX and the earliest that left them moved: after 16 kills spread
      // over the command, the rest probe between the two, where the commit and the expunge are.
      let notYet = 0;
      let already = span;
      while (rounds < 30) {
        const at = rounds < 16 ? (span * (rounds + 0.5)) / 16 : notYet + ((already - notYet) * (((rounds - 16) % 5) + 1)) / 6;
        rounds++;
        reset();
        const r = await session(mode.setup, mode.command, at);
        if (r.killed) killed++;
        const left = leftovers();
        if (left.length) records++;
        for (const f of [`${inbox()}.lock`, `${mode.target}.lock`]) rmSync(f, { force: true });
        const agentId = `agent-${mode.name.replace(/ /g, '')}-${rounds}`;
        const agentText = message(agentId, 3);
        known.set(agentId, agentText);
        if (rounds % 2) await procmailDeliver(sb, inbox(), agentText, { from: 'agent@kill.test' });
        else await dotlockfileAppend(sb, inbox(), agentText, { from: 'agent@kill.test' });
        const where = `${mode.name} killed ${at.toFixed(1)} ms in (round ${rounds}, left ${left.join(' ') || 'nothing'})`;
        // Either mailbox may be opened first: each side's recovery must stand alone.
        const first = rounds % 3 === 0 ? mode.target : inbox();
        const second = first === inbox() ? mode.target : inbox();
        const a = await read(first, known);
        const b = await read(second, known);
        const src = first === inbox() ? a : b;
        const dst = first === inbox() ? b : a;
        assert.equal(src.uidValidity, uidValidity, `${where}: INBOX keeps its UIDVALIDITY`);
        assert.deepEqual(src.ids.filter((id) => id === agentId), [agentId], `${where}: the delivery kept, once`);
        const srcMoved = src.ids.filter((id) => ours.has(id));
        const dstMoved = dst.ids.filter((id) => ours.has(id));
        assert.ok((srcMoved.length === ours.size && dstMoved.length === 0) || (srcMoved.length === 0 && dstMoved.length === ours.size),
          `${where}: all the command's messages on one side, got ${srcMoved.length} in INBOX and ${dstMoved.length} moved`);
        assert.deepEqual(src.ids.filter((id) => initial.has(id)), srcMoved.length ? [...initial.keys()] : stay,
          `${where}: INBOX holds each of its messages once, in order`);
        assert.deepEqual(dst.ids, dstMoved.length ? mode.ours : [], `${where}: the target holds the moved messages once, in order, and nothing else`);
        if (!r.killed) assert.equal(dstMoved.length, ours.size, `${where}: a finished command moved them`);
        if (dstMoved.length) {
          movedSide++;
          already = Math.min(already, at);
        } else notYet = Math.max(notYet, at);
        assert.deepEqual(leftovers(), [], `${where}: no record or journal left`);
        assert.equal((await uwCheck(sb, inbox())).messages, src.ids.length, `${where}: mailutil check counts INBOX as we do`);
        if (existsSync(mode.target)) {
          assert.equal((await uwCheck(sb, mode.target)).messages, dst.ids.length, `${where}: mailutil check counts the target as we do`);
        }
        known.delete(agentId);
      }
      assert.ok(killed >= rounds / 2, `${mode.name}: only ${killed} of ${rounds} runs were killed`);
      assert.ok(records >= 4, `${mode.name}: only ${records} of ${rounds} kills left a record to act on`);
      assert.ok(movedSide > 0 && movedSide < rounds, `${mode.name}: kills fell on both sides of the commit (${movedSide} of ${rounds} moved)`);
    }
  });

  it('killed right before and right after its commit point: taken back, or finished, by whichever mailbox opens first', { timeout: 300_000 }, async () => {
    const initial = new Map<string, string>();
    let text = '';
    for (let i = 1; i <= 20; i++) {
      const id = `c-${i}`;
      initial.set(id, message(id, 4));
      text += `From init@kill.test Sat Nov 21 11:00:00 2026\n${(initial.get(id) as string).replace(/^From /gm, '>From ')}\n`;
    }
    const src = join(sb.dir, 'commit-src');
    const dst = join(sb.dir, 'commit-dst');
    const records = join(sb.dir, 'commit-records');
    const all = [...initial.keys()];
    const moved = all.filter((_, i) => i % 2 === 0);
    const kept = all.filter((_, i) => i % 2 === 1);
    const open = async (path: string): Promise<{ ids: string[]; uidValidity: number }> => {
      const box = await new MboxDriver({ journalDir: records }).open(path, { readOnly: false });
      try {
        const ids: string[] = [];
        for (let seq = 1; seq <= box.count(); seq++) {
          const m = /^Message-ID: <([^@>]+)@kill\.test>/mi.exec((await box.header(seq)).toString('latin1'));
          assert.ok(m?.[1], `${path} message ${seq} is a fragment`);
          ids.push(m[1]);
        }
        return { ids, uidValidity: box.uidValidity };
      } finally {
        await box.close();
      }
    };
    for (const point of ['before-commit', 'after-commit'] as const) {
      for (const destFirst of [false, true]) {
        const where = `${point}, ${destFirst ? 'destination' : 'source'} opened first`;
        await putSandboxFile(sb, src, text);
        await putSandboxFile(sb, dst, '');
        await putSandboxFile(sb, join(records, '.keep'), '');
        rmSync(join(records, '.keep'));
        const uv = (await open(src)).uidValidity;
        const r = spawnSync(process.execPath, [mover, point, src, dst, records], { uid: sb.uid, gid: sb.gid, cwd: sb.dir, encoding: 'utf8' });
        assert.equal(r.signal, 'SIGKILL', `${where}: the mover killed itself (${r.stdout}${r.stderr})`);
        const onDisk = readdirSync(records).map((f) => f.replace(/^uwimap-ts\.\d+\.\d+\./, '')).sort();
        assert.deepEqual(onDisk,
          point === 'before-commit' ? ['append', 'move'] : ['move'], `${where}: what the kill left`);
        for (const f of [`${src}.lock`, `${dst}.lock`]) rmSync(f, { force: true });
        await dotlockfileAppend(sb, src, message('late', 2), { from: 'agent@kill.test' });
        const first = await open(destFirst ? dst : src);
        const second = await open(destFirst ? src : dst);
        const s = destFirst ? second : first;
        const d = destFirst ? first : second;
        if (point === 'before-commit') {
          assert.deepEqual(s.ids, [...all, 'late'], `${where}: the move taken back`);
          assert.deepEqual(d.ids, [], `${where}: no copies`);
        } else {
          assert.deepEqual(s.ids, [...kept, 'late'], `${where}: the move finished in the source`);
          assert.deepEqual(d.ids, moved, `${where}: the copies kept`);
        }
        assert.equal(s.uidValidity, uv, `${where}: the source keeps its UIDVALIDITY`);
        assert.deepEqual(readdirSync(records), [], `${where}: no record left`);
        assert.equal((await uwCheck(sb, src)).messages, s.ids.length, `${where}: mailutil check agrees on the source`);
        assert.equal((await uwCheck(sb, dst)).messages, d.ids.length, `${where}: mailutil check agrees on the destination`);
      }
    }
  });
});
