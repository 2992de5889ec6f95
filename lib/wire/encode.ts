/**
 * The response encoder: every byte the IMAP server sends that is not message data is written by this module, from
 * protocol text and values (numbers, atoms, strings, lists, flag lists, ENVELOPE and BODYSTRUCTURE values).
 *
 * RFC 3501 §4.3 and §9: `string = quoted / literal`; `quoted = DQUOTE *QUOTED-CHAR DQUOTE`;
 * `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials`; `literal = "{" number "}" CRLF
 * *CHAR8`; `nstring = string / nil`; `astring = 1*ASTRING-CHAR / string`.
 *
 * One quoting rule, Dovecot 2.3's byte for byte (our oracle, see test/fixtures/mime): a string goes out quoted only
 * when every byte is a plain 7-bit TEXT-CHAR that needs no escaping; a `"`, `\`, CR, LF, NUL or any 8-bit byte makes
 * it a literal. Clients then never have to unescape anything, and nothing is ever escaped.
 *
 * Two ways in, one writer underneath ({@link ByteWriter}): {@link ResponseBuilder} for response lines (the session's
 * and the commands'), and {@link writeImap} for values written straight into a writer (the FETCH writer's fast
 * path: ENVELOPE and BODYSTRUCTURE per message). Each response is handed to the sink in one piece, large Buffers by
 * reference (ARCHITECTURE.md rule 5a).
 *
 * Strings in lib/wire are octets, one character per octet (latin1), the way the parser returns mailbox names:
 * a string holding a character above U+00FF is refused with RangeError. Unicode text must be encoded to a Buffer
 * (UTF-8, or modified UTF-7 for mailbox names) by the caller, which knows which one the protocol wants.
 */
import { Flag, SYSTEM_FLAG_NAMES } from '../values/flags.js';
import { numberRanges } from '../values/sequence.js';
import { isAtomChar } from './chars.js';
import type { FetchAtt, Section } from './parser.js';

/** An IMAP atom written as is (NIL is {@link ImapValue} `null`, not an atom). */
interface ImapAtom { readonly atom: string }

/**
 * Values written one after the other with no space and no parentheses of their own. RFC 3501 §9 writes
 * `body-type-mpart = 1*body SP media-subtype` and `env-from = "(" 1*address ")" / nil`: the bodies of a multipart
 * and the addresses of a list follow each other with no space between them (`(a)(b)`), as UW and Dovecot send them.
 */
interface ImapAdjacent { readonly adjacent: readonly ImapValue[] }

/**
 * A value to encode: null is NIL, a number an IMAP number, a Uint8Array an IMAP string (quoted or literal as above),
 * an {@link ImapAtom} an atom, an array a parenthesised list (elements separated by one space), an
 * {@link ImapAdjacent} its elements with nothing between them.
 */
export type ImapValue = null | number | Uint8Array | ImapAtom | ImapAdjacent | readonly ImapValue[];

/** 1 for each byte that may stand in a quoted string under the rule above. Read only. */
export const QUOTABLE: Readonly<Uint8Array> = (() => {
  const t = new Uint8Array(256);
  for (let c = 1; c < 0x80; c++) t[c] = c === 0x22 || c === 0x5c || c === 0x0d || c === 0x0a ? 0 : 1;
  return t;
})();

/** True if `b` may be sent as a quoted string under the rule above. */
function quotable(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (QUOTABLE[b[i] as number] === 0) return false;
  return true;
}

type Octets = string | Uint8Array;

function octets(v: Octets): Buffer {
  if (typeof v !== 'string') return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) > 0xff) throw new RangeError('string holds a character above U+00FF; pass a Buffer');
  }
  return Buffer.from(v, 'latin1');
}

/** Whether `b` can be sent as an atom (non-empty, ATOM-CHARs only, and not the word NIL). */
function isAtom(b: Uint8Array): boolean {
  if (b.length === 0 || b.length > 1024) return false;
  for (const c of b) if (!isAtomChar(c)) return false;
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1').toUpperCase() !== 'NIL';
}

/** quoted = DQUOTE *QUOTED-CHAR DQUOTE — only for values the rule above quotes (RangeError otherwise). */
export function quoted(v: Octets): string {
  const b = octets(v);
  if (!quotable(b)) throw new RangeError('value cannot be sent as a quoted string');
  return `"${b.toString('latin1')}"`;
}

/**
 * A growing output buffer: the encoder writes every piece straight into it instead of collecting small Buffers to
 * concatenate (an ENVELOPE or BODYSTRUCTURE is dozens of pieces, and FETCH writes one per message). A writer is
 * meant to be reused: {@link view} hands out its bytes without a copy, valid until the next write or reset.
 */
export class ByteWriter {
  /** The storage; bytes [0, {@link length}) are written. Replaced (never shrunk) when it has to grow. */
  buf = Buffer.allocUnsafe(512);
  length = 0;

  /** Makes room for `n` more bytes, so that `buf[length .. length + n)` may be written directly. */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.length++] = c;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Bytes [s, e) of `src` (short runs are copied byte by byte: cheaper than making a view to `set`). */
  range(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (n <= 0) return;
    this.room(n);
    const buf = this.buf;
    let o = this.length;
    if (n < 64) {
      for (let i = s; i < e; i++) buf[o++] = src[i] as number;
    } else {
      // A plain Uint8Array view: a Buffer's subarray makes a Buffer, which costs more to construct.
      buf.set(new Uint8Array(src.buffer, src.byteOffset + s, n), o);
      o += n;
    }
    this.length = o;
  }

  /** ASCII/latin1 text (short text is copied in a loop: Buffer#write costs more than the copy for a few bytes). */
  text(t: string): void {
    const n = t.length;
    this.room(n);
    if (n > 32) {
      this.length += this.buf.write(t, this.length, 'latin1');
      return;
    }
    const buf = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) buf[o++] = t.charCodeAt(i);
    this.length = o;
  }

  /** A non-negative integer in decimal (a safe integer; anything else goes through String()). */
  uint(n: number): void {
    if (n < 0 || n > 0xffffffff || n !== Math.floor(n)) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    this.room(digits);
    let o = this.length + digits;
    this.length = o;
    do {
      this.buf[--o] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /** Copies bytes [s, e) already written to the end (ENVELOPE's sender and reply-to default to its from). */
  again(s: number, e: number): void {
    this.room(e - s);
    if (e - s < 64) {
      const buf = this.buf;
      let o = this.length;
      for (let i = s; i < e; i++) buf[o++] = buf[i] as number;
      this.length = o;
      return;
    }
    this.buf.copy(this.buf, this.length, s, e);
    this.length += e - s;
  }

  /** The bytes written, not copied: valid until the next write or {@link reset}. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /**
   * What was written, handed over for good: the writer goes on in new storage of the same size, so the bytes may be
   * kept (queued in a sink) without a copy, where {@link take} copies them.
   */
  handOver(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.length = 0;
    return out;
  }

  /** Forgets what was written (the storage is kept). */
  reset(): void {
    this.length = 0;
  }

  /** Gives back storage grown past 64 KiB (one huge response should not stay in memory); call when empty. */
  shrink(): void {
    if (this.length === 0 && this.buf.length > 64 * 1024) this.buf = Buffer.allocUnsafe(512);
  }

  /** The bytes written, copied out (the writer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

/** Appends the encoding of `v` to `w`. Never throws. */
export function writeImap(v: ImapValue, w: ByteWriter): void {
  encodeInto(v, w);
}

function encodeInto(v: ImapValue, w: ByteWriter): void {
  if (v === null) {
    w.text('NIL');
  } else if (typeof v === 'number') {
    w.text(String(Math.trunc(v)));
  } else if (v instanceof Uint8Array) {
    if (quotable(v)) {
      w.byte(0x22);
      w.bytes(v);
      w.byte(0x22);
    } else {
      w.text(`{${v.length}}\r\n`);
      w.bytes(v);
    }
  } else if (Array.isArray(v)) {
    w.byte(0x28);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) w.byte(0x20);
      encodeInto(v[i] as ImapValue, w);
    }
    w.byte(0x29);
  } else if ('adjacent' in v) {
    for (const x of v.adjacent) encodeInto(x, w);
  } else if ('atom' in v) {
    w.text(v.atom);
  }
}

const shared = new ByteWriter();

/** The encoding of `v` as one Buffer. Never throws. */
export function encodeImap(v: ImapValue): Buffer {
  shared.length = 0;
  encodeInto(v, shared);
  return shared.take();
}

/** The order a mailbox's FLAGS and PERMANENTFLAGS list the system flags in (UW's). */
export const MAILBOX_FLAG_ORDER: readonly (readonly [number, string])[] = [Flag.Answered, Flag.Flagged, Flag.Deleted,
  Flag.Seen, Flag.Draft].map((bit) => [bit, SYSTEM_FLAG_NAMES.find(([b]) => b === bit)?.[1] ?? '']);

/**
 * flag-list = "(" [flag *(SP flag)] ")", the one place flags are formatted: the system flags set in `bits` (in
 * `order`: a message's in bit order, a mailbox's in {@link MAILBOX_FLAG_ORDER}), `\Recent` when `recent`, the
 * keywords (atoms, as stored), then `\*` when `wildcard` (PERMANENTFLAGS: new keywords may be made).
 */
export function writeFlagList(w: ByteWriter, bits: number, recent: boolean, keywords: readonly string[],
  order: readonly (readonly [number, string])[] = SYSTEM_FLAG_NAMES, wildcard = false): void {
  w.byte(0x28);
  let first = true;
  for (const [bit, name] of order) {
    if ((bits & bit) === 0) continue;
    if (!first) w.byte(0x20);
    w.text(name);
    first = false;
  }
  if (recent) {
    if (!first) w.byte(0x20);
    w.text('\\Recent');
    first = false;
  }
  for (const k of keywords) {
    if (!first) w.byte(0x20);
    w.text(k);
    first = false;
  }
  if (wildcard) {
    if (!first) w.byte(0x20);
    w.text('\\*');
  }
  w.byte(0x29);
}

/** Where a finished response goes (lib/io's ResponseSink): bytes kept by reference, or copied now. */
export interface ResponseOut {
  write(data: Uint8Array): void;
  writeCopy(data: Uint8Array): void;
}

/**
 * A builder for response octets. Methods append and return `this`; nothing is validated twice. Values are
 * encoded in the smallest form that is always correct: atom when it is one, quoted when the rule above allows,
 * else a literal. Bytes go into one {@link ByteWriter}; a Buffer of 256 bytes or more is kept by reference (message
 * bytes after a literal header) until the response is handed on. Reusable: {@link chunks}, {@link toBuffer} and
 * {@link writeTo} empty it.
 */
export class ResponseBuilder {
  private readonly w = new ByteWriter();
  /** Finished pieces in order, before what {@link w} holds: copies of earlier text, and large Buffers as given. */
  private readonly parts: Buffer[] = [];

  private seal(): void {
    if (this.w.length > 0) this.parts.push(this.w.take());
  }

  /** Protocol text as is (keywords, numbers, punctuation): the caller guarantees it is valid; octets only. */
  raw(s: string): this {
    octets(s);
    this.w.text(s);
    return this;
  }

  /**
   * Human-readable text (resp-text after the code, a tag): written one octet per character, a character above
   * U+00FF as its low octet (what the sink has always done with strings: latin1).
   */
  text(s: string): this {
    this.w.text(s);
    return this;
  }

  /** A raw Buffer (message bytes after a literal header the caller wrote); one of 256 bytes or more is not copied. */
  bytes(b: Uint8Array): this {
    if (b.length < 256) this.w.bytes(b);
    else {
      this.seal();
      this.parts.push(octets(b));
    }
    return this;
  }

  sp(): this {
    this.w.byte(0x20);
    return this;
  }

  crlf(): this {
    this.w.byte(0x0d);
    this.w.byte(0x0a);
    return this;
  }

  /** number (a non-negative integer). */
  number(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a number: ${n}`);
    this.w.uint(n);
    return this;
  }

  /** atom: throws RangeError unless the value is one. */
  atom(v: Octets): this {
    const b = octets(v);
    if (!isAtom(b)) throw new RangeError('not an atom');
    this.w.bytes(b);
    return this;
  }

  /** literal = "{" number "}" CRLF *CHAR8 */
  literal(v: Octets): this {
    const b = octets(v);
    this.w.byte(0x7b);
    this.w.uint(b.length);
    this.w.text('}\r\n');
    return this.bytes(b);
  }

  /** literal8 = "~{" number "}" CRLF *OCTET (RFC 3516, for BINARY) */
  literal8(v: Octets): this {
    this.w.byte(0x7e);
    return this.literal(v);
  }

  /** string = quoted / literal, by the one rule above. */
  string(v: Octets): this {
    const b = octets(v);
    if (!quotable(b)) return this.literal(b);
    this.w.byte(0x22);
    this.w.bytes(b);
    this.w.byte(0x22);
    return this;
  }

  /**
   * A string known to be UTF-8, for a session that enabled UTF8=ACCEPT (RFC 9755 §3: quoted strings may then hold
   * UTF-8): quoted when its ASCII octets may be, else a literal like {@link string}.
   */
  utf8String(v: Uint8Array): this {
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as number;
      if (c < 0x80 && QUOTABLE[c] === 0) return this.literal(v);
    }
    this.w.byte(0x22);
    this.w.bytes(v);
    this.w.byte(0x22);
    return this;
  }

  /** astring = 1*ASTRING-CHAR / string */
  astring(v: Octets): this {
    const b = octets(v);
    if (isAtom(b)) {
      this.w.bytes(b);
      return this;
    }
    return this.string(b);
  }

  /** nstring = string / nil */
  nstring(v: Octets | null): this {
    if (v === null) {
      this.w.text('NIL');
      return this;
    }
    return this.string(v);
  }

  /** "(" item *(SP item) ")" with `each` writing one item; `()` for none. */
  list<T>(items: Iterable<T>, each: (b: this, item: T) => void): this {
    this.w.byte(0x28);
    let first = true;
    for (const it of items) {
      if (!first) this.w.byte(0x20);
      first = false;
      each(this, it);
    }
    this.w.byte(0x29);
    return this;
  }

  /**
   * sequence-set of the numbers `ids` (any order, no duplicates), as compact as ranges make it: `1:3,7`
   * (APPENDUID, COPYUID, ESEARCH ALL). Nothing for no numbers.
   */
  seqSet(ids: readonly number[]): this {
    return this.seqRanges(numberRanges(ids));
  }

  /**
   * sequence-set of the numbers `ids` in the order given, for ESEARCH's ALL (RFC 4731; RFC 5267 §3.1-3.2 for a sorted
   * result): a range only for a run that goes up by one, since a range stands for its numbers in increasing order
   * (`3:5,1` is 3 4 5 1; 5 4 3 is `5,4,3`, never `5:3`). For ascending numbers, as compact as {@link seqSet}.
   */
  orderedSet(ids: readonly number[]): this {
    const runs: Array<[number, number]> = [];
    for (const n of ids) {
      const last = runs[runs.length - 1];
      if (last !== undefined && n === last[1] + 1) last[1] = n;
      else runs.push([n, n]);
    }
    return this.seqRanges(runs);
  }

  /**
   * sequence-set of ranges, written in the order given; sorted, disjoint ones (`[[1,3],[7,7]]` is `1:3,7`) for a set
   * too large to list (VANISHED).
   */
  seqRanges(ranges: readonly (readonly [number, number])[]): this {
    let first = true;
    for (const [lo, hi] of ranges) {
      if (!first) this.w.byte(0x2c);
      first = false;
      this.number(lo);
      if (hi > lo) {
        this.w.byte(0x3a);
        this.number(hi);
      }
    }
    return this;
  }

  /** A flag list ({@link writeFlagList}). */
  flags(bits: number, recent: boolean, keywords: readonly string[],
    order: readonly (readonly [number, string])[] = SYSTEM_FLAG_NAMES, wildcard = false): this {
    writeFlagList(this.w, bits, recent, keywords, order, wildcard);
    return this;
  }

  /** An IMAP value ({@link writeImap}). */
  value(v: ImapValue): this {
    writeImap(v, this.w);
    return this;
  }

  /** The octets so far, as few Buffers as possible (large Buffers are kept as given). Empties the builder. */
  chunks(): Buffer[] {
    this.seal();
    return this.parts.splice(0);
  }

  /** The octets so far as one Buffer (copies). Empties the builder. */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks());
  }

  /** Hands the octets so far to `out` (one piece unless large Buffers were kept). Empties the builder. */
  writeTo(out: ResponseOut): void {
    if (this.parts.length > 0) {
      for (const c of this.chunks()) out.write(c);
      return;
    }
    if (this.w.length === 0) return;
    out.writeCopy(this.w.view());
    this.w.reset();
    this.w.shrink();
  }
}

/** section-spec as sent back in a FETCH response: `1.2.HEADER.FIELDS (DATE FROM)`. */
function sectionSpec(s: Section): string {
  const part = s.part.join('.');
  if (s.text === null) return part;
  let t: string = s.text.kind;
  if (s.text.kind === 'HEADER.FIELDS') {
    const names = s.text.fields.map((f) => new ResponseBuilder().astring(f).toBuffer().toString('latin1'));
    t = `HEADER.FIELDS${s.text.not ? '.NOT' : ''} (${names.join(' ')})`;
  }
  return part ? `${part}.${t}` : t;
}

/**
 * The name of a fetch item in the FETCH response (RFC 3501 §7.4.2): BODY.PEEK is answered as BODY, and a
 * partial as its origin only (`BODY[]<0>`).
 */
export function fetchItemName(att: FetchAtt): string {
  switch (att.kind) {
    case 'body-section':
      return `BODY[${sectionSpec(att.section)}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    case 'binary-section':
      return `BINARY[${att.part.join('.')}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    case 'binary-size':
      return `BINARY.SIZE[${att.part.join('.')}]`;
    default:
      return att.kind;
  }
}
