/**
 * Numbered lines as POP3's LIST and UIDL send them (RFC 1939: `msg value` for every message not marked deleted),
 * and as FETCH sends values a cache holds (`* 7 FETCH (BODYSTRUCTURE ...)`), written by the native addon in blocks:
 * a 100,000-message listing in about a millisecond, where a fresh process formatting it in JavaScript spends 25 ms
 * or more before the loop is compiled. Without the addon (a tool run from a tree without `make build`) the same
 * bytes are formatted in JavaScript.
 */
import { lazyNative } from '../native/native.js';

/** How a value is written: decimal, or 8 hex digits in lower or upper case. */
type NumberForm = 'decimal' | 'hex' | 'HEX';

export interface NumberedLines {
  /** Entry k is the value of line number k + 1. */
  readonly values: Float64Array | Uint32Array;
  /** Entry k is not 0 for a line left out (a message marked deleted); as long as `values`. */
  readonly skip: Uint8Array;
  readonly form: NumberForm;
  /** Added to each decimal value. */
  readonly add?: number;
  /** Written before and after each value (latin1). */
  readonly before?: string;
  readonly after?: string;
}

const numbered = lazyNative((n) => n.numberedLines.bind(n));
const sliced = lazyNative((n) => n.numberedSlices.bind(n));

/** The most bytes a block takes: under glibc's threshold for mapping an allocation of its own (128 KiB). */
const BLOCK_BYTES = 120 * 1024;
const FORMS = { decimal: 0, hex: 1, HEX: 2 } as const;

/**
 * Every line of `spec`, in blocks of at most BLOCK_BYTES (each a new Buffer the caller may keep): a listing of a
 * million messages is sent while it is written, not gathered first.
 */
export function* numberedLineBlocks(spec: NumberedLines): Generator<Buffer> {
  const before = Buffer.from(spec.before ?? '', 'latin1');
  const after = Buffer.from(spec.after ?? '', 'latin1');
  const add = spec.add ?? 0;
  const n = spec.values.length;
  const f = numbered();
  const lineMax = 43 + before.length + after.length;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / lineMax));
  for (let first = 0; first < n; first += perBlock) {
    const end = Math.min(n, first + perBlock);
    let b: Buffer;
    if (f !== null) {
      const out = Buffer.allocUnsafe((end - first) * lineMax);
      b = out.subarray(0, f(spec.values, spec.skip, first, end, add, before, after, FORMS[spec.form], out));
    } else {
      b = Buffer.from(numberedLinesJs(spec, first, end), 'latin1');
    }
    if (b.length > 0) yield b;
  }
}

/** The lines of [first, end) formatted in JavaScript: without the addon, and the tests' second opinion. */
export function numberedLinesJs(spec: NumberedLines, first = 0, end = spec.values.length): string {
  let s = '';
  for (let k = first; k < end; k++) {
    if (spec.skip[k] !== 0) continue;
    const v = spec.values[k] as number;
    s += `${k + 1} ${spec.before ?? ''}${spec.form === 'decimal' ? v + (spec.add ?? 0) : hex8(v, spec.form === 'HEX')}${spec.after ?? ''}\r\n`;
  }
  return s;
}

/** `n` (an unsigned 32-bit integer) as 8 hex digits: C's `%08lx`, or upper case. */
export function hex8(n: number, upper = false): string {
  const s = (n >>> 0).toString(16).padStart(8, '0');
  return upper ? s.toUpperCase() : s;
}

/**
 * Numbered records of slices: for each k in [0, count), `<p0><first + k><p1>[<seconds[k]><p2>]<value k><p3>`, value
 * k being bytes [starts[k], starts[k] + lengths[k]) of `src`, the bracketed part only when `seconds` is given.
 */
export interface NumberedSlices {
  readonly src: Buffer;
  readonly starts: Float64Array;
  readonly lengths: Uint32Array;
  readonly seconds: Uint32Array | null;
  /** The pieces p0 to p3 (p2 unused without `seconds`). */
  readonly pieces: readonly [Buffer, Buffer, Buffer, Buffer];
}

/** The octets a record of {@link NumberedSlices} takes beyond its value and pieces, at most (two 20-digit numbers). */
export const SLICE_NUMBERS = 40;

/**
 * Writes records 0 to count - 1 of `spec` (first numbered `first`) into `out` from byte `at`, and returns the
 * offset after them. `out` must have room for the values and count * (SLICE_NUMBERS + the pieces' lengths) more
 * (RangeError otherwise), as must every slice lie in `src`.
 */
export function writeNumberedSlices(spec: NumberedSlices, count: number, first: number, out: Buffer, at: number): number {
  const [p0, p1, p2, p3] = spec.pieces;
  const f = sliced();
  if (f !== null) {
    const end = f(spec.src, spec.starts, spec.lengths, count, first, spec.seconds, p0, p1, p2, p3, out, at);
    if (end < 0) throw new RangeError('numbered slices: the output buffer is too small');
    return end;
  }
  return numberedSlicesJs(spec, count, first, out, at);
}

/** {@link writeNumberedSlices} in JavaScript: without the addon, and the tests' second opinion. */
export function numberedSlicesJs(spec: NumberedSlices, count: number, first: number, out: Buffer, at: number): number {
  const [p0, p1, p2, p3] = spec.pieces;
  let need = 0;
  for (let k = 0; k < count; k++) {
    const s = spec.starts[k] as number;
    const n = spec.lengths[k] as number;
    if (!Number.isInteger(s) || s < 0 || s + n > spec.src.length) throw new RangeError('numbered slices: a slice lies outside src');
    need += n + SLICE_NUMBERS + p0.length + p1.length + p2.length + p3.length;
  }
  if (at + need > out.length) throw new RangeError('numbered slices: the output buffer is too small');
  let o = at;
  for (let k = 0; k < count; k++) {
    o += p0.copy(out, o);
    o += out.write(String(first + k), o, 'latin1');
    o += p1.copy(out, o);
    if (spec.seconds !== null) {
      o += out.write(String(spec.seconds[k]), o, 'latin1');
      o += p2.copy(out, o);
    }
    const s = spec.starts[k] as number;
    o += spec.src.copy(out, o, s, s + (spec.lengths[k] as number));
    o += p3.copy(out, o);
  }
  return o;
}
