/**
 * The index kept between sessions (lib/mailbox/mbox/index-file.ts, saved-index.ts) on real files: an unchanged
 * mailbox opens without reading the mbox, and whatever changed behind the index (a delivery appended, a rewrite in
 * place, a file replaced, a truncation, times set back, a damaged or foreign index, another time zone) gives the
 * same answers as an open without any index.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync,
  truncateSync, utimesSync, writeFileSync, writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import { COLUMN_NAMES } from '../../lib/mailbox/mbox/message-index.js';
import { EXPUNGE_MEMORY, ExpungeMemory } from '../../lib/mailbox/mbox/expunge-memory.js';
import { fixedClock, type MailEnv } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { createMailboxLocking } from '../../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';

const dir = mkdtempSync(join(tmpdir(), 'saved-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/**
 * A driver with its own control directory; `zone` is the local zone (minutes east) of zone-less `From ` lines;
 * `locked`: it takes the mailbox locks as the servers do (dotlock, fcntl, flock), else none.
 */
function setup(zone = 0, locked = false): { d: MboxDriver; control: ControlDir; logger: MemoryLogger; path: string } {
  const logger = new MemoryLogger();
  const control = new ControlDir({ path: mkdtempSync(join(dir, 'control-')), uid: process.getuid?.() ?? 0, logger });
  const clock: MailEnv['clock'] = { ...fixedClock(T0), zoneAt: () => zone };
  const d = new MboxDriver({
    journalDir: dir, fsync: false, control,
    env: { clock, hostname: 'mail.example.org', username: 'alice', logger },
    ...(locked ? {
      locking: createMailboxLocking({ registry: new DotlockRegistry(), host: dotlockHostFromProcess(process, hostname()), timeoutMs: 30_000 }),
    } : {}),
  });
  return { d, control, logger, path: join(dir, `box${++n}`) };
}

/** An mbox of `count` messages with UW's metadata on some (X-UID, Status, keywords), bodies of ~`bodySize` bytes. */
function mboxText(count: number, bodySize = 2000): string {
  const parts: string[] = [];
  const line = 'the quick brown fox jumps over the lazy dog 0123456789\n';
  const body = line.repeat(Math.ceil(bodySize / line.length));
  for (let i = 1; i <= count; i++) {
    const meta = i === 1 ? 'X-IMAPbase: 1700000000 0000000000 work\nStatus: RO\nX-Keywords: work\nX-UID: 1\n' :
      i % 3 === 0 ? '' : `Status: ${i % 2 ? 'RO' : 'O'}\nX-Status: ${i % 5 ? '' : 'F'}\nX-UID: ${i}\n`;
    // A zone-less From line on every fourth: its date depends on the local zone.
    const from = i % 4 ? `From sender${i}@example.org Sat Nov 21 11:${String(i % 60).padStart(2, '0')}:00 2026 +0100` :
      `From sender${i}@example.org Sat Nov 21 11:00:00 2026`;
    parts.push(`${from}\nSubject: message ${i}\n${meta}\n${body}${i % 7 ? '' : 'From inside a body\n'}\n`);
  }
  return parts.join('');
}

/** Where column `name` starts in the index file `b` (its offset in the header's column table). */
function columnAt(b: Buffer, name: (typeof COLUMN_NAMES)[number]): number {
  return b.readUInt32LE(128 + COLUMN_NAMES.indexOf(name) * 8);
}

/** Everything a client can see of an open mailbox. */
async function view(box: OpenMailbox): Promise<unknown[]> {
  const out: unknown[] = [{ uidNext: box.uidNext(), keywords: [...box.keywords()] }];
  for (let seq = 1; seq <= box.count(); seq++) {
    const parts: Buffer[] = [];
    for await (const c of box.message(seq).chunks()) parts.push(Buffer.from(c));
    const m = box.meta(seq);
    out.push({
      uid: m.uid, flags: m.flags, keywords: [...m.keywords], recent: m.recent, internalDate: { ...m.internalDate },
      size: m.size, lfSize: m.lfSize, text: Buffer.concat(parts).toString('latin1'),
    });
  }
  return out;
}

/** What a fresh driver without any saved index sees of the mailbox at `path` (read-only, nothing claimed). */
async function truth(path: string, zone = 0): Promise<unknown[]> {
  const logger = new MemoryLogger();
  const clock: MailEnv['clock'] = { ...fixedClock(T0), zoneAt: () => zone };
  const d = new MboxDriver({ journalDir: dir, fsync: false, env: { clock, hostname: 'h', username: 'alice', logger } });
  const box = await d.open(path, { readOnly: true });
  try {
    return await view(box);
  } finally {
    await box.close();
  }
}

/** Bytes this process has read through read(2) and pread(2) so far (/proc/self/io's rchar). */
function bytesRead(): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'latin1'));
  assert.ok(m, '/proc/self/io has rchar');
  return Number(m[1]);
}

/** Opens read-only, returns what it sees and how many bytes the open itself read. */
async function look(d: MboxDriver, path: string): Promise<{ seen: unknown[]; read: number }> {
  const before = bytesRead();
  const box = await d.open(path, { readOnly: true });
  const read = bytesRead() - before;
  try {
    return { seen: await view(box), read };
  } finally {
    await box.close();
  }
}

describe('saved index', () => {
  it('opens an unchanged mailbox without reading it, and answers as a scan does', async () => {
    const { d, control, path } = setup();
    writeFileSync(path, mboxText(600));
    const size = statSync(path).size;
    const cold = await look(d, path);
    const file = control.fileFor('index', path) as string;
    assert.ok(existsSync(file), 'the first open saved an index');
    assert.ok(statSync(file).size < size / 10, `index ${statSync(file).size} bytes for a ${size}-byte mbox`);
    assert.ok(cold.read >= size, 'the cold open read the mailbox');
    const warm = await look(d, path);
    assert.ok(warm.read < size / 10, `a warm open read ${warm.read} bytes of a ${size}-byte mailbox`);
    assert.deepEqual(warm.seen, cold.seen);
    assert.deepEqual(warm.seen, await truth(path));
  });

  it('keeps the sizes a POP3 open counts: the next one reads nothing of the mailbox', async () => {
    const { d, path } = setup();
    // A body bigger than what a scan reads at once: its size is counted when first asked (POP3 asks at open).
    const big = 'x'.repeat(999) + '\n';
    writeFileSync(path, mboxText(30) + 'From big@example.org Sat Nov 21 11:00:00 2026\nSubject: big\n\n' + big.repeat(4000) + '\n');
    const size = statSync(path).size;
    await (await d.open(path, { readOnly: true })).close();
    const pop = async (): Promise<{ read: number; sizes: number[] }> => {
      const before = bytesRead();
      const box = await d.open(path, { readOnly: true, sizes: true });
      const read = bytesRead() - before;
      const sizes = Array.from({ length: box.count() }, (_, i) => box.meta(i + 1).size);
      await box.close();
      return { read, sizes };
    };
    const first = await pop();
    assert.ok(first.read >= 4e6, `the first POP3 open counted the big body: ${first.read} bytes read`);
    const second = await pop();
    assert.ok(second.read < size / 10, `the second read ${second.read} bytes of ${size}`);
    assert.deepEqual(second.sizes, first.sizes);
  });

  it('opens a mailbox its index describes exactly without the locks; anything else waits for them', async () => {
    const { d, path } = setup(0, true);
    // A body bigger than what a scan reads at once: an open that is not asked for sizes leaves it uncounted.
    const big = 'x'.repeat(999) + '\n';
    writeFileSync(path, mboxText(20) + 'From big@example.org Sat Nov 21 11:00:00 2026\nSubject: big\n\n' + big.repeat(4000) + '\n');
    await (await d.open(path, { readOnly: true })).close();
    /** Another program holding flock(LOCK_EX) on the mailbox (as UW's writers do) until its group is killed. */
    const holder = async (): Promise<ChildProcess> => {
      const p = spawn('flock', ['-x', path, '-c', 'echo held; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
      const [data] = (await once(p.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
      assert.equal(data.toString(), 'held\n');
      return p;
    };
    const release = (h: ChildProcess): void => {
      try {
        process.kill(-(h.pid as number), 'SIGKILL');
      } catch {
        // gone already
      }
    };
    /** Opens while `h` holds the lock, released after 400 ms; whether the open finished before that. */
    const openWhileHeld = async (h: ChildProcess, sizes: boolean): Promise<{ early: boolean; seen: unknown[] }> => {
      let released = false;
      const timer = setTimeout(() => {
        released = true;
        release(h);
      }, 400);
      try {
        const box = await d.open(path, { readOnly: true, sizes });
        const early = !released;
        try {
          return { early, seen: await view(box) };
        } finally {
          await box.close();
        }
      } finally {
        clearTimeout(timer);
        release(h);
        if (h.exitCode === null && h.signalCode === null) await once(h, 'exit');
      }
    };
    // The big body's size still to count at open (POP3's `sizes`): counted under the lock, so the open waits.
    let r = await openWhileHeld(await holder(), true);
    assert.ok(!r.early, 'sizes to count at open waited for the lock');
    assert.deepEqual(r.seen, await truth(path));
    // Counted and saved now, the file unchanged since: not held up, with or without `sizes`.
    r = await openWhileHeld(await holder(), true);
    assert.ok(r.early, 'an open with every size counted finished while another program held the lock');
    r = await openWhileHeld(await holder(), false);
    assert.ok(r.early, 'the open of an unchanged mailbox finished while another program held the lock');
    assert.deepEqual(r.seen, await truth(path));
    // A delivery since: the open waits for the lock before it scans the new mail.
    appendFileSync(path, 'From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: delivered\n\nnew mail\n\n');
    r = await openWhileHeld(await holder(), false);
    assert.ok(!r.early, 'the open of a changed mailbox waited for the lock');
    assert.deepEqual(r.seen, await truth(path));
  });

  it('scans only what a delivery appended, and sees it', async () => {
    const { d, path } = setup();
    writeFileSync(path, mboxText(50));
    await look(d, path);
    appendFileSync(path, 'From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: delivered\n\nnew mail\n\n');
    const after = await look(d, path);
    assert.equal((after.seen as { uid: number; text: string }[]).at(-1)?.text, 'Subject: delivered\r\n\r\nnew mail\r\n');
    assert.deepEqual(after.seen, await truth(path));
    // ...and the index saved then describes the grown file.
    assert.ok((await look(d, path)).read < statSync(path).size / 10);
  });

  it('sees a rewrite in place of the same size, a file replaced, a truncation, and times set back', async () => {
    const { d, path } = setup();
    const text = mboxText(40);
    writeFileSync(path, text);
    await look(d, path);
    // Another program flips a flag in place (same size), then sets the times back as they were: ctime still moves.
    const st = statSync(path);
    const at = text.indexOf('Status: RO\nX-Status: \nX-UID: 7\n');
    assert.ok(at > 0);
    const fd = openSync(path, 'r+');
    writeSync(fd, 'Status: O \n', at);
    closeSync(fd);
    utimesSync(path, st.atime, st.mtime);
    let seen = (await look(d, path)).seen;
    assert.deepEqual(seen, await truth(path));
    assert.equal(((seen[7] as { flags: number }).flags & Flag.Seen), 0, 'message 7 no longer \\Seen');
    // An editor writes a new file (another inode) with a message less in the middle, renamed over the old one.
    const without = text.replace(/From sender7@[^]*?(?=From sender8@)/, '');
    writeFileSync(`${path}.tmp`, without);
    renameSync(`${path}.tmp`, path);
    seen = (await look(d, path)).seen;
    assert.deepEqual(seen, await truth(path));
    assert.equal(seen.length, 1 + 39);
    // The last messages cut off.
    truncateSync(path, without.indexOf('From sender30@'));
    seen = (await look(d, path)).seen;
    assert.deepEqual(seen, await truth(path));
    assert.equal(seen.length, 1 + 28);
  });

  it('does not trust a damaged, truncated, foreign or older index, nor one made in another time zone', async () => {
    const { d, control, logger, path } = setup();
    writeFileSync(path, mboxText(30));
    await look(d, path);
    const file = control.fileFor('index', path) as string;
    const good = readFileSync(file);
    const expect = await truth(path);
    const size = statSync(path).size;
    const damaged: [string, Buffer][] = [
      ['magic', Buffer.concat([Buffer.from('XWTSIDX\n'), good.subarray(8)])],
      ['an older version', (() => { const b = Buffer.from(good); b.writeUInt32LE(1, 8); return b; })()],
      ['a header byte', (() => { const b = Buffer.from(good); b[20] = (b[20] as number) ^ 1; return b; })()],
      ['a UID', (() => { const b = Buffer.from(good); const at = columnAt(b, 'uid') + 4; b[at] = (b[at] as number) ^ 0x40; return b; })()],
      ['a flag', (() => { const b = Buffer.from(good); const at = columnAt(b, 'flags') + 2; b[at] = (b[at] as number) ^ 1; return b; })()],
      ['truncated', good.subarray(0, good.length - 9)],
      ['empty', Buffer.alloc(0)],
      ['foreign', Buffer.from('From x Sat Nov 21 11:00:00 2026\n\nnot an index\n')],
    ];
    for (const [what, bytes] of damaged) {
      writeFileSync(file, bytes);
      const r = await look(d, path);
      assert.deepEqual(r.seen, expect, what);
      assert.ok(r.read >= size, `${what}: the mailbox was scanned`);
      // The scan saved an index again, which the next open uses.
      const again = await look(d, path);
      assert.ok(again.read < size / 10, `${what}: index saved again`);
      assert.deepEqual(again.seen, expect, what);
    }
    // The zone-less From lines are dated in the local zone: an index made under another one is not used.
    const east = setup(120);
    const r = await look(new MboxDriver({
      journalDir: dir, fsync: false, control,
      env: { clock: { ...fixedClock(T0), zoneAt: () => 120 }, hostname: 'h', username: 'alice', logger },
    }), path);
    assert.deepEqual(r.seen, await truth(path, 120));
    assert.notDeepEqual(r.seen, expect, 'the zone shows in the dates');
    rmSync(east.path, { force: true });
  });

  it('rebuilds a column that fails its check when first read, from the mailbox', async () => {
    const { d, control, logger, path } = setup();
    writeFileSync(path, mboxText(30));
    const expect = (await look(d, path)).seen;
    const file = control.fileFor('index', path) as string;
    // Where bodies begin (read when the first message is served): damage its first entry.
    const b = readFileSync(file);
    const at = columnAt(b, 'bodyStart');
    b[at + 1] = (b[at + 1] as number) ^ 0x10;
    writeFileSync(file, b);
    const r = await look(d, path);
    assert.deepEqual(r.seen, expect);
    assert.ok(logger.lines.some((l) => /column bodyStart of the saved index is damaged/.test(l.message)), JSON.stringify(logger.lines));
  });

  it('keeps the index in step with the session\'s own writes, and a second user\'s index apart', async () => {
    const { d, control, path } = setup();
    writeFileSync(path, mboxText(20));
    const box = await d.open(path, { readOnly: false });
    box.setFlags([3], 'add', Flag.Flagged, ['todo']);
    await box.checkpoint();
    await box.expunge(new Set([box.meta(2).uid]));
    await box.close();
    const file = control.fileFor('index', path) as string;
    const before = statSync(file).mtimeMs;
    const warm = await look(d, path);
    assert.ok(warm.read < statSync(path).size / 10, 'the close saved the index of what it wrote');
    assert.deepEqual(warm.seen, await truth(path));
    assert.equal(statSync(file).mtimeMs, before, 'an open that changed nothing does not save it again');
    // Another user (another control directory) has its own; removing it loses nothing.
    const other = setup();
    const theirs = await look(new MboxDriver({
      journalDir: dir, fsync: false, control: other.control,
      env: { clock: fixedClock(T0), hostname: 'h', username: 'bob', logger: other.logger },
    }), path);
    assert.deepEqual(theirs.seen, warm.seen);
    rmSync(file);
    assert.deepEqual((await look(d, path)).seen, warm.seen);
  });
});

describe('change log', () => {
  it("carries one session's STOREs to another session and to the next open, without a scan", async () => {
    const { d, control, path } = setup();
    writeFileSync(path, mboxText(300));
    // A first session writes every message's metadata block (UW's, with room for flags): STOREs then patch in place.
    await (await d.open(path, { readOnly: false })).close();
    const size = statSync(path).size;
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    const before = bytesRead();
    for (const [seq, flag] of [[3, Flag.Flagged], [150, Flag.Answered], [300, Flag.Deleted]] as const) {
      a.setFlags([seq], 'add', flag, []);
      await a.checkpoint();
    }
    a.setFlags([3], 'add', 0, ['work']);
    await a.checkpoint();
    await b.sync();
    assert.ok(bytesRead() - before < size / 10, `the STOREs and the sync read ${bytesRead() - before} bytes`);
    assert.deepEqual(b.takeUpdates(true), [{ kind: 'flags', seq: 3 }, { kind: 'flags', seq: 150 }, { kind: 'flags', seq: 300 }]);
    assert.deepEqual([b.meta(3).flags, [...b.meta(3).keywords]], [Flag.Flagged, ['work']]);
    assert.equal(b.meta(150).flags, Flag.Answered, 'message 150 had no Status: line');
    // B's own change on top, then A follows it.
    b.setFlags([150], 'remove', Flag.Answered, []);
    await b.checkpoint();
    await a.sync();
    assert.deepEqual(a.takeUpdates(true), [{ kind: 'flags', seq: 150 }]);
    assert.equal(a.meta(150).flags, 0);
    await a.close();
    await b.close();
    const log = `${control.fileFor('index', path) as string}.log`;
    assert.ok(statSync(log).size > 8, 'the records are in the log');
    const warm = await look(d, path);
    assert.ok(warm.read < size / 10, `the next open read ${warm.read} bytes`);
    assert.deepEqual(warm.seen, await truth(path));
  });

  it('is followed as far as it goes: a torn record, or a delivery after it, is looked at in the mbox', async () => {
    const { d, control, path } = setup();
    writeFileSync(path, mboxText(40));
    await look(d, path);
    const a = await d.open(path, { readOnly: false });
    a.setFlags([5], 'add', Flag.Flagged, []);
    await a.checkpoint();
    // A delivery by another program after the logged change.
    appendFileSync(path, 'From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: delivered\n\nnew mail\n\n');
    let r = await look(d, path);
    assert.deepEqual(r.seen, await truth(path));
    assert.equal((r.seen[5] as { flags: number }).flags & Flag.Flagged, Flag.Flagged);
    // A writer killed while appending its record: half a record at the end of the log, and its change on disk.
    a.setFlags([6], 'add', Flag.Flagged, []);
    await a.checkpoint();
    const log = `${control.fileFor('index', path) as string}.log`;
    const whole = readFileSync(log);
    writeFileSync(log, whole.subarray(0, whole.length - 5));
    r = await look(d, path);
    assert.deepEqual(r.seen, await truth(path));
    assert.equal((r.seen[6] as { flags: number }).flags & Flag.Flagged, Flag.Flagged);
    await a.close();
  });
});

describe('modification sequences (RFC 7162)', () => {
  /** A driver whose clock (ms) the test moves. */
  function moving(control: ControlDir, logger: MemoryLogger): { d: MboxDriver; at: { now: number } } {
    const at = { now: T0 };
    const d = new MboxDriver({
      journalDir: dir, fsync: false, control,
      env: { clock: { now: () => at.now, zoneAt: () => 0 }, hostname: 'h', username: 'alice', logger },
    });
    return { d, at };
  }
  const modseqs = (box: OpenMailbox): number[] => Array.from({ length: box.count() }, (_, i) => box.meta(i + 1).modseq);

  it('numbers each change above every earlier one, shared by sessions, kept by the index, never going back', async () => {
    const { control, logger, path } = setup();
    const { d, at } = moving(control, logger);
    writeFileSync(path, mboxText(20));
    await (await d.open(path, { readOnly: false })).close();
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    const start = a.highestModseq();
    assert.ok(start >= T0 * 1000, 'the first numbers come from the clock (microseconds)');
    assert.deepEqual(new Set(modseqs(a)), new Set([start]), 'every message as new');
    // A STORE that changes flags: one new number for the messages it changed; one that changes nothing: none.
    // (Messages 3 and 6 had no metadata: the first session wrote their blocks, with room, so this is written in
    // place and logged.)
    a.setFlags([3, 6], 'add', Flag.Flagged, []);
    await a.checkpoint();
    const m1 = a.highestModseq();
    assert.ok(m1 > start);
    assert.deepEqual([a.meta(3).modseq, a.meta(6).modseq, a.meta(5).modseq], [m1, m1, start]);
    a.setFlags([3], 'add', Flag.Flagged, []);
    await a.checkpoint();
    assert.equal(a.highestModseq(), m1, 'a STORE that changed nothing');
    // The other session takes the same numbers from the change log.
    await b.sync();
    b.takeUpdates(true);
    assert.deepEqual(modseqs(b), modseqs(a));
    assert.equal(b.highestModseq(), m1);
    // An expunge is a change too.
    b.setFlags([7], 'add', Flag.Deleted, []);
    await b.expunge();
    b.takeUpdates(true);
    assert.ok(b.highestModseq() > b.meta(7).modseq);
    const before = b.highestModseq();
    await a.sync();
    a.takeUpdates(true);
    assert.ok(a.highestModseq() > m1, 'the other session saw a change');
    // The expunge moved messages (not a change the log can say): b saved the index then, and a took its numbers.
    assert.deepEqual(modseqs(a), modseqs(b));
    assert.equal(a.highestModseq(), b.highestModseq());
    assert.deepEqual(a.expungedSince(m1), [7]);
    await a.close();
    await b.close();
    // The next session starts from the index: the same numbers.
    const c = await d.open(path, { readOnly: true });
    assert.ok(c.highestModseq() >= before);
    // What was expunged since a point is remembered with the index (QRESYNC's VANISHED), back to its horizon.
    assert.deepEqual(c.expungedSince(m1), [7]);
    assert.deepEqual(c.expungedSince(c.highestModseq()), []);
    assert.deepEqual(c.expungedSince(start), [7]);
    assert.equal(c.expungedSince(start - 1), null, 'before the index began: not known');
    const kept = modseqs(c);
    await c.close();
    // Another program changes message 5's flags in place: a session finds it, and gives it a new number.
    const text = readFileSync(path, 'latin1');
    const e = await d.open(path, { readOnly: false });
    const g = await d.open(path, { readOnly: true });
    // A message whose block has room in its X-Keywords line (the ones the first session wrote).
    const kw = text.indexOf('X-Keywords:      ', text.indexOf('Subject: message 3\n'));
    const uid = Number(/X-UID: (\d+)/.exec(text.slice(kw))?.[1]);
    const seq = e.seqOf(uid) as number;
    const fd = openSync(path, 'r+');
    writeSync(fd, ' todo', kw + 11);
    closeSync(fd);
    await e.sync();
    assert.deepEqual(e.takeUpdates(true), [{ kind: 'keywords', keywords: ['work', 'todo'] }, { kind: 'flags', seq }]);
    assert.deepEqual([...e.meta(seq).keywords], ['todo']);
    assert.ok(e.meta(seq).modseq > c.highestModseq(), 'the change found gets a number above all before');
    assert.deepEqual(modseqs(e).filter((_, i) => i !== seq - 1), kept.filter((_, i) => i !== seq - 1), 'the others keep theirs');
    // The session that found it saved the index then: another session takes its number rather than give one.
    await g.sync();
    g.takeUpdates(true);
    assert.deepEqual(modseqs(g), modseqs(e));
    await g.close();
    const high = e.highestModseq();
    await e.close();
    // The index lost: the numbers go on from the clock, which has moved on since.
    rmSync(control.fileFor('index', path) as string);
    at.now = T0 + 60_000;
    const f = await d.open(path, { readOnly: true });
    assert.ok(f.highestModseq() > high);
    assert.ok(modseqs(f).every((m) => m > high), 'every message is new to a client that knew the old numbers');
    assert.equal(f.expungedSince(high), null, 'and what was expunged before is not known');
    await f.close();
  });

  it('goes on above every earlier number when the clock is set back, from the index or the counter', async () => {
    const { control, logger, path } = setup();
    const { d, at } = moving(control, logger);
    writeFileSync(path, mboxText(10));
    at.now = T0 + 3_600_000;
    const a = await d.open(path, { readOnly: false });
    a.setFlags([2], 'add', Flag.Flagged, []);
    await a.checkpoint();
    const high = a.highestModseq();
    await a.close();
    // The clock goes back an hour (a bad NTP step): changes still get numbers above all given before.
    at.now = T0;
    const b = await d.open(path, { readOnly: false });
    assert.equal(b.highestModseq(), high, 'from the index');
    b.setFlags([3], 'add', Flag.Flagged, []);
    await b.checkpoint();
    assert.ok(b.meta(3).modseq > high && b.highestModseq() === b.meta(3).modseq);
    const after = b.highestModseq();
    await b.close();
    // The index lost as well: the counter beside it still holds the last number given.
    rmSync(control.fileFor('index', path) as string);
    const c = await d.open(path, { readOnly: false });
    assert.ok(modseqs(c).every((m) => m > after), 'every message new, above all numbers given before');
    c.setFlags([4], 'add', Flag.Seen, []);
    await c.checkpoint();
    assert.ok(c.meta(4).modseq > after);
    await c.close();
  });

  it('STORE (UNCHANGEDSINCE): leaves a message another session changed since, in one step under the locks', async () => {
    const { d, path } = setup();
    writeFileSync(path, mboxText(10));
    await (await d.open(path, { readOnly: false })).close();
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    const seen = a.meta(3).modseq;
    assert.equal(a.meta(4).modseq, seen);
    // b changes message 3 after a last looked; a's conditional STORE finds it under the locks.
    b.setFlags([3], 'add', Flag.Answered, []);
    await b.checkpoint();
    assert.deepEqual(await a.storeUnchangedSince([3, 4], seen, 'add', Flag.Flagged, []), [3]);
    assert.equal(a.meta(3).flags & Flag.Flagged, 0, 'message 3 left alone');
    assert.equal(a.meta(4).flags & Flag.Flagged, Flag.Flagged);
    assert.ok(a.meta(4).modseq > seen);
    await b.sync();
    b.takeUpdates(true);
    assert.equal(b.meta(4).flags & Flag.Flagged, Flag.Flagged, 'written at once');
    await a.close();
    await b.close();
  });
});

describe('save dates (RFC 8514)', () => {
  it('keeps the moment a message was saved: in the index, read back, carried over a change behind it', async () => {
    const { d, control, logger, path } = setup();
    const text = mboxText(10);
    writeFileSync(path, text);
    const old = { time: Date.UTC(2015, 0, 1, 17, 50, 53), zone: 60 };
    const b = Buffer.from('Subject: soup\r\n\r\nhot\r\n', 'latin1');
    async function* one(): AsyncIterable<AppendMessage> {
      yield { body: { size: b.length, async *chunks() { yield b; } }, flags: 0, keywords: [], internalDate: old };
    }
    await d.append(path, one());
    const saveDates = async (drv: MboxDriver): Promise<{ time: number; zone: number }[]> => {
      const box = await drv.open(path, { readOnly: true });
      try {
        return Array.from({ length: box.count() }, (_, i) => {
          const m = box.meta(i + 1);
          assert.ok(m.saveDate, 'every message has one');
          return { ...m.saveDate };
        });
      } finally {
        await box.close();
      }
    };
    const check = (dates: { time: number; zone: number }[], what: string, saved = { time: T0, zone: 0 }): void => {
      assert.equal(dates.length, 11, what);
      // Mail another program wrote: its From line's date, the INTERNALDATE.
      assert.deepEqual(dates[0], { time: Date.UTC(2026, 10, 21, 10, 1), zone: 60 }, what);
      // The message APPEND saved: the clock's moment, not its INTERNALDATE.
      assert.deepEqual(dates[10], saved, what);
    };
    check(await saveDates(d), 'the session that saved it');
    // A new process (another driver over the same control directory): from the saved index.
    const again = (): MboxDriver => new MboxDriver({
      journalDir: dir, fsync: false, control,
      env: { clock: fixedClock(T0 + 86_400_000), hostname: 'h', username: 'alice', logger },
    });
    check(await saveDates(again()), 'a later open');
    // Another program flips a flag in place: the file is scanned again, and the index's save dates kept by UID.
    const at = text.indexOf('Status: RO\nX-Status: \nX-UID: 7\n');
    assert.ok(at > 0);
    const fd = openSync(path, 'r+');
    writeSync(fd, 'Status: O \n', at);
    closeSync(fd);
    check(await saveDates(again()), 'after a change behind the index');
    // An index of the format before the column (version 2) is not read, so not misread: the mailbox is scanned,
    // and the save dates no longer known are the INTERNALDATEs.
    const file = control.fileFor('index', path) as string;
    const saved = readFileSync(file);
    saved.writeUInt32LE(2, 8);
    writeFileSync(file, saved);
    check(await saveDates(again()), 'an index of version 2', old);
  });
});

describe('expunge memory', () => {
  it(`remembers the last ${EXPUNGE_MEMORY} expunged UIDs, and says when it cannot answer`, () => {
    const m = new ExpungeMemory(100);
    for (let i = 1; i <= EXPUNGE_MEMORY + 10; i++) m.add(i, 100 + i);
    assert.equal(m.size, EXPUNGE_MEMORY);
    assert.equal(m.horizon, 110, 'the number of the last one dropped');
    assert.equal(m.since(109), null);
    assert.deepEqual(m.since(100 + EXPUNGE_MEMORY + 7), [EXPUNGE_MEMORY + 8, EXPUNGE_MEMORY + 9, EXPUNGE_MEMORY + 10]);
    assert.equal(m.since(110)?.length, EXPUNGE_MEMORY);
  });
});
