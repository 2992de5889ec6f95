/**
 * RFC 5322 §3.4 address lists, parsed from a field's raw bytes into the `(name adl mailbox host)` quadruples of
 * ENVELOPE, tolerant of broken mail the way Dovecot 2.3 is (the oracle of test/fixtures/mime).
 *
 * PURE: no fs, net or process. Nothing here throws on malformed input.
 */
import { asBuffer, isWsp, unfold } from './header.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;

/** Removes leading and trailing SP/HT/CR/LF; returns a view of `b`. */
function trimWsp(b: Buffer): Buffer {
  let s = 0;
  let e = b.length;
  while (s < e && (isWsp(b[s]) || b[s] === CR || b[s] === LF)) s++;
  while (e > s && (isWsp(b[e - 1]) || b[e - 1] === CR || b[e - 1] === LF)) e--;
  return b.subarray(s, e);
}


/**
 * One address as ENVELOPE carries it (RFC 3501 §7.4.2): `(name adl mailbox host)`. Group syntax is marked as the
 * RFC says: "host name field is NIL. If the mailbox name field is also NIL, this is an end of group marker ...
 * If the mailbox name field is non-NIL, this is a start of group marker, and the mailbox name field holds the group
 * name phrase." All values are raw bytes (encoded words are not decoded).
 */
export interface Address {
  readonly name: Buffer | null;
  readonly adl: Buffer | null;
  readonly mailbox: Buffer | null;
  readonly host: Buffer | null;
}

/**
 * Placeholders put where an address lacks a part, as Dovecot 2.3 does (our oracle). UW c-client uses
 * `MISSING_MAILBOX`/`.MISSING-HOST-NAME.`/`.SYNTAX-ERROR.` for the same cases; a client only needs *some*
 * non-NIL value, because NIL host would mean group syntax.
 */
const MISSING_MAILBOX = 'MISSING_MAILBOX';
const MISSING_DOMAIN = 'MISSING_DOMAIN';
const SYNTAX_ERROR = 'SYNTAX_ERROR';

const PLACEHOLDERS = [MISSING_MAILBOX, MISSING_DOMAIN, SYNTAX_ERROR].map((p) => Buffer.from(p));

/** True when `b` is one of those placeholders (text the message did not hold). */
function isPlaceholder(b: Buffer): boolean {
  return PLACEHOLDERS.some((p) => b.equals(p));
}

/**
 * What one {@link Address} of ENVELOPE says the message holds, for SEARCH FROM/TO/CC/BCC: its display name (the
 * group name, for a start of group), local part and domain, raw bytes, each null when absent. Comments (but one that
 * {@link parseAddressList} made the name, as ENVELOPE shows it) and source routes are not there; neither are the
 * placeholders put where a part was missing, which are not text of the message. Null for an end of group marker.
 */
export function addressParts(a: Address): { name: Buffer | null; local: Buffer | null; domain: Buffer | null } | null {
  if (a.host === null) return a.mailbox === null ? null : { name: a.mailbox, local: null, domain: null };
  const local = a.mailbox === null || isPlaceholder(a.mailbox) ? null : a.mailbox;
  return { name: a.name, local, domain: local === null || isPlaceholder(a.host) ? null : a.host };
}

/**
 * `atext` as a table: printable US-ASCII except RFC 5322 §3.2.3 `specials = "(" / ")" / "<" / ">" / "[" / "]" /
 * ":" / ";" / "@" / "\" / "," / "." / DQUOTE`; 8-bit bytes are accepted (RFC 6532 UTF-8 and raw 8-bit headers).
 */
const ATEXT = new Uint8Array(256);
for (let c = SP + 1; c < 256; c++) ATEXT[c] = c === 0x7f ? 0 : 1;
for (const c of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x3a, 0x3b, 0x40, 0x5c, 0x2c, 0x2e, 0x22]) ATEXT[c] = 0;

/** 1 for each byte an `atom(true)` takes (atext and `.`: the words of a phrase, dot-atoms). Read only. */
export const WORD_BYTES: Readonly<Uint8Array> = (() => {
  const t = ATEXT.slice();
  t[0x2e] = 1;
  return t;
})();

function isAtext(c: number | undefined): boolean {
  return c !== undefined && ATEXT[c] === 1;
}

const SPACE = Buffer.from(' ');

/** The pieces joined, without a copy when there is only one. */
function joined(parts: Buffer[]): Buffer {
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** A cursor over one unfolded header value. */
class Cursor {
  pos = 0;
  /** The text of the last comment skipped, for `addr-spec (Comment Name)`. */
  comment: Buffer | null = null;

  constructor(readonly b: Buffer) {}

  get done(): boolean { return this.pos >= this.b.length; }
  lastComment(): Buffer | null { return this.comment; }
  peek(): number | undefined { return this.b[this.pos]; }

  /**
   * Skips `CFWS` (RFC 5322 §3.2.2: `CFWS = (1*([FWS] comment) [FWS]) / FWS`). Comments nest and may contain
   * quoted-pairs; an unterminated comment runs to the end. Remembers the last comment's text.
   */
  cfws(): void {
    for (;;) {
      const c = this.peek();
      if (c === SP || c === HT || c === CR || c === LF) { this.pos++; continue; }
      if (c !== 0x28) return;
      let depth = 0;
      const parts: number[] = [];
      while (!this.done) {
        const d = this.b[this.pos++] ?? 0;
        if (d === 0x5c && !this.done) { parts.push(this.b[this.pos++] ?? 0); continue; }
        if (d === 0x28) { if (depth++ > 0) parts.push(d); continue; }
        if (d === 0x29) { if (--depth === 0) break; parts.push(d); continue; }
        parts.push(d);
      }
      this.comment = trimWsp(Buffer.from(parts));
    }
  }

  /** `atom` (without CFWS); `dots` lets `.` in too (obs-phrase, dot-atom). Returns null if none. */
  atom(dots: boolean): Buffer | null {
    const s = this.pos;
    while (isAtext(this.peek()) || (dots && this.peek() === 0x2e)) this.pos++;
    return this.pos > s ? this.b.subarray(s, this.pos) : null;
  }

  /**
   * `quoted-string` (RFC 5322 §3.2.4) at the cursor, returned without its quotes and with quoted-pairs resolved.
   * Returns 'unterminated' (and consumes everything) if the closing quote is missing.
   */
  quoted(): Buffer | 'unterminated' {
    this.pos++;
    const out: number[] = [];
    while (!this.done) {
      const c = this.b[this.pos++] ?? 0;
      if (c === 0x22) return Buffer.from(out);
      if (c === 0x5c && !this.done) { out.push(this.b[this.pos++] ?? 0); continue; }
      if (c !== CR && c !== LF) out.push(c);
    }
    return 'unterminated';
  }
}

interface MutableAddress { name: Buffer | null; adl: Buffer | null; mailbox: Buffer | null; host: Buffer | null;
  invalid: boolean }

/**
 * Parses an address list: RFC 5322 §3.4 `address-list = (address *("," address)) / obs-addr-list`, with
 * `address = mailbox / group`, `mailbox = name-addr / addr-spec`, `name-addr = [display-name] angle-addr`,
 * `angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr` (obs-route `@a,@b:` kept as the adl), and
 * `group = display-name ":" [group-list] ";" [CFWS]`. Takes the raw (possibly folded) value.
 *
 * Tolerant the way Dovecot 2.3 is (the oracle): empty list elements are skipped; a display name is the phrase's words
 * joined by one space with quoted strings unquoted; a comment after a bare addr-spec becomes the name; a missing
 * local part or domain becomes {@link MISSING_MAILBOX}/{@link MISSING_DOMAIN}; a mailbox that does not parse
 * (e.g. no closing `>`) keeps what was read and gets {@link SYNTAX_ERROR} as host, and parsing resumes after the
 * next comma; an unclosed group is closed at the end. Never throws.
 *
 * `fillMissing: false` (Dovecot's `fill_missing`, which its SORT leaves off) leaves a missing local part NIL instead
 * of {@link MISSING_MAILBOX}, so that `<>` gives no mailbox; the host is filled as before, so that such an address is
 * never read as group syntax.
 */
export function parseAddressList(raw: Uint8Array, opts: { readonly fillMissing?: boolean } = {}): Address[] {
  const fill = opts.fillMissing ?? true;
  const b = asBuffer(raw);
  const cur = new Cursor(b.indexOf(LF) < 0 && b.indexOf(CR) < 0 ? b : unfold(b));
  const out: Address[] = [];
  let inGroup = false;
  while (!cur.done) {
    cur.cfws();
    const c = cur.peek();
    if (c === undefined) break;
    if (c === 0x2c) { cur.pos++; continue; }
    if (c === 0x3b) {
      cur.pos++;
      if (inGroup) { out.push({ name: null, adl: null, mailbox: null, host: null }); inGroup = false; }
      continue;
    }
    const start = cur.pos;
    if (!inGroup) {
      const phrase = readPhrase(cur);
      if (cur.peek() === 0x3a && phrase !== null) {
        cur.pos++;
        out.push({ name: null, adl: null, mailbox: phrase, host: null });
        inGroup = true;
        continue;
      }
      cur.pos = start;
    }
    const before = cur.pos;
    const a = readMailbox(cur);
    if (a !== null) out.push(finish(a, fill));
    if (cur.pos === before) cur.pos++; // never loop without progress on a stray special
  }
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

function finish(a: MutableAddress, fill: boolean): Address {
  const mailbox = a.mailbox !== null && a.mailbox.length > 0 ? a.mailbox : null;
  let host = a.host !== null && a.host.length > 0 ? a.host : null;
  if (a.invalid && mailbox !== null) host = Buffer.from(SYNTAX_ERROR);
  return { name: a.name, adl: a.adl, mailbox: mailbox ?? (fill ? Buffer.from(MISSING_MAILBOX) : null),
    host: mailbox === null ? Buffer.from(MISSING_DOMAIN) : host ?? Buffer.from(MISSING_DOMAIN) };
}

/**
 * `phrase = 1*word / obs-phrase` (`obs-phrase = word *(word / "." / CFWS)`): words joined by one space, quoted
 * strings unquoted, dots kept. Returns null for an empty phrase. Leaves the cursor after the phrase and its CFWS.
 */
function readPhrase(cur: Cursor): Buffer | null {
  const words: Buffer[] = [];
  for (;;) {
    cur.cfws();
    const c = cur.peek();
    if (c === 0x22) {
      const q = cur.quoted();
      if (q === 'unterminated') return null;
      words.push(q);
      continue;
    }
    const a = cur.atom(true);
    if (a === null) break;
    words.push(a);
  }
  if (words.length === 0) return null;
  if (words.length === 1) return words[0] as Buffer;
  const parts: Buffer[] = [];
  words.forEach((w, i) => { if (i > 0) parts.push(SPACE); parts.push(w); });
  return Buffer.concat(parts);
}

/** `mailbox = name-addr / addr-spec`, Dovecot-tolerant (see {@link parseAddressList}). */
function readMailbox(cur: Cursor): MutableAddress | null {
  const start = cur.pos;
  cur.comment = null;
  const phrase = readPhrase(cur);
  if (cur.peek() === 0x3c) {
    cur.pos++;
    const a = readAngle(cur);
    a.name = phrase;
    if (!a.invalid) cur.cfws();
    skipToComma(cur, a);
    return a;
  }
  cur.pos = start;
  cur.comment = null;
  const a = readAddrSpec(cur);
  if (a.mailbox === null && a.host === null && cur.peek() !== 0x2c && cur.peek() !== 0x3b && !cur.done &&
      cur.peek() !== 0x22) {
    // Nothing usable here (a stray special): drop it quietly.
    cur.pos++;
    return null;
  }
  cur.cfws();
  const comment = cur.lastComment();
  if (a.name === null && comment !== null && comment.length > 0) a.name = comment;
  skipToComma(cur, a);
  return a;
}

/** After a mailbox, anything but `,` or `;` is junk: skip it (marking the mailbox invalid) up to the next comma. */
function skipToComma(cur: Cursor, a: MutableAddress): void {
  cur.cfws();
  while (!cur.done && cur.peek() !== 0x2c && cur.peek() !== 0x3b) {
    a.invalid = true;
    if (cur.peek() === 0x22) { if (cur.quoted() === 'unterminated') break; continue; }
    cur.pos++;
  }
}

/** After `<`: `[obs-route] addr-spec ">"`, `obs-route = obs-domain-list ":"`. */
function readAngle(cur: Cursor): MutableAddress {
  cur.cfws();
  let adl: Buffer | null = null;
  if (cur.peek() === 0x40) {
    const hops: Buffer[] = [];
    while (cur.peek() === 0x40 || cur.peek() === 0x2c) {
      if (cur.peek() === 0x2c) { cur.pos++; cur.cfws(); continue; }
      cur.pos++;
      cur.cfws();
      hops.push(Buffer.concat([Buffer.from('@'), readDomain(cur) ?? Buffer.alloc(0)]));
      cur.cfws();
    }
    if (cur.peek() === 0x3a) cur.pos++;
    adl = hops.length > 0 ? Buffer.from(hops.map((h) => h.toString('latin1')).join(','), 'latin1') : null;
  }
  cur.cfws();
  if (cur.peek() === 0x3e) {
    cur.pos++;
    return { name: null, adl, mailbox: null, host: null, invalid: false };
  }
  const a = readAddrSpec(cur);
  a.adl = adl;
  cur.cfws();
  if (cur.peek() === 0x3e) cur.pos++;
  else a.invalid = true;
  return a;
}

/** `addr-spec = local-part "@" domain`, with obs-local-part (`word *("." word)`) and a missing domain tolerated. */
function readAddrSpec(cur: Cursor): MutableAddress {
  const local: Buffer[] = [];
  let invalid = false;
  for (;;) {
    cur.cfws();
    const c = cur.peek();
    if (c === 0x22) {
      const q = cur.quoted();
      if (q === 'unterminated') { invalid = local.length > 0; break; }
      local.push(q);
      continue;
    }
    if (c === 0x2e) { local.push(Buffer.from('.')); cur.pos++; continue; }
    const a = cur.atom(false);
    if (a === null) break;
    local.push(a);
  }
  const mailbox = local.length > 0 ? joined(local) : null;
  cur.cfws();
  let host: Buffer | null = null;
  if (cur.peek() === 0x40) {
    cur.pos++;
    cur.cfws();
    host = readDomain(cur);
  }
  return { name: null, adl: null, mailbox, host, invalid };
}

/** `domain = dot-atom / domain-literal / obs-domain`; a domain literal keeps its brackets. */
function readDomain(cur: Cursor): Buffer | null {
  const parts: Buffer[] = [];
  for (;;) {
    const c = cur.peek();
    let piece: Buffer | null;
    if (c === 0x5b) {
      const end = cur.b.indexOf(0x5d, cur.pos);
      const stop = end < 0 ? cur.b.length : end + 1;
      piece = cur.b.subarray(cur.pos, stop);
      cur.pos = stop;
    } else {
      piece = cur.atom(true);
    }
    if (piece === null) break;
    parts.push(piece);
    // CFWS may surround the dots of an obs-domain (`b . c`): look past it for another dot.
    const save = cur.pos;
    cur.cfws();
    if (piece[piece.length - 1] === 0x2e) continue;
    if (cur.peek() !== 0x2e) { cur.pos = save; break; }
  }
  return parts.length > 0 ? joined(parts) : null;
}
