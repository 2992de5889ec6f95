/**
 * The field cache beside a saved index (`index.<hash>.cache`, next to index-file.ts's file): values derived from
 * messages that are costly to work out (a MIME structure's encoding, an envelope, the header fields sorting needs),
 * kept for the next session, which serves them without reading the mbox. The values are opaque bytes here; their
 * callers name them (a field name, which names the encoding too: a new encoding takes a new name, and the old
 * entries are then never found and go at the next compaction).
 *
 * An entry is for one message: its UID, and as a check that the message is still the one it was made from, its
 * served header size and raw body length (what a change of flags never changes). A message another program
 * rewrote with the same UID and lengths would keep its entry; RFC 3501 §2.3.1.1 has a UID name one message for
 * ever, which such a program breaks first.
 *
 * Layout (little-endian). The file only grows, and the bytes below its committed length never change: a compaction
 * or a new UIDVALIDITY writes a new file (`.cache.new`) and renames it over the old one, so a session still reading
 * the old file reads what it read before.
 *
 *     header (32 bytes): "UWTSCACH", format version u32, UIDVALIDITY u32, committed length f64, 0 u64
 *     batches, from byte 32 to the committed length, each of one field: its length u32 (all of it), CRC-32 u32
 *              (of its records), field u32 (FNV-1a of its name), record count u32, lowest and highest UID u32,
 *              then the records
 *     records: value length u32, UID u32, field u32, served header size u32, raw body length f64, the value
 *
 * Writers append batches under flock() on the file, at the committed length, then move the committed length past
 * them: a writer killed part way leaves bytes past it, which the next writer writes over. Readers take no lock: they
 * read the committed length and the batches' heads below it, and a batch itself (checked against its CRC) only
 * when a UID in its range is first asked for, in its field: a session that wants the BODYSTRUCTURE of the newest
 * messages reads the last batch or two of that field, and FETCH 1:* reads each batch once, serving from it as it
 * reads it. Of two records of one UID and field, the later one in the file counts. The cache is a cache: nothing
 * here is fsynced, any trouble with the file (a lock not to be had, a full disk, a bad batch) loses only entries,
 * and deleting it loses only speed.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Logger } from '../../env/logger.js';
import { lockWithin } from '../control-dir.js';
import { flockOp } from '../../lock/fs-ext.js';
import { readInto } from './byte-source.js';
import type { CachedRun } from '../driver.js';
import { Bit } from './message-index.js';
import { Batch, BATCH_BYTES, BATCH_HEAD, encodeBatch, FieldIndex, PendingBatch, RECORD_HEAD } from './field-batches.js';

const MAGIC = Buffer.from('UWTSCACH', 'latin1');
const VERSION = 2;
const HEADER = 32;
/** Values this long or longer are not kept (a batch is read whole). */
const MAX_VALUE = 2 ** 20 - RECORD_HEAD;
/** The file never grows past this (lengths are u32); past it, it is compacted. */
const MAX_FILE = 2 ** 32 - 1;
/** Reads of a batch read before (its bytes no longer the field's window) go this far from the record wanted. */
const WINDOW = 64 * 1024;
/** How long a writer waits for another's flock before dropping its batch. */
const LOCK_WAIT_MS = 2000;
/** Compaction: when the file holds more than this and more than twice what is still of use. */
const COMPACT_FROM = 4 * 1024 * 1024;

/** FNV-1a of a field's name: the number a record carries. */
export function fieldId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The index's columns a run of values is checked against (see {@link FieldCache.locateRun}), by row. */
export interface RunRows {
  readonly uid: Uint32Array;
  readonly headerSize: Uint32Array;
  readonly bodyStart: Float64Array;
  readonly bodyEnd: Float64Array;
  readonly bits: Uint8Array;
}

export class FieldCache {
  private fd = -1;
  private ino = -1;
  /** The file was opened and its header and batch heads read (or it is missing): see {@link load}. */
  private loaded = false;
  /** The file is not ours to append to as it is (bad header, another UIDVALIDITY, a bad batch): replace it. */
  private stale = false;
  /** How far the batch heads were read. */
  private end = HEADER;
  /** By field: its batches. */
  private readonly fields = new Map<number, FieldIndex>();
  /**
   * The file's size when it was last found mostly of use (or written, or first read): compaction is considered
   * again only once the file is twice that, so that the look at every entry it takes is paid for by the growth.
   */
  private checkedAt = COMPACT_FROM / 2;
  /** Pending records by field, and the field put last (SORT keeps one field of every message in a row). */
  private pending = new Map<number, PendingBatch>();
  private lastField = -1;
  private lastPending: PendingBatch | undefined;
  private pendingBytes = 0;

  constructor(
    readonly path: string,
    /** The mailbox's UIDVALIDITY now (the cache is of one). */
    private readonly uidValidity: () => number,
    private readonly logger: Logger,
    /** Whether UID `uid` is in the mailbox (entries of others are dropped by a compaction). */
    private readonly present: (uid: number) => boolean,
  ) {}

  /**
   * The value of `field` kept for the message `uid` of served header size `headerSize` and raw body length
   * `bodyLength`, or null. The bytes are valid until the next call for the same field.
   */
  get(field: number, uid: number, headerSize: number, bodyLength: number): Buffer | null {
    const at = this.locate(field, uid, headerSize, bodyLength);
    return at < 0 ? null : (this.found as Buffer).subarray(at, at + this.foundLength);
  }

  /** Whether any value of `field` is kept, or was asked for ({@link want}). */
  holds(field: number): boolean {
    if (!this.loaded) this.load();
    return this.fields.has(field);
  }

  /** The fields {@link want} asked for in this session (each asked for once). */
  private readonly wanted = new Set<number>();

  /**
   * Notes that values of `field` are wanted, for sessions and commands to come ({@link holds} is true for them): an
   * empty record of UID 0, which no message has. A compaction drops it with the other entries of no message (a
   * field is by then kept, or wanted again).
   */
  want(field: number): void {
    if (this.wanted.has(field) || this.holds(field)) return;
    this.wanted.add(field);
    if (this.put(field, 0, 0, 0, new Uint8Array(0))) void this.flushSoon();
  }

  /** Where {@link locate} found a value: in this buffer, {@link foundLength} bytes. */
  found: Buffer | null = null;
  foundLength = 0;

  /**
   * {@link get} without a Buffer made for the value: its offset in {@link found} (a read window of the cache's),
   * {@link foundLength} bytes long, or -1. Valid until the next call for the same field.
   */
  locate(field: number, uid: number, headerSize: number, bodyLength: number): number {
    if (!this.loaded) this.load();
    const f = this.fields.get(field);
    if (f === undefined) return -1;
    const found = this.find(f, uid);
    if (found === null) return -1;
    const length = found.lengths[f.hintEntry] as number;
    const offset = found.offsets[f.hintEntry] as number;
    const w = this.window(f, found, offset - RECORD_HEAD, RECORD_HEAD + length);
    if (w === null) return -1;
    const at = offset - RECORD_HEAD - f.winPos;
    const v = f.winView as DataView;
    if (v.getUint32(at + 4, true) === uid && v.getUint32(at + 8, true) === field && v.getUint32(at + 12, true) === headerSize &&
      v.getFloat64(at + 16, true) === bodyLength) {
      this.found = w;
      this.foundLength = length;
      return at + RECORD_HEAD;
    }
    // Made from another message of that UID (or of another file): of no use.
    found.lengths[f.hintEntry] = 0;
    return -1;
  }

  /**
   * {@link locate} for rows [from, to) of `rows`, as many in a row as lie in the read window of the first one's
   * batch, up to `run`'s length and `bytes` octets in all (counting `extra` for each): their values' places are
   * filled into `run` (offsets into run.buf, the window) and their number returned. 0 when the first is not found, or
   * takes more than `bytes`. A row gone from the file, a UID without its entry in the batch's next one, a record
   * made from another message, or the window's end ends the run; where a later batch may hold a newer record of a
   * UID (an overlapped batch), the run is of the first only. FETCH 1:* BODYSTRUCTURE reads 100,000 values this way
   * in a few hundred calls.
   */
  locateRun(field: number, rows: RunRows, from: number, to: number, run: CachedRun, bytes: number, extra: number): number {
    if (from >= to || run.starts.length === 0 || ((rows.bits[from] as number) & Bit.Gone) !== 0) return 0;
    const first = this.locate(field, rows.uid[from] as number, rows.headerSize[from] as number,
      (rows.bodyEnd[from] as number) - (rows.bodyStart[from] as number));
    if (first < 0 || this.foundLength + extra > bytes) return 0;
    const f = this.fields.get(field) as FieldIndex;
    const b = f.batches[f.hintBatch] as Batch;
    const win = f.win as Buffer;
    const view = f.winView as DataView;
    const winEnd = f.winPos + win.length;
    run.buf = win;
    run.starts[0] = first;
    run.lengths[0] = this.foundLength;
    run.uids[0] = rows.uid[from] as number;
    let total = this.foundLength + extra;
    let k = 1;
    if (!b.overlapped) {
      const cap = Math.min(run.starts.length, to - from);
      const uids = b.uids;
      for (let j = f.hintEntry + 1; k < cap && j < uids.length; k++, j++) {
        const r = from + k;
        const uid = rows.uid[r] as number;
        const length = b.lengths[j] as number;
        const offset = b.offsets[j] as number;
        if (uids[j] !== uid || length === 0 || ((rows.bits[r] as number) & Bit.Gone) !== 0 || offset + length > winEnd ||
          total + length + extra > bytes) break;
        const at = offset - RECORD_HEAD - f.winPos;
        if (view.getUint32(at + 4, true) !== uid || view.getUint32(at + 8, true) !== field ||
          view.getUint32(at + 12, true) !== rows.headerSize[r] ||
          view.getFloat64(at + 16, true) !== (rows.bodyEnd[r] as number) - (rows.bodyStart[r] as number)) break;
        run.starts[k] = at + RECORD_HEAD;
        run.lengths[k] = length;
        run.uids[k] = uid;
        total += length + extra;
      }
      f.hintEntry += k - 1;
    }
    return k;
  }

  /** The batch holding the latest record of `uid` (its entry left in f.hintEntry), or null. */
  private find(f: FieldIndex, uid: number): Batch | null {
    const bs = f.batches;
    // The batch of the last UID found, when no later batch can hold this one: the usual case of a FETCH.
    const h = bs[f.hintBatch];
    if (h !== undefined && h.state === 1 && !h.overlapped && uid >= h.low && uid <= h.high) {
      const i = h.find(uid, f.hintEntry + 1);
      if (i >= 0) {
        if ((h.lengths[i] as number) === 0) return null;
        f.hintEntry = i;
        return h;
      }
      // Not in it: an earlier batch may hold it (this one's range covers it, not its records).
    }
    if (f.ascending) {
      // No two ranges overlap: one batch at most may hold it (a miss costs a binary search, not a look at each).
      const k = f.rangeOf(uid);
      const b = bs[k];
      if (b === undefined) return null;
      if (b.state === 0) this.readBatch(f, b);
      const i = b.state === 1 ? b.find(uid, 0) : -1;
      if (i < 0 || (b.lengths[i] as number) === 0) return null;
      f.hintBatch = k;
      f.hintEntry = i;
      return b;
    }
    for (let k = bs.length - 1; k >= 0; k--) {
      const b = bs[k] as Batch;
      if (uid < b.low || uid > b.high) continue;
      if (b.state === 0) this.readBatch(f, b);
      if (b.state !== 1) continue;
      const i = b.find(uid, 0);
      if (i < 0 || (b.lengths[i] as number) === 0) continue;
      f.hintBatch = k;
      f.hintEntry = i;
      return b;
    }
    return null;
  }

  /** Keeps `value` as `field` of that message (see {@link get}), appended at the next flush. True when one is due. */
  put(field: number, uid: number, headerSize: number, bodyLength: number, value: Uint8Array): boolean {
    if (value.length > MAX_VALUE) return false;
    let p = field === this.lastField ? this.lastPending : this.pending.get(field);
    if (p === undefined) this.pending.set(field, (p = new PendingBatch(field, RECORD_HEAD + value.length)));
    this.lastField = field;
    this.lastPending = p;
    p.add(uid, headerSize, bodyLength, value);
    this.pendingBytes += RECORD_HEAD + value.length;
    return this.pendingBytes >= BATCH_BYTES;
  }

  /**
   * Appends what is pending (under the file's flock), taking in what other sessions appended meanwhile, and
   * compacts the file when most of it is of no use. Never throws: a failure drops the pending values (logged).
   */
  async flush(): Promise<void> {
    this.flushSoon();
    await this.flushing;
  }

  /** The appends started and not done, one after another (two at once would both write at the committed length). */
  private flushing: Promise<void> = Promise.resolve();

  /**
   * Starts appending what is pending (as {@link flush}, after any append under way) and gives the append before it:
   * a caller keeping a value per message (SORT, FETCH) goes on while one batch is written, and waits only when the
   * next is due before that one is done. Never rejects.
   */
  flushSoon(): Promise<void> {
    const before = this.flushing;
    if (this.pendingBytes === 0) return before;
    const batches = [...this.pending.values()].flatMap((p) => p.seal());
    this.pending = new Map();
    this.lastField = -1;
    this.pendingBytes = 0;
    const uidValidity = this.uidValidity();
    if (uidValidity === 0) return before;
    this.flushing = before.then(() => this.append(batches, uidValidity)).catch((e: unknown) => {
      this.logger.log('warning', `${this.path}: cache entries not kept: ${e instanceof Error ? e.message : String(e)}`);
    });
    return before;
  }

  /**
   * Takes in what other sessions appended since this one last looked (one read of the header when nothing was),
   * or, when the file was replaced, forgets the old one, to read the new one when next asked. Never throws.
   */
  refresh(): void {
    if (!this.loaded || this.fd < 0) {
      this.loaded = false;
      return;
    }
    try {
      if (lstatSync(this.path).ino !== this.ino) {
        closeSync(this.fd);
        this.fd = -1;
        this.forget();
        this.loaded = false;
        return;
      }
      const committed = this.committed();
      if (committed > this.end && !this.stale) this.readHeads(committed);
    } catch {
      // The file is gone or unreadable: it is made again at the next flush.
    }
  }

  /** Closes the file (what is pending is dropped: flush first). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.pending = new Map();
    this.lastField = -1;
    this.pendingBytes = 0;
  }

  /** Opens the file if it exists, checks its header and reads its batch heads. */
  private load(): void {
    this.loaded = true;
    if (this.fd < 0) {
      try {
        this.fd = openSync(this.path, constants.O_RDWR | constants.O_NOFOLLOW);
      } catch {
        return; // none yet (or not ours): made at the first flush
      }
      this.ino = fstatSync(this.fd).ino;
    }
    const committed = this.committed();
    if (committed < 0) {
      this.stale = true;
      return;
    }
    this.checkedAt = Math.max(this.checkedAt, committed);
    this.readHeads(committed);
  }

  /** The committed length when the header is ours (magic, version, UIDVALIDITY), else -1. */
  private committed(): number {
    const head = Buffer.alloc(HEADER);
    if (readInto(this.fd, head, 0, HEADER, 0) < HEADER) return -1;
    if (!head.subarray(0, 8).equals(MAGIC) || head.readUInt32LE(8) !== VERSION) return -1;
    if (head.readUInt32LE(12) !== this.uidValidity()) return -1;
    const c = head.readDoubleLE(16);
    return Number.isSafeInteger(c) && c >= HEADER && c <= MAX_FILE ? c : -1;
  }

  /** The field's batches, made empty when first met. */
  private field(field: number): FieldIndex {
    let f = this.fields.get(field);
    if (f === undefined) this.fields.set(field, (f = new FieldIndex()));
    return f;
  }

  /** Reads the heads of the batches from {@link end} up to `upTo` (not the batches). A head that does not fit marks the file stale. */
  private readHeads(upTo: number): void {
    const head = Buffer.alloc(BATCH_HEAD);
    let pos = this.end;
    while (pos < upTo) {
      const len = readInto(this.fd, head, 0, BATCH_HEAD, pos) === BATCH_HEAD ? head.readUInt32LE(0) : 0;
      if (len <= BATCH_HEAD || pos + len > upTo) break;
      this.field(head.readUInt32LE(8)).add(new Batch(pos, len, head.readUInt32LE(4), head.readUInt32LE(12), head.readUInt32LE(16),
        head.readUInt32LE(20)));
      pos += len;
    }
    if (pos < upTo) this.damaged(pos);
    this.end = pos;
  }

  /**
   * Reads and checks batch `b` of field `f` (into the field's read buffer), indexes its records, and makes its bytes
   * the field's window.
   */
  private readBatch(f: FieldIndex, b: Batch): void {
    const n = b.len - BATCH_HEAD;
    if (f.readBuf.length < n) f.readBuf = Buffer.allocUnsafe(Math.max(n, BATCH_BYTES * 4 + 64 * 1024));
    const body = f.readBuf.subarray(0, n);
    if (readInto(this.fd, body, 0, body.length, b.pos + BATCH_HEAD) < body.length || crc32(body) !== b.crc || !b.index(body)) {
      // The read went over the read buffer, which may have been the window: it is no longer.
      if (f.win !== null && f.win.buffer === f.readBuf.buffer) {
        f.win = null;
        f.winView = null;
      }
      b.state = 2;
      this.damaged(b.pos);
      return;
    }
    f.setWindow(body, b.pos + BATCH_HEAD);
  }

  private damaged(pos: number): void {
    if (!this.stale) this.logger.log('warning', `${this.path}: cache damaged at byte ${pos}: replaced at its next write`);
    this.stale = true;
  }

  /**
   * Field `f`'s read window holding the `length` bytes at `offset` of batch `b` (read again when they are not in
   * it: this is what makes values valid only until the next look-up of the field); null when the file ends first.
   */
  private window(f: FieldIndex, b: Batch, offset: number, length: number): Buffer | null {
    const w = f.win;
    if (w !== null && offset >= f.winPos && offset + length <= f.winPos + w.length) return w;
    // From the record on, as far as the batch goes within WINDOW (a FETCH goes on to the next records; a look-up
    // of one message here and there reads little).
    const size = Math.max(length, Math.min(WINDOW, b.pos + b.len - offset));
    const buf = Buffer.allocUnsafe(size);
    const got = readInto(this.fd, buf, 0, size, offset);
    const win = buf.subarray(0, got);
    f.setWindow(win, offset);
    return length <= got ? win : null;
  }

  /** Takes in batch `data`, which this session has just written at `pos` (as readHeads and readBatch would, without reading it). */
  private took(data: Buffer, pos: number): void {
    const b = new Batch(pos, data.length, data.readUInt32LE(4), data.readUInt32LE(12), data.readUInt32LE(16), data.readUInt32LE(20));
    b.index(data.subarray(BATCH_HEAD));
    this.field(data.readUInt32LE(8)).add(b);
  }

  /** The append of {@link flush}, under the flock of the file that is at the path when it is had. */
  private async append(batches: Buffer[], uidValidity: number): Promise<void> {
    for (let tries = 0; ; tries++) {
      if (this.fd < 0) {
        this.fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
        this.ino = fstatSync(this.fd).ino;
      }
      await lockWithin(this.fd, LOCK_WAIT_MS);
      try {
        // Replaced (compacted) by another session since we opened it: start again on the new file.
        if (lstatSync(this.path).ino !== this.ino) {
          if (tries >= 3) throw new Error('replaced again and again');
          this.reopen();
          continue;
        }
        if (fstatSync(this.fd).size === 0) this.writeHeader(this.fd, uidValidity, HEADER);
        if (!this.loaded) this.load();
        const committed = this.committed();
        if (committed >= 0 && !this.stale) this.readHeads(committed);
        if (committed < 0 || this.stale) {
          this.rewrite(batches, uidValidity, false);
          return;
        }
        let size = committed;
        for (const b of batches) size += b.length;
        if (size > MAX_FILE || this.compactionDue(size)) {
          this.rewrite(batches, uidValidity, true);
          return;
        }
        let pos = committed;
        for (const b of batches) {
          for (let o = 0; o < b.length;) o += writeSync(this.fd, b, o, b.length - o, pos + o);
          this.took(b, pos);
          pos += b.length;
        }
        this.writeHeader(this.fd, uidValidity, pos);
        this.end = pos;
        return;
      } finally {
        if (this.fd >= 0) await flockOp(this.fd, 'un').catch(() => undefined);
      }
    }
  }

  /** Whether a file of `size` bytes is mostly entries of no use (superseded, or of messages no longer here). */
  private compactionDue(size: number): boolean {
    if (size < 2 * this.checkedAt) return false;
    let live = 0;
    for (const [, , b, i] of this.live()) live += RECORD_HEAD + (b.lengths[i] as number);
    if (size > 2 * live) return true;
    this.checkedAt = size;
    return false;
  }

  /** The entries still of use: the latest of each UID of the mailbox, by field (every batch read). */
  private *live(): Generator<[number, FieldIndex, Batch, number]> {
    for (const [field, f] of this.fields) {
      const seen = new Set<number>();
      for (let k = f.batches.length - 1; k >= 0; k--) {
        const b = f.batches[k] as Batch;
        if (b.state === 0) this.readBatch(f, b);
        if (b.state !== 1) continue;
        for (let i = 0; i < b.uids.length; i++) {
          const uid = b.uids[i] as number;
          if (seen.has(uid)) continue;
          seen.add(uid);
          if ((b.lengths[i] as number) > 0 && this.present(uid)) yield [field, f, b, i];
        }
      }
    }
  }

  /**
   * Writes a new file holding `batches` and (when `keep`) the entries still of use, and renames it over the old
   * one. Caller holds the old file's flock, so no append is lost to the rename.
   */
  private rewrite(batches: Buffer[], uidValidity: number, keep: boolean): void {
    const tmp = `${this.path}.new`;
    const out: Buffer[] = [];
    if (keep) {
      // Entries the batches being written replace are not kept.
      const replaced = new Map<number, Set<number>>();
      for (const b of batches) {
        const field = b.readUInt32LE(8);
        let set = replaced.get(field);
        if (set === undefined) replaced.set(field, (set = new Set()));
        for (let o = BATCH_HEAD; o < b.length; o += RECORD_HEAD + b.readUInt32LE(o)) set.add(b.readUInt32LE(o + 4));
      }
      const byField = new Map<number, Buffer[]>();
      for (const [field, f, b, i] of this.live()) {
        const uid = b.uids[i] as number;
        if (replaced.get(field)?.has(uid) === true) continue;
        const offset = (b.offsets[i] as number) - RECORD_HEAD;
        const length = RECORD_HEAD + (b.lengths[i] as number);
        const w = this.window(f, b, offset, length);
        if (w === null) continue;
        let list = byField.get(field);
        if (list === undefined) byField.set(field, (list = []));
        list.push(Buffer.from(w.subarray(offset - f.winPos, offset - f.winPos + length)));
      }
      for (const [field, records] of byField) {
        // In UID order, so that the new file's batches have disjoint ranges.
        records.sort((a, b) => a.readUInt32LE(4) - b.readUInt32LE(4));
        for (let k = 0; k < records.length;) {
          const part: Buffer[] = [];
          let bytes = 0;
          while (k < records.length && (part.length === 0 || bytes < 4 * BATCH_BYTES)) {
            const r = records[k++] as Buffer;
            part.push(r);
            bytes += r.length;
          }
          out.push(encodeBatch(field, part));
        }
      }
    }
    out.push(...batches);
    const fd = openSync(tmp, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    let pos = HEADER;
    try {
      for (const b of out) {
        for (let o = 0; o < b.length;) o += writeSync(fd, b, o, b.length - o, pos + o);
        pos += b.length;
      }
      this.writeHeader(fd, uidValidity, pos);
      renameSync(tmp, this.path);
    } catch (e) {
      // A full disk part way: the old file stays as it was, and the part written goes.
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(this.fd);
    this.fd = fd;
    this.ino = fstatSync(fd).ino;
    this.forget();
    this.loaded = true;
    this.checkedAt = Math.max(COMPACT_FROM / 2, pos);
    this.readHeads(pos);
  }

  /** Forgets what was read of the file (it is another one now). */
  private forget(): void {
    this.fields.clear();
    this.end = HEADER;
    this.stale = false;
  }

  /** Opens the file now at the path (the one open was replaced), forgetting the old one. */
  private reopen(): void {
    closeSync(this.fd);
    this.fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    this.ino = fstatSync(this.fd).ino;
    this.forget();
    this.loaded = false;
  }

  private writeHeader(fd: number, uidValidity: number, committed: number): void {
    const head = Buffer.alloc(HEADER);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(VERSION, 8);
    head.writeUInt32LE(uidValidity, 12);
    head.writeDoubleLE(committed, 16);
    writeSync(fd, head, 0, HEADER, 0);
  }
}
