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
 *              (of its records), field u32 (FNV-1a of its name), 0 u32, then the records
 *     records: value length u32, UID u32, field u32, served header size u32, raw body length f64, the value
 *
 * Writers append batches under flock() on the file, at the committed length, then move the committed length past
 * them: a writer killed part way leaves bytes past it, which the next writer writes over. Readers take no lock: they
 * read the committed length and the batches' heads below it, and a field's batches (each checked against its CRC)
 * when the field is first asked for, so a session that wants BODYSTRUCTURE does not read the envelopes. The
 * cache is a cache: nothing here is fsynced, any trouble with the file (a lock not to be had, a full disk, a bad
 * batch) loses only entries, and deleting it loses only speed.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Logger } from '../../env/logger.js';
import { lockWithin } from '../control-dir.js';
import { flockOp } from '../../lock/fs-ext.js';
import { readInto } from './byte-source.js';

const MAGIC = Buffer.from('UWTSCACH', 'latin1');
const VERSION = 1;
const HEADER = 32;
const BATCH_HEAD = 16;
const RECORD_HEAD = 24;
/** Values this long or longer are not kept (the packed map entries below hold a length below 2^20). */
const MAX_VALUE = 2 ** 20 - RECORD_HEAD;
/** The file never grows past this (offsets are packed with lengths into one double); past it, it is compacted. */
const MAX_FILE = 2 ** 32;
/** Pending values are appended once they reach this, and at every flush; a compaction writes batches of 4 times it. */
const BATCH_BYTES = 256 * 1024;
/** Reads of values go through windows of this size (a FETCH of many messages reads the file in order). */
const WINDOW = 256 * 1024;
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

/**
 * One field's records: UIDs, file offsets and lengths in typed arrays (no object per entry), in the order they
 * were read; kept sorted by UID, later records of a UID replacing earlier ones, when first searched after a record
 * came out of order (records are mostly appended in UID order: a FETCH goes through the messages in order). Each
 * field has its own read window, as a FETCH of several fields reads them from as many places in the file.
 */
class FieldIndex {
  uids = new Uint32Array(256);
  offsets = new Float64Array(256);
  lengths = new Uint32Array(256);
  n = 0;
  /** Its batches were read (those appended later are read as they are seen). */
  indexed = false;
  private sorted = true;
  private hint = 0;
  win: Buffer | null = null;
  winPos = 0;
  /** Where its batches' records are in the file ([start, end) pairs, in file order): a window stays within one. */
  readonly spans: number[] = [];

  add(uid: number, offset: number, length: number): void {
    if (this.n === this.uids.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.uids = grow(this.uids, (k) => new Uint32Array(k));
      this.offsets = grow(this.offsets, (k) => new Float64Array(k));
      this.lengths = grow(this.lengths, (k) => new Uint32Array(k));
    }
    if (this.n > 0 && uid <= (this.uids[this.n - 1] as number)) this.sorted = false;
    this.uids[this.n] = uid;
    this.offsets[this.n] = offset;
    this.lengths[this.n] = length;
    this.n++;
  }

  /** The entry of `uid`, or -1. */
  find(uid: number): number {
    if (!this.sorted) this.sort();
    const u = this.uids;
    // A FETCH asks for UIDs in order: the entry after the last one found is the usual answer.
    const h = this.hint;
    if (u[h] === uid) return h;
    if (h + 1 < this.n && u[h + 1] === uid) return (this.hint = h + 1);
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = u[mid] as number;
      if (v === uid) return (this.hint = mid);
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The end of the span (batch) holding file offset `at`, or `at` when none does. */
  spanEnd(at: number): number {
    const sp = this.spans;
    let lo = 0;
    let hi = sp.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (at < (sp[2 * mid] as number)) hi = mid - 1;
      else if (at >= (sp[2 * mid + 1] as number)) lo = mid + 1;
      else return sp[2 * mid + 1] as number;
    }
    return at;
  }

  /** Forgets entry `i` (its record was made from another message). */
  drop(i: number): void {
    this.lengths[i] = 0;
  }

  /** Sorts by UID, keeping the last record read of each: then every entry is its UID's only one. */
  settle(): void {
    if (!this.sorted) this.sort();
  }

  private sort(): void {
    const order = Array.from({ length: this.n }, (_, i) => i);
    order.sort((a, b) => (this.uids[a] as number) - (this.uids[b] as number) || a - b);
    const uids = new Uint32Array(Math.max(256, this.n));
    const offsets = new Float64Array(uids.length);
    const lengths = new Uint32Array(uids.length);
    let k = 0;
    for (let j = 0; j < order.length; j++) {
      const i = order[j] as number;
      const next = order[j + 1];
      if (next !== undefined && this.uids[next] === this.uids[i]) continue; // a later record of this UID follows
      uids[k] = this.uids[i] as number;
      offsets[k] = this.offsets[i] as number;
      lengths[k] = this.lengths[i] as number;
      k++;
    }
    this.uids = uids;
    this.offsets = offsets;
    this.lengths = lengths;
    this.n = k;
    this.sorted = true;
    this.hint = 0;
  }
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
  /** By field: its records, and where its batches are that were not read yet (offset, length, CRC). */
  private readonly fields = new Map<number, FieldIndex>();
  private readonly unread = new Map<number, number[]>();
  /**
   * The file's size when it was last found mostly of use (or written, or first read): compaction is considered
   * again only once the file is twice that, so that the look at every entry it takes is paid for by the growth.
   */
  private checkedAt = COMPACT_FROM / 2;
  /** Pending records by field. */
  private pending = new Map<number, Buffer[]>();
  private pendingBytes = 0;
  /** The field and value of the last {@link get} (no objects are made for a look-up: see valueStart). */
  private lastField = -1;
  private lastIndex: FieldIndex | null = null;

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
    const f = field === this.lastField && this.lastIndex !== null ? this.lastIndex : this.fieldIndex(field);
    const i = f.find(uid);
    if (i < 0) return null;
    const length = f.lengths[i] as number;
    if (length === 0) return null;
    const offset = f.offsets[i] as number;
    const w = this.window(f, offset, length);
    if (w === null) return null;
    const at = offset - f.winPos;
    if (w.readUInt32LE(at) === length - RECORD_HEAD && w.readUInt32LE(at + 4) === uid && w.readUInt32LE(at + 8) === field &&
      w.readUInt32LE(at + 12) === headerSize && w.readDoubleLE(at + 16) === bodyLength) {
      return w.subarray(at + RECORD_HEAD, at + length);
    }
    // Made from another message of that UID (or of another file): of no use.
    f.drop(i);
    return null;
  }

  /** Keeps `value` as `field` of that message (see {@link get}), appended at the next flush. True when one is due. */
  put(field: number, uid: number, headerSize: number, bodyLength: number, value: Uint8Array): boolean {
    if (value.length > MAX_VALUE) return false;
    const rec = Buffer.allocUnsafe(RECORD_HEAD + value.length);
    rec.writeUInt32LE(value.length, 0);
    rec.writeUInt32LE(uid, 4);
    rec.writeUInt32LE(field, 8);
    rec.writeUInt32LE(headerSize, 12);
    rec.writeDoubleLE(bodyLength, 16);
    rec.set(value, RECORD_HEAD);
    let list = this.pending.get(field);
    if (list === undefined) this.pending.set(field, (list = []));
    list.push(rec);
    this.pendingBytes += rec.length;
    return this.pendingBytes >= BATCH_BYTES;
  }

  /**
   * Appends what is pending (under the file's flock), taking in what other sessions appended meanwhile, and
   * compacts the file when most of it is of no use. Never throws: a failure drops the pending values (logged).
   */
  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const batches = [...this.pending].map(([field, records]) => encodeBatch(field, records));
    this.pending = new Map();
    this.pendingBytes = 0;
    const uidValidity = this.uidValidity();
    if (uidValidity === 0) return;
    try {
      await this.append(batches, uidValidity);
    } catch (e) {
      this.logger.log('warning', `${this.path}: cache entries not kept: ${e instanceof Error ? e.message : String(e)}`);
    }
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
    this.pendingBytes = 0;
  }

  /** Field `field`'s records, its batches read first if they were not. */
  private fieldIndex(field: number): FieldIndex {
    if (!this.loaded) this.load();
    let f = this.fields.get(field);
    if (f === undefined) this.fields.set(field, (f = new FieldIndex()));
    if (!f.indexed) {
      f.indexed = true;
      const where = this.unread.get(field) ?? [];
      this.unread.delete(field);
      for (let k = 0; k < where.length; k += 3) this.readBatch(f, where[k] as number, where[k + 1] as number, where[k + 2] as number);
    }
    this.lastField = field;
    this.lastIndex = f;
    return f;
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

  /**
   * Reads the heads of the batches from {@link end} up to `upTo`: the batches of fields already asked for are read
   * now, the others when their field is. A head that does not fit marks the file stale.
   */
  private readHeads(upTo: number): void {
    const head = Buffer.alloc(BATCH_HEAD);
    let pos = this.end;
    while (pos < upTo) {
      const len = readInto(this.fd, head, 0, BATCH_HEAD, pos) === BATCH_HEAD ? head.readUInt32LE(0) : 0;
      if (len <= BATCH_HEAD || pos + len > upTo) break;
      const field = head.readUInt32LE(8);
      const crc = head.readUInt32LE(4);
      const f = this.fields.get(field);
      if (f?.indexed) this.readBatch(f, pos, len, crc);
      else {
        let where = this.unread.get(field);
        if (where === undefined) this.unread.set(field, (where = []));
        where.push(pos, len, crc);
      }
      pos += len;
    }
    if (pos < upTo) this.damaged(pos);
    this.end = pos;
  }

  /** Takes in batch `b`, which this session has just written at `pos` (as readHeads would, without reading it). */
  private took(b: Buffer, pos: number): void {
    const field = b.readUInt32LE(8);
    const f = this.fields.get(field);
    if (f?.indexed) {
      this.index(f, b.subarray(BATCH_HEAD), pos + BATCH_HEAD);
      f.spans.push(pos + BATCH_HEAD, pos + b.length);
    } else {
      let where = this.unread.get(field);
      if (where === undefined) this.unread.set(field, (where = []));
      where.push(pos, b.length, b.readUInt32LE(4));
    }
  }

  /** Reads and checks the batch of `len` bytes at `pos`, and indexes its records into `f`. */
  private readBatch(f: FieldIndex, pos: number, len: number, crc: number): void {
    const body = Buffer.allocUnsafe(len - BATCH_HEAD);
    if (readInto(this.fd, body, 0, body.length, pos + BATCH_HEAD) < body.length || crc32(body) !== crc || !this.index(f, body, pos + BATCH_HEAD)) {
      this.damaged(pos);
      return;
    }
    f.spans.push(pos + BATCH_HEAD, pos + len);
  }

  private damaged(pos: number): void {
    if (!this.stale) this.logger.log('warning', `${this.path}: cache damaged at byte ${pos}: replaced at its next write`);
    this.stale = true;
  }

  /** Indexes the records of a batch whose records start at file offset `at`. False when they do not fit it. */
  private index(f: FieldIndex, body: Buffer, at: number): boolean {
    for (let o = 0; o < body.length;) {
      if (o + RECORD_HEAD > body.length) return false;
      const length = RECORD_HEAD + body.readUInt32LE(o);
      if (o + length > body.length || length > MAX_VALUE + RECORD_HEAD) return false;
      f.add(body.readUInt32LE(o + 4), at + o, length);
      o += length;
    }
    return true;
  }

  /**
   * Field `f`'s read window, holding the `length` bytes at `offset` (refilled in place when they are not in it:
   * this is what makes values valid only until the next look-up of the field); null when the file ends first.
   */
  private window(f: FieldIndex, offset: number, length: number): Buffer | null {
    let w = f.win;
    if (w !== null && offset >= f.winPos && offset + length <= f.winPos + w.length) return w;
    if (w === null || w.buffer.byteLength < length) w = Buffer.allocUnsafe(Math.max(WINDOW, length));
    else w = Buffer.from(w.buffer, 0, w.buffer.byteLength);
    // Up to the end of the record's batch: the rest of the file is other fields', or other windows'.
    const want = Math.min(w.length, Math.max(length, f.spanEnd(offset) - offset));
    const got = readInto(this.fd, w, 0, want, offset);
    f.win = w.subarray(0, got);
    f.winPos = offset;
    return got >= length ? f.win : null;
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
    for (const [, f, i] of this.live()) live += f.lengths[i] as number;
    if (size > 2 * live) return true;
    this.checkedAt = size;
    return false;
  }

  /** The entries still of use: the latest of each UID of the mailbox, by field (every field's batches read). */
  private *live(): Generator<[number, FieldIndex, number]> {
    for (const field of [...this.unread.keys()]) this.fieldIndex(field);
    for (const [field, f] of this.fields) {
      f.settle();
      for (let i = 0; i < f.n; i++) if ((f.lengths[i] as number) > 0 && this.present(f.uids[i] as number)) yield [field, f, i];
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
      for (const [field, f, i] of this.live()) {
        if (replaced.get(field)?.has(f.uids[i] as number) === true) continue;
        const offset = f.offsets[i] as number;
        const length = f.lengths[i] as number;
        const w = this.window(f, offset, length);
        if (w === null) continue;
        let list = byField.get(field);
        if (list === undefined) byField.set(field, (list = []));
        list.push(Buffer.from(w.subarray(offset - f.winPos, offset - f.winPos + length)));
      }
      for (const [field, records] of byField) {
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
      closeSync(fd);
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
    const asked = [...this.fields.keys()];
    this.fields.clear();
    this.unread.clear();
    // Fields asked for before are read again as soon as their batches are seen.
    for (const field of asked) {
      const f = new FieldIndex();
      f.indexed = true;
      this.fields.set(field, f);
    }
    this.lastField = -1;
    this.lastIndex = null;
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

/** A batch of one field's records: its head (length, the records' CRC, the field), then the records. */
function encodeBatch(field: number, records: Buffer[]): Buffer {
  let n = BATCH_HEAD;
  for (const r of records) n += r.length;
  const out = Buffer.allocUnsafe(n);
  let o = BATCH_HEAD;
  for (const r of records) o += r.copy(out, o);
  out.writeUInt32LE(n, 0);
  out.writeUInt32LE(crc32(out.subarray(BATCH_HEAD)), 4);
  out.writeUInt32LE(field, 8);
  out.writeUInt32LE(0, 12);
  return out;
}
