/**
 * Turning file bytes into served bytes and back.
 *
 * Served form (what IMAP FETCH and POP3 RETR send): CRLF line ends; the metadata headers left out; `>From `,
 * `>>From `... lines with one `>` less (mboxrd), except in bodies delimited by Content-Length (verbatim).
 * Stored form (what append writes): LF line ends; every line matching `>*From ` gets one more `>`, so that no mbox
 * reader splits the message and our reader gives back exactly the lines that were appended (a body line `From x`
 * and a body line `>From x` both survive); metadata headers in the message are renamed `X-Original-...` as UW does,
 * so a message cannot forge its own flags or UID.
 *
 * Pure: works on Buffers, no I/O (the addon's line counter only sizes output buffers).
 */

import { lineFeeds, nativeHeaderServer, nativeServer, type Server } from './native-count.js';

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const SP = 0x20;
const TAB = 0x09;

/** True when `buf[s..e)` matches `>+From ` (one or more `>`). */
export function isQuotedFrom(buf: Uint8Array, s: number, e: number): boolean {
  if (buf[s] !== GT) return false;
  let i = s + 1;
  while (i < e && buf[i] === GT) i++;
  return e - i >= 5 && buf[i] === 0x46 && buf[i + 1] === 0x72 && buf[i + 2] === 0x6f && buf[i + 3] === 0x6d &&
    buf[i + 4] === SP;
}

/** True when `buf[s..e)` matches `>*From ` (zero or more `>`): lines that append must quote. */
function needsQuote(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e && buf[i] === GT) i++;
  return e - i >= 5 && buf[i] === 0x46 && buf[i + 1] === 0x72 && buf[i + 2] === 0x6f && buf[i + 3] === 0x6d &&
    buf[i + 4] === SP;
}

/**
 * Whether `buf[s..e)` starts a metadata field (Status, X-Status, X-Keywords, X-UID, X-IMAP, X-IMAPbase: the names
 * UW hides), compared byte by byte without making a string: this runs for every header line a FETCH serves.
 */
function isMetaField(buf: Uint8Array, s: number, e: number): boolean {
  const c = (buf[s] ?? 0) | 0x20;
  if (c !== 0x73 && c !== 0x78) return false; // s, x
  let i = s;
  const limit = Math.min(e, s + 11);
  while (i < limit && buf[i] !== 0x3a) i++;
  if (i >= e || buf[i] !== 0x3a) return false;
  switch (i - s) {
    case 5: return ascii(buf, s, 'x-uid');
    case 6: return ascii(buf, s, 'status') || ascii(buf, s, 'x-imap');
    case 8: return ascii(buf, s, 'x-status');
    case 10: return ascii(buf, s, 'x-keywords') || ascii(buf, s, 'x-imapbase');
    default: return false;
  }
}

/** Whether the bytes at `s` are `lower` case-insensitively (`lower` is lower-case ASCII). */
function ascii(buf: Uint8Array, s: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const b = buf[s + k] ?? 0;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The served header from the file bytes between the `From ` line and the body: metadata lines and their
 * continuations left out, CRLF line ends, quoted `From ` lines unquoted. Includes the empty line when present.
 * Built in one buffer (at most one CR added per line), since this runs for every message of a FETCH ENVELOPE; in
 * the addon when it is there (`addon` false: the JS walk, the reference the tests hold the addon to).
 */
export function serveHeader(raw: Buffer, addon = true): Buffer {
  const native = addon ? nativeHeaderServer() : null;
  if (native !== null) {
    // The same walk in the addon (a copy per line from JS was most of serving a header; test/unit/served-count.test.ts
    // holds the two to the same bytes). Room for a CR per 16 bytes is room enough for most headers.
    let out = Buffer.allocUnsafe(raw.length + (raw.length >> 4) + 2);
    let w = native(raw, out);
    if (w < 0) {
      out = Buffer.allocUnsafe(raw.length + lineFeeds(raw) + 1);
      w = native(raw, out);
    }
    return out.subarray(0, w);
  }
  let lines = 0;
  for (let k = raw.indexOf(LF); k >= 0; k = raw.indexOf(LF, k + 1)) lines++;
  const out = Buffer.allocUnsafe(raw.length + lines);
  let w = 0;
  let hidden = false;
  let s = 0;
  while (s < raw.length) {
    let nl = raw.indexOf(LF, s);
    const hasLF = nl >= 0;
    if (!hasLF) nl = raw.length;
    const e = hasLF && nl > s && raw[nl - 1] === CR ? nl - 1 : nl;
    const c = raw[s];
    if (e > s && (c === SP || c === TAB)) {
      // continuation: follows its field
    } else {
      hidden = e > s && isMetaField(raw, s, e);
    }
    if (!hidden) {
      w += raw.copy(out, w, isQuotedFrom(raw, s, e) ? s + 1 : s, e);
      if (hasLF) {
        out[w++] = CR;
        out[w++] = LF;
      }
    }
    s = nl + 1;
  }
  return out.subarray(0, w);
}

/**
 * Converts file body bytes to served bytes, chunk by chunk: CRLF line ends and (unless verbatim) one `>` less on
 * `>+From ` lines. Keeps the state a line split across chunks needs.
 */
export class BodyServer {
  /** Bytes of the current line seen so far, when the line may still turn out to be a quoted From line. */
  private pending: Buffer | null = null;
  /** The previous chunk ended with CR (maybe the CR of a CRLF). */
  private heldCR = false;
  private atLineStart = true;
  /** The addon's walk state (see {@link walk}). */
  private readonly state = new Int32Array(4);

  /** `addon` false: the JS walk even when the addon is there (the reference the tests hold the addon to). */
  constructor(
    private readonly verbatim: boolean,
    private readonly addon = true,
  ) {}

  /**
   * Returns the served bytes for `chunk`, as one Buffer (or none): a body is served in a few large pieces, not a
   * piece per line, which would cost a promise per line in the streaming consumers.
   */
  push(chunk: Buffer): Buffer[] {
    const data = this.take(chunk);
    const native = this.addon ? nativeServer() : null;
    if (native !== null) {
      // A large piece (a big message streams in 64 KB pieces) gets a buffer of exactly its served size, its LFs
      // counted first: pieces in flight are what a 200 MB RETR's memory is. A small one (most bodies, whole) gets
      // room for a CR per 8 bytes, enough for most text; one of shorter lines is counted and served again.
      let out = Buffer.allocUnsafe(data.length > 16384 ? data.length + lineFeeds(data) + 1 : data.length + (data.length >> 3) + 2);
      let w = this.serveNative(native, data, out).octets;
      if (w < 0) {
        out = Buffer.allocUnsafe(data.length + lineFeeds(data) + 1);
        w = this.serveNative(native, data, out).octets;
      }
      return w > 0 ? [out.subarray(0, w)] : [];
    }
    // Served size is at most the input plus a CR per LF plus a held CR. Sized exactly when the addon can count the
    // LFs: bodies stream through here, and a buffer twice their size each time is memory the GC must get back.
    const lf = lineFeeds(data);
    const out = Buffer.allocUnsafe(data.length + (lf < 0 ? data.length : lf) + 1);
    const w = this.walk(data, out).octets;
    return w > 0 ? [out.subarray(0, w)] : [];
  }

  /**
   * Counts what {@link push} would return for `chunk` (octets and line ends) without building it: for sizing a
   * body before serving it, allocation-free so that sizing a huge message leaves no garbage behind.
   */
  count(chunk: Buffer): { octets: number; lines: number } {
    return this.walk(this.take(chunk), null);
  }

  /** The chunk with the bytes held back from the last one in front. */
  private take(chunk: Buffer): Buffer {
    if (!this.pending) return chunk;
    const data = Buffer.concat([this.pending, chunk]);
    this.pending = null;
    this.atLineStart = true;
    return data;
  }

  /**
   * The one pass both {@link push} and {@link count} make: line by line, CR before LF dropped and CRLF put back,
   * one `>` taken off quoted From lines. Writes into `out` when given; returns the served octets and line ends.
   */
  private walk(data: Buffer, out: Buffer | null): { octets: number; lines: number } {
    const native = this.addon ? nativeServer() : null;
    return native !== null ? this.serveNative(native, data, out) : this.walkJs(data, out);
  }

  /**
   * {@link walk} in the addon (memchr and memcpy rather than a JS step per line; test/unit/served-count.test.ts
   * holds the two to the same bytes). Octets -1 when `out` is too small, nothing changed.
   */
  private serveNative(native: Server, data: Buffer, out: Buffer | null): { octets: number; lines: number } {
    const st = this.state;
    st[0] = this.heldCR ? 1 : 0;
    st[1] = this.atLineStart ? 1 : 0;
    const octets = native(data, out, this.verbatim, st);
    if (octets < 0) return { octets, lines: 0 };
    this.heldCR = st[0] !== 0;
    this.atLineStart = st[1] !== 0;
    const pending = st[2] ?? -1;
    if (pending >= 0) this.pending = Buffer.from(data.subarray(pending));
    return { octets, lines: st[3] ?? 0 };
  }

  /** {@link walk} in JS, when the addon is not there. */
  private walkJs(data: Buffer, out: Buffer | null): { octets: number; lines: number } {
    let w = 0;
    let lines = 0;
    let s = 0;
    if (this.heldCR) {
      this.heldCR = false;
      if (data[0] !== LF) {
        if (out) out[w] = CR;
        w++;
      }
    }
    while (s < data.length) {
      if (this.atLineStart && !this.verbatim && data[s] === GT) {
        // Need the line's first bytes to know whether it is a quoted From line.
        let i = s;
        while (i < data.length && data[i] === GT) i++;
        if (data.length - i < 5 && data.indexOf(LF, s) < 0) {
          this.pending = Buffer.from(data.subarray(s));
          break;
        }
        if (isQuotedFrom(data, s, Math.min(data.length, i + 5))) s++;
      }
      const nl = data.indexOf(LF, s);
      if (nl < 0) {
        let e = data.length;
        if (data[e - 1] === CR) {
          this.heldCR = true;
          e--;
        }
        w += out ? data.copy(out, w, s, e) : e - s;
        this.atLineStart = false;
        break;
      }
      const e = nl > s && data[nl - 1] === CR ? nl - 1 : nl;
      if (out) {
        w += data.copy(out, w, s, e);
        out[w++] = CR;
        out[w++] = LF;
      } else {
        w += e - s + 2;
      }
      lines++;
      this.atLineStart = true;
      s = nl + 1;
    }
    return { octets: w, lines };
  }

  /** Served bytes still held back at the end of the body. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.pending) out.push(this.pending);
    if (this.heldCR) out.push(Buffer.from([CR]));
    this.pending = null;
    this.heldCR = false;
    return out;
  }
}

/**
 * Converts a message as a client sent it into its stored form (see the module comment): returns the header
 * lines (LF ends, metadata renamed, quoted), whether an empty line ended the header, and the body lines.
 * Lines are LF-terminated; a last line without a line end gets one (mbox cannot keep it without).
 */
export class MessageStorer {
  private carry: Buffer | null = null;
  private inHeader = true;
  /** Header bytes in stored form (kept to place the metadata block before the empty line). */
  readonly header: Buffer[] = [];
  headerEnded = false;

  /** The body output buffer, reused from push to push. */
  private readonly out = new BodyOut();

  /**
   * Feeds message bytes; returns stored body bytes ready to write (header bytes collect in {@link header}). Body
   * lines come back in one buffer per call, not a piece per line (an APPEND of 200 MB is millions of lines), and
   * that buffer is reused: what a push returns is valid until the next push (write it before pushing again).
   */
  push(chunk: Buffer): Buffer[] {
    const out = this.out;
    out.reset();
    let s = 0;
    if (this.carry) {
      // Finish the line the last chunk ended in, without copying this chunk whole.
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return [];
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      this.lines(line, 0, out);
      s = nl + 1;
    }
    s = this.lines(chunk, s, out);
    if (s < chunk.length) this.carry = Buffer.from(chunk.subarray(s));
    return out.take();
  }

  /** Stores the whole lines of `data` from `s`; returns where the first incomplete line starts. */
  private lines(data: Buffer, s: number, out: BodyOut): number {
    for (;;) {
      const nl = data.indexOf(LF, s);
      if (nl < 0) return s;
      const e = nl > s && data[nl - 1] === CR ? nl - 1 : nl;
      if (this.inHeader) this.headerLine(data, s, e);
      else out.line(data, s, e);
      s = nl + 1;
    }
  }

  /** Flushes the last line (adding its LF). Like {@link push}, valid until the next call. */
  end(): Buffer[] {
    const out = this.out;
    out.reset();
    if (this.carry && this.carry.length > 0) {
      const c = this.carry;
      const e = c[c.length - 1] === CR ? c.length - 1 : c.length;
      if (this.inHeader) this.headerLine(c, 0, e);
      else out.line(c, 0, e);
    }
    this.carry = null;
    return out.take();
  }

  /** A header line into {@link header} in stored form; the empty line ends the header. */
  private headerLine(data: Buffer, s: number, e: number): void {
    if (e === s) {
      this.inHeader = false;
      this.headerEnded = true;
      return;
    }
    if (isMetaField(data, s, e)) this.header.push(Buffer.from('X-Original-'));
    if (needsQuote(data, s, e)) this.header.push(Buffer.from('>'));
    this.header.push(Buffer.from(data.subarray(s, e)), Buffer.from('\n'));
  }
}

/** Stored body lines of one push, gathered in one buffer (sized by the LF count: at most one `>` per line). */
class BodyOut {
  private buf: Buffer | null = null;
  private w = 0;
  private sized = false;

  reset(): void {
    this.w = 0;
    this.sized = false;
  }

  line(data: Buffer, s: number, e: number): void {
    if (!this.sized) {
      this.sized = true;
      const lf = lineFeeds(data);
      const need = data.length + (lf < 0 ? data.length : lf) + 1;
      if (this.buf === null || this.buf.length < need) this.buf = Buffer.allocUnsafe(need);
    }
    if (this.buf === null) return;
    if (this.buf.length - this.w < e - s + 2) {
      // A carried line (its own small buffer) followed by the chunk: grow.
      const next = Buffer.allocUnsafe(this.buf.length * 2 + (e - s) + 2);
      this.buf.copy(next, 0, 0, this.w);
      this.buf = next;
    }
    if (needsQuote(data, s, e)) this.buf[this.w++] = GT;
    this.w += data.copy(this.buf, this.w, s, e);
    this.buf[this.w++] = LF;
  }

  take(): Buffer[] {
    return this.buf !== null && this.w > 0 ? [this.buf.subarray(0, this.w)] : [];
  }
}

