/**
 * Numbered lines as POP3's LIST and UIDL send them (RFC 1939: `msg value` for every message not marked deleted),
 * written by the native addon in blocks: a 100,000-message listing in about a millisecond, where a fresh process
 * formatting it in JavaScript spends 25 ms or more before the loop is compiled. Without the addon (a tool run from
 * a tree without `make build`) the same bytes are formatted in JavaScript.
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
