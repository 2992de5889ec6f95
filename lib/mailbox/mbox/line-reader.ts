/**
 * Reads a {@link ByteSource} line by line without copying lines: each line is a range of the reader's current
 * window buffer. Only a line that straddles two reads is copied (the partial line is joined to the next read).
 */
import type { ByteSource } from './byte-source.js';

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);
const FROM_ = Buffer.from('From ');
const NL_FROM_ = Buffer.from('\nFrom ');

export class LineReader {
  /** The window holding the current line. Valid until the next call to next() or seek(). */
  buf: Buffer = EMPTY;
  /** File offset of buf[0]. */
  private bufPos = 0;
  /** Start of the current line in {@link buf}. */
  start = 0;
  /** End of the current line's content in {@link buf}: before its LF, and before a CR that precedes the LF. */
  end = 0;
  /** The current line ended with LF (false only for a last line at the end of the source). */
  hasLF = false;
  /** File offset of the current line. */
  offset = 0;
  /** File offset of the line after the current one. */
  private nextPos = 0;

  constructor(
    private readonly src: ByteSource,
    start: number,
    private readonly window = 1 << 20,
  ) {
    this.nextPos = start;
    this.bufPos = start;
  }

  /** File offset where the next line starts (the end of the current line, its LF included). */
  get position(): number {
    return this.nextPos;
  }

  /** Makes `offset` the start of the next line. */
  seek(offset: number): void {
    this.nextPos = offset;
  }

  /** A reused window when the source offers them (at most the current and the previous one are in use). */
  private readWindow(pos: number, length: number): Buffer {
    return this.src.window ? this.src.window(pos, length) : this.src.read(pos, length);
  }

  /** A window read while joining a straddling line, to go on in once past that line. */
  private pending: Buffer | null = null;
  private pendingPos = 0;

  private usePending(pos: number): void {
    if (this.pending && pos >= this.pendingPos && pos <= this.pendingPos + this.pending.length) {
      this.buf = this.pending;
      this.bufPos = this.pendingPos;
    }
    this.pending = null;
  }

  /**
   * Makes the window hold `pos` and at least the `min` bytes after it that the source has (reading a new window
   * when it does not; a source may hand out fewer bytes per read than asked).
   */
  private windowAt(pos: number, min: number): void {
    this.usePending(pos);
    const want = Math.min(min, this.src.size - pos);
    if (pos >= this.bufPos && pos + want <= this.bufPos + this.buf.length) return;
    const parts: Buffer[] = [];
    let got = 0;
    const size = Math.max(this.window, min);
    while (pos + got < this.src.size && (got < want || parts.length === 0)) {
      const b = parts.length === 0 ? this.readWindow(pos, size) : this.src.read(pos + got, size - got);
      if (b.length === 0) break;
      parts.push(b);
      got += b.length;
    }
    this.buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    this.bufPos = pos;
  }

  /** The byte at file offset `pos` (-1 past the end), from the window when it holds it. */
  byteAt(pos: number): number {
    if (pos < 0 || pos >= this.src.size) return -1;
    if (pos >= this.bufPos && pos < this.bufPos + this.buf.length) return this.buf[pos - this.bufPos] ?? -1;
    return this.src.read(pos, 1)[0] ?? -1;
  }

  /**
   * Moves to the next line, at or after `from`, that begins with `From ` and for which `accept` holds, searching
   * the windows natively instead of line by line; `from` counts as a line start when `atLineStart`. On success the
   * reader's current line is that line and true is returned; at the end of the source, false (position: the end).
   */
  nextFromLine(from: number, atLineStart: boolean, accept: (buf: Buffer, start: number, end: number) => boolean): boolean {
    let at = from;
    let lineStart = atLineStart;
    for (;;) {
      if (at >= this.src.size) {
        this.nextPos = this.src.size;
        return false;
      }
      // Look for "\nFrom " from the byte before `at` (or "From " at `at` itself when it starts a line).
      const base = lineStart ? at : at - 1;
      this.windowAt(base, NL_FROM_.length + 1);
      let hit = -1;
      if (lineStart && this.buf.subarray(base - this.bufPos, base - this.bufPos + FROM_.length).equals(FROM_)) hit = base;
      if (hit < 0) {
        const k = this.buf.indexOf(NL_FROM_, Math.max(0, base - this.bufPos));
        if (k >= 0) hit = this.bufPos + k + 1;
      }
      if (hit < 0) {
        const end = this.bufPos + this.buf.length;
        if (end >= this.src.size) {
          this.nextPos = this.src.size;
          return false;
        }
        // Go on in the next window, overlapping enough to find a "\nFrom " cut by the window's end.
        at = Math.max(at + 1, end - NL_FROM_.length + 1);
        lineStart = false;
        continue;
      }
      this.nextPos = hit;
      if (!this.next()) return false;
      if (accept(this.buf, this.start, this.end)) return true;
      at = hit + 1;
      lineStart = false;
    }
  }

  /** The bytes [start, end) when the current window holds them all (a view), else null. */
  view(start: number, end: number): Buffer | null {
    if (start < this.bufPos || end > this.bufPos + this.buf.length) return null;
    return this.buf.subarray(start - this.bufPos, end - this.bufPos);
  }

  /** Advances to the next line. Returns false at the end of the source. */
  next(): boolean {
    const pos = this.nextPos;
    if (pos >= this.src.size) return false;
    this.usePending(pos);
    let i = pos - this.bufPos;
    if (i < 0 || i > this.buf.length) {
      this.buf = EMPTY;
      this.bufPos = pos;
      i = 0;
    }
    let nl = this.buf.indexOf(LF, i);
    while (nl < 0) {
      const have = this.bufPos + this.buf.length;
      const more = have < this.src.size ? this.readWindow(have, this.window) : EMPTY;
      if (more.length === 0) {
        // A last line without LF.
        if (i >= this.buf.length) return false;
        this.start = i;
        this.end = this.buf.length;
        this.hasLF = false;
        this.offset = pos;
        this.nextPos = have;
        return true;
      }
      const keep = this.buf.length - i;
      if (keep === 0) {
        this.buf = more;
        this.bufPos = have;
        i = 0;
        nl = more.indexOf(LF);
        continue;
      }
      const k = more.indexOf(LF);
      if (k >= 0) {
        // The line straddles two reads: copy just this line out, and go on in the new window after it (copying
        // the whole window for every straddling line would cost as much as reading it).
        const line = Buffer.concat([this.buf.subarray(i), more.subarray(0, k + 1)]);
        this.pending = more;
        this.pendingPos = have;
        this.buf = line;
        this.bufPos = pos;
        i = 0;
        nl = line.length - 1;
        break;
      }
      this.buf = Buffer.concat([this.buf.subarray(i), more]);
      this.bufPos = pos;
      i = 0;
      nl = this.buf.indexOf(LF, keep);
    }
    this.start = i;
    this.end = nl > i && this.buf[nl - 1] === CR ? nl - 1 : nl;
    this.hasLF = true;
    this.offset = pos;
    this.nextPos = this.bufPos + nl + 1;
    return true;
  }
}
