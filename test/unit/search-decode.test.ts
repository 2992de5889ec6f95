/**
 * lib/mail/cte.ts, charset.ts, encoded-words.ts, fold.ts, needle.ts: quoted-printable and base64 fed whole, one byte
 * at a time and in random chunkings (fast-check:
 * decode(encode(bytes)) = bytes), charsets (ISO-8859-1, windows-1252, UTF-8, KOI8-R, the lenient US-ASCII reading),
 * RFC 2047 header values, and case-insensitive matching across chunk boundaries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { charsetStream, isKnownCharset } from '../../lib/mail/charset.js';
import { Base64Decoder, contentDecoder, QuotedPrintableDecoder, type ContentDecoder } from '../../lib/mail/cte.js';
import { decodeHeaderValue } from '../../lib/mail/encoded-words.js';
import { foldCase, unicodeCasemap } from '../../lib/mail/fold.js';
import { foldedIncludesAscii, headerIncludesAscii, headerNeedleRaw, NeedleSet, searchNeedle } from '../../lib/mail/needle.js';

/** Splits `data` at the given cut points (any order, any range). */
function chunked(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.subarray(last, p));
    last = p;
  }
  out.push(data.subarray(last));
  return out;
}

function bytewise(data: Buffer): Buffer[] {
  return [...data].map((b) => Buffer.from([b]));
}

function run(d: ContentDecoder, chunks: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.end());
  return Buffer.concat(out);
}

/**
 * A quoted-printable encoder after RFC 2045 §6.7: literal printable ASCII (33-126 but "="), SP/HT literal unless
 * they would end a line, soft breaks before column 76. In text mode LF stays a literal line break; otherwise every
 * CR and LF is encoded, as for binary data.
 */
function qpEncode(data: Buffer, textMode: boolean): Buffer {
  let out = '';
  let line = 0;
  const emit = (tok: string): void => {
    if (line + tok.length > 75) {
      out += '=\r\n';
      line = 0;
    }
    out += tok;
    line += tok.length;
  };
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    const next = data[i + 1];
    if (textMode && b === 0x0a) {
      out += '\n';
      line = 0;
    } else if ((b >= 33 && b <= 126 && b !== 0x3d) || ((b === 0x20 || b === 0x09) && next !== undefined && !(textMode && next === 0x0a))) {
      emit(String.fromCharCode(b));
    } else {
      emit('=' + b.toString(16).toUpperCase().padStart(2, '0'));
    }
  }
  return Buffer.from(out, 'latin1');
}

describe('quoted-printable', () => {
  const cases: [string, string, string][] = [
    ['plain', 'hello world', 'hello world'],
    ['escapes', 'caf=C3=A9 =3D x', 'café = x'],
    ['lower-case hex', 'caf=c3=a9', 'café'],
    ['soft break CRLF', 'long li=\r\nne', 'long line'],
    ['soft break LF', 'long li=\nne', 'long line'],
    ['soft break with padding', 'long li=  \t\r\nne', 'long line'],
    ['trailing whitespace dropped', 'a  \r\nb\t\nc ', 'a\r\nb\nc'],
    ['inner whitespace kept', 'a  b', 'a  b'],
    ['bad escape literal', 'a=ZZb =4', 'a=ZZb =4'],
    ['= before non-hex', '=\u00e9', '=\u00e9'],
    ['lone = at end', 'end=', 'end'],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      const data = Buffer.from(input, 'latin1');
      const want = name === 'escapes' || name === 'lower-case hex' ? Buffer.from(expected, 'utf8') : Buffer.from(expected, 'latin1');
      assert.deepEqual(run(new QuotedPrintableDecoder(), [data]), want, 'whole');
      assert.deepEqual(run(new QuotedPrintableDecoder(), bytewise(data)), want, 'one byte at a time');
    });
  }

  test('property: decode(encode(bytes)) = bytes under any chunking (binary and text mode)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), (raw, cuts, textMode) => {
        const data = Buffer.from(raw);
        const enc = qpEncode(data, textMode);
        assert.deepEqual(run(new QuotedPrintableDecoder(), chunked(enc, cuts)), data);
        assert.deepEqual(run(new QuotedPrintableDecoder(), bytewise(enc)), data);
      }),
      { numRuns: 300 },
    );
  });

  test('property: text with spaces and line breaks', () => {
    const textish = fc.array(fc.constantFrom(0x20, 0x09, 0x0a, 0x41, 0x3d, 0xe9, 0x7a), { maxLength: 300 });
    fc.assert(
      fc.property(textish, fc.array(fc.nat(), { maxLength: 20 }), (raw, cuts) => {
        const data = Buffer.from(raw);
        assert.deepEqual(run(new QuotedPrintableDecoder(), chunked(qpEncode(data, true), cuts)), data);
      }),
    );
  });

  test('property: any bytes (malformed escapes, whitespace before line ends) decode alike under any chunking', () => {
    // One byte at a time the decoder runs its state machine for every byte; whole or in chunks it copies runs in
    // its fast path. Both must agree, whatever the input.
    const soup = fc.array(fc.oneof(
      fc.constantFrom(0x20, 0x09, 0x0d, 0x0a, 0x3d, 0x41, 0x46, 0x61, 0x39, 0x47, 0x7a, 0xe9, 0x00, 0x0c),
      fc.constantFrom(' \r\n', ' \n', '\t \n', '=\r\n', '= \n', '=\r', '=4', '=41', '=4g', '  x', ' =', ' \t=41')
        .map((t) => [...Buffer.from(t, 'latin1')]),
    ), { maxLength: 300 }).map((xs) => Buffer.from(xs.flat()));
    fc.assert(
      fc.property(soup, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const want = run(new QuotedPrintableDecoder(), bytewise(data));
        assert.deepEqual(run(new QuotedPrintableDecoder(), [data]), want);
        assert.deepEqual(run(new QuotedPrintableDecoder(), chunked(data, cuts)), want);
      }),
      { numRuns: 2000 },
    );
    const long = Buffer.from(`a${' '.repeat(2100)}\nb${' '.repeat(1500)}c${'\t'.repeat(1030)}`, 'latin1');
    assert.deepEqual(run(new QuotedPrintableDecoder(), [long]), run(new QuotedPrintableDecoder(), bytewise(long)));
  });
});

describe('base64', () => {
  test('line-wrapped, with garbage, one byte at a time', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog.\n', 'latin1');
    const enc = Buffer.from(data.toString('base64').replace(/(.{16})/g, '$1\r\n') + '\r\n', 'latin1');
    assert.deepEqual(run(new Base64Decoder(), [enc]), data);
    assert.deepEqual(run(new Base64Decoder(), bytewise(enc)), data);
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('SG V*s\tbG8=')]), Buffer.from('Hello'));
  });

  test('padding ends a quantum; concatenated blobs; unpadded tail', () => {
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('QQ==QkM=')]), Buffer.from('ABC'));
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('QUJD')]), Buffer.from('ABC'));
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('QUI')]), Buffer.from('AB'));
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('QUJDR')]), Buffer.from('ABC'));
    assert.deepEqual(run(new Base64Decoder(), [Buffer.from('====')]), Buffer.alloc(0));
  });

  test('property: decode(Buffer base64) = bytes under any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.array(fc.nat(), { maxLength: 20 }), fc.nat(80), (raw, cuts, width) => {
        const data = Buffer.from(raw);
        let enc = data.toString('base64');
        if (width > 3) enc = enc.replace(new RegExp(`(.{${width}})`, 'g'), '$1\r\n');
        const encoded = Buffer.from(enc, 'latin1');
        assert.deepEqual(run(new Base64Decoder(), chunked(encoded, cuts)), data);
      }),
      { numRuns: 300 },
    );
  });

  test('contentDecoder picks by name; unknown is identity', () => {
    assert.deepEqual(run(contentDecoder(' Base64 '), [Buffer.from('QUJD')]), Buffer.from('ABC'));
    assert.deepEqual(run(contentDecoder('QUOTED-PRINTABLE'), [Buffer.from('=41')]), Buffer.from('A'));
    assert.deepEqual(run(contentDecoder('x-uuencode'), [Buffer.from('=41')]), Buffer.from('=41'));
    assert.deepEqual(run(contentDecoder(undefined), [Buffer.from('=41')]), Buffer.from('=41'));
  });
});

function decodeAll(charset: string | undefined, chunks: readonly Buffer[]): string {
  const s = charsetStream(charset);
  return chunks.map((c) => s.push(c)).join('') + s.end();
}

describe('charsets', () => {
  const cases: [string | undefined, Buffer, string][] = [
    ['iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'café'],
    ['ISO-8859-1', Buffer.from([0xc0, 0xff]), 'Àÿ'],
    ['windows-1252', Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94]), '€ \u201cq\u201d'],
    ['utf-8', Buffer.from('Grüße, 日本 😀', 'utf8'), 'Grüße, 日本 😀'],
    ['koi8-r', Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'Привет'],
    [undefined, Buffer.from('naïve', 'utf8'), 'naïve'],
    ['us-ascii', Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65]), 'naïve'],
    ['us-ascii', Buffer.from([0xe9, 0x80, 0x41]), 'é\u0080A'],
    ['x-no-such-charset', Buffer.from([0x41, 0xe9]), 'Aé'],
  ];
  for (const [cs, bytes, text] of cases) {
    test(`${cs ?? '(none)'}: ${text}`, () => {
      assert.equal(decodeAll(cs, [bytes]), text, 'whole');
      assert.equal(decodeAll(cs, bytewise(bytes)), text, 'one byte at a time');
    });
  }

  test('property: UTF-8 text survives any chunking under utf-8 and under the lenient US-ASCII reading', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), (s, cuts) => {
        const bytes = Buffer.from(s, 'utf8');
        assert.equal(decodeAll('utf-8', chunked(bytes, cuts)), s);
        assert.equal(decodeAll('us-ascii', chunked(bytes, cuts)), s);
      }),
    );
  });

  test('isKnownCharset', () => {
    assert.ok(isKnownCharset('US-ASCII'));
    assert.ok(isKnownCharset('utf-8'));
    assert.ok(isKnownCharset('KOI8-R'));
    assert.ok(!isKnownCharset('x-martian'));
    assert.throws(() => searchNeedle(Buffer.from('a'), 'x-martian'), RangeError);
    assert.equal(searchNeedle(Buffer.from('café', 'utf8'), 'UTF-8'), 'CAFE\u0301');
    assert.equal(searchNeedle(Buffer.from([0x63, 0xc9]), 'iso-8859-1'), 'CE\u0301');
  });
});

describe('header values (RFC 2047)', () => {
  const cases: [string, string][] = [
    // RFC 2047 §8 examples.
    ['=?ISO-8859-1?Q?a?=', 'a'],
    ['=?ISO-8859-1?Q?a?= b', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a_b?=', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=', 'a b'],
    ['=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>', 'Keith Moore <moore@cs.utk.edu>'],
    ['=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>', 'André Pirard <PIRARD@vm1.ulg.ac.be>'],
    ['=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=', 'If you can read this yo'],
    // A UTF-8 character split across two words, language suffix (RFC 2231), folding, raw 8-bit UTF-8.
    ['=?utf-8?B?w6k=?= =?utf-8?Q?=C3?= =?UTF-8?Q?=A9?=', 'éé'],
    ['=?utf-8*en?Q?hi?=', 'hi'],
    [' folded\r\n\tline', ' folded\tline'],
    [' Grüße', ' Grüße'],
    ['=?koi8-r?B?8NLJ18XU?=', 'Привет'],
    ['=?x-bogus?Q?abc?=', 'abc'],
    ['not =?an encoded word', 'not =?an encoded word'],
  ];
  for (const [raw, text] of cases) {
    test(JSON.stringify(raw), () => assert.equal(decodeHeaderValue(Buffer.from(raw, raw.includes('Grüße') ? 'utf8' : 'latin1')), text));
  }

  // Moved from header.ts's second RFC 2047 decoder (decodeEncodedWords), now gone. Two of its cases disagreed with
  // this decoder, which SEARCH has always used: a word in a charset we do not know is decoded byte by byte (as
  // '=?x-bogus?Q?abc?=' above, and as UW and Dovecot do), not left as written; a B word without base64 in it decodes
  // to nothing (Dovecot shows what decodes, UW drops the junk), not left as written.
  const d = (v: string): string => decodeHeaderValue(Buffer.from(v, 'latin1'));
  test('B and Q in several charsets, joined across whitespace', () => {
    assert.equal(d('=?utf-8?B?w4lsw6h2ZQ==?= and =?ISO-8859-1?Q?caf=E9_cr=E8me?=\r\n =?UTF-8?Q?_=E2=82=AC?='),
      'Élève and café crème €');
    assert.equal(d('=?windows-1252?Q?=93Quoted=94?='), '\u201cQuoted\u201d');
    assert.equal(d('=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?='), '山田');
    assert.equal(d('=?iso-8859-1*en?q?Andr=E9?= Pirard'), 'André Pirard');
    assert.equal(d('=?koi8-r?B?8NLJ18XU?='), 'Привет');
  });
  test('unknown charsets and bad words; raw 8-bit is UTF-8 or latin1', () => {
    assert.equal(d('=?x-unknown?Q?abc?= x'), 'abc x');
    assert.equal(d('=?utf-8?B?!!!?='), '');
    assert.equal(decodeHeaderValue(Buffer.from('Gr\xc3\xbc\xc3\x9fe', 'latin1')), 'Grüße');
    assert.equal(decodeHeaderValue(Buffer.from('caf\xe9', 'latin1')), 'café');
  });
});

describe('i;unicode-casemap (RFC 5051)', () => {
  const cases: [string, string][] = [
    ['plain ascii 123', 'PLAIN ASCII 123'],
    ['été', 'E\u0301TE\u0301'],
    ['ÉTÉ', 'E\u0301TE\u0301'],
    ['E\u0301TE\u0301', 'E\u0301TE\u0301'],
    ['ﬁ', 'FI'], // RFC 5051 2b decomposes U+FB01 to "fi"; our second titlecase pass makes it FI
    ['Ｚ', 'Z'], // fullwidth: a compatibility decomposition
    ['\u01c4 \u01c5 \u01c6', 'DZ\u030c DZ\u030c DZ\u030c'], // RFC 5051's own example, titlecased after NFKD
    ['Straße', 'STRASSE'.slice(0, 4) + 'ßE'], // ß has no single-code-point titlecase: it stays
    ['ς σ Σ', 'Σ Σ Σ'],
    ['ü ³', 'U\u0308 3'], // Dovecot's test vector (uni_utf8_to_decomposed_titlecase)
    ['ა', 'ა'], // Georgian Mkhedruli titlecases to itself (its uppercase is Mtavruli)
    ['😀 日本', '😀 日本'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.equal(unicodeCasemap(input), want));
  }
  test('every code point as a per-code-point titlecase (RFC 5051 step 2a) would give', () => {
    // The reference: simple titlecase per code point (digraphs to their titlecase member, Georgian Mkhedruli kept, a
    // single-code-point toUpperCase() taken, an expanding one refused), NFKD, the same titlecase again.
    const digraphs = new Map([[0x1c4, 0x1c5], [0x1c6, 0x1c5], [0x1c7, 0x1c8], [0x1c9, 0x1c8], [0x1ca, 0x1cb], [0x1cc, 0x1cb],
      [0x1f1, 0x1f2], [0x1f3, 0x1f2]]);
    const title = (s: string): string => [...s].map((c) => {
      const cp = c.codePointAt(0) ?? 0;
      const d = digraphs.get(cp);
      if (d !== undefined) return String.fromCodePoint(d);
      if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return c;
      const u = c.toUpperCase();
      return [...u].length === 1 ? u : c;
    }).join('');
    const bad: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (unicodeCasemap(c) !== title(title(c).normalize('NFKD'))) bad.push(cp.toString(16));
    }
    assert.deepEqual(bad, []);
  });
  test('idempotent, and equal forms for case variants', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
      const c = unicodeCasemap(s);
      assert.equal(unicodeCasemap(c), c);
      assert.equal(unicodeCasemap(s.toLowerCase().toUpperCase()), unicodeCasemap(s.toUpperCase()));
    }));
  });
});

describe('case-insensitive matching', () => {
  test('needles straddling chunk boundaries, any chunking', () => {
    const text = 'The Quick BROWN fox — Ελληνικά ΣΟΦΟΣ Straße end';
    const needles = ['quick brown', 'FOX — ελ', 'σοφοσ', 'straße end', 'missing'].map(foldCase);
    for (let size = 1; size <= text.length; size++) {
      const set = new NeedleSet(needles);
      const s = set.stream();
      for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
      assert.deepEqual(set.found, [true, true, true, true, false], `chunk size ${size}`);
      assert.ok(!set.done);
    }
  });

  test('streams are separate: no match across two streams', () => {
    const set = new NeedleSet(['ab']);
    set.stream().push('xa');
    set.stream().push('bx');
    assert.deepEqual(set.found, [false]);
  });

  test('empty needle is found at once; done when all found', () => {
    const set = new NeedleSet(['', foldCase('x')]);
    assert.deepEqual(set.found, [true, false]);
    assert.ok(set.matchText('X'));
    assert.ok(set.done);
  });

  test('foldedIncludesAscii: what folding the whole text and looking finds, for ASCII needles', () => {
    const piece = fc.constantFrom('a', 'b', 'c', 'e', 'f', 'i', 'k', 's', 'A', 'E', 'FI', ' ', '\r\n', 'cafe', 'café',
      'CAFÉ', 'é', 'e\u0301', 'ﬁ', 'ﬂ', 'Ｋ', 'K', '\u212a', 'ß', 'ſ', 'ı', '½', '™', '\u00a0', 'Æ', 'œ', 'Ǆ', 'ǅ', 'ŉ',
      '𝐀', '日本', '\ufeff', 'привет', 'Σ', 'ς', '🎉', '\u10d0', 'x-y', 'abcdefghij');
    const needle = fc.array(fc.constantFrom('a', 'b', 'c', 'e', 'f', 'i', 'k', 's', 'E', 'FI', 'SS', '1', ' ', 'TM', 'CAFE',
      'AE', 'OE', 'DZ', 'HIJ', '-', 'X'), { minLength: 0, maxLength: 4 }).map((p) => foldCase(p.join('')));
    fc.assert(fc.property(fc.array(piece, { maxLength: 50 }), needle, (pieces, n) => {
      const text = pieces.join('');
      assert.equal(foldedIncludesAscii(text, n), foldCase(text).includes(n), JSON.stringify({ text, n }));
    }), { numRuns: 5000 });
    assert.equal(foldedIncludesAscii('Un café noir', 'CAFE'), true);
    assert.equal(foldedIncludesAscii('x 日本ﬁ日本ne', 'FINE'), false);
    assert.equal(foldedIncludesAscii('ﬁne', 'FINE'), true);
    assert.equal(foldedIncludesAscii('\u212aelvin ſun', 'KELVIN'), true);
    assert.equal(foldedIncludesAscii('ıt', 'IT'), true);
  });

  test('headerIncludesAscii: what decoding, unfolding and folding the header finds, for needles without whitespace', () => {
    const piece = fc.oneof(
      fc.constantFrom('Subject: ', 'From: ', '\r\n', '\r\n ', '\r\n\t', '\n ', 'a', 'b', 'fi', 'x-y', 'cafe', ' ', '\t',
        '=?utf-8?Q?caf=C3=A9?=', '=?utf-8?B?77yr?=', '=?iso-8859-1?Q?=E9?=', '=?', '?=', 'ﬁ', 'é', '\ufeff', '日本', 'K',
        'Received: from x by y with z; a long line of plain header text', '=?utf-8?Q?a?= =?utf-8?Q?b?=', '=?US-ASCII?Q?fi?=',
        '=?utf-8?q?x-?=', '=?x-bogus?B?QUJD?=')
        .map((t) => Buffer.from(t, 'utf8')),
      fc.constantFrom(Buffer.from([0xe9]), Buffer.from([0xc3]), Buffer.from([0xa9]), Buffer.from([0xef, 0xac, 0x81])),
    );
    const needle = fc.array(fc.constantFrom('A', 'B', 'FI', 'X-Y', 'CAFE', 'K', 'E', ':', 'SUBJECT', 'AB', 'X-', 'LINE', 'ABC',
      'FROM'), { minLength: 1, maxLength: 4 })
      .map((p) => p.join(''));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), needle, (pieces, n) => {
      const raw = Buffer.concat(pieces);
      assert.ok(headerNeedleRaw(n));
      assert.equal(headerIncludesAscii(raw, n), foldCase(decodeHeaderValue(raw)).includes(n), JSON.stringify({ raw: raw.toString('latin1'), n }));
    }), { numRuns: 10000 });
    assert.equal(headerNeedleRaw('A B'), false);
    assert.equal(headerNeedleRaw('A\r\nB'), false);
    assert.equal(headerNeedleRaw('ÉT'), false);
  });

  test('property: found iff the folded text contains the needle, for any chunking', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 10 }), (hay, needle, cuts) => {
        const text = hay.slice(0, 20) + needle.toUpperCase() + hay.slice(20);
        const set = new NeedleSet([foldCase(needle)]);
        const s = set.stream();
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        let last = 0;
        for (const p of [...points, text.length]) {
          s.push(text.slice(last, p));
          last = p;
        }
        assert.equal(set.found[0], foldCase(text).includes(foldCase(needle)));
      }),
    );
  });
});
