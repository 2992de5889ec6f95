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
import { type Address, Header, firstValues, parseAddressList } from './header.js';
import { type ImapValue, encodeImap } from './imap-syntax.js';

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
