/**
 * The argument parser: an {@link ArgCursor} walks over one command as the fragmentizer delivered it (text runs and
 * literals) and each method parses exactly one RFC 3501 §9 ABNF rule (or an extension's), named after it. A
 * method either returns a typed value and moves past the rule, or throws {@link ParseError} (answered with BAD)
 * and leaves the cursor where it was not guaranteed to be — the command is abandoned anyway.
 *
 * Methods never consume the SP before their rule; the command parser calls {@link ArgCursor.sp} between
 * arguments, and {@link ArgCursor.end} at the end. Strings are returned as the client's octets (Buffer): only the
 * layer that knows the charset decodes them. Names that are ASCII by syntax (atoms, flags) are strings.
 */
import { decodeBase64Strict } from '../values/base64.js';
import type { SearchKey } from '../values/search-key.js';
import type { CommandPart, RawCommand, SpooledLiteral } from './fragmentizer.js';
import { isAstringChar, isAtomChar, isDigit, isListChar, isTagChar } from './chars.js';
import { encodeMutf7 } from './mutf7.js';
import { SequenceSet, type SequenceArg, type SeqNumber, type SeqRange } from '../values/sequence.js';

/** A syntax error in a command: answered with `BAD <message>`. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

// ---- character classes (RFC 3501 §9) -------------------------------------------------------------------------

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Decodes UTF-8 and throws on anything that is not (overlong forms, surrogates, cut sequences). */
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The characters of fetch-att and section keywords: `RFC822.SIZE`, `HEADER.FIELDS.NOT`, `BODY.PEEK`. */
const isWordChar = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || isDigit(c) || c === 0x2e;

const isBase64Char = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || isDigit(c) || c === 0x2b || c === 0x2f;

const MAX_NUMBER = 4294967295;
/** Nesting bound for search keys (parentheses, NOT, OR): deep enough for any client, shallow for our stack. */
const MAX_DEPTH = 64;

// ---- values ----------------------------------------------------------------------------------------------------

/** A date as in SEARCH (RFC 3501 `date`): a calendar day, no time or zone. month is 1..12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** An APPEND date-time: local time fields as written plus the zone offset in minutes east of UTC. */
export interface DateTime extends CalendarDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly zoneMinutes: number;
  /** The instant it denotes, milliseconds since the epoch. */
  readonly epochMs: number;
}

/** section-text / section-msgtext (RFC 3501 §9). MIME only ever follows a part number. */
type SectionText =
  | { readonly kind: 'HEADER' }
  | { readonly kind: 'HEADER.FIELDS'; readonly not: boolean; readonly fields: readonly string[] }
  | { readonly kind: 'TEXT' }
  | { readonly kind: 'MIME' };

/** section-spec: a part path (empty for the whole message) and what of it. `BODY[]` is `{part: [], text: null}`. */
export interface Section {
  readonly part: readonly number[];
  readonly text: SectionText | null;
}

/** partial = "<" number "." nz-number ">" */
export interface PartialRange {
  readonly offset: number;
  readonly length: number;
}

/** The fetch-att items that take no arguments. */
type SimpleFetchAtt =
  | 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE' | 'RFC822.TEXT'
  | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE';

/**
 * One fetch-att (RFC 3501, plus BINARY of RFC 3516, MODSEQ of RFC 7162, EMAILID and THREADID of RFC 8474 and
 * SAVEDATE of RFC 8514).
 */
export type FetchAtt =
  | { readonly kind: SimpleFetchAtt }
  | { readonly kind: 'body-section'; readonly peek: boolean; readonly section: Section; readonly partial: PartialRange | null }
  | { readonly kind: 'binary-section'; readonly peek: boolean; readonly part: readonly number[]; readonly partial: PartialRange | null }
  | { readonly kind: 'binary-size'; readonly part: readonly number[] }
  | { readonly kind: 'PREVIEW'; readonly lazy: boolean };

/** One cat-part (RFC 4469 §5): a TEXT literal's octets (`spooled` when large, as APPEND's) or a URL as sent. */
export type CatPart =
  | { readonly kind: 'text'; readonly bytes: Buffer; readonly binary: boolean; readonly spooled?: SpooledLiteral }
  | { readonly kind: 'url'; readonly url: string };

/** An append-message (RFC 4466 §3): flags, date-time, and the message as a literal or (RFC 4469) its parts. */
export interface AppendMessageArg {
  readonly flags: readonly string[];
  readonly date: DateTime | null;
  readonly data:
    | { readonly kind: 'literal'; readonly bytes: Buffer; readonly binary: boolean; readonly spooled?: SpooledLiteral }
    | { readonly kind: 'catenate'; readonly parts: readonly CatPart[] };
}

/** The flags RFC 3501 defines, spelled canonically (flags compare case-insensitively). */
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'] as const;

/**
 * RFC 4731 search-return-opt (SAVE is RFC 5182; CONTEXT, UPDATE and PARTIAL are RFC 5267 §4, PARTIAL's range in
 * {@link SearchReturn.partial}).
 */
export type SearchReturnOpt = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'CONTEXT' | 'UPDATE' | 'PARTIAL';

/** A search's RETURN options: each named once, in the order given, and PARTIAL's range when it is among them. */
export interface SearchReturn {
  readonly opts: readonly SearchReturnOpt[];
  /** partial-range = nz-number ":" nz-number (RFC 5267 §5), as given ("A range 500:400 is the same as 400:500"). */
  readonly partial: { readonly first: number; readonly last: number } | null;
}

/**
 * The arguments of SEARCH / UID SEARCH. `returnOpts` null means a plain (non-ESEARCH) search. `keys` are ANDed
 * (hand them to lib/mail's compileSearch with `charset ?? 'US-ASCII'`).
 */
export interface SearchCommand {
  readonly returnOpts: SearchReturn | null;
  readonly charset: string | null;
  readonly keys: readonly SearchKey[];
}

/** store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag))) */
export interface StoreAtt {
  readonly op: 'replace' | 'add' | 'remove';
  readonly silent: boolean;
  readonly flags: readonly string[];
}

/**
 * How many numbers a "*"-free sequence-set names, when they are in ascending order (RFC 7162 §7's known-sequence-set
 * and known-uid-set: a range may be written either way round, as in RFC 3501 §9); throws ParseError when they are not.
 */
function ascendingCount(set: SequenceSet): number {
  let count = 0;
  let prev = 0;
  for (const { first, last } of set.items) {
    if (first === '*' || last === '*') throw new ParseError('"*" not allowed in seq-match-data');
    const lo = Math.min(first, last);
    if (lo <= prev) throw new ParseError('seq-match-data not in ascending order');
    prev = Math.max(first, last);
    count += prev - lo + 1;
  }
  return count;
}

/** QRESYNC's SELECT/EXAMINE parameter (RFC 7162 §3.2.5): what the client knew of the mailbox when it last looked. */
export interface QresyncParam {
  readonly uidValidity: number;
  readonly modseq: number;
  /** The UIDs the client knows (null: every one). */
  readonly knownUids: SequenceSet | null;
  /** Message numbers and the UIDs they had for the client (seq-match-data), when given. */
  readonly seqMatch: { readonly seqs: SequenceSet; readonly uids: SequenceSet } | null;
}

export type StatusAtt = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ' | 'APPENDLIMIT' | 'SIZE'
  | 'MAILBOXID' | 'DELETED' | 'DELETED-STORAGE';

/** GETMETADATA's DEPTH (RFC 5464 §4.2.2): the entry alone, its children too, or everything below it. */
type MetadataDepth = '0' | '1' | 'infinity';

/** GETMETADATA's options (RFC 5464 §4.2): MAXSIZE (null: none) and DEPTH (default 0). */
export interface MetadataOptions {
  readonly maxSize: number | null;
  readonly depth: MetadataDepth;
}

/**
 * LIST's selection options (RFC 5258 §3.1, SPECIAL-USE of RFC 6154 §3): which names are listed. REMOTE is
 * accepted and means nothing here (there are no remote mailboxes).
 */
export interface ListSelectOpts {
  readonly subscribed: boolean;
  readonly remote: boolean;
  readonly recursiveMatch: boolean;
  readonly specialUse: boolean;
}

/** LIST's return options (RFC 5258 §3.2, STATUS of RFC 5819, SPECIAL-USE of RFC 6154 §3): what each answer says. */
export interface ListReturnOpts {
  readonly subscribed: boolean;
  readonly children: boolean;
  readonly specialUse: boolean;
  /** The STATUS items to send after each selectable mailbox's LIST response; null: no STATUS. */
  readonly status: readonly StatusAtt[] | null;
}

/**
 * The largest mod-sequence-value (RFC 7162 §7: a positive 63-bit integer). Larger than a JS number holds exactly, but
 * every modseq a mailbox gives is far below 2^53: a value the client sends is kept as the nearest number not above
 * it, capped at 2^53 - 1, which compares with every real modseq as the exact value would.
 */
const MAX_MODSEQ = 9223372036854775807n;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---- the cursor ------------------------------------------------------------------------------------------------

/**
 * A cursor over one command. Not reusable across commands; cheap to create. Every method throws
 * {@link ParseError} on a syntax error.
 */
export class ArgCursor {
  private i = 0;
  private pos = 0;
  private readonly parts: readonly CommandPart[];
  /**
   * The session has enabled UTF8=ACCEPT (RFC 9755, formerly RFC 6855): mailbox names arrive in UTF-8 and are
   * returned in their modified UTF-7 form (RFC 3501 §5.1.3), the form they are stored in (file names as UW and
   * Dovecot write them), so the rest of the server knows one form only.
   */
  readonly utf8: boolean;
  /**
   * The session has enabled IMAP4rev2 (RFC 9051 §6.3.1): its grammar has no \Recent, so the search keys NEW, OLD and
   * RECENT and the status attribute RECENT are syntax errors (RFC 9051 §9, Appendix E).
   */
  readonly rev2: boolean;

  constructor(command: RawCommand | readonly CommandPart[],
    opts: { readonly utf8?: boolean; readonly rev2?: boolean } = {}) {
    const parts = 'parts' in command ? command.parts : command;
    this.parts = parts.length ? parts : [{ kind: 'text', bytes: Buffer.alloc(0) }];
    this.utf8 = opts.utf8 === true;
    this.rev2 = opts.rev2 === true;
  }

  /** A cursor over a command without literals, from its text (tests, internal commands). */
  static of(text: string | Buffer): ArgCursor {
    return new ArgCursor([{ kind: 'text', bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text }]);
  }

  // -- low level --

  private text(): Buffer {
    const p = this.parts[this.i];
    return p !== undefined && p.kind === 'text' ? p.bytes : Buffer.alloc(0);
  }

  /** The next octet of text, or -1 at a literal or the end. */
  private peek(offset = 0): number {
    return this.text()[this.pos + offset] ?? -1;
  }

  private atLiteral(): boolean {
    return this.pos >= this.text().length && this.parts[this.i + 1]?.kind === 'literal';
  }

  private takeLiteral(): { bytes: Buffer; binary: boolean; spooled?: SpooledLiteral } | null {
    if (!this.atLiteral()) return null;
    const p = this.parts[this.i + 1];
    this.i += 2;
    this.pos = 0;
    if (p?.kind !== 'literal') return null;
    return p.spooled !== undefined ? { bytes: p.bytes, binary: p.binary, spooled: p.spooled } : { bytes: p.bytes, binary: p.binary };
  }

  private takeWhile(pred: (c: number) => boolean): string {
    const t = this.text();
    const start = this.pos;
    while (this.pos < t.length && pred(t[this.pos] ?? -1)) this.pos++;
    return t.toString('latin1', start, this.pos);
  }

  private expect(c: number, what: string): void {
    if (this.peek() !== c) throw new ParseError(`Expected ${what}${this.where()}`);
    this.pos++;
  }

  private where(): string {
    if (this.atEnd()) return ' at end of command';
    if (this.atLiteral()) return ' before literal';
    const t = this.text();
    return ` at "${t.toString('latin1', this.pos, Math.min(t.length, this.pos + 20)).replace(/[^\x20-\x7e]/g, '?')}"`;
  }

  /** Whether the next octet is `c` (a character); consumes it when so. */
  eat(c: string): boolean {
    if (this.peek() !== c.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  /** True at the end of the command. */
  atEnd(): boolean {
    return this.pos >= this.text().length && this.i >= this.parts.length - 1;
  }

  /** Throws unless the whole command has been consumed. */
  end(): void {
    if (!this.atEnd()) throw new ParseError(`Junk after command arguments${this.where()}`);
  }

  /** SP: exactly one space. */
  sp(): void {
    this.expect(SP, 'space');
  }

  /** Consumes a SP if one is next; true when it did. */
  maybeSp(): boolean {
    return this.eat(' ');
  }

  /** True when the next octet is `c` (not consumed). */
  lookingAt(c: string): boolean {
    return this.peek() === c.charCodeAt(0);
  }

  /** Consumes the exact (case-insensitive) keyword `word` if it comes next and is not followed by an atom char. */
  maybeKeyword(word: string): boolean {
    const t = this.text();
    const end = this.pos + word.length;
    if (t.length < end || t.toString('latin1', this.pos, end).toUpperCase() !== word.toUpperCase()) return false;
    const after = t[end];
    if (after !== undefined && isAtomChar(after)) return false;
    this.pos = end;
    return true;
  }

  // -- RFC 3501 §9 rules --

  /** tag = 1*<any ASTRING-CHAR except "+"> */
  tag(): string {
    const t = this.takeWhile(isTagChar);
    if (!t) throw new ParseError(`Missing or invalid tag${this.where()}`);
    return t;
  }

  /** atom = 1*ATOM-CHAR (returned as written; compare keywords case-insensitively). */
  atom(): string {
    const a = this.takeWhile(isAtomChar);
    if (!a) throw new ParseError(`Expected atom${this.where()}`);
    return a;
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials.
   * 8-bit octets are accepted (UTF-8 from clients, as UW and RFC 6855 do); NUL, CR and LF are not. */
  quoted(): Buffer {
    this.expect(DQUOTE, 'quoted string');
    const t = this.text();
    const out: number[] = [];
    for (;;) {
      const c = t[this.pos++];
      if (c === undefined) throw new ParseError('Unterminated quoted string');
      if (c === DQUOTE) return Buffer.from(out);
      if (c === BACKSLASH) {
        const e = t[this.pos++];
        if (e !== DQUOTE && e !== BACKSLASH) throw new ParseError('Invalid escape in quoted string');
        out.push(e);
      } else if (c === 0 || c === 0x0d || c === 0x0a) {
        throw new ParseError('Invalid character in quoted string');
      } else {
        out.push(c);
      }
    }
  }

  /**
   * literal = "{" number "}" CRLF *CHAR8 — the octets (the fragmentizer already read them). A literal8 (`~{N}`)
   * is refused: RFC 3516 allows it only where {@link literal8} is parsed. NUL octets are not refused (c-client
   * does not either); the mail layer copes with them.
   */
  literal(): Buffer {
    const l = this.takeLiteral();
    if (l === null) throw new ParseError(`Expected literal${this.where()}`);
    if (l.binary) throw new ParseError('literal8 not allowed here');
    // Only an APPEND message is spooled; a spooled literal anywhere else is not a string we will hold.
    if (l.spooled !== undefined) throw new ParseError('Literal too large here');
    return l.bytes;
  }

  /**
   * literal / literal8 (RFC 3516: literal8 = "~{" number ["+"] "}" CRLF *OCTET) — APPEND's message. `binary` is
   * true for a literal8, whose content may hold NUL and must then be stored with a binary-safe encoding. A large
   * message comes `spooled` (its octets outside memory, `bytes` empty).
   */
  literal8(): { bytes: Buffer; binary: boolean; spooled?: SpooledLiteral } {
    const l = this.takeLiteral();
    if (l === null) throw new ParseError(`Expected literal${this.where()}`);
    return l;
  }

  /** string = quoted / literal */
  string(): Buffer {
    if (this.atLiteral()) return this.literal();
    if (this.peek() === DQUOTE) return this.quoted();
    throw new ParseError(`Expected string${this.where()}`);
  }

  /** astring = 1*ASTRING-CHAR / string */
  astring(): Buffer {
    if (this.atLiteral() || this.peek() === DQUOTE) return this.string();
    const start = this.pos;
    this.takeWhile(isAstringChar);
    if (this.pos === start) throw new ParseError(`Expected astring${this.where()}`);
    return Buffer.from(this.text().subarray(start, this.pos));
  }

  /** nstring = string / nil */
  nstring(): Buffer | null {
    if (this.maybeKeyword('NIL')) return null;
    return this.string();
  }

  /**
   * id_params_list ::= "(" #(string SPACE nstring) ")" / nil (RFC 2971 §4). Null for NIL. The RFC's limits are
   * enforced: at most 30 pairs, field names of at most 30 octets, values of at most 1024.
   */
  idParamsList(): { field: Buffer; value: Buffer | null }[] | null {
    if (this.maybeKeyword('NIL')) return null;
    this.expect(0x28, '"(" or NIL');
    const out: { field: Buffer; value: Buffer | null }[] = [];
    if (this.eat(')')) return out;
    do {
      if (out.length === 30) throw new ParseError('Too many ID fields (at most 30)');
      const field = this.string();
      if (field.length > 30) throw new ParseError('ID field name longer than 30 octets');
      this.sp();
      const value = this.nstring();
      if (value !== null && value.length > 1024) throw new ParseError('ID value longer than 1024 octets');
      out.push({ field, value });
    } while (this.maybeSp());
    this.expect(0x29, '")"');
    return out;
  }

  /**
   * base64 = *(4base64-char) [base64-terminal] (RFC 3501 §9), for AUTHENTICATE's initial response (RFC 4959, where
   * a lone "=" stands for an empty response). Padding and leftover bits are checked: only canonical base64.
   */
  base64(): Buffer {
    if (this.eat('=')) return Buffer.alloc(0);
    const t = this.takeWhile((c) => isBase64Char(c) || c === 0x3d);
    const b = decodeBase64Strict(t);
    if (b === null || t === '') throw new ParseError('Invalid base64');
    return b;
  }

  /** number = 1*DIGIT ; unsigned 32-bit integer */
  number(): number {
    const d = this.takeWhile(isDigit);
    if (!d) throw new ParseError(`Expected number${this.where()}`);
    const n = d.length > 10 ? Infinity : Number(d);
    if (n > MAX_NUMBER) throw new ParseError('Number out of range');
    return n;
  }

  /** nz-number = digit-nz *DIGIT ; non-zero unsigned 32-bit integer */
  nzNumber(): number {
    if (this.peek() === 0x30) throw new ParseError(`Expected non-zero number${this.where()}`);
    return this.number();
  }

  /**
   * mailbox = "INBOX" / astring ; INBOX is case-insensitive. Returned one character per octet (latin1) so no
   * byte is lost; the namespace layer decodes modified UTF-7 / UTF-8. Any case of INBOX becomes "INBOX".
   */
  mailbox(): string {
    const name = this.wireName(this.astring());
    return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
  }

  /** list-mailbox = 1*list-char / string ; latin1 like {@link mailbox}, wildcards % and * kept. */
  listMailbox(): string {
    if (this.atLiteral() || this.peek() === DQUOTE) return this.wireName(this.string());
    const s = this.takeWhile(isListChar);
    if (!s) throw new ParseError(`Expected mailbox pattern${this.where()}`);
    return this.wireName(Buffer.from(s, 'latin1'));
  }

  /**
   * A mailbox name or pattern as the server handles it: its octets (latin1), or under UTF8=ACCEPT the modified UTF-7
   * form of the UTF-8 it must be (RFC 9755 §3: such a client sends names in UTF-8 only, so "&" is just "&"). The
   * wildcards are printable ASCII, which modified UTF-7 keeps as they are.
   */
  private wireName(b: Buffer): string {
    if (!this.utf8) return b.toString('latin1');
    let text: string;
    try {
      text = UTF8_STRICT.decode(b);
    } catch {
      throw new ParseError('Mailbox name is not UTF-8');
    }
    // Not normalized: a name reaches the file it named, in whatever form a client created it (a rev1 client
    // could have made an NFD one in modified UTF-7).
    return encodeMutf7(text);
  }

  /**
   * flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension
   * flag-keyword = atom ; flag-extension = "\" atom
   * System flags are returned in their canonical spelling (`\SEEN` becomes `\Seen`); keywords as written.
   */
  flag(): string {
    if (this.eat('\\')) {
      const a = this.takeWhile(isAtomChar);
      if (!a) throw new ParseError(`Invalid flag${this.where()}`);
      const f = `\\${a}`;
      return SYSTEM_FLAGS.find((s) => s.toUpperCase() === f.toUpperCase()) ?? f;
    }
    return this.atom();
  }

  /** flag-keyword = atom (a flag that is not a system flag). */
  flagKeyword(): string {
    return this.atom();
  }

  /** objectid = 1*255(ALPHA / DIGIT / "_" / "-")  (RFC 8474 §7) */
  objectId(): string {
    const a = this.takeWhile(isAtomChar);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(a)) {
      throw new ParseError(a ? 'Invalid object id' : `Expected object id${this.where()}`);
    }
    return a;
  }

  /** flag-list = "(" [flag *(SP flag)] ")" */
  flagList(): string[] {
    this.expect(0x28, '"("');
    const flags: string[] = [];
    if (this.eat(')')) return flags;
    for (;;) {
      flags.push(this.flag());
      if (this.eat(')')) return flags;
      this.sp();
    }
  }

  /** seq-number = nz-number / "*" (RFC 3501 §9; REPLACE's message, RFC 8508) */
  seqNumber(): SeqNumber {
    if (this.eat('*')) return '*';
    return this.nzNumber();
  }

  /** sequence-set = (seq-number / seq-range) *("," sequence-set) ; seq-range = seq-number ":" seq-number */
  seqSet(): SequenceSet {
    if (this.peek() !== 0x2a && !isDigit(this.peek())) throw new ParseError(`Expected sequence set${this.where()}`);
    const items: SeqRange[] = [];
    do {
      const first = this.seqNumber();
      const last = this.eat(':') ? this.seqNumber() : first;
      items.push({ first, last });
    } while (this.eat(','));
    return SequenceSet.of(items);
  }

  /**
   * sequence-set =/ seq-last-command ; seq-last-command = "$" (RFC 5182 §3): a sequence set, or "$" alone. "$" is
   * not a seq-number, so `1,$` and `$,1` are refused (the first by seqSet, the second by whatever follows).
   */
  seqSetOrSaved(): SequenceArg {
    if (this.eat('$')) return '$';
    return this.seqSet();
  }

  /** date = date-text / DQUOTE date-text DQUOTE ; date-text = date-day "-" date-month "-" date-year */
  date(): CalendarDate {
    const q = this.eat('"');
    const day = this.digits(1, 2, 'day');
    const d = this.dateRest(day);
    if (q) this.expect(DQUOTE, 'closing quote of date');
    return d;
  }

  private digits(min: number, max: number, what: string): number {
    const start = this.pos;
    const s = this.takeWhile(isDigit);
    if (s.length < min || s.length > max) {
      this.pos = start;
      throw new ParseError(`Invalid ${what} in date${this.where()}`);
    }
    return Number(s);
  }

  /** "-" date-month "-" date-year, with the day already read; checks the day exists. */
  private dateRest(day: number): CalendarDate {
    this.expect(0x2d, '"-" in date');
    const m = MONTHS.indexOf(this.takeWhile((c) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a).toUpperCase());
    if (m < 0) throw new ParseError('Invalid month in date');
    this.expect(0x2d, '"-" in date');
    const year = this.digits(4, 4, 'year');
    if (day < 1 || day > daysIn(year, m + 1)) throw new ParseError('Invalid day in date');
    return { year, month: m + 1, day };
  }

  /**
   * date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
   * date-day-fixed = (SP DIGIT) / 2DIGIT ; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT ; zone = ("+" / "-") 4DIGIT
   * A single-digit day without the leading space is accepted too (c-client does).
   */
  dateTime(): DateTime {
    this.expect(DQUOTE, 'date-time');
    const day = this.eat(' ') ? this.digits(1, 1, 'day') : this.digits(1, 2, 'day');
    const date = this.dateRest(day);
    this.sp();
    const hour = this.digits(2, 2, 'hour');
    this.expect(0x3a, '":" in time');
    const minute = this.digits(2, 2, 'minute');
    this.expect(0x3a, '":" in time');
    const second = this.digits(2, 2, 'second');
    this.sp();
    const sign = this.eat('+') ? 1 : this.eat('-') ? -1 : 0;
    if (sign === 0) throw new ParseError('Invalid zone in date-time');
    const zone = this.digits(4, 4, 'zone');
    this.expect(DQUOTE, 'closing quote of date-time');
    const zh = Math.floor(zone / 100);
    const zm = zone % 100;
    if (hour > 23 || minute > 59 || second > 60 || zm > 59) throw new ParseError('Invalid time in date-time');
    const zoneMinutes = sign * (zh * 60 + zm);
    const epochMs = Date.UTC(date.year, date.month - 1, date.day, hour, minute, second) - zoneMinutes * 60000;
    return { ...date, hour, minute, second, zoneMinutes, epochMs };
  }

  /**
   * append-message = append-opts SP append-data  (RFC 4466 §3), with the SP before it already read:
   * append-opts = [flag-list SP] [date-time SP] (append-ext is defined by no extension we have);
   * append-data = literal / literal8 / "CATENATE" SP "(" cat-part *(SP cat-part) ")"  (RFC 3516, RFC 4469 §5).
   * APPEND's messages (several with MULTIAPPEND) and REPLACE's one (RFC 8508, formal syntax).
   */
  appendMessage(): AppendMessageArg {
    let flags: string[] = [];
    let date: DateTime | null = null;
    if (this.lookingAt('(')) {
      flags = this.flagList();
      this.sp();
    }
    if (this.lookingAt('"')) {
      date = this.dateTime();
      this.sp();
    }
    if (this.maybeKeyword('CATENATE')) {
      this.sp();
      return { flags, date, data: { kind: 'catenate', parts: this.catParts() } };
    }
    if (this.maybeKeyword('UTF8')) return { flags, date, data: { kind: 'literal', ...this.utf8Literal() } };
    // A literal or a literal8: both are stored the same way (lib/imap/commands/append.ts).
    return { flags, date, data: { kind: 'literal', ...this.literal8() } };
  }

  /**
   * After "UTF8": SP "(" literal8 ")" (RFC 6855 §4, kept by RFC 9755: append-data and cat-part =/ "UTF8" SP "("
   * literal8 ")"), a message whose header may hold UTF-8 (RFC 6532). Stored as its octets, as any other: an mbox
   * keeps bytes, and UW and Dovecot store such messages unchanged too.
   */
  private utf8Literal(): ReturnType<ArgCursor['literal8']> {
    this.sp();
    this.expect(0x28, '"(" after UTF8');
    const lit = this.literal8();
    this.expect(0x29, '")" closing UTF8');
    return lit;
  }

  /**
   * "(" cat-part *(SP cat-part) ")" ; cat-part = text-literal / url ; text-literal = "TEXT" SP literal ;
   * url = "URL" SP astring  (RFC 4469 §5) ; cat-part =/ "UTF8" SP "(" literal8 ")" (RFC 6855 §4). A TEXT may be a literal8 too, as APPEND's own message may
   * (RFC 4466 §2.7 append-data, RFC 3516 §4.4): its octets are taken as APPEND takes a literal8's.
   */
  private catParts(): CatPart[] {
    this.expect(0x28, '"(" after CATENATE');
    const parts: CatPart[] = [];
    do {
      if (this.maybeKeyword('TEXT')) {
        this.sp();
        parts.push({ kind: 'text', ...this.literal8() });
      } else if (this.maybeKeyword('UTF8')) {
        parts.push({ kind: 'text', ...this.utf8Literal() });
      } else if (this.maybeKeyword('URL')) {
        this.sp();
        parts.push({ kind: 'url', url: this.astring().toString('latin1') });
      } else {
        throw new ParseError(`Expected TEXT or URL${this.where()}`);
      }
    } while (this.eat(' '));
    this.expect(0x29, '")" closing CATENATE');
    return parts;
  }

  /** A keyword of letters, digits and dots, uppercased (fetch-att names, section keywords, search keys). */
  private word(): string {
    return this.takeWhile(isWordChar).toUpperCase();
  }

  /** section-part = nz-number *("." nz-number) — stops before a "." that is not followed by a digit. */
  private sectionPart(): number[] {
    const part: number[] = [];
    if (!isDigit(this.peek())) return part;
    part.push(this.nzNumber());
    while (this.peek() === 0x2e && isDigit(this.peek(1))) {
      this.pos++;
      part.push(this.nzNumber());
    }
    return part;
  }

  /**
   * section = "[" [section-spec] "]"
   * section-spec = section-msgtext / (section-part ["." section-text])
   * section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
   * section-text = section-msgtext / "MIME"
   * header-list = "(" header-fld-name *(SP header-fld-name) ")" ; header-fld-name = astring
   */
  section(): Section {
    this.expect(0x5b, '"["');
    const part = this.sectionPart();
    let text: SectionText | null = null;
    if (part.length === 0 || this.eat('.')) {
      const w = this.word();
      if (w === 'HEADER' || w === 'TEXT') text = { kind: w };
      else if (w === 'MIME' && part.length > 0) text = { kind: 'MIME' };
      else if (w === 'HEADER.FIELDS' || w === 'HEADER.FIELDS.NOT') {
        this.sp();
        this.expect(0x28, '"(" before header field names');
        const fields: string[] = [];
        do fields.push(this.astring().toString('latin1'));
        while (this.eat(' '));
        this.expect(0x29, '")" after header field names');
        text = { kind: 'HEADER.FIELDS', not: w.endsWith('.NOT'), fields };
      } else if (w !== '' || part.length > 0) throw new ParseError(`Invalid section "${w}"`);
    }
    this.expect(0x5d, '"]" closing section');
    return { part, text };
  }

  /** section-binary = "[" [section-part] "]" (RFC 3516) */
  sectionBinary(): number[] {
    this.expect(0x5b, '"["');
    const part = this.sectionPart();
    this.expect(0x5d, '"]" closing section');
    return part;
  }

  /** partial = "<" number "." nz-number ">" ; absent: null */
  partial(): PartialRange | null {
    if (!this.eat('<')) return null;
    const offset = this.number();
    this.expect(0x2e, '"." in partial');
    const length = this.nzNumber();
    this.expect(0x3e, '">" closing partial');
    return { offset, length };
  }

  /**
   * fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
   *             "BODY" ["STRUCTURE"] / "UID" / "BODY" section [partial] / "BODY.PEEK" section [partial]
   * fetch-att =/ "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary   (RFC 3516)
   * fetch-att =/ "MODSEQ"                                                                     (RFC 7162)
   * fetch-att =/ "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]                          (RFC 8970 §6)
   * `inList`: the att is inside FETCH's parenthesised list (see {@link previewMods}).
   * fetch-att =/ "EMAILID" / "THREADID"                                                       (RFC 8474 §7)
   * fetch-att =/ "SAVEDATE"                                                                   (RFC 8514 §5)
   */
  fetchAtt(inList = false): FetchAtt {
    const w = this.word();
    switch (w) {
      case 'ENVELOPE': case 'FLAGS': case 'INTERNALDATE': case 'RFC822': case 'RFC822.HEADER': case 'RFC822.SIZE':
      case 'RFC822.TEXT': case 'BODYSTRUCTURE': case 'UID': case 'MODSEQ': case 'EMAILID': case 'THREADID':
      case 'SAVEDATE':
        return { kind: w };
      case 'BODY':
      case 'BODY.PEEK': {
        if (w === 'BODY' && !this.lookingAt('[')) return { kind: 'BODY' };
        const section = this.section();
        return { kind: 'body-section', peek: w === 'BODY.PEEK', section, partial: this.partial() };
      }
      case 'BINARY': case 'BINARY.PEEK': {
        const part = this.sectionBinary();
        return { kind: 'binary-section', peek: w === 'BINARY.PEEK', part, partial: this.partial() };
      }
      case 'BINARY.SIZE':
        return { kind: 'binary-size', part: this.sectionBinary() };
      case 'PREVIEW':
        return { kind: 'PREVIEW', lazy: this.previewMods(inList) };
      default:
        throw new ParseError(w ? `Unknown fetch attribute ${w}` : `Expected fetch attribute${this.where()}`);
    }
  }

  /**
   * [SP "(" preview-mod *(SP preview-mod) ")"] after "PREVIEW", preview-mod = "LAZY" (RFC 8970 §6): whether LAZY was
   * given. A lone PREVIEW (`FETCH 1 PREVIEW (LAZY)`) may be followed by FETCH's own modifiers instead (RFC 4466:
   * `FETCH 1 PREVIEW (CHANGEDSINCE 5)`): there the "(" is PREVIEW's only when LAZY comes first. Inside the list
   * nothing else can follow, so an unknown modifier is named in the BAD.
   */
  private previewMods(inList: boolean): boolean {
    const t = this.text();
    if (t[this.pos] !== SP || t[this.pos + 1] !== 0x28) return false;
    if (!inList && !/^LAZY[ )]$/i.test(t.toString('latin1', this.pos + 2, this.pos + 7))) return false;
    this.pos += 2;
    do {
      const m = this.atom().toUpperCase();
      if (m !== 'LAZY') throw new ParseError(`Unknown PREVIEW modifier ${m.slice(0, 32)}`);
    } while (this.eat(' '));
    this.expect(0x29, '")" closing PREVIEW modifiers');
    return true;
  }

  /** "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")" — macros expanded (RFC 3501 §6.4.5). */
  fetchAtts(): FetchAtt[] {
    const simple = (...ks: SimpleFetchAtt[]): FetchAtt[] => ks.map((kind) => ({ kind }));
    if (this.maybeKeyword('ALL')) return simple('FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE');
    if (this.maybeKeyword('FAST')) return simple('FLAGS', 'INTERNALDATE', 'RFC822.SIZE');
    if (this.maybeKeyword('FULL')) return simple('FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY');
    if (!this.eat('(')) return [this.fetchAtt()];
    const atts: FetchAtt[] = [];
    do atts.push(this.fetchAtt(true));
    while (this.eat(' '));
    this.expect(0x29, '")" closing fetch attributes');
    return atts;
  }

  /** store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag))) */
  storeAtt(): StoreAtt {
    const op = this.eat('+') ? 'add' : this.eat('-') ? 'remove' : 'replace';
    const w = this.word();
    if (w !== 'FLAGS' && w !== 'FLAGS.SILENT') throw new ParseError(`Invalid store attribute ${w}`);
    this.sp();
    let flags: string[];
    if (this.lookingAt('(')) flags = this.flagList();
    else {
      flags = [this.flag()];
      while (this.eat(' ')) flags.push(this.flag());
    }
    return { op, silent: w === 'FLAGS.SILENT', flags };
  }

  /**
   * status-att = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN"; status-att =/ "HIGHESTMODSEQ"
   * (RFC 7162); status-att =/ "APPENDLIMIT" (RFC 7889); status-att =/ "SIZE" (RFC 8438); status-att =/ "MAILBOXID"
   * (RFC 8474 §7)
   */
  statusAtt(): StatusAtt {
    // A word with hyphens: DELETED-STORAGE (RFC 9208 §7).
    const w = this.takeWhile((c) => isWordChar(c) || c === 0x2d).toUpperCase();
    if (w === 'MESSAGES' || w === 'RECENT' || w === 'UIDNEXT' || w === 'UIDVALIDITY' || w === 'UNSEEN' ||
      w === 'HIGHESTMODSEQ' || w === 'APPENDLIMIT' || w === 'SIZE' || w === 'MAILBOXID' || w === 'DELETED' ||
      w === 'DELETED-STORAGE') {
      if (w === 'RECENT' && this.rev2) throw new ParseError('STATUS RECENT is not in IMAP4rev2, which has no \\Recent');
      return w;
    }
    throw new ParseError(w ? `Unknown status attribute ${w}` : `Expected status attribute${this.where()}`);
  }

  /** "(" status-att *(SP status-att) ")" */
  statusAtts(): StatusAtt[] {
    this.expect(0x28, '"("');
    const atts: StatusAtt[] = [];
    do atts.push(this.statusAtt());
    while (this.eat(' '));
    this.expect(0x29, '")" closing status attributes');
    return atts;
  }

  /**
   * list-select-opts = "(" [(*(list-select-mod-opt SP) list-select-base-opt *(SP list-select-opt)) /
   *                         (list-select-independent-opt *(SP list-select-independent-opt))] ")"   (RFC 5258 §6)
   * list-select-base-opt = "SUBSCRIBED" ; list-select-independent-opt = "REMOTE" / "SPECIAL-USE" (RFC 6154 §6)
   * list-select-mod-opt = "RECURSIVEMATCH"
   * In any order; RECURSIVEMATCH needs a base option (SUBSCRIBED): alone, with REMOTE or with SPECIAL-USE it is a
   * syntax error (RFC 5258 §3.1: "The server MUST return BAD tagged response in such case").
   */
  listSelectOpts(): ListSelectOpts {
    this.expect(0x28, '"(" opening LIST selection options');
    const seen = new Set<string>();
    if (!this.eat(')')) {
      do {
        const o = this.atom().toUpperCase();
        if (o !== 'SUBSCRIBED' && o !== 'REMOTE' && o !== 'RECURSIVEMATCH' && o !== 'SPECIAL-USE') {
          throw new ParseError(`Unknown LIST selection option ${o.slice(0, 32)}`);
        }
        seen.add(o);
      } while (this.eat(' '));
      this.expect(0x29, '")" closing LIST selection options');
    }
    if (seen.has('RECURSIVEMATCH') && !seen.has('SUBSCRIBED')) {
      throw new ParseError('RECURSIVEMATCH needs the SUBSCRIBED selection option');
    }
    return {
      subscribed: seen.has('SUBSCRIBED'), remote: seen.has('REMOTE'), recursiveMatch: seen.has('RECURSIVEMATCH'),
      specialUse: seen.has('SPECIAL-USE'),
    };
  }

  /** mbox-or-pat = list-mailbox / patterns ; patterns = "(" list-mailbox *(SP list-mailbox) ")"  (RFC 5258 §6) */
  mboxOrPat(): string[] {
    if (!this.eat('(')) return [this.listMailbox()];
    const patterns: string[] = [];
    do patterns.push(this.listMailbox());
    while (this.eat(' '));
    this.expect(0x29, '")" closing mailbox patterns');
    return patterns;
  }

  /**
   * list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"   (RFC 5258 §6)
   * return-option = "SUBSCRIBED" / "CHILDREN" / status-option (RFC 5819) / "SPECIAL-USE" (RFC 6154)
   * status-option = "STATUS" SP "(" status-att *(SP status-att) ")"
   */
  listReturnOpts(): ListReturnOpts {
    if (!this.maybeKeyword('RETURN')) throw new ParseError(`Expected RETURN${this.where()}`);
    this.sp();
    this.expect(0x28, '"(" after RETURN');
    const seen = new Set<string>();
    let status: StatusAtt[] | null = null;
    if (!this.eat(')')) {
      do {
        const o = this.atom().toUpperCase();
        if (o === 'STATUS') {
          if (status !== null) throw new ParseError('STATUS return option given twice');
          this.sp();
          status = this.statusAtts();
        } else if (o !== 'SUBSCRIBED' && o !== 'CHILDREN' && o !== 'SPECIAL-USE') {
          throw new ParseError(`Unknown LIST return option ${o.slice(0, 32)}`);
        }
        seen.add(o);
      } while (this.eat(' '));
      this.expect(0x29, '")" closing LIST return options');
    }
    return { subscribed: seen.has('SUBSCRIBED'), children: seen.has('CHILDREN'), specialUse: seen.has('SPECIAL-USE'), status };
  }

  /**
   * create-params = SP "(" create-param *(SP create-param) ")" (RFC 4466 §2.2), after the SP; USE only:
   * create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")" ; use-attr = "\\" atom (RFC 6154 §6).
   * Returns the use attributes as written (whether they name a known use is the command's question).
   */
  createParams(): { use: string[] } {
    const use: string[] = [];
    this.modifiers('CREATE parameters', (name) => {
      if (name !== 'USE') throw new ParseError(`Unknown CREATE parameter ${name.slice(0, 32)}`);
      this.sp();
      this.expect(0x28, '"(" opening USE attributes');
      if (!this.eat(')')) {
        do {
          this.expect(BACKSLASH, 'use attribute');
          use.push(`\\${this.atom()}`);
        } while (this.eat(' '));
        this.expect(0x29, '")" closing USE attributes');
      }
    });
    return { use };
  }

  /**
   * mod-sequence-value = 1*DIGIT (1 to 2^63 - 1); mod-sequence-valzer = "0" / mod-sequence-value (RFC 7162 §7), the
   * latter when `zero`. See {@link MAX_MODSEQ} for values above 2^53.
   */
  modSequence(zero: boolean): number {
    const d = this.takeWhile(isDigit);
    if (!d) throw new ParseError(`Expected mod-sequence${this.where()}`);
    const n = d.length > 19 ? MAX_MODSEQ + 1n : BigInt(d);
    if (n > MAX_MODSEQ) throw new ParseError('Mod-sequence out of range');
    if (n === 0n && !zero) throw new ParseError('Mod-sequence must not be 0');
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  }

  /**
   * A parenthesised list of `name [SP value]` modifiers (RFC 4466's select-params, fetch-modifiers, store-modifiers),
   * from its "(": `each` reads one modifier's name, uppercased, and what follows it; each name at most once.
   */
  private modifiers(what: string, each: (name: string) => void): void {
    this.expect(0x28, `"(" opening ${what}`);
    const seen = new Set<string>();
    do {
      const name = this.atom().toUpperCase();
      if (seen.has(name)) throw new ParseError(`${name} given twice`);
      seen.add(name);
      each(name);
    } while (this.eat(' '));
    this.expect(0x29, `")" closing ${what}`);
  }

  /**
   * select-params = SP "(" select-param *(SP select-param) ")" (RFC 4466), after the SP: CONDSTORE and QRESYNC's
   * parameter (RFC 7162 §7).
   */
  selectParams(): { condstore: boolean; qresync: QresyncParam | null } {
    let condstore = false;
    let qresync: QresyncParam | null = null;
    this.modifiers('SELECT parameters', (name) => {
      if (name === 'CONDSTORE') condstore = true;
      else if (name === 'QRESYNC') qresync = this.qresyncParam();
      else throw new ParseError(`Unknown SELECT parameter ${name.slice(0, 32)}`);
    });
    return { condstore, qresync };
  }

  /**
   * After "QRESYNC" (RFC 7162 §7):
   *   select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
   *   known-uids = sequence-set ; seq-match-data = "(" known-sequence-set SP known-uid-set ")"   ("*" not allowed)
   */
  private qresyncParam(): QresyncParam {
    this.sp();
    this.expect(0x28, '"(" opening QRESYNC parameters');
    const uidValidity = this.nzNumber();
    this.sp();
    const modseq = this.modSequence(false);
    let knownUids: SequenceSet | null = null;
    let seqMatch: QresyncParam['seqMatch'] = null;
    if (this.eat(' ')) {
      if (!this.lookingAt('(')) knownUids = this.seqSetNoStar();
      if (knownUids === null || this.eat(' ')) {
        this.expect(0x28, '"(" opening seq-match-data');
        const seqs = this.seqSetNoStar();
        this.sp();
        const uids = this.seqSetNoStar();
        // The Nth message number goes with the Nth UID, both ascending (§3.2.5.2): sets that cannot pair up are
        // not valid parameters, refused before anything is opened (§3.2.5).
        if (ascendingCount(seqs) !== ascendingCount(uids)) throw new ParseError('seq-match-data sets differ in size');
        seqMatch = { seqs, uids };
        this.expect(0x29, '")" closing seq-match-data');
      }
    }
    this.expect(0x29, '")" closing QRESYNC parameters');
    return { uidValidity, modseq, knownUids, seqMatch };
  }

  /** A sequence-set where "*" is not allowed (RFC 7162's known-uids and seq-match-data). */
  private seqSetNoStar(): SequenceSet {
    const set = this.seqSet();
    if (set.items.some((r) => r.first === '*' || r.last === '*')) throw new ParseError('"*" not allowed in known UIDs');
    return set;
  }

  /**
   * fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" (RFC 4466), after the SP: CHANGEDSINCE, and
   * VANISHED (RFC 7162 §3.2.6), which means nothing without CHANGEDSINCE. `changedSince` is null when not given.
   *
   * CHANGEDSINCE takes a mod-sequence-value, which RFC 7162 §7 makes positive, but 0 is taken too, meaning every
   * message (all have a MODSEQ above it): iPhone Mail sends `(CHANGEDSINCE 0)` for a mailbox it has no MODSEQ for
   * yet (seen with iOS 16), Dovecot answers it, and a BAD there leaves that client with a mailbox it cannot sync.
   */
  fetchModifiers(): { changedSince: number | null; vanished: boolean } {
    let changedSince: number | null = null;
    let vanished = false;
    this.modifiers('FETCH modifiers', (name) => {
      // chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value ; rexpunges-fetch-mod = "VANISHED" (RFC 7162 §7)
      if (name === 'VANISHED') vanished = true;
      else if (name === 'CHANGEDSINCE') {
        this.sp();
        changedSince = this.modSequence(true);
      } else throw new ParseError(`Unknown FETCH modifier ${name.slice(0, 32)}`);
    });
    if (vanished && changedSince === null) throw new ParseError('VANISHED needs CHANGEDSINCE');
    return { changedSince, vanished };
  }

  /** store-modifiers = SP "(" store-modifier *(SP store-modifier) ")" (RFC 4466), after the SP; UNCHANGEDSINCE only. */
  storeModifiers(): { unchangedSince: number } {
    let unchangedSince = 0;
    this.modifiers('STORE modifiers', (name) => {
      // store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer (RFC 7162 §7)
      if (name !== 'UNCHANGEDSINCE') throw new ParseError(`Unknown STORE modifier ${name.slice(0, 32)}`);
      this.sp();
      unchangedSince = this.modSequence(true);
    });
    return { unchangedSince };
  }

  /**
   * search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer, after "MODSEQ" (RFC 7162 §7):
   *   search-modseq-ext = SP entry-name SP entry-type-req
   *   entry-name = DQUOTE "/flags/" attr-flag DQUOTE ; entry-type-req = "priv" / "shared" / "all"
   * The entry is checked and dropped: modseqs are kept per message, not per flag, so the message's is tested.
   */
  private searchModseq(): SearchKey {
    this.sp();
    if (this.lookingAt('"') || this.atLiteral()) {
      const entry = this.string().toString('latin1');
      if (!/^\/flags\/\\?[^\s"\\]+$/i.test(entry)) throw new ParseError('Invalid MODSEQ entry name');
      this.sp();
      const type = this.atom().toLowerCase();
      if (type !== 'priv' && type !== 'shared' && type !== 'all') throw new ParseError(`Invalid MODSEQ entry type ${type.slice(0, 32)}`);
      this.sp();
    }
    return { key: 'MODSEQ', modseq: this.modSequence(true) };
  }

  /**
   * ```
   * search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"   (RFC 4466 §2.6)
   * search-return-opt  = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE"                           (RFC 4731, RFC 5182)
   * search-return-opt =/ "CONTEXT" / "UPDATE" / "PARTIAL" SP partial-range                  (RFC 5267 §5)
   * ```
   * From after the SP: the options when `RETURN` comes next (in the order first written, each once; `RETURN ()`
   * means ALL, RFC 4731 §3.1), else null with nothing consumed. PARTIAL twice, or with ALL, is refused (RFC 5267
   * §4.4). For SEARCH, and SORT's ESORT form (RFC 5267 §3).
   */
  searchReturnOpts(): SearchReturn | null {
    if (!this.maybeKeyword('RETURN')) return null;
    this.sp();
    this.expect(0x28, '"(" after RETURN');
    const opts: SearchReturnOpt[] = [];
    let partial: SearchReturn['partial'] = null;
    if (!this.eat(')')) {
      do {
        const o = this.word();
        switch (o) {
          case 'MIN': case 'MAX': case 'ALL': case 'COUNT': case 'SAVE': case 'CONTEXT': case 'UPDATE':
            break;
          case 'PARTIAL': {
            // modifier-partial = "PARTIAL" SP partial-range; partial-range = nz-number ":" nz-number (RFC 5267 §5)
            if (partial !== null) throw new ParseError('PARTIAL given twice');
            this.sp();
            const first = this.nzNumber();
            this.expect(0x3a, '":" in PARTIAL range');
            partial = { first, last: this.nzNumber() };
            break;
          }
          default:
            throw new ParseError(o ? `Unknown search return option ${o.slice(0, 32)}` : `Expected search return option${this.where()}`);
        }
        if (!opts.includes(o)) opts.push(o);
      } while (this.eat(' '));
      this.expect(0x29, '")" closing RETURN options');
    }
    // RFC 5267 §4.4: "A single command MUST NOT contain more than one PARTIAL or ALL search return option".
    if (partial !== null && opts.includes('ALL')) throw new ParseError('PARTIAL and ALL together');
    if (opts.length === 0) opts.push('ALL');
    return { opts, partial };
  }

  /**
   * The arguments after SEARCH, from the SP that follows the command name:
   *   search = "SEARCH" [search-return-opts] SP ["CHARSET" SP astring SP] search-key *(SP search-key)
   * `$` among the keys is the saved search result (RFC 5182), resolved when the command runs.
   */
  search(): SearchCommand {
    this.sp();
    const returnOpts = this.searchReturnOpts();
    if (returnOpts !== null) this.sp();
    let charset: string | null = null;
    if (this.maybeKeyword('CHARSET')) {
      this.sp();
      charset = this.astring().toString('latin1');
      this.sp();
    }
    const keys = [this.searchKey()];
    while (this.eat(' ')) keys.push(this.searchKey());
    return { returnOpts, charset, keys };
  }

  /**
   * search-key (RFC 3501 §9, with OLDER/YOUNGER of RFC 5032, "$" of RFC 5182, MODSEQ of RFC 7162, EMAILID and
   * THREADID of RFC 8474 §7, and SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED of RFC 8514 §5): one key, as lib/mail's
   * SearchKey. Several keys in parentheses are an `AND`. Nesting deeper than 64 is refused. A `$`, bare or after
   * UID, is `UID $`: the saved result holds UIDs (RFC 5182 §2.1).
   */
  searchKey(depth = 0): SearchKey {
    if (depth > MAX_DEPTH) throw new ParseError('Search keys nested too deeply');
    const c = this.peek();
    if (c === 0x28) {
      this.pos++;
      const operands = [this.searchKey(depth + 1)];
      while (this.eat(' ')) operands.push(this.searchKey(depth + 1));
      this.expect(0x29, '")" closing search keys');
      return { key: 'AND', operands };
    }
    const set = (): SearchKey => {
      const s = this.seqSetOrSaved();
      return s === '$' ? { key: 'UID', set: s } : { key: 'SEQ', set: s };
    };
    if (isDigit(c) || c === 0x2a || c === 0x24) return set();
    const w = this.word();
    switch (w) {
      case 'NEW': case 'OLD': case 'RECENT':
        if (this.rev2) throw new ParseError(`Search key ${w} is not in IMAP4rev2, which has no \\Recent`);
        return { key: w };
      case 'ALL': case 'ANSWERED': case 'DELETED': case 'DRAFT': case 'FLAGGED': case 'SEEN': case 'UNANSWERED':
      case 'UNDELETED': case 'UNDRAFT': case 'UNFLAGGED': case 'UNSEEN': case 'SAVEDATESUPPORTED':
        return { key: w };
      case 'KEYWORD': case 'UNKEYWORD':
        this.sp();
        return { key: w, flag: this.flagKeyword() };
      case 'BCC': case 'CC': case 'FROM': case 'SUBJECT': case 'TO': case 'BODY': case 'TEXT':
        this.sp();
        return { key: w, value: this.astring() };
      case 'HEADER': {
        this.sp();
        const field = this.astring().toString('latin1');
        this.sp();
        return { key: 'HEADER', field, value: this.astring() };
      }
      case 'BEFORE': case 'ON': case 'SINCE': case 'SENTBEFORE': case 'SENTON': case 'SENTSINCE':
      case 'SAVEDBEFORE': case 'SAVEDON': case 'SAVEDSINCE':
        this.sp();
        return { key: w, date: this.date() };
      case 'LARGER': case 'SMALLER':
        this.sp();
        return { key: w, size: this.number() };
      case 'OLDER': case 'YOUNGER':
        this.sp();
        return { key: w, seconds: this.nzNumber() };
      case 'UID': {
        this.sp();
        return { key: 'UID', set: this.seqSetOrSaved() };
      }
      case 'MODSEQ':
        return this.searchModseq();
      case 'EMAILID': case 'THREADID':
        this.sp();
        return { key: w, id: this.objectId() };
      case 'NOT':
        this.sp();
        return { key: 'NOT', operand: this.searchKey(depth + 1) };
      case 'OR': {
        this.sp();
        const left = this.searchKey(depth + 1);
        this.sp();
        return { key: 'OR', left, right: this.searchKey(depth + 1) };
      }
      default:
        throw new ParseError(w ? `Unknown search key ${w}` : `Expected search key${this.where()}`);
    }
  }

  // -- RFC 9208 (QUOTA), RFC 5464 (METADATA) --

  /**
   * setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"; setquota-resource = resource-name SP
   * resource-limit; resource-limit = number64  (RFC 9208 §7). Resource names uppercased; at most 32 of them.
   */
  setquotaList(): { resource: string; limit: number }[] {
    this.expect(0x28, '"(" opening resource limits');
    const out: { resource: string; limit: number }[] = [];
    if (this.eat(')')) return out;
    do {
      if (out.length === 32) throw new ParseError('Too many resource limits');
      const resource = this.atom().toUpperCase();
      this.sp();
      // number64 = 1*DIGIT, up to 2^63 - 1 (RFC 9051 §9): the same range as a mod-sequence.
      const limit = this.modSequence(true);
      out.push({ resource, limit });
    } while (this.eat(' '));
    this.expect(0x29, '")" closing resource limits');
    return out;
  }

  /**
   * getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"; maxsize-opt = "MAXSIZE" SP number;
   * scope-opt = "DEPTH" SP ("0" / "1" / "infinity")  (RFC 5464 §5). Other options (tagged-ext-label) are refused:
   * we cannot know what their values would mean.
   */
  getmetadataOptions(): MetadataOptions {
    let maxSize: number | null = null;
    let depth: MetadataDepth = '0';
    this.modifiers('GETMETADATA options', (name) => {
      this.sp();
      if (name === 'MAXSIZE') maxSize = this.number();
      else if (name === 'DEPTH') {
        const d = this.atom().toLowerCase();
        if (d !== '0' && d !== '1' && d !== 'infinity') throw new ParseError('DEPTH is 0, 1 or infinity');
        depth = d;
      } else throw new ParseError(`Unknown GETMETADATA option ${name.slice(0, 32)}`);
    });
    return { maxSize, depth };
  }

  /**
   * entry = astring (RFC 5464 §5), checked by §3.2's rules: it starts with "/private" or "/shared", holds no "*" or
   * "%" (nor other than printable US-ASCII), no "//", and does not end in "/". Returned lowercased: entry names are
   * case-insensitive (§3.2). At most 1024 octets.
   */
  metadataEntry(): string {
    const raw = this.astring();
    const e = raw.toString('latin1').toLowerCase();
    if (e.length > 1024) throw new ParseError('Entry name too long');
    if (!/^\/(private|shared)(\/[\x21-\x7e]+)*$/.test(e) || /[*%]|\/\/|\/$/.test(e)) {
      throw new ParseError('Invalid entry name: /private/... or /shared/..., without "*", "%" or "//"');
    }
    return e;
  }

  /** entries = entry / "(" entry *(SP entry) ")"  (RFC 5464 §5); at most 100. */
  metadataEntries(): string[] {
    if (!this.eat('(')) return [this.metadataEntry()];
    const out: string[] = [];
    do {
      if (out.length === 100) throw new ParseError('Too many entries');
      out.push(this.metadataEntry());
    } while (this.eat(' '));
    this.expect(0x29, '")" closing entries');
    return out;
  }

  /**
   * entry-values = "(" entry-value *(SP entry-value) ")"; entry-value = entry SP value; value = nstring / literal8
   * (RFC 5464 §5); null values remove the entry. At most 100.
   */
  metadataEntryValues(): { entry: string; value: Buffer | null }[] {
    this.expect(0x28, '"(" opening entry values');
    const out: { entry: string; value: Buffer | null }[] = [];
    do {
      if (out.length === 100) throw new ParseError('Too many entries');
      const entry = this.metadataEntry();
      this.sp();
      let value: Buffer | null;
      if (this.atLiteral()) {
        const l = this.literal8();
        if (l.spooled !== undefined) throw new ParseError('Literal too large here');
        value = l.bytes;
      } else value = this.nstring();
      out.push({ entry, value });
    } while (this.eat(' '));
    this.expect(0x29, '")" closing entry values');
    return out;
  }
}
