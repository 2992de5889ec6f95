/**
 * {@link MailStore} with UW imapd's naming and file rules (c-client's `mailboxfile()` in env_unix.c, the "dummy"
 * driver's LIST/LSUB/CREATE/DELETE/RENAME in dummy.c, `~/.mailboxlist` from smanager.c), on top of one mailbox
 * driver (mbox).
 *
 * The pieces: the name rules and the file each name leads to are uw-names.ts, the subscription file and LSUB are
 * uw-subscriptions.ts, LIST and LSUB are uw-list.ts; this module holds the operations (CREATE, DELETE, RENAME,
 * STATUS, SELECT, APPEND).
 *
 * Deliberate differences from UW, each to follow RFC 3501 or to be safer: renaming INBOX copies its messages into
 * the new mailbox and empties INBOX (RFC 3501 §6.3.5) instead of renaming the spool file; creating INBOX is an
 * error (ALREADYEXISTS); SUBSCRIBE of a name already subscribed and UNSUBSCRIBE of a name not subscribed succeed
 * without change (UW says NO); dot files are hidden from LIST (UW's `hide-dot-files` option, off by default in UW
 * but set at most sites); LIST never returns names with a trailing `/` (UW lists `foo/` for `LIST "" "foo/*"`);
 * a missing INBOX is created on SELECT/EXAMINE/STATUS/APPEND (UW shows an empty dummy mailbox instead).
 *
 * UW's `~/mbox` INBOX (`mboxInbox`, uw-inbox.ts): INBOX is `~/mbox` when it exists, and the spool's mail is moved
 * into it (mbox/snarf.ts). STATUS INBOX adds the spool's messages (UW's mbox_status); RENAME INBOX moves every
 * message of `~/mbox` (the spool's moved in first) to the new mailbox and leaves `~/mbox` empty, where UW renames
 * the file and creates it again: a kill between the two would leave no `~/mbox`, and a session with INBOX open would
 * go on moving the spool's mail into the renamed mailbox.
 */
import { existsSync, statSync, type Stats } from 'node:fs';
import { mkdir, rename, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AppendMessage, AppendOptions, MailboxDriver, MailboxStatus, OpenMailbox, StatusWanted } from './driver.js';
import { MailboxError } from './driver.js';
import { fsError, isErrno, lstatOrUndefined } from './fs-errors.js';
import type { ListEntry, ListOptions, MailStore, StoreWatch } from './store.js';
import { isInbox, underInbox, UwNames, type Resolved } from './uw-names.js';
import { inboxFile, mboxPath, type InboxFile, type MboxInbox } from './uw-inbox.js';
import { Subscriptions } from './uw-subscriptions.js';
import { UwList } from './uw-list.js';
import { SpecialUses, useKey } from './special-use.js';
import type { QuotaRoot } from './quota.js';
import { UwQuota, type UwQuotaOptions } from './uw-quota.js';
import { ServerMetadata, type MetadataChange, type MetadataRefusal } from './server-metadata.js';
import { watchPaths } from './store-watch.js';
import type { NamedUse, SpecialUse } from '../values/special-use.js';

export interface UwMailStoreOptions {
  /** The driver every mailbox file is handed to (the mbox driver). Paths given to it are absolute and checked. */
  readonly driver: MailboxDriver;
  /** The user's home directory: the root of all ordinary names. Should exist (LIST of a missing home is empty). */
  readonly home: string;
  /** The file INBOX names (spool file, or `$MAIL` in PREAUTH mode). It is never subject to the home check. */
  readonly inboxPath: string;
  /**
   * UW's `~/mbox` INBOX (configuration `mbox_inbox`, on by default there): INBOX is `~/mbox` when it exists, and
   * `inboxPath` the spool its mail is moved from (uw-inbox.ts). Absent or null: INBOX is `inboxPath`.
   */
  readonly mboxInbox?: MboxInbox | null;
  /** Allow absolute names and `~user/` names (UW's unrestricted mailboxfile()); otherwise they are NOPERM. */
  readonly allowOutsideHome: boolean;
  /** Default `<home>/.mailboxlist` (UW's SUBSCRIPTIONFILE). */
  readonly subscriptionsFile?: string;
  /** Where the subscription file's lock goes (`<it>.lock`, in the control directory); null or absent: no lock. */
  readonly subscriptionsLock?: () => string | null;
  /**
   * Looks up another user's home directory for `~user/...` names (only used with `allowOutsideHome`). When absent,
   * `~user` names are refused. Kept as a callback so this module does not read /etc/passwd itself.
   */
  readonly homeOf?: (user: string) => string | undefined;
  /** How deep LIST descends below the pattern's fixed prefix. Default 20 (UW's list_max_level). */
  readonly listMaxDepth?: number;
  /** How many directory entries one LIST may look at before it stops (and answers what it found). Default 20000. */
  readonly listMaxEntries?: number;
  /**
   * Where the uses given by `CREATE ... (USE (...))` are kept (the control directory's `special-use`), asked for on
   * first use; null or absent: nowhere, and such a CREATE is refused (special-use.ts).
   */
  readonly specialUseFile?: () => string | null;
  /** Mailbox names with a special use, matched without regard to case (configuration `special_use`). Default none. */
  readonly specialUseNames?: readonly NamedUse[];
  /** RFC 9208 quotas (quota.ts); absent: none, and GETQUOTAROOT answers no root. */
  readonly quota?: UwQuotaOptions;
  /**
   * Where the user's private server annotations are kept (the control directory's `metadata`), asked for on first
   * use; null or absent: nowhere (server-metadata.ts).
   */
  readonly metadataFile?: () => string | null;
  /** The configured /shared server annotations (lower-case entry names). Default none. */
  readonly sharedMetadata?: ReadonlyMap<string, Buffer>;
}

const DIR_MODE = 0o700;

/**
 * UW imapd's mail store for one logged-in user. Holds no open files between calls; every method may be called
 * again at any time, and several stores (sessions) may work on the same home at once: the subscription file is
 * replaced atomically and mailbox files are guarded by the driver's locks.
 */
export class UwMailStore implements MailStore {
  readonly delimiter = '/';
  private readonly driver: MailboxDriver;
  private readonly home: string;
  private readonly inboxPath: string;
  private readonly names: UwNames;
  private readonly subscriptions: Subscriptions;
  private readonly uses: SpecialUses;
  private readonly lists: UwList;
  private readonly quotas: UwQuota | null;
  private readonly metadata: ServerMetadata;
  private readonly mboxInbox: MboxInbox | null;
  /** What {@link inbox} last found (for sameMailbox, which cannot wait); null before it was asked. */
  private lastInbox: InboxFile | null = null;

  constructor(opts: UwMailStoreOptions) {
    this.mboxInbox = opts.mboxInbox ?? null;
    this.driver = opts.driver;
    this.home = opts.home.length > 1 ? opts.home.replace(/\/+$/, '') : opts.home;
    this.inboxPath = opts.inboxPath;
    this.names = new UwNames({
      home: this.home, inboxPath: opts.inboxPath, allowOutsideHome: opts.allowOutsideHome, homeOf: opts.homeOf,
    });
    this.subscriptions = new Subscriptions(opts.subscriptionsFile ?? join(this.home, '.mailboxlist'), opts.subscriptionsLock);
    const listMaxDepth = opts.listMaxDepth ?? 20;
    const listMaxEntries = opts.listMaxEntries ?? 20000;
    this.uses = new SpecialUses(opts.specialUseFile ?? (() => null), opts.specialUseNames ?? []);
    this.lists = new UwList({
      home: this.home, names: this.names, subscriptions: this.subscriptions, uses: this.uses, listMaxDepth, listMaxEntries,
    });
    this.quotas = opts.quota === undefined ? null : new UwQuota(opts.quota, {
      home: this.home, inboxPath: this.inboxPath, listMaxDepth, listMaxEntries,
    });
    this.metadata = new ServerMetadata(opts.metadataFile ?? (() => null), opts.sharedMetadata ?? new Map());
  }

  /** RFC 5464 server annotations (MailStore.serverMetadata). */
  serverMetadata(): Promise<ReadonlyMap<string, Buffer>> {
    return this.metadata.entries();
  }

  /** SETMETADATA "" (MailStore.setServerMetadata). */
  setServerMetadata(changes: readonly MetadataChange[]): Promise<MetadataRefusal | null> {
    return this.metadata.set(changes);
  }

  /** The file (or directory) a name refers to, or MailboxError NOPERM: see {@link UwNames.resolve}. */
  resolve(name: string): Resolved {
    return this.names.resolve(name);
  }

  /** Makes the directories above `path` that are missing (mode 0700, as UW's get_dir_protection default). */
  private async makeParents(path: string, what: string): Promise<void> {
    const parent = dirname(path);
    const st = await lstatOrUndefined(parent).catch((e: unknown) => { throw fsError(e, what); });
    if (st?.isDirectory()) return;
    if (st && !st.isSymbolicLink()) {
      // "a/b" where a is a mailbox file: mbox files have no inferiors (UW lists them \NoInferiors).
      throw new MailboxError('NOPERM', `superior of ${what} is not a directory`);
    }
    try {
      await mkdir(parent, { recursive: true, mode: DIR_MODE });
    } catch (e) {
      if (isErrno(e, 'ENOTDIR') || isErrno(e, 'EEXIST')) {
        throw new MailboxError('NOPERM', `superior of ${what} is not a directory`, { cause: e });
      }
      throw fsError(e, what);
    }
  }

  /**
   * CREATE. Throws ALREADYEXISTS (INBOX, or the name exists), NOPERM (refused names, `INBOX/...`, no rights).
   * `uses` (RFC 6154's CREATE-SPECIAL-USE) are kept for the new mailbox and win over the configured names; USEATTR
   * when they cannot be (see {@link checkUses}), and then nothing is created. Without `uses`, whatever a removed
   * mailbox of the same name left is forgotten.
   */
  async create(name: string, opts: { uses?: readonly SpecialUse[] } = {}): Promise<void> {
    const uses = opts.uses ?? [];
    if (uses.length > 0) this.checkUses(name, uses);
    // RFC 3501 §6.3.3: "It is an error to attempt to create INBOX".
    if (isInbox(name) || isInbox(name.replace(/\/$/, ''))) {
      throw new MailboxError('ALREADYEXISTS', 'INBOX always exists');
    }
    if (underInbox(name)) throw new MailboxError('NOPERM', 'INBOX has no inferiors');
    const r = this.resolve(name);
    if (await lstatOrUndefined(r.path).catch(() => undefined)) {
      throw new MailboxError('ALREADYEXISTS', `mailbox already exists: ${name}`);
    }
    await this.makeParents(r.path, name);
    if (r.dir) {
      try {
        await mkdir(r.path, { mode: DIR_MODE });
      } catch (e) {
        throw fsError(e, name);
      }
    } else {
      await this.driver.create(r.path);
    }
    const key = useKey(name);
    if (key === null) return;
    if (uses.length === 0) {
      // Best effort: a use left behind only shows if this mailbox is given no other, and the next CREATE tries again.
      await this.uses.set(key, []).catch(() => undefined);
      return;
    }
    try {
      await this.uses.set(key, uses);
    } catch (e) {
      // RFC 6154 §5: a mailbox that cannot have the use asked for is not created.
      await this.driver.remove(r.path).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Throws USEATTR unless `uses` can be kept for the new mailbox `name`: \All and \Flagged name virtual mailboxes
   * (every message, every flagged message) that an mbox file cannot be; a directory holds no messages; and uses are
   * kept only in the control directory.
   */
  private checkUses(name: string, uses: readonly SpecialUse[]): void {
    const virtual = uses.find((u) => u === '\\All' || u === '\\Flagged');
    if (virtual !== undefined) {
      throw new MailboxError('USEATTR', `${virtual} is a virtual mailbox of all such messages; a mailbox here cannot be one`);
    }
    if (name.endsWith('/')) throw new MailboxError('USEATTR', 'A directory holds no messages and can have no special use');
    if (!this.uses.canRemember()) {
      throw new MailboxError('USEATTR', 'Special uses cannot be kept for this user (no private control directory)');
    }
  }

  /**
   * DELETE. INBOX is refused (NOPERM; RFC 3501 §6.3.4); a directory is removed only when empty, dot files
   * included (UW's rmdir; HASCHILDREN otherwise); a file goes through the driver. Subscriptions are not
   * touched (RFC 3501 §6.3.4 keeps them). Throws NONEXISTENT when there is nothing by that name.
   */
  async delete(name: string): Promise<void> {
    if (isInbox(name)) throw new MailboxError('NOPERM', 'INBOX cannot be deleted');
    const r = this.resolve(name);
    let st: Stats;
    try {
      st = await stat(r.path);
    } catch (e) {
      throw fsError(e, name);
    }
    if (st.isDirectory()) {
      try {
        await rmdir(r.path);
      } catch (e) {
        throw fsError(e, name);
      }
    } else {
      if (r.dir) throw new MailboxError('NONEXISTENT', `no such directory: ${name}`);
      await this.driver.remove(r.path);
    }
    // The mailbox is gone: its special use goes too. Best effort, since the DELETE has happened; a use left behind
    // shows on nothing (only existing mailboxes have uses) and the next CREATE of the name clears it.
    const key = useKey(name);
    if (key !== null) await this.uses.set(key, []).catch(() => undefined);
  }

  /**
   * RENAME. The target must not exist (ALREADYEXISTS; INBOX always exists) and may not be under INBOX (NOPERM);
   * its missing superiors are made. A directory is renamed with everything below it; a file through the driver
   * (keeping its UIDs and UIDVALIDITY). INBOX: see {@link renameInbox}.
   */
  async rename(from: string, to: string): Promise<void> {
    if (isInbox(to) || isInbox(to.replace(/\/$/, ''))) {
      throw new MailboxError('ALREADYEXISTS', 'INBOX always exists');
    }
    if (underInbox(to)) throw new MailboxError('NOPERM', 'INBOX has no inferiors');
    const src = this.resolve(from);
    const dst = this.resolve(to);
    if (await lstatOrUndefined(dst.path).catch(() => undefined)) {
      throw new MailboxError('ALREADYEXISTS', `mailbox already exists: ${to}`);
    }
    if (src.inbox) {
      if (dst.dir) throw new MailboxError('NOPERM', `INBOX cannot become a directory: ${to}`);
      return this.renameInbox(dst.path, to);
    }
    let st: Stats;
    try {
      st = await stat(src.path);
    } catch (e) {
      throw fsError(e, from);
    }
    // UW's dummy_rename: a trailing delimiter is allowed only when a directory is renamed.
    if (dst.dir && !st.isDirectory()) throw new MailboxError('NOPERM', `a mailbox cannot become a directory: ${to}`);
    await this.makeParents(dst.path, to);
    if (st.isDirectory()) {
      try {
        await rename(src.path, dst.path);
      } catch (e) {
        throw fsError(e, from);
      }
    } else {
      await this.driver.rename(src.path, dst.path);
    }
    // A mailbox keeps its special use under its new name (with those below a renamed directory). Best effort, as in
    // delete: the RENAME has happened.
    const fromKey = useKey(from);
    const toKey = useKey(to);
    if (fromKey !== null && toKey !== null) await this.uses.move(fromKey, toKey).catch(() => undefined);
  }

  /**
   * RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox and leaves INBOX empty. The spool file
   * itself is not renamed (it usually lives in /var/mail, where the user cannot create files, and a delivery agent
   * may be writing it). The messages are appended with their flags, keywords and internal dates (the new mailbox
   * has its own UIDVALIDITY and numbers them from 1, in order), then exactly those UIDs are expunged from INBOX,
   * so mail delivered meanwhile stays. If the copy or the expunge fails (a full disk), the new mailbox is removed and
   * INBOX is left as it was.
   */
  private async renameInbox(target: string, to: string): Promise<void> {
    await this.makeParents(target, to);
    await this.driver.create(target);
    // UW's ~/mbox INBOX: its messages, with the spool's moved in as it opens (the INBOX the client sees).
    const inbox = await this.inbox();
    if (!(await lstatOrUndefined(inbox.path).catch(() => undefined))) return; // UW: INBOX missing, dest made
    let box: OpenMailbox;
    try {
      box = await this.driver.open(inbox.path, { readOnly: false, ...(inbox.snarf ? { snarf: inbox.snarf } : {}) });
    } catch (e) {
      await this.driver.remove(target).catch(() => undefined);
      throw e;
    }
    try {
      const count = box.count();
      if (count > 0) {
        const opened = box;
        const uids: number[] = [];
        for (let seq = 1; seq <= count; seq++) uids.push(box.meta(seq).uid);
        async function* messages(): AsyncIterable<AppendMessage> {
          for (let seq = 1; seq <= count; seq++) {
            const m = opened.meta(seq);
            yield { body: opened.message(seq), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
          }
        }
        // A move (the driver's: all or nothing, whatever is killed when): if INBOX cannot be emptied (a full disk),
        // the copies are taken out again and the new mailbox removed, and INBOX is as it was.
        try {
          await this.driver.append(target, messages(), { moveFrom: { box, uids } });
        } catch (e) {
          await this.driver.remove(target).catch(() => undefined);
          throw e;
        }
      }
    } finally {
      await box.close();
    }
  }

  /** SUBSCRIBE. The mailbox must exist (UW's dummy_subscribe; INBOX always does); NONEXISTENT otherwise. */
  async subscribe(name: string): Promise<void> {
    const r = this.resolve(name);
    if (!r.inbox) {
      try {
        await stat(r.path);
      } catch (e) {
        throw fsError(e, name);
      }
    }
    await this.subscriptions.add(name);
  }

  /**
   * UNSUBSCRIBE. Any name may be removed, valid or not, existing or not (RFC 3501 §6.3.7 lets names outlive their
   * mailboxes, so they must be removable). Removing a name that is not there succeeds.
   */
  async unsubscribe(name: string): Promise<void> {
    await this.subscriptions.remove(name);
  }

  /** LIST and LSUB (RFC 3501 §6.3.8, §6.3.9; RFC 5258, RFC 6154): see {@link UwList.list}. */
  list(reference: string, patterns: string | readonly string[], opts: ListOptions): Promise<ListEntry[]> {
    return this.lists.list(reference, patterns, opts);
  }

  /** INBOX's file now: the spool, or UW's `~/mbox` with the spool to move mail from (uw-inbox.ts). */
  private async inbox(): Promise<InboxFile> {
    this.lastInbox = await inboxFile(this.driver, this.home, this.inboxPath, this.mboxInbox);
    return this.lastInbox;
  }

  /**
   * The path of an existing mailbox file for open/status/append, with the spool to move mail from when it is UW's
   * `~/mbox` INBOX; a missing INBOX is created first.
   */
  private async mailboxFile(name: string): Promise<InboxFile> {
    const r = this.resolve(name);
    if (r.inbox) {
      const f = await this.inbox();
      if (f.snarf !== null) return f;
    }
    return { path: await this.existingFile(name, r), snarf: null };
  }

  /** The file `r` (resolved from `name`) when it is a mailbox file; a missing INBOX (the spool) is created. */
  private async existingFile(name: string, r: Resolved): Promise<string> {
    let st: Stats;
    try {
      st = await stat(r.path);
    } catch (e) {
      if (!r.inbox || !isErrno(e, 'ENOENT')) throw fsError(e, name);
      try {
        await this.driver.create(r.path);
      } catch (ce) {
        if (!(ce instanceof MailboxError && ce.code === 'ALREADYEXISTS')) throw ce; // another session made it
      }
      return r.path;
    }
    if (st.isDirectory()) throw new MailboxError('NOTMAILBOX', `not a selectable mailbox: ${name}`);
    if (r.dir) throw new MailboxError('NONEXISTENT', `no such directory: ${name}`);
    return r.path;
  }

  /**
   * STATUS through the driver. NONEXISTENT when missing (INBOX is created), NOTMAILBOX for directories. UW's
   * `~/mbox` INBOX counts the spool's messages too, as they will be once moved in (UW's mbox_status: their number
   * added to MESSAGES, RECENT, UNSEEN and UIDNEXT; here to SIZE and DELETED as well, and always, where UW adds them
   * only while `~/mbox` has no \Recent message).
   */
  async status(name: string, want?: StatusWanted): Promise<MailboxStatus> {
    const f = await this.mailboxFile(name);
    const st = await this.driver.status(f.path, want);
    if (f.snarf === null) return st;
    const spool = await this.spoolStatus(f.snarf.from, want);
    if (spool === null) return st;
    return {
      ...st, messages: st.messages + spool.messages, recent: st.recent + spool.messages,
      unseen: st.unseen + spool.unseen, uidNext: st.uidNext + spool.messages,
      ...(st.size !== undefined ? { size: st.size + (spool.size ?? 0) } : {}),
      ...(st.deleted !== undefined ? {
        deleted: { count: st.deleted.count + (spool.deleted?.count ?? 0), size: st.deleted.size + (spool.deleted?.size ?? 0) },
      } : {}),
    };
  }

  /** The spool's counts for STATUS of UW's `~/mbox` INBOX; null when it holds nothing (or cannot be read). */
  private async spoolStatus(spool: string, want?: StatusWanted): Promise<MailboxStatus | null> {
    const st = await lstatOrUndefined(spool).catch(() => undefined);
    if (!st?.isFile() || st.size === 0) return null;
    return this.driver.status(spool, want).catch(() => null);
  }

  /** SELECT/EXAMINE. The caller owns the returned mailbox and must close it. Errors as {@link status}. */
  async open(name: string, readOnly: boolean): Promise<OpenMailbox> {
    const f = await this.mailboxFile(name);
    return this.driver.open(f.path, { readOnly, ...(f.snarf ? { snarf: f.snarf } : {}) });
  }

  /**
   * APPEND/COPY target. A missing INBOX is created; other missing names throw NONEXISTENT (NO [TRYCREATE]). Checked
   * against the quota ({@link withinQuota}) except for a MOVE (`opts.moveFrom`): its messages leave their mailbox in
   * the same step, so it frees what it takes under the configured limit, and a filesystem's quota is the kernel's to
   * enforce (EDQUOT: OVERQUOTA, and nothing moved).
   */
  async append(name: string, msgs: AsyncIterable<AppendMessage>, opts?: AppendOptions): Promise<{ uidValidity: number; uids: number[] }> {
    const { path } = await this.mailboxFile(name);
    return this.driver.append(path, opts?.moveFrom === undefined ? this.withinQuota(name, msgs) : msgs, opts);
  }

  /** RFC 9208 GETQUOTAROOT (MailStore.quotaRoots). */
  async quotaRoots(name: string): Promise<QuotaRoot[]> {
    return (await this.quotas?.roots(this.resolve(name).inbox)) ?? [];
  }

  /** RFC 9208 GETQUOTA (MailStore.quota): a root that INBOX or the home's mailboxes have. */
  async quota(root: string): Promise<QuotaRoot | null> {
    return (await this.quotas?.root(root)) ?? null;
  }

  /** MailStore.withinQuota. */
  withinQuota(name: string, msgs: AsyncIterable<AppendMessage>): AsyncIterable<AppendMessage> {
    return this.quotas === null ? msgs : this.quotas.within(this.resolve(name).inbox, name, msgs);
  }

  /** NOTIFY's watch: each name's file and folder (INBOX's file alone), and the subscription file's folder. */
  watch(names: readonly string[], onChange: () => void): StoreWatch {
    const paths = [dirname(this.subscriptions.file)];
    // UW's ~/mbox INBOX: both files (a delivery changes the spool, a snarf or a session ~/mbox).
    const mbox = this.mboxInbox !== null && existsSync(mboxPath(this.home)) ? [mboxPath(this.home)] : [];
    for (const name of names) {
      const r = this.names.resolveOrNull(name);
      if (r) paths.push(...(r.inbox ? [r.path, ...mbox] : existsSync(r.path) ? [r.path, dirname(r.path)] : [dirname(r.path)]));
    }
    return watchPaths(paths, onChange);
  }

  /**
   * True when both names lead to the same file (device and inode where they exist, so a symlink and its target, or
   * INBOX and a name for the spool file, compare equal). Refused names are never the same as anything.
   */
  sameMailbox(a: string, b: string): boolean {
    const real = (name: string): string | undefined => {
      let path: string;
      try {
        const r = this.resolve(name);
        // INBOX as last looked up (UW's ~/mbox INBOX or the spool): COPY asks with INBOX open, so after the lookup.
        path = r.inbox && this.lastInbox !== null ? this.lastInbox.path : r.path;
      } catch {
        return undefined;
      }
      try {
        const st = statSync(path);
        return `${st.dev}:${st.ino}`; // never starts with '/', so it cannot equal a path below
      } catch {
        return path; // not there (yet): the same name text means the same future file
      }
    };
    const ra = real(a);
    return ra !== undefined && ra === real(b);
  }
}
