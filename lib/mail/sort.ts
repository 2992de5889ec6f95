/**
 * RFC 5256 §3 SORT: ordering messages by ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, each optionally REVERSE,
 * with the sequence number as the final, never reversed, tiebreak. PURE.
 *
 * Strings compare under i;unicode-casemap (RFC 5051), the comparator RFC 5255 §4.3 asks of an I18NLEVEL=1 server in
 * place of RFC 5256's default i;ascii-casemap: titlecased, NFKD-decomposed, then compared as UTF-8 octets.
 * Headers are read once per message, and only when a header key is asked for.
 */
import type { InternalDate } from '../values/dates.js';
import { parseAddressList } from './address.js';
import { baseSubject, unicodeCasemapKey } from './base-subject.js';
import { decodeCharset } from './charset.js';
import { parseMessageDate } from './date.js';
import { FieldSet, fieldValues } from './header.js';

export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO';

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
  /** The header cut down to SUMMARY_FIELDS (header.ts), which hold every field sorting reads: asked for when given. */
  fields?(): Promise<Buffer>;
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
 * RFC 5256 §2.2 sent date: the Date: header's instant, or "If the sent date cannot be determined (a Date: header
 * is missing or cannot be parsed), the INTERNALDATE for that message is used as the sent date."
 */
export function sentTime(date: Buffer | null, internalDate: InternalDate): number {
  const d = date === null ? undefined : parseMessageDate(date.toString('latin1'));
  return d === undefined ? internalDate.time : d.time;
}

/** The fields SORT keys read (the first of each name), and where each is in the values {@link fieldValues} gives. */
const SORT_FIELDS = new FieldSet(['date', 'subject', 'from', 'to', 'cc']);
const SORT_FIELD: Readonly<Record<'DATE' | 'SUBJECT' | 'FROM' | 'TO' | 'CC', number>> = { DATE: 0, SUBJECT: 1, FROM: 2, TO: 3, CC: 4 };
const NO_FIELDS: readonly (Buffer | null)[] = [null, null, null, null, null];

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
  const needHeader = criteria.some((c) => c.key !== 'ARRIVAL' && c.key !== 'SIZE');
  const keyed: { msg: M; keys: Key[] }[] = [];
  const scratch = new Int32Array(2 * SORT_FIELDS.size);
  for (const msg of msgs) {
    const fields = needHeader ? fieldValues(SORT_FIELDS, await (msg.fields?.() ?? msg.header()), scratch) : NO_FIELDS;
    const keys = criteria.map((c): Key => {
      switch (c.key) {
        case 'ARRIVAL':
          // "Internal date and time of the message. This differs from the ON criteria in SEARCH, which uses just
          // the internal date."
          return msg.internalDate.time;
        case 'SIZE':
          return msg.size;
        case 'DATE':
          return sentTime(fields[SORT_FIELD.DATE] ?? null, msg.internalDate);
        case 'SUBJECT': {
          const f = fields[SORT_FIELD.SUBJECT] ?? null;
          return octetKey(f === null ? '' : baseSubject(f).subject);
        }
        case 'FROM':
        case 'TO':
        case 'CC': {
          const f = fields[SORT_FIELD[c.key]] ?? null;
          return octetKey(f === null ? '' : firstMailbox(f));
        }
      }
    });
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
