/**
 * POP3's listing lines (lib/io/numbered-lines.ts): the addon's numberedLines (lib/native/lines.c) against the
 * JavaScript formatting and against the lines as RFC 1939 and UW write them, over random listings; FETCH's numbered
 * slices (numberedSlices) the same way against the responses as the test writes them; and the addon's refusals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type NumberedLines, type NumberedSlices, SLICE_NUMBERS, hex8, numberedLineBlocks, numberedLinesJs, numberedSlicesJs, writeNumberedSlices,
} from '../../lib/io/numbered-lines.js';
import { loadNative } from '../../lib/native/native.js';

/** A small deterministic generator (the runs are repeatable). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The listing as the test reads RFC 1939 and UW: `n value` per message not deleted, CRLF. */
function expected(spec: NumberedLines): string {
  const out: string[] = [];
  spec.values.forEach((v, k) => {
    if (spec.skip[k]) return;
    const value = spec.form === 'decimal' ? String(v + (spec.add ?? 0)) :
      (spec.form === 'HEX' ? v.toString(16).toUpperCase() : v.toString(16)).padStart(8, '0');
    out.push(`${k + 1} ${spec.before ?? ''}${value}${spec.after ?? ''}\r\n`);
  });
  return out.join('');
}

function written(spec: NumberedLines): { text: string; blocks: number[] } {
  const blocks = [...numberedLineBlocks(spec)];
  return { text: Buffer.concat(blocks).toString('latin1'), blocks: blocks.map((b) => b.length) };
}

test('the addon is loaded (else the comparisons below would compare the JavaScript with itself)', () => {
  assert.equal(typeof loadNative().numberedLines, 'function');
});

test('random listings: the addon, the JavaScript and the lines as RFC 1939 writes them agree', () => {
  const r = rng(1939);
  for (let round = 0; round < 200; round++) {
    const n = round < 5 ? round : Math.floor(r() * (round % 10 === 0 ? 20000 : 300));
    const form = (['decimal', 'hex', 'HEX'] as const)[round % 3] as NumberedLines['form'];
    const values = form === 'decimal' && round % 2 === 0 ? new Float64Array(n) : new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      values[k] = form === 'decimal' && values instanceof Float64Array ? Math.floor(r() * 2 ** (r() * 52)) : Math.floor(r() * 2 ** 32);
    }
    const skip = new Uint8Array(n).map(() => (r() < 0.2 ? 1 : 0));
    const spec: NumberedLines = {
      values, skip, form,
      ...(form === 'decimal' ? { add: round % 4 === 0 ? 12 : 0 } : round % 2 ? { before: hex8(Math.floor(r() * 2 ** 32)) } :
        { after: hex8(Math.floor(r() * 2 ** 32), true) }),
    };
    const want = expected(spec);
    const got = written(spec);
    assert.equal(got.text, want, `round ${round}: the addon's lines`);
    assert.equal(numberedLinesJs(spec), want, `round ${round}: the JavaScript lines`);
    // Sent in blocks under 128 KiB, none empty.
    for (const b of got.blocks) assert.ok(b > 0 && b <= 120 * 1024, `round ${round}: a block of ${b} bytes`);
  }
});

test('the edges: line numbers of every width, values 0 and 2^53 - 1, 0xffffffff in hex', () => {
  const n = 100001;
  const values = new Float64Array(n);
  values[0] = Number.MAX_SAFE_INTEGER;
  values[n - 1] = 0;
  const skip = new Uint8Array(n);
  const text = written({ values, skip, form: 'decimal' }).text;
  assert.ok(text.startsWith(`1 ${Number.MAX_SAFE_INTEGER}\r\n2 0\r\n`));
  assert.ok(text.endsWith('99999 0\r\n100000 0\r\n100001 0\r\n'));
  const hex = written({ values: new Uint32Array([0xffffffff, 0, 0xabcdef]), skip: new Uint8Array(3), form: 'hex', before: '0000002a' }).text;
  assert.equal(hex, '1 0000002affffffff\r\n2 0000002a00000000\r\n3 0000002a00abcdef\r\n');
  assert.equal(written({ values: new Uint32Array(3), skip: new Uint8Array([1, 1, 1]), form: 'hex' }).text, '');
});

test('the addon refuses what it cannot write, and says when the output is too small', () => {
  const n = loadNative();
  const none = Buffer.alloc(0);
  const out = Buffer.alloc(1000);
  assert.equal(n.numberedLines(new Float64Array([1, 2]), new Uint8Array(2), 0, 2, 0, none, none, 0, Buffer.alloc(85)), -1);
  assert.equal(n.numberedLines(new Float64Array([1, 2]), new Uint8Array(2), 0, 2, 0, none, none, 0, Buffer.alloc(86)), 10);
  assert.throws(() => n.numberedLines(new Float64Array([-1]), new Uint8Array(1), 0, 1, 0, none, none, 0, out), RangeError);
  assert.throws(() => n.numberedLines(new Float64Array([1.5]), new Uint8Array(1), 0, 1, 0, none, none, 0, out), RangeError);
  assert.throws(() => n.numberedLines(new Float64Array([2 ** 53]), new Uint8Array(1), 0, 1, 0, none, none, 0, out), RangeError);
  assert.throws(() => n.numberedLines(new Int32Array([1]) as unknown as Uint32Array, new Uint8Array(1), 0, 1, 0, none, none, 0, out), TypeError);
  assert.throws(() => n.numberedLines(new Uint32Array([1]), new Uint8Array(0), 0, 1, 0, none, none, 0, out), TypeError);
  assert.throws(() => n.numberedLines(new Uint32Array([1]), new Uint8Array(1), 0, 2, 0, none, none, 0, out), TypeError);
  assert.throws(() => n.numberedLines(new Uint32Array([1]), new Uint8Array(1), 1, 0, 0, none, none, 0, out), TypeError);
  assert.throws(() => n.numberedLines(new Uint32Array([1]), new Uint8Array(1), 0, 1, 0, none, none, 3 as 0, out), TypeError);
});

test('random runs of numbered slices: the addon, the JavaScript and the FETCH responses as written out agree', () => {
  const r = rng(3501);
  const p = (t: string): Buffer => Buffer.from(t, 'latin1');
  for (let round = 0; round < 200; round++) {
    const count = round < 3 ? round : Math.floor(r() * 500);
    const src = Buffer.from(Array.from({ length: 5000 }, () => Math.floor(r() * 256)));
    const starts = new Float64Array(count);
    const lengths = new Uint32Array(count);
    for (let k = 0; k < count; k++) {
      starts[k] = Math.floor(r() * 5000);
      lengths[k] = Math.floor(r() * (5000 - (starts[k] as number) + 1));
    }
    const uid = round % 2 === 1;
    const seconds = uid ? Uint32Array.from({ length: count }, () => Math.floor(r() * 2 ** 32)) : null;
    const pieces = uid ? [p('* '), p(' FETCH (UID '), p(' BODY '), p(')\r\n')] as const : [p('* '), p(' FETCH (ENVELOPE '), p(''), p(')\r\n')] as const;
    const spec: NumberedSlices = { src, starts, lengths, seconds, pieces };
    const first = round % 5 === 0 ? 4294967295 - count : Math.floor(r() * 100000) + 1;
    let want = '';
    for (let k = 0; k < count; k++) {
      const value = src.subarray(starts[k] as number, (starts[k] as number) + (lengths[k] as number)).toString('latin1');
      want += uid ? `* ${first + k} FETCH (UID ${seconds?.[k]} BODY ${value})\r\n` : `* ${first + k} FETCH (ENVELOPE ${value})\r\n`;
    }
    const room = Buffer.alloc(7 + [...lengths].reduce((a, b) => a + b, 0) + count * (SLICE_NUMBERS + pieces.reduce((a, b) => a + b.length, 0)));
    room.fill(0x58, 0, 7);
    const end = writeNumberedSlices(spec, count, first, room, 7);
    assert.equal(room.toString('latin1', 0, end), 'XXXXXXX' + want, `round ${round}: the addon's records, after what was there`);
    const js = Buffer.alloc(room.length);
    assert.equal(js.toString('latin1', 0, numberedSlicesJs(spec, count, first, js, 0)), want, `round ${round}: the JavaScript's`);
  }
});

test('the addon refuses slices outside the source, and says when the output is too small', () => {
  const n = loadNative();
  const src = Buffer.from('0123456789');
  const none = Buffer.alloc(0);
  const args = (starts: number[], lengths: number[], out: Buffer, at = 0) =>
    [src, new Float64Array(starts), new Uint32Array(lengths), starts.length, 1, null, none, none, none, none, out, at] as const;
  assert.equal(n.numberedSlices(...args([2], [3], Buffer.alloc(10 + SLICE_NUMBERS - 1 - 7))), -1);
  assert.equal(n.numberedSlices(...args([2], [3], Buffer.alloc(3 + SLICE_NUMBERS))), 4);
  assert.equal(n.numberedSlices(...args([2], [3], Buffer.alloc(3 + SLICE_NUMBERS), 1)), -1);
  assert.throws(() => n.numberedSlices(...args([8], [3], Buffer.alloc(100))), RangeError);
  assert.throws(() => n.numberedSlices(...args([1.5], [3], Buffer.alloc(100))), RangeError);
  assert.throws(() => n.numberedSlices(...args([-1], [3], Buffer.alloc(100))), RangeError);
  assert.throws(() => n.numberedSlices(...args([0], [1], Buffer.alloc(100), 101)), TypeError);
  assert.throws(() => n.numberedSlices(src, new Float64Array(1), new Uint32Array(0), 1, 1, null, none, none, none, none, Buffer.alloc(99), 0), TypeError);
  assert.throws(() => n.numberedSlices(src, new Float64Array(1), new Uint32Array(1), 1, 1, new Uint8Array(1) as unknown as Uint32Array,
    none, none, none, none, Buffer.alloc(99), 0), TypeError);
  assert.throws(() => numberedSlicesJs({ src, starts: new Float64Array([8]), lengths: new Uint32Array([3]), seconds: null,
    pieces: [none, none, none, none] }, 1, 1, Buffer.alloc(100), 0), RangeError);
});
