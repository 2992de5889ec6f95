/**
 * The per-message index of an open mbox: struct-of-arrays in typed arrays, about 100 bytes a message, so a
 * 100,000-message mailbox costs ~10 MB and no per-message objects live on the heap.
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

const F64 = ['start', 'headerStart', 'bodyStart', 'bodyEnd', 'end', 'metaStart', 'metaEnd', 'time', 'bodySize',
  'bodyLfSize'] as const;
const U32 = ['uid', 'keywords', 'headerSize', 'headerLfSize', 'metaHash'] as const;
type F64Field = (typeof F64)[number];
type U32Field = (typeof U32)[number];

export class MessageIndex {
  private cap: number;
  length = 0;
  private f64: Record<F64Field, Float64Array>;
  private u32: Record<U32Field, Uint32Array>;
  private flagsA: Uint8Array;
  private bitsA: Uint8Array;
  private zoneA: Int16Array;

  constructor(capacity = 64) {
    this.cap = Math.max(1, capacity);
    this.f64 = Object.fromEntries(F64.map((k) => [k, new Float64Array(this.cap)])) as Record<F64Field, Float64Array>;
    this.u32 = Object.fromEntries(U32.map((k) => [k, new Uint32Array(this.cap)])) as Record<U32Field, Uint32Array>;
    this.flagsA = new Uint8Array(this.cap);
    this.bitsA = new Uint8Array(this.cap);
    this.zoneA = new Int16Array(this.cap);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Uint32Array | Uint8Array | Int16Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    for (const k of F64) this.f64[k] = g(this.f64[k], (n) => new Float64Array(n));
    for (const k of U32) this.u32[k] = g(this.u32[k], (n) => new Uint32Array(n));
    this.flagsA = g(this.flagsA, (n) => new Uint8Array(n));
    this.bitsA = g(this.bitsA, (n) => new Uint8Array(n));
    this.zoneA = g(this.zoneA, (n) => new Int16Array(n));
    this.cap = cap;
  }

  /** Adds a row for a scanned message; returns its row number. Keywords are given as a bit mask. */
  push(m: ScannedMessage, uid: number, flags: number, keywordMask: number, bits: number): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.setLayout(i, m);
    const f = this.f64;
    f.time[i] = m.date.time;
    f.bodySize[i] = m.bodySize;
    f.bodyLfSize[i] = m.bodyLfSize;
    const u = this.u32;
    u.uid[i] = uid;
    u.keywords[i] = keywordMask;
    u.headerSize[i] = m.headerSize;
    u.headerLfSize[i] = m.headerLfSize;
    u.metaHash[i] = m.metaHash;
    this.flagsA[i] = flags;
    this.zoneA[i] = m.date.zone;
    this.bitsA[i] = bits | (m.old ? Bit.Old : 0) | (m.verbatim ? Bit.Verbatim : 0) | (m.quoted ? Bit.Quoted : 0);
    return i;
  }

  /** Copies row `from` of `src` (this index or another) over row `to` of this one. */
  private copyRow(src: MessageIndex, from: number, to: number): void {
    for (const k of F64) this.f64[k][to] = src.f64[k][from] ?? 0;
    for (const k of U32) this.u32[k][to] = src.u32[k][from] ?? 0;
    this.flagsA[to] = src.flagsA[from] ?? 0;
    this.bitsA[to] = src.bitsA[from] ?? 0;
    this.zoneA[to] = src.zoneA[from] ?? 0;
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

  start(i: number): number { return this.f64.start[i] ?? 0; }
  headerStart(i: number): number { return this.f64.headerStart[i] ?? 0; }
  bodyStart(i: number): number { return this.f64.bodyStart[i] ?? 0; }
  bodyEnd(i: number): number { return this.f64.bodyEnd[i] ?? 0; }
  end(i: number): number { return this.f64.end[i] ?? 0; }
  metaStart(i: number): number { return this.f64.metaStart[i] ?? -1; }
  metaEnd(i: number): number { return this.f64.metaEnd[i] ?? -1; }
  time(i: number): number { return this.f64.time[i] ?? 0; }
  zone(i: number): number { return this.zoneA[i] ?? 0; }
  uid(i: number): number { return this.u32.uid[i] ?? 0; }

  /** The row holding `uid` among rows [0, end) (rows are in ascending UID order), or -1. */
  rowOfUid(uid: number, end = this.length): number {
    const u32 = this.u32.uid;
    let lo = 0;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const u = u32[mid] as number;
      if (u === uid) return mid;
      if (u < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  keywordMask(i: number): number { return this.u32.keywords[i] ?? 0; }
  flags(i: number): number { return this.flagsA[i] ?? 0; }
  bits(i: number): number { return this.bitsA[i] ?? 0; }
  headerSize(i: number): number { return this.u32.headerSize[i] ?? 0; }
  headerLfSize(i: number): number { return this.u32.headerLfSize[i] ?? 0; }
  /** Served body size, or -1 while not counted yet (lazy scans; see setBodySizes). */
  bodySize(i: number): number { return this.f64.bodySize[i] ?? 0; }
  bodyLfSize(i: number): number { return this.f64.bodyLfSize[i] ?? 0; }
  setBodySizes(i: number, size: number, lfSize: number): void {
    this.f64.bodySize[i] = size;
    this.f64.bodyLfSize[i] = lfSize;
  }
  /** Served size with CRLF line ends. */
  size(i: number): number { return this.headerSize(i) + this.bodySize(i); }
  lfSize(i: number): number { return this.headerLfSize(i) + this.bodyLfSize(i); }

  metaHash(i: number): number { return this.u32.metaHash[i] ?? 0; }
  setMetaHash(i: number, h: number): void { this.u32.metaHash[i] = h; }
  setUid(i: number, uid: number): void { this.u32.uid[i] = uid; }
  setFlags(i: number, flags: number): void { this.flagsA[i] = flags; }
  setKeywordMask(i: number, mask: number): void { this.u32.keywords[i] = mask >>> 0; }
  setBits(i: number, bits: number): void { this.bitsA[i] = bits; }
  addBits(i: number, bits: number): void { this.bitsA[i] = (this.bitsA[i] ?? 0) | bits; }
  clearBits(i: number, bits: number): void { this.bitsA[i] = (this.bitsA[i] ?? 0) & ~bits; }
  /** Records where a row now lives in the file after a rewrite moved it. */
  setLayout(i: number, l: RowLayout): void {
    const f = this.f64;
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
    const f = this.f64;
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
