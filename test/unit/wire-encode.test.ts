import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineInput } from '../../lib/io/input.js';
import { fetchItemName, quoted, ResponseBuilder } from '../../lib/wire/encode.js';
import { SYSTEM_FLAG_NAMES } from '../../lib/values/flags.js';
import { readCommand } from '../../lib/wire/fragmentizer.js';
import { decodeMutf7, encodeMutf7, InvalidMutf7, isMutf7 } from '../../lib/wire/mutf7.js';
import { ArgCursor } from '../../lib/wire/parser.js';

const rb = (): ResponseBuilder => new ResponseBuilder();
const s = (r: ResponseBuilder): string => r.toBuffer().toString('latin1');

/** Encoded octets, as a client would send them, through the fragmentizer and the parser. */
async function reparse(wire: Buffer, parse: (c: ArgCursor) => unknown): Promise<unknown> {
  const src = new PassThrough();
  const input = new LineInput(src, 100000);
  src.end(Buffer.concat([wire, Buffer.from('\r\n')]));
  const cmd = await readCommand(input, {
    maxLiteral: () => 1e6, maxCommand: 1e7, maxLiterals: 10, maxDiscard: 0, onContinuation: async () => {},
  });
  assert.ok(cmd);
  const cur = new ArgCursor(cmd);
  const v = parse(cur);
  cur.end();
  return v;
}

describe('encode', () => {
  it('chooses atom, quoted or literal', () => {
    assert.equal(s(rb().astring('INBOX')), 'INBOX');
    assert.equal(s(rb().astring('')), '""');
    assert.equal(s(rb().astring('NIL')), '"NIL"');
    assert.equal(s(rb().astring('a b')), '"a b"');
    assert.equal(s(rb().astring('a]b')), '"a]b"');
    // One quoting rule (Dovecot's, which the ENVELOPE and BODYSTRUCTURE oracles pin): nothing is escaped; a " or \
    // makes a literal.
    assert.equal(s(rb().astring('say "hi" \\o/')), '{12}\r\nsay "hi" \\o/');
    assert.equal(s(rb().astring('a\r\nb')), '{4}\r\na\r\nb');
    assert.equal(s(rb().astring(Buffer.from('café'))), '{5}\r\ncaf\xc3\xa9');
    assert.equal(s(rb().nstring(null).sp().nstring('x')), 'NIL "x"');
    // UTF8=ACCEPT: UTF-8 may be quoted; the ASCII rule still makes a literal of " and \.
    assert.equal(s(rb().utf8String(Buffer.from('café'))), '"caf\xc3\xa9"');
    assert.equal(s(rb().utf8String(Buffer.from('é"'))), '{3}\r\n\xc3\xa9"');
    assert.equal(s(rb().literal8(Buffer.from([0, 1]))), '~{2}\r\n\0\x01');
    assert.equal(quoted('a b'), '"a b"');
    assert.throws(() => quoted('a"'), RangeError);
    assert.throws(() => quoted('a\\'), RangeError);
    assert.throws(() => quoted('a\n'), RangeError);
    assert.throws(() => rb().astring('\u20ac'), RangeError);
    assert.throws(() => rb().atom('a b'), RangeError);
    assert.throws(() => rb().number(-1), RangeError);
  });

  it('builds a response line and keeps big Buffers as they are', () => {
    const body = Buffer.alloc(1000, 0x61);
    const r = rb().raw('* 1 FETCH (FLAGS ').list(['\\Seen', '$Junk'], (b, f) => b.raw(f)).raw(' BODY[] ').literal(body)
      .raw(')').crlf();
    const chunks = r.chunks();
    assert.equal(chunks.length, 3);
    assert.equal(chunks[1], body);
    assert.equal(Buffer.concat(chunks).toString('latin1'), `* 1 FETCH (FLAGS (\\Seen $Junk) BODY[] {1000}\r\n${'a'.repeat(1000)})\r\n`);
    assert.deepEqual(rb().chunks(), []);
  });

  it('names fetch items as RFC 3501 §7.4.2 answers them', () => {
    const names = ArgCursor.of('(BODY.PEEK[1.HEADER.FIELDS (Date "X Y")]<10.20> BINARY.PEEK[2]<0.1> BINARY.SIZE[] RFC822)')
      .fetchAtts().map(fetchItemName);
    assert.deepEqual(names, ['BODY[1.HEADER.FIELDS (Date "X Y")]<10>', 'BINARY[2]<0>', 'BINARY.SIZE[]', 'RFC822']);
  });

  it('parse(encode(v)) = v for astring, string and nstring (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), fc.boolean(), async (bytes, nil) => {
      const v = Buffer.from(bytes);
      assert.deepEqual(await reparse(rb().astring(v).toBuffer(), (c) => c.astring()), v);
      assert.deepEqual(await reparse(rb().string(v).toBuffer(), (c) => c.string()), v);
      const n = nil ? null : v;
      assert.deepEqual(await reparse(rb().nstring(n).toBuffer(), (c) => c.nstring()), n);
      assert.deepEqual(await reparse(rb().astring(v).sp().astring(v).toBuffer(), (c) => [c.astring(), (c.sp(), c.astring())]), [v, v]);
    }), { numRuns: 300 });
  });
  it('writes sequence sets as ranges, which the parser reads back', () => {
    assert.equal(s(rb().seqSet([7, 1, 2, 3, 9, 10])), '1:3,7,9:10');
    assert.equal(s(rb().seqSet([5])), '5');
    const ids = [1, 2, 3, 5, 8, 9, 10, 11, 40];
    const set = ArgCursor.of(s(rb().seqSet(ids))).seqSet();
    assert.deepEqual([...set.numbers(50)], ids);
  });
  it('writes an ordered set in its order, a range only for a run up by one (ESORT, RFC 5267 §3.2)', () => {
    assert.equal(s(rb().orderedSet([5, 4, 3, 1])), '5,4,3,1');
    assert.equal(s(rb().orderedSet([3, 4, 1, 2])), '3:4,1:2');
    assert.equal(s(rb().orderedSet([1, 2, 3, 7, 9, 10])), s(rb().seqSet([1, 2, 3, 7, 9, 10])));
    assert.equal(s(rb().orderedSet([])), '');
    // Read back and expanded item by item (each range increasing), the order is the one written.
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1 }), (ids) => {
      const set = ArgCursor.of(s(rb().orderedSet(ids))).seqSet();
      const back = set.items.flatMap((r) => {
        const [lo, hi] = [Number(r.first), Number(r.last)];
        return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
      });
      assert.deepEqual(back, ids);
    }), { numRuns: 300 });
  });

  it('parse(encode(v)) = v for strings, numbers, lists and flag lists (seeded pseudo-random, 3000 cases)', async () => {
    // mulberry32: the same cases on every run, so a failure names its case.
    let seed = 0x5eed1e55;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number): number => Math.floor(rand() * n);
    // Bytes that exercise every branch of the rule: atom chars, specials, quote and backslash, CR/LF/NUL, 8-bit.
    const ALPHABET = Buffer.from('aZ09$.-_+ ()[]{}%*"\\\r\n\0~\x7f\x80\xe9\xff', 'latin1');
    const bytes = (max: number): Buffer => {
      const n = int(max + 1);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = rand() < 0.3 ? int(256) : (ALPHABET[int(ALPHABET.length)] as number);
      return b;
    };
    const KEYWORD_CHARS = 'abcXYZ019$_-.';
    const keyword = (): string => Array.from({ length: 1 + int(8) }, () => KEYWORD_CHARS[int(KEYWORD_CHARS.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const kind = i % 6;
      if (kind === 0) {
        const v = bytes(40);
        assert.deepEqual(await reparse(rb().astring(v).toBuffer(), (c) => c.astring()), v, `case ${i}`);
      } else if (kind === 1) {
        const v = bytes(40);
        assert.deepEqual(await reparse(rb().string(v).toBuffer(), (c) => c.string()), v, `case ${i}`);
      } else if (kind === 2) {
        const v = rand() < 0.2 ? null : bytes(40);
        assert.deepEqual(await reparse(rb().nstring(v).toBuffer(), (c) => c.nstring()), v, `case ${i}`);
      } else if (kind === 3) {
        const n = rand() < 0.5 ? int(100) : int(0x100000000);
        const v = bytes(10);
        assert.deepEqual(await reparse(rb().number(n).sp().astring(v).toBuffer(), (c) => [c.number(), (c.sp(), c.astring())]),
          [n, v], `case ${i}`);
      } else if (kind === 4) {
        // A list of (string SP nstring) pairs, read back by the ID parameter list rule.
        const pairs = Array.from({ length: 1 + int(5) }, () => ({ field: bytes(30), value: rand() < 0.2 ? null : bytes(40) }));
        const wire = rb().list(pairs, (b, p) => b.string(p.field).sp().nstring(p.value)).toBuffer();
        assert.deepEqual(await reparse(wire, (c) => c.idParamsList()), pairs, `case ${i}`);
      } else {
        const bits = int(32);
        const keywords = Array.from({ length: int(4) }, keyword);
        const wire = rb().flags(bits, false, keywords).toBuffer();
        const names = [...SYSTEM_FLAG_NAMES.filter(([bit]) => bits & bit).map(([, name]) => name), ...keywords];
        assert.deepEqual(await reparse(wire, (c) => c.flagList()), names, `case ${i}`);
      }
    }
  });
});

describe('modified UTF-7', () => {
  const table: [string, string][] = [
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['&', '&-'],
    ['a&b', 'a&-b'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['\u00e9\u00e9', '&AOkA6Q-'],
    ['😀', '&2D3eAA-'],
    ['tab\there', 'tab&AAk-here'],
    ['', ''],
  ];
  for (const [plain, enc] of table) {
    it(`${JSON.stringify(plain)} <-> ${enc}`, () => {
      assert.equal(encodeMutf7(plain), enc);
      assert.equal(decodeMutf7(enc), plain);
    });
  }
  for (const badName of ['&', '&Jjo', '&AGE-', '&AOk-&AOk-', '&AOkA-', '&AOkA6Q=-', '&AOlA-', '&2D0-', '&3gA-', 'caf\xe9',
    'a\tb', '&U/BTFw-', '&AOkA6QA-']) {
    it(`refuses ${JSON.stringify(badName)}`, () => {
      assert.throws(() => decodeMutf7(badName), InvalidMutf7);
      assert.equal(isMutf7(badName), false);
    });
  }
  it('decode(encode(s)) = s for any Unicode string, and encodings are canonical (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (str) => {
      const e = encodeMutf7(str);
      assert.equal(decodeMutf7(e), str);
      assert.equal(encodeMutf7(decodeMutf7(e)), e);
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('&', '-', 'A', 'O', 'k', '6', 'Q', ',', 'a'), maxLength: 12 }),
      (str) => {
        // Whatever decodes must re-encode to itself: one wire form per name.
        if (isMutf7(str)) assert.equal(encodeMutf7(decodeMutf7(str)), str);
      }), { numRuns: 3000 });
  });
});
