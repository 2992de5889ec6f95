/**
 * Response encoding. A {@link ResponseBuilder} gathers one response (or several) as octets: protocol text and
 * values encoded as atom, quoted string or literal, message bytes kept as the Buffers they came in (never decoded
 * to strings and back). The session writes `chunks()` to the sink in one go (ARCHITECTURE.md rule 5a).
 *
 * Strings in lib/wire are octets, one character per octet (latin1), the way the parser returns mailbox names:
 * a string holding a character above U+00FF is refused with RangeError. Unicode text must be encoded to a Buffer
 * (UTF-8, or modified UTF-7 for mailbox names) by the caller, which knows which one the protocol wants.
 */
import { isAtomChar } from './chars.js';
import type { FetchAtt, Section } from './parser.js';

type Octets = string | Buffer;

function octets(v: Octets): Buffer {
  if (typeof v !== 'string') return v;
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) > 0xff) throw new RangeError('string holds a character above U+00FF; pass a Buffer');
  }
  return Buffer.from(v, 'latin1');
}

/** Whether `b` can be sent as an atom (non-empty, ATOM-CHARs only, and not the word NIL). */
function isAtom(b: Buffer): boolean {
  if (b.length === 0 || b.length > 1024) return false;
  for (const c of b) if (!isAtomChar(c)) return false;
  return b.toString('latin1').toUpperCase() !== 'NIL';
}

/** Whether `b` can be sent as a quoted string: 7-bit TEXT-CHARs (no NUL, CR, LF, 8-bit), and not too long. */
function isQuotable(b: Buffer): boolean {
  if (b.length > 1024) return false;
  for (const c of b) if (c === 0 || c === 0x0d || c === 0x0a || c > 0x7f) return false;
  return true;
}

const QUOTED_SPECIAL = /["\\]/g;

/** quoted = DQUOTE *QUOTED-CHAR DQUOTE — only for values {@link isQuotable} accepts (RangeError otherwise). */
export function quoted(v: Octets): string {
  const b = octets(v);
  if (!isQuotable(b)) throw new RangeError('value cannot be sent as a quoted string');
  return `"${b.toString('latin1').replace(QUOTED_SPECIAL, '\\$&')}"`;
}

/**
 * A builder for response octets. Methods append and return `this`; nothing is validated twice. Values are
 * encoded in the smallest form that is always correct: atom when {@link isAtom}, quoted when {@link isQuotable},
 * else a literal. The builder owns nothing: Buffers passed in are kept by reference until `chunks()` is used.
 */
export class ResponseBuilder {
  private readonly out: Buffer[] = [];
  private text = '';

  private flushText(): void {
    if (this.text) {
      this.out.push(Buffer.from(this.text, 'latin1'));
      this.text = '';
    }
  }

  /** Protocol text as is (keywords, numbers, punctuation): the caller guarantees it is valid; octets only. */
  raw(s: string): this {
    octets(s);
    this.text += s;
    return this;
  }

  /** A raw Buffer (message bytes after a literal header the caller wrote), kept without copying. */
  bytes(b: Buffer): this {
    if (b.length < 256) this.text += b.toString('latin1');
    else {
      this.flushText();
      this.out.push(b);
    }
    return this;
  }

  sp(): this {
    this.text += ' ';
    return this;
  }

  crlf(): this {
    this.text += '\r\n';
    return this;
  }

  /** number (a non-negative integer). */
  number(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a number: ${n}`);
    this.text += String(n);
    return this;
  }

  /** atom: throws RangeError unless the value {@link isAtom}. */
  atom(v: Octets): this {
    const b = octets(v);
    if (!isAtom(b)) throw new RangeError('not an atom');
    this.text += b.toString('latin1');
    return this;
  }

  /** literal = "{" number "}" CRLF *CHAR8 */
  literal(v: Octets): this {
    const b = octets(v);
    this.text += `{${b.length}}\r\n`;
    return this.bytes(b);
  }

  /** literal8 = "~{" number "}" CRLF *OCTET (RFC 3516, for BINARY) */
  literal8(v: Octets): this {
    const b = octets(v);
    this.text += `~{${b.length}}\r\n`;
    return this.bytes(b);
  }

  /** string = quoted / literal */
  string(v: Octets): this {
    const b = octets(v);
    if (isQuotable(b)) {
      this.text += quoted(b);
      return this;
    }
    return this.literal(b);
  }

  /** astring = 1*ASTRING-CHAR / string */
  astring(v: Octets): this {
    const b = octets(v);
    if (isAtom(b)) {
      this.text += b.toString('latin1');
      return this;
    }
    return this.string(b);
  }

  /** nstring = string / nil */
  nstring(v: Octets | null): this {
    if (v === null) {
      this.text += 'NIL';
      return this;
    }
    return this.string(v);
  }

  /** "(" item *(SP item) ")" with `each` writing one item; `()` for none. */
  list<T>(items: Iterable<T>, each: (b: this, item: T) => void): this {
    this.text += '(';
    let first = true;
    for (const it of items) {
      if (!first) this.text += ' ';
      first = false;
      each(this, it);
    }
    this.text += ')';
    return this;
  }

  /** The octets so far, as few Buffers as possible (large Buffers are kept as given). Resets the builder. */
  chunks(): Buffer[] {
    this.flushText();
    const out = this.out.splice(0);
    return out;
  }

  /** The octets so far as one Buffer (copies). Resets the builder. */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks());
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
