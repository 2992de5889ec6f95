/**
 * The mbox scanner: finds message boundaries and reads the per-message metadata headers, in one pass that never
 * holds more than a window of the file.
 *
 * Message boundaries follow UW c-client (unix.c), so that UW, Dovecot and we agree on message counts and so on UIDs:
 * - leading blank bytes of the file are skipped; a message starts at a `From ` line that passes UW's VALID test
 *   (see from-line.ts), at the start of the file or after a newline;
 * - the header runs to the first empty line; the body runs to the next valid `From ` line;
 * - the empty line before the next `From ` line is the separator, not part of the message;
 * - where a message carries a `Content-Length:` that lands exactly on the next `From ` line or the end of the file
 *   (Dovecot writes those and does not quote `From ` in bodies), the body is exactly that long: a `From ` line inside
 *   it does not split the message, and its `>From ` lines are taken verbatim.
 *
 * What clients see of a message leaves out the metadata headers `Status:`, `X-Status:`, `X-Keywords:`, `X-UID:`,
 * `X-IMAP:` and `X-IMAPbase:` (matched without regard to case, with their continuation lines, as UW discards them).
 * Lines end in CRLF on the wire whatever the file has (a CR before LF in the file is dropped and put back), and a
 * body line `>From `, `>>From `... loses one `>` (mboxrd), unless the body is verbatim (Content-Length). Sizes are
 * counted that way, with CRLF and with LF line ends.
 *
 * Metadata is reported raw; the driver decides what to believe (UIDs must increase, keywords come from the base
 * header, ...), as UW's parser does.
 */
import { nativeCounter } from './native-count.js';
import type { InternalDate } from '../driver.js';
import { readFully, type ByteSource } from './byte-source.js';
import { Flag } from '../driver.js';
import { isFromLine, parseFromLine, type ZoneOf } from './from-line.js';
import { LineReader } from './line-reader.js';
import { isQuotedFrom } from './render.js';

/** UIDVALIDITY, last UID and keyword list, from `X-IMAP:` (UW's pseudo-message) or `X-IMAPbase:` (first message). */
interface MailboxBase {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: string[];
  /** From `X-IMAP:`: the message holding it is UW's "FOLDER INTERNAL DATA" pseudo-message, not mail. */
  readonly pseudo: boolean;
}

export interface ScannedMessage {
  /** File offset of the `From ` line. */
  start: number;
  /** File offset just past the `From ` line. */
  headerStart: number;
  /** File offset just past the header's empty line (equal to {@link bodyEnd} when the header has none). */
  bodyStart: number;
  /** File offset of the end of the body, the separator empty line left out. */
  bodyEnd: number;
  /** File offset where the next message starts, or the end of the scanned range. */
  end: number;
  date: InternalDate;
  /** {@link Flag} bits from `Status:` and `X-Status:`. */
  flags: number;
  /** `Status:` holds `O`: the message was seen by a session before (not \Recent). */
  old: boolean;
  /** `X-UID:` value, 0 when absent. */
  uid: number;
  /** `X-Keywords:` names, null when absent. */
  keywords: string[] | null;
  /** Only on the first message of the file. */
  base: MailboxBase | null;
  /**
   * The first message of the file carries an `X-IMAP:` or `X-IMAPbase:` line that cannot be read (not two numbers,
   * a UIDVALIDITY of 0 or above 2^32 - 1): the mailbox's UID data is lost, and it gets a new UIDVALIDITY, as UW
   * gives it. Reported so that whoever opens it can say so; never set when a readable one follows.
   */
  badBase: boolean;
  /** Served header octets (CRLF line ends, metadata left out, empty line included) and the same with LF. */
  headerSize: number;
  headerLfSize: number;
  /** Served body octets (CRLF line ends, mboxrd unquoting) and the same with LF. */
  bodySize: number;
  bodyLfSize: number;
  /** The body's length came from a matching `Content-Length:`; its bytes are served as they are. */
  verbatim: boolean;
  /** The body holds `>From ` lines that are served with one `>` less. */
  quoted: boolean;
  /**
   * Where the metadata lines are: [metaStart, metaEnd) when they form one run of whole lines; metaStart is -1 when
   * the header has none, -2 when they are scattered among other header lines.
   */
  metaStart: number;
  metaEnd: number;
  /** FNV-1a hash of the metadata lines' bytes: a cheap way to notice that another process changed them. */
  metaHash: number;
}

export interface ScanOptions {
  /** File offset to start at (a message boundary). Default 0. */
  readonly start?: number;
  /** The first message found is the first of the file (its X-IMAP/X-IMAPbase count). Default: start === 0. */
  readonly atFileStart?: boolean;
  /** Read size. Default 1 MiB. */
  readonly window?: number;
  /** Zone for `From ` lines that carry none. */
  readonly localZone: ZoneOf;
  /**
   * Find body ends by searching for `\nFrom ` natively instead of reading bodies line by line: much faster, but
   * body sizes are then left at -1 for the caller to count when first needed (bodySizes()). Default false.
   */
  readonly lazyBodies?: boolean;
}

export interface ScanResult {
  /** Bytes before the first message that are not blank: the range does not start at a message boundary. */
  readonly garbage: { start: number; end: number } | null;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const GT = 0x3e;
const F = 0x46;

/** Metadata header kinds (0: an ordinary header). */
const enum Meta {
  None = 0,
  Status,
  XStatus,
  XKeywords,
  XUid,
  XImap,
  XImapBase,
  ContentLength,
}

/**
 * Scans `src` from `opts.start` to its end, calling `onMessage` for each message in file order. The ScannedMessage
 * object belongs to the callee once passed.
 */
export function scanMbox(src: ByteSource, opts: ScanOptions, onMessage: (m: ScannedMessage) => void): ScanResult {
  const start = opts.start ?? 0;
  let atFileStart = opts.atFileStart ?? start === 0;
  // Skip blank bytes before the first message, as UW does for broken MTAs.
  let pos = start;
  for (;;) {
    const b = src.read(pos, 4096);
    let i = 0;
    while (i < b.length && (b[i] === LF || b[i] === CR || b[i] === SP || b[i] === TAB)) i++;
    pos += i;
    if (i < b.length || b.length === 0) break;
  }
  const r = new LineReader(src, pos, opts.window);
  let garbage: ScanResult['garbage'] = null;
  let more = r.next();
  while (more && !isFromLine(r.buf, r.start, r.end)) {
    garbage = { start: pos, end: r.position };
    more = r.next();
  }
  const lazy = opts.lazyBodies ?? false;
  while (more) {
    const m = newMessage(r, opts.localZone);
    more = scanMessage(src, r, m, atFileStart, lazy);
    atFileStart = false;
    onMessage(m);
  }
  return { garbage };
}

function newMessage(r: LineReader, zone: ZoneOf): ScannedMessage {
  const date = parseFromLine(r.buf, r.start, r.end, zone) ?? { time: 0, zone: 0 };
  return {
    start: r.offset, headerStart: r.position, bodyStart: r.position, bodyEnd: r.position, end: r.position, date,
    flags: 0, old: false, uid: 0, keywords: null, base: null, badBase: false,
    headerSize: 0, headerLfSize: 0, bodySize: 0, bodyLfSize: 0, verbatim: false, quoted: false,
    metaStart: -1, metaEnd: -1, metaHash: FNV_INIT,
  };
}

/**
 * Reads the message whose `From ` line is the reader's current line. Leaves the reader on the next message's
 * `From ` line and returns true, or returns false at the end of the source.
 */
function scanMessage(src: ByteSource, r: LineReader, m: ScannedMessage, first: boolean, lazy: boolean): boolean {
  // ---- header ----
  let hiddenRun = -1; // start of the current run of metadata lines
  let hiddenRunEnd = -1;
  let scattered = false;
  let hidden = false; // the previous header line was metadata (its continuations are too)
  let contentLength = -1;
  let more = r.next();
  while (more) {
    const { buf, start: s, end: e } = r;
    if (e === s && r.hasLF) {
      // The empty line ending the header.
      m.headerSize += 2;
      m.headerLfSize += 1;
      more = r.next();
      break;
    }
    if (isFromLine(buf, s, e)) {
      // A header without an empty line, cut short by the next message.
      m.bodyStart = m.bodyEnd = m.end = r.offset;
      finishMeta(m, hiddenRun, hiddenRunEnd, scattered);
      return true;
    }
    const first0 = buf[s];
    let kind: Meta;
    if (first0 === SP || first0 === TAB) {
      kind = hidden ? Meta.XStatus : Meta.None; // any non-zero kind: the continuation stays hidden
    } else {
      kind = metaKind(buf, s, e);
      if (kind !== Meta.None && kind !== Meta.ContentLength) parseMeta(kind, buf, s, e, m, first);
      if (kind === Meta.ContentLength) contentLength = parseDecimal(buf, s + 15, e);
    }
    if (kind !== Meta.None && kind !== Meta.ContentLength) {
      m.metaHash = fnv1a(buf, s, e, m.metaHash);
      hidden = true;
      if (hiddenRun < 0) hiddenRun = r.offset;
      else if (hiddenRunEnd !== r.offset) scattered = true;
      hiddenRunEnd = r.position;
    } else {
      hidden = false;
      const len = e - s - (first0 === GT && isQuotedFrom(buf, s, e) ? 1 : 0);
      m.headerSize += len + (r.hasLF ? 2 : 0);
      m.headerLfSize += len + (r.hasLF ? 1 : 0);
    }
    more = r.next();
  }
  finishMeta(m, hiddenRun, hiddenRunEnd, scattered);
  m.bodyStart = more ? r.offset : r.position;

  // ---- body ----
  let verbatimEnd = -1;
  if (contentLength >= 0 && more) {
    const at = contentLengthEnd(src, m.bodyStart, contentLength);
    if (at >= 0) {
      verbatimEnd = at;
      m.verbatim = true;
    }
  }
  if (lazy) return skipBody(src, r, m, more, verbatimEnd);
  let lastBlank = -1; // offset of the last line if it was empty
  while (more) {
    const { buf, start: s, end: e } = r;
    const c = buf[s];
    if (r.offset >= verbatimEnd) {
      if (c === F && isFromLine(buf, s, e)) break;
      if (c === GT && isQuotedFrom(buf, s, e)) {
        m.bodySize--;
        m.bodyLfSize--;
        m.quoted = true;
      }
    }
    const len = e - s;
    if (r.hasLF) {
      m.bodySize += len + 2;
      m.bodyLfSize += len + 1;
      lastBlank = len === 0 && r.offset >= verbatimEnd ? r.offset : -1;
    } else {
      m.bodySize += len;
      m.bodyLfSize += len;
      lastBlank = -1;
    }
    more = r.next();
  }
  const end = more ? r.offset : r.position;
  m.end = end;
  if (lastBlank >= 0) {
    m.bodyEnd = lastBlank;
    m.bodySize -= 2;
    m.bodyLfSize -= 1;
  } else {
    m.bodyEnd = end;
  }
  return more;
}

const FNV_INIT = 0x811c9dc5;

/** FNV-1a over `buf[s..e)` and a line separator, continuing from `h`. */
function fnv1a(buf: Uint8Array, s: number, e: number, h: number): number {
  for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193) >>> 0;
  return Math.imul(h ^ LF, 0x01000193) >>> 0;
}

/**
 * The {@link ScannedMessage.metaHash} of a header (or of a run of metadata lines) read again from the file:
 * equal to the scan's value while nobody changed the metadata.
 */
export function metaHashOf(header: Buffer): number {
  let h = FNV_INIT;
  let hidden = false;
  let s = 0;
  while (s < header.length) {
    let nl = header.indexOf(LF, s);
    if (nl < 0) nl = header.length;
    const e = nl > s && header[nl - 1] === CR ? nl - 1 : nl;
    if (e === s) break;
    const c = header[s];
    if (c === SP || c === TAB) {
      if (hidden) h = fnv1a(header, s, e, h);
    } else {
      const kind = metaKind(header, s, e);
      hidden = kind !== Meta.None && kind !== Meta.ContentLength;
      if (hidden) h = fnv1a(header, s, e, h);
    }
    s = nl + 1;
  }
  return h;
}

/**
 * The body's end without reading it line by line: the next valid `From ` line at a line start (past a verbatim
 * Content-Length body), then the separator empty line before it, by the same rules as the line-by-line loop.
 * The reader is at the body's first line (`more`). Sizes are left at -1.
 */
function skipBody(src: ByteSource, r: LineReader, m: ScannedMessage, more: boolean, verbatimEnd: number): boolean {
  m.bodySize = m.bodyLfSize = -1;
  let end = src.size;
  if (more) {
    const from = Math.max(m.bodyStart, verbatimEnd);
    const atLineStart = from === m.bodyStart || r.byteAt(from - 1) === LF;
    more = r.nextFromLine(from, atLineStart, isFromLine);
    end = more ? r.offset : src.size;
  }
  m.end = end;
  m.bodyEnd = end;
  const minBlank = Math.max(m.bodyStart, verbatimEnd);
  if (end > m.bodyStart && r.byteAt(end - 1) === LF) {
    const b2 = r.byteAt(end - 2);
    if (b2 === LF && end - 1 >= minBlank) m.bodyEnd = end - 1;
    else if (b2 === CR && r.byteAt(end - 3) === LF && end - 2 >= minBlank) m.bodyEnd = end - 2;
  }
  // The served size, when the body is still in the window the search for the next From line read: counted with
  // memchr in the addon (servedCount, the rule sizes() applies later otherwise), it costs a tenth of reading the
  // body again for the first FETCH RFC822.SIZE (or any FETCH: its gone-check sizes the body).
  const count = nativeCounter();
  const body = count !== null ? r.view(m.bodyStart, m.bodyEnd) : null;
  if (count !== null && body !== null) {
    count(body, m.verbatim, SIZES);
    m.bodySize = SIZES[0] as number;
    m.bodyLfSize = (SIZES[0] as number) - (SIZES[1] as number);
  }
  return more;
}

const SIZES = new Float64Array(2);

function finishMeta(m: ScannedMessage, run: number, runEnd: number, scattered: boolean): void {
  if (run < 0) return;
  m.metaStart = scattered ? -2 : run;
  m.metaEnd = scattered ? -2 : runEnd;
}

/** Classifies a header line by its field name, without regard to case. */
function metaKind(buf: Buffer, s: number, e: number): Meta {
  const c = buf[s] ?? 0;
  if (c !== 0x53 && c !== 0x73 && c !== 0x58 && c !== 0x78 && c !== 0x43 && c !== 0x63) return Meta.None;
  let colon = s;
  const limit = Math.min(e, s + 16);
  while (colon < limit && buf[colon] !== 0x3a) colon++;
  if (colon >= limit) return Meta.None;
  const name = buf.toString('latin1', s, colon).toLowerCase();
  switch (name) {
    case 'status': return Meta.Status;
    case 'x-status': return Meta.XStatus;
    case 'x-keywords': return Meta.XKeywords;
    case 'x-uid': return Meta.XUid;
    case 'x-imap': return Meta.XImap;
    case 'x-imapbase': return Meta.XImapBase;
    case 'content-length': return Meta.ContentLength;
    default: return Meta.None;
  }
}

function valueStart(buf: Buffer, s: number, e: number): number {
  let i = buf.indexOf(0x3a, s) + 1;
  if (i <= 0 || i > e) i = e;
  return i;
}

function parseMeta(kind: Meta, buf: Buffer, s: number, e: number, m: ScannedMessage, first: boolean): void {
  const v = valueStart(buf, s, e);
  switch (kind) {
    case Meta.Status:
    case Meta.XStatus:
      for (let i = v; i < e; i++) {
        switch (buf[i]) {
          case 0x52: m.flags |= Flag.Seen; break; // R
          case 0x4f: m.old = true; break; // O
          case 0x44: m.flags |= Flag.Deleted; break; // D
          case 0x46: m.flags |= Flag.Flagged; break; // F
          case 0x41: m.flags |= Flag.Answered; break; // A
          case 0x54: m.flags |= Flag.Draft; break; // T
        }
      }
      break;
    case Meta.XKeywords:
      m.keywords = words(buf, v, e);
      break;
    case Meta.XUid:
      m.uid = Math.max(0, parseDecimal(buf, v, e));
      break;
    case Meta.XImap:
    case Meta.XImapBase: {
      if (!first || m.base) break;
      const w = words(buf, v, e);
      const validity = Number(w[0] ?? 'x');
      const last = Number(w[1] ?? 'x');
      if (/^\d+$/.test(w[0] ?? '') && /^\d+$/.test(w[1] ?? '') && validity > 0 && validity <= 0xffffffff &&
          last <= 0xffffffff) {
        m.base = { uidValidity: validity, uidLast: last, keywords: w.slice(2), pseudo: kind === Meta.XImap };
        m.badBase = false;
      } else {
        m.badBase = true;
      }
      break;
    }
  }
}

function words(buf: Buffer, s: number, e: number): string[] {
  const text = buf.toString('latin1', s, e);
  return text.split(/[ \t]+/).filter((w) => w.length > 0);
}

/** A decimal number after optional blanks, up to the line end or a blank; -1 when there is none. */
function parseDecimal(buf: Buffer, s: number, e: number): number {
  let i = s;
  while (i < e && (buf[i] === SP || buf[i] === TAB || buf[i] === 0x3a)) i++;
  let v = -1;
  while (i < e) {
    const d = (buf[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) break;
    v = (v < 0 ? 0 : v * 10) + d;
    i++;
  }
  while (i < e && (buf[i] === SP || buf[i] === TAB)) i++;
  return i === e && v <= Number.MAX_SAFE_INTEGER ? v : -1;
}

/**
 * Where a body of `length` bytes starting at `bodyStart` ends, if that lands on the end of the source or on a
 * valid `From ` line (directly, or after the separator newline); -1 otherwise.
 */
function contentLengthEnd(src: ByteSource, bodyStart: number, length: number): number {
  const at = bodyStart + length;
  if (at > src.size) return -1;
  if (at === src.size) return at;
  const peek = readFully(src, at - 1, 2 + 4096);
  // peek[0] is the byte before `at`.
  if (peek[1] === LF && (at + 1 === src.size || fromLineAt(peek, 2))) return at;
  if (peek[0] === LF && fromLineAt(peek, 1)) return at;
  return -1;
}

function fromLineAt(peek: Buffer, i: number): boolean {
  let e = peek.indexOf(LF, i);
  if (e < 0) e = peek.length;
  return isFromLine(peek, i, e);
}
