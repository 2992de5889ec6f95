/**
 * The parsed form of an IMAP SEARCH program (RFC 3501 §6.4.4, plus OLDER/YOUNGER of RFC 5032 and MODSEQ of RFC
 * 7162). The wire parser (lib/wire) builds these values; lib/mail/search.ts evaluates them; this leaf module is
 * shared by both. Keys are named after the RFC's own keywords so the parser can map `search-key` alternatives one
 * to one.
 *
 * Strings stay bytes: RFC 3501 says the SEARCH CHARSET "indicates the [CHARSET] of the strings that appear in the
 * search criteria", so they can only be turned into text once the whole command (and its CHARSET) is known. That
 * happens in `compileSearch`, which also reports an unsupported charset (tagged NO [BADCHARSET], not BAD).
 */
import type { SequenceArg, SequenceSet } from './sequence.js';

/**
 * RFC 3501 §9 `date = date-text / DQUOTE date-text DQUOTE`, `date-text = date-day "-" date-month "-" date-year`.
 * A calendar day with no time and no zone: the keys that take one compare "disregarding time and timezone".
 */
export interface SearchDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

/** The system flags a search key can test, named as in RFC 3501 (`ANSWERED` tests `\Answered`). */
type SearchFlagName = 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'SEEN';

/** RFC 3501 §6.4.4 search keys. Strings are raw bytes in the command's SEARCH CHARSET (see file comment). */
export type SearchKey =
  /** `ALL`: every message; "the default initial key for ANDing". */
  | { readonly key: 'ALL' }
  /** `ANSWERED` / `DELETED` / `DRAFT` / `FLAGGED` / `SEEN`: the flag is set. */
  | { readonly key: SearchFlagName }
  /** `UNANSWERED` / `UNDELETED` / `UNDRAFT` / `UNFLAGGED` / `UNSEEN`: the flag is clear. */
  | { readonly key: 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN' }
  /** `NEW` ("RECENT UNSEEN"), `OLD` ("NOT RECENT"), `RECENT`. */
  | { readonly key: 'NEW' | 'OLD' | 'RECENT' }
  /** RFC 8514 §4.3 `SAVEDATESUPPORTED`: every message when the mailbox keeps save dates, none otherwise. */
  | { readonly key: 'SAVEDATESUPPORTED' }
  /** `KEYWORD flag` / `UNKEYWORD flag` (flag-keyword is an atom; compared ASCII case-insensitively). */
  | { readonly key: 'KEYWORD' | 'UNKEYWORD'; readonly flag: string }
  /** `BCC`, `CC`, `FROM`, `TO`, `SUBJECT`: substring of that header field's decoded value. */
  | { readonly key: 'BCC' | 'CC' | 'FROM' | 'TO' | 'SUBJECT'; readonly value: Uint8Array }
  /** `HEADER field-name string`: an empty string matches every message that has the field. */
  | { readonly key: 'HEADER'; readonly field: string; readonly value: Uint8Array }
  /** `BODY s` (body text only) and `TEXT s` (header or body). */
  | { readonly key: 'BODY' | 'TEXT'; readonly value: Uint8Array }
  /** INTERNALDATE comparisons: `BEFORE`, `ON`, `SINCE`. */
  | { readonly key: 'BEFORE' | 'ON' | 'SINCE'; readonly date: SearchDate }
  /** Date: header comparisons: `SENTBEFORE`, `SENTON`, `SENTSINCE`. */
  | { readonly key: 'SENTBEFORE' | 'SENTON' | 'SENTSINCE'; readonly date: SearchDate }
  /** RFC 8514 save date comparisons: `SAVEDBEFORE`, `SAVEDON`, `SAVEDSINCE`. */
  | { readonly key: 'SAVEDBEFORE' | 'SAVEDON' | 'SAVEDSINCE'; readonly date: SearchDate }
  /** RFC 8474 §6 `EMAILID objectid` / `THREADID objectid`: the message's id is exactly this one. */
  | { readonly key: 'EMAILID' | 'THREADID'; readonly id: string }
  /** `LARGER n` / `SMALLER n`: RFC822.SIZE strictly larger / smaller than n. */
  | { readonly key: 'LARGER' | 'SMALLER'; readonly size: number }
  /** RFC 5032 `OLDER n` / `YOUNGER n` (`nz-number` seconds before now). */
  | { readonly key: 'OLDER' | 'YOUNGER'; readonly seconds: number }
  /**
   * `UID sequence-set`; `$` (bare or after UID) is the saved search result of RFC 5182, which holds UIDs: the
   * evaluator is given it with the program (lib/mail/search.ts compileSearch).
   */
  | { readonly key: 'UID'; readonly set: SequenceArg }
  /** RFC 7162 `MODSEQ n`: the message's mod-sequence is n or above (an entry name and type, if given, dropped). */
  | { readonly key: 'MODSEQ'; readonly modseq: number }
  /** A bare `sequence-set` (message sequence numbers). */
  | { readonly key: 'SEQ'; readonly set: SequenceSet }
  /** `NOT search-key`. */
  | { readonly key: 'NOT'; readonly operand: SearchKey }
  /** `OR search-key search-key`. */
  | { readonly key: 'OR'; readonly left: SearchKey; readonly right: SearchKey }
  /** `"(" search-key *(SP search-key) ")"`, and the top level of the command: all must match. */
  | { readonly key: 'AND'; readonly operands: readonly SearchKey[] };

