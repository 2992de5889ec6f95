/**
 * Evaluation of an IMAP SEARCH program (RFC 3501 §6.4.4, RFC 5032 WITHIN) over messages reached through a small
 * accessor interface. PURE: no fs, net or process; time comes in through {@link SearchContext.now}.
 *
 * Laziness. A program is evaluated in up to three rounds with three-valued logic (true, false, unknown):
 * 1. with only the index data (flags, UID, sequence number, size, INTERNALDATE, keywords);
 * 2. if still unknown, with the header (read once, fields decoded on demand and cached);
 * 3. if still unknown, by streaming the body once, matching every BODY/TEXT needle at the same time, and stopping as
 *    soon as the program is decided (a BODY key that matched makes an OR true, for example).
 * AND and OR short-circuit in every round (false AND unknown = false, true OR unknown = true), so
 * `SEARCH DELETED BODY x` never reads the body of an undeleted message.
 *
 * Choices (UW c-client and Dovecot differ; see the report in the commit):
 * - BEFORE/ON/SINCE take the INTERNALDATE's calendar day in the INTERNALDATE's own zone, the day a client sees in
 *   FETCH INTERNALDATE. UW does this (it keeps the date as written); Dovecot uses the server's zone. The RFC says
 *   "disregarding time and timezone", which reads most naturally as "the date as given".
 * - SENTBEFORE/SENTON/SENTSINCE take the day written in the Date: header, in the header's own zone. A missing or
 *   unparseable Date: matches none of them (so NOT SENTBEFORE matches it), as in UW.
 * - FROM/TO/CC/BCC/SUBJECT/HEADER match the RFC 2047-decoded, unfolded field value (all fields of that name), which
 *   is what UW and Dovecot do in practice; addresses are not re-rendered from a parsed envelope.
 * - BODY looks at text/* parts (decoded by Content-Transfer-Encoding and charset) and at message/rfc822 parts (their
 *   header and text). Other leaves are skipped, as RFC 3501 allows: "Server implementations MAY exclude [MIME-IMB]
 *   body parts with terminal content media types other than TEXT and MESSAGE from consideration".
 * - TEXT is header OR body, the header decoded and unfolded as a whole.
 */
import type { InternalDate } from '../values/dates.js';
import { Flag } from '../values/flags.js';
import { isAscii } from 'node:buffer';
import { asciiCompatible, type CharsetStream, charsetStream, isKnownCharset } from './charset.js';
import { type ContentDecoder, contentDecoder } from './cte.js';
import { decodeHeaderValue } from './encoded-words.js';
import { foldCase } from './fold.js';
import {
  AsciiNeedleScanner,
  asciiPattern,
  foldedIncludesAscii,
  headerIncludesAscii,
  headerNeedleRaw,
  NeedleSet,
  searchNeedle,
  type TextStream,
} from './needle.js';
import type { SearchDate, SearchKey } from '../values/search-key.js';
import { parseMessageDate } from './date.js';
import { FieldSet, fieldValues as firstFieldValues, type HeaderField, splitHeader } from './header.js';
import { paramValue, parseContentType } from './mime.js';
import type { SequenceSet } from '../values/sequence.js';

const DAY_MS = 86_400_000;

/** What SEARCH needs of one message. The evaluator calls header() at most once and body() at most once. */
export interface SearchMessage {
  readonly seq: number;
  readonly uid: number;
  /** System flag bits, as lib/mailbox/driver.ts {@link Flag}. */
  readonly flags: number;
  readonly keywords: readonly string[];
  readonly recent: boolean;
  readonly internalDate: InternalDate;
  /** RFC822.SIZE. */
  readonly size: number;
  /** The header block (up to and optionally including the empty line that ends it). */
  header(): Promise<Buffer>;
  /** The body octets (RFC822.TEXT), streamed. The evaluator may stop iterating early (it calls return()). */
  body(): AsyncIterable<Uint8Array>;
}

/** The mailbox-wide values a search needs. */
export interface SearchContext {
  /** The highest sequence number: what `*` means in a sequence set. */
  readonly maxSeq: number;
  /** The highest UID in the mailbox: what `*` means in `UID` sets. */
  readonly maxUid: number;
  /** Now, in ms since the epoch (from Env's clock), for RFC 5032 OLDER/YOUNGER. */
  readonly now: number;
}

/** SEARCH CHARSET names a charset we cannot decode: RFC 3501 says answer tagged NO, with [BADCHARSET]. */
export class SearchCharsetError extends Error {
  constructor(readonly charset: string) {
    super(`unsupported charset ${charset}`);
    this.name = 'SearchCharsetError';
  }
}

type Tri = boolean | undefined;

interface HeaderView {
  /** All fields, split when a key first needs one ({@link allFields}). */
  fields: HeaderField[] | undefined;
  decoded: Map<string, string[]>;
  /** The whole header decoded and unfolded, and that folded: made when first needed. */
  text: string | undefined;
  textAscii: boolean | undefined;
  whole: string | undefined;
  sentDay: number | null | undefined;
  raw: Buffer;
}

interface BodyView {
  /** Needles of {@link SearchProgram.bodyNeedles} seen so far. */
  readonly found: readonly boolean[];
  /** True when the whole body was scanned: an unseen needle is then absent. */
  readonly complete: boolean;
}

interface Env {
  readonly msg: SearchMessage;
  readonly ctx: SearchContext;
  readonly header: HeaderView | undefined;
  readonly body: BodyView | undefined;
}

type Node =
  | { readonly t: 'meta'; readonly test: (m: SearchMessage, ctx: SearchContext) => boolean }
  | { readonly t: 'field'; readonly field: string; readonly needle: string }
  | { readonly t: 'sent'; readonly cmp: 'before' | 'on' | 'since'; readonly day: number }
  | { readonly t: 'body'; readonly needle: number }
  | {
      readonly t: 'text';
      readonly needle: string;
      /** The needle's pattern when it is ASCII; `raw` when the header's bytes can be searched as they are. */
      readonly ascii: RegExp | null;
      readonly raw: boolean;
      readonly bodyNeedle: number;
    }
  | { readonly t: 'not'; readonly operand: Node }
  | { readonly t: 'and'; readonly operands: readonly Node[] }
  | { readonly t: 'or'; readonly left: Node; readonly right: Node };

/** A compiled SEARCH program: the strings decoded from the CHARSET and case-folded once. Immutable; reusable. */
export interface SearchProgram {
  /** @internal The compiled tree. */
  readonly root: Node;
  /** Folded needles that BODY/TEXT look for in the body, indexed by the nodes. */
  readonly bodyNeedles: readonly string[];
  /** True when some key needs the header (so a caller can prefetch). */
  readonly usesHeader: boolean;
  /** True when some key may need the body. */
  readonly usesBody: boolean;
}

function dayNumber(d: SearchDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** The calendar day of an INTERNALDATE in its own zone (see the file comment), as days since the epoch. */
function internalDay(d: InternalDate): number {
  return Math.floor((d.time + d.zone * 60_000) / DAY_MS);
}

/** `n` is in `set` (null: an empty saved result, RFC 5182) resolved against `max`. */
function inSet(set: SequenceSet | null, n: number, max: number): boolean {
  return set !== null && set.has(n, max);
}

function flagTest(bit: number, set: boolean): Node {
  return { t: 'meta', test: (m) => ((m.flags & bit) !== 0) === set };
}

/**
 * Compiles a search program. `keys` is the command's list of keys (ANDed, RFC 3501: "When multiple keys are
 * specified, the result is the intersection") or one key. `charset` is the SEARCH CHARSET (default US-ASCII).
 * Throws {@link SearchCharsetError} for a charset we cannot decode.
 */
export function compileSearch(keys: SearchKey | readonly SearchKey[], charset = 'US-ASCII'): SearchProgram {
  if (!isKnownCharset(charset)) throw new SearchCharsetError(charset);
  const bodyNeedles: string[] = [];
  let usesHeader = false;
  let usesBody = false;
  const text = (v: Uint8Array): string => searchNeedle(v, charset);
  const bodyNeedle = (needle: string): number => {
    usesBody = true;
    const i = bodyNeedles.indexOf(needle);
    if (i >= 0) return i;
    bodyNeedles.push(needle);
    return bodyNeedles.length - 1;
  };
  const compile = (k: SearchKey): Node => {
    switch (k.key) {
      case 'ALL':
        return { t: 'and', operands: [] };
      case 'ANSWERED':
        return flagTest(Flag.Answered, true);
      case 'DELETED':
        return flagTest(Flag.Deleted, true);
      case 'DRAFT':
        return flagTest(Flag.Draft, true);
      case 'FLAGGED':
        return flagTest(Flag.Flagged, true);
      case 'SEEN':
        return flagTest(Flag.Seen, true);
      case 'UNANSWERED':
        return flagTest(Flag.Answered, false);
      case 'UNDELETED':
        return flagTest(Flag.Deleted, false);
      case 'UNDRAFT':
        return flagTest(Flag.Draft, false);
      case 'UNFLAGGED':
        return flagTest(Flag.Flagged, false);
      case 'UNSEEN':
        return flagTest(Flag.Seen, false);
      case 'NEW':
        return { t: 'meta', test: (m) => m.recent && (m.flags & Flag.Seen) === 0 };
      case 'OLD':
        return { t: 'meta', test: (m) => !m.recent };
      case 'RECENT':
        return { t: 'meta', test: (m) => m.recent };
      case 'KEYWORD':
      case 'UNKEYWORD': {
        // Flags are case-insensitive atoms (UW compares keywords without case; so do Dovecot and Cyrus).
        const want = k.flag.toLowerCase();
        const set = k.key === 'KEYWORD';
        return { t: 'meta', test: (m) => m.keywords.some((kw) => kw.toLowerCase() === want) === set };
      }
      case 'BCC':
      case 'CC':
      case 'FROM':
      case 'TO':
      case 'SUBJECT':
        usesHeader = true;
        return { t: 'field', field: k.key.toLowerCase(), needle: text(k.value) };
      case 'HEADER':
        usesHeader = true;
        return { t: 'field', field: k.field.toLowerCase(), needle: text(k.value) };
      case 'BODY':
        return { t: 'body', needle: bodyNeedle(text(k.value)) };
      case 'TEXT': {
        usesHeader = true;
        const needle = text(k.value);
        // eslint-disable-next-line no-control-regex
        const ascii = /^[\x00-\x7f]*$/.test(needle) ? asciiPattern(needle) : null;
        return { t: 'text', needle, ascii, raw: ascii !== null && headerNeedleRaw(needle), bodyNeedle: bodyNeedle(needle) };
      }
      case 'BEFORE': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.internalDate) < day };
      }
      case 'ON': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.internalDate) === day };
      }
      case 'SINCE': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.internalDate) >= day };
      }
      case 'SENTBEFORE':
        usesHeader = true;
        return { t: 'sent', cmp: 'before', day: dayNumber(k.date) };
      case 'SENTON':
        usesHeader = true;
        return { t: 'sent', cmp: 'on', day: dayNumber(k.date) };
      case 'SENTSINCE':
        usesHeader = true;
        return { t: 'sent', cmp: 'since', day: dayNumber(k.date) };
      case 'LARGER': {
        const n = k.size;
        return { t: 'meta', test: (m) => m.size > n };
      }
      case 'SMALLER': {
        const n = k.size;
        return { t: 'meta', test: (m) => m.size < n };
      }
      // RFC 5032 §3: "For OLDER, messages match if the INTERNALDATE is less recent than or equal to the date-time
      // of the current time minus the interval; for YOUNGER, messages match if the INTERNALDATE is more recent than
      // or equal to the date-time of the current time minus the interval."
      case 'OLDER': {
        const ms = k.seconds * 1000;
        return { t: 'meta', test: (m, ctx) => m.internalDate.time <= ctx.now - ms };
      }
      case 'YOUNGER': {
        const ms = k.seconds * 1000;
        return { t: 'meta', test: (m, ctx) => m.internalDate.time >= ctx.now - ms };
      }
      case 'UID': {
        const set = k.set;
        return { t: 'meta', test: (m, ctx) => inSet(set, m.uid, ctx.maxUid) };
      }
      case 'SEQ': {
        const set = k.set;
        return { t: 'meta', test: (m, ctx) => inSet(set, m.seq, ctx.maxSeq) };
      }
      case 'NOT':
        return { t: 'not', operand: compile(k.operand) };
      case 'OR':
        return { t: 'or', left: compile(k.left), right: compile(k.right) };
      case 'AND':
        return { t: 'and', operands: k.operands.map(compile) };
    }
  };
  const list = Array.isArray(keys) ? (keys as readonly SearchKey[]) : [keys as SearchKey];
  const root: Node = list.length === 1 && list[0] !== undefined ? compile(list[0]) : { t: 'and', operands: list.map(compile) };
  return { root, bodyNeedles, usesHeader, usesBody };
}

function allFields(h: HeaderView): HeaderField[] {
  h.fields ??= splitHeader(h.raw);
  return h.fields;
}

function fieldValues(h: HeaderView, name: string): string[] {
  let v = h.decoded.get(name);
  if (v === undefined) {
    v = allFields(h).filter((f) => f.key === name).map((f) => foldCase(decodeHeaderValue(f.raw)));
    h.decoded.set(name, v);
  }
  return v;
}

function sentDay(h: HeaderView): number | null {
  if (h.sentDay === undefined) {
    const f = allFields(h).find((x) => x.key === 'date');
    const d = f === undefined ? undefined : parseMessageDate(f.raw.toString('latin1'));
    h.sentDay = d === undefined ? null : dayNumber(d);
  }
  return h.sentDay;
}

function evaluate(n: Node, env: Env): Tri {
  switch (n.t) {
    case 'meta':
      return n.test(env.msg, env.ctx);
    case 'field': {
      if (env.header === undefined) return undefined;
      // RFC 3501 HEADER: "If the string to search is zero-length, this matches all messages that have a header line
      // with the specified field-name regardless of the contents." The other string keys follow the same rule.
      return fieldValues(env.header, n.field).some((v) => v.includes(n.needle));
    }
    case 'sent': {
      if (env.header === undefined) return undefined;
      const d = sentDay(env.header);
      if (d === null) return false;
      return n.cmp === 'before' ? d < n.day : n.cmp === 'on' ? d === n.day : d >= n.day;
    }
    case 'body':
      if (env.body === undefined) return undefined;
      return env.body.found[n.needle] === true ? true : env.body.complete ? false : undefined;
    case 'text': {
      if (env.header === undefined) return undefined;
      const h = env.header;
      if (n.raw && n.ascii !== null) {
        // The usual needle: the header's bytes searched as they are unless they hold encoded words.
        if (headerIncludesAscii(h.raw, n.needle, n.ascii)) return true;
      } else if (n.ascii !== null) {
        h.text ??= decodeHeaderValue(h.raw);
        // Most needles: looked for without folding the whole header (see foldedIncludesAscii). ASCII bytes without
        // encoded words decode to ASCII text.
        h.textAscii ??= isAscii(h.raw) && h.raw.indexOf('=?') < 0;
        if (foldedIncludesAscii(h.text, n.needle, n.ascii, h.textAscii)) return true;
      } else {
        h.text ??= decodeHeaderValue(h.raw);
        h.whole ??= foldCase(h.text);
        if (h.whole.includes(n.needle)) return true;
      }
      if (env.body === undefined) return undefined;
      return env.body.found[n.bodyNeedle] === true ? true : env.body.complete ? false : undefined;
    }
    case 'not': {
      const v = evaluate(n.operand, env);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      let unknown = false;
      for (const o of n.operands) {
        const v = evaluate(o, env);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      const a = evaluate(n.left, env);
      if (a === true) return true;
      const b = evaluate(n.right, env);
      if (b === true) return true;
      return a === undefined || b === undefined ? undefined : false;
    }
  }
}

/**
 * True when `msg` matches `program`. Reads the header only if the index data did not decide, and the body only if
 * the header did not either; stops reading the body once the answer is known. Errors from header()/body() propagate.
 */
export async function matchMessage(program: SearchProgram, msg: SearchMessage, ctx: SearchContext): Promise<boolean> {
  const first = evaluate(program.root, { msg, ctx, header: undefined, body: undefined });
  if (first !== undefined) return first;
  const raw = await msg.header();
  const header: HeaderView = { fields: undefined, decoded: new Map(), text: undefined, textAscii: undefined, whole: undefined, sentDay: undefined, raw };
  const second = evaluate(program.root, { msg, ctx, header, body: undefined });
  if (second !== undefined) return second;

  const needles = new NeedleSet(program.bodyNeedles);
  const partial: BodyView = { found: needles.found, complete: false };
  let result = evaluate(program.root, { msg, ctx, header, body: partial });
  if (result !== undefined) return result;
  const sink = contentSink(contentInfo(raw, false), needles, 0);
  let foundCount = needles.found.filter(Boolean).length;
  for await (const chunk of msg.body()) {
    sink.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    const now = needles.found.filter(Boolean).length;
    if (now !== foundCount) {
      foundCount = now;
      result = evaluate(program.root, { msg, ctx, header, body: partial });
      if (result !== undefined) return result; // leaving the loop closes the body stream
    }
  }
  sink.end();
  result = evaluate(program.root, { msg, ctx, header, body: { found: needles.found, complete: true } });
  return result === true;
}

/** The messages of `msgs` that match, in the given order. Messages are examined one at a time. */
export async function searchMessages<M extends SearchMessage>(
  program: SearchProgram,
  msgs: Iterable<M> | AsyncIterable<M>,
  ctx: SearchContext,
): Promise<M[]> {
  const out: M[] = [];
  for await (const m of msgs) if (await matchMessage(program, m, ctx)) out.push(m);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The streaming MIME walk of BODY and TEXT

/** What the walk needs of an entity's Content-Type and Content-Transfer-Encoding. */
interface ContentInfo {
  /** Lower case. */
  readonly type: string;
  readonly subtype: string;
  readonly boundary: string | undefined;
  readonly charset: string | undefined;
  readonly encoding: string | undefined;
}

/** Parts nested deeper than this are skipped (bounds recursion on hostile input). */
const MAX_DEPTH = 32;
/** A part header longer than this is not a header: the part is searched as plain text from its start. */
const MAX_PART_HEADER = 64 * 1024;

/** The fields {@link contentInfo} reads: the first of each name, found without making the others. */
const CONTENT_FIELDS = new FieldSet(['content-type', 'content-transfer-encoding']);
const CONTENT_SCRATCH = new Int32Array(2 * CONTENT_FIELDS.size);

type TypeInfo = Omit<ContentInfo, 'encoding'>;

/**
 * Content-Type values read, by their text and the default that applies (bounded: cleared when full). Parts repeat a
 * few values (`text/plain; charset=utf-8`...), and parsing one costs more than looking it up. Shared: read only.
 */
const CONTENT_TYPES = new Map<string, TypeInfo>();

/**
 * The Content-Type `raw` (null: none) as mime.ts reads it for BODYSTRUCTURE (RFC 2045 §5.1; the RFC 2045 §5.2 and
 * RFC 2046 §5.1.5 defaults: text/plain, or message/rfc822 in a multipart/digest).
 */
function typeInfo(raw: Buffer | null, digest: boolean): TypeInfo {
  const key = raw === null ? (digest ? 'd' : 't') : (digest ? 'd' : 't') + raw.toString('latin1');
  let info = CONTENT_TYPES.get(key);
  if (info !== undefined) return info;
  const ct = parseContentType(raw, digest);
  const boundary = paramValue(ct.params, 'boundary')?.toString('latin1');
  info = { type: ct.typeLower, subtype: ct.subtypeLower, boundary, charset: paramValue(ct.params, 'charset')?.toString('latin1') };
  // A multipart's boundary makes its value unique: caching it would only churn the cache (and the old generation).
  if (boundary !== undefined) return info;
  if (CONTENT_TYPES.size >= 512) CONTENT_TYPES.clear();
  CONTENT_TYPES.set(key, info);
  return info;
}

/** The content of the entity whose header is `header`; `digest` when it is a part of a multipart/digest. */
function contentInfo(header: Buffer, digest: boolean): ContentInfo {
  const [ct, cte] = firstFieldValues(CONTENT_FIELDS, header, CONTENT_SCRATCH);
  const encoding = cte?.toString('latin1').replace(/\([^)]*\)/g, '').trim();
  return { ...typeInfo(ct ?? null, digest), encoding };
}

interface Sink {
  push(chunk: Buffer): void;
  end(): void;
}

const NULL_SINK: Sink = { push: () => undefined, end: () => undefined };

/** The sink that consumes an entity's content (what follows its header). */
function contentSink(info: ContentInfo, needles: NeedleSet, depth: number): Sink {
  if (depth > MAX_DEPTH) return NULL_SINK;
  const boundary = info.boundary;
  if (info.type === 'multipart' && boundary !== undefined && boundary.length > 0) {
    return new MultipartSink(boundary, info.subtype === 'digest', needles, depth + 1);
  }
  if (info.type === 'message' && (info.subtype === 'rfc822' || info.subtype === 'global')) {
    // RFC 2046 §5.2.1 forbids encodings other than 7bit/8bit/binary here, but decoding one costs nothing.
    return new DecodingSink(contentDecoder(info.encoding), new EntitySink(false, true, needles, depth + 1));
  }
  if (info.type === 'text') {
    const charset = info.charset;
    return new TextSink(contentDecoder(info.encoding), charset, needles, asciiCompatible(charset));
  }
  return NULL_SINK;
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
    /** An encapsulated message: its header is searched as text too (it is part of the outer body). */
    private readonly searchHeader: boolean,
    private readonly needles: NeedleSet,
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
    if (this.searchHeader && header.length > 0) this.needles.stream().push(decodeHeaderValue(header));
    this.content = contentSink(contentInfo(header, this.digest), this.needles, this.depth);
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
    private readonly needles: NeedleSet,
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
    if (close) this.closed = true;
    else this.part = new EntitySink(this.digest, false, this.needles, this.depth);
    return true;
  }

  private feed(bytes: Buffer): void {
    if (bytes.length > 0 && this.part !== undefined) this.part.push(bytes);
  }
}
