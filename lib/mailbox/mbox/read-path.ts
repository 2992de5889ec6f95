/**
 * The read path of an open mbox: a message's metadata as a live view of its index row, its served sizes, and its
 * header, body and whole text served from the file (small reads through the read-ahead window), each read checked
 * against the file having changed under it: sessions read without a lock between syncs, and another writer may
 * have moved the bytes.
 */
import { fstatSync, readSync } from 'node:fs';
import type { MessageMeta, SizedBody } from '../driver.js';
import { MailboxError } from '../driver.js';
import { readInto } from './byte-source.js';
import { servedCount } from './served-count.js';
import { Bit } from './message-index.js';
import { BodyServer, serveHeader } from './render.js';
import { MAX_RESYNCS, SERVE_STEP, type MailboxState, sameSnapshot, snapshotOf } from './mailbox-state.js';
import { sync } from './reconcile.js';

/**
 * {@link MessageMeta} read from an index row when asked. A row number stays valid while the caller holds it
 * within one command (rows move only at sync and expunge, between commands), as with the plain object it replaces.
 */
class RowMeta implements MessageMeta {
  constructor(
    private readonly box: MailboxState,
    private readonly r: number,
  ) {}

  get uid(): number {
    return this.box.idx.uid(this.r);
  }

  get flags(): number {
    return this.box.idx.flags(this.r);
  }

  get keywords(): readonly string[] {
    return this.box.keywordNames(this.box.idx.keywordMask(this.r));
  }

  get recent(): boolean {
    return (this.box.idx.bits(this.r) & Bit.Recent) !== 0;
  }

  get internalDate(): { time: number; zone: number } {
    return { time: this.box.idx.time(this.r), zone: this.box.idx.zone(this.r) };
  }

  get size(): number {
    sizes(this.box, this.r);
    return this.box.idx.size(this.r);
  }

  get lfSize(): number {
    sizes(this.box, this.r);
    return this.box.idx.lfSize(this.r);
  }

  get modseq(): number {
    return this.box.idx.modseq(this.r);
  }

  /**
   * RFC 8514 §3: "the current date and time at which the message is delivered to a mailbox MUST be used to set the
   * save date". A message one of our sessions saved (APPEND, COPY, MOVE) has that moment in the index, shown in
   * the server's zone. Mail a delivery agent appended (procmail, mail.local, UW's tmail) has its `From ` line,
   * which the agent wrote at delivery: the INTERNALDATE is that moment, and serves as the save date. Not the moment
   * a session first saw it: the first open after an upgrade would date every old message that day, and mail
   * delivered while nobody looked would be dated when the user came back. (A program that moves messages between
   * mbox files keeping their `From ` lines, as mutt does, leaves their original delivery date: nothing in the file
   * says otherwise.) Every message has one, so no FETCH SAVEDATE here is NIL (§4.2 keeps NIL for storage that
   * has none).
   */
  get saveDate(): { time: number; zone: number } {
    const s = this.box.idx.saved(this.r);
    if (s === 0) return this.internalDate;
    const time = s * 1000;
    return { time, zone: this.box.env.clock.zoneAt(time) };
  }

  /** A plain snapshot (for logs and tests that compare metadata as data). */
  toJSON(): MessageMeta {
    const { uid, flags, keywords, recent, internalDate, size, lfSize, modseq } = this;
    return { uid, flags, keywords, recent, internalDate, size, lfSize, modseq };
  }
}

/**
 * Counts a body's served size (the scan finds bodies without reading them line by line): feeds the body through
 * the same BodyServer that serves it, so the size announced is the size sent.
 */
function sizes(box: MailboxState, r: number): void {
  const x = box.idx;
  if (x.bodySize(r) >= 0) return;
  if (x.bits(r) & Bit.Gone) {
    x.setBodySizes(r, 0, 0);
    return;
  }
  // Counted once: the saved index is saved again with the count (saved-index.ts).
  box.covered = false;
  const verbatim = (x.bits(r) & Bit.Verbatim) !== 0;
  const end = x.bodyEnd(r);
  if (end - x.bodyStart(r) <= SERVE_STEP) {
    // An ordinary body: in one piece from the read-ahead window, counted natively.
    const c = servedCount(box.readRange(x.bodyStart(r), end - x.bodyStart(r)), verbatim);
    x.setBodySizes(r, c.octets, c.octets - c.lines);
    return;
  }
  // A large body: counted through one reused buffer, so sizing 200 MB leaves no garbage behind.
  const server = new BodyServer(verbatim);
  let size = 0;
  let lines = 0;
  const buf = Buffer.allocUnsafe(SERVE_STEP);
  for (let pos = x.bodyStart(r); pos < end;) {
    const n = readSync(box.fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) break;
    const c = server.count(buf.subarray(0, n));
    size += c.octets;
    lines += c.lines;
    pos += n;
  }
  for (const b of server.end()) size += b.length;
  x.setBodySizes(r, size, size - lines);
}

/**
 * Counts the served sizes of rows [0, end) not counted yet ({@link sizes}): a body not counted has size -1, found
 * by the column's own search (a cold JavaScript loop over 100,000 rows takes milliseconds).
 */
export function sizeAll(box: MailboxState, end = box.idx.length): void {
  const bs = box.idx.column('bodySize');
  for (let r = bs.indexOf(-1); r >= 0 && r < end; r = bs.indexOf(-1, r + 1)) sizes(box, r);
}

/** Whether any of the rows' served sizes is not counted yet. */
export function anyUnsized(box: MailboxState): boolean {
  const bs = box.idx.column('bodySize');
  const r = bs.indexOf(-1);
  return r >= 0 && r < box.idx.length;
}

/**
 * Messages 1..reported as columns (copies): their UIDs, system flags and served sizes, for callers that go
 * through every message (a POP3 listing) without an object per message.
 */
export function uidColumn(box: MailboxState): Uint32Array {
  return (box.idx.column('uid') as Uint32Array).slice(0, box.reported);
}

export function flagColumn(box: MailboxState): Uint8Array {
  return (box.idx.column('flags') as Uint8Array).slice(0, box.reported);
}

export function sizeColumn(box: MailboxState): Float64Array {
  const n = box.reported;
  const out = new Float64Array(n);
  sizeAll(box, n);
  const hs = box.idx.column('headerSize');
  const bs = box.idx.column('bodySize');
  for (let r = 0; r < n; r++) out[r] = (hs[r] as number) + (bs[r] as number);
  return out;
}

/**
 * The message's metadata as a live view of its index row: nothing is computed until asked, so callers that want
 * a UID or the flags of every message (SELECT's UNSEEN, SEARCH, UID sets) never read a body to size it; only
 * `size`/`lfSize` do, the first time.
 */
export function meta(box: MailboxState, seq: number): MessageMeta {
  return new RowMeta(box, box.row(seq));
}

function present(box: MailboxState, r: number): void {
  if (box.idx.bits(r) & Bit.Gone) {
    throw new MailboxError('CORRUPT', `message UID ${box.idx.uid(r)} was expunged by another session`);
  }
}

export async function parseableHeader(box: MailboxState, seq: number): Promise<Buffer> {
  box.live();
  const r = box.row(seq);
  present(box, r);
  return box.readRange(box.idx.headerStart(r), box.idx.bodyStart(r) - box.idx.headerStart(r));
}

/**
 * Whether the bytes of row `r` may have moved since they were read: the file changed since the index was last
 * brought up to date. Then it is brought up to date (the message keeps its row; its offsets are where it is
 * now) and the caller reads again. Sessions read without a lock between syncs, and other writers do move
 * messages they do not remove: UW's dmail and tmail rewrite the X-IMAPbase line of the first message at every
 * delivery, which shifts the whole file when its UID count gains a digit; a POP3 session never syncs otherwise.
 */
async function moved(box: MailboxState, r: number): Promise<boolean> {
  // Under our own locks the file changes only by our writes, which keep the index up to date except for what an
  // append adds at the end (no message we know lies there): the bytes are where the index says.
  if (box.locked !== null) return false;
  const snap = box.snap;
  const win = box.win;
  if (snap !== null && sameSnapshot(snapshotOf(fstatSync(box.fd, { bigint: true })), snap)) {
    box.checkedWin = win;
    return false;
  }
  await sync(box);
  present(box, r);
  return true;
}

/**
 * Whether `b` is a view of the current read-ahead window and a {@link moved} check found the file unchanged after
 * that window was read: its bytes are then the file as the index describes it, so no check is needed again. A
 * SEARCH or FETCH over many messages checks once per window rather than once per header and body read (an fstat
 * per read was a tenth of a SEARCH TEXT). The window is dropped whenever the index may change (sync, locking).
 */
function trusted(box: MailboxState, b: Buffer): boolean {
  const w = box.checkedWin;
  return w !== null && w === box.win && b.buffer === w.buffer;
}

export async function header(box: MailboxState, seq: number): Promise<Buffer> {
  box.live();
  const r = box.row(seq);
  present(box, r);
  let raw = box.readRange(box.idx.headerStart(r), box.idx.bodyStart(r) - box.idx.headerStart(r));
  for (let i = 0; i < MAX_RESYNCS && !trusted(box, raw) && (await moved(box, r)); i++) {
    raw = box.readRange(box.idx.headerStart(r), box.idx.bodyStart(r) - box.idx.headerStart(r));
  }
  const h = serveHeader(raw);
  if (h.length !== box.idx.headerSize(r)) {
    throw new MailboxError('CORRUPT', `header of UID ${box.idx.uid(r)} changed on disk`);
  }
  return h;
}

export function text(box: MailboxState, seq: number, range?: { offset: number; length: number }): SizedBody {
  const r = box.row(seq);
  present(box, r);
  const start = box.idx.bodyStart(r);
  const end = box.idx.bodyEnd(r);
  const verbatim = (box.idx.bits(r) & Bit.Verbatim) !== 0;
  // The served size is counted when first asked: SEARCH and POP3 TOP read whole bodies without asking, and
  // counting would read each body once more.
  let bounds: { offset: number; size: number } | null = null;
  const sized = (): { offset: number; size: number } => {
    if (bounds === null) {
      sizes(box, r);
      const total = box.idx.bodySize(r);
      const offset = Math.min(range?.offset ?? 0, total);
      bounds = { offset, size: Math.min(range?.length ?? total, total - offset) };
    }
    return bounds;
  };
  if (range !== undefined) sized();
  return {
    get size(): number {
      return sized().size;
    },
    async *chunks(): AsyncIterable<Uint8Array> {
      box.live();
      const server = new BodyServer(verbatim);
      // The whole body, its size never asked (nor known): served to its end, with nothing to hold it to.
      const want = bounds ?? (box.idx.bodySize(r) >= 0 ? sized() : null);
      let skip = want?.offset ?? 0;
      let left = want?.size ?? Infinity;
      const emit = function* (bufs: Buffer[]): Generator<Buffer> {
        for (let b of bufs) {
          if (left <= 0) return;
          if (skip > 0) {
            if (b.length <= skip) {
              skip -= b.length;
              continue;
            }
            b = b.subarray(skip);
            skip = 0;
          }
          if (b.length > left) b = b.subarray(0, left);
          left -= b.length;
          yield b;
        }
      };
      const step = SERVE_STEP;
      // A large body streams in fresh reads of its own (through the window it would cost a 256 KB buffer per
      // four chunks for the GC to get back); small ones come from the window.
      const large = end - start > step;
      // One read buffer for all of a large body's pieces: the body server copies what it keeps, and what it hands
      // out is its own. With the pieces served in the addon little else is garbage, so fresh read buffers piled up
      // until V8 noticed the memory (a 200 MB RETR peaked ~8 MB higher).
      const readBuf = large ? Buffer.allocUnsafe(step) : null;
      // Where the body is is asked of the index at each piece: if the file changed under us, the index is brought
      // up to date and the piece read again where the message is now (see moved()).
      let raw = 0;
      let resyncs = 0;
      while (left > 0) {
        const pos = box.idx.bodyStart(r) + raw;
        const stop = box.idx.bodyEnd(r);
        if (pos >= stop) break;
        const n = Math.min(step, stop - pos);
        const chunk = readBuf !== null ? readBuf.subarray(0, readInto(box.fd, readBuf, 0, n, pos)) : box.readRange(pos, n);
        if (chunk.length === 0) break;
        if (resyncs < MAX_RESYNCS && !trusted(box, chunk) && (await moved(box, r))) {
          resyncs++;
          continue;
        }
        raw += chunk.length;
        yield* emit(server.push(chunk));
      }
      if (left > 0) yield* emit(server.end());
      if (want !== null && left !== 0) throw new MailboxError('CORRUPT', `body of UID ${box.idx.uid(r)} changed on disk`);
    },
  };
}

export function message(box: MailboxState, seq: number): SizedBody {
  const r = box.row(seq);
  sizes(box, r);
  const hsize = box.idx.headerSize(r);
  const body = text(box, seq);
  return {
    size: hsize + body.size,
    async *chunks(): AsyncIterable<Uint8Array> {
      yield await header(box, seq);
      yield* body.chunks();
    },
  };
}
