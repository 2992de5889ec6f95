/**
 * The pieces of the field cache's file format (field-cache.ts, whose module comment gives the layout) as they are
 * held in memory: a batch read from the file and its records' index, a field's batches, and a field's records not
 * appended yet.
 */
import { crc32 } from 'node:zlib';
import { indexOfUid } from './message-index.js';

/** A batch's head: length, CRC-32 of the records, field, record count, lowest and highest UID (u32 each). */
export const BATCH_HEAD = 24;
/** A record's head: value length, UID, field, served header size (u32 each), raw body length (f64). */
export const RECORD_HEAD = 24;
/** Pending values are appended once they reach this, and at every flush; a compaction writes batches of 4 times it. */
export const BATCH_BYTES = 256 * 1024;

/**
 * One batch of a field: where it is, its UID range (from its head), and once read, its records sorted by UID (the
 * later of two records of a UID kept): UIDs, value offsets in the file and value lengths in typed arrays.
 */
export class Batch {
  /** 0: not read yet; 1: read and indexed; 2: failed its check (of no use). */
  state = 0;
  uids = new Uint32Array(0);
  offsets = new Float64Array(0);
  lengths = new Uint32Array(0);
  /** A later batch of the field has UIDs in this one's range (then a UID found here may be superseded there). */
  overlapped = false;

  constructor(
    readonly pos: number,
    readonly len: number,
    readonly crc: number,
    /** How many records it holds, and their lowest and highest UID. */
    readonly count: number,
    readonly low: number,
    readonly high: number,
  ) {}

  /** Indexes the records of `body` (this batch's bytes after its head). False when they do not fit it. */
  index(body: Buffer): boolean {
    const n = body.length;
    const count = this.count;
    const uids = new Uint32Array(count);
    const offsets = new Float64Array(count);
    const lengths = new Uint32Array(count);
    const base = this.pos + BATCH_HEAD + RECORD_HEAD;
    let sorted = true;
    let k = 0;
    let o = 0;
    for (; o < n && k < count; k++) {
      if (o + RECORD_HEAD > n) return false;
      const length = body.readUInt32LE(o);
      if (o + RECORD_HEAD + length > n) return false;
      const uid = body.readUInt32LE(o + 4);
      if (uid < this.low || uid > this.high) return false;
      if (k > 0 && uid <= (uids[k - 1] as number)) sorted = false;
      uids[k] = uid;
      offsets[k] = base + o;
      lengths[k] = length;
      o += RECORD_HEAD + length;
    }
    if (o !== n || k !== count) return false;
    if (!sorted) {
      // By UID, the later record of a UID last; then only the last of each is kept.
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => (uids[a] as number) - (uids[b] as number) || a - b);
      const keep = order.filter((i, j) => uids[order[j + 1] ?? -1] !== uids[i]);
      this.uids = Uint32Array.from(keep, (i) => uids[i] as number);
      this.offsets = Float64Array.from(keep, (i) => offsets[i] as number);
      this.lengths = Uint32Array.from(keep, (i) => lengths[i] as number);
    } else {
      this.uids = uids;
      this.offsets = offsets;
      this.lengths = lengths;
    }
    this.state = 1;
    return true;
  }

  /** The entry of `uid` among the records, or -1. */
  find(uid: number, hint: number): number {
    return this.uids[hint] === uid ? hint : indexOfUid(this.uids, uid);
  }
}

/** One field's batches, in file order, and its read window (the bytes of the batch read last). */
export class FieldIndex {
  readonly batches: Batch[] = [];
  /** The batch and entry of the last UID found: a FETCH asks for UIDs in order, the next is usually after it. */
  hintBatch = 0;
  hintEntry = 0;
  /** The read window: bytes of the file from `winPos`, and a DataView of them (the records' heads are read with it). */
  win: Buffer | null = null;
  winView: DataView | null = null;
  winPos = 0;
  /**
   * Where the field's batches are read (each over the one before: values are valid only until the next look-up of
   * their field): FETCH 1:* reads 18 MB of BODYSTRUCTUREs on 100,000 messages, which new buffers would have the
   * kernel map and zero page by page.
   */
  readBuf = Buffer.alloc(0);

  setWindow(buf: Buffer, pos: number): void {
    this.win = buf;
    this.winView = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.winPos = pos;
  }

  /**
   * Every batch's UIDs lie above the batch's before it (as a FETCH or SORT of the whole mailbox appends them, and a
   * compaction writes them): the one batch that may hold a UID is then found by binary search.
   */
  ascending = true;

  add(b: Batch): void {
    const last = this.batches[this.batches.length - 1];
    if (last !== undefined && b.low <= last.high) this.ascending = false;
    for (const a of this.batches) if (a.low <= b.high && b.low <= a.high) a.overlapped = true;
    this.batches.push(b);
  }

  /** When {@link ascending}: the index of the batch whose range holds `uid`, or -1. */
  rangeOf(uid: number): number {
    const bs = this.batches;
    let lo = 0;
    let hi = bs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const b = bs[mid] as Batch;
      if (uid < b.low) hi = mid - 1;
      else if (uid > b.high) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}

/**
 * A field's records not appended yet, written in place into batches (one buffer each, its head filled in when it
 * is sealed): no object or copy per record.
 */
export class PendingBatch {
  private sealed: Buffer[] = [];
  private buf: Buffer;
  private len = BATCH_HEAD;
  private count = 0;
  private low = 0xffff_ffff;
  private high = 0;

  /** The batch's bytes as a DataView, to write the records' heads. */
  private view: DataView;

  constructor(
    private readonly field: number,
    first: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(BATCH_BYTES, BATCH_HEAD + first));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Writes a record (see the module comment) in place: no object per record (SORT keeps 100,000). */
  add(uid: number, headerSize: number, bodyLength: number, value: Uint8Array): void {
    const need = RECORD_HEAD + value.length;
    if (this.len + need > this.buf.length) {
      if (this.count > 0) this.sealed.push(this.close());
      this.buf = Buffer.allocUnsafe(Math.max(BATCH_BYTES, BATCH_HEAD + need));
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    }
    const v = this.view;
    const at = this.len;
    v.setUint32(at, value.length, true);
    v.setUint32(at + 4, uid, true);
    v.setUint32(at + 8, this.field, true);
    v.setUint32(at + 12, headerSize, true);
    v.setFloat64(at + 16, bodyLength, true);
    this.buf.set(value, at + RECORD_HEAD);
    this.len = at + need;
    this.count++;
    if (uid < this.low) this.low = uid;
    if (uid > this.high) this.high = uid;
  }

  /** The batches, each with its head (see the module comment). */
  seal(): Buffer[] {
    if (this.count > 0) this.sealed.push(this.close());
    return this.sealed;
  }

  private close(): Buffer {
    const out = this.buf.subarray(0, this.len);
    out.writeUInt32LE(this.len, 0);
    out.writeUInt32LE(crc32(out.subarray(BATCH_HEAD)), 4);
    out.writeUInt32LE(this.field, 8);
    out.writeUInt32LE(this.count, 12);
    out.writeUInt32LE(this.low, 16);
    out.writeUInt32LE(this.high, 20);
    this.len = BATCH_HEAD;
    this.count = 0;
    this.low = 0xffff_ffff;
    this.high = 0;
    return out;
  }
}

/** A batch of one field's records: its head (length, the records' CRC, the field, their count and UID range), then the records. */
export function encodeBatch(field: number, records: Buffer[]): Buffer {
  let n = BATCH_HEAD;
  let low = 0xffff_ffff;
  let high = 0;
  for (const r of records) {
    n += r.length;
    const uid = r.readUInt32LE(4);
    if (uid < low) low = uid;
    if (uid > high) high = uid;
  }
  const out = Buffer.allocUnsafe(n);
  let o = BATCH_HEAD;
  for (const r of records) o += r.copy(out, o);
  out.writeUInt32LE(n, 0);
  out.writeUInt32LE(crc32(out.subarray(BATCH_HEAD)), 4);
  out.writeUInt32LE(field, 8);
  out.writeUInt32LE(records.length, 12);
  out.writeUInt32LE(low, 16);
  out.writeUInt32LE(high, 20);
  return out;
}
