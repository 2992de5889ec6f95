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
 * - FROM/TO/CC/BCC match the addresses of the field as ENVELOPE parses them (RFC 3501: "the envelope structure's
 *   FROM field"; every field of that name, as before), not the raw value, so comments, source routes, quoting and
 *   folding neither stop a match nor make one. Each address is one text, searched on its own: `name <local@domain>`,
 *   or `local@domain` without a name, the name RFC 2047-decoded (Dovecot matches the same rendering); a group
 *   contributes its name. A comment is text only where ENVELOPE makes it the name (`local@domain (Name)`, as UW and
 *   Dovecot do); elsewhere (`<local (c)@ (c) domain>`) it is not searched. The parts ENVELOPE fills in for a missing
 *   local part or domain (`MISSING_DOMAIN`) are not text of the message and match nothing.
 * - SUBJECT/HEADER match the RFC 2047-decoded, unfolded field value (all fields of that name), which is what UW and
 *   Dovecot do.
 * - BODY looks at text/* parts (decoded by Content-Transfer-Encoding and charset) and at message/rfc822 parts (their
 *   header and text). Other leaves are skipped, as RFC 3501 allows: "Server implementations MAY exclude [MIME-IMB]
 *   body parts with terminal content media types other than TEXT and MESSAGE from consideration".
 * - TEXT is header OR body, the header decoded and unfolded as a whole.
 */
import type { InternalDate } from '../values/dates.js';
import { Flag } from '../values/flags.js';
import type { SearchDate, SearchKey } from '../values/search-key.js';
import type { SequenceSet } from '../values/sequence.js';
import { isAscii } from 'node:buffer';
import { addressParts, parseAddressList } from './address.js';
import { isKnownCharset } from './charset.js';
import { parseMessageDate } from './date.js';
import { decodeHeaderValue } from './encoded-words.js';
import { foldCase } from './fold.js';
import { firstValues, SUMMARY_FIELDS, valuesOf } from './header.js';
import {
  asciiPattern,
  foldedIncludesAscii,
  headerIncludesAscii,
  headerNeedleRaw,
  NeedleSet,
  searchNeedle,
} from './needle.js';
import { bodySink } from './search-body.js';

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
  /** RFC 7162's MODSEQ: the mod-sequence of the message's last change. */
  readonly modseq: number;
  /** RFC 8514's save date; absent when the mailbox keeps none (SAVEDBEFORE/ON/SINCE then compare the INTERNALDATE). */
  readonly saveDate?: InternalDate;
  /** RFC 8474's EMAILID, worked out (or read where kept) when asked; absent or null: the message has none. */
  emailId?(): Promise<string | null>;
  /** The header block (up to and optionally including the empty line that ends it). */
  header(): Promise<Buffer>;
  /**
   * A header holding at least its {@link SUMMARY_FIELDS}, as {@link header} has them: the summary the mailbox kept
   * (summaryHeader), else the header itself when `keep` is false, else a summary cut now and kept. Asked for
   * (without keeping) instead of {@link header} when every key needing the header reads only those fields.
   */
  fields?(keep?: boolean): Promise<Buffer>;
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
  decoded: Map<string, string[]>;
  /** Per address field, the folded text of each address ({@link addressTexts}), or null when the field is absent. */
  addresses: Map<string, string[] | null>;
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
  /** The message's EMAILID once asked for (null: it has none); undefined before. */
  readonly emailId?: string | null;
}

type Node =
  | { readonly t: 'meta'; readonly test: (m: SearchMessage, ctx: SearchContext) => boolean }
  | { readonly t: 'field'; readonly field: string; readonly needle: string }
  | { readonly t: 'address'; readonly field: string; readonly needle: string }
  | { readonly t: 'sent'; readonly cmp: 'before' | 'on' | 'since'; readonly day: number }
  | { readonly t: 'body'; readonly needle: number }
  | { readonly t: 'emailid'; readonly id: string }
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
  /** True when the keys that need the header read only {@link SUMMARY_FIELDS} (see SearchMessage.fields). */
  readonly summaryOnly: boolean;
  /** True when some key may need the body. */
  readonly usesBody: boolean;
  /** True when some key is MODSEQ (RFC 7162 §3.1.5: the SEARCH and SORT responses then give the highest found). */
  readonly usesModseq: boolean;
  /** True when some key is EMAILID (RFC 8474 §6): the message's id is worked out when the index does not decide. */
  readonly usesEmailId: boolean;
}

function dayNumber(d: SearchDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** The calendar day of an INTERNALDATE in its own zone (see the file comment), as days since the epoch. */
function internalDay(d: InternalDate): number {
  return Math.floor((d.time + d.zone * 60_000) / DAY_MS);
}

/**
 * A membership test for `set` against the mailbox's highest number as the command sees it (`max` per call, the same
 * for every message of one search): resolved once per `max` ({@link SequenceSet.matcher}).
 */
function inSet(set: SequenceSet): (n: number, max: number) => boolean {
  let resolvedFor = -1;
  let test: (n: number) => boolean = () => false;
  return (n, max) => {
    if (max !== resolvedFor) {
      resolvedFor = max;
      test = set.matcher(max);
    }
    return test(n);
  };
}

/** The flag keys: the system flag each tests, and whether it must be set (ANSWERED) or clear (UNANSWERED). */
const FLAG_KEYS = {
  ANSWERED: [Flag.Answered, true],
  DELETED: [Flag.Deleted, true],
  DRAFT: [Flag.Draft, true],
  FLAGGED: [Flag.Flagged, true],
  SEEN: [Flag.Seen, true],
  UNANSWERED: [Flag.Answered, false],
  UNDELETED: [Flag.Deleted, false],
  UNDRAFT: [Flag.Draft, false],
  UNFLAGGED: [Flag.Flagged, false],
  UNSEEN: [Flag.Seen, false],
} as const satisfies Record<string, readonly [number, boolean]>;

/**
 * Compiles a search program. `keys` is the command's list of keys (ANDed, RFC 3501: "When multiple keys are
 * specified, the result is the intersection") or one key. `charset` is the SEARCH CHARSET (default US-ASCII).
 * `saved` is what `$` names: the session's saved search result as UIDs (RFC 5182), null when it is empty (`$` then
 * matches nothing, which is no error, §2.1). Throws {@link SearchCharsetError} for a charset we cannot decode.
 */
export function compileSearch(keys: SearchKey | readonly SearchKey[], charset = 'US-ASCII',
  saved: SequenceSet | null = null): SearchProgram {
  if (!isKnownCharset(charset)) throw new SearchCharsetError(charset);
  const bodyNeedles: string[] = [];
  let usesHeader = false;
  let usesBody = false;
  let usesModseq = false;
  let usesEmailId = false;
  let summaryOnly = true;
  /** The header is read for field `name` (null: the whole header, for TEXT). */
  const reads = (name: string | null): void => {
    usesHeader = true;
    if (name === null || !SUMMARY_FIELDS.includes(name)) summaryOnly = false;
  };
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
      case 'DELETED':
      case 'DRAFT':
      case 'FLAGGED':
      case 'SEEN':
      case 'UNANSWERED':
      case 'UNDELETED':
      case 'UNDRAFT':
      case 'UNFLAGGED':
      case 'UNSEEN': {
        const [bit, set] = FLAG_KEYS[k.key];
        return { t: 'meta', test: (m) => ((m.flags & bit) !== 0) === set };
      }
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
        reads(k.key.toLowerCase());
        return { t: 'address', field: k.key.toLowerCase(), needle: text(k.value) };
      case 'SUBJECT':
        reads('subject');
        return { t: 'field', field: k.key.toLowerCase(), needle: text(k.value) };
      case 'HEADER':
        reads(k.field.toLowerCase());
        return { t: 'field', field: k.field.toLowerCase(), needle: text(k.value) };
      case 'BODY':
        return { t: 'body', needle: bodyNeedle(text(k.value)) };
      case 'TEXT': {
        reads(null);
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
      // RFC 8514 §4.3: the save date "disregarding time and timezone", taken in its own zone as INTERNALDATE is
      // (the file comment); "When the underlying storage of a mailbox does not support the save date attribute,
      // the SAVEDBEFORE, SAVEDON, and SAVEDSINCE search keys MUST use the internal date attribute instead."
      case 'SAVEDBEFORE': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.saveDate ?? m.internalDate) < day };
      }
      case 'SAVEDON': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.saveDate ?? m.internalDate) === day };
      }
      case 'SAVEDSINCE': {
        const day = dayNumber(k.date);
        return { t: 'meta', test: (m) => internalDay(m.saveDate ?? m.internalDate) >= day };
      }
      // "Matches all messages in the mailbox when the underlying storage of that mailbox supports the save date
      // attribute. Conversely, it matches no messages in the mailbox when the save date attribute is not supported."
      case 'SAVEDATESUPPORTED':
        return { t: 'meta', test: (m) => m.saveDate !== undefined };
      case 'EMAILID':
        usesEmailId = true;
        return { t: 'emailid', id: k.id };
      // RFC 8474 §5.2: a server that keeps no threads gives every message THREADID NIL, which no id matches.
      case 'THREADID':
        return { t: 'meta', test: () => false };
      case 'SENTBEFORE':
        reads('date');
        return { t: 'sent', cmp: 'before', day: dayNumber(k.date) };
      case 'SENTON':
        reads('date');
        return { t: 'sent', cmp: 'on', day: dayNumber(k.date) };
      case 'SENTSINCE':
        reads('date');
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
        if (set === '$') {
          // The saved result holds UIDs as they were found; `*` never stands in it.
          const has = saved === null ? () => false : saved.matcher(0xffffffff);
          return { t: 'meta', test: (m) => has(m.uid) };
        }
        const has = inSet(set);
        return { t: 'meta', test: (m, ctx) => has(m.uid, ctx.maxUid) };
      }
      case 'MODSEQ': {
        usesModseq = true;
        const n = k.modseq;
        return { t: 'meta', test: (m) => m.modseq >= n };
      }
      case 'SEQ': {
        const has = inSet(k.set);
        return { t: 'meta', test: (m, ctx) => has(m.seq, ctx.maxSeq) };
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
  return { root, bodyNeedles, usesHeader, usesBody, usesModseq, usesEmailId, summaryOnly: usesHeader && summaryOnly };
}

function fieldValues(h: HeaderView, name: string): string[] {
  let v = h.decoded.get(name);
  if (v === undefined) {
    v = valuesOf(h.raw, name).map((raw) => foldCase(decodeHeaderValue(raw)));
    h.decoded.set(name, v);
  }
  return v;
}

/** {@link decodeHeaderValue}, without its work for the usual part: ASCII with no encoded word. */
function partText(b: Buffer): string {
  return isAscii(b) && b.indexOf('=?') < 0 ? b.toString('latin1') : decodeHeaderValue(b);
}

/**
 * The folded text of every address in the fields named `name` (see the file comment), or null when there is no such
 * field. Each address is parsed by ENVELOPE's parser; its parts are decoded (RFC 2047 in the name, 8-bit bytes as
 * UTF-8 or ISO-8859-1) as {@link decodeHeaderValue} decodes a field.
 */
function addressTexts(h: HeaderView, name: string): string[] | null {
  let v = h.addresses.get(name);
  if (v === undefined) {
    const values = valuesOf(h.raw, name);
    const texts: string[] = [];
    for (const raw of values) {
      for (const a of parseAddressList(raw)) {
        const p = addressParts(a);
        if (p === null) continue;
        const display = p.name === null ? '' : partText(p.name);
        const spec = p.local === null ? '' : p.domain === null ? partText(p.local)
          : `${partText(p.local)}@${partText(p.domain)}`;
        texts.push(foldCase(display !== '' && spec !== '' ? `${display} <${spec}>` : display + spec));
      }
    }
    v = values.length === 0 ? null : texts;
    h.addresses.set(name, v);
  }
  return v;
}

function sentDay(h: HeaderView): number | null {
  if (h.sentDay === undefined) {
    const [f] = firstValues(h.raw, ['date']);
    const d = f === undefined || f === null ? undefined : parseMessageDate(f.toString('latin1'));
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
    case 'address': {
      if (env.header === undefined) return undefined;
      const texts = addressTexts(env.header, n.field);
      // The field-present rule of HEADER (above) holds here too: "" matches a field with no address in it.
      return texts !== null && (n.needle === '' || texts.some((v) => v.includes(n.needle)));
    }
    case 'sent': {
      if (env.header === undefined) return undefined;
      const d = sentDay(env.header);
      if (d === null) return false;
      return n.cmp === 'before' ? d < n.day : n.cmp === 'on' ? d === n.day : d >= n.day;
    }
    case 'emailid':
      if (env.emailId === undefined) return undefined;
      return env.emailId === n.id;
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
  // EMAILID before the header: where the id is kept it is one look-up (see SearchMessage.emailId).
  const emailId = program.usesEmailId ? (await msg.emailId?.()) ?? null : null;
  if (program.usesEmailId) {
    const v = evaluate(program.root, { msg, ctx, header: undefined, body: undefined, emailId });
    if (v !== undefined) return v;
  }
  const raw = program.summaryOnly && msg.fields !== undefined ? await msg.fields(false) : await msg.header();
  const header: HeaderView = { decoded: new Map(), addresses: new Map(), text: undefined, textAscii: undefined, whole: undefined, sentDay: undefined, raw };
  const second = evaluate(program.root, { msg, ctx, header, body: undefined, emailId });
  if (second !== undefined) return second;

  const needles = new NeedleSet(program.bodyNeedles);
  const partial: BodyView = { found: needles.found, complete: false };
  let result = evaluate(program.root, { msg, ctx, header, body: partial, emailId });
  if (result !== undefined) return result;
  const sink = bodySink(raw, needles);
  let foundCount = needles.found.filter(Boolean).length;
  for await (const chunk of msg.body()) {
    sink.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    const now = needles.found.filter(Boolean).length;
    if (now !== foundCount) {
      foundCount = now;
      result = evaluate(program.root, { msg, ctx, header, body: partial, emailId });
      if (result !== undefined) return result; // leaving the loop closes the body stream
    }
  }
  sink.end();
  result = evaluate(program.root, { msg, ctx, header, body: { found: needles.found, complete: true }, emailId });
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
