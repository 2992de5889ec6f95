/**
 * Response shapes more than one part of the server sends (the session's mailbox updates and the commands'
 * responses), written with the one encoder (lib/wire/encode.ts). Each writes what follows `* ` of an untagged
 * response; the caller adds the prefix and the CRLF (CommandContext.untagged).
 */
import type { MessageMeta, OpenMailbox } from '../mailbox/driver.js';
import type { QuotaRoot } from '../mailbox/store.js';
import { Flag } from '../values/flags.js';
import { MAILBOX_FLAG_ORDER, type ResponseBuilder } from '../wire/encode.js';

/** Every system flag: a mailbox's FLAGS lists all of them. */
const ALL_SYSTEM_FLAGS = Flag.Seen | Flag.Answered | Flag.Flagged | Flag.Deleted | Flag.Draft;

/** `FLAGS (\Answered \Flagged \Deleted \Seen \Draft kw...)`: the flags of a mailbox (RFC 3501 §7.2.6). */
export function mailboxFlags(b: ResponseBuilder, keywords: readonly string[]): void {
  b.raw('FLAGS ').flags(ALL_SYSTEM_FLAGS, false, keywords, MAILBOX_FLAG_ORDER);
}

/**
 * `OK [PERMANENTFLAGS (... \*)] text`, the flags a client may store (RFC 3501 §7.1); `()` for a mailbox that takes
 * no changes (keywords null).
 */
export function permanentFlags(b: ResponseBuilder, keywords: readonly string[] | null, text: string): void {
  b.raw('OK [PERMANENTFLAGS ');
  if (keywords === null) b.flags(0, false, []);
  else b.flags(ALL_SYSTEM_FLAGS, false, keywords, MAILBOX_FLAG_ORDER, true);
  b.raw('] ').text(text);
}

/**
 * `seq FETCH ([UID uid] [MODSEQ (n)] [FLAGS (...)])`, the items `show` names: a message's flags after STORE or
 * another session's change, or only its new mod-sequence after a STORE (UNCHANGEDSINCE) .SILENT (RFC 7162 §3.1.3).
 * `show.recent`: whether \Recent is among the flags when the message has it (not in an IMAP4rev2 session).
 */
export function flagsFetch(b: ResponseBuilder, seq: number, m: MessageMeta,
  show: { readonly uid: boolean; readonly modseq: boolean; readonly flags: boolean; readonly recent: boolean }): void {
  b.number(seq).raw(' FETCH (');
  let sep = '';
  if (show.uid) {
    b.raw('UID ').number(m.uid);
    sep = ' ';
  }
  if (show.modseq) {
    b.raw(sep).raw('MODSEQ (').number(m.modseq).raw(')');
    sep = ' ';
  }
  if (show.flags) b.raw(sep).raw('FLAGS ').flags(m.flags, show.recent && m.recent, m.keywords);
  b.raw(')');
}

/**
 * `HIGHESTMODSEQ n` (RFC 7162 §3.1.2.1), the resp-text-code: at least 1, since a mod-sequence-value is positive and
 * only an empty mailbox without a file has none.
 */
export function highestModseq(b: ResponseBuilder, box: OpenMailbox): void {
  b.raw('HIGHESTMODSEQ ').number(Math.max(1, box.highestModseq()));
}

/** `OK [code] text`, an untagged status response; `code` is resp-text-code, as a word or written by a function. */
export function okResponse(b: ResponseBuilder, code: string | ((b: ResponseBuilder) => void) | null, text: string): void {
  b.raw('OK ');
  if (typeof code === 'function') {
    b.raw('[');
    code(b);
    b.raw('] ');
  } else if (code !== null) b.raw('[').raw(code).raw('] ');
  b.text(text);
}

/** `COPYUID uidvalidity source-uids new-uids` (RFC 4315 §3), after COPY and in MOVE's untagged OK. */
export function copyUid(b: ResponseBuilder, r: { uidValidity: number; sourceUids: readonly number[]; uids: readonly number[] }): void {
  b.raw('COPYUID ').number(r.uidValidity).sp().seqSet(r.sourceUids).sp().seqSet(r.uids);
}

/** `CAPABILITY cap...` (RFC 3501 §7.2.1): the untagged response and the greeting's code. */
export function capabilityData(b: ResponseBuilder, caps: readonly string[]): void {
  b.raw('CAPABILITY');
  for (const c of caps) b.sp().atom(c);
}

/**
 * `VANISHED [(EARLIER)] uid-set` (RFC 7162 §3.2.10): UIDs gone from the mailbox, as sorted disjoint ranges. Without
 * EARLIER it replaces EXPUNGE once QRESYNC is on (the messages leave the client's numbering); with it, it answers
 * a resynchronization and renumbers nothing.
 */
export function vanished(b: ResponseBuilder, earlier: boolean, uids: readonly (readonly [number, number])[]): void {
  b.raw(earlier ? 'VANISHED (EARLIER) ' : 'VANISHED ').seqRanges(uids);
}

/** `QUOTA root (resource usage limit ...)`, one quota root's resources now (RFC 9208 §5.1). */
export function quotaResponse(b: ResponseBuilder, root: QuotaRoot): void {
  b.raw('QUOTA ').astring(root.name).sp().list(root.resources, (l, r) => l.raw(r.name).sp().number(r.usage).sp().number(r.limit));
}
