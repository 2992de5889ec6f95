/**
 * The forward rewrite (journal format 2): new content is written from the first changed byte towards the end, in
 * steps of a few megabytes, each preceded by a small *slot* in the journal that holds exactly the old bytes the
 * rest of the rewrite still needs and that this step is about to overwrite. See rewrite.ts for when it is used and
 * what it guarantees; this file is the engine and its recovery.
 *
 * Why forward: an expunge moves everything after the first removed message down. Copying all those bytes to a
 * journal first and back again (format 1) reads and writes the tail twice, and writes it to disk twice. Moving data
 * down in place, in ascending order, only ever overwrites bytes that were already copied (or are being expunged),
 * except within the step under way; so only that step's own overlap is journaled. With a gap G (bytes removed so
 * far) and steps of n bytes, a step journals max(0, n - G) bytes; once G is wide (256 KB) steps shrink to G and
 * journal nothing.
 *
 * The journal: a header (state byte, sizes), the *plan* (the pieces from the first changed byte to the last:
 * destination, length, and source offset or data offset), the new data bytes the plan inserts, a trailer with a
 * CRC of plan and data, then two slots used in turn. Slot k holds old bytes [a_k, b_k), where b_k is the end of
 * step k and a_k the lowest old offset that any new content from the step's start on is copied from (clipped to the
 * first changed byte, below which nothing is ever written). Every source byte the rest of the rewrite needs is then
 * either in slot k or at or after b_k in the file, untouched so far. Each slot has a header with its sequence
 * number, its step and a CRC of its bytes, written after the bytes: a slot whose CRC does not match was being
 * written when the process died, and the other slot (the previous step) is still whole.
 *
 * Recovery resumes from the newest whole slot: it redoes that step (it may have been cut short mid-write) and
 * carries on to the end. A rewrite that shrinks the file marks the first byte past the new end with a NUL and
 * random bytes (recorded in the commit record) before it commits and truncates; so recovery can tell whether the
 * cut was made even when another program has appended mail since (appended mail starts with `From `, never NUL).
 *
 * Growth: content copied to a higher offset than it came from (a metadata block that grew) reads old bytes below
 * the step, which earlier slots carried forward; the carry is at most the largest growth, so rewriteFile uses this
 * engine only when that stays small (see rewrite.ts) and format 1 otherwise.
 *
 * A full disk (ENOSPC, EDQUOT) is met before the mailbox is touched, never part way: the slots' space in the journal
 * is written (zeros) before the trailer that makes the journal count, and a file that grows is extended by writing
 * zeros, not by ftruncate (which would leave a hole to be filled, page by page, by the steps). After that every byte
 * the rewrite, or its recovery, writes lands on a page the filesystem already holds. A failure up to then cuts the
 * file back to its old size and removes the journal: the mailbox is as it was. A process killed while it extended the
 * file leaves a whole journal in state 0; its recovery extends the file again, and if that finds no room either it
 * puts the old size back and discards the journal (the rewrite had not begun, and its command was never answered).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, unlinkSync, writeSync,
  writevSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import { preadFully, readExactly, readInto } from './byte-source.js';
import { createJournalFile } from './journal-file.js';
import { nativeWriteback } from './native-count.js';
import type { PieceList } from './pieces.js';

export type RewriteStep =
  'patch' | 'journal' | 'extended' | 'slot-bytes' | 'slot' | 'write' | 'done' | 'written' | 'marked' | 'committed' | 'truncated';

export interface ForwardOptions {
  readonly journalPath: string;
  /** fsync the mailbox when done, so the result is durable when the command completes. */
  readonly fsync: boolean;
  /**
   * Order every step on disk too (fsync the journal before a step and the mailbox after it), so that a power
   * failure during the rewrite cannot lose mail either. Costs about twice the disk writes.
   */
  readonly stepSync: boolean;
  /** Bytes of new content per step. */
  readonly stepSize: number;
  /** Narrowest step that takes the gap's width (tests make it 1). Default 256 KB. */
  readonly freeStepMin?: number;
  /** Largest single write to the mailbox (tests make it tiny, to "kill" mid-step). Default: one write per step. */
  readonly writeSize?: number;
  readonly onStep?: (step: RewriteStep) => void;
}

export const MAGIC2 = 'uwimap-ts journal 2\n';
const TRAILER2 = 'uwimap-ts journal 2 end ';
const HEADER2 = 4096;
const STATE_AT = MAGIC2.length;
const SLOT_HEADER = 4096;
/** Commit record: at HEADER2 - 128, the marker written past the new end (hex), set before the state byte. */
const COMMIT_AT = HEADER2 - 128;
const MARK_LEN = 16;
/** Steps narrowed to the gap need no journaled bytes, but each costs a few system calls: not below this. */
const FREE_STEP_MIN = 256 << 10;

interface Meta {
  readonly off: number;
  readonly oldSize: number;
  readonly newSize: number;
  /** End of the last piece that is not an unchanged copy: the steps stop there. */
  readonly end: number;
  readonly count: number;
  readonly dataLen: number;
  readonly slotCap: number;
  /** Bytes of new content per step (a redo uses the same, so slots fit their capacity). */
  readonly step: number;
  readonly dev: string;
  readonly ino: string;
}

/** The pieces from `off` to `end`, as parallel arrays (compact: one plan can hold 200,000 pieces). */
class Plan {
  /** src >= 0: old offset; src < 0: new bytes at data offset -src - 1. */
  readonly suffixMin: Float64Array;

  constructor(readonly dst: Float64Array, readonly len: Float64Array, readonly src: Float64Array, readonly data: Buffer) {
    const n = dst.length;
    this.suffixMin = new Float64Array(n + 1);
    this.suffixMin[n] = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      const s = src[i] as number;
      this.suffixMin[i] = Math.min(s >= 0 ? s : Infinity, this.suffixMin[i + 1] as number);
    }
  }

  get count(): number {
    return this.dst.length;
  }

  /** Index of the piece holding new offset `p`, searching on from `from`. */
  seek(p: number, from: number): number {
    let i = from;
    while (i < this.dst.length && (this.dst[i] as number) + (this.len[i] as number) <= p) i++;
    return i;
  }

  /** The lowest old offset that new content at or after `p` (in piece `i`) is copied from. */
  minSourceFrom(p: number, i: number): number {
    if (i >= this.dst.length) return Infinity;
    const s = this.src[i] as number;
    const here = s >= 0 ? s + (p - (this.dst[i] as number)) : Infinity;
    return Math.min(here, this.suffixMin[i + 1] as number);
  }

  /** The three arrays' bytes, back to back (the journal is read back only on this machine: native byte order). */
  encode(): Buffer[] {
    return [this.dst, this.len, this.src].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }

  static decode(b: Buffer, count: number, data: Buffer): Plan {
    const arr = (k: number): Float64Array => {
      const a = new Float64Array(count);
      Buffer.from(a.buffer).set(b.subarray(k * count * 8, (k + 1) * count * 8));
      return a;
    };
    return new Plan(arr(0), arr(1), arr(2), data);
  }
}

export interface Analysis {
  readonly off: number;
  readonly end: number;
  readonly newSize: number;
  /** Largest distance any old byte moves up (0 when everything moves down or stays). */
  readonly maxGrowth: number;
}

/** Where the new content first and last differs from the old, and how far any byte moves up. */
export function analyze(pieces: PieceList, oldSize: number): Analysis {
  let pos = 0;
  let off = -1;
  let end = 0;
  let maxGrowth = 0;
  for (let i = 0; i < pieces.count; i++) {
    const len = pieces.len[i] as number;
    const src = pieces.src[i] as number;
    if (src !== pos) {
      if (off < 0) off = pos;
      end = pos + len;
      if (src >= 0) maxGrowth = Math.max(maxGrowth, pos - src);
    }
    pos += len;
  }
  const newSize = pos;
  if (off < 0) off = Math.min(newSize, oldSize);
  if (end < off) end = off;
  return { off, end, newSize, maxGrowth };
}

/** The pieces between `off` and `end`, clipped to them, with their new offsets. */
function planOf(pieces: PieceList, a: Analysis): Plan {
  let pos = 0;
  let i = 0;
  while (i < pieces.count && pos + (pieces.len[i] as number) <= a.off) pos += pieces.len[i++] as number;
  let j = i;
  let q = pos;
  while (j < pieces.count && q < a.end) q += pieces.len[j++] as number;
  const n = j - i;
  const dst = new Float64Array(n);
  const len = pieces.len.slice(i, j);
  const src = pieces.src.slice(i, j);
  for (let k = 0; k < n; k++) {
    const l = len[k] as number;
    const lo = Math.max(pos, a.off);
    const hi = Math.min(pos + l, a.end);
    dst[k] = lo;
    len[k] = hi - lo;
    // A copy's source and a data piece's offset both move on by the bytes clipped at the front.
    const s = src[k] as number;
    src[k] = s >= 0 ? s + (lo - pos) : s - (lo - pos);
    pos += l;
  }
  return new Plan(dst, len, src, pieces.data.subarray(0, pieces.dataLen));
}

/**
 * Starts write-back of a range just written (sync_file_range through the addon), so the disk works while the next
 * step is copied and the final fsync has little left to wait for: a 550 MB expunge's fsync goes from ~190 ms to
 * ~5 ms, the whole from ~340 to ~200 ms. Nothing when the addon cannot be loaded (a tool run from a bare tree).
 */
export function startWriteback(fd: number, offset: number, length: number): void {
  nativeWriteback()?.(fd, offset, length);
}

/** Writes the buffers back to back at `position` (pwritev, at most 1024 at a time, short writes resumed). */
function pwritevFully(fd: number, bufs: Buffer[], position: number): void {
  let i = 0;
  while (i < bufs.length) {
    const group = bufs.slice(i, i + 1024);
    let want = 0;
    for (const b of group) want += b.length;
    let done = writevSync(fd, group, position);
    position += done;
    if (done < want) {
      // A short write: the rest of this group one buffer at a time.
      for (const b of group) {
        if (done >= b.length) {
          done -= b.length;
          continue;
        }
        pwriteFully(fd, b.subarray(done), position);
        position += b.length - done;
        done = 0;
      }
    }
    i += group.length;
  }
}

export function pwriteFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
}

/** True for the errors of a full filesystem or an exhausted quota. */
export function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const ZEROS = Buffer.alloc(64 << 10);

/**
 * Writes zeros over [from, to) of the file, so that its pages are allocated now (ftruncate would leave a hole whose
 * pages a later write could find no room for). On a failure the file is cut back to `from` and the error rethrown.
 */
export function writeZeros(fd: number, from: number, to: number): void {
  try {
    for (let at = from; at < to;) {
      const n = Math.min(ZEROS.length, to - at);
      pwriteFully(fd, ZEROS.subarray(0, n), at);
      at += n;
    }
  } catch (e) {
    try {
      ftruncateSync(fd, from);
    } catch {
      // The error that stopped the extension is the one to report.
    }
    throw e;
  }
}

/**
 * Old bytes of the mailbox read through a window. Valid only for offsets nothing has been written to yet: at or
 * after the current step's end, or below the first changed byte. What it caches stays valid as *old* bytes after
 * the file is overwritten there, which is what the plan's sources are.
 */
class OldBytes {
  private readonly buf: Buffer;
  private start = 0;
  private end = 0;

  constructor(private readonly fd: number, size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Copies old [s, s + len) into out at o; `limit` is the end of the region known to hold old bytes. */
  read(s: number, len: number, out: Buffer, o: number, limit: number): void {
    while (len > 0) {
      if (s >= this.start && s < this.end) {
        const n = Math.min(len, this.end - s);
        this.buf.copy(out, o, s - this.start, s - this.start + n);
        s += n;
        o += n;
        len -= n;
      } else if (len >= this.buf.length >> 1) {
        preadFully(this.fd, out, o, len, s);
        return;
      } else {
        const n = Math.min(this.buf.length, limit - s);
        if (n < len) throw new Error(`rewrite source ${s}+${len} past ${limit}`);
        preadFully(this.fd, this.buf, 0, n, s);
        this.start = s;
        this.end = s + n;
      }
    }
  }
}

/** A slot's content: old bytes [a, b) as they were before step `seq` (at new offset `w`) overwrote anything. */
interface Slot {
  readonly seq: number;
  readonly index: number;
  readonly w: number;
  readonly n: number;
  readonly a: number;
  readonly b: number;
  readonly bytes: Buffer;
}

class Engine {
  private readonly old: OldBytes;
  private readonly slotBase: number;

  constructor(
    private readonly fd: number,
    private readonly jfd: number,
    private readonly meta: Meta,
    private readonly plan: Plan,
    private readonly opts: ForwardOptions,
    planEnd: number,
  ) {
    this.old = new OldBytes(fd, Math.min(256 << 10, Math.max(4096, meta.step)));
    this.slotBase = Math.ceil(planEnd / 4096) * 4096;
  }

  private slotAt(index: number): number {
    return this.slotBase + index * (SLOT_HEADER + Math.ceil(this.meta.slotCap / 4096) * 4096);
  }

  /**
   * Writes zeros where the two slots will be (their headers and as many bytes as a slot of this rewrite can hold:
   * never more than the changed stretch), so that no step finds the journal's filesystem full.
   */
  reserveSlots(): void {
    const bytes = SLOT_HEADER + Math.min(this.meta.slotCap, this.meta.end - this.meta.off);
    for (const index of [0, 1]) writeZeros(this.jfd, this.slotAt(index), this.slotAt(index) + bytes);
  }

  /** Runs the steps from `w`, `prev` being the slot of the step before (or the whole slot of step `w` itself). */
  run(w: number, prev: Slot | null, redo: boolean): void {
    const { meta, plan, opts } = this;
    let seq = prev ? prev.seq : 0;
    let index = prev ? prev.index : 1;
    let i = plan.seek(w, 0);
    let first = redo;
    while (w < meta.end) {
      i = plan.seek(w, i);
      let n = first && prev ? prev.n : Math.min(meta.step, meta.end - w);
      if (!(first && prev)) {
        // Once the gap (how far below its source the content here lands) is wide, a step no wider than the gap
        // overwrites nothing the rest still needs: its slot is empty, and only its header is written.
        const gap = plan.minSourceFrom(w, i) - w;
        if (gap >= (opts.freeStepMin ?? FREE_STEP_MIN) && gap < n) n = gap;
      }
      const b = w + n;
      let slot: Slot;
      // This step's old bytes at or after its start, read at once from `from`.
      let from = 0;
      let read: Buffer | null = null;
      if (first && prev) {
        slot = prev;
      } else {
        const lo = Math.max(meta.off, plan.minSourceFrom(w, i));
        const a = Math.min(b, lo);
        index ^= 1;
        from = Math.max(w, lo);
        // When the step draws on far more than its size (most of the bytes under it are being expunged), read
        // what the slot needs here and the rest through the window.
        const to = Math.min(Math.max(a < b ? b : 0, this.sourceEnd(i, w, b)), from + 2 * meta.step);
        if (from < to) {
          read = this.buffer(this.readBufs, index, to - from);
          preadFully(this.fd, read, 0, to - from, from);
        }
        let bytes: Buffer;
        if (a >= w) {
          bytes = read && a < b ? read.subarray(a - from, b - from) : Buffer.alloc(0);
        } else {
          // Content moved up: old bytes below this step come from the previous slot.
          if (!prev || prev.a > a || prev.b !== w) throw new Error(`rewrite: no journaled bytes for ${a}..${w}`);
          bytes = this.buffer(this.slotBufs, index, b - a);
          prev.bytes.copy(bytes, 0, a - prev.a, w - prev.a);
          if (read) read.copy(bytes, w - a, 0, b - w);
        }
        if (opts.stepSync && prev) fdatasyncSync(this.fd);
        slot = { seq: ++seq, index, w, n, a, b, bytes };
        this.writeSlot(slot);
      }
      first = false;
      // The new content of [w, b): gathered as views of the bytes in memory (this step's read, the slot, the new
      // data) and written with one pwritev, so the moved bytes are not copied again into an output buffer; with
      // writeSize (tests, to be killed mid-step), joined and written in pieces.
      const iov: Buffer[] = [];
      for (let j = i; j < plan.count && (plan.dst[j] as number) < b; j++) {
        const d = plan.dst[j] as number;
        const lo = Math.max(d, w);
        const hi = Math.min(d + (plan.len[j] as number), b);
        const s = plan.src[j] as number;
        if (s < 0) {
          const at = -s - 1 + (lo - d);
          iov.push(plan.data.subarray(at, at + (hi - lo)));
        } else {
          this.sourceViews(s + (lo - d), hi - lo, slot, read, from, iov);
        }
      }
      if (opts.writeSize === undefined) {
        pwritevFully(this.fd, iov, w);
        opts.onStep?.('write');
      } else {
        const o = Buffer.concat(iov, n);
        for (let done = 0; done < n;) {
          const k = Math.min(opts.writeSize, n - done);
          pwriteFully(this.fd, o.subarray(done, done + k), w + done);
          done += k;
          opts.onStep?.('write');
        }
      }
      if (opts.fsync || opts.stepSync) startWriteback(this.fd, w, n);
      prev = slot;
      w = b;
    }
  }

  /** The end of the old bytes that the new content of [w, b) (from piece i on) is copied from. */
  private sourceEnd(i: number, w: number, b: number): number {
    const plan = this.plan;
    let end = 0;
    for (let j = i; j < plan.count && (plan.dst[j] as number) < b; j++) {
      const s = plan.src[j] as number;
      if (s < 0) continue;
      const d = plan.dst[j] as number;
      end = Math.max(end, s + (Math.min(d + (plan.len[j] as number), b) - d));
    }
    return end;
  }

  /** Read buffers and slot buffers, two of each used in turn like the slots: the previous step's stays readable. */
  private readonly readBufs: (Buffer | null)[] = [null, null];
  private readonly slotBufs: (Buffer | null)[] = [null, null];

  private buffer(pair: (Buffer | null)[], index: number, len: number): Buffer {
    let b = pair[index] ?? null;
    if (!b || b.length < len) {
      b = Buffer.allocUnsafe(Math.max(len, Math.min(this.meta.step, 8 << 20)));
      pair[index] = b;
    }
    return b.subarray(0, len);
  }

  /**
   * Old bytes [s, s + len) into out at o: from below the first change (never written), the slot, this step's
   * read, or the untouched rest past the step.
   */
  private source(s: number, len: number, out: Buffer, o: number, slot: Slot, read: Buffer | null, from: number): void {
    const end = s + len;
    if (s < this.meta.off) {
      const k = Math.min(end, this.meta.off) - s;
      this.old.read(s, k, out, o, this.meta.off);
      s += k;
      o += k;
    }
    if (s < end && s < slot.b) {
      if (s < slot.a) throw new Error(`rewrite: source ${s} below journaled ${slot.a}`);
      const k = Math.min(end, slot.b) - s;
      slot.bytes.copy(out, o, s - slot.a, s - slot.a + k);
      s += k;
      o += k;
    }
    if (s < end && read && s >= from && s < from + read.length) {
      const k = Math.min(end, from + read.length) - s;
      read.copy(out, o, s - from, s - from + k);
      s += k;
      o += k;
    }
    if (s < end) this.old.read(s, end - s, out, o, this.meta.oldSize);
  }

  /** As {@link source}, but pushes views of old [s, s + len) where they are in memory (copies only the rest). */
  private sourceViews(s: number, len: number, slot: Slot, read: Buffer | null, from: number, iov: Buffer[]): void {
    const end = s + len;
    if (s < end && s >= slot.a && s < slot.b) {
      const k = Math.min(end, slot.b) - s;
      iov.push(slot.bytes.subarray(s - slot.a, s - slot.a + k));
      s += k;
    }
    if (s < end && read && s >= from && s < from + read.length) {
      const k = Math.min(end, from + read.length) - s;
      iov.push(read.subarray(s - from, s - from + k));
      s += k;
    }
    if (s < end) {
      const rest = Buffer.allocUnsafe(end - s);
      this.source(s, end - s, rest, 0, slot, read, from);
      iov.push(rest);
    }
  }

  private writeSlot(slot: Slot): void {
    const at = this.slotAt(slot.index);
    if (slot.bytes.length) {
      pwriteFully(this.jfd, slot.bytes, at + SLOT_HEADER);
      this.opts.onStep?.('slot-bytes');
    }
    const h = Buffer.alloc(256, 0x20);
    // The CRC guards against a slot torn by a power failure; a killed process leaves whole headers (one write
    // within a page, after the bytes), so without stepSync it is not computed (-1).
    const crc = this.opts.stepSync ? crc32(slot.bytes) : -1;
    h.write(JSON.stringify({ seq: slot.seq, w: slot.w, n: slot.n, a: slot.a, b: slot.b, crc }) + '\n');
    pwriteFully(this.jfd, h, at);
    if (this.opts.stepSync) fdatasyncSync(this.jfd);
    this.opts.onStep?.('slot');
  }

  /** The newest slot whose bytes are whole, or null. */
  readSlots(): Slot | null {
    let best: Slot | null = null;
    for (const index of [0, 1]) {
      const at = this.slotAt(index);
      const h = Buffer.alloc(256);
      if (readInto(this.jfd, h, 0, 256, at) < 256) continue;
      let s: { seq: number; w: number; n: number; a: number; b: number; crc: number };
      try {
        s = JSON.parse(h.toString('latin1', 0, h.indexOf(0x0a)));
      } catch {
        continue;
      }
      if (![s.seq, s.w, s.n, s.a, s.b, s.crc].every(Number.isSafeInteger) || s.b < s.a || s.b - s.a > this.meta.slotCap) continue;
      const bytes = Buffer.allocUnsafe(s.b - s.a);
      if (bytes.length && readInto(this.jfd, bytes, 0, bytes.length, at + SLOT_HEADER) < bytes.length) continue;
      if (s.crc !== -1 && crc32(bytes) !== s.crc) continue;
      if (!best || s.seq > best.seq) best = { seq: s.seq, index, w: s.w, n: s.n, a: s.a, b: s.b, bytes };
    }
    return best;
  }

  /** Marks the bytes past the new end (when the file shrinks), commits, and cuts. */
  finish(keep: Buffer | null): void {
    const { fd, jfd, meta, opts } = this;
    const sync = opts.fsync || opts.stepSync;
    let mark = Buffer.alloc(0);
    if (meta.newSize < meta.oldSize) {
      // The mark overwrites old bytes a redo of the last step would read: note first that no step needs redoing.
      if (opts.stepSync) fsyncSync(fd);
      pwriteFully(jfd, Buffer.from('D'), STATE_AT);
      if (opts.stepSync) fdatasyncSync(jfd);
      opts.onStep?.('done');
      mark = randomBytes(Math.min(MARK_LEN, meta.oldSize - meta.newSize));
      mark[0] = 0;
      pwriteFully(fd, mark, meta.newSize);
      opts.onStep?.('marked');
    }
    if (sync) fsyncSync(fd);
    opts.onStep?.('written');
    const rec = Buffer.alloc(128, 0x20);
    rec.write(mark.toString('hex') + '\n');
    pwriteFully(jfd, rec, COMMIT_AT);
    pwriteFully(jfd, Buffer.from('1'), STATE_AT);
    if (opts.stepSync) fdatasyncSync(jfd);
    opts.onStep?.('committed');
    cut(fd, meta, keep, sync);
    opts.onStep?.('truncated');
  }
}

/** Cuts the file to the new size, with `keep` (mail appended after a crash) after it. */
function cut(fd: number, meta: Meta, keep: Buffer | null, sync: boolean): void {
  if (keep && keep.length) {
    pwriteFully(fd, keep, meta.newSize);
    ftruncateSync(fd, meta.newSize + keep.length);
  } else if (meta.newSize < meta.oldSize) {
    ftruncateSync(fd, meta.newSize);
  } else {
    return;
  }
  if (sync) fsyncSync(fd);
}

/**
 * Rewrites the file on `fd` with the forward engine. The caller checked that it applies (growth within the slot
 * capacity) and holds the exclusive locks.
 */
export function forwardRewrite(fd: number, oldSize: number, pieces: PieceList, a: Analysis, opts: ForwardOptions): void {
  const plan = planOf(pieces, a);
  const st = fstatSync(fd);
  const meta: Meta = {
    off: a.off, oldSize, newSize: a.newSize, end: a.end, count: plan.count, dataLen: plan.data.length,
    slotCap: opts.stepSize + a.maxGrowth, step: opts.stepSize, dev: String(st.dev), ino: String(st.ino),
  };
  const jfd = createJournalFile(opts.journalPath, constants.O_RDWR);
  // Until the first step, a failure (a full disk) leaves the mailbox as it was: the journal is then removed here.
  let touched = false;
  try {
    // 1. The plan and its data, room for the slots, then the trailer that says the journal is whole.
    const header = Buffer.alloc(HEADER2, 0x20);
    header.write(MAGIC2 + '0' + JSON.stringify(meta) + '\n');
    pwriteFully(jfd, header, 0);
    let at = HEADER2;
    let crc = 0;
    for (const b of [...plan.encode(), plan.data]) {
      pwriteFully(jfd, b, at);
      at += b.length;
      crc = crc32(b, crc);
    }
    const trailer = Buffer.from(`${TRAILER2}${crc}\n`);
    const trailerAt = at;
    const engine = new Engine(fd, jfd, meta, plan, opts, trailerAt + trailer.length);
    engine.reserveSlots();
    pwriteFully(jfd, trailer, trailerAt);
    if (opts.stepSync) fdatasyncSync(jfd);
    opts.onStep?.('journal');
    // 2. Never shorter than the new size until committed, so mail appended after a crash starts past both sizes;
    //    extended with zeros, so the steps need no page the filesystem does not hold yet.
    if (a.newSize > oldSize) {
      writeZeros(fd, oldSize, a.newSize);
      if (opts.stepSync) fsyncSync(fd);
      touched = true;
      pwriteFully(jfd, Buffer.from('E'), STATE_AT);
      if (opts.stepSync) fdatasyncSync(jfd);
      opts.onStep?.('extended');
    }
    touched = true;
    engine.run(a.off, null, false);
    engine.finish(null);
  } catch (e) {
    closeSync(jfd);
    if (!touched) unlinkSync(opts.journalPath);
    throw e;
  }
  closeSync(jfd);
  unlinkSync(opts.journalPath);
}

export interface ForwardRecovery {
  readonly action: 'discarded' | 'completed';
  readonly appended: number;
}

/**
 * Finishes an interrupted forward rewrite from its journal (open on `jfd`, already checked to be ours and to
 * start with {@link MAGIC2}). Removes nothing: the caller removes the journal afterwards.
 */
export function recoverForward(fd: number, jfd: number, opts: ForwardOptions): ForwardRecovery {
  const header = readExactly(jfd, 0, Math.min(HEADER2, fstatSync(jfd).size));
  const text = header.toString('latin1');
  let meta: Meta;
  try {
    meta = JSON.parse(text.slice(STATE_AT + 1, text.indexOf('\n', STATE_AT + 1)));
  } catch {
    return { action: 'discarded', appended: 0 };
  }
  const st = fstatSync(fd);
  if (header.length < HEADER2 || meta.dev !== String(st.dev) || meta.ino !== String(st.ino)) {
    return { action: 'discarded', appended: 0 };
  }
  const state = text[STATE_AT];
  const size = st.size;
  const sync = opts.fsync || opts.stepSync;
  if (state === '1') {
    // Committed: the new content is whole. Was the cut made? The marker past the new end says not yet.
    if (meta.newSize >= meta.oldSize) return { action: 'completed', appended: 0 };
    const hex = text.slice(COMMIT_AT, text.indexOf('\n', COMMIT_AT));
    const mark = Buffer.from(hex, 'hex');
    if (mark.length === 0 || size < meta.newSize + mark.length || !readExactly(fd, meta.newSize, mark.length).equals(mark)) {
      return { action: 'completed', appended: 0 };
    }
    const keep = readExactly(fd, meta.oldSize, Math.max(0, size - meta.oldSize));
    cut(fd, meta, keep, sync);
    return { action: 'completed', appended: keep.length };
  }
  if (state === 'D') {
    // Every step was done; mail appended since starts past both sizes (the file was extended, if it grew).
    const top = Math.max(meta.oldSize, meta.newSize);
    const keep = size > top ? readExactly(fd, top, size - top) : null;
    new Engine(fd, jfd, meta, Plan.decode(Buffer.alloc(0), 0, Buffer.alloc(0)), opts, HEADER2).finish(keep);
    return { action: 'completed', appended: keep ? keep.length : 0 };
  }
  // The plan must be whole, else the mailbox was not touched yet.
  const planLen = meta.count * 24;
  const trailerAt = HEADER2 + planLen + meta.dataLen;
  const tail = readExactly(jfd, trailerAt, Math.max(0, Math.min(64, fstatSync(jfd).size - trailerAt))).toString('latin1');
  const nl = tail.indexOf('\n');
  if (!tail.startsWith(TRAILER2) || nl < 0) return { action: 'discarded', appended: 0 };
  const encoded = readExactly(jfd, HEADER2, planLen);
  const data = readExactly(jfd, HEADER2 + planLen, meta.dataLen);
  if (String(crc32(data, crc32(encoded))) !== tail.slice(TRAILER2.length, nl)) return { action: 'discarded', appended: 0 };
  const plan = Plan.decode(encoded, meta.count, data);
  // Mail appended after the crash: past both sizes once the file was extended, else past the old size (after
  // any zeros of an extension made just before the crash).
  const extended = state === 'E';
  const top = extended ? Math.max(meta.oldSize, meta.newSize) : meta.oldSize;
  let keep: Buffer | null = size > top ? readExactly(fd, top, size - top) : null;
  if (keep && !extended) {
    let z = 0;
    while (z < keep.length && keep[z] === 0) z++;
    keep = keep.subarray(z);
  }
  if (meta.newSize > meta.oldSize && !extended) {
    // Killed before it could note the extension, so no step was taken. (Appended mail is then only in `keep` until
    // the cut puts it back.) With no room to extend, the rewrite is given up: the old content is whole.
    ftruncateSync(fd, meta.oldSize);
    try {
      writeZeros(fd, meta.oldSize, meta.newSize);
    } catch (e) {
      if (!isNoSpace(e)) throw e;
      if (keep && keep.length) pwriteFully(fd, keep, meta.oldSize);
      if (sync) fsyncSync(fd);
      return { action: 'discarded', appended: keep ? keep.length : 0 };
    }
    pwriteFully(jfd, Buffer.from('E'), STATE_AT);
  }
  const engine = new Engine(fd, jfd, meta, plan, opts, trailerAt + nl + 1);
  const slot = engine.readSlots();
  engine.run(slot ? slot.w : meta.off, slot, slot !== null);
  engine.finish(keep);
  return { action: 'completed', appended: keep ? keep.length : 0 };
}
