/**
 * AsciiNeedleScanner (lib/mail/needle.ts), SEARCH's shortcut for ASCII needles, must find exactly what decoding
 * the whole part and folding it with i;unicode-casemap finds: random texts of ASCII, accented letters, ligatures,
 * fullwidth and compatibility characters, ß, invalid bytes and line ends, cut into random chunks (characters cut
 * too), in each charset the shortcut serves.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { asciiCompatible, charsetStream } from '../../lib/mail/charset.js';
import { foldCase } from '../../lib/mail/fold.js';
import { AsciiNeedleScanner, NeedleSet } from '../../lib/mail/needle.js';

/** The reference: decode every chunk, fold, match through NeedleSet.stream (the path the shortcut replaces). */
function slow(chunks: Buffer[], needles: string[], charset: string | undefined): boolean[] {
  const set = new NeedleSet(needles.map(foldCase));
  const stream = set.stream();
  const cs = charsetStream(charset);
  for (const c of chunks) stream.push(cs.push(c));
  stream.push(cs.end());
  return set.found;
}

function fast(chunks: Buffer[], needles: string[], charset: string | undefined): boolean[] {
  const set = new NeedleSet(needles.map(foldCase));
  assert.ok(set.ascii);
  const s = new AsciiNeedleScanner(set, charset);
  for (const c of chunks) s.push(c);
  s.end();
  return set.found;
}

const PIECES = ['a', 'b', 'c', 'e', 'f', 'i', 'k', 's', 'A', 'E', 'FI', ' ', '\r\n', '\n', 'cafe', 'café', 'CAFÉ', 'é',
  'É', 'e\u0301', 'ﬁ', 'ﬂ', 'Ｋ', 'K', 'ß', 'ſ', 'ı', '½', '™', '\u00a0', 'Æ', 'œ', 'Ǆ', 'ǅ', 'ŉ', '𝐀', '日本',
  '\ufeff', 'привет', '🎉', 'abcdefghij', 'zebra-not-there'];
const RAW = [Buffer.from([0xc3]), Buffer.from([0xe9]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff]), Buffer.from([0x80])];

const text = fc.array(fc.oneof(
  fc.constantFrom(...PIECES).map((p) => Buffer.from(p, 'utf8')),
  fc.constantFrom(...RAW),
  fc.constantFrom(...PIECES).map((p) => Buffer.from(p, 'latin1')),
), { maxLength: 60 }).map((parts) => Buffer.concat(parts));

const needle = fc.array(fc.constantFrom('a', 'b', 'c', 'e', 'f', 'i', 'k', 's', 'A', 'E', 'FI', 'SS', '1', '2', ' ', 'TM', 'CAFE', 'AE', 'OE', 'DZ', 'HIJ', '-', 'ZEBRA'), { minLength: 1, maxLength: 4 })
  .map((p) => p.join(''));

function cut(b: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of at) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  out.push(b.subarray(prev));
  return out;
}

describe('AsciiNeedleScanner', () => {
  for (const charset of [undefined, 'us-ascii', 'utf-8', 'iso-8859-1', 'windows-1252', 'iso-8859-15']) {
    it(`finds what decoding and folding finds (${charset ?? 'no charset'})`, () => {
      assert.ok(asciiCompatible(charset));
      fc.assert(fc.property(text, fc.array(needle, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(200), { maxLength: 6 }),
        (t, ns, points) => {
          const chunks = cut(t, points);
          assert.deepEqual(fast(chunks, ns, charset), slow(chunks, ns, charset), JSON.stringify({ t: t.toString('latin1'), ns, points }));
        }), { numRuns: 1500 });
    });
  }

  it('known cases', () => {
    const utf8 = (s: string): Buffer[] => [Buffer.from(s, 'utf8')];
    assert.deepEqual(fast(utf8('Un café noir'), ['CAFE'], 'utf-8'), [true]);
    assert.deepEqual(fast(utf8('ﬁnal'), ['final'], undefined), [true]);
    assert.deepEqual(fast(utf8('Straße'), ['strasse'], 'utf-8'), [false]);
    assert.deepEqual(fast([Buffer.from('caf'), Buffer.from([0xc3]), Buffer.from([0xa9, 0x20])], ['cafe'], undefined), [true]);
    assert.deepEqual(fast(utf8('zebra'), ['zebra-not-there'], 'utf-8'), [false]);
    // A byte order mark inside the text is U+FEFF there (only a leading one is dropped): it keeps AB from C.
    assert.deepEqual(fast(utf8('AB\ufeffC'), ['ABC'], 'utf-8'), [false]);
    assert.deepEqual(fast(utf8('\ufeffABC'), ['ABC'], 'utf-8'), [true]);
    // Runs that fold to no ASCII are no part of a match, but the runs around them are.
    assert.deepEqual(fast(utf8('日本 ﬁ日本ne'), ['FINE'], 'utf-8'), [false]);
    assert.deepEqual(fast(utf8('日本 ﬁne 日本'), ['FINE'], 'utf-8'), [true]);
    assert.deepEqual(fast(utf8('x'.repeat(100) + 'café' + 'y'.repeat(100)), ['XCAFE', 'CAFEY'], 'utf-8'), [true, false]);
  });
});
