/**
 * The FETCH writer (lib/imap/fetch-writer.ts) over a real mbox: every fixture of test/fixtures/mime appended (CRLF), then
 * fetched item by item and compared byte for byte with the Dovecot oracle sidecars (ENVELOPE, BODY, BODYSTRUCTURE,
 * every section Dovecot was asked for), plus flags, \Seen handling, partials, BINARY and the size-mismatch rule.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import fc from 'fast-check';
import { FetchError, FetchSizeMismatch, writeFetch, type FetchOptions } from '../../lib/imap/fetch-writer.js';
import { formatInternalDate, writeInternalDate } from '../../lib/imap/internal-date.js';
import { ResponseSink } from '../../lib/io/sink.js';
import { ByteWriter } from '../../lib/wire/encode.js';
import type { MimePart } from '../../lib/mail/mime.js';
import { Flag, type AppendMessage, type OpenMailbox, type SizedBody } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ArgCursor } from '../../lib/wire/parser.js';

const MIME = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'mime');

interface Sidecar {
  size: number; served: number; envelope: string; body: string; bodystructure: string;
  sections: Record<string, string | null>;
}

/** Known differences from Dovecot (see mail-corpus.test.ts): its mbox adds a CRLF after a body-less message. */
const SKIP_SECTIONS: Record<string, readonly string[]> = { 'empty-body': ['', 'TEXT'] };

const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

const names = readdirSync(MIME).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();
const messages = names.map((n) => crlf(readFileSync(join(MIME, `${n}.eml`))));
const sidecars = names.map((n) => JSON.parse(readFileSync(join(MIME, `${n}.json`), 'utf8')) as Sidecar);

/** Extra messages after the corpus: a base64 part with NULs, a quoted-printable part, an unknown encoding. */
const BINARY_MSG = crlf(latin1([
  'From: a@example.org', 'Subject: binary', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
  '--b', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '',
  Buffer.from('ab\0cd\0ef').toString('base64'),
  '--b', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '',
  'caf=E9 soft=', 'break', '--b', 'Content-Type: text/plain', 'Content-Transfer-Encoding: x-uuencode', '',
  'begin 644 x', '--b--', '',
].join('\n')));
const BINARY_SEQ = names.length + 1;
const SEEN_MSG = crlf(latin1('Subject: seen already\n\nhi\n'));
const SEEN_SEQ = names.length + 2;

const INTERNAL = { time: Date.UTC(2024, 0, 1, 23, 30, 5), zone: 0 };
const dir = mkdtempSync(join(tmpdir(), 'imap-fetch-'));
const path = join(dir, 'INBOX');
let box: OpenMailbox;

function appendMsg(b: Buffer, flags = 0, keywords: string[] = []): AppendMessage {
  return { body: { size: b.length, async *chunks() { yield b; } }, flags, keywords, internalDate: INTERNAL };
}

async function* all(): AsyncIterable<AppendMessage> {
  for (const m of messages) yield appendMsg(m);
  yield appendMsg(BINARY_MSG, Flag.Flagged, ['$Label1']);
  yield appendMsg(SEEN_MSG, Flag.Seen | Flag.Answered);
}

function driver(): MboxDriver {
  return new MboxDriver({
    journalDir: dir, fsync: false,
    env: { clock: fixedClock(Date.UTC(2026, 0, 1)), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() },
  });
}

before(async () => {
  const d = driver();
  await d.create(path);
  await d.append(path, all());
  box = await d.open(path, { readOnly: false });
});
after(async () => {
  await box.close();
  rmSync(dir, { recursive: true, force: true });
});

const PEEK: FetchOptions = { uid: false, markSeen: false, recent: true };

/** Runs writeFetch into a sink over a PassThrough and returns every byte written. */
async function fetch(b: OpenMailbox, seq: number, atts: string, opts: FetchOptions = PEEK):
    Promise<{ out: Buffer; seenSet: boolean; writes: number }> {
  const pt = new PassThrough();
  const got: Buffer[] = [];
  pt.on('data', (c: Buffer) => got.push(c));
  const sink = new ResponseSink(pt);
  const r = await writeFetch(sink, b, seq, ArgCursor.of(atts).fetchAtts(), opts);
  await sink.flush();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { out: Buffer.concat(got), seenSet: r.seenSet, writes: got.length };
}

const lit = (b: Buffer): Buffer => Buffer.concat([latin1(`{${b.length}}\r\n`), b]);
const resp = (seq: number, ...items: (string | Buffer)[]): string =>
  Buffer.concat([latin1(`* ${seq} FETCH (`), ...items.map((i) => (typeof i === 'string' ? latin1(i) : i)), latin1(')\r\n')])
    .toString('latin1');

describe('FETCH against the Dovecot oracle', () => {
  names.forEach((name, i) => {
    const seq = i + 1;
    it(name, async () => {
      const side = sidecars[i];
      assert.ok(side);
      const one = async (a: string): Promise<string> => (await fetch(box, seq, a)).out.toString('latin1');
      assert.equal(await one('RFC822.SIZE'), resp(seq, `RFC822.SIZE ${side.served}`));
      assert.equal(await one('ENVELOPE'), resp(seq, `ENVELOPE ${side.envelope}`));
      assert.equal(await one('BODY'), resp(seq, `BODY ${side.body}`));
      assert.equal(await one('BODYSTRUCTURE'), resp(seq, `BODYSTRUCTURE ${side.bodystructure}`));
      assert.equal(await one('BODY.PEEK[]'), resp(seq, 'BODY[] ', lit(messages[i] ?? Buffer.alloc(0))), 'BODY[] is the appended message');
      for (const [spec, b64] of Object.entries(side.sections)) {
        if (SKIP_SECTIONS[name]?.includes(spec) === true) continue;
        const want = b64 === null ? Buffer.alloc(0) : Buffer.from(b64, 'base64');
        assert.equal(await one(`BODY.PEEK[${spec}]`), resp(seq, `BODY[${spec}] `, lit(want)), `BODY[${spec}]`);
      }
    });
  });

  it('caches the MIME tree by UID', async () => {
    const cache = new Map<number, MimePart>();
    const seq = names.indexOf('nested-rfc822') + 1;
    const a = await fetch(box, seq, 'BODYSTRUCTURE', { ...PEEK, structureCache: cache });
    assert.equal(cache.size, 1);
    const tree = cache.get(box.meta(seq).uid);
    assert.ok(tree);
    const b = await fetch(box, seq, 'BODYSTRUCTURE', { ...PEEK, structureCache: cache });
    assert.deepEqual(b.out, a.out);
    assert.equal(cache.get(box.meta(seq).uid), tree, 'the cached tree is reused');
  });
});

describe('FETCH items', () => {
  const plain = names.indexOf('plain') + 1;
  const plainMsg = messages[plain - 1] ?? Buffer.alloc(0);
  const hsize = plainMsg.indexOf('\r\n\r\n') + 4;

  it('FLAGS, INTERNALDATE, RFC822.SIZE, UID in the order asked, in one write', async () => {
    const uid = box.meta(BINARY_SEQ).uid;
    const r = await fetch(box, BINARY_SEQ, '(FLAGS INTERNALDATE RFC822.SIZE UID)');
    assert.equal(r.out.toString('latin1'), resp(BINARY_SEQ,
      `FLAGS (\\Flagged \\Recent $Label1) INTERNALDATE " 1-Jan-2024 23:30:05 +0000" RFC822.SIZE ${BINARY_MSG.length} UID ${uid}`));
    assert.equal(r.writes, 1);
    const s = await fetch(box, SEEN_SEQ, 'FAST');
    assert.match(s.out.toString('latin1'), /^\* \d+ FETCH \(FLAGS \(\\Seen \\Answered \\Recent\) INTERNALDATE /);
  });

  it('UID FETCH puts UID first unless asked for', async () => {
    const uid = box.meta(plain).uid;
    const o = { uid: true, markSeen: false, recent: true };
    assert.equal((await fetch(box, plain, 'RFC822.SIZE', o)).out.toString('latin1'),
      resp(plain, `UID ${uid} RFC822.SIZE ${plainMsg.length}`));
    assert.equal((await fetch(box, plain, '(RFC822.SIZE UID)', o)).out.toString('latin1'),
      resp(plain, `RFC822.SIZE ${plainMsg.length} UID ${uid}`));
  });

  it('formats INTERNALDATE in the message\'s own zone', () => {
    assert.equal(formatInternalDate({ time: Date.UTC(2024, 0, 1, 23, 30, 5), zone: 90 }), '" 2-Jan-2024 01:00:05 +0130"');
    assert.equal(formatInternalDate({ time: Date.UTC(2024, 10, 15, 3, 4, 5), zone: -300 }), '"14-Nov-2024 22:04:05 -0500"');
  });

  it('writes INTERNALDATE as bytes exactly as formatInternalDate does', () => {
    const w = new ByteWriter();
    const same = (time: number, zone: number): void => {
      w.reset();
      writeInternalDate({ time, zone }, w);
      assert.equal(w.view().toString('latin1'), formatInternalDate({ time, zone }), `${time} ${zone}`);
    };
    // Every day boundary of the leap-year rules, either side of the epoch and of year 0 and 9999.
    for (const y of [0, 1, 99, 100, 400, 1600, 1899, 1900, 1969, 1970, 1972, 2000, 2001, 2024, 2100, 9999]) {
      for (const [m, d] of [[0, 1], [1, 28], [1, 29], [2, 1], [11, 31]] as const) {
        const t = new Date(0);
        t.setUTCFullYear(y, m, d);
        for (const ms of [0, 1, 999, 86_399_999]) same(t.getTime() + ms, 0);
      }
    }
    fc.assert(fc.property(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }),
      fc.integer({ min: -1440, max: 1440 }), same), { numRuns: 20_000 });
    // Outside the fast range: other years, fractions, zones of 100 hours and more.
    for (const [t, z] of [[-62_198_755_200_001, 0], [253_402_300_800_000, 0], [1.5, 0], [0, 6000], [0, -6001],
      [8.64e15, 0], [0, 0.5]] as const) same(t, z);
  });

  it('RFC822, RFC822.HEADER, RFC822.TEXT', async () => {
    const r = await fetch(box, plain, '(RFC822.HEADER RFC822.TEXT RFC822)');
    assert.equal(r.out.toString('latin1'), resp(plain, 'RFC822.HEADER ', lit(plainMsg.subarray(0, hsize)), ' RFC822.TEXT ',
      lit(plainMsg.subarray(hsize)), ' RFC822 ', lit(plainMsg)));
  });

  it('HEADER.FIELDS (FROM SUBJECT) and .NOT', async () => {
    const r = await fetch(box, plain, 'BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]');
    assert.equal(r.out.toString('latin1'), resp(plain, 'BODY[HEADER.FIELDS (FROM SUBJECT)] ',
      lit(latin1('From: Alice Example <alice@example.org>\r\nSubject: A plain message\r\n folded over two lines\r\n\r\n'))));
  });

  it('partials: <0.10>, inside the text, across header and text, beyond the end', async () => {
    const p = async (a: string): Promise<string> => (await fetch(box, plain, a)).out.toString('latin1');
    assert.equal(await p('BODY.PEEK[]<0.10>'), resp(plain, 'BODY[]<0> ', lit(plainMsg.subarray(0, 10))));
    assert.equal(await p('BODY.PEEK[TEXT]<6.1000>'), resp(plain, 'BODY[TEXT]<6> ', lit(plainMsg.subarray(hsize + 6))));
    assert.equal(await p(`BODY.PEEK[]<${hsize - 5}.12>`), resp(plain, `BODY[]<${hsize - 5}> `, lit(plainMsg.subarray(hsize - 5, hsize + 7))));
    assert.equal(await p(`BODY.PEEK[1]<3.4>`), resp(plain, 'BODY[1]<3> ', lit(plainMsg.subarray(hsize + 3, hsize + 7))));
    assert.equal(await p('BODY.PEEK[]<100000.10>'), resp(plain, 'BODY[]<100000> {0}\r\n'));
    assert.equal(await p('BODY.PEEK[HEADER.FIELDS (FROM)]<6.5>'), resp(plain, 'BODY[HEADER.FIELDS (FROM)]<6> {5}\r\nAlice'));
    assert.equal(await p('BODY.PEEK[9]'), resp(plain, 'BODY[9] {0}\r\n'), 'a missing part is an empty string');
  });

  it('nested parts and MIME headers', async () => {
    const seq = names.indexOf('nested-rfc822') + 1;
    const side = sidecars[seq - 1];
    assert.ok(side);
    const r = await fetch(box, seq, '(BODY.PEEK[1.MIME] BODY.PEEK[2.HEADER])');
    const b64 = (k: string): Buffer => Buffer.from(side.sections[k] ?? '', 'base64');
    assert.ok(b64('1.MIME').length > 0 && b64('2.HEADER').length > 0);
    assert.equal(r.out.toString('latin1'), resp(seq, 'BODY[1.MIME] ', lit(b64('1.MIME')), ' BODY[2.HEADER] ', lit(b64('2.HEADER'))));
  });

  it('BINARY: base64 with NULs as literal8, quoted-printable as a literal, BINARY.SIZE, partial, missing part', async () => {
    const r = await fetch(box, BINARY_SEQ, '(BINARY.SIZE[1] BINARY.PEEK[1] BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1]<3.10> BINARY.PEEK[7])');
    assert.equal(r.out.toString('latin1'), resp(BINARY_SEQ, 'BINARY.SIZE[1] 8 BINARY[1] ~{8}\r\nab\0cd\0ef',
      ' BINARY[2] {14}\r\ncaf\xe9 softbreak BINARY.SIZE[2] 14 BINARY[1]<3> ~{5}\r\ncd\0ef BINARY[7] NIL'));
    await assert.rejects(fetch(box, BINARY_SEQ, 'BINARY.PEEK[3]'), (e: unknown) => e instanceof FetchError && e.code === 'UNKNOWN-CTE');
  });

  it('BINARY of 7bit data: BINARY.SIZE without decoding, BINARY[] is the message', async () => {
    const r = await fetch(box, plain, '(BINARY.SIZE[1] BINARY.PEEK[])');
    assert.equal(r.out.toString('latin1'), resp(plain, `BINARY.SIZE[1] ${plainMsg.length - hsize} BINARY[] `, lit(plainMsg)));
  });

  it('large bodies stream in pieces and arrive whole', async () => {
    const big = Buffer.alloc(300_000, 'x');
    const fake = fakeBox(plainMsg.subarray(0, hsize), big, big.length);
    const r = await fetch(fake, 1, 'BODY.PEEK[TEXT]');
    assert.ok(r.writes > 1, 'a large literal flushes as it goes');
    assert.equal(r.out.toString('latin1'), resp(1, 'BODY[TEXT] ', lit(big)));
  });
});

describe('\\Seen', () => {
  it('BODY.PEEK leaves \\Seen unset; BODY[] sets it and includes FLAGS once', async () => {
    const seq = names.indexOf('alternative') + 1;
    const msg = messages[seq - 1] ?? Buffer.alloc(0);
    const seen = { uid: false, markSeen: true, recent: true };
    const p = await fetch(box, seq, 'BODY.PEEK[]', seen);
    assert.equal(p.seenSet, false);
    assert.equal(box.meta(seq).flags & Flag.Seen, 0);
    const r = await fetch(box, seq, 'BODY[]', seen);
    assert.equal(r.seenSet, true);
    assert.notEqual(box.meta(seq).flags & Flag.Seen, 0);
    assert.equal(r.out.toString('latin1'), resp(seq, 'BODY[] ', lit(msg), ' FLAGS (\\Seen \\Recent)'));
    const again = await fetch(box, seq, 'BODY[]', seen);
    assert.equal(again.seenSet, false, 'already seen: no change, no FLAGS');
    assert.equal(again.out.toString('latin1'), resp(seq, 'BODY[] ', lit(msg)));
  });

  it('a requested FLAGS item shows the new \\Seen and is not repeated', async () => {
    const seq = names.indexOf('digest') + 1;
    const r = await fetch(box, seq, '(FLAGS RFC822.TEXT)', { uid: false, markSeen: true, recent: true });
    assert.equal(r.seenSet, true);
    assert.match(r.out.toString('latin1'), /^\* \d+ FETCH \(FLAGS \(\\Seen \\Recent\) RFC822\.TEXT \{\d+\}\r\n[^]*\)\r\n$/);
    assert.equal(r.out.toString('latin1').split('FLAGS').length, 2);
  });

  it('EXAMINE (markSeen false) never sets it', async () => {
    const seq = names.indexOf('groups') + 1;
    const r = await fetch(box, seq, 'BINARY[1]', PEEK);
    assert.equal(r.seenSet, false);
    assert.equal(box.meta(seq).flags & Flag.Seen, 0);
  });
});

/** A mailbox of one message whose text may yield fewer bytes than its index says (`textSize`). */
function fakeBox(header: Buffer, text: Buffer, textSize: number): OpenMailbox {
  const body = (b: Buffer, size: number): SizedBody => ({
    size,
    async *chunks() {
      for (let i = 0; i < b.length; i += 1000) yield b.subarray(i, i + 1000);
    },
  });
  const textBody = (range?: { offset: number; length: number }): SizedBody => {
    const o = range?.offset ?? 0;
    const n = range?.length ?? textSize - o;
    return body(text.subarray(o), n);
  };
  const fake: Partial<OpenMailbox> = {
    readOnly: true,
    meta: () => ({ uid: 1, flags: 0, keywords: [], recent: false, internalDate: INTERNAL, size: header.length + textSize, lfSize: 0, modseq: 1 }),
    header: async () => header,
    text: (_seq, range) => textBody(range),
    message: () => {
      const t = textBody();
      return { size: header.length + t.size, async *chunks() { yield header; yield* t.chunks(); } };
    },
  };
  return fake as OpenMailbox;
}

describe('sizes before bytes', () => {
  const header = latin1('Subject: short\r\n\r\n');
  for (const item of ['BODY.PEEK[]', 'BODY.PEEK[TEXT]', 'BODY.PEEK[]<5.100>', 'BODY.PEEK[TEXT]<2.100>']) {
    it(`${item}: a body shorter than announced is fatal`, async () => {
      const fake = fakeBox(header, latin1('hello world\r\n'), 50);
      await assert.rejects(fetch(fake, 1, item), (e: unknown) => e instanceof FetchSizeMismatch && e.announced > e.actual);
    });
  }
  it('a body longer than announced is fatal before the extra bytes are queued', async () => {
    const fake = fakeBox(header, latin1('hello world\r\n'), 5);
    const pt = new PassThrough();
    const sink = new ResponseSink(pt);
    await assert.rejects(writeFetch(sink, fake, 1, ArgCursor.of('BODY.PEEK[]').fetchAtts(), PEEK),
      (e: unknown) => e instanceof FetchSizeMismatch && e.announced === header.length + 5);
    assert.ok(sink.pending <= `* 1 FETCH (BODY[] {${header.length + 5}}\r\n`.length + header.length + 5);
  });
});

describe('PREVIEW (RFC 8970)', () => {
  it('works the preview out from the first body bytes of a 200 MB message, keeps it, and LAZY answers only what is kept', async () => {
    const header = latin1('Content-Type: text/plain; charset=utf-8\r\n\r\n');
    const chunk = Buffer.from('Grüße aus Köln. '.repeat(4000), 'utf8');
    const size = 200 * 1024 * 1024;
    const kept = new Map<string, Buffer>();
    let read = 0;
    const fake = {
      ...fakeBox(header, chunk, size),
      text: (): SizedBody => ({
        size,
        async *chunks() {
          for (let n = 0; n < size; n += chunk.length) {
            read += chunk.length;
            yield chunk;
          }
        },
      }),
      cached: (_seq: number, field: string) => kept.get(field) ?? null,
      keep: async (_seq: number, field: string, v: Uint8Array) => {
        kept.set(field, Buffer.from(v));
      },
    } as OpenMailbox;
    // Nothing kept: LAZY is NIL, and nothing is read.
    assert.equal((await fetch(fake, 1, '(PREVIEW (LAZY))')).out.toString('latin1'), resp(1, 'PREVIEW NIL'));
    assert.equal(read, 0);
    assert.equal(kept.size, 0);
    // Without LAZY: 200 characters, 8-bit UTF-8 as a literal, from the first chunk only; kept.
    const text = Buffer.from('Grüße aus Köln. '.repeat(20).slice(0, 200).trimEnd(), 'utf8');
    const want = resp(1, 'PREVIEW ', lit(text));
    assert.equal((await fetch(fake, 1, 'PREVIEW')).out.toString('latin1'), want);
    assert.equal(read, chunk.length);
    assert.deepEqual(kept.get('imap.preview.1'), lit(text));
    // Kept: LAZY and a plain PREVIEW answer it without reading.
    assert.equal((await fetch(fake, 1, '(UID PREVIEW (LAZY))')).out.toString('latin1'), resp(1, 'UID 1 PREVIEW ', lit(text)));
    assert.equal((await fetch(fake, 1, 'PREVIEW')).out.toString('latin1'), want);
    assert.equal(read, chunk.length);
  });
});
