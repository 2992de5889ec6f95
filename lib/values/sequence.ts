/**
 * IMAP sequence sets (RFC 3501 §9):
 *
 *   sequence-set    = (seq-number / seq-range) *("," sequence-set)
 *   seq-range       = seq-number ":" seq-number
 *   seq-number      = nz-number / "*"
 *
 * A set is kept as the client wrote it (a short list of ranges, `*` unresolved) and resolved against the mailbox
 * only when asked, as merged ranges: `1:*` over 100k messages is one range, never 100k numbers.
 */

/**
 * What a command that names messages takes (FETCH, STORE, COPY, MOVE, UID EXPUNGE, the SEARCH keys): a sequence set,
 * or `$`, the session's saved search result (RFC 5182 §3: `sequence-set =/ seq-last-command`, `seq-last-command =
 * "$"`). `$` stands alone: it is never one item of a set (`1,$` is not a sequence-set).
 */
export type SequenceArg = SequenceSet | '$';

/** A seq-number: a positive 32-bit integer, or '*' (the largest number in use). */
export type SeqNumber = number | '*';

/**
 * One seq-number or seq-range as written; `a:b` and `b:a` are the same range.
 */
export interface SeqRange {
  readonly first: SeqNumber;
  readonly last: SeqNumber;
}

const MAX = 4294967295;

function valid(n: SeqNumber): boolean {
  return n === '*' || (Number.isInteger(n) && n >= 1 && n <= MAX);
}

/** A sequence set. Cannot be built empty or with numbers outside 1..2^32-1. Immutable. */
export class SequenceSet {
  private constructor(readonly items: readonly SeqRange[]) {}

  /** Throws RangeError when `items` is empty or holds a number that is not a valid seq-number. */
  static of(items: readonly SeqRange[]): SequenceSet {
    if (items.length === 0) throw new RangeError('empty sequence set');
    for (const r of items) if (!valid(r.first) || !valid(r.last)) throw new RangeError('invalid sequence number');
    return new SequenceSet(items.map((r) => ({ first: r.first, last: r.last })));
  }

  /** The set `1:*`, `n` or `lo:hi` built from numbers (same validity rules as {@link of}). */
  static range(first: SeqNumber, last: SeqNumber = first): SequenceSet {
    return SequenceSet.of([{ first, last }]);
  }

  /** True when some explicit number (not `*`) is larger than `max`: a message sequence number that does not exist. */
  exceeds(max: number): boolean {
    return this.items.some((r) => (r.first !== '*' && r.first > max) || (r.last !== '*' && r.last > max));
  }

  /**
   * The set resolved against `max` (the message count, or the highest UID): sorted, merged, disjoint inclusive
   * ranges within 1..max. `*` is `max`; a range is taken from its smaller to its larger end and then clipped, so
   * for UIDs `559:*` includes the last message even when 559 is above every UID (RFC 3501 §6.4.8). Empty when
   * max is 0. Costs O(k log k) for k ranges as written, independent of max.
   */
  ranges(max: number): Array<readonly [number, number]> {
    if (max <= 0) return [];
    const rs: Array<[number, number]> = [];
    for (const r of this.items) {
      const a = r.first === '*' ? max : r.first;
      const b = r.last === '*' ? max : r.last;
      const lo = Math.min(a, b);
      const hi = Math.min(Math.max(a, b), max);
      if (lo <= hi) rs.push([lo, hi]);
    }
    rs.sort((x, y) => x[0] - y[0]);
    const out: Array<[number, number]> = [];
    for (const r of rs) {
      const last = out[out.length - 1];
      if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  }

  /** The numbers of the set within 1..max, ascending, each once; lazily. */
  *numbers(max: number): Generator<number> {
    for (const [lo, hi] of this.ranges(max)) for (let n = lo; n <= hi; n++) yield n;
  }

  /** Whether `n` is in the set resolved against `max`. */
  has(n: number, max: number): boolean {
    if (n < 1 || n > max) return false;
    return this.items.some((r) => {
      const a = r.first === '*' ? max : r.first;
      const b = r.last === '*' ? max : r.last;
      return n >= Math.min(a, b) && n <= Math.max(a, b);
    });
  }

  /**
   * {@link has} for many numbers against one `max`: the set's ranges are resolved once, then each test is a binary
   * search (SEARCH tests every message of a mailbox against a set that may hold thousands of ranges).
   */
  matcher(max: number): (n: number) => boolean {
    const rs = this.ranges(max);
    return (n) => {
      let lo = 0;
      let hi = rs.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const r = rs[mid] as readonly [number, number];
        if (r[1] < n) lo = mid + 1;
        else if (r[0] > n) hi = mid;
        else return true;
      }
      return false;
    };
  }

  /** How many numbers the set holds within 1..max. */
  count(max: number): number {
    let c = 0;
    for (const [lo, hi] of this.ranges(max)) c += hi - lo + 1;
    return c;
  }

  /** The set as the client wrote it (`1:3,5,7:*`). */
  toString(): string {
    return this.items.map((r) => (r.first === r.last ? String(r.first) : `${r.first}:${r.last}`)).join(',');
  }

  /** The shortest set of the given numbers (for COPYUID, ESEARCH ALL): `[1,2,3,7]` becomes `1:3,7`. Null if none. */
  static fromNumbers(ns: Iterable<number>): SequenceSet | null {
    const sorted = [...ns].sort((a, b) => a - b);
    const items: SeqRange[] = [];
    let start: number | null = null;
    let prev = 0;
    for (const n of sorted) {
      if (start !== null && n === prev) continue;
      if (start !== null && n === prev + 1) {
        prev = n;
        continue;
      }
      if (start !== null) items.push({ first: start, last: prev });
      start = n;
      prev = n;
    }
    if (start !== null) items.push({ first: start, last: prev });
    return items.length ? SequenceSet.of(items) : null;
  }
}

/**
 * The numbers `ns` (any order) as sorted, merged, disjoint inclusive ranges: `[1,2,3,7]` becomes `[[1,3],[7,7]]`,
 * the shape {@link SequenceSet.ranges} gives and the encoder writes.
 */
export function numberRanges(ns: Iterable<number>): Array<readonly [number, number]> {
  const s = [...ns].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const n of s) {
    const last = out[out.length - 1];
    if (last !== undefined && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else out.push([n, n]);
  }
  return out;
}
