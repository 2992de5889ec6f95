/**
 * APPEND of a 200 MB message streams to disk (issue 5: "APPEND up to a configured maximum"; the standards: "single
 * messages of 200 MB are normal", "stream bodies"): the literal goes to an unlinked spool file as it arrives and from
 * there into the mailbox, so bin/imapd's peak memory stays far below the message's size, and the
 * stored message is whole (its RFC822.SIZE is the literal's size; UW's mailutil counts it).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOBODY = 65534;
const dir = mkdtempSync(join(tmpdir(), 'imap-append-large-'));
chmodSync(dir, 0o755);
chownSync(dir, NOBODY, NOBODY);
after(() => rmSync(dir, { recursive: true, force: true }));

const LINE = Buffer.from('0123456789'.repeat(7) + '\r\n'); // 72 octets
const HEADER = Buffer.from('From: big@example.org\r\nSubject: big\r\n\r\n');

/** An APPEND of a message of `lines` body lines, streamed with back-pressure; the peak RSS of the server. */
function session(box: string, spoolDir: string, lines: number): Promise<{ out: string; maxRssKb: number; size: number }> {
  const size = HEADER.length + lines * LINE.length;
  const conf = join(dir, 'imapd.conf');
  writeFileSync(conf, `journal_dir = ${spoolDir}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/time', '-f', '@@%M', '/usr/bin/env', '-i',
      `HOME=${dir}`, `MAIL=${box}`, join(ROOT, 'bin', 'imapd'), '-c', conf], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('latin1');
      // Refused (no continuation request): end the session instead of waiting for one.
      if (!sent && /\r\na (BAD|NO) /.test(out)) {
        sent = true;
        child.stdin.end('b LOGOUT\r\n');
      }
      if (!sent && out.includes('\r\n+ ')) {
        sent = true;
        void (async () => {
          const block = Buffer.concat(Array.from({ length: 4096 }, () => LINE));
          const write = (b: Buffer): Promise<void> => new Promise((r) => (child.stdin.write(b) ? r() : child.stdin.once('drain', () => r())));
          await write(HEADER);
          let left = lines;
          while (left > 0) {
            const n = Math.min(left, 4096);
            await write(n === 4096 ? block : block.subarray(0, n * LINE.length));
            left -= n;
          }
          child.stdin.end('\r\nb LOGOUT\r\n');
        })();
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const m = /@@(\d+)/.exec(err);
      if (!m) return reject(new Error(`no RSS figure: ${err}`));
      resolve({ out, maxRssKb: Number(m[1]), size });
    });
    child.stdin.write(`a APPEND INBOX {${size}}\r\n`);
  });
}

function messages(box: string): { size: number }[] {
  const json = execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, join(ROOT, 'bin', 'mailtool'), '-c', '/dev/null', 'check', '--json', box]);
  return (JSON.parse(json.toString()) as { messages: { size: number }[] }).messages;
}

describe('APPEND of a 200 MB message', () => {
  it('is spooled to disk, not memory, and stored whole', { timeout: 300_000 }, async () => {
    const spoolDir = join(dir, 'spool');
    execFileSync('install', ['-d', '-o', 'nobody', '-m', '700', spoolDir]);
    const small = join(dir, 'small');
    const big = join(dir, 'big');
    for (const b of [small, big]) {
      writeFileSync(b, '');
      chownSync(b, NOBODY, NOBODY);
    }
    const base = await session(small, spoolDir, 10);
    assert.match(base.out, /\r\na OK \[APPENDUID \d+ 1\] APPEND completed\r\n/);
    // Just under max_literal (200 MiB by default, as UW).
    const r = await session(big, spoolDir, Math.floor(((200 << 20) - HEADER.length) / LINE.length));
    assert.match(r.out, /\r\na OK \[APPENDUID \d+ 1\] APPEND completed\r\n/);
    // Held in memory the literal alone would add 200 MB (and more while it was gathered). What remains is the socket's
    // read buffers: Node allocates one per read, and V8 collects them only after some tens of MB of them.
    const grew = (r.maxRssKb - base.maxRssKb) / 1024;
    assert.ok(grew < 64, `peak RSS grew by ${grew.toFixed(1)} MB (small ${base.maxRssKb} KB, big ${r.maxRssKb} KB)`);
    assert.deepEqual(messages(big).map((m) => m.size), [r.size]);
    assert.deepEqual(messages(small).map((m) => m.size), [base.size]);
    // c-client takes names relative to the home directory.
    const count = execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `HOME=${dir}`, 'PATH=/usr/bin:/bin',
      'mailutil', 'check', './big'], { cwd: dir });
    assert.match(count.toString(), /, 1 total in /);
    // The spool file was unlinked at once and its descriptor closed: nothing is left behind.
    assert.deepEqual(readdirSync(spoolDir), []);
  });
});
