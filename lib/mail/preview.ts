/**
 * The preview text of a message for FETCH PREVIEW (RFC 8970): a short plain-text extract of the message's first
 * readable part, worked out from as few body bytes as it takes.
 *
 * RFC 8970 §3.3: "The generated string MUST NOT be content transfer encoded and MUST be encoded in UTF-8"; the
 * server SHOULD keep it to 200 preview characters and MUST NOT go past 256; "The server SHOULD remove any formatting
 * markup and do whatever processing might be useful in rendering the preview as plain text". What is done here:
 *
 * - The part: the message's body is walked as SEARCH walks it (search-body.ts's {@link walkSink}: boundaries found
 *   as the bytes go by, each part decoded by its Content-Transfer-Encoding and charset). The first text/plain or
 *   text/html leaf, in order, that is not an attachment and gives some text is the preview's; inside a
 *   multipart/alternative a text/plain alternative is preferred to a text/html one (an HTML alternative's text is
 *   kept until the alternative ends, in case a plain one follows). A message with no such part (an image, an
 *   encrypted message) has no meaningful preview: the empty string (RFC 8970 §3.2: "the server MUST return a
 *   zero-length string").
 * - The text: HTML loses its tags, comments, `<script>`/`<style>`/`<head>` contents and `<blockquote>`s (quoted
 *   replies), and its character references are decoded; plain text loses its quoted lines (`>` at a line start) and
 *   everything after a signature separator (`-- `, RFC 3676 §4.3), as a reader skims past them. Runs of whitespace
 *   become one space, control characters go, and the text is trimmed.
 * - The length: 200 characters (Unicode code points: a character outside the BMP is one, never cut in two), at
 *   most 256 whatever is asked.
 * - Bounded work: the walk stops as soon as the text is complete ({@link PreviewBuilder.done}), and the caller reads
 *   at most {@link PREVIEW_READ_LIMIT} body octets ({@link generatePreview}): a 200 MB message costs its first
 *   chunk, and an attachment before any text part costs at most the limit.
 *
 * PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';
import { type CharsetStream, charsetStream } from './charset.js';
import { type ContentDecoder, contentDecoder } from './cte.js';
import { FieldSet } from './header.js';
import { parseDisposition } from './mime.js';
import { type BodySink, NULL_SINK, type PartVisitor, type TypeInfo, walkSink } from './search-body.js';

/** RFC 8970 §3.3: the length the server SHOULD keep the preview to, in preview characters. */
const PREVIEW_CHARS = 200;
/** RFC 8970 §3.3: the length a preview MUST NOT exceed. */
const PREVIEW_MAX_CHARS = 256;
/** Body octets read for a preview at most: past them the preview is what was found so far. */
export const PREVIEW_READ_LIMIT = 1024 * 1024;

/** Text collected for the preview, whitespace collapsed, up to a number of code points. */
class TextOut {
  private readonly parts: string[] = [];
  private count = 0;
  /** A whitespace run was seen since the last character written (written as one space before the next one). */
  private space = false;
  /** A high surrogate that ended a piece, waiting for its low half. */
  private high = '';

  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.count >= this.limit;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Appends text (whitespace runs become one space, control characters go); stops quietly when full. */
  add(s: string): void {
    if (this.full || s.length === 0) return;
    if (this.high !== '') {
      s = this.high + s;
      this.high = '';
    }
    for (const ch of s) {
      const c = ch.codePointAt(0) ?? 0;
      if (WHITESPACE.test(ch)) {
        this.space = true;
        continue;
      }
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0xad) continue; // controls, DEL, C1, soft hyphen
      if (c >= 0xd800 && c <= 0xdbff && ch.length === 1) {
        // A lone high surrogate: its low half may begin the next piece (a decoder need not keep pairs together).
        this.high = ch;
        continue;
      }
      this.put(c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch);
      if (this.full) return;
    }
  }

  /** A break between words (a block-level HTML element, a line end): a space unless one is there. */
  brk(): void {
    this.space = true;
  }

  private put(ch: string): void {
    if (this.space && this.count > 0) {
      this.parts.push(' ');
      // A space that would be the last character is left out: the text is trimmed.
      if (++this.count >= this.limit) {
        this.parts.pop();
        this.count = this.limit;
        return;
      }
    }
    this.space = false;
    this.parts.push(ch);
    this.count++;
  }

  text(): string {
    if (this.high !== '' && !this.full) this.put('\ufffd');
    this.high = '';
    return this.parts.join('');
  }
}

/** Whitespace to collapse: JavaScript's `\s` (ASCII space, tab, line ends, NBSP, the Unicode spaces, BOM). */
const WHITESPACE = /^\s$/u;

/** Receives a part's decoded text, one piece at a time. */
interface TextFilter {
  push(s: string): void;
  end(): void;
}

/**
 * text/plain: quoted lines (a `>` at the line start, RFC 3676 §4.5's quote marker, which plain replies use too) and
 * the signature (after a line that is `-- `, RFC 3676 §4.3) are left out; the rest goes to `out`.
 */
class PlainFilter implements TextFilter {
  /**
   * Where the current line is: at its start, in text, in a quoted line, in what may be the signature separator
   * (held in {@link head}), or after the separator (the rest of the part is skipped).
   */
  private state: 'start' | 'text' | 'quoted' | 'head' | 'signature' = 'start';
  private head = '';

  constructor(private readonly out: TextOut) {}

  push(s: string): void {
    const text: string[] = [];
    let run = -1; // where the text run being collected starts, -1 for none
    const stop = (i: number): void => {
      if (run >= 0 && i > run) text.push(s.slice(run, i));
      run = -1;
    };
    for (let i = 0; i < s.length && this.state !== 'signature'; i++) {
      const c = s.charCodeAt(i);
      switch (this.state) {
        case 'quoted':
          if (c === LF) this.state = 'start';
          continue;
        case 'start':
          if (c === GT) {
            stop(i);
            this.state = 'quoted';
            continue;
          }
          if (c === DASH) {
            stop(i);
            this.state = 'head';
            this.head = '-';
            continue;
          }
          break;
        case 'head': {
          // `-- ` then the line end (CRLF, or LF as a decoder may leave it): the signature separator.
          const h = this.head + String.fromCharCode(c);
          if (h === '-- \n' || h === '-- \r\n') {
            this.state = 'signature';
            continue;
          }
          if ('-- \r\n'.startsWith(h)) {
            this.head = h;
            continue;
          }
          text.push(this.head);
          this.head = '';
          break;
        }
        default:
          break;
      }
      // A text character.
      if (run < 0) run = i;
      this.state = c === LF ? 'start' : 'text';
    }
    if (this.state !== 'signature') stop(s.length);
    this.out.add(text.join(''));
  }

  end(): void {
    if (this.state === 'head') this.out.add(this.head);
    this.head = '';
  }
}

const LF = 0x0a;
const GT = 0x3e;
const DASH = 0x2d;

/** Elements whose content is not text to show. */
const SKIPPED_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'object', 'svg']);
/** Elements that separate words (their tags are a space; inline ones, `<b>`, `<span>`, are nothing). */
const BLOCK_ELEMENTS = new Set(['p', 'br', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'hr', 'pre', 'section', 'article', 'header', 'footer', 'dd', 'dt', 'dl', 'address', 'center', 'img']);
/** Named character references worth knowing in mail (HTML's full list is 2,000; the rest are left as written). */
const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', ' '], ['ensp', ' '], ['emsp', ' '],
  ['thinsp', ' '], ['shy', ''], ['zwnj', ''], ['zwj', ''], ['lrm', ''], ['rlm', ''], ['copy', '©'], ['reg', '®'],
  ['trade', '™'], ['hellip', '…'], ['mdash', '—'], ['ndash', '–'], ['lsquo', '‘'], ['rsquo', '’'], ['sbquo', '‚'],
  ['ldquo', '“'], ['rdquo', '”'], ['bdquo', '„'], ['laquo', '«'], ['raquo', '»'], ['middot', '·'], ['bull', '•'],
  ['euro', '€'], ['pound', '£'], ['yen', '¥'], ['cent', '¢'], ['deg', '°'], ['sect', '§'], ['para', '¶'],
  ['times', '×'], ['divide', '÷'], ['iexcl', '¡'], ['iquest', '¿'], ['auml', 'ä'], ['ouml', 'ö'], ['uuml', 'ü'],
  ['Auml', 'Ä'], ['Ouml', 'Ö'], ['Uuml', 'Ü'], ['szlig', 'ß'], ['eacute', 'é'], ['egrave', 'è'], ['ecirc', 'ê'],
  ['aacute', 'á'], ['agrave', 'à'], ['acirc', 'â'], ['iacute', 'í'], ['oacute', 'ó'], ['uacute', 'ú'],
  ['ccedil', 'ç'], ['ntilde', 'ñ'], ['Eacute', 'É'], ['oslash', 'ø'], ['aring', 'å'], ['aelig', 'æ'],
]);
/** Longest tag name, comment opening or character reference held while it is read. */
const MAX_HELD = 32;

/**
 * text/html to text, streaming (tags and references may be cut by chunk ends): tags dropped (block-level ones
 * separate words), comments and the content of {@link SKIPPED_ELEMENTS} and `<blockquote>` (a quoted reply)
 * dropped, character references decoded. Not an HTML parser: what it does not understand it shows as text.
 */
class HtmlFilter implements TextFilter {
  private state: 'text' | 'tag' | 'attrs' | 'comment' | 'ref' = 'text';
  /** The tag name or reference being read (bounded by MAX_HELD). */
  private held = '';
  /** Inside an attribute value quoted with this character. */
  private quote = '';
  /** The current tag is an end tag. */
  private endTag = false;
  /** Within `<script>`...: skipped up to the end tag of this element. */
  private skipUntil = '';
  /** How many `<blockquote>`s are open (their text is skipped). */
  private quoteDepth = 0;
  /** Dashes in a row at the end of a comment so far. */
  private dashes = 0;

  constructor(private readonly out: TextOut) {}

  private emit(s: string): void {
    if (this.skipUntil === '' && this.quoteDepth === 0) this.out.add(s);
  }

  push(s: string): void {
    let run = 0;
    const flushRun = (i: number): void => {
      if (i > run) this.emit(s.slice(run, i));
    };
    for (let i = 0; i < s.length && !this.out.full; i++) {
      const ch = s[i] as string;
      switch (this.state) {
        case 'text':
          if (ch === '<') {
            flushRun(i);
            this.state = 'tag';
            this.held = '';
            this.endTag = false;
          } else if (ch === '&' && this.skipUntil === '') {
            flushRun(i);
            this.state = 'ref';
            this.held = '';
          } else continue;
          run = i + 1;
          break;
        case 'tag':
          if (this.held === '' && ch === '/' && !this.endTag) {
            this.endTag = true;
          } else if (/[A-Za-z0-9!-]/.test(ch) && this.held.length < MAX_HELD) {
            this.held += ch;
            if (this.held === '!--') {
              this.state = 'comment';
              this.dashes = 0;
            }
          } else if (this.held === '' && !this.endTag) {
            // `<` not followed by a name (`a < b`): text.
            this.state = 'text';
            if (this.skipUntil === '') this.emit('<');
            run = i;
            i--;
            continue;
          } else {
            this.state = 'attrs';
            i--; // the character ends the name: read it as the attributes' first
          }
          run = i + 1;
          break;
        case 'attrs':
          if (this.quote !== '') {
            if (ch === this.quote) this.quote = '';
          } else if (ch === '"' || ch === "'") this.quote = ch;
          else if (ch === '>') {
            this.state = 'text';
            this.tag(this.held.toLowerCase());
          }
          run = i + 1;
          break;
        case 'comment':
          if (ch === '>' && this.dashes >= 2) this.state = 'text';
          this.dashes = ch === '-' ? this.dashes + 1 : 0;
          run = i + 1;
          break;
        case 'ref':
          if (ch === ';' || !/[A-Za-z0-9#]/.test(ch) || this.held.length >= MAX_HELD) {
            this.emit(reference(this.held, ch === ';'));
            this.state = 'text';
            run = ch === ';' ? i + 1 : i;
            if (ch !== ';') i--;
          } else {
            this.held += ch;
            run = i + 1;
          }
          break;
      }
    }
    if (this.state === 'text') flushRun(s.length);
  }

  /** A tag `name` (lower case) ended. */
  private tag(name: string): void {
    if (this.skipUntil !== '') {
      if (this.endTag && name === this.skipUntil) this.skipUntil = '';
      return;
    }
    if (name === 'blockquote') {
      this.quoteDepth = Math.max(0, this.quoteDepth + (this.endTag ? -1 : 1));
      this.out.brk();
    } else if (!this.endTag && SKIPPED_ELEMENTS.has(name)) {
      this.skipUntil = name;
    } else if (BLOCK_ELEMENTS.has(name)) this.out.brk();
  }

  end(): void {
    if (this.state === 'ref') this.emit(reference(this.held, false));
    this.state = 'text';
  }
}

/** The text of a character reference `&name;` (`&#n;`, `&#xh;`), or the text as written when it is none we know. */
function reference(name: string, semicolon: boolean): string {
  const written = `&${name}${semicolon ? ';' : ''}`;
  if (name.startsWith('#')) {
    const hex = name[1] === 'x' || name[1] === 'X';
    const digits = name.slice(hex ? 2 : 1);
    if (digits === '' || !(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) return written;
    const n = parseInt(digits, hex ? 16 : 10);
    // NUL, surrogates and values past U+10FFFF are U+FFFD (HTML's parse-error rule).
    return n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? '\ufffd' : String.fromCodePoint(n);
  }
  return ENTITIES.get(name) ?? written;
}

/** A text leaf: transfer decoding, charset decoding, then the filter; `settle` after each piece and at its end. */
class LeafSink implements BodySink {
  private readonly charset: CharsetStream;
  /** Every byte so far was ASCII in an ASCII-compatible charset: no charset decoding needed (or begun). */
  private ascii: boolean;

  constructor(
    private readonly decoder: ContentDecoder,
    charset: string | undefined,
    asciiCharset: boolean,
    private readonly filter: TextFilter,
    /** Whether more text is wanted from this part. */
    private readonly wanted: () => boolean,
    /** Called when the part's text may be complete: `ended` when the part is over. */
    private readonly settle: (ended: boolean) => void,
  ) {
    this.charset = charsetStream(charset);
    this.ascii = asciiCharset;
  }

  private feed(b: Buffer): void {
    if (this.ascii && isAscii(b)) this.filter.push(b.toString('latin1'));
    else {
      this.ascii = false;
      this.filter.push(this.charset.push(b));
    }
  }

  push(chunk: Buffer): void {
    if (!this.wanted()) return;
    for (const b of this.decoder.push(chunk)) this.feed(b);
    this.settle(false);
  }

  end(): void {
    if (this.wanted()) {
      for (const b of this.decoder.end()) this.feed(b);
      if (!this.ascii) this.filter.push(this.charset.end());
      this.filter.end();
    }
    this.settle(true);
  }
}

const DISPOSITION = new FieldSet(['content-disposition']);
const DISPOSITION_SCRATCH = new Int32Array(2);

/** Whether the part whose header is `header` says it is an attachment (RFC 2183). */
function isAttachment(header: Buffer): boolean {
  DISPOSITION.firstRanges(header, DISPOSITION_SCRATCH);
  const s = DISPOSITION_SCRATCH[0] ?? -1;
  if (s < 0) return false;
  const d = parseDisposition(header.subarray(s, DISPOSITION_SCRATCH[1] ?? s));
  return d !== null && d.type.toString('latin1').toLowerCase() === 'attachment';
}

/**
 * Works out a message's preview from its body, pushed chunk by chunk (the header is given first: the message's
 * Content-Type and Content-Transfer-Encoding are there). Stop pushing when {@link done}; then {@link end}.
 */
export class PreviewBuilder implements PartVisitor {
  private readonly walk: BodySink;
  private readonly limit: number;
  /** The text chosen (done), or null while looking. */
  private result: string | null = null;
  /** Open multiparts, innermost last: whether each is an alternative, and the HTML text kept in it meanwhile. */
  private readonly open: { alternative: boolean; html: string | null }[] = [];

  constructor(header: Buffer, chars = PREVIEW_CHARS) {
    this.limit = Math.max(0, Math.min(PREVIEW_MAX_CHARS, Math.floor(chars)));
    this.walk = walkSink(header, this);
  }

  /** The preview is decided: nothing more need be pushed. */
  get done(): boolean {
    return this.result !== null;
  }

  push(chunk: Buffer): void {
    if (this.result === null) this.walk.push(chunk);
  }

  /** The preview (the empty string when the message has none). */
  end(): string {
    if (this.result === null) this.walk.end();
    if (this.result === null) {
      // The data ended (or the caller stopped reading) inside alternatives: the HTML text kept there, if any.
      for (const m of this.open) if (m.html !== null) return (this.result = m.html);
      this.result = '';
    }
    return this.result;
  }

  leaf(type: TypeInfo, encoding: string | undefined, header: Buffer): BodySink {
    if (this.result !== null) return NULL_SINK;
    const html = type.subtype === 'html';
    if (type.type !== 'text' || (!html && type.subtype !== 'plain') || isAttachment(header)) {
      // Not in a multipart: the message's only leaf. Nothing further is worth reading.
      if (this.open.length === 0) this.result = '';
      return NULL_SINK;
    }
    const out = new TextOut(this.limit);
    // HTML inside an alternative waits for the alternative's end, in case a text/plain alternative follows; any
    // other text that is complete (the part ended, or the limit is reached) is the preview.
    const alt = html ? this.open.findLast((m) => m.alternative) : undefined;
    let settled = false;
    const settle = (ended: boolean): void => {
      if (settled || this.result !== null || !(ended || out.full)) return;
      settled = true;
      // Nothing to show here (only quoted lines, an empty part): look further, if there is further.
      if (out.empty) {
        if (this.open.length === 0) this.result = '';
        return;
      }
      if (alt !== undefined) alt.html ??= out.text();
      else this.result = out.text();
    };
    const filter = html ? new HtmlFilter(out) : new PlainFilter(out);
    return new LeafSink(contentDecoder(encoding), type.charset, type.asciiCharset, filter, () => !settled && this.result === null, settle);
  }

  messageHeader(): void {
    // An encapsulated message's header is not its text: its body is walked like the rest.
  }

  multipartStart(subtype: string): void {
    this.open.push({ alternative: subtype === 'alternative', html: null });
  }

  multipartEnd(): void {
    const m = this.open.pop();
    if (this.result !== null) return;
    if (m !== undefined && m.html !== null) this.result = m.html;
    else if (this.open.length === 0) this.result = ''; // the message's outermost multipart: nothing more to find
  }
}

/**
 * The preview of the message whose header is `header` and whose body is `body` (its chunks, read only as far as
 * needed, and at most {@link PREVIEW_READ_LIMIT} octets: the iteration is left early, which ends the reading).
 */
export async function generatePreview(header: Buffer, body: AsyncIterable<Uint8Array>, chars = PREVIEW_CHARS): Promise<string> {
  const p = new PreviewBuilder(header, chars);
  let read = 0;
  for await (const c of body) {
    p.push(Buffer.from(c.buffer, c.byteOffset, c.length));
    read += c.length;
    if (p.done || read >= PREVIEW_READ_LIMIT) break;
  }
  return p.end();
}
