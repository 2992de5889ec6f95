/**
 * The mbox driver on real files: append, flags, expunge, reopen, other writers (a delivery agent appending, another
 * session rewriting), and the on-disk layout it leaves.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync, chmodSync, chownSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import { rewriteFile } from '../../lib/mailbox/mbox/rewrite.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'mbox-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `box${++n}`);

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
function driver(): MboxDriver {
  return new MboxDriver({
    journalDir: dir, fsync: false,
    env: { clock: fixedClock(T0), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() },
  });
}

function msg(text: string, flags = 0, keywords: string[] = []): AppendMessage {
  const b = Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags, keywords };
}
async function* each(...m: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* m;
}
async function served(box: OpenMailbox, seq: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of box.message(seq).chunks()) parts.push(Buffer.from(c));
  const s = Buffer.concat(parts);
  assert.equal(s.length, box.meta(seq).size, 'served size equals RFC822.SIZE');
  return s.toString('latin1');
}
const uids = (box: OpenMailbox): number[] => Array.from({ length: box.count() }, (_, i) => box.meta(i + 1).uid);

describe('mbox driver', () => {
  it('creates a mailbox with UW\'s pseudo-message and appends with UIDs', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    assert.match(readFileSync(path, 'latin1'), /^From MAILER-DAEMON Sat Nov 21 12:00:00 2026\n[^]*\nX-IMAP: 1795262400 0000000000\nStatus: RO\n\nThis text is part/);
    const r = await d.append(path, each(msg('Subject: a\n\nhello\nFrom me\n>From you\n'), msg('Subject: b\n\nbye\n', Flag.Seen, ['$Junk'])));
    assert.deepEqual(r, { uidValidity: 1795262400, uids: [1, 2] });
    const box = await d.open(path, { readOnly: true });
    assert.equal(box.count(), 2);
    assert.deepEqual(uids(box), [1, 2]);
    assert.equal(box.uidNext(), 3);
    assert.equal(await served(box, 1), 'Subject: a\r\n\r\nhello\r\nFrom me\r\n>From you\r\n');
    assert.deepEqual([box.meta(2).flags, box.meta(2).keywords], [Flag.Seen, ['$Junk']]);
    assert.equal(box.meta(1).recent, true, 'appended mail is new to the next session');
    await box.close();
    assert.match(readFileSync(path, 'latin1'), /X-IMAP: 1795262400 0000000002 \$Junk\n/);
  });

  it('writes UW\'s metadata block: X-IMAPbase on the first message, padded X-Keywords, X-UID', async () => {
    const path = fresh();
    writeFileSync(path, 'From x@y Sat Nov 21 11:00:00 2026\nSubject: one\n\nbody one\n\nFrom x@y Sat Nov 21 11:00:01 2026\nSubject: two\n\nbody two\n');
    const box = await driver().open(path, { readOnly: false });
    assert.deepEqual(uids(box), [1, 2]);
    box.setFlags([2], 'add', Flag.Flagged | Flag.Seen, ['work']);
    await box.close();
    const text = readFileSync(path, 'latin1');
    const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length));
    const block1 = pad('X-IMAPbase: 1795262400 2 work\nStatus: O\nX-Status: \nX-Keywords:', 80) + '\nX-UID: 1\n';
    const block2 = pad('Status: RO\nX-Status: F\nX-Keywords: work', 50) + '\nX-UID: 2\n';
    assert.equal(text,
      'From x@y Sat Nov 21 11:00:00 2026\nSubject: one\n' + block1 + '\nbody one\n\n' +
      'From x@y Sat Nov 21 11:00:01 2026\nSubject: two\n' + block2 + '\nbody two\n');
  });

  it('logs a routine rewrite at debug level only (issue 11: it is no news to an administrator)', async () => {
    const path = fresh();
    writeFileSync(path, 'From x@y Sat Nov 21 11:00:00 2026\nSubject: one\n\nbody one\n');
    const logger = new MemoryLogger();
    const box = await new MboxDriver({ journalDir: dir, fsync: false, env: { logger } }).open(path, { readOnly: false });
    await box.close();
    assert.match(readFileSync(path, 'latin1'), /\nX-UID: 1\n/, 'rewritten with UIDs');
    const rewrote = logger.lines.filter((l) => /rewrote/.test(l.message));
    assert.ok(rewrote.length > 0, 'the rewrite is logged');
    assert.deepEqual(rewrote.map((l) => l.level), rewrote.map(() => 'debug'));
  });

  it('keeps UIDs, flags and keywords across sessions, and changes flags without moving data', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n'), msg('Subject: b\n\n2\n'), msg('Subject: c\n\n3\n')));
    let box = await d.open(path, { readOnly: false });
    await box.close();
    const size0 = statSync(path).size;
    const ino0 = statSync(path).ino;
    box = await d.open(path, { readOnly: false });
    box.setFlags([1, 3], 'add', Flag.Answered | Flag.Draft | Flag.Seen, []);
    await box.checkpoint();
    assert.equal(statSync(path).size, size0, 'flag changes fit in the padding');
    assert.equal(statSync(path).ino, ino0);
    await box.close();
    box = await d.open(path, { readOnly: true });
    assert.deepEqual(uids(box), [1, 2, 3]);
    const f = Flag.Seen | Flag.Answered | Flag.Draft;
    assert.deepEqual([1, 2, 3].map((s) => box.meta(s).flags), [f, 0, f]);
    await box.close();
  });

  it('expunges, reports it in order, keeps inode, owner and mode, and writes the pseudo-message when nothing is left', async () => {
    const path = fresh();
    const d = driver();
    writeFileSync(path, '');
    await d.append(path, each(msg('Subject: a\n\n1\n'), msg('Subject: b\n\n2\n'), msg('Subject: c\n\n3\n')));
    chmodSync(path, 0o640);
    chownSync(path, 65534, 8); // nobody:mail, as a spool file
    const ino = statSync(path).ino;
    const box = await d.open(path, { readOnly: false });
    assert.match(readFileSync(path, 'latin1'), /^From [^\n]*\nSubject: a\nX-IMAPbase: \d+ 3\n/, 'base on the first message of a file without pseudo-message');
    box.setFlags([1, 3], 'add', Flag.Deleted, []);
    assert.deepEqual(await box.expunge(), [1, 3]);
    assert.deepEqual(box.takeUpdates(true), [{ kind: 'expunge', seq: 1, uid: 1 }, { kind: 'expunge', seq: 2, uid: 3 }]);
    assert.equal(box.count(), 1);
    assert.equal(await served(box, 1), 'Subject: b\r\n\r\n2\r\n');
    assert.match(readFileSync(path, 'latin1'), /^From [^\n]*\nSubject: b\nX-IMAPbase: \d+ 3\nStatus: O\n/, 'base moved to the new first message');
    box.setFlags([1], 'add', Flag.Deleted, []);
    assert.deepEqual(await box.expunge(), [2]);
    await box.close();
    assert.equal(statSync(path).ino, ino);
    const text = readFileSync(path, 'latin1');
    assert.match(text, /^From MAILER-DAEMON [^]*X-IMAP: \d{10} 0000000003\n/);
    const again = await d.open(path, { readOnly: true });
    assert.equal(again.count(), 0);
    assert.equal(again.uidNext(), 4, 'UIDs are never reused');
    await again.close();
    const st = statSync(path);
    assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o640, 65534, 8]);
  });

  it('warns of an X-UID that goes backwards and renumbers just that message', async () => {
    const path = fresh();
    writeFileSync(path, 'From a Wed Dec  2 05:53:22 1992\nX-IMAPbase: 77 9\nX-UID: 5\n\n1\n\n' +
      'From a Wed Dec  2 05:53:22 1992\nX-UID: 3\n\n2\n\nFrom a Wed Dec  2 05:53:22 1992\nX-UID: 8\n\n3\n');
    const logger = new MemoryLogger();
    const box = await new MboxDriver({ journalDir: dir, fsync: false, env: { logger } }).open(path, { readOnly: true });
    assert.equal(box.uidValidity, 77);
    assert.deepEqual(uids(box), [5, 10, 11]);
    assert.match(logger.lines.map((l) => l.message).join('\n'), /X-UID 3, not above 5; it gets UID 10/);
    await box.close();
  });

  it('notices mail a delivery agent appends while open, and gives it the next UIDs', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n')));
    const box = await d.open(path, { readOnly: false });
    assert.deepEqual(box.takeUpdates(true), []);
    appendFileSync(path, 'From agent@x Sat Nov 21 12:30:00 2026\nSubject: new\n\nnew mail\n\n');
    await box.sync();
    assert.deepEqual(box.takeUpdates(true), [{ kind: 'exists', count: 2 }, { kind: 'recent', count: 2 }]);
    assert.deepEqual(uids(box), [1, 2]);
    assert.equal(await served(box, 2), 'Subject: new\r\n\r\nnew mail\r\n');
    await box.close();
    const again = await d.open(path, { readOnly: true });
    assert.deepEqual(uids(again), [1, 2], 'the UID given in memory was written');
    assert.equal(again.meta(2).recent, false);
    await again.close();
  });

  it('reconciles by UID when another session rewrote the file (flags changed, messages expunged)', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n'), msg('Subject: b\n\n2\n'), msg('Subject: c\n\n3\n'), msg('Subject: d\n\n4\n')));
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    a.takeUpdates(true);
    b.setFlags([2], 'add', Flag.Flagged, ['important']);
    b.setFlags([1, 3], 'add', Flag.Deleted, []);
    await b.expunge();
    appendFileSync(path, 'From agent@x Sat Nov 21 12:30:00 2026\nSubject: e\n\n5\n\n');
    await a.sync();
    // No expunges while they are not allowed (during FETCH, STORE, SEARCH): sequence numbers stay.
    const held = a.takeUpdates(false);
    assert.deepEqual(held.filter((u) => u.kind === 'expunge'), []);
    assert.equal(a.count(), 5);
    assert.ok(held.some((u) => u.kind === 'flags' && u.seq === 2));
    assert.ok(held.some((u) => u.kind === 'keywords'));
    await assert.rejects(a.header(1), /expunged by another session/);
    assert.deepEqual(a.takeUpdates(true), [{ kind: 'expunge', seq: 1, uid: 1 }, { kind: 'expunge', seq: 2, uid: 3 }]);
    assert.deepEqual(uids(a), [2, 4, 5]);
    assert.deepEqual(a.meta(1).keywords, ['important']);
    assert.equal(await served(a, 3), 'Subject: e\r\n\r\n5\r\n');
    await a.close();
    await b.close();
  });

  it('keeps this session\'s unwritten flag changes when another session wrote first', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n'), msg('Subject: b\n\n2\n')));
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    a.setFlags([1], 'add', Flag.Seen, []);
    b.setFlags([2], 'add', Flag.Answered, []);
    await b.close();
    await a.close();
    const c = await d.open(path, { readOnly: true });
    assert.deepEqual([c.meta(1).flags, c.meta(2).flags], [Flag.Seen, Flag.Answered]);
    await c.close();
  });

  it('merges flag changes as deltas: +FLAGS and -FLAGS apply to the flags on disk when written, FLAGS replaces', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n', Flag.Seen), msg('Subject: b\n\n2\n')));
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    // Neither session looks at the file between the other's write and its own.
    a.setFlags([1], 'add', Flag.Answered, ['$Forwarded']);
    await a.checkpoint();
    b.setFlags([1], 'add', Flag.Flagged, []);
    await b.checkpoint();
    assert.equal(b.meta(1).flags, Flag.Seen | Flag.Answered | Flag.Flagged);
    assert.deepEqual(b.meta(1).keywords, ['$Forwarded']);
    // The change b noticed while writing is reported at its next look only when it was not shown already.
    b.flagsShown([1]);
    assert.deepEqual(b.takeUpdates(true).filter((u) => u.kind === 'flags'), []);
    a.setFlags([1], 'remove', Flag.Seen, ['$Forwarded']);
    await a.checkpoint();
    b.setFlags([1], 'add', Flag.Draft, []);
    await b.checkpoint();
    assert.equal(b.meta(1).flags, Flag.Answered | Flag.Flagged | Flag.Draft);
    assert.deepEqual(b.meta(1).keywords, []);
    // A change that shows nothing new in memory is still a change on disk: a, still believing \Seen is off,
    // removes it after b set it again.
    b.setFlags([1], 'add', Flag.Seen, []);
    await b.checkpoint();
    a.setFlags([1], 'remove', Flag.Seen, []);
    await a.checkpoint();
    assert.equal(a.meta(1).flags & Flag.Seen, 0);
    a.setFlags([1], 'replace', Flag.Deleted, []);
    await a.checkpoint();
    await b.sync();
    const updates = b.takeUpdates(true);
    assert.deepEqual(updates, [{ kind: 'flags', seq: 1 }]);
    assert.equal(b.meta(1).flags, Flag.Deleted);
    assert.equal(b.meta(2).flags, 0);
    await a.close();
    await b.close();
    const c = await d.open(path, { readOnly: true });
    assert.deepEqual([c.meta(1).flags, c.meta(2).flags], [Flag.Deleted, 0]);
    await c.close();
  });

  it('a change taken back after a failed write leaves the deltas of earlier changes', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n')));
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    a.setFlags([1], 'add', Flag.Answered, []);
    const undo = a.setFlags([1], 'add', Flag.Flagged, []);
    undo();
    assert.equal(a.meta(1).flags, Flag.Answered);
    b.setFlags([1], 'add', Flag.Seen, []);
    await b.checkpoint();
    await a.checkpoint();
    assert.equal(a.meta(1).flags, Flag.Seen | Flag.Answered);
    await a.close();
    await b.close();
  });

  it('two same-size writes within one clock tick still look like a change to other sessions', async () => {
    const path = fresh();
    const d = driver();
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n'), msg('Subject: b\n\n2\n')));
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: false });
    // Rounds of: a writes, b reads, a writes again at once (same size), b must see the second write too.
    for (let i = 0; i < 20; i++) {
      a.setFlags([1], i % 2 ? 'remove' : 'add', Flag.Flagged, []);
      await a.checkpoint();
      await b.sync();
      b.takeUpdates(true);
      const before = statSync(path, { bigint: true }).mtimeNs;
      a.setFlags([2], i % 2 ? 'remove' : 'add', Flag.Answered, []);
      await a.checkpoint();
      assert.ok(statSync(path, { bigint: true }).mtimeNs > before, `round ${i}: mtime moved on`);
      await b.sync();
      assert.deepEqual(b.takeUpdates(true), [{ kind: 'flags', seq: 2 }], `round ${i}`);
      assert.equal(b.meta(2).flags, i % 2 ? 0 : Flag.Answered);
    }
    await a.close();
    await b.close();
  });

  it('gives \\Recent to exactly one of many sessions that open or look at once', async () => {
    const path = fresh();
    const control = new ControlDir({ path: mkdtempSync(join(dir, 'control-')), uid: process.getuid?.() ?? 0, logger: new MemoryLogger() });
    const d = new MboxDriver({
      journalDir: dir, fsync: false, control,
      env: { clock: fixedClock(T0), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() },
    });
    await d.create(path);
    await d.append(path, each(msg('Subject: a\n\n1\n')));
    // Eight sessions open together: one has the message as \Recent.
    const boxes = await Promise.all(Array.from({ length: 8 }, () => d.open(path, { readOnly: false })));
    const recentIn = (seq: number): number => boxes.filter((b) => seq <= b.count() && b.meta(seq).recent).length;
    assert.equal(recentIn(1), 1);
    assert.equal((await d.status(path)).recent, 0, 'STATUS counts only unclaimed messages');
    // Mail arriving while they are open: the first to look claims it, whichever that is.
    appendFileSync(path, 'From agent@x Sat Nov 21 12:30:00 2026\nSubject: b\n\n2\n\n');
    assert.equal((await d.status(path)).recent, 1, 'STATUS counts a message nobody has seen');
    await Promise.all(boxes.map((b) => b.sync()));
    for (const b of boxes) b.takeUpdates(true);
    assert.equal(recentIn(2), 1);
    // A read-only session does not claim, and sees what nobody claimed.
    appendFileSync(path, 'From agent@x Sat Nov 21 12:31:00 2026\nSubject: c\n\n3\n\n');
    const ro = await d.open(path, { readOnly: true });
    assert.equal(ro.meta(3).recent, true);
    assert.equal(ro.meta(2).recent, false);
    await Promise.all(boxes.map((b) => b.sync()));
    for (const b of boxes) b.takeUpdates(true);
    assert.equal(recentIn(3), 1);
    // Written `O`s and the claim agree: a session opened after everyone closed has nothing \Recent.
    for (const b of [...boxes, ro]) await b.close();
    const late = await d.open(path, { readOnly: false });
    assert.deepEqual([1, 2, 3].map((q) => late.meta(q).recent), [false, false, false]);
    await late.close();
  });

  it('rewrites CRLF mailboxes without losing a byte of the messages', async () => {
    const path = fresh();
    const lf = 'From a Wed Dec  2 05:53:22 1992\nSubject: x\n\nbody\n>From q\n\nFrom b Wed Dec  2 05:53:22 1992\nSubject: y\n\nzz\n';
    writeFileSync(path, lf.replace(/\n/g, '\r\n'));
    const box = await driver().open(path, { readOnly: false });
    const before = [await served(box, 1), await served(box, 2)];
    box.setFlags([1], 'add', Flag.Deleted, []);
    box.setFlags([2], 'add', Flag.Seen, []);
    await box.checkpoint();
    await box.close();
    const again = await driver().open(path, { readOnly: true });
    assert.deepEqual([await served(again, 1), await served(again, 2)], before);
    assert.deepEqual([again.meta(1).flags, again.meta(2).flags], [Flag.Deleted, Flag.Seen]);
    await again.close();
  });

  it('indexes and serves the same through tiny reused read windows as through large ones', async () => {
    const path = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox');
    const views = [];
    for (const window of [7, 64, 1 << 20]) {
      // A clock that stands still: each open numbers the messages' modseqs from it (as new, without an index).
      const env = { clock: fixedClock(T0), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() };
      const box = await new MboxDriver({ window, journalDir: dir, env }).open(path, { readOnly: true });
      const msgs = [];
      for (let seq = 1; seq <= box.count(); seq++) msgs.push([box.meta(seq), await served(box, seq)]);
      views.push(JSON.stringify(msgs));
      await box.close();
    }
    assert.equal(views[0], views[2]);
    assert.equal(views[1], views[2]);
  });

  it('never gives a UID twice: UIDs given to delivered mail are recorded as used (X-IMAP) when written', async () => {
    const path = fresh();
    const sample = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox');
    writeFileSync(path, readFileSync(sample));
    const d = driver();
    let box = await d.open(path, { readOnly: false });
    assert.equal(box.meta(4).uid, 5, 'the delivered message gets UID 5');
    await box.close();
    assert.match(readFileSync(path, 'latin1'), /X-IMAP: 1793610000 0000000005 /);
    box = await d.open(path, { readOnly: false });
    box.setFlags([4], 'add', Flag.Deleted, []);
    await box.expunge();
    await box.close();
    appendFileSync(path, 'From agent@x Sat Nov 21 12:30:00 2026\nSubject: later\n\nlater\n\n');
    box = await d.open(path, { readOnly: true });
    assert.equal(box.meta(box.count()).uid, 6, 'not 5 again');
    await box.close();
  });

  it('refuses a file that is not an mbox, and leaves it alone', async () => {
    const path = fresh();
    writeFileSync(path, 'Subject: not mail\n\nhello\n');
    await assert.rejects(driver().open(path, { readOnly: false }), (e: Error & { code?: string }) => e.code === 'NOTMAILBOX');
    assert.equal(readFileSync(path, 'latin1'), 'Subject: not mail\n\nhello\n');
    assert.equal(await driver().valid(path), false);
  });

  it('a path through a file names no mailbox (ENOTDIR is NONEXISTENT, as ENOENT)', async () => {
    const file = fresh();
    writeFileSync(file, '');
    const code = (want: string) => (e: Error & { code?: string }) => e.code === want;
    await assert.rejects(driver().open(join(file, 'x'), { readOnly: false }), code('NONEXISTENT'));
    await assert.rejects(driver().status(join(file, 'x')), code('NONEXISTENT'));
    await assert.rejects(driver().remove(join(file, 'x')), code('NONEXISTENT'));
    await assert.rejects(driver().create(join(file, 'x')), code('NONEXISTENT'));
  });

  it('delivers like a delivery agent: no metadata, the file stays a valid mbox for every reader', async () => {
    const path = fresh();
    const d = driver();
    writeFileSync(path, 'From a Wed Dec  2 05:53:22 1992\nSubject: x\n\nno final newline');
    assert.equal(await d.deliver(path, each(msg('Subject: y\n\nFrom here\n'))), 1);
    const text = readFileSync(path, 'latin1');
    assert.match(text, /no final newline\n\nFrom alice@mail\.example\.org Sat Nov 21 12:00:00 2026 \+0000\nSubject: y\n\n>From here\n\n$/);
    const box = await d.open(path, { readOnly: true });
    assert.equal(box.count(), 2);
    assert.equal(await served(box, 2), 'Subject: y\r\n\r\nFrom here\r\n');
    await box.close();
  });

  it('serves a message that another writer moved without syncing first (UW dmail rewrites X-IMAPbase in place)', async () => {
    const path = fresh();
    writeFileSync(path, readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox')));
    const first = await driver().open(path, { readOnly: false });
    const want = [await served(first, 2), await served(first, 3)];
    await first.close();
    // A session with every size counted at open (as POP3 opens), that then never syncs by itself.
    const box = await driver().open(path, { readOnly: false, sizes: true });
    // What dmail does at a delivery: the first message's header changes in place (same inode; dmail's UID count in
    // X-IMAPbase gaining a digit, here a line more in the pseudo-message), so every later byte moves; the
    // delivered message is appended.
    const before = readFileSync(path, 'latin1');
    const after = before.replace(/^(X-IMAP(?:base)?: .*\n)/m, (line: string) => `${line}X-Moved: by another writer\n`);
    assert.notEqual(after.length, before.length);
    writeFileSync(path, after + 'From d@example.org Sat Nov 21 12:00:00 2026\nSubject: d\n\nd\n');
    assert.deepEqual([await served(box, 2), await served(box, 3)], want);
    assert.equal(box.count(), 4, 'the delivery is not shown to this session');
    await box.close();
  });

  it('a flag change on a block with no padding left moves only the bytes up to the next block with room', async () => {
    // Message 1's block is longer than UW's 50-byte padding (its keywords), so adding R to "Status: O" grows it;
    // message 2's block has padding to take the byte back; message 3 must not move at all.
    const kw = 'alpha-keyword beta-keyword gamma-keyword';
    const box1 = (status: string, pad: number, uid: number, keywords: string): string =>
      `Status: ${status}\nX-Status: \nX-Keywords:${keywords}${' '.repeat(pad)}\nX-UID: ${uid}\n`;
    const file = `From a@example.org Sat Nov 21 10:00:00 2026\nSubject: one\nX-IMAPbase: 1700000000 3 ${kw}\n` +
      `${box1('O', 0, 1, ' ' + kw)}\nbody one\n\n` +
      `From b@example.org Sat Nov 21 10:01:00 2026\nSubject: two\n${box1('O', 18, 2, '')}\nbody two\n\n` +
      `From c@example.org Sat Nov 21 10:02:00 2026\nSubject: three\n${box1('O', 18, 3, '')}\nbody three\n`;
    const path = fresh();
    writeFileSync(path, file, 'latin1');
    const d = driver();
    const box = await d.open(path, { readOnly: false });
    assert.deepEqual(box.meta(1).keywords, kw.split(' '));
    box.setFlags([1], 'add', Flag.Seen, []);
    await box.close();
    const now = readFileSync(path, 'latin1');
    assert.equal(now.length, file.length, 'the file keeps its size');
    const third = file.indexOf('From c@');
    assert.equal(now.slice(third), file.slice(third), 'the third message did not move');
    assert.match(now, /Subject: one\nX-IMAPbase: 1700000000 3 alpha-keyword beta-keyword gamma-keyword\nStatus: RO\nX-Status: \nX-Keywords: alpha-keyword beta-keyword gamma-keyword\nX-UID: 1\n/);
    assert.match(now, /Subject: two\nStatus: O\nX-Status: \nX-Keywords: {17}\nX-UID: 2\n/, 'message 2 gave one byte of padding');
    const again = await d.open(path, { readOnly: true });
    assert.deepEqual([again.meta(1).flags, again.meta(2).flags, again.meta(3).flags], [Flag.Seen, 0, 0]);
    assert.deepEqual(uids(again), [1, 2, 3]);
    assert.equal(await served(again, 2), 'Subject: two\r\n\r\nbody two\r\n');
    await again.close();
  });

  it("a rewrite killed with its journal in the legacy journal_dir is finished by an opener with a control directory", async () => {
    // A session without a usable control directory (or an earlier version) wrote its journal to journal_dir and was
    // killed part way through an expunge of the middle message; the next opener's journals go to its control
    // directory, and it still finishes this one.
    const legacy = mkdtempSync(join(dir, 'legacy-'));
    const control = mkdtempSync(join(dir, 'control-'));
    const path = join(dir, 'legacy-journal');
    const msg = (k: number): string => `From a@b Sat Nov 21 12:00:0${k} 2026\nSubject: m${k}\n\n${`body ${k}\n`.repeat(400)}\n`;
    const old = Buffer.from(msg(1) + msg(2) + msg(3), 'latin1');
    writeFileSync(path, old);
    const a = msg(1).length;
    const b = a + msg(2).length;
    const fd = openSync(path, 'r+');
    const steps: string[] = [];
    try {
      assert.throws(() => rewriteFile(fd, old.length, [{ src: 0, len: a }, { src: b, len: old.length - b }], {
        journalDir: legacy, fsync: false, engine: 'forward', bufferSize: 1024, writeSize: 64,
        onStep: (step) => {
          steps.push(step);
          if (steps.length === 3) throw new Error('killed');
        },
      }), /killed/);
    } finally {
      closeSync(fd);
    }
    assert.equal(readdirSync(legacy).filter((f) => f.endsWith('.journal')).length, 1, 'the kill left a journal');
    assert.ok(!readFileSync(path).equals(Buffer.from(msg(1) + msg(3), 'latin1')), 'the kill left the rewrite unfinished');
    const box = await new MboxDriver({ journalDir: control, legacyJournalDir: legacy }).open(path, { readOnly: false });
    try {
      assert.equal(box.count(), 2);
    } finally {
      await box.close();
    }
    const text = readFileSync(path, 'latin1');
    assert.match(text, /^From a@b [^\n]*\nSubject: m1\n/);
    assert.match(text, /\nFrom a@b [^\n]*\nSubject: m3\n/);
    assert.ok(!text.includes('Subject: m2') && !text.includes('body 2'), 'the expunged message is gone');
    assert.equal(text.split('body 1\n').length - 1, 400);
    assert.equal(text.split('body 3\n').length - 1, 400);
    assert.deepEqual(readdirSync(legacy), [], 'the legacy journal is removed');
    assert.deepEqual(readdirSync(control), [], 'nothing left in the control directory');
  });
});
