/**
 * Reads a {@link ByteSource} line by line without copying lines: each line is a range of the reader's current
 * window buffer. Only a line that straddles two reads is copied (the partial line is joined to the next read).
 */
import type { ByteSource } from './byte-source.js';

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

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

  /** Advances to the next line. Returns false at the end of the source. */
  next(): boolean {
    const pos = this.nextPos;
    if (pos >= this.src.size) return false;
    let i = pos - this.bufPos;
    if (i < 0 || i > this.buf.length) {
      this.buf = EMPTY;
      this.bufPos = pos;
      i = 0;
    }
    let nl = this.buf.indexOf(LF, i);
    while (nl < 0) {
      const have = this.bufPos + this.buf.length;
      const more = have < this.src.size ? this.src.read(have, this.window) : EMPTY;
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
      this.buf = keep > 0 ? Buffer.concat([this.buf.subarray(i), more]) : more;
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
