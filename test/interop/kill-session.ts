/**
 * What the tests that SIGKILL imapd in the middle of moving mail share (move-kill.test.ts: MOVE and RENAME INBOX;
 * mbox-inbox.test.ts: the spool moved into ~/mbox): a PREAUTH session in the sandbox that can be killed after its
 * last command, the check of a mailbox after a kill, and the records and journals a kill may leave.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { servedBody } from './kill-messages.js';
import type { Sandbox } from './oracles.js';

const imapd = join(import.meta.dirname, '..', '..', '..', 'bin', 'imapd');

/** The sandbox user's control directory (its HOME's `.uwimap-ts`). */
const controlDir = (sb: Sandbox): string => join(sb.dir, '.uwimap-ts');

/**
 * One imapd session (PREAUTH as the sandbox user, `$MAIL` the file `mail`, configuration `<sandbox>/imapd.conf`)
 * sending `commands` one after another (each waits for its tagged OK); with `killAt`, SIGKILLs the server that many
 * ms after the last went out. Resolves with whether it was killed before its end and how long the last one ran.
 */
export function killableSession(sb: Sandbox, mail: string, commands: readonly string[], killAt: number | null):
  Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(imapd, ['-c', join(sb.dir, 'imapd.conf')], {
      stdio: ['pipe', 'pipe', 'pipe'], uid: sb.uid, gid: sb.gid, cwd: sb.dir,
      env: { HOME: sb.dir, USER: sb.user, LOGNAME: sb.user, MAIL: mail, PATH: '/usr/bin:/bin', TZ: 'UTC' },
    });
    let out = '';
    let err = '';
    let step = 0;
    let sentAt = 0;
    let done = false;
    const next = (): void => {
      if (step >= commands.length) {
        done = true;
        child.stdin.end();
        return;
      }
      if (step === commands.length - 1) sentAt = performance.now();
      child.stdin.write(`s${step} ${commands[step]}\r\n`);
      if (killAt !== null && step === commands.length - 1) setTimeout(() => child.kill('SIGKILL'), killAt);
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      for (;;) {
        const nl = out.indexOf('\r\n');
        if (nl < 0) break;
        const line = out.slice(0, nl);
        out = out.slice(nl + 2);
        if (line.startsWith('* PREAUTH')) next();
        else if (line.startsWith(`s${step} `)) {
          if (!line.startsWith(`s${step} OK`)) reject(new Error(`${commands[step]}: ${line}`));
          step++;
          next();
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      const ms = sentAt ? performance.now() - sentAt : 0;
      if (signal === 'SIGKILL') resolve({ killed: !done, ms });
      else if (done) resolve({ killed: false, ms });
      else reject(new Error(`imapd ended before ${commands[commands.length - 1]} completed: ${err}`));
    });
  });
}

/**
 * Our driver's reading of one mailbox (which finishes or takes back what a killed writer left): the ids of its
 * messages ({@link message}'s) in order, each checked whole, and its UIDVALIDITY; none when the file is missing.
 */
export async function readKilled(sb: Sandbox, path: string, known: ReadonlyMap<string, string>):
  Promise<{ ids: string[]; uidValidity: number }> {
  if (!existsSync(path)) return { ids: [], uidValidity: 0 };
  const box = await new MboxDriver({ journalDir: controlDir(sb), legacyJournalDir: sb.dir }).open(path, { readOnly: false });
  try {
    const ids: string[] = [];
    for (let seq = 1; seq <= box.count(); seq++) {
      const header = (await box.header(seq)).toString('latin1');
      const m = /^Message-ID: <([^@>]+)@kill\.test>/mi.exec(header);
      assert.ok(m?.[1], `${path}: message ${seq} has no known Message-ID (a fragment?): ${header.slice(0, 200)}`);
      const text = known.get(m[1]);
      assert.ok(text !== undefined, `unknown message ${m[1]}`);
      const parts: Buffer[] = [];
      for await (const c of box.text(seq).chunks()) parts.push(Buffer.from(c));
      assert.ok(Buffer.concat(parts).toString('latin1') === servedBody(text), `${path}: message ${seq} (${m[1]}) is not whole`);
      ids.push(m[1]);
    }
    return { ids, uidValidity: box.uidValidity };
  } finally {
    await box.close();
  }
}

/** The append and move records and rewrite journals left in the sandbox home and the control directory. */
export function killLeftovers(sb: Sandbox): string[] {
  const listed = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);
  return [...listed(sb.dir), ...listed(controlDir(sb))].filter((f) => /\.(append|move|journal)$/.test(f));
}
