/**
 * The body of a message streamed past SEARCH's BODY and TEXT needles: MIME parts found as the bytes go by
 * (RFC 2046 §5.1.1 boundaries searched for, not read line by line), each text part decoded by its
 * Content-Transfer-Encoding and charset and matched, message/rfc822 parts with their header, other leaves skipped
 * (RFC 3501 allows it: "Server implementations MAY exclude [MIME-IMB] body parts with terminal content media types
 * other than TEXT and MESSAGE from consideration"). Memory is bounded: part headers are capped, and only a partial
 * line that could still be a boundary is held. Part headers are read as mime.ts reads them for BODYSTRUCTURE.
 * The walk itself is generic ({@link PartVisitor}): FETCH PREVIEW (preview.ts) walks the same way to its text.
 *
 * PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';
import { asciiCompatible, type CharsetStream, charsetStream } from './charset.js';
import { type ContentDecoder, contentDecoder } from './cte.js';
import { decodeHeaderValue } from './encoded-words.js';
import { FieldSet } from './header.js';
import { paramValue, parseContentType } from './mime.js';
import { AsciiNeedleScanner, type NeedleSet, type TextStream } from './needle.js';

/** A consumer of body bytes: push them in order, then end. */
export interface BodySink {
  push(chunk: Buffer): void;
  end(): void;
}

/**
 * A sink that feeds the body of the message whose header is `header` to `needles` (each text part its own stream of
 * the set). Stop pushing when the set is done; nothing needs ending then.
 */
export function bodySink(header: Buffer, needles: NeedleSet): BodySink {
  return walkSink(header, searchVisitor(needles));
}

/**
 * What a walk does with the entities it finds: the sink for each leaf's content (after its transfer decoding is
 * known, before it is applied), the header of each encapsulated message, and where each multipart begins and ends.
 */
export interface PartVisitor {
  /** The sink for the content of a leaf entity (not multipart, not message/rfc822) whose header is `header`. */
  leaf(type: TypeInfo, encoding: string | undefined, header: Buffer): BodySink;
  /** The header of an encapsulated message (message/rfc822 or message/global), before its content. */
  messageHeader(header: Buffer): void;
  /** A multipart's first byte is next (`subtype` in lower case). */
  multipartStart(subtype: string): void;
  /** The multipart of the latest {@link multipartStart} not ended is over (its close delimiter, or the data's end). */
  multipartEnd(): void;
}

/** A sink that walks the body of the entity whose header is `header` (the message's), telling `visitor`. */
export function walkSink(header: Buffer, visitor: PartVisitor): BodySink {
  return contentSinkOf(header, false, visitor, 0);
}

/** SEARCH's walk: every text leaf to the needles (each its own stream), encapsulated headers as text too. */
function searchVisitor(needles: NeedleSet): PartVisitor {
  return {
    leaf: (info, encoding) => info.type === 'text' ? new TextSink(contentDecoder(encoding), info.charset, needles, info.asciiCharset) : NULL_SINK,
    messageHeader: (header) => {
      if (header.length > 0) needles.stream().push(decodeHeaderValue(header));
    },
    multipartStart: () => undefined,
    multipartEnd: () => undefined,
  };
}

/** What the walk needs of an entity's Content-Type. */
export interface TypeInfo {
  /** Lower case. */
  readonly type: string;
  readonly subtype: string;
  readonly boundary: string | undefined;
  readonly charset: string | undefined;
  /** {@link asciiCompatible} of the charset. */
  readonly asciiCharset: boolean;
}

/** Parts nested deeper than this are skipped (bounds recursion on hostile input). */
const MAX_DEPTH = 32;
/** A part header longer than this is not a header: the part is searched as plain text from its start. */
const MAX_PART_HEADER = 64 * 1024;

/** The fields {@link contentSinkOf} reads: the first of each name, found without making the others. */
const CONTENT_FIELDS = new FieldSet(['content-type', 'content-transfer-encoding']);
const CONTENT_SCRATCH = new Int32Array(2 * CONTENT_FIELDS.size);

/**
 * Content-Type values read, by their text, where text/plain is the default and where message/rfc822 is (a part of
 * a multipart/digest), bounded: cleared when full. Parts repeat a few values (`text/plain; charset=utf-8`...), and
 * parsing one costs more than looking it up. Shared: read only.
 */
const CONTENT_TYPES = new Map<string, TypeInfo>();
const DIGEST_CONTENT_TYPES = new Map<string, TypeInfo>();
const NO_CONTENT_TYPE = '';

/**
 * The Content-Type at header[start, end) (start < 0: none) as mime.ts reads it for BODYSTRUCTURE (RFC 2045 §5.1;
 * the RFC 2045 §5.2 and RFC 2046 §5.1.5 defaults: text/plain, or message/rfc822 in a multipart/digest).
 */
function typeInfo(header: Buffer, start: number, end: number, digest: boolean): TypeInfo {
  const cache = digest ? DIGEST_CONTENT_TYPES : CONTENT_TYPES;
  // A value has its colon before it: the empty string is no value's text.
  const key = start < 0 ? NO_CONTENT_TYPE : header.toString('latin1', start, end);
  let info = cache.get(key);
  if (info !== undefined) return info;
  const ct = parseContentType(start < 0 ? null : header.subarray(start, end), digest);
  const boundary = paramValue(ct.params, 'boundary')?.toString('latin1');
  const charset = paramValue(ct.params, 'charset')?.toString('latin1');
  info = { type: ct.typeLower, subtype: ct.subtypeLower, boundary, charset, asciiCharset: asciiCompatible(charset) };
  // A multipart's boundary makes its value unique: caching it would only churn the cache (and the old generation).
  if (boundary !== undefined) return info;
  if (cache.size >= 512) cache.clear();
  cache.set(key, info);
  return info;
}

/** A Content-Transfer-Encoding value without comments and surrounding whitespace. */
function encodingOf(header: Buffer, start: number, end: number): string | undefined {
  if (start < 0) return undefined;
  const v = header.toString('latin1', start, end);
  return (v.includes('(') ? v.replace(/\([^)]*\)/g, '') : v).trim();
}

/**
 * The sink for the content of the entity whose header is `header` (`digest`: a part of a multipart/digest), from
 * its Content-Type and Content-Transfer-Encoding.
 */
function contentSinkOf(header: Buffer, digest: boolean, visitor: PartVisitor, depth: number): Sink {
  CONTENT_FIELDS.firstRanges(header, CONTENT_SCRATCH);
  const s = CONTENT_SCRATCH;
  const type = typeInfo(header, s[0] ?? -1, s[1] ?? -1, digest);
  return contentSink(type, encodingOf(header, s[2] ?? -1, s[3] ?? -1), header, visitor, depth);
}

type Sink = BodySink;

/** A sink that drops what it is given. */
export const NULL_SINK: Sink = { push: () => undefined, end: () => undefined };

/** The sink that consumes an entity's content (what follows its header). */
function contentSink(info: TypeInfo, encoding: string | undefined, header: Buffer, visitor: PartVisitor, depth: number): Sink {
  if (depth > MAX_DEPTH) return NULL_SINK;
  const boundary = info.boundary;
  if (info.type === 'multipart' && boundary !== undefined && boundary.length > 0) {
    visitor.multipartStart(info.subtype);
    return new MultipartSink(boundary, info.subtype === 'digest', visitor, depth + 1);
  }
  if (info.type === 'message' && (info.subtype === 'rfc822' || info.subtype === 'global')) {
    // RFC 2046 §5.2.1 forbids encodings other than 7bit/8bit/binary here, but decoding one costs nothing.
    return new DecodingSink(contentDecoder(encoding), new EntitySink(false, true, visitor, depth + 1));
  }
  return visitor.leaf(info, encoding, header);
}

class DecodingSink implements Sink {
  constructor(
    private readonly decoder: ContentDecoder,
    private readonly inner: Sink,
  ) {}
  push(chunk: Buffer): void {
    for (const b of this.decoder.push(chunk)) this.inner.push(b);
  }
  end(): void {
    for (const b of this.decoder.end()) this.inner.push(b);
    this.inner.end();
  }
}

/**
 * A text leaf: transfer decoding, then charset decoding, then the needles (one stream per part). While the part has
 * been pure ASCII in a charset where that means ASCII text (most mail), its bytes skip the charset decoder and the
 * Unicode folding: upper-casing ASCII is all i;unicode-casemap does to it.
 */
class TextSink implements Sink {
  /** The needles' text stream and the charset decoder, made when first needed (the scanner needs neither). */
  private stream: TextStream | null = null;
  private charset: CharsetStream | null = null;
  /** Every byte so far was ASCII in an ASCII-compatible charset (so the charset decoder holds nothing back). */
  private ascii: boolean;
  /** For needles that are ASCII once folded, in an ASCII-compatible charset: the exact shortcut of needle.ts. */
  private readonly scanner: AsciiNeedleScanner | null;
  constructor(
    private readonly decoder: ContentDecoder,
    private readonly charsetName: string | undefined,
    private readonly needles: NeedleSet,
    asciiCharset: boolean,
  ) {
    this.ascii = asciiCharset;
    this.scanner = asciiCharset && needles.ascii ? new AsciiNeedleScanner(needles, charsetName) : null;
  }
  private feed(b: Buffer): void {
    if (this.scanner !== null) {
      this.scanner.push(b);
      return;
    }
    this.stream ??= this.needles.stream();
    if (this.ascii && isAscii(b)) {
      this.stream.pushFolded(b.toString('latin1').toUpperCase());
      return;
    }
    this.ascii = false;
    this.charset ??= charsetStream(this.charsetName);
    this.stream.push(this.charset.push(b));
  }
  push(chunk: Buffer): void {
    if (this.needles.done) return;
    for (const b of this.decoder.push(chunk)) this.feed(b);
  }
  end(): void {
    for (const b of this.decoder.end()) this.feed(b);
    if (this.scanner !== null) this.scanner.end();
    else if (this.charset !== null) (this.stream ??= this.needles.stream()).push(this.charset.end());
  }
}

function headerEnd(buf: Buffer, from: number): number {
  // The header ends at an empty line: LF LF or LF CR LF (or at the very start, an entity with no header).
  if (buf[0] === LF) return 1;
  if (buf[0] === CR && buf[1] === LF) return 2;
  for (let i = buf.indexOf(LF, Math.max(0, from)); i >= 0; i = buf.indexOf(LF, i + 1)) {
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

const CR = 0x0d;
const LF = 0x0a;

/** An entity (a body part, or an encapsulated message): its header, then its content. */
class EntitySink implements Sink {
  private head: Buffer[] = [];
  private headLength = 0;
  private content: Sink | undefined;

  constructor(
    /** A part of a multipart/digest, whose default Content-Type is message/rfc822. */
    private readonly digest: boolean,
    /** An encapsulated message: its header goes to the visitor (SEARCH reads it as part of the outer body). */
    private readonly messageHeader: boolean,
    private readonly visitor: PartVisitor,
    private readonly depth: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.content !== undefined) {
      this.content.push(chunk);
      return;
    }
    this.head.push(chunk);
    const scanFrom = this.headLength - 3;
    this.headLength += chunk.length;
    const buf = this.head.length === 1 ? chunk : Buffer.concat(this.head);
    this.head = [buf];
    const end = headerEnd(buf, scanFrom);
    if (end >= 0) this.startContent(buf.subarray(0, end), buf.subarray(end));
    else if (this.headLength > MAX_PART_HEADER) this.startContent(Buffer.alloc(0), buf);
  }

  end(): void {
    if (this.content === undefined) this.startContent(this.head.length > 0 ? Buffer.concat(this.head) : Buffer.alloc(0), Buffer.alloc(0));
    this.content?.end();
  }

  private startContent(header: Buffer, rest: Buffer): void {
    this.head = [];
    if (this.messageHeader) this.visitor.messageHeader(header);
    this.content = contentSinkOf(header, this.digest, this.visitor, this.depth);
    if (rest.length > 0) this.content.push(rest);
  }
}

/**
 * RFC 2046 §5.1.1: the body parts between `--boundary` lines, up to the `--boundary--` close delimiter. "The
 * boundary delimiter MUST occur at the beginning of a line" and may be followed by transport padding (whitespace).
 * The CRLF before a delimiter "is conceptually attached to the boundary"; we leave it in the part, which cannot
 * change a search for text. Preamble and epilogue are skipped. Memory is bounded: a partial line is held back only
 * while it could still be a delimiter.
 */
class MultipartSink implements Sink {
  private readonly delimiter: Buffer;
  private readonly maxHold: number;
  private held: Buffer = Buffer.alloc(0);
  private midLine = false;
  private part: Sink | undefined;
  private closed = false;

  constructor(
    boundary: string,
    /** multipart/digest: its parts' default Content-Type is message/rfc822. */
    private readonly digest: boolean,
    private readonly visitor: PartVisitor,
    private readonly depth: number,
  ) {
    this.delimiter = Buffer.from('--' + boundary, 'latin1');
    this.maxHold = this.delimiter.length + 2 + 256;
  }

  push(chunk: Buffer): void {
    if (this.closed) return;
    const buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const d = this.delimiter;
    let runStart = 0;
    // Only lines that start with the delimiter matter: they are found by searching for it (memmem), not line by
    // line, so a long part (an attachment) costs one search. A hit counts at a line start: after an LF, or at the
    // buffer's start when the last chunk ended a line.
    for (let at = buf.indexOf(d); at >= 0 && !this.closed; at = buf.indexOf(d, at + 1)) {
      if (at > 0 ? buf[at - 1] !== LF : this.midLine) continue;
      const lf = buf.indexOf(LF, at + d.length);
      if (lf < 0) {
        // The line may go on in the next chunk: hold it if it is short enough to still be a delimiter line.
        if (buf.length - at <= this.maxHold) {
          this.feed(buf.subarray(runStart, at));
          this.held = Buffer.from(buf.subarray(at));
          this.midLine = false;
          return;
        }
        break;
      }
      if (this.delimiterLine(buf.subarray(at, lf + 1), buf, runStart, at)) runStart = lf + 1;
      at = lf;
    }
    if (this.closed) return;
    // A last line that is cut short and might become a delimiter (`--bou` + `ndary` in the next chunk) is held too.
    const last = buf.lastIndexOf(LF) + 1;
    const rest = buf.subarray(last);
    if (rest.length > 0 && rest.length < d.length && (last > 0 || !this.midLine) && this.couldBeDelimiter(rest)) {
      this.feed(buf.subarray(runStart, last));
      this.held = Buffer.from(rest);
      this.midLine = false;
      return;
    }
    if (buf.length > 0) this.midLine = buf[buf.length - 1] !== LF;
    this.feed(buf.subarray(runStart));
  }

  end(): void {
    if (!this.closed && this.held.length > 0) {
      const line = this.held;
      this.held = Buffer.alloc(0);
      if (!this.delimiterLine(line, line, 0, 0)) this.feed(line);
    }
    this.part?.end();
    this.part = undefined;
    if (!this.closed) {
      this.closed = true;
      this.visitor.multipartEnd();
    }
  }

  private couldBeDelimiter(rest: Buffer): boolean {
    const n = Math.min(rest.length, this.delimiter.length);
    return rest.subarray(0, n).equals(this.delimiter.subarray(0, n));
  }

  /** If `line` is a delimiter: feeds the run before it to the current part, switches parts, returns true. */
  private delimiterLine(line: Buffer, buf: Buffer, runStart: number, lineStart: number): boolean {
    if (line.length < this.delimiter.length || !line.subarray(0, this.delimiter.length).equals(this.delimiter)) return false;
    let tail = line.toString('latin1', this.delimiter.length);
    const close = tail.startsWith('--');
    if (close) tail = tail.slice(2);
    if (!/^[ \t]*\r?\n?$/.test(tail)) return false; // `--boundary-more`: a longer boundary, not ours
    this.feed(buf.subarray(runStart, lineStart));
    this.part?.end();
    this.part = undefined;
    if (close) {
      this.closed = true;
      this.visitor.multipartEnd();
    } else this.part = new EntitySink(this.digest, false, this.visitor, this.depth);
    return true;
  }

  private feed(bytes: Buffer): void {
    if (bytes.length > 0 && this.part !== undefined) this.part.push(bytes);
  }
}
