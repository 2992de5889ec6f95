/**
 * The append intent record (append-journal.ts), every state a kill can leave it in, written by hand: the SIGKILL
 * test (test/interop/append-kill.test.ts) lands mostly in state E, these pin P (before and after the extension), Z
 * (before and after the cut), a torn record and a file cut back by its writer. Each with mail a delivery agent
 * appended after the kill, which must survive byte for byte.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, writeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppendIntent, appendRecordPath, recoverAppend } from '../../lib/mailbox/mbox/append-journal.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'append-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const base = Buffer.from('From a@b Sat Nov 21 12:00:00 2026\nSubject: old\n\nold body\n\n');
const agent = Buffer.from('From agent@b Sat Nov 21 12:00:09 2026\nSubject: later\n\nlater body\n\n');
const ours = Buffer.from('From me@b Sat Nov 21 12:00:05 2026\nSubject: ours\n\nour body, which was cut short\n\n');

let n = 0;
/** A mailbox holding `content` and a record (state, start, prev, end) for it; `checksum` false garbles the record. */
function setup(content: Buffer, state: string, start: number, prev: number, end: number, checksum = true): { path: string; record: string } {
  const path = join(dir, `box${++n}`);
  writeFileSync(path, content);
  const st = statSync(path, { bigint: true });
  const fields = `${state} ${st.dev} ${st.ino} ${start} ${prev} ${end}`;
  const text = `uwimap-ts append 1\n${fields} ${checksum ? fnv(fields) : '00000000'}\n`;
  const rec = Buffer.alloc(256, 0x20);
  rec.write(text, 0, 'latin1');
  rec[255] = 0x0a;
  const record = appendRecordPath(dir, st.dev, st.ino);
  writeFileSync(record, rec);
  return { path, record };
}

function recover(path: string): ReturnType<typeof recoverAppend> {
  const fd = openSync(path, 'r+');
  try {
    return recoverAppend(fd, { journalDir: dir });
  } finally {
    closeSync(fd);
  }
}

const zeros = (k: number): Buffer => Buffer.alloc(k);

describe('append intent record recovery', () => {
  it('E: cuts the recorded range, keeping mail appended after it', () => {
    const s = base.length;
    const e = s + ours.length;
    const { path, record } = setup(Buffer.concat([base, ours.subarray(0, 20), zeros(ours.length - 20), agent]), 'E', s, e, e);
    assert.equal(recover(path).action, 'cut');
    assert.ok(readFileSync(path).equals(Buffer.concat([base, agent])));
    assert.equal(existsSync(record), false);
  });

  it('P, extended: the zeros are ours, up to the end', () => {
    const s = base.length;
    const prev = s + ours.length;
    const end = prev + 100;
    const { path } = setup(Buffer.concat([base, ours, zeros(100), agent]), 'P', s, prev, end);
    assert.equal(recover(path).action, 'cut');
    assert.ok(readFileSync(path).equals(Buffer.concat([base, agent])));
  });

  it('P, not extended: only the earlier messages are ours, a long later delivery is kept', () => {
    const s = base.length;
    const prev = s + ours.length;
    // The next message would have been shorter than the delivery that came instead.
    const { path } = setup(Buffer.concat([base, ours, agent]), 'P', s, prev, prev + 10);
    assert.equal(recover(path).action, 'cut');
    assert.ok(readFileSync(path).equals(Buffer.concat([base, agent])));
  });

  it('P, not extended, nothing written yet: the file is left alone', () => {
    const s = base.length;
    const { path, record } = setup(Buffer.concat([base, agent]), 'P', s, s, s + 10);
    assert.equal(recover(path).action, 'dropped');
    assert.ok(readFileSync(path).equals(Buffer.concat([base, agent])));
    assert.equal(existsSync(record), false);
  });

  it('Z: cuts a zeroed range not cut yet, and never cuts twice', () => {
    const s = base.length;
    const e = s + ours.length;
    const { path } = setup(Buffer.concat([base, zeros(ours.length), agent]), 'Z', s, e, e);
    assert.equal(recover(path).action, 'cut');
    assert.ok(readFileSync(path).equals(Buffer.concat([base, agent])));
    // The cut was made, the record not removed yet (a kill): the later mail now stands where the range was.
    const again = setup(Buffer.concat([base, agent, agent]), 'Z', s, s + 10, s + 10);
    assert.equal(recover(again.path).action, 'dropped');
    assert.ok(readFileSync(again.path).equals(Buffer.concat([base, agent, agent])));
  });

  it('a torn record, or a file shorter than the range, changes nothing', () => {
    const s = base.length;
    const torn = setup(Buffer.concat([base, ours]), 'E', s, s + ours.length, s + ours.length, false);
    assert.equal(recover(torn.path).action, 'dropped');
    assert.ok(readFileSync(torn.path).equals(Buffer.concat([base, ours])));
    const short = setup(base, 'E', s, s + ours.length, s + ours.length);
    assert.equal(recover(short.path).action, 'dropped');
    assert.ok(readFileSync(short.path).equals(base));
  });

  it('a committed intent leaves no record; a reserved one is recovered', () => {
    const path = join(dir, 'intent');
    writeFileSync(path, base);
    const fd = openSync(path, 'r+');
    try {
      const a = new AppendIntent(fd, dir, true, base.length);
      a.reserve(ours.length);
      assert.equal(statSync(path).size, base.length + ours.length);
      a.commit();
      const st = statSync(path);
      assert.equal(existsSync(appendRecordPath(dir, st.dev, st.ino)), false);
      const b = new AppendIntent(fd, dir, true, st.size);
      b.reserve(50);
      b.reserve(70);
      // Killed here: the next opener takes both reservations out.
      assert.equal(recoverAppend(fd, { journalDir: dir }).action, 'cut');
      assert.equal(statSync(path).size, st.size);
      assert.equal(existsSync(appendRecordPath(dir, st.dev, st.ino)), false);
    } finally {
      closeSync(fd);
    }
  });

  it('a session open before the kill never indexes the fragment, and its next write keeps the later mail', async () => {
    const path = join(dir, 'session');
    writeFileSync(path, base);
    const driver = new MboxDriver({ journalDir: dir });
    const box = await driver.open(path, { readOnly: false });
    try {
      assert.equal(box.count(), 1);
      // Another process appends, is killed part way, and a delivery agent appends after it.
      const fd = openSync(path, 'r+');
      try {
        // The open wrote its metadata: the mailbox is longer than `base` now.
        const start = statSync(path).size;
        const a = new AppendIntent(fd, dir, false, start);
        a.reserve(ours.length);
        writeSync(fd, ours, 0, 30, start);
        writeSync(fd, agent, 0, agent.length, start + ours.length);
      } finally {
        closeSync(fd);
      }
      await box.sync();
      box.takeUpdates(true);
      assert.equal(box.count(), 2);
      assert.match((await box.header(2)).toString('latin1'), /Subject: later/);
      await box.checkpoint();
    } finally {
      await box.close();
    }
    const st = statSync(path);
    assert.equal(existsSync(appendRecordPath(dir, st.dev, st.ino)), false);
    const again = await driver.open(path, { readOnly: true });
    try {
      assert.equal(again.count(), 2);
      assert.match((await again.header(1)).toString('latin1'), /Subject: old/);
      assert.match((await again.header(2)).toString('latin1'), /Subject: later/);
    } finally {
      await again.close();
    }
  });

  it('where no record can be made, a delivery goes on unprotected and says so, rather than refuse mail', async () => {
    const path = join(dir, 'unprotected');
    writeFileSync(path, base);
    const logger = new MemoryLogger();
    const driver = new MboxDriver({ journalDir: join(dir, 'missing'), env: { logger } });
    const body = Buffer.from('Subject: hi\n\nhello\n');
    async function* msgs(): AsyncIterable<{ body: { size: number; chunks(): AsyncIterable<Uint8Array> }; flags: number; keywords: string[] }> {
      yield { body: { size: body.length, async *chunks() { yield body; } }, flags: 0, keywords: [] };
    }
    assert.equal(await driver.deliver(path, msgs()), 1);
    assert.match(readFileSync(path, 'latin1'), /^From .*\nSubject: old\n\nold body\n\nFrom MAILER-DAEMON@.*\nSubject: hi\n\nhello\n\n$/);
    assert.ok(logger.lines.some((l) => l.level === 'warning' && /without an intent record/.test(l.message)));
  });

  it("a record in the legacy journal_dir is taken out by an opener whose journals go to its control directory", async () => {
    // An earlier version, or a session without a usable control directory, left its record in journal_dir (`dir`).
    const s = base.length;
    const e = s + ours.length;
    const { path, record } = setup(Buffer.concat([base, ours.subarray(0, 20), zeros(ours.length - 20), agent]), 'E', s, e, e);
    const control = mkdtempSync(join(dir, 'control-'));
    const box = await new MboxDriver({ journalDir: control, legacyJournalDir: dir }).open(path, { readOnly: false });
    try {
      assert.equal(box.count(), 2);
    } finally {
      await box.close();
    }
    assert.match(readFileSync(path, 'latin1'), /\nold body\n\nFrom agent@b [^\n]*\nSubject: later\n(?:[^\n]+\n)*\nlater body\n\n$/);
    assert.ok(!readFileSync(path, 'latin1').includes('our body'));
    assert.equal(existsSync(record), false);
  });
});
