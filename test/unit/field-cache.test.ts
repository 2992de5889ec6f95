/**
 * The field cache beside a saved index (lib/mailbox/mbox/field-cache.ts) on real files: values kept by one session
 * are found by the next, byte for byte; a value made from another message (another UID, other lengths, another
 * UIDVALIDITY) is never served; a damaged or torn file loses entries, never gives wrong ones; compaction keeps what
 * is of use while a reader of the old file goes on reading it; and through the mbox driver and the FETCH writer, a
 * second session answers ENVELOPE, BODY and BODYSTRUCTURE from it (the Dovecot oracle's bytes) without reading the
 * mbox, and a message another program rewrote is worked out again.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FieldCache, fieldId } from '../../lib/mailbox/mbox/field-cache.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { fetchResponses, fetchRuns } from '../fixtures/fetch-responses.js';

const dir = mkdtempSync(join(tmpdir(), 'field-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const F = fieldId('test.a.1');
const G = fieldId('test.b.1');
const value = (uid: number, field = 'a'): Buffer => Buffer.from(`(${field} value of ${uid} ${'x'.repeat(uid % 50)})`, 'latin1');

/** A cache over a new file, for a mailbox of UIDVALIDITY `uv` holding the UIDs `present` says. */
function cache(path: string, uv = 1000, present: (uid: number) => boolean = () => true): { c: FieldCache; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  return { c: new FieldCache(path, () => uv, logger, present), logger };
}

const newPath = (): string => join(dir, `cache${++n}`);

describe('FieldCache', () => {
  it('gives the next session what this one kept, and nothing it did not', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (let uid = 1; uid <= 500; uid++) a.put(F, uid, 100 + uid, 5000 + uid, value(uid));
    for (let uid = 1; uid <= 500; uid += 2) a.put(G, uid, 100 + uid, 5000 + uid, value(uid, 'b'));
    await a.flush();
    a.close();
    const b = cache(path).c;
    for (let uid = 1; uid <= 500; uid++) {
      assert.deepEqual(b.get(F, uid, 100 + uid, 5000 + uid), value(uid), `field a of ${uid}`);
      assert.deepEqual(b.get(G, uid, 100 + uid, 5000 + uid), uid % 2 ? value(uid, 'b') : null, `field b of ${uid}`);
    }
    assert.equal(b.get(F, 501, 601, 5501), null, 'a UID never kept');
    assert.equal(b.get(fieldId('test.a.2'), 1, 101, 5001), null, 'another field (a new encoding)');
    b.close();
  });

  it('a field asked for (want) is held by the next session, before any value of it is kept', async () => {
    const path = newPath();
    const a = cache(path).c;
    assert.equal(a.holds(F), false);
    a.want(F);
    a.want(F);
    await a.flush();
    assert.equal(a.holds(F), true, 'held in this session once written');
    assert.equal(a.holds(G), false);
    a.close();
    const b = cache(path).c;
    assert.equal(b.holds(F), true, 'and in the next');
    assert.equal(b.holds(G), false);
    for (let uid = 1; uid <= 50; uid++) b.put(F, uid, 100 + uid, 5000 + uid, value(uid));
    await b.flush();
    b.close();
    const c = cache(path).c;
    for (let uid = 1; uid <= 50; uid++) assert.deepEqual(c.get(F, uid, 100 + uid, 5000 + uid), value(uid), `field a of ${uid}`);
    assert.equal(c.get(F, 0, 0, 0), null, 'the mark is no value');
    c.close();
  });

  it('refuses a value made from another message of the UID (header size, body length)', async () => {
    const path = newPath();
    const a = cache(path).c;
    a.put(F, 7, 300, 4000, value(7));
    await a.flush();
    a.close();
    const b = cache(path).c;
    assert.equal(b.get(F, 7, 301, 4000), null, 'another header size');
    assert.equal(b.get(F, 7, 300, 4001), null, 'another body length');
    b.close();
    const c = cache(path).c;
    assert.deepEqual(c.get(F, 7, 300, 4000), value(7), 'the same message');
    c.close();
  });

  it('keeps the latest value of a UID, in any order of UIDs', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (const uid of [9, 3, 5, 3, 1]) a.put(F, uid, 10, 10, value(uid * 100));
    a.put(F, 3, 10, 10, Buffer.from('latest of 3'));
    await a.flush();
    a.close();
    const b = cache(path).c;
    assert.deepEqual(b.get(F, 3, 10, 10), Buffer.from('latest of 3'));
    assert.deepEqual(b.get(F, 9, 10, 10), value(900));
    assert.deepEqual(b.get(F, 1, 10, 10), value(100));
    b.close();
  });

  it('is of one UIDVALIDITY: another finds nothing, and its first write starts the file again', async () => {
    const path = newPath();
    const a = cache(path, 1000).c;
    a.put(F, 1, 10, 10, value(1));
    await a.flush();
    a.close();
    const b = cache(path, 2000).c;
    assert.equal(b.get(F, 1, 10, 10), null);
    b.put(F, 2, 10, 10, value(2));
    await b.flush();
    b.close();
    const c = cache(path, 2000).c;
    assert.deepEqual(c.get(F, 2, 10, 10), value(2));
    assert.equal(c.get(F, 1, 10, 10), null);
    c.close();
    assert.equal(cache(path, 1000).c.get(F, 1, 10, 10), null, 'the old UIDVALIDITY\'s entries are gone');
  });

  it('loses the entries of a damaged batch, never serves them, and is replaced at the next write', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (let uid = 1; uid <= 50; uid++) a.put(F, uid, 10, 10, value(uid));
    await a.flush();
    a.close();
    // One byte of a value changed on disk: the batch's CRC fails.
    const bytes = readFileSync(path);
    const at = bytes.indexOf(value(20));
    assert.ok(at > 0);
    bytes.writeUInt8(bytes.readUInt8(at + 3) ^ 0x20, at + 3);
    writeFileSync(path, bytes);
    const b = cache(path);
    assert.equal(b.c.get(F, 20, 10, 10), null);
    assert.equal(b.c.get(F, 21, 10, 10), null, 'the whole batch is distrusted');
    assert.match(logText(b.logger), /cache damaged at byte 32/);
    b.c.put(F, 60, 10, 10, value(60));
    await b.c.flush();
    b.c.close();
    const c = cache(path).c;
    assert.deepEqual(c.get(F, 60, 10, 10), value(60));
    assert.equal(c.get(F, 20, 10, 10), null);
    c.close();
    assert.ok(statSync(path).size < bytes.length, 'the damaged file was replaced');
  });

  it('a damaged batch read over the one before leaves no stale window: the good batch is read again', async () => {
    const path = newPath();
    const a = cache(path).c;
    // Two batches of one field: UIDs 1-50, then 51-100 (each flush appends one).
    for (let uid = 1; uid <= 50; uid++) a.put(F, uid, 10, 10, value(uid));
    await a.flush();
    for (let uid = 51; uid <= 100; uid++) a.put(F, uid, 10, 10, value(uid));
    await a.flush();
    a.close();
    const bytes = readFileSync(path);
    const at = bytes.indexOf(value(70));
    assert.ok(at > bytes.indexOf(value(50)), 'the second batch follows the first');
    bytes.writeUInt8(bytes.readUInt8(at + 3) ^ 0x20, at + 3);
    writeFileSync(path, bytes);
    const b = cache(path).c;
    assert.deepEqual(b.get(F, 10, 10, 10), value(10), 'the good batch, read into the field\'s read buffer');
    assert.equal(b.get(F, 70, 10, 10), null, 'the damaged one, read over it, fails its check');
    for (const uid of [11, 50, 1]) assert.deepEqual(b.get(F, uid, 10, 10), value(uid), `UID ${uid} of the good batch`);
    b.close();
  });

  it('ignores what a writer killed part way left past the committed length, and writes over it', async () => {
    const path = newPath();
    const a = cache(path).c;
    a.put(F, 1, 10, 10, value(1));
    await a.flush();
    a.close();
    const committed = statSync(path).size;
    // A torn batch: a head promising more than was written.
    const fd = openSync(path, 'r+');
    const torn = Buffer.alloc(40);
    torn.writeUInt32LE(4096, 0);
    writeSync(fd, torn, 0, torn.length, committed);
    closeSync(fd);
    const b = cache(path);
    assert.deepEqual(b.c.get(F, 1, 10, 10), value(1));
    b.c.put(F, 2, 10, 10, value(2));
    await b.c.flush();
    b.c.close();
    assert.equal(logText(b.logger), '', 'nothing past the committed length is looked at');
    const c = cache(path).c;
    assert.deepEqual(c.get(F, 1, 10, 10), value(1));
    assert.deepEqual(c.get(F, 2, 10, 10), value(2));
    c.close();
  });

  it('takes in what another session appended (at its flush or next look), each writer under the flock', async () => {
    const path = newPath();
    const a = cache(path).c;
    const b = cache(path).c;
    for (let uid = 1; uid <= 100; uid++) (uid % 2 ? a : b).put(F, uid, 10, 10, value(uid));
    await Promise.all([a.flush(), b.flush()]);
    // What the other appended after one's flush is seen at its next look (the driver's sync).
    a.refresh();
    b.refresh();
    for (let uid = 1; uid <= 100; uid++) {
      assert.deepEqual(a.get(F, uid, 10, 10), value(uid), `a sees ${uid}`);
      assert.deepEqual(b.get(F, uid, 10, 10), value(uid), `b sees ${uid}`);
    }
    a.close();
    b.close();
  });

  it('compacts a file mostly of no use; a reader of the old file still reads it', async () => {
    const path = newPath();
    const big = (uid: number, round: number): Buffer => Buffer.alloc(20_000, `${uid}.${round}.`);
    const present = (uid: number): boolean => uid <= 50;
    const reader = cache(path, 1000, present).c;
    const w = cache(path, 1000, present).c;
    for (let uid = 1; uid <= 100; uid++) w.put(F, uid, 10, 10, big(uid, 0));
    await w.flush();
    assert.deepEqual(reader.get(F, 77, 10, 10), big(77, 0), 'the reader has read the first file');
    // Rewritten over and over: superseded entries, and entries of UIDs no longer in the mailbox.
    let compacted = false;
    for (let round = 1; round <= 12 && !compacted; round++) {
      const ino = statSync(path).ino;
      for (let uid = 1; uid <= 50; uid++) w.put(F, uid, 10, 10, big(uid, round));
      await w.flush();
      compacted = statSync(path).ino !== ino;
      if (compacted) {
        assert.ok(statSync(path).size < 50 * 20_100 * 1.1, `only what is of use is left (${statSync(path).size})`);
        for (let uid = 1; uid <= 50; uid++) assert.deepEqual(w.get(F, uid, 10, 10), big(uid, round), `latest of ${uid}`);
        assert.equal(w.get(F, 77, 10, 10), null, 'a UID no longer in the mailbox is dropped');
      }
    }
    assert.ok(compacted, 'the file was compacted');
    assert.ok(!existsSync(`${path}.new`));
    assert.deepEqual(reader.get(F, 78, 10, 10), big(78, 0), 'the old file is still read by whoever has it open');
    // The reader's next write goes to the new file, where it then finds the writer's values.
    reader.put(F, 3, 10, 10, Buffer.from('from the reader'));
    await reader.flush();
    const fresh = cache(path, 1000, present).c;
    assert.deepEqual(fresh.get(F, 3, 10, 10), Buffer.from('from the reader'));
    assert.equal(fresh.get(F, 4, 10, 10)?.length, 20_000);
    for (const c of [reader, w, fresh]) c.close();
  });

  it('finds the latest record of a UID among batches whose ranges overlap, in any order of look-ups', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (let uid = 1; uid <= 100; uid++) a.put(F, uid, 10, 10, value(uid));
    await a.flush();
    a.put(F, 50, 10, 10, Buffer.from('50 again'));
    a.put(F, 150, 10, 10, value(150));
    await a.flush();
    a.close();
    for (const order of [[150, 70, 50, 71, 100, 151], [70, 50, 150, 49, 51, 1], [50, 150, 70, 99, 101]]) {
      const b = cache(path).c;
      for (const uid of order) {
        const want = uid === 50 ? Buffer.from('50 again') : uid <= 100 || uid === 150 ? value(uid) : null;
        assert.deepEqual(b.get(F, uid, 10, 10), want, `UID ${uid} after ${order.join(' ')}`);
      }
      b.close();
    }
  });

  it('reads only the batches whose UIDs are asked for', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (let uid = 1; uid <= 400; uid++) {
      if (a.put(F, uid, 10, 10, Buffer.alloc(2000, uid % 256))) await a.flush();
    }
    await a.flush();
    a.close();
    const b = cache(path).c;
    const before = rchar();
    assert.deepEqual(b.get(F, 399, 10, 10), Buffer.alloc(2000, 399 % 256));
    assert.deepEqual(b.get(F, 400, 10, 10), Buffer.alloc(2000, 400 % 256));
    const read = rchar() - before;
    assert.ok(read < 300_000, `the newest messages' batch alone was read (${read} bytes of ${statSync(path).size})`);
    b.close();
  });

  it('reads only the batches of the fields asked for', async () => {
    const path = newPath();
    const a = cache(path).c;
    for (let uid = 1; uid <= 200; uid++) a.put(F, uid, 10, 10, Buffer.alloc(10_000, 'a'));
    await a.flush();
    for (let uid = 1; uid <= 200; uid++) a.put(G, uid, 10, 10, Buffer.from('small'));
    await a.flush();
    a.close();
    const b = cache(path).c;
    const before = rchar();
    assert.deepEqual(b.get(G, 100, 10, 10), Buffer.from('small'));
    const read = rchar() - before;
    assert.ok(read < 300_000, `field b alone was read (${read} bytes of ${statSync(path).size})`);
    b.close();
  });
});

const logText = (l: MemoryLogger): string => l.lines.map((x) => x.message).join('\n');

/** Bytes this process has read through read(2) and pread(2) so far (/proc/self/io's rchar). */
function rchar(): number {
  const m = /rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'latin1'));
  return Number(m?.[1] ?? 0);
}

const MIME = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'mime');
const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
const names = readdirSync(MIME).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();
interface Sidecar { envelope: string; body: string; bodystructure: string }
const sidecars = names.map((x) => JSON.parse(readFileSync(join(MIME, `${x}.json`), 'utf8')) as Sidecar);

/** An mbox driver with a control directory of its own (where the saved index and the field cache go). */
function cachedDriver(): { driver: MboxDriver; control: ControlDir; controlPath: string } {
  const logger = new MemoryLogger();
  const controlPath = mkdtempSync(join(dir, 'control-'));
  const control = new ControlDir({ path: controlPath, uid: process.getuid?.() ?? 0, logger });
  const driver = new MboxDriver({
    journalDir: dir, fsync: false, control,
    env: { clock: fixedClock(Date.UTC(2026, 0, 1)), hostname: 'mail.example.org', username: 'alice', logger },
  });
  return { driver, control, controlPath };
}

describe('FETCH from the field cache', () => {
  const { driver, controlPath } = cachedDriver();
  const path = join(dir, 'INBOX');

  /** The corpus, then plain messages with large bodies: an mbox much larger than what the cache holds of it. */
  const LARGE = 40;
  const large = (i: number): Buffer =>
    crlf(Buffer.from(`From: big${i}@example.org\nSubject: large ${i}\n\n${'a line of a large body\n'.repeat(1000)}`, 'latin1'));

  async function* corpus(): AsyncIterable<AppendMessage> {
    const bodies = [...names.map((x) => crlf(readFileSync(join(MIME, `${x}.eml`)))), ...Array.from({ length: LARGE }, (_, i) => large(i))];
    for (const b of bodies) yield { body: { size: b.length, async *chunks() { yield b; } }, flags: 0, keywords: [] };
  }
  const all = [...names, ...Array.from({ length: LARGE }, () => '')];
  /** What the first session answered, worked out from the messages. */
  let worked: string[] = [];

  const fetchAll = async (box: OpenMailbox, kept: boolean): Promise<(string | null)[]> =>
    (await fetchResponses(box, '(ENVELOPE BODY BODYSTRUCTURE)', kept ? 'kept' : 'worked')).lines;

  /** The Dovecot oracle's answer for a message of the corpus, the first session's for the others. */
  const oracle = (seq: number): string => {
    const s = sidecars[seq - 1];
    if (s === undefined) return worked[seq - 1] ?? 'none';
    return `* ${seq} FETCH (ENVELOPE ${s.envelope} BODY ${s.body} BODYSTRUCTURE ${s.bodystructure})\r\n`;
  };

  it('a second session answers from the cache, with the oracle\'s bytes, without reading the mbox', async () => {
    await driver.create(path);
    await driver.append(path, corpus());
    const first = await driver.open(path, { readOnly: false });
    assert.deepEqual(await fetchAll(first, true), all.map(() => null), 'nothing is kept before the first FETCH');
    worked = (await fetchAll(first, false)).map((x) => x ?? 'none');
    assert.deepEqual(worked.slice(0, names.length), names.map((_, i) => oracle(i + 1)));
    assert.match(worked[names.length] ?? '', /"large 0".*BODYSTRUCTURE \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" 24000 1000 /);
    await first.close();
    const second = await driver.open(path, { readOnly: true });
    const before = rchar();
    const answers = await fetchAll(second, true);
    const read = rchar() - before;
    assert.deepEqual(answers, all.map((_, i) => oracle(i + 1)));
    await second.close();
    // What may be read: the cache twice (checked when a field is first asked for, then served), and the index's
    // columns the check of each entry needs (header sizes, body offsets).
    const files = readdirSync(controlPath).filter((f) => f.endsWith('.cache') || /^index\.[0-9a-f]+$/.test(f));
    assert.equal(files.length, 2);
    const budget = files.reduce((sum, f) => sum + statSync(join(controlPath, f)).size * (f.endsWith('.cache') ? 2 : 1), 0);
    assert.ok(budget < statSync(path).size / 2, `a test that can fail: ${budget} bytes against an mbox of ${statSync(path).size}`);
    assert.ok(read <= budget, `read ${read} bytes: the cache and the index (${budget}), not the mbox`);
  });

  it('a change of flags keeps the entries; a message rewritten by another program is worked out again', async () => {
    const box = await driver.open(path, { readOnly: false });
    box.setFlags([1, 2, 3], 'add', 1, ['$Work']);
    await box.checkpoint();
    await box.close();
    const again = await driver.open(path, { readOnly: true });
    assert.deepEqual(await fetchAll(again, true), all.map((_, i) => oracle(i + 1)), 'flags changed, values kept');
    await again.close();
    // Another program replaces the first message's Subject (same UID, X-UID kept), as an editor would.
    const text = readFileSync(path, 'latin1');
    const subject = /^Subject: .*$/m.exec(readFileSync(join(MIME, `${names[0]}.eml`), 'latin1'));
    assert.ok(subject && text.includes(subject[0]));
    writeFileSync(path, text.replace(subject[0], 'Subject: rewritten by another program'), 'latin1');
    const after = await driver.open(path, { readOnly: true });
    const kept = await fetchAll(after, true);
    const k = kept.indexOf(null);
    assert.equal(k, 0, 'the rewritten message is not served from the cache');
    assert.deepEqual(kept.filter((x, i) => i !== k), all.map((_, i) => oracle(i + 1)).filter((x, i) => i !== k), 'the others are');
    const fresh = await fetchAll(after, false);
    assert.match(fresh[k] ?? '', /rewritten by another program/);
    await after.close();
  });

  it('FETCH 1:* writes runs of kept values in one go: the same bytes as one message at a time', async () => {
    // Message 1 was rewritten (its entry kept again by the test above); now one in the middle is, with another
    // length, so that its entry is of no use: runs end before it and start again after it.
    const mid = names.length + 5;
    const before = readFileSync(path, 'latin1');
    assert.ok(before.includes(`Subject: large ${mid - names.length - 1}\n`));
    writeFileSync(path, before.replace(`Subject: large ${mid - names.length - 1}\n`, `Subject: large, longer now ${mid}\n`), 'latin1');
    const box = await driver.open(path, { readOnly: true });
    const one = (await fetchResponses(box, 'BODYSTRUCTURE', 'kept')).lines;
    assert.equal(one[mid - 1], null, 'the changed message is not kept');
    assert.equal(one.filter((x) => x === null).length, 1, 'every other message is');
    const runs = await fetchRuns(box, 'BODYSTRUCTURE', false);
    const each = (await fetchResponses(box, 'BODYSTRUCTURE', 'either')).lines.join('');
    assert.equal(runs.text, each, 'FETCH 1:* BODYSTRUCTURE');
    assert.equal(runs.inRuns, all.length - 1, 'all but the changed message came in runs');
    assert.ok(runs.runs >= 2, `two runs at least, one on either side of it (${runs.runs})`);
    // UID FETCH: the UID before the value, in the same runs.
    const uids = await fetchRuns(box, 'BODYSTRUCTURE', true);
    assert.equal(uids.text, each.replace(/^\* (\d+) FETCH \(/gm, (_, seq: string) => `* ${seq} FETCH (UID ${box.meta(Number(seq)).uid} `));
    // (The changed message's value, worked out and kept by the FETCH above, may still be on its way to the file.)
    assert.ok(uids.inRuns >= all.length - 1, `${uids.inRuns} messages in runs`);
    // Items a run does not write (FLAGS beside the value) go one message at a time, with the same values.
    const flags = await fetchRuns(box, '(FLAGS BODY)', false);
    assert.equal(flags.inRuns, 0);
    assert.match(flags.text, /^\* 1 FETCH \(FLAGS \([^)]*\) BODY \(/);
    await box.close();
  });
});

describe('the saved files follow the mailbox', () => {
  it('RENAME takes the index and the cache along (MODSEQs and kept values stay); DELETE removes them', async () => {
    const { driver, control } = cachedDriver();
    const from = join(dir, 'before-rename');
    const to = join(dir, 'after-rename');
    await driver.create(from);
    const body = Buffer.from(`Subject: kept\r\n\r\n${'a line of a body\r\n'.repeat(5000)}`, 'latin1');
    await driver.append(from, (async function* () {
      for (let i = 0; i < 20; i++) yield { body: { size: body.length, async *chunks() { yield body; } }, flags: 0, keywords: [] };
    })());
    const box = await driver.open(from, { readOnly: false });
    box.setFlags([3], 'add', 1, []);
    await box.checkpoint();
    const modseqs = Array.from({ length: 20 }, (_, i) => box.meta(i + 1).modseq);
    const highest = box.highestModseq();
    await box.keep(7, 'test.rename.1', Buffer.from('the value of 7'));
    await box.close();
    const saved = (p: string): string[] => {
      const index = control.fileFor('index', p) as string;
      return [index, `${index}.log`, `${index}.cache`].filter((f) => existsSync(f));
    };
    assert.equal(saved(from).length, 3, 'index, log and cache of the first name');
    await driver.rename(from, to);
    assert.deepEqual(saved(from), []);
    assert.equal(saved(to).length, 3, 'moved to the new name');
    const renamed = await driver.open(to, { readOnly: true });
    assert.deepEqual(Array.from({ length: 20 }, (_, i) => renamed.meta(i + 1).modseq), modseqs, 'the MODSEQs the index gave');
    assert.ok(renamed.highestModseq() >= highest, 'HIGHESTMODSEQ does not go back');
    assert.deepEqual(renamed.cached(7, 'test.rename.1'), Buffer.from('the value of 7'));
    await renamed.close();
    await driver.remove(to);
    assert.deepEqual(saved(to), [], 'removed with the mailbox');
  });
});
