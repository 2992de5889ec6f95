/**
 * ENVELOPE (RFC 3501 §7.4.2): "A parenthesized list that describes the envelope structure of a message ... computed
 * by the server by parsing the [RFC-2822] header into the component parts, defaulting various fields as necessary.
 * The fields of the envelope structure are in the following order: date, subject, from, sender, reply-to, to, cc,
 * bcc, in-reply-to, and message-id. The date, subject, in-reply-to, and message-id fields are strings. The from,
 * sender, reply-to, to, cc, and bcc fields are parenthesized lists of address structures."
 *
 * "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or are present but empty, the server sets
 * the corresponding member of the envelope to be the same value as the from member". An absent field, or an
 * address field with no address in it, is NIL; a present but empty Subject is "" (as Dovecot and UW send it).
 *
 * Strings keep the raw header bytes (encoded words undecoded, 8-bit as is), as UW and Dovecot send them. PURE.
 */
import { type Address, WORD_BYTES, parseAddressList } from './address.js';
import { FieldSet, Header, firstValues } from './header.js';
import { type ByteWriter, type ImapValue, QUOTABLE, encodeImap, writeImap } from '../wire/encode.js';

/** The envelope of one message. String members are raw values (leading whitespace removed, folds kept). */
export interface Envelope {
  readonly date: Buffer | null;
  readonly subject: Buffer | null;
  readonly from: readonly Address[] | null;
  readonly sender: readonly Address[] | null;
  readonly replyTo: readonly Address[] | null;
  readonly to: readonly Address[] | null;
  readonly cc: readonly Address[] | null;
  readonly bcc: readonly Address[] | null;
  readonly inReplyTo: Buffer | null;
  readonly messageId: Buffer | null;
}

/** Leading whitespace (and folds before any text) removed. */
function stripLeading(r: Buffer): Buffer {
  let s = 0;
  while (s < r.length && (r[s] === 0x20 || r[s] === 0x09 || r[s] === 0x0d || r[s] === 0x0a)) s++;
  return r.subarray(s);
}

function addresses(raw: Buffer | null): Address[] | null {
  if (raw === null) return null;
  const list = parseAddressList(raw);
  return list.length === 0 ? null : list;
}

/** The fields an envelope is made of, in the order {@link envelopeOf} reads them. */
const FIELDS = ['date', 'subject', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'in-reply-to', 'message-id'];

/**
 * Computes the envelope from a header section (bytes, or an already parsed {@link Header}). Never throws. Given
 * bytes, only the ten fields it needs are looked at, in one pass.
 */
export function envelopeOf(header: Header | Uint8Array): Envelope {
  const raw = header instanceof Header ? FIELDS.map((n) => header.field(n)?.raw ?? null) : firstValues(header, FIELDS);
  const [date, subject, fromRaw, sender, replyTo, to, cc, bcc, inReplyTo, messageId] = raw;
  const from = addresses(fromRaw ?? null);
  const value = (b: Buffer | null | undefined): Buffer | null => (b === null || b === undefined ? null : stripLeading(b));
  return {
    date: value(date),
    subject: value(subject),
    from,
    sender: addresses(sender ?? null) ?? from,
    replyTo: addresses(replyTo ?? null) ?? from,
    to: addresses(to ?? null),
    cc: addresses(cc ?? null),
    bcc: addresses(bcc ?? null),
    inReplyTo: value(inReplyTo),
    messageId: value(messageId),
  };
}

/**
 * A header string as Dovecot writes it into ENVELOPE and BODYSTRUCTURE (`imap_append_nstring_nolf`): CR and LF are
 * removed (unfolding), and a value that had any is sent as a literal; otherwise quoted when it can be.
 */
export function headerString(raw: Buffer | null): ImapValue {
  if (raw === null) return null;
  if (raw.indexOf(0x0a) < 0 && raw.indexOf(0x0d) < 0) return raw;
  const out = Buffer.from(raw.toString('latin1').replace(/[\r\n]/g, ''), 'latin1');
  return { adjacent: [{ atom: `{${out.length}}\r\n` }, { atom: out.toString('latin1') }] };
}

function addressList(list: readonly Address[] | null): ImapValue {
  if (list === null) return null;
  return [{ adjacent: list.map((a) => [a.name, a.adl, a.mailbox, a.host]) }];
}

/** The envelope as an IMAP value (RFC 3501 §9 `envelope`). */
export function envelopeValue(e: Envelope): ImapValue {
  return [headerString(e.date), headerString(e.subject), addressList(e.from), addressList(e.sender),
    addressList(e.replyTo), addressList(e.to), addressList(e.cc), addressList(e.bcc), headerString(e.inReplyTo),
    headerString(e.messageId)];
}

/** The envelope in IMAP syntax, e.g. `("date" "subject" ((NIL NIL "a" "b")) ...)`. */
export function encodeEnvelope(e: Envelope): Buffer {
  return encodeImap(envelopeValue(e));
}

// ------------------------------------------------------------------------------------------------------------------
// Straight to bytes
// ------------------------------------------------------------------------------------------------------------------

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const DQUOTE = 0x22;

const ENVELOPE_FIELDS = new FieldSet(FIELDS);
/**
 * Scratch space of {@link writeEnvelope} (the ten value ranges) and {@link simpleAddresses} (a phrase's word
 * boundaries: start, end, start, end...), reused: each belongs to one function, which runs to its end without
 * yielding and is never re-entered while it runs.
 */
const fieldRanges = new Int32Array(2 * FIELDS.length);
const MAX_WORDS = 32;
const phraseWords = new Int32Array(2 * MAX_WORDS);

/**
 * Appends `encodeEnvelope(envelopeOf(header))` to `w`, byte for byte (the property test in mail-header holds it to
 * that), without building the {@link Envelope}: FETCH 1:* ENVELOPE runs this once per message. The ten fields are
 * found in one walk ({@link FieldSet}); strings are written from the header's bytes; an address list in the shapes
 * nearly all mail has (`[phrase] <local@domain>` and bare `local@domain`, separated by commas) is written as it is
 * scanned, and any other (comments, groups, routes, quoted local parts, folds in odd places...) goes through
 * {@link parseAddressList}. Never throws.
 */
export function writeEnvelope(header: Uint8Array, w: ByteWriter): void {
  const r = fieldRanges;
  ENVELOPE_FIELDS.firstRanges(header, r);
  w.byte(0x28);
  writeHeaderString(header, r[0] as number, r[1] as number, w);
  w.byte(SP);
  writeHeaderString(header, r[2] as number, r[3] as number, w);
  w.byte(SP);
  const fromStart = w.length;
  if (!writeAddresses(header, r[4] as number, r[5] as number, w)) nil(w);
  const fromEnd = w.length;
  for (let f = 3; f <= 7; f++) {
    w.byte(SP);
    // Sender and Reply-To default to From (RFC 3501 §7.4.2); the others are NIL when they hold no address.
    if (writeAddresses(header, r[2 * f] as number, r[2 * f + 1] as number, w)) continue;
    if (f <= 4) w.again(fromStart, fromEnd);
    else nil(w);
  }
  w.byte(SP);
  writeHeaderString(header, r[16] as number, r[17] as number, w);
  w.byte(SP);
  writeHeaderString(header, r[18] as number, r[19] as number, w);
  w.byte(0x29);
}

/** {@link headerString} of the value at b[s..e) after {@link stripLeading} (NIL when s is -1), written to `w`. */
function writeHeaderString(b: Uint8Array, s: number, e: number, w: ByteWriter): void {
  if (s < 0) {
    nil(w);
    return;
  }
  while (s < e && (b[s] === SP || b[s] === HT || b[s] === CR || b[s] === LF)) s++;
  if (tryQuoted(b, s, e, w)) return;
  // A literal, without the CRs and LFs (unfolded) if there are any.
  let eols = 0;
  for (let i = s; i < e; i++) if (b[i] === CR || b[i] === LF) eols++;
  literalHead(e - s - eols, w);
  if (eols === 0) {
    w.range(b, s, e);
    return;
  }
  w.room(e - s);
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c !== CR && c !== LF) w.buf[w.length++] = c;
  }
}

/**
 * Writes b[s..e) as a quoted string and returns true if every byte may stand in one ({@link QUOTABLE}); otherwise
 * writes nothing and returns false. One pass: the bytes are copied as they are checked.
 */
function tryQuoted(b: Uint8Array, s: number, e: number, w: ByteWriter): boolean {
  w.room(e - s + 2);
  const buf = w.buf;
  let o = w.length;
  buf[o++] = DQUOTE;
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (QUOTABLE[c] === 0) return false;
    buf[o++] = c;
  }
  buf[o++] = DQUOTE;
  w.length = o;
  return true;
}

function nil(w: ByteWriter): void {
  w.room(3);
  const o = w.length;
  w.buf[o] = 0x4e;
  w.buf[o + 1] = 0x49;
  w.buf[o + 2] = 0x4c;
  w.length = o + 3;
}

/** `{n}` CRLF. */
function literalHead(n: number, w: ByteWriter): void {
  w.byte(0x7b);
  w.uint(n);
  w.byte(0x7d);
  w.byte(CR);
  w.byte(LF);
}

/** An nstring of the bytes b[s..e) as {@link writeImap} writes a Uint8Array: quoted when it can be, else a literal. */
function writeString(b: Uint8Array, s: number, e: number, w: ByteWriter): void {
  if (tryQuoted(b, s, e, w)) return;
  literalHead(e - s, w);
  w.range(b, s, e);
}

/**
 * Writes the address list at b[s..e) as `(` addresses `)` and returns true, or writes nothing and returns false when
 * the field is absent (s is -1) or holds no address: what `addressList(addresses(raw))` encodes, NIL left to the
 * caller.
 */
function writeAddresses(b: Uint8Array, s: number, e: number, w: ByteWriter): boolean {
  if (s < 0) return false;
  const mark = w.length;
  const n = simpleAddresses(b, s, e, w);
  if (n > 0) return true;
  w.length = mark;
  if (n === 0) return false;
  const list = addresses(Buffer.from(b.buffer, b.byteOffset + s, e - s));
  if (list === null) return false;
  writeImap(addressList(list), w);
  return true;
}

/**
 * The fast path of {@link writeAddresses}: a list whose every element is `[phrase] "<" dot-atom "@" dot-atom ">"` or
 * `dot-atom "@" dot-atom`, where the phrase is atoms (dots allowed) and quoted strings without quoted-pairs, with
 * whitespace (and folds, CRLF or LF then WSP) between the tokens only. Writes `(` the addresses `)` and returns how
 * many there were, or returns -1 when the list is not of that shape (some of it may be written: the caller takes
 * it back). In that shape {@link parseAddressList} gives each address the phrase's words joined by one space as
 * its name (NIL without words), no adl, and the local part and domain as written; the unfolding it does first
 * changes nothing.
 */
function simpleAddresses(b: Uint8Array, s: number, e: number, w: ByteWriter): number {
  const words = phraseWords;
  let n = 0;
  let i = s;
  w.byte(0x28);
  for (;;) {
    i = skipWs(b, i, e);
    if (i < 0) return -1;
    if (i >= e) break;
    if (b[i] === 0x2c) {
      i++;
      continue;
    }
    // The phrase (or the local part of a bare addr-spec).
    let nw = 0;
    let quotedWord = false;
    for (;;) {
      const c = i < e ? (b[i] as number) : -1;
      let ws: number;
      let we: number;
      if (c === DQUOTE) {
        ws = i + 1;
        we = ws;
        while (we < e && b[we] !== DQUOTE) {
          const q = b[we];
          if (q === 0x5c || q === CR || q === LF) return -1;
          we++;
        }
        if (we >= e) return -1;
        i = we + 1;
        quotedWord = true;
      } else if (c >= 0 && WORD_BYTES[c] === 1) {
        ws = i;
        we = i + 1;
        while (we < e && WORD_BYTES[b[we] as number] === 1) we++;
        i = we;
      } else {
        break;
      }
      if (nw === MAX_WORDS) return -1;
      words[2 * nw] = ws;
      words[2 * nw + 1] = we;
      nw++;
      i = skipWs(b, i, e);
      if (i < 0) return -1;
    }
    let ls: number;
    let le: number;
    let ds: number;
    let de: number;
    if (i < e && b[i] === 0x3c) {
      // name-addr: "<" local "@" domain ">", nothing in between.
      ls = i + 1;
      le = ls;
      while (le < e && WORD_BYTES[b[le] as number] === 1) le++;
      if (le === ls || le >= e || b[le] !== 0x40) return -1;
      ds = le + 1;
      de = ds;
      while (de < e && WORD_BYTES[b[de] as number] === 1) de++;
      if (de === ds || de >= e || b[de] !== 0x3e) return -1;
      i = de + 1;
    } else if (i < e && b[i] === 0x40 && nw === 1 && !quotedWord) {
      // A bare addr-spec: the one word was its local part.
      ls = words[0] as number;
      le = words[1] as number;
      nw = 0;
      i = skipWs(b, i + 1, e);
      if (i < 0) return -1;
      ds = i;
      de = i;
      while (de < e && WORD_BYTES[b[de] as number] === 1) de++;
      if (de === ds) return -1;
      i = de;
    } else {
      return -1;
    }
    i = skipWs(b, i, e);
    if (i < 0) return -1;
    // Only a comma or the end may follow (a dot would continue an obs-domain, anything else is junk).
    if (i < e && b[i] !== 0x2c) return -1;
    w.byte(0x28);
    if (nw === 0) nil(w);
    else writePhrase(b, words, nw, w);
    w.text(' NIL ');
    writeString(b, ls, le, w);
    w.byte(SP);
    writeString(b, ds, de, w);
    w.byte(0x29);
    n++;
  }
  w.byte(0x29);
  return n;
}

/** The words joined by one space, as one string (quoted or literal by the bytes of all of them). */
function writePhrase(b: Uint8Array, words: Int32Array, nw: number, w: ByteWriter): void {
  let len = nw - 1;
  let quote = true;
  for (let k = 0; k < nw; k++) {
    const ws = words[2 * k] as number;
    const we = words[2 * k + 1] as number;
    len += we - ws;
    for (let i = ws; quote && i < we; i++) if (QUOTABLE[b[i] as number] === 0) quote = false;
  }
  if (quote) w.byte(DQUOTE);
  else literalHead(len, w);
  for (let k = 0; k < nw; k++) {
    if (k > 0) w.byte(SP);
    w.range(b, words[2 * k] as number, words[2 * k + 1] as number);
  }
  if (quote) w.byte(DQUOTE);
}

/**
 * Skips SP and HT, and folds: a CR must be followed by LF and an LF by SP or HT, so that removing them (as
 * {@link parseAddressList} unfolds first) joins no two tokens. Returns where the next token starts, or -1 for a line
 * end of any other kind.
 */
function skipWs(b: Uint8Array, i: number, e: number): number {
  while (i < e) {
    const c = b[i];
    if (c === SP || c === HT) i++;
    else if (c === CR) {
      if (b[i + 1] !== LF || i + 1 >= e) return -1;
      i++;
    } else if (c === LF) {
      const d = b[i + 1];
      if (i + 1 >= e || (d !== SP && d !== HT)) return -1;
      i++;
    } else break;
  }
  return i;
}
