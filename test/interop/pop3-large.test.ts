/**
 * RETR of a 200 MB message streams from the file with back-pressure: the server's peak memory stays within a few
 * MB of a session that retrieves a small message, even when the client stops reading for a while, and every byte
 * arrives (size announced = bytes sent).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOBODY = 65534;
if (process.getuid?.() !== 0) throw new Error('run as root: the server runs as nobody');
const dir = mkdtempSync(join(tmpdir(), 'pop3-large-'));
chownSync(dir, NOBODY, NOBODY);
after(() => rmSync(dir, { recursive: true, force: true }));

function makeMailbox(path: string, bodyBytes: number): void {
  const fd = openSync(path, 'w');
  writeSync(fd, 'From big@example.org Sat Nov 21 12:00:00 2026\nSubject: big\n\n');
  const line = Buffer.from('0123456789'.repeat(7) + '\n'); // 71 bytes
  const block = Buffer.concat(Array.from({ length: 14768 }, () => line)); // ~1 MB
  for (let n = 0; n < bodyBytes; n += block.length) writeSync(fd, block);
  writeSync(fd, '\n');
  closeSync(fd);
  chownSync(path, NOBODY, NOBODY);
}

/** Runs a RETR 1 session; the client pauses reading for `pauseMs` after the first bytes. Returns bytes and peak RSS. */
function session(mailbox: string, pauseMs: number): Promise<{ lines: string[]; bytes: number; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const env = [`PATH=${dirname(process.execPath)}:/usr/bin:/bin`, `MAIL=${mailbox}`];
    const child = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/time', '-f', '@@%M', '/usr/bin/env', '-i', ...env,
      join(ROOT, 'bin', 'ipop3d')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let head = '';
    let tail = Buffer.alloc(0);
    let paused = false;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
      if (head.length < 4096) head += b.toString('latin1');
      tail = Buffer.concat([tail, b]).subarray(-64);
      if (!paused && pauseMs > 0 && bytes > 1 << 20) {
        paused = true;
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), pauseMs);
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const m = /@@(\d+)/.exec(err);
      if (!m) return reject(new Error(`no RSS figure: ${err}`));
      resolve({ lines: [...head.split('\r\n').slice(0, 3), tail.toString('latin1')], bytes, maxRssKb: Number(m[1]) });
    });
    child.stdin.end('RETR 1\r\nQUIT\r\n');
  });
}

describe('RETR of a 200 MB message', () => {
  it('streams it whole with peak memory near a small session, even past a client that stops reading', { timeout: 300_000 }, async () => {
    const small = join(dir, 'small');
    makeMailbox(small, 1);
    const big = join(dir, 'big');
    makeMailbox(big, 200 << 20);
    const base = await session(small, 0);
    const r = await session(big, 3000);
    const announced = Number(/^\+OK (\d+) octets$/.exec(r.lines[1] ?? '')?.[1]);
    assert.ok(announced > 200 * 1024 * 1024, `announced ${announced}`);
    // Greeting, +OK line, the message dot-stuffed (none of its lines starts with '.'), terminator, QUIT's reply.
    const greeting = (r.lines[0] ?? '').length + 2;
    const okLine = (r.lines[1] ?? '').length + 2;
    assert.equal(r.bytes, greeting + okLine + announced + '.\r\n'.length + '+OK Sayonara\r\n'.length);
    assert.match(r.lines[3] ?? '', /0123456789\r\n\.\r\n\+OK Sayonara\r\n$/);
    const growthMb = (r.maxRssKb - base.maxRssKb) / 1024;
    assert.ok(growthMb < 24, `peak RSS grew by ${growthMb.toFixed(1)} MB (small ${base.maxRssKb} KB, big ${r.maxRssKb} KB)`);
  });
});
