/**
 * RFC 5256 §3 SORT: ordering messages by ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO (and RFC 5957's DISPLAYFROM
 * and DISPLAYTO), each optionally REVERSE, with the sequence number as the final, never reversed, tiebreak. PURE.
 *
 * Strings compare under i;unicode-casemap (RFC 5051), the comparator RFC 5255 §4.3 asks of an I18NLEVEL=1 server in
 * place of RFC 5256's default i;ascii-casemap: titlecased, NFKD-decomposed, then compared as UTF-8 octets.
 * Headers are read once per message, and only when a header key is asked for that was not kept: a key worked out
 * from the header (the base subject's collation key, the first address's, the sent date) is kept with the message
 * where the caller keeps values (SortMessage.keepValue), so that a later sort by it reads neither the header nor
 * works anything out.
 */
import type { InternalDate } from '../values/dates.js';
import { parseAddressList } from './address.js';
import { baseSubject, unicodeCasemapKey } from './base-subject.js';
import { decodeCharset } from './charset.js';
import { decodeHeaderValue } from './encoded-words.js';
import { parseMessageDate } from './date.js';
import { FieldSet, fieldValues } from './header.js';

export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

/** One `sort-key`: `["REVERSE" SP] key`. RFC 5256: "REVERSE only reverses a single criterion". */
export interface SortCriterion {
  readonly key: SortKeyName;
  readonly reverse: boolean;
}

/** What SORT needs of a message. header() is called at most once, and only for CC, DATE, FROM, SUBJECT, TO. */
export interface SortMessage {
  readonly seq: number;
  readonly internalDate: InternalDate;
  /** RFC822.SIZE. */
  readonly size: number;
  header(): Promise<Buffer>;
  /**
   * The header to read the fields of a key not kept from, when cheaper than header(): holding at least the fields
   * SORT reads as header() has them, but line ends may be bare LF and other fields may be among them (the summary
   * the mailbox kept, or the header's bytes as stored). Asked for instead of header() when given.
   */
  sortHeader?(): Promise<Buffer>;
  /** A value kept with the message under `name` by an earlier sort, or null; read before the next call. Optional. */
  keptValue?(name: string): Uint8Array | null;
  /** Keeps `value` with the message under `name` (a cache: it may be dropped). Optional. */
  keepValue?(name: string, value: Uint8Array): Promise<void>;
  /**
   * Whether values under `name` are kept, or wanted (see wantKept), in the message's mailbox: asked of the first
   * message once per sort. Without it (or false) nothing is looked up or kept, and wantKept is called.
   */
  keepsAny?(name: string): boolean;
  /** Asks the message's mailbox to keep values under `name` from the next sort on. */
  wantKept?(name: string): void;
}

type HeaderKeyName = Exclude<SortKeyName, 'ARRIVAL' | 'SIZE'>;

/**
 * The names the header keys are kept under, which name their encoding too: a DATE key as a float64 (little-endian),
 * the others as their octets. A change to how a key is worked out (base subject, collation, address) takes a new
 * name, so that no key worked out by other rules is ever read.
 */
const KEY_NAME: Readonly<Record<HeaderKeyName, string>> = {
  DATE: 'mail.sortkey.date.1', SUBJECT: 'mail.sortkey.subject.1', FROM: 'mail.sortkey.from.1', TO: 'mail.sortkey.to.1',
  CC: 'mail.sortkey.cc.1', DISPLAYFROM: 'mail.sortkey.displayfrom.1', DISPLAYTO: 'mail.sortkey.displayto.1',
};

function encodeKey(k: Key): Buffer {
  if (typeof k === 'string') return Buffer.from(k, 'latin1');
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleLE(k, 0);
  return b;
}

/** A kept key, or null when its bytes cannot be one (a DATE key of another length). */
function decodeKey(name: HeaderKeyName, b: Uint8Array): Key | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (name !== 'DATE') return buf.toString('latin1');
  return b.length === 8 ? buf.readDoubleLE(0) : null;
}

/**
 * RFC 5256 §3 FROM, TO and CC: "[IMAP] addr-mailbox of the first ... address", that is the mailbox field of the first
 * address ENVELOPE gives for the field (the one parser, {@link parseAddressList}): the local part of a mailbox (quoted
 * local part unquoted; display names, comments and routes skipped), and for a group its name, since ENVELOPE marks
 * the start of a group with an address whose mailbox is the group's display name (RFC 3501 §7.4.2):
 * `Cc: user2: a@b;` sorts as "user2". As text: UTF-8 where valid (RFC 6532 addresses carry raw UTF-8), else
 * ISO-8859-1 (read as ISO-8859-1 throughout, "ö" would become "Ã¶" and, under i;unicode-casemap, decompose to
 * "A" + tilde). The empty string when the field has no address or the first has no local part (`From: <>`, as
 * Dovecot sorts it; ENVELOPE would say MISSING_MAILBOX), which sorts first.
 */
export function firstMailbox(raw: Uint8Array): string {
  const mailbox = parseAddressList(raw, { fillMissing: false })[0]?.mailbox ?? null;
  return mailbox === null ? '' : decodeCharset(mailbox, undefined);
}

/**
 * RFC 5957 §3, the DISPLAY sort value of the first address ENVELOPE gives for the field (the one parser, as
 * {@link firstMailbox}): its addr-name, decoded (RFC 2047 encoded words, then UTF-8, as RFC 5255 §4.6 has it), when
 * that is not empty; else addr-mailbox@addr-host; else addr-mailbox alone (the start of a group, whose mailbox is the
 * group's name and whose host is NIL); else, and for a field with no address, the empty string. A comment after a
 * bare addr-spec is the name, as ENVELOPE has it.
 */
export function displayAddress(raw: Uint8Array): string {
  const a = parseAddressList(raw, { fillMissing: false })[0];
  if (a === undefined) return '';
  if (a.name !== null) {
    const name = decodeHeaderValue(a.name);
    if (name !== '') return name;
  }
  if (a.mailbox === null) return '';
  const mailbox = decodeCharset(a.mailbox, undefined);
  return a.host === null ? mailbox : `${mailbox}@${decodeCharset(a.host, undefined)}`;
}

/**
 * RFC 5256 §2.2 sent date: the Date: header's instant, or "If the sent date cannot be determined (a Date: header
 * is missing or cannot be parsed), the INTERNALDATE for that message is used as the sent date."
 */
export function sentTime(date: Buffer | null, internalDate: InternalDate): number {
  const d = date === null ? undefined : parseMessageDate(date.toString('latin1'));
  return d === undefined ? internalDate.time : d.time;
}

/** The fields SORT keys read (the first of each name), and where each is in the values {@link fieldValues} gives. */
const SORT_FIELDS = new FieldSet(['date', 'subject', 'from', 'to', 'cc']);
const SORT_FIELD: Readonly<Record<HeaderKeyName, number>> = {
  DATE: 0, SUBJECT: 1, FROM: 2, TO: 3, CC: 4, DISPLAYFROM: 2, DISPLAYTO: 3,
};

/**
 * A string key: the octets of {@link unicodeCasemapKey} as a latin1 string, one character per octet, so that string
 * order is i;octet order. Kept as a string rather than a Buffer: 100,000 small Buffers from Node's shared pool
 * would each keep an 8 KB slab alive, with the headers read alongside them (a SORT of 100k messages peaked at
 * 240 MB that way).
 */
function octetKey(text: string): string {
  return unicodeCasemapKey(text).toString('latin1');
}

type Key = number | string;

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/**
 * Sorts `msgs` by `criteria` (the first decides, later ones break ties, the sequence number breaks the last tie).
 * Returns a new array; `msgs` is untouched. Header read errors propagate.
 */
export async function sortMessages<M extends SortMessage>(msgs: readonly M[], criteria: readonly SortCriterion[]): Promise<M[]> {
  const keyed: { msg: M; keys: Key[] }[] = [];
  const scratch = new Int32Array(2 * SORT_FIELDS.size);
  // Keys are looked up and kept only where the mailbox keeps (or was asked to keep) them: the first sort by a key
  // asks for them to be kept and pays nothing more; the next keeps what it works out; the rest read them.
  const first = msgs[0];
  const keeping = new Set<HeaderKeyName>();
  for (const c of criteria) {
    if (c.key === 'ARRIVAL' || c.key === 'SIZE' || first === undefined) continue;
    if (first.keepsAny?.(KEY_NAME[c.key]) === true) keeping.add(c.key);
    else first.wantKept?.(KEY_NAME[c.key]);
  }
  for (const msg of msgs) {
    let fields: readonly (Buffer | null)[] | null = null;
    const keys: Key[] = [];
    for (const c of criteria) {
      // "Internal date and time of the message. This differs from the ON criteria in SEARCH, which uses just the
      // internal date."
      if (c.key === 'ARRIVAL') keys.push(msg.internalDate.time);
      else if (c.key === 'SIZE') keys.push(msg.size);
      else {
        const name = KEY_NAME[c.key];
        const keep = keeping.has(c.key);
        const kept = keep ? msg.keptValue?.(name) ?? null : null;
        const k = kept === null ? null : decodeKey(c.key, kept);
        if (k !== null) {
          keys.push(k);
          continue;
        }
        fields ??= fieldValues(SORT_FIELDS, await (msg.sortHeader ? msg.sortHeader() : msg.header()), scratch);
        const worked = headerKey(c.key, fields, msg.internalDate);
        keys.push(worked);
        if (keep && msg.keepValue) await msg.keepValue(name, encodeKey(worked));
      }
    }
    keyed.push({ msg, keys });
  }
  keyed.sort((a, b) => {
    for (let i = 0; i < criteria.length; i++) {
      const r = compareKeys(a.keys[i] ?? 0, b.keys[i] ?? 0);
      if (r !== 0) return criteria[i]?.reverse === true ? -r : r;
    }
    return a.msg.seq - b.msg.seq;
  });
  return keyed.map((k) => k.msg);
}

/** The key of a header criterion, from the message's SORT_FIELDS values. */
function headerKey(key: HeaderKeyName, fields: readonly (Buffer | null)[], internalDate: InternalDate): Key {
  switch (key) {
    case 'DATE':
      return sentTime(fields[SORT_FIELD.DATE] ?? null, internalDate);
    case 'SUBJECT': {
      const f = fields[SORT_FIELD.SUBJECT] ?? null;
      return octetKey(f === null ? '' : baseSubject(f).subject);
    }
    case 'FROM':
    case 'TO':
    case 'CC': {
      const f = fields[SORT_FIELD[key]] ?? null;
      return octetKey(f === null ? '' : firstMailbox(f));
    }
    // RFC 5957 §4: the DISPLAY value of the first From or To address, compared as the others are (§7: "the active
    // [RFC4790] collation as per [RFC5255] MUST be used", i;unicode-casemap here).
    case 'DISPLAYFROM':
    case 'DISPLAYTO': {
      const f = fields[SORT_FIELD[key]] ?? null;
      return octetKey(f === null ? '' : displayAddress(f));
    }
  }
}
