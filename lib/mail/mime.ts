/**
 * The MIME structure of a message (RFC 2045, RFC 2046) computed from its served bytes (CRLF line ends), by a push
 * parser that is fed chunks: a 200 MB message is parsed while it streams past, holding only the headers of its
 * parts (small; capped) and one partial line (capped) at a time. Bodies are described by byte ranges and line
 * counts, never kept. The result serves ENVELOPE, BODYSTRUCTURE and section addressing (lib/mail/bodystructure.ts).
 *
 * Behaviour on damaged mail follows Dovecot 2.3 (the oracle of test/fixtures/mime, checked byte for byte):
 * - a boundary line is `--` + boundary at the start of a line, whatever follows (Dovecot matches the prefix;
 *   RFC 2046 §5.1.1 allows only trailing whitespace after it, but tolerating more loses nothing in practice);
 *   `--` right after the boundary closes the multipart; the innermost open multipart whose boundary matches wins;
 * - "the CRLF preceding the boundary delimiter line is conceptually attached to the boundary" (§5.1.1): it belongs to
 *   no part; a part that meets the end of the message instead keeps everything to the end;
 * - a multipart without a boundary parameter, or whose boundary never appears, has no parts (its whole body is
 *   preamble); BODYSTRUCTURE then shows one empty text/plain part, as Dovecot does;
 * - a part with no header lines starts with its empty line; one whose boundary comes before its empty line has the
 *   header up to there and an empty body.
 *
 * PURE: no fs, net or process.
 */
import { Header, firstValues, unfold } from './header.js';

const LF = 0x0a;
const CR = 0x0d;

/** A `Content-Type` (or `Content-Disposition`) parameter, name and value as written (after RFC 2231 merging). */
export interface MimeParam {
  readonly name: Buffer;
  readonly value: Buffer;
}

/** A parsed `Content-Type`: RFC 2045 §5.1 `type "/" subtype *(";" parameter)`. */
export interface ContentType {
  /** As written (`TEXT`), or `text` when defaulted. Compare with {@link ContentType.typeLower}. */
  readonly type: Buffer;
  readonly subtype: Buffer;
  readonly typeLower: string;
  readonly subtypeLower: string;
  readonly params: readonly MimeParam[];
  /** False when the header was absent or unusable and the RFC 2045 §5.2 / RFC 2046 §5.1.5 default applies. */
  readonly explicit: boolean;
}

/** One MIME entity: a message or a body part. Offsets are absolute in the served message. */
export interface MimePart {
  /** Offset of the first header byte. */
  readonly headerStart: number;
  /** Offset just past the empty line ending the header (= bodyStart), or where the header was cut off. */
  readonly headerEnd: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Number of LF in [bodyStart, bodyEnd): RFC 3501's "size of the body in text lines" (as Dovecot counts). */
  readonly bodyLines: number;
  /** The header bytes [headerStart, headerEnd), possibly truncated at {@link MimeLimits.maxHeaderBytes}. */
  readonly header: Buffer;
  readonly contentType: ContentType;
  /** multipart/*: the parts, in order (maybe none). Otherwise empty. */
  readonly children: readonly MimePart[];
  /** message/rfc822: the encapsulated message (headerStart = this part's bodyStart). Otherwise null. */
  readonly message: MimePart | null;
}

/** Bounds on what the parser keeps in memory. */
export interface MimeLimits {
  /** Header bytes kept per part (ranges stay exact beyond it). Default 256 KiB. */
  readonly maxHeaderBytes: number;
  /** Nesting depth beyond which multiparts and messages are treated as opaque bodies. Default 100 (as Dovecot). */
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: MimeLimits = { maxHeaderBytes: 256 * 1024, maxDepth: 100 };
/** Body lines are only inspected for boundaries: keeping their first bytes is enough (RFC 2046: boundary ≤ 70). */
const BODY_PREFIX = 1024;

// ------------------------------------------------------------------------------------------------------------------
// Content-Type and parameters
// ------------------------------------------------------------------------------------------------------------------

const TSPECIALS = new Set([...'()<>@,;:\\"/[]?='].map((c) => c.charCodeAt(0)));

function isTokenChar(c: number | undefined): boolean {
  return c !== undefined && c > 0x20 && c !== 0x7f && !TSPECIALS.has(c);
}

class ParamCursor {
  pos = 0;
  constructor(readonly b: Buffer) {}
  /** Skips whitespace and RFC 822 comments (RFC 2045 §5.1: "comments are allowed in accordance with RFC 822"). */
  ws(): void {
    for (;;) {
      const c = this.b[this.pos];
      if (c === 0x20 || c === 0x09 || c === CR || c === LF) { this.pos++; continue; }
      if (c !== 0x28) return;
      let depth = 0;
      while (this.pos < this.b.length) {
        const d = this.b[this.pos++];
        if (d === 0x5c) this.pos++;
        else if (d === 0x28) depth++;
        else if (d === 0x29 && --depth === 0) break;
      }
    }
  }
  token(): Buffer | null {
    const s = this.pos;
    while (isTokenChar(this.b[this.pos])) this.pos++;
    return this.pos > s ? this.b.subarray(s, this.pos) : null;
  }
  quoted(): Buffer {
    this.pos++;
    const out: number[] = [];
    while (this.pos < this.b.length) {
      const c = this.b[this.pos++] ?? 0;
      if (c === 0x22) break;
      if (c === 0x5c && this.pos < this.b.length) { out.push(this.b[this.pos++] ?? 0); continue; }
      out.push(c);
    }
    return Buffer.from(out);
  }
}

/**
 * Parses `*(";" parameter)` (RFC 2045 §5.1: `parameter := attribute "=" value`, `value := token / quoted-string`)
 * from `cur`, then merges RFC 2231 parameters as Dovecot 2.3 does: plain parameters first, in order; then the
 * `name*N` / `name*N*` / `name*` ones, grouped by name (sorted by name), their segments concatenated in index order
 * as written (the `charset'language'` prefix and %XX escapes are kept, not decoded), under the name `name*` if the
 * first segment was extended (`*0*` or `*`) and `name` otherwise. A segment list with a gap stops at the gap.
 * Parameters without `=` are skipped; an empty quoted value stays empty. Never throws.
 */
function parseParams(cur: ParamCursor): MimeParam[] {
  const plain: MimeParam[] = [];
  const ext: { key: string; name: string; idx: number; extended: boolean; value: Buffer }[] = [];
  for (;;) {
    cur.ws();
    if (cur.pos >= cur.b.length) break;
    if (cur.b[cur.pos] !== 0x3b) {
      // Junk between parameters: skip to the next ';'.
      const semi = cur.b.indexOf(0x3b, cur.pos);
      if (semi < 0) break;
      cur.pos = semi;
    }
    cur.pos++;
    cur.ws();
    const name = cur.token();
    if (name === null) continue;
    cur.ws();
    if (cur.b[cur.pos] !== 0x3d) continue;
    cur.pos++;
    cur.ws();
    let value: Buffer;
    if (cur.b[cur.pos] === 0x22) value = cur.quoted();
    else value = cur.token() ?? Buffer.alloc(0);
    const n = name.toString('latin1');
    const m = /^(.*?)\*(?:(\d+)(\*?))?$/.exec(n);
    if (m === null) {
      plain.push({ name, value });
    } else {
      const base = m[1] ?? '';
      const idx = m[2] === undefined ? 0 : Number(m[2]);
      const extended = m[2] === undefined || m[3] === '*';
      ext.push({ key: base.toLowerCase(), name: base, idx, extended, value });
    }
  }
  if (ext.length === 0) return plain;
  const keys = [...new Set(ext.map((e) => e.key))].sort();
  for (const key of keys) {
    const segs = ext.filter((e) => e.key === key).sort((a, b) => a.idx - b.idx);
    const first = segs[0];
    if (first === undefined) continue;
    const values: Buffer[] = [];
    let next = first.idx === 0 ? 0 : -1;
    for (const s of segs) {
      if (s.idx !== next) break;
      values.push(s.value);
      next++;
    }
    if (values.length === 0) continue;
    plain.push({ name: Buffer.from(first.extended ? `${first.name}*` : first.name, 'latin1'),
      value: Buffer.concat(values) });
  }
  return plain;
}

/** The default Content-Type of a part: RFC 2046 §5.1.5 (message/rfc822 inside multipart/digest), else §5.2's. */
function defaultType(digest: boolean): ContentType {
  return digest
    ? { type: Buffer.from('message'), subtype: Buffer.from('rfc822'), typeLower: 'message', subtypeLower: 'rfc822',
      params: [], explicit: false }
    : { type: Buffer.from('text'), subtype: Buffer.from('plain'), typeLower: 'text', subtypeLower: 'plain',
      params: [], explicit: false };
}

/**
 * Parses a `Content-Type` value (raw, possibly folded). RFC 2045 §5.2: "Default RFC 822 messages without a MIME
 * Content-Type header are taken by this protocol to be plain text in the US-ASCII character set"; the same default
 * is used when the value has no `type/subtype` (Dovecot then keeps the parameters). In multipart/digest the default
 * is message/rfc822 (`digest` true). Never throws.
 */
export function parseContentType(raw: Uint8Array | null, digest = false): ContentType {
  const dflt = defaultType(digest);
  if (raw === null) return dflt;
  const cur = new ParamCursor(unfold(raw));
  cur.ws();
  const type = cur.token();
  cur.ws();
  let subtype: Buffer | null = null;
  if (type !== null && cur.b[cur.pos] === 0x2f) {
    cur.pos++;
    cur.ws();
    subtype = cur.token();
  }
  const params = parseParams(cur);
  if (type === null || subtype === null) return { ...dflt, params };
  return { type, subtype, typeLower: type.toString('latin1').toLowerCase(),
    subtypeLower: subtype.toString('latin1').toLowerCase(), params, explicit: true };
}

/** A parsed `Content-Disposition` (RFC 2183 `disposition-type *(";" disposition-parm)`), or null if absent. */
export function parseDisposition(raw: Uint8Array | null): { type: Buffer; params: MimeParam[] } | null {
  if (raw === null) return null;
  const cur = new ParamCursor(unfold(raw));
  cur.ws();
  const type = cur.token();
  if (type === null) return null;
  return { type, params: parseParams(cur) };
}

/** The value of parameter `name` (case-insensitive), or null. */
export function paramValue(params: readonly MimeParam[], name: string): Buffer | null {
  const k = name.toLowerCase();
  return params.find((p) => p.name.toString('latin1').toLowerCase() === k)?.value ?? null;
}

// ------------------------------------------------------------------------------------------------------------------
// The push parser
// ------------------------------------------------------------------------------------------------------------------

interface Node {
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  lfAtBodyStart: number;
  bodyLines: number;
  headerChunks: Buffer[];
  headerKept: number;
  inHeader: boolean;
  closed: boolean;
  contentType: ContentType;
  children: Node[];
  message: Node | null;
  parent: Node | null;
  /** multipart: the delimiter `--boundary`, while it may still appear (null before parsing or after `--b--`). */
  delimiter: Buffer | null;
  /** multipart: the current child, if any is open. */
  current: Node | null;
  digest: boolean;
  depth: number;
}

/**
 * Push parser: call {@link write} with consecutive chunks of the served message (any sizes, down to one byte), then
 * {@link end} once to get the tree. Chunks are not retained (only header bytes are copied). Not reusable after end().
 */
export class MimeParser {
  private readonly limits: MimeLimits;
  private readonly root: Node;
  /** The innermost open entity, to which the next line belongs. */
  private cur: Node;
  private offset = 0;
  private lfCount = 0;
  /** The start of the line being read, and its first bytes (all of them while in a header). */
  private lineStart = 0;
  private line: Buffer[] = [];
  private lineKept = 0;
  private lineTruncated = false;
  /** Whether the bytes just before lineStart were CRLF (2), LF (1), or nothing (0). */
  private prevEol = 0;
  private finished: MimePart | null = null;

  constructor(limits: Partial<MimeLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.root = newNode(0, null, false, 0);
    this.cur = this.root;
  }

  /** Feeds the next bytes of the message. Throws only if called after {@link end}. */
  write(chunk: Uint8Array): void {
    if (this.finished !== null) throw new Error('MimeParser.write after end');
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (pos < b.length) {
      const nl = b.indexOf(LF, pos);
      if (nl >= 0 && this.line.length === 0 && !this.lineTruncated) {
        // The whole line is in this chunk: looked at in place, no copy (the common case, and the cost of a
        // BODYSTRUCTURE over a large mailbox is in its body lines).
        const stop = nl + 1;
        const cap = this.cur.inHeader ? this.limits.maxHeaderBytes : BODY_PREFIX;
        const len = stop - pos;
        this.offset += len;
        this.lfCount++;
        this.lineDone(b.subarray(pos, len > cap ? pos + cap : stop), len > cap, this.offset, false);
        pos = stop;
        continue;
      }
      const stop = nl < 0 ? b.length : nl + 1;
      this.keep(b.subarray(pos, stop));
      this.offset += stop - pos;
      pos = stop;
      if (nl >= 0) {
        this.lfCount++;
        this.onLine(this.offset);
      }
    }
  }

  /** Ends the input and returns the structure. Idempotent: later calls return the same tree. */
  end(): MimePart {
    if (this.finished !== null) return this.finished;
    if (this.offset > this.lineStart) this.onLine(this.offset, true);
    for (let n: Node | null = this.cur; n !== null; n = n.parent) this.close(n, this.offset, this.lfCount, true);
    this.finished = freeze(this.root);
    return this.finished;
  }

  private keep(piece: Buffer): void {
    const cap = this.cur.inHeader ? this.limits.maxHeaderBytes : BODY_PREFIX;
    if (this.lineKept >= cap) { this.lineTruncated = true; return; }
    const take = piece.subarray(0, cap - this.lineKept);
    this.line.push(Buffer.from(take));
    this.lineKept += take.length;
    if (take.length < piece.length) this.lineTruncated = true;
  }

  /** A complete line [lineStart, end) has been read (`last`: the final line, without LF). */
  private onLine(end: number, last = false): void {
    const text = this.line.length === 1 ? (this.line[0] ?? Buffer.alloc(0)) : Buffer.concat(this.line);
    this.line = [];
    this.lineKept = 0;
    const truncated = this.lineTruncated;
    this.lineTruncated = false;
    this.lineDone(text, truncated, end, last);
  }

  /**
   * The line [lineStart, end) has been read: `text` is its first bytes (all of them unless `truncated`), possibly a
   * view of the caller's chunk, so only copies of it are kept.
   */
  private lineDone(text: Buffer, truncated: boolean, end: number, last: boolean): void {
    const start = this.lineStart;
    const eol = last ? 0 : text.length >= 2 && text[text.length - 2] === CR ? 2 : 1;
    this.lineStart = end;
    const prevEol = this.prevEol;
    this.prevEol = eol;

    if (text[0] === 0x2d && text[1] === 0x2d && this.boundary(text, start, prevEol, eol)) return;

    const n = this.cur;
    if (n.inHeader) {
      const empty = !truncated && text.length === eol && eol > 0;
      if (!empty) {
        if (n.headerKept < this.limits.maxHeaderBytes) {
          const room = this.limits.maxHeaderBytes - n.headerKept;
          n.headerChunks.push(Buffer.from(text.subarray(0, room)));
          n.headerKept += Math.min(room, text.length);
        }
        return;
      }
      n.headerChunks.push(Buffer.from(text));
      n.headerKept += text.length;
      this.startBody(n, end);
    }
  }

  /** The header of `n` ended at `bodyStart`: decide what its body is. */
  private startBody(n: Node, bodyStart: number): void {
    n.inHeader = false;
    n.headerEnd = n.bodyStart = bodyStart;
    n.lfAtBodyStart = this.lfCount;
    const header = Buffer.concat(n.headerChunks);
    n.headerChunks = [header];
    n.contentType = parseContentType(firstValues(header, ['content-type'])[0] ?? null, n.digest);
    if (n.depth >= this.limits.maxDepth) return;
    if (n.contentType.typeLower === 'multipart') {
      const b = paramValue(n.contentType.params, 'boundary');
      n.digest = n.contentType.subtypeLower === 'digest';
      if (b !== null && b.length > 0) n.delimiter = Buffer.concat([Buffer.from('--'), b]);
    } else if (n.contentType.typeLower === 'message' && n.contentType.subtypeLower === 'rfc822') {
      const m = newNode(bodyStart, n, false, n.depth + 1);
      n.message = m;
      this.cur = m;
    }
  }

  /**
   * If `text` (a line starting `--`) is the delimiter of an open multipart, innermost first, closes what it ends and
   * returns true.
   */
  private boundary(text: Buffer, lineStart: number, prevEol: number, eol: number): boolean {
    for (let n: Node | null = this.cur; n !== null; n = n.parent) {
      const d = n.delimiter;
      if (d === null || n.inHeader || text.length < d.length || text.compare(d, 0, d.length, 0, d.length) !== 0) {
        continue;
      }
      // Close everything inside n. The CRLF before the delimiter line belongs to the delimiter (RFC 2046 §5.1.1).
      const lfBefore = this.lfCount - (eol > 0 ? 1 : 0);
      for (let c: Node | null = this.cur; c !== null && c !== n; c = c.parent) {
        this.close(c, lineStart - prevEol, lfBefore - (prevEol > 0 ? 1 : 0), false);
      }
      n.current = null;
      this.cur = n;
      const closing = text[d.length] === 0x2d && text[d.length + 1] === 0x2d;
      if (closing) {
        n.delimiter = null;
      } else {
        const child = newNode(this.lineStart, n, n.digest, n.depth + 1);
        n.children.push(child);
        n.current = child;
        this.cur = child;
      }
      return true;
    }
    return false;
  }

  /**
   * Ends node `n` at `end` (`lf` = LFs before `end`); a part whose body had not started ends with its header there.
   * At the end of input `atEof` keeps the last line's terminator in the body.
   */
  private close(n: Node, end: number, lf: number, atEof: boolean): void {
    if (n.closed) return;
    n.closed = true;
    if (n.inHeader) {
      n.inHeader = false;
      const headerEnd = atEof ? this.offset : Math.max(n.headerStart, end);
      n.headerEnd = n.bodyStart = n.bodyEnd = headerEnd;
      n.contentType = parseContentType(new Header(Buffer.concat(n.headerChunks)).field('content-type')?.raw ?? null,
        n.digest);
      // Header lines cut off by a boundary: keep only what lies before `end` (the delimiter's CRLF is not header).
      n.headerChunks = [Buffer.concat(n.headerChunks).subarray(0, headerEnd - n.headerStart)];
      return;
    }
    const bodyEnd = Math.max(n.bodyStart, end);
    n.bodyEnd = bodyEnd;
    n.bodyLines = bodyEnd === n.bodyStart ? 0 : Math.max(0, lf - n.lfAtBodyStart);
  }
}

function newNode(start: number, parent: Node | null, digest: boolean, depth: number): Node {
  return { headerStart: start, headerEnd: start, bodyStart: start, bodyEnd: start, lfAtBodyStart: 0, bodyLines: 0,
    headerChunks: [], headerKept: 0, inHeader: true, closed: false, contentType: defaultType(digest), children: [],
    message: null, parent, delimiter: null, current: null, digest, depth };
}

function freeze(n: Node): MimePart {
  return {
    headerStart: n.headerStart, headerEnd: n.headerEnd, bodyStart: n.bodyStart, bodyEnd: n.bodyEnd,
    bodyLines: n.bodyLines, header: Buffer.concat(n.headerChunks), contentType: n.contentType,
    children: n.children.map(freeze), message: n.message === null ? null : freeze(n.message),
  };
}

/** The structure of a whole message held in memory. Never throws. */
export function parseMime(message: Uint8Array, limits: Partial<MimeLimits> = {}): MimePart {
  const p = new MimeParser(limits);
  p.write(message);
  return p.end();
}

/** The structure of a message read from a stream of chunks (e.g. the mailbox driver's SizedBody). */
export async function parseMimeStream(chunks: AsyncIterable<Uint8Array>, limits: Partial<MimeLimits> = {}):
    Promise<MimePart> {
  const p = new MimeParser(limits);
  for await (const c of chunks) p.write(c);
  return p.end();
}

/** True for `message/rfc822` parts, whose body is an encapsulated message. */
export function isMessageRfc822(p: MimePart): boolean {
  return p.contentType.typeLower === 'message' && p.contentType.subtypeLower === 'rfc822';
}

/** True for `multipart/*` parts. */
export function isMultipart(p: MimePart): boolean {
  return p.contentType.typeLower === 'multipart';
}
