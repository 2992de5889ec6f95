/**
 * Locking under fire: concurrent `mailtool append` processes, `dotlockfile` + `cat >>` deliveries and procmail
 * deliveries into one mailbox, while another process (test/fixtures/churn.ts) keeps it open, checkpoints flag
 * changes and expunges. Afterwards every delivered message is there exactly once and whole, the expunged ones are
 * gone, the others are kept, and no lock or journal is left behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const mailtool = join(root, 'bin', 'mailtool');
const churn = join(root, 'dist', 'test', 'fixtures', 'churn.js');

const dir = mkdtempSync(join(tmpdir(), 'concurrency-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A message whose body is long, holds From lines, and ends with a line naming it (torn messages show). */
function message(id: string, withFromLine: boolean): string {
  const lines = [`From: ${id}@sender.example`, `Subject: delivery ${id}`, `Message-ID: <${id}@test>`, ''];
  for (let i = 0; i < 40; i++) lines.push(i % 9 === 4 ? `From the body of ${id}, line ${i}` : `${id} line ${i} ${'x'.repeat(i)}`);
  lines.push(`END ${id}`, '');
  const text = lines.join('\n');
  return withFromLine ? `From ${id}@sender.example Sat Nov 21 12:00:00 2026\n${text}` : text;
}

/** The body a client must see for a message made by {@link message}: From lines unquoted, CRLF. */
function expectedBody(id: string): string {
  const full = message(id, false);
  return full.slice(full.indexOf('\n\n') + 2).replace(/\n/g, '\r\n');
}

describe('concurrent deliveries, checkpoints and expunges', () => {
  it('lose nothing and duplicate nothing', { timeout: 180_000 }, async () => {
    const box = join(dir, 'INBOX');
    // 20 initial messages; the churn process expunges the even ones.
    let initial = '';
    for (let i = 1; i <= 20; i++) {
      initial += `From init@example.org Sat Nov 21 11:00:${String(i).padStart(2, '0')} 2026\nSubject: initial ${i}\nMessage-ID: <initial-${i}@test>\n\ninitial body ${i}\n\n`;
    }
    writeFileSync(box, initial);
    const msgs = join(dir, 'msgs');
    mkdirSync(msgs, { recursive: true });
    const ids: string[] = [];
    const write = (id: string, fromLine: boolean): string => {
      const f = join(msgs, id);
      writeFileSync(f, message(id, fromLine));
      ids.push(id);
      return f;
    };
    const churner = run(process.execPath, [churn, box, dir, '6000'], { timeout: 120_000 });
    // Three parallel streams of mailtool appends.
    const mailtoolStreams = [0, 1, 2].map(async (s) => {
      for (let i = 0; i < 8; i++) {
        const f = write(`mt${s}-${i}`, false);
        await run(mailtool, ['-c', '/dev/null', 'append', '--journal-dir', dir, '--control-dir', join(dir, 'control'), box, f], { timeout: 60_000 });
      }
    });
    // dotlockfile + cat >>: the lock liblockfile users take, the shell's append.
    const dotlockStream = (async () => {
      for (let i = 0; i < 12; i++) {
        const f = write(`dl-${i}`, true);
        await run('/bin/sh', ['-c',
          'dotlockfile -l -r 20 -p "$1.lock" && { cat "$2" >> "$1"; printf "\\n" >> "$1"; dotlockfile -u "$1.lock"; }',
          'sh', box, f], { timeout: 60_000 });
      }
    })();
    // procmail: dotlock (link) + fcntl, its own From-line handling.
    const procmailStream = (async () => {
      for (let i = 0; i < 12; i++) {
        const f = write(`pm-${i}`, true);
        await run('/bin/sh', ['-c', 'procmail -m DEFAULT="$1" /dev/null < "$2"', 'sh', box, f], { timeout: 60_000 });
      }
    })();
    await Promise.all([...mailtoolStreams, dotlockStream, procmailStream]);
    const { stdout } = await churner;
    assert.match(stdout, /^done \d+ 10\n$/, 'the churn process expunged the 10 even initial messages');

    // Raw check, independent of our parser: each delivery's Message-ID is in the file exactly once.
    const raw = readFileSync(box, 'latin1');
    for (const id of ids) {
      const count = raw.split(`Message-ID: <${id}@test>`).length - 1;
      assert.equal(count, 1, `${id} appears ${count} times`);
    }
    // Through the driver: every delivery whole, the odd initial messages kept, the even ones gone.
    const opened = await new MboxDriver({ journalDir: dir }).open(box, { readOnly: true });
    const seen = new Map<string, string>();
    const uids: number[] = [];
    for (let seq = 1; seq <= opened.count(); seq++) {
      const header = (await opened.header(seq)).toString('latin1');
      const parts: Buffer[] = [];
      for await (const c of opened.text(seq).chunks()) parts.push(Buffer.from(c));
      const subject = /^Subject: (.*)\r$/m.exec(header)?.[1] ?? '?';
      assert.equal(seen.has(subject), false, `${subject} twice`);
      seen.set(subject, Buffer.concat(parts).toString('latin1'));
      uids.push(opened.meta(seq).uid);
    }
    await opened.close();
    for (const id of ids) assert.equal(seen.get(`delivery ${id}`), expectedBody(id), `${id} whole`);
    for (let i = 1; i <= 20; i++) assert.equal(seen.has(`initial ${i}`), i % 2 === 1, `initial ${i}`);
    assert.equal(seen.size, ids.length + 10);
    assert.deepEqual(uids, [...uids].sort((a, b) => a - b));
    assert.equal(new Set(uids).size, uids.length, 'UIDs unique');
    assert.equal(existsSync(`${box}.lock`), false, 'no dotlock left behind');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.journal')), [], 'no journal left behind');
  });
});
