/**
 * The per-message index of an open mbox: struct-of-arrays in typed arrays, about 100 bytes a message, so a
 * 100,000-message mailbox costs ~10 MB and no per-message objects live on the heap.
 *
 * An index read back from its file (index-file.ts) may leave columns unread: each is read (and checked) on its
 * first use, so that an open which needs only the UIDs and flags reads only those (HOT_COLUMNS, which are always
 * read). Any change to the rows (a push, a filter, a copy, a new layout) reads every column first, so a column read
 * late always describes the rows the file described.
 */
import type { ScannedMessage } from './scanner.js';

/** Row bits. */
export const Bit = {
  /** The Status: line had O: seen by an earlier session. */
  Old: 1,
  /** \Recent in this session. */
  Recent: 2,
  /** Flags or UID changed in memory and not yet written. */
  Dirty: 4,
  /** Body length from Content-Length: served verbatim. */
  Verbatim: 8,
  /** Body has `>From ` lines served with one `>` less. */
  Quoted: 16,
  /** Gone from the file (another process expunged it); kept until the client has been told. */
  Gone: 32,
  /** The UID was assigned by us, not read from an X-UID header. */
  NewUid: 64,
  /** This session changed the flags (they win over another writer's when the file is reconciled). */
  FlagsDirty: 128,
} as const;

/**
 * The columns, in the order an index file holds them: the ones an open needs first (UIDs, flags, keywords, bits),
 * then the rest, each kind's width a multiple of the next one's so that every column stays aligned.
 */
export const COLUMNS = {
  uid: Uint32Array, keywords: Uint32Array, flags: Uint8Array, bits: Uint8Array,
  start: Float64Array, headerStart: Float64Array, bodyStart: Float64Array, bodyEnd: Float64Array, end: Float64Array,
  metaStart: Float64Array, metaEnd: Float64Array, time: Float64Array, bodySize: Float64Array, bodyLfSize: Float64Array,
  modseq: Float64Array,
  headerSize: Uint32Array, headerLfSize: Uint32Array, metaHash: Uint32Array, saved: Uint32Array, zone: Int16Array,
} as const;
export type ColumnName = keyof typeof COLUMNS;
export const COLUMN_NAMES = Object.keys(COLUMNS) as ColumnName[];
/** The columns an open reads at once (see index-file.ts). */
export const HOT_COLUMNS: readonly ColumnName[] = ['uid', 'keywords', 'flags', 'bits'];
type Columns = { [K in ColumnName]: InstanceType<(typeof COLUMNS)[K]> };
export type AnyColumn = Columns[ColumnName];

/** Reads a column not read yet (an index from a file); it has `length` entries. */
export type ColumnLoader = (name: ColumnName) => AnyColumn;

function makeColumn(name: ColumnName, n: number): AnyColumn {
  return new COLUMNS[name](n);
}

/** Where `uid` is among entries [0, end) of `uids` (ascending, each once), or -1: a binary search. */
export function indexOfUid(uids: Uint32Array, uid: number, end = uids.length): number {
  let lo = 0;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const u = uids[mid] as number;
    if (u === uid) return mid;
    if (u < uid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class MessageIndex {
  private cap: number;
  length = 0;
  private c: Columns;

  constructor(capacity = 64) {
    this.cap = Math.max(1, capacity);
    this.c = Object.fromEntries(COLUMN_NAMES.map((k) => [k, makeColumn(k, this.cap)])) as Columns;
  }

  /**
   * An index of `length` rows over columns already read (`given`, each exactly `length` long); the others are read
   * by `load` when first used.
   */
  static fromColumns(length: number, given: Partial<Record<ColumnName, AnyColumn>>, load: ColumnLoader): MessageIndex {
    const x = new MessageIndex(1);
    x.cap = length;
    x.length = length;
    const c = {} as Record<ColumnName, AnyColumn>;
    const unread: ColumnName[] = [];
    for (const k of COLUMN_NAMES) {
      const have = given[k];
      // An unread column is an empty one of its kind: a read past its end finds nothing and reads it (see `miss`).
      c[k] = have ?? makeColumn(k, 0);
      if (have === undefined) unread.push(k);
    }
    x.c = c as Columns;
    if (unread.length > 0) {
      x.unread = new Set(unread);
      x.load = load;
    }
    return x;
  }

  /** Columns not read yet (see fromColumns), and how they are read. */
  private unread: Set<ColumnName> | null = null;
  private load: ColumnLoader | null = null;

  /** Reads column `k` if it is still unread. */
  private ensure(k: ColumnName): void {
    if (this.unread === null || !this.unread.delete(k)) return;
    (this.c as Record<ColumnName, AnyColumn>)[k] = (this.load as ColumnLoader)(k);
    if (this.unread.size === 0) {
      this.unread = null;
      this.load = null;
    }
  }

  /** Reads every column still unread: before anything that changes rows or writes columns. */
  private ensureAll(): void {
    if (this.unread === null) return;
    for (const k of [...this.unread]) this.ensure(k);
  }

  /** Entry `i` of `k` when the plain read found nothing: `k` unread (read it now), or `i` past the end (`dflt`). */
  private miss(k: ColumnName, i: number, dflt: number): number {
    if (this.unread === null || !this.unread.has(k)) return dflt;
    this.ensure(k);
    return (this.c as Record<ColumnName, AnyColumn>)[k][i] ?? dflt;
  }

  /** The column `name` (its first `length` entries are the rows), read now if it was not. */
  column(name: ColumnName): AnyColumn {
    this.ensure(name);
    return this.c[name];
  }

  private grow(): void {
    this.ensureAll();
    // Half again, not double: an index read from its file is exactly full, and one delivery would double it.
    const cap = this.cap + Math.max(64, this.cap >> 1);
    const c = this.c as Record<ColumnName, AnyColumn>;
    const next = {} as Record<ColumnName, AnyColumn>;
    for (const k of COLUMN_NAMES) {
      const b = makeColumn(k, cap);
      (b as Float64Array).set(c[k] as Float64Array);
      next[k] = b;
    }
    this.c = next as Columns;
    this.cap = cap;
  }

  /** Adds a row for a scanned message; returns its row number. Keywords are given as a bit mask. */
  push(m: ScannedMessage, uid: number, flags: number, keywordMask: number, bits: number): number {
    this.ensureAll();
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.setLayout(i, m);
    const c = this.c;
    c.time[i] = m.date.time;
    c.bodySize[i] = m.bodySize;
    c.bodyLfSize[i] = m.bodyLfSize;
    c.uid[i] = uid;
    c.keywords[i] = keywordMask;
    c.headerSize[i] = m.headerSize;
    c.headerLfSize[i] = m.headerLfSize;
    c.metaHash[i] = m.metaHash;
    c.flags[i] = flags;
    c.zone[i] = m.date.zone;
    c.modseq[i] = 0;
    c.saved[i] = 0;
    c.bits[i] = bits | (m.old ? Bit.Old : 0) | (m.verbatim ? Bit.Verbatim : 0) | (m.quoted ? Bit.Quoted : 0);
    return i;
  }

  /** Copies row `from` of `src` (this index or another) over row `to` of this one. */
  private copyRow(src: MessageIndex, from: number, to: number): void {
    src.ensureAll();
    this.ensureAll();
    const s = src.c as Record<ColumnName, AnyColumn>;
    const d = this.c as Record<ColumnName, AnyColumn>;
    for (const k of COLUMN_NAMES) (d[k] as Float64Array)[to] = (s[k] as Float64Array)[from] ?? 0;
  }

  /** How many of rows [0, end) have any of the bits `mask`. */
  countBits(mask: number, end = this.length): number {
    const b = this.c.bits;
    let n = 0;
    for (let r = 0; r < end; r++) if ((b[r] as number) & mask) n++;
    return n;
  }

  /**
   * The first row at or after `from` whose bits under `mask` are `value`, or -1. A search for set bits (a dirty or
   * gone row, usually none among 100,000) reads four rows at a time, skipping those without the bit: a close runs it
   * once, before the loop is compiled.
   */
  findBits(mask: number, value: number, from = 0): number {
    const b = this.c.bits;
    const n = this.length;
    let r = from;
    if (value !== 0 && b.byteOffset % 4 === 0) {
      const lane = (value & -value) * 0x01010101;
      const words = new Uint32Array(b.buffer, b.byteOffset, n >>> 2);
      for (; r < n && r % 4 !== 0; r++) if (((b[r] as number) & mask) === value) return r;
      for (let w = r >>> 2; w < words.length; w++) {
        if (((words[w] as number) & lane) === 0) continue;
        for (let k = w * 4; k < w * 4 + 4; k++) if (((b[k] as number) & mask) === value) return k;
      }
      r = Math.max(r, words.length * 4);
    }
    for (; r < n; r++) if (((b[r] as number) & mask) === value) return r;
    return -1;
  }

  /**
   * Over rows [0, end), in one pass (a SELECT's first look at 100,000 rows runs this loop before it is compiled):
   * how many have a bit of `bit`, the first without a bit of `flag` (-1: none), and how many lack `flag`.
   */
  tally(flag: number, bit: number, end = this.length): { withBit: number; firstWithout: number; without: number } {
    const f = this.c.flags;
    const b = this.c.bits;
    let withBit = 0;
    let without = 0;
    let firstWithout = -1;
    for (let r = 0; r < end; r++) {
      if ((b[r] as number) & bit) withBit++;
      if (!((f[r] as number) & flag)) {
        if (without === 0) firstWithout = r;
        without++;
      }
    }
    return { withBit, firstWithout, without };
  }

  /** Replaces every row's bits `b` with `table[b]` (a table of 256). */
  mapBits(table: Uint8Array): void {
    const b = this.c.bits;
    for (let r = 0; r < this.length; r++) b[r] = table[b[r] as number] as number;
  }

  /** Clears the bits `mask` in rows [from, to). */
  clearBitsIn(from: number, to: number, mask: number): void {
    const b = this.c.bits;
    for (let r = from; r < to; r++) b[r] = (b[r] as number) & ~mask;
  }

  /** The first row whose UID is above `uid` (rows are in ascending UID order), or `length`. */
  rowAbove(uid: number): number {
    const u32 = this.c.uid;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((u32[mid] as number) <= uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Copies row `from` of `other` to the end of this index. */
  pushRow(other: MessageIndex, from: number): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.copyRow(other, from, i);
    return i;
  }

  /** Removes rows for which `keep` is false, compacting in place. */
  filter(keep: (row: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      if (!keep(r)) continue;
      if (w !== r) this.copyRow(this, r, w);
      w++;
    }
    this.length = w;
  }

  start(i: number): number { return this.c.start[i] ?? this.miss('start', i, 0); }
  headerStart(i: number): number { return this.c.headerStart[i] ?? this.miss('headerStart', i, 0); }
  bodyStart(i: number): number { return this.c.bodyStart[i] ?? this.miss('bodyStart', i, 0); }
  bodyEnd(i: number): number { return this.c.bodyEnd[i] ?? this.miss('bodyEnd', i, 0); }
  end(i: number): number { return this.c.end[i] ?? this.miss('end', i, 0); }
  metaStart(i: number): number { return this.c.metaStart[i] ?? this.miss('metaStart', i, -1); }
  metaEnd(i: number): number { return this.c.metaEnd[i] ?? this.miss('metaEnd', i, -1); }
  time(i: number): number { return this.c.time[i] ?? this.miss('time', i, 0); }
  zone(i: number): number { return this.c.zone[i] ?? this.miss('zone', i, 0); }
  uid(i: number): number { return this.c.uid[i] ?? 0; }

  /** The row holding `uid` among rows [0, end) (rows are in ascending UID order), or -1. */
  rowOfUid(uid: number, end = this.length): number {
    return indexOfUid(this.c.uid, uid, end);
  }
  keywordMask(i: number): number { return this.c.keywords[i] ?? 0; }
  flags(i: number): number { return this.c.flags[i] ?? 0; }
  bits(i: number): number { return this.c.bits[i] ?? 0; }
  headerSize(i: number): number { return this.c.headerSize[i] ?? this.miss('headerSize', i, 0); }
  headerLfSize(i: number): number { return this.c.headerLfSize[i] ?? this.miss('headerLfSize', i, 0); }
  /** Served body size, or -1 while not counted yet (lazy scans; see setBodySizes). */
  bodySize(i: number): number { return this.c.bodySize[i] ?? this.miss('bodySize', i, 0); }
  bodyLfSize(i: number): number { return this.c.bodyLfSize[i] ?? this.miss('bodyLfSize', i, 0); }
  setBodySizes(i: number, size: number, lfSize: number): void {
    this.ensure('bodySize');
    this.ensure('bodyLfSize');
    this.c.bodySize[i] = size;
    this.c.bodyLfSize[i] = lfSize;
  }
  /** Served size with CRLF line ends. */
  size(i: number): number { return this.headerSize(i) + this.bodySize(i); }
  lfSize(i: number): number { return this.headerLfSize(i) + this.bodyLfSize(i); }

  metaHash(i: number): number { return this.c.metaHash[i] ?? this.miss('metaHash', i, 0); }
  /** The message's modification sequence (RFC 7162): the last change of its flags, or its arrival. */
  modseq(i: number): number { return this.c.modseq[i] ?? this.miss('modseq', i, 0); }
  setModseq(i: number, v: number): void {
    this.ensure('modseq');
    this.c.modseq[i] = v;
  }
  /** Sets the modification sequence of rows [from, to) to `v`. */
  setModseqIn(from: number, to: number, v: number): void {
    this.ensure('modseq');
    this.c.modseq.fill(v, from, to);
  }
  /**
   * RFC 8514's save date, in seconds since the epoch: when one of our sessions saved the message into this mailbox
   * (APPEND, COPY, MOVE: mailbox-save.ts); 0 when no session of ours did (mail a delivery agent or another program
   * wrote), which read-path.ts serves as the INTERNALDATE (see its comment). Seconds in 32 bits: 4 bytes a message,
   * and a date-time has no finer unit.
   */
  saved(i: number): number { return this.c.saved[i] ?? this.miss('saved', i, 0); }
  /** Sets the save date (seconds) of rows [from, to). */
  setSavedIn(from: number, to: number, seconds: number): void {
    this.ensure('saved');
    this.c.saved.fill(seconds, from, to);
  }
  setMetaHash(i: number, h: number): void {
    this.ensure('metaHash');
    this.c.metaHash[i] = h;
  }
  setUid(i: number, uid: number): void { this.c.uid[i] = uid; }
  setFlags(i: number, flags: number): void { this.c.flags[i] = flags; }
  setKeywordMask(i: number, mask: number): void { this.c.keywords[i] = mask >>> 0; }
  setBits(i: number, bits: number): void { this.c.bits[i] = bits; }
  addBits(i: number, bits: number): void { this.c.bits[i] = (this.c.bits[i] ?? 0) | bits; }
  clearBits(i: number, bits: number): void { this.c.bits[i] = (this.c.bits[i] ?? 0) & ~bits; }
  /** Records where a row now lives in the file after a rewrite moved it. */
  setLayout(i: number, l: RowLayout): void {
    this.ensureAll();
    const f = this.c;
    f.start[i] = l.start;
    f.headerStart[i] = l.headerStart;
    f.bodyStart[i] = l.bodyStart;
    f.bodyEnd[i] = l.bodyEnd;
    f.end[i] = l.end;
    f.metaStart[i] = l.metaStart;
    f.metaEnd[i] = l.metaEnd;
  }
  /** {@link setLayout} from seven numbers at `a[o]` (start, headerStart, bodyStart, bodyEnd, end, metaStart, metaEnd). */
  setLayoutFrom(i: number, a: Float64Array, o: number): void {
    this.ensureAll();
    const f = this.c;
    f.start[i] = a[o] as number;
    f.headerStart[i] = a[o + 1] as number;
    f.bodyStart[i] = a[o + 2] as number;
    f.bodyEnd[i] = a[o + 3] as number;
    f.end[i] = a[o + 4] as number;
    f.metaStart[i] = a[o + 5] as number;
    f.metaEnd[i] = a[o + 6] as number;
  }
  layout(i: number): RowLayout {
    return {
      start: this.start(i), headerStart: this.headerStart(i), bodyStart: this.bodyStart(i),
      bodyEnd: this.bodyEnd(i), end: this.end(i), metaStart: this.metaStart(i), metaEnd: this.metaEnd(i),
    };
  }
}

/** Where a message's parts lie in the file. */
export interface RowLayout {
  start: number;
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  end: number;
  metaStart: number;
  metaEnd: number;
}
