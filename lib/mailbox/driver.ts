/**
 * The mailbox driver interface: one implementation per on-disk format, like UW c-client's DRIVER table
 * (mbox first, Maildir later). Protocol code (lib/imap, lib/pop3) talks to mail only through these types; it never
 * touches the filesystem itself.
 */

import { Flag, type FlagBits } from '../values/flags.js';
import type { InternalDate } from '../values/dates.js';

// The protocol values the interface speaks in live in the leaf lib/values, which lib/wire and lib/mail share.
export { Flag, SYSTEM_FLAG_NAMES } from '../values/flags.js';
export type { InternalDate } from '../values/dates.js';

/** A body whose size is known before the first byte goes out. chunks() yields exactly `size` bytes. */
export interface SizedBody {
  readonly size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

/** What the index knows of one message without reading it. */
export interface MessageMeta {
  /** Strictly ascending with the message number (RFC 3501 §2.3.1.1): callers may binary-search by UID. */
  readonly uid: number;
  /** {@link Flag} bits. */
  readonly flags: FlagBits;
  /** Keyword names (IMAP user flags), in the mailbox's keyword order. */
  readonly keywords: readonly string[];
  /** New to this session (IMAP `\Recent`; POP3 ignores it). */
  readonly recent: boolean;
  readonly internalDate: InternalDate;
  /** RFC822.SIZE: octets with CRLF line ends, metadata headers (Status:, X-UID:, ...) left out. */
  readonly size: number;
  /** The same with bare LF line ends, as UW also counts. */
  readonly lfSize: number;
  /** RFC 7162's MODSEQ: the modification sequence of the message's last change (of flags), or of its arrival. */
  readonly modseq: number;
  /**
   * RFC 8514's save date: when the message was saved into this mailbox (a copy's is its own). Absent: the mailbox
   * keeps no save dates (FETCH SAVEDATE is then NIL, §4.2; SAVEDBEFORE/ON/SINCE compare the INTERNALDATE, §4.3).
   */
  readonly saveDate?: InternalDate;
}

export interface MailboxStatus {
  readonly messages: number;
  readonly recent: number;
  readonly unseen: number;
  readonly uidNext: number;
  readonly uidValidity: number;
  /** RFC 7162's HIGHESTMODSEQ: the modification sequence of the mailbox's latest change. */
  readonly highestModseq: number;
  /**
   * Set when the mailbox holds no UIDVALIDITY yet (mail a delivery agent wrote, not yet opened read-write):
   * `uidValidity` was chosen for this look only, and the next look may choose another (`mailtool status` says so).
   */
  readonly uidValidityUnset?: true;
  /**
   * RFC 8438's SIZE: the messages' served sizes (RFC822.SIZE) added up, see {@link mailboxSize}. Only when asked
   * for ({@link StatusWanted}), since sizes not yet in the index cost reading the bodies.
   */
  readonly size?: number;
  /** RFC 8474's MAILBOXID (an objectid: 1-255 of A-Z a-z 0-9 _ -), when the mailbox has one (OpenMailbox.mailboxId). */
  readonly mailboxId?: string;
  /**
   * RFC 9208 §4.2's DELETED and DELETED-STORAGE: the messages flagged \Deleted and their served sizes added up (what
   * an EXPUNGE would free), see {@link deletedTally}. Only when asked for ({@link StatusWanted}).
   */
  readonly deleted?: { readonly count: number; readonly size: number };
}

/** What {@link MailboxDriver.status} is to work out beyond the counts it always gives. */
export interface StatusWanted {
  readonly size?: boolean;
  readonly deleted?: boolean;
}

/**
 * The messages flagged \Deleted and their served sizes added up (STATUS DELETED and DELETED-STORAGE, RFC 9208
 * §4.2), from the index: only the sizes of those messages are asked for.
 */
export function deletedTally(box: OpenMailbox): { count: number; size: number } {
  const flags = box.systemFlags();
  let count = 0;
  let size = 0;
  for (let i = 0; i < flags.length; i++) {
    if (((flags[i] ?? 0) & Flag.Deleted) === 0) continue;
    count++;
    size += box.meta(i + 1).size;
  }
  return { count, size };
}

/**
 * The total of the messages' served sizes (each as FETCH RFC822.SIZE gives it): STATUS SIZE (RFC 8438). Sizes in
 * the index are taken as they are; only those not yet counted are counted (OpenMailbox.sizes).
 */
export function mailboxSize(box: OpenMailbox): number {
  let total = 0;
  for (const n of box.sizes()) total += n;
  return total;
}

export interface AppendMessage {
  /** The message as the client sent it (CRLF or LF line ends). */
  readonly body: SizedBody;
  readonly flags: FlagBits;
  readonly keywords: readonly string[];
  /** Defaults to now. */
  readonly internalDate?: InternalDate;
  /**
   * The envelope sender a format that keeps one records (the mbox `From ` line): a delivery's return path
   * (`mailtool append -f`). Defaults to the user appending, at the host.
   */
  readonly sender?: string;
}

/** Options of {@link MailboxDriver.append} and MailStore.append. */
export interface AppendOptions {
  /**
   * MOVE and RENAME INBOX: the messages appended are those with UIDs `uids` of the open mailbox `box` (of the same
   * driver, read-write), and leave it in the same step as this append commits: all or nothing, whatever is killed
   * when (mbox/move-record.ts). If they cannot leave it (a full disk), the copies are taken out again and the error
   * is thrown: nothing moved. A message another session expunged meanwhile stays only where its copy went.
   * REPLACE (RFC 8508) appends a new message this way, with the UID of the one it replaces: the messages appended
   * need not be copies of those that leave. `whole`: every one must still be there when the append commits, else
   * nothing is appended and EXPUNGED is thrown.
   */
  readonly moveFrom?: { readonly box: OpenMailbox; readonly uids: readonly number[]; readonly whole?: boolean };
}

/**
 * Puts back, in memory only, what one {@link OpenMailbox.setFlags} changed (flags, keywords, and the keywords it
 * defined, unless others were defined since): for a caller whose write of the change failed, so that memory and
 * disk agree again. Does nothing after the mailbox is closed.
 */
export type FlagsUndo = () => void;

/** A change to report to the client, in the order it happened. Sequence numbers are those the client knows. */
export type MailboxUpdate =
  | { readonly kind: 'expunge'; readonly seq: number; readonly uid: number }
  | { readonly kind: 'exists'; readonly count: number }
  | { readonly kind: 'recent'; readonly count: number }
  | { readonly kind: 'flags'; readonly seq: number }
  | { readonly kind: 'keywords'; readonly keywords: readonly string[] };

/** A subscription to an open mailbox's change notifications ({@link OpenMailbox.notifyChanges}). */
export interface ChangeWatch {
  /** True while changes are pushed; false when the caller must poll (it may turn false later, never true again). */
  readonly live: boolean;
  /** Ends the notifications; no call of `onChange` follows. May be called more than once. */
  stop(): void;
}

export type MailboxErrorCode =
  | 'NONEXISTENT' // no such mailbox
  | 'ALREADYEXISTS'
  | 'NOTMAILBOX' // exists, but not in a format this driver reads
  | 'INUSE' // a lock could not be had in time
  | 'NOPERM'
  | 'HASCHILDREN' // a directory that is not empty cannot be deleted (UW's rule: its inferiors are not deleted with it)
  | 'CORRUPT' // the file changed under us in a way that cannot be reconciled
  | 'LIMIT' // too many keywords, message too large
  | 'READONLY'
  | 'OVERQUOTA' // the filesystem is full or the user's quota is used up (ENOSPC, EDQUOT): a temporary failure
  | 'USEATTR' // a special use (RFC 6154) this mailbox cannot be given; the message says why, and names no path
  | 'EXPUNGED' // a message the operation names was expunged (by another session) while it went on
  | 'IO';

/** Every failure a driver reports. The code maps to a protocol response (`NO [TRYCREATE]`, `-ERR [IN-USE]`...). */
export class MailboxError extends Error {
  constructor(
    readonly code: MailboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailboxError';
  }
}

/**
 * UW's mbox INBOX (c-client's mbox driver, unix.c): the mailbox opened is `~/mbox`, and the spool's mail is moved
 * into it ("snarfed") when it is opened read-write and by {@link OpenMailbox.sync} at most once every
 * `intervalMs` (UW's snarf interval), as a MOVE of every message the spool holds (AppendOptions.moveFrom, whole):
 * all or nothing whatever is killed when, with their flags, keywords and internal dates, new (\Recent) in the
 * session that moves them; mail delivered to the spool meanwhile stays there for the next time.
 */
export interface SnarfSource {
  /** The spool file. */
  readonly from: string;
  readonly intervalMs: number;
}

/** Like c-client's DRIVER: one per mailbox format. Paths are absolute filesystem paths, already authorised. */
export interface MailboxDriver {
  readonly name: string;
  /** True when `path` is a mailbox of this format (an empty file counts for mbox). */
  valid(path: string): Promise<boolean>;
  create(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** The counts of STATUS; `want` asks for more (SIZE). */
  status(path: string, want?: StatusWanted): Promise<MailboxStatus>;
  /**
   * Appends under the delivery locks. Returns the mailbox's UIDVALIDITY and the UIDs given, in order. All or
   * nothing: on a failure (OVERQUOTA when the disk or quota is full part way) no message is left in the mailbox.
   */
  append(path: string, msgs: AsyncIterable<AppendMessage>, opts?: AppendOptions): Promise<{ uidValidity: number; uids: number[] }>;
  /**
   * `sizes`: count every message's served size while the mailbox is locked for opening (POP3, whose STAT needs them
   * all, and whose sessions do not sync: sizes counted later could be counted where another writer has just
   * moved the bytes); otherwise sizes are counted when first asked (IMAP SELECT stays cheap).
   * `snarf`: UW's mbox INBOX ({@link SnarfSource}); ignored when read-only.
   */
  open(path: string, opts: { readOnly: boolean; sizes?: boolean; snarf?: SnarfSource }): Promise<OpenMailbox>;
}

/** Where a kept value lies: bytes [start, end) of `buf` (see {@link OpenMailbox.cachedAt}). */
export interface CachedBytes {
  buf: Buffer;
  start: number;
  end: number;
}

/**
 * Where the kept values of messages in a row lie (see {@link OpenMailbox.cachedRun}): value k is bytes [starts[k],
 * starts[k] + lengths[k]) of `buf`, of the message whose UID is uids[k]. The arrays are the caller's, and as long
 * as it likes: a run never holds more entries than they do.
 */
export interface CachedRun {
  buf: Buffer;
  readonly starts: Float64Array;
  readonly lengths: Uint32Array;
  readonly uids: Uint32Array;
}

/**
 * Like c-client's MAILSTREAM. Sequence numbers (1-based) change only through {@link takeUpdates} reporting an
 * expunge, so a client's view stays consistent; changes by other processes are noticed by {@link sync}.
 */
export interface OpenMailbox {
  /**
   * Calls `onChange` soon after the mailbox may have changed (a delivery, another session's write), possibly more
   * than once per change and never synchronously; the caller then {@link sync}s to see what changed. Storage owns
   * how it notices (inotify on a local file; nothing on a network filesystem): where it cannot, the watch is not
   * `live` and the caller polls {@link sync} instead. Stop the watch when done.
   */
  notifyChanges(onChange: () => void): ChangeWatch;
  readonly uidValidity: number;
  readonly readOnly: boolean;
  /**
   * RFC 8474's MAILBOXID (an objectid): the same for this mailbox in every session and after a RENAME, never given
   * to another mailbox, a mailbox deleted and made again under its name included (§4). Absent: none is kept.
   */
  readonly mailboxId?: string;
  /** The next UID this mailbox will give. */
  uidNext(): number;
  /** The keywords defined in the mailbox, in order. */
  keywords(): readonly string[];
  count(): number;
  /**
   * How many of the messages are \Recent, the first without \Seen (0: none), and how many are without \Seen:
   * SELECT's RECENT and UNSEEN, STATUS's UNSEEN.
   */
  tally(): { recent: number; firstUnseen: number; unseen: number };
  /** RFC 7162's HIGHESTMODSEQ: the modification sequence of the mailbox's latest change this session knows of. */
  highestModseq(): number;
  /**
   * The UIDs expunged by changes numbered above `modseq` (QRESYNC's VANISHED (EARLIER), RFC 7162 §3.2.5.2), or
   * null when the mailbox does not remember that far back (then every UID the client knows that is not here now
   * is the answer the RFC allows).
   */
  expungedSince(modseq: number): number[] | null;
  meta(seq: number): MessageMeta;
  /**
   * Messages 1..count() as columns, for callers that go through every message (a POP3 listing) without an object
   * per message: copies, entry `seq - 1` for message `seq`. UIDs; served sizes (as {@link MessageMeta.size},
   * counted where not yet); system flags (as {@link MessageMeta.flags}).
   */
  uids(): Uint32Array;
  sizes(): Float64Array;
  systemFlags(): Uint8Array;
  seqOf(uid: number): number | undefined;
  /** The message header as served to clients (CRLF line ends, metadata lines left out, blank line included). */
  header(seq: number): Promise<Buffer>;
  /**
   * The header's bytes for parsing fields out of (ENVELOPE): the same fields as {@link header} in the same order,
   * but line ends may be bare LF and storage metadata fields (Status:, X-UID:, ...) may be among them. No copy is
   * made: the result is valid until the next call into the mailbox that may change it.
   */
  parseableHeader(seq: number): Promise<Buffer>;
  /**
   * A value derived from message `seq` that was kept with {@link keep} (by this session or an earlier one, of this
   * user), or null. `field` names the value and its encoding: storage keeps the bytes without knowing them, so a
   * caller that changes an encoding changes the name. The bytes must not be changed; they are valid until the next
   * call for the same field.
   */
  cached(seq: number, field: string): Buffer | null;
  /**
   * {@link cached} without a Buffer made for the value (a FETCH of 100,000 kept values makes none): where it lies,
   * bytes [start, end) of `buf`, in an object the next call reuses; null when not kept.
   */
  cachedAt(seq: number, field: string): CachedBytes | null;
  /**
   * {@link cachedAt} for messages `first`, `first + 1`, ... up to `last`, as far as their values lie in one buffer
   * and take at most `bytes` octets in all, counting `extra` more for each: fills `run` and returns how many (the
   * values are valid until the next call for the same field). 0 when message `first`'s value is not found that way
   * (not kept, or kept where a run does not go): the caller asks {@link cachedAt}, or works it out.
   */
  cachedRun(first: number, last: number, field: string, run: CachedRun, bytes: number, extra: number): number;
  /**
   * Whether values of `field` are kept here, or were asked for ({@link wantKept}). A command that works a value out
   * for every message keeps them only then, and otherwise asks: a one-off SORT or THREAD pays nothing for the cache,
   * the next one keeps what it works out, and those after it read it (Dovecot adds a field to its cache when it is
   * asked for again).
   */
  keepsAny(field: string): boolean;
  /** Asks that values of `field` be kept from now on (by the next command that works them out); never fails. */
  wantKept(field: string): void;
  /**
   * Keeps `value` as message `seq`'s `field` for later sessions (see {@link cached}): a cache, kept on a best-effort
   * basis and written at the latest by the next {@link sync} or {@link close}; never fails.
   */
  keep(seq: number, field: string, value: Uint8Array): Promise<void>;
  /** The message body (after the header's blank line), CRLF line ends; `range` counts in those served octets. */
  text(seq: number, range?: { offset: number; length: number }): SizedBody;
  /** The whole message as served: header then text. Its size is {@link MessageMeta.size}. */
  message(seq: number): SizedBody;
  /**
   * Changes flags in memory; written by {@link checkpoint}, {@link expunge} or {@link close}, where the change is
   * applied again to the flags on disk at that moment (`add` and `remove` keep what another session changed
   * meanwhile; `replace` replaces). Returns what puts them back if that write fails. Throws LIMIT (nothing changed
   * then).
   */
  setFlags(seqs: Iterable<number>, op: 'add' | 'remove' | 'replace', flags: FlagBits, keywords: readonly string[]): FlagsUndo;
  /**
   * STORE (UNCHANGEDSINCE `since`) of RFC 7162 §3.1.3, in one step under the write locks: the file is looked at, the
   * messages whose {@link MessageMeta.modseq} is above `since` are left alone, the others' flags are changed as
   * {@link setFlags} would and written at once. Returns the sequence numbers left alone (MODIFIED); a message
   * another session expunged meanwhile is neither. Throws as {@link checkpoint} (nothing changed then).
   */
  storeUnchangedSince(seqs: readonly number[], since: number, op: 'add' | 'remove' | 'replace', flags: FlagBits,
    keywords: readonly string[]): Promise<number[]>;
  /**
   * The caller has just shown the client these messages' flags ({@link meta} after a write): changes to them that
   * were noticed so far are not reported again by {@link takeUpdates}.
   */
  flagsShown(seqs: Iterable<number>): void;
  /**
   * Appends into this open mailbox, as MailboxDriver.append does (all or nothing, `opts` likewise): for COPY and MOVE
   * into the selected mailbox itself, whose messages may be read from this mailbox while it is locked for the
   * append (through a second open mailbox they could not: its lock would wait for this one's). The new messages are
   * reported by {@link takeUpdates}. Throws READONLY on a read-only mailbox.
   */
  append(msgs: AsyncIterable<AppendMessage>, opts?: AppendOptions): Promise<number[]>;
  /** Reads what other writers did since the last look: new mail, rewritten flags, expunges. */
  sync(): Promise<void>;
  /** Hands over the changes noticed since the last call; expunges are held back unless `allowExpunge`. */
  takeUpdates(allowExpunge: boolean): MailboxUpdate[];
  /**
   * Writes changed flags to disk; nothing to write, nothing done (no lock taken). Throws OVERQUOTA on a full disk or
   * quota, with the file as it was and the changes still pending.
   */
  checkpoint(): Promise<void>;
  /**
   * Removes messages flagged \Deleted (only those in `uids` when given) and writes all changes. On a failure
   * (OVERQUOTA) nothing is removed and the file is as it was.
   */
  expunge(uids?: ReadonlySet<number>): Promise<number[]>;
  /**
   * Writes pending changes (unless read-only) and releases everything. Releases everything also when the write
   * fails, and then throws its error; with nothing pending it cannot fail.
   */
  close(): Promise<void>;
}
