/**
 * The mail store: IMAP mailbox names to mailboxes, for one logged-in user (UW's "dummy" driver plus its naming
 * rules). INBOX is the user's spool file (or `$MAIL` in PREAUTH mode); every other name is an mbox file relative
 * to the home directory, directories giving the hierarchy (delimiter `/`), as UW imapd; subscriptions live in
 * `~/.mailboxlist` (UW's file). Names outside the home directory (absolute paths, `..`, `~other`) are refused
 * unless the configuration allows them. Names are handled as the client sends them (modified UTF-7, which is
 * ASCII): UW stores them on disk that way too, so files made by UW keep their names.
 */
import type { SpecialUse } from '../values/special-use.js';
import type { AppendMessage, AppendOptions, MailboxStatus, OpenMailbox, StatusWanted } from './driver.js';
import type { QuotaRoot } from './quota.js';
import type { MetadataChange, MetadataRefusal } from './server-metadata.js';

export type { QuotaRoot } from './quota.js';
export type { MetadataChange } from './server-metadata.js';

/** One LIST/LSUB answer line. */
export interface ListEntry {
  /** The mailbox name as sent to the client (modified UTF-7). */
  readonly name: string;
  /**
   * `\Noselect`, `\NoInferiors`, `\HasChildren`, `\HasNoChildren`, `\Marked`, `\Unmarked`, and with the options
   * of RFC 5258 `\Subscribed` and `\NonExistent` (a subscribed name with no mailbox; implies `\Noselect`).
   */
  readonly attributes: readonly string[];
  /**
   * Set (with {@link ListOptions.recursiveMatch}) when a subscribed name below this one is not reached by the
   * patterns: RFC 5258 §3.5's CHILDINFO ("SUBSCRIBED"). The entry may then be listed for that reason alone.
   */
  readonly childSubscribed?: true;
  /** The mailbox's special uses (RFC 6154); absent when it has none. */
  readonly uses?: readonly SpecialUse[];
}

/** What LIST selects and returns beyond RFC 3501 (RFC 5258's options); every flag absent means false. */
export interface ListOptions {
  /** LSUB (RFC 3501 §6.3.9): the subscription file's view, one pattern; the options below do not apply. */
  readonly subscribedOnly: boolean;
  /** RFC 5258's SUBSCRIBED selection: the subscribed names, existing or not (`\NonExistent`), each `\Subscribed`. */
  readonly selectSubscribed?: boolean;
  /** With selectSubscribed: names the patterns match that have subscribed names below them they do not. */
  readonly recursiveMatch?: boolean;
  /** `\Subscribed` on the names listed that are subscribed (RFC 5258's SUBSCRIBED return option). */
  readonly markSubscribed?: boolean;
  /** RFC 6154's SPECIAL-USE selection: only the mailboxes that have a special use (with the other options). */
  readonly selectSpecialUse?: boolean;
}

/** A watch on mailboxes that are not open ({@link MailStore.watch}). */
export interface StoreWatch {
  /** True while every path is watched; false when the caller must poll (it never turns true again). */
  readonly live: boolean;
  /** How many filesystem watches it holds (0 once closed). */
  readonly paths: number;
  /** Ends the watch: no `onChange` follows. May be called more than once. */
  close(): void;
}

export interface MailStore {
  /** The hierarchy delimiter. */
  readonly delimiter: '/';
  /**
   * LIST (subscribedOnly false) and LSUB (true): RFC 3501 §6.3.8 reference + pattern with `*` and `%`, or for LIST
   * several patterns (RFC 5258: the names any of them matches, each once). An empty pattern alone answers the
   * delimiter query (one entry with name "" and `\Noselect`). Throws MailboxError LIMIT for too many wildcards.
   */
  list(reference: string, patterns: string | readonly string[], opts: ListOptions): Promise<ListEntry[]>;
  /**
   * Throws MailboxError ALREADYEXISTS, NOPERM (outside the home), CANNOT... A trailing `/` makes a directory.
   * `uses`: the new mailbox's special uses (RFC 6154 §5), kept with it; USEATTR (and nothing created) when it cannot
   * have them. DELETE forgets a mailbox's uses; RENAME carries them (and those of the mailboxes below it) along.
   */
  create(name: string, opts?: { uses?: readonly SpecialUse[] }): Promise<void>;
  /** INBOX cannot be deleted; a directory with children cannot either (UW). */
  delete(name: string): Promise<void>;
  /** Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (RFC 3501 §6.3.5). */
  rename(from: string, to: string): Promise<void>;
  subscribe(name: string): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  /** STATUS's counts; `want` asks for more (SIZE), as MailboxDriver.status. */
  status(name: string, want?: StatusWanted): Promise<MailboxStatus>;
  /** Throws MailboxError NONEXISTENT (-> NO [TRYCREATE] for APPEND/COPY targets). */
  open(name: string, readOnly: boolean): Promise<OpenMailbox>;
  /**
   * APPEND/COPY/MOVE target: INBOX is created when missing; other missing names throw NONEXISTENT (TRYCREATE). All
   * or nothing (see MailboxDriver.append, also for `opts`).
   */
  append(name: string, msgs: AsyncIterable<AppendMessage>, opts?: AppendOptions): Promise<{ uidValidity: number; uids: number[] }>;
  /**
   * Calls `onChange` soon after any of the named mailboxes, the folders holding them, or the subscriptions may have
   * changed (NOTIFY, RFC 5465: storage owns its notifications, as OpenMailbox.notifyChanges). Possibly more often
   * than they did; never what changed, which the caller finds by asking (STATUS, LIST). Close the watch when done.
   */
  watch(names: readonly string[], onChange: () => void): StoreWatch;
  /** True when `name` refers to the same file as the mailbox open as `openName` (COPY into the selected box). */
  sameMailbox(a: string, b: string): boolean;
  /**
   * RFC 9208 GETQUOTAROOT: the quota roots over the mailbox `name` (which need not exist: the roots it would have),
   * each with its usage and limits now; none when no quota applies. Throws NOPERM for a name the store refuses.
   */
  quotaRoots(name: string): Promise<QuotaRoot[]>;
  /** RFC 9208 GETQUOTA: the quota root named `root` (as quotaRoots names it) now, or null when there is none. */
  quota(root: string): Promise<QuotaRoot | null>;
  /**
   * `msgs` as they are taken, checked against the quota roots over `name`: throws MailboxError OVERQUOTA before
   * yielding the first message that would take a root's usage over its limit (an append is all or nothing, so
   * nothing is stored then). {@link append} checks so itself; this is for appends through an open mailbox (COPY
   * into the selected mailbox).
   */
  withinQuota(name: string, msgs: AsyncIterable<AppendMessage>): AsyncIterable<AppendMessage>;
  /**
   * RFC 5464's server annotations (METADATA-SERVER): every entry that has a value, by its lower-case name (the
   * configured /shared ones and the user's /private ones).
   */
  serverMetadata(): Promise<ReadonlyMap<string, Buffer>>;
  /** SETMETADATA "": all the changes or none; why not, or null once done. Throws MailboxError on a write failure. */
  setServerMetadata(changes: readonly MetadataChange[]): Promise<MetadataRefusal | null>;
}
