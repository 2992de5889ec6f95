/**
 * {@link MailStore} with UW imapd's naming and file rules (c-client's `mailboxfile()` in env_unix.c, the "dummy"
 * driver's LIST/LSUB/CREATE/DELETE/RENAME in dummy.c, `~/.mailboxlist` from smanager.c), on top of one mailbox
 * driver (mbox).
 *
 * Names (see {@link UwMailStore.resolve}):
 * - `INBOX` in any case is the configured inbox path (the spool file, or `$MAIL`), never a file in the home.
 * - An ordinary name is `<home>/<name>`; `~/name` is the same (as UW).
 * - Refused with NOPERM: empty names, NUL, `{...}` (remote) and `#...` (no namespaces here), an empty, `.` or `..`
 *   segment, and, unless `allowOutsideHome`, absolute names (`/...`), `~user` names and any name whose real path
 *   (symlinks followed, as far as the path exists) leaves the home directory. UW checks `..` only in restricted
 *   modes; here it is refused always, since it never gives anything an absolute name would not. A segment ending in
 *   `.lock` or holding `.lock.` is refused too: `x.lock` is the dotlock of mailbox `x` (a mailbox or directory by
 *   that name would hold `x`'s lock for good: every writer of `x`, UW's included, would time out), and
 *   `x.lock.<host>.<pid>.<hex>` is the form of a dotlock's temporary file, which lockers remove when stale.
 * - `INBOX/x`: UW's mailboxfile() maps it to the plain file `<home>/INBOX/x` (only the exact name INBOX is special).
 *   We resolve it the same way, so mailboxes a user made under UW stay reachable, but refuse to CREATE or RENAME to
 *   such a name: INBOX is listed `\NoInferiors`, and RFC 3501 §7.2.2 says no child can be created under such a name.
 *
 * Deliberate differences from UW, each to follow RFC 3501 or to be safer: renaming INBOX copies its messages into
 * the new mailbox and empties INBOX (RFC 3501 §6.3.5) instead of renaming the spool file; creating INBOX is an
 * error (ALREADYEXISTS); SUBSCRIBE of a name already subscribed and UNSUBSCRIBE of a name not subscribed succeed
 * without change (UW says NO); dot files are hidden from LIST (UW's `hide-dot-files` option, off by default in UW
 * but set at most sites); LIST never returns names with a trailing `/` (UW lists `foo/` for `LIST "" "foo/*"`);
 * a missing INBOX is created on SELECT/EXAMINE/STATUS/APPEND (UW shows an empty dummy mailbox instead).
 */
import { randomBytes } from 'node:crypto';
import { realpathSync, statSync, type Stats } from 'node:fs';
import { lstat, mkdir, readFile, readdir, realpath, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AppendMessage, AppendOptions, MailboxDriver, MailboxStatus, OpenMailbox } from './driver.js';
import { Flag, MailboxError } from './driver.js';
import type { ListEntry, MailStore } from './store.js';

export interface UwMailStoreOptions {
  /** The driver every mailbox file is handed to (the mbox driver). Paths given to it are absolute and checked. */
  readonly driver: MailboxDriver;
  /** The user's home directory: the root of all ordinary names. Should exist (LIST of a missing home is empty). */
  readonly home: string;
  /** The file INBOX names (spool file, or `$MAIL` in PREAUTH mode). It is never subject to the home check. */
  readonly inboxPath: string;
  /** Allow absolute names and `~user/` names (UW's unrestricted mailboxfile()); otherwise they are NOPERM. */
  readonly allowOutsideHome: boolean;
  /** Default `<home>/.mailboxlist` (UW's SUBSCRIPTIONFILE). */
  readonly subscriptionsFile?: string;
  /**
   * Looks up another user's home directory for `~user/...` names (only used with `allowOutsideHome`). When absent,
   * `~user` names are refused. Kept as a callback so this module does not read /etc/passwd itself.
   */
  readonly homeOf?: (user: string) => string | undefined;
  /** How deep LIST descends below the pattern's fixed prefix. Default 20 (UW's list_max_level). */
  readonly listMaxDepth?: number;
  /** How many directory entries one LIST may look at before it stops (and answers what it found). Default 20000. */
  readonly listMaxEntries?: number;
}

/** Longest name accepted, in octets. UW's NETMAXMBX is 256; a little room for long modified UTF-7 names. */
const MAX_NAME_LENGTH = 1024;
/** Wildcards allowed in one LIST/LSUB pattern (UW's MAXWILDCARDS): bounds the matching work. */
const MAX_WILDCARDS = 10;

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Where a name leads. `dir` is true when the name ended with the delimiter (a directory was meant). */
interface Resolved {
  readonly path: string;
  readonly inbox: boolean;
  readonly dir: boolean;
}

/** True for `INBOX` in any case (RFC 3501 §5.1: INBOX is case-insensitive). */
function isInbox(name: string): boolean {
  return name.length === 5 && name.toUpperCase() === 'INBOX';
}

/** True when the first segment is INBOX in any case and more follows (`INBOX/x`). */
function underInbox(name: string): boolean {
  return name.length > 6 && name[5] === '/' && isInbox(name.slice(0, 5));
}

/**
 * RFC 3501 §6.3.8 wildcard matching, as c-client's pmatch_full (`full`) and dmatch (`!full`): `*` matches any
 * characters, `%` any except the delimiter `/`. With `full` false the answer is whether some extension of `s`
 * could match, i.e. whether a LIST must look below the directory `s`. Case-sensitive (INBOX is handled apart).
 * Linear in |s|·|pat| (a DP over suffixes), so hostile patterns cannot make it explode.
 */
export function wildMatch(s: string, pat: string, full: boolean): boolean {
  const n = s.length;
  const m = pat.length;
  // next[j]: does s[i+1..] match pat[j..]; cur[j]: does s[i..] match pat[j..].
  let next = new Uint8Array(m + 1);
  // Row i = n: the empty rest of s matches pat[j..] when only wildcards remain (full) or always (prefix).
  next[m] = 1;
  for (let j = m - 1; j >= 0; j--) {
    const c = pat[j];
    next[j] = full ? (c === '*' || c === '%') && next[j + 1] === 1 ? 1 : 0 : 1;
  }
  for (let i = n - 1; i >= 0; i--) {
    const cur = new Uint8Array(m + 1); // cur[m] = 0: pattern used up, s is not
    const ch = s[i];
    for (let j = m - 1; j >= 0; j--) {
      const c = pat[j];
      if (c === '*') cur[j] = cur[j + 1] === 1 || next[j] === 1 ? 1 : 0;
      else if (c === '%') cur[j] = cur[j + 1] === 1 || (ch !== '/' && next[j] === 1) ? 1 : 0;
      else cur[j] = ch === c && next[j + 1] === 1 ? 1 : 0;
    }
    next = cur;
  }
  return next[0] === 1;
}

/** Maps filesystem errors to {@link MailboxError}; `what` names the mailbox for the message. */
function fsError(e: unknown, what: string): MailboxError {
  if (e instanceof MailboxError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR': return new MailboxError('NONEXISTENT', `no such mailbox: ${what}`, { cause: e });
    case 'EEXIST': return new MailboxError('ALREADYEXISTS', `mailbox already exists: ${what}`, { cause: e });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS': return new MailboxError('NOPERM', `permission denied: ${what}`, { cause: e });
    case 'ENOTEMPTY': return new MailboxError('NOPERM', `mailbox has inferiors: ${what}`, { cause: e });
    case 'EINVAL': return new MailboxError('NOPERM', `cannot move a mailbox into itself: ${what}`, { cause: e });
    case 'EISDIR': return new MailboxError('NOTMAILBOX', `not a selectable mailbox: ${what}`, { cause: e });
    case 'ENOSPC':
    case 'EDQUOT': return new MailboxError('OVERQUOTA', `${what}: no space left (${code})`, { cause: e });
    default: return new MailboxError('IO', `${what}: ${(e as Error).message}`, { cause: e });
  }
}

function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === code;
}

/** lstat that answers undefined for a missing path (and for a path through a non-directory). */
async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
    throw e;
  }
}

/** One LIST answer being built: names seen (no duplicates) and how many directory entries were looked at. */
interface ListWalk {
  readonly pattern: string;
  readonly out: ListEntry[];
  readonly seen: Set<string>;
  entries: number;
}

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
  private readonly allowOutsideHome: boolean;
  private readonly subscriptionsFile: string;
  private readonly homeOf: ((user: string) => string | undefined) | undefined;
  private readonly listMaxDepth: number;
  private readonly listMaxEntries: number;

  constructor(opts: UwMailStoreOptions) {
    this.driver = opts.driver;
    this.home = opts.home.length > 1 ? opts.home.replace(/\/+$/, '') : opts.home;
    this.inboxPath = opts.inboxPath;
    this.allowOutsideHome = opts.allowOutsideHome;
    this.subscriptionsFile = opts.subscriptionsFile ?? join(this.home, '.mailboxlist');
    this.homeOf = opts.homeOf;
    this.listMaxDepth = opts.listMaxDepth ?? 20;
    this.listMaxEntries = opts.listMaxEntries ?? 20000;
  }

  /**
   * The file (or directory) a name refers to, after every rule in the module comment. A single trailing `/` is
   * accepted and reported as `dir` (CREATE makes a directory of it; LIST prefixes end with it). Synchronous
   * because {@link sameMailbox} is. Throws MailboxError NOPERM for every refused name.
   */
  resolve(name: string): Resolved {
    const refuse = (why: string): never => {
      throw new MailboxError('NOPERM', `invalid mailbox name (${why}): ${JSON.stringify(name.slice(0, 100))}`);
    };
    if (name === '') refuse('empty');
    if (name.length > MAX_NAME_LENGTH) refuse('too long');
    if (name.includes('\0')) refuse('NUL');
    if (isInbox(name)) return { path: this.inboxPath, inbox: true, dir: false };
    if (name[0] === '{' || name[0] === '#') refuse('no such namespace');

    let base: string;
    let rest: string;
    let inHome: boolean;
    if (name[0] === '/') {
      if (!this.allowOutsideHome) refuse('absolute');
      base = '/';
      rest = name.slice(1);
      inHome = false;
    } else if (name[0] === '~') {
      const slash = name.indexOf('/');
      const user = slash < 0 ? name.slice(1) : name.slice(1, slash);
      rest = slash < 0 ? '' : name.slice(slash + 1);
      if (user === '') {
        if (slash < 0) refuse('bare ~'); // UW: "~" alone is bad syntax; "~/x" is the ordinary name x
        base = this.home;
        inHome = true;
      } else {
        if (!this.allowOutsideHome) refuse('other user');
        const h = this.homeOf?.(user);
        if (h === undefined) return refuse('no such user');
        base = h;
        inHome = false;
      }
    } else {
      base = this.home;
      rest = name;
      inHome = true;
    }

    const dir = rest.endsWith('/');
    if (dir) rest = rest.slice(0, -1);
    const segments = rest === '' ? [] : rest.split('/');
    for (const s of segments) {
      if (s === '') refuse('empty segment');
      if (s === '.' || s === '..') refuse('dot segment');
      if (s.endsWith('.lock') || s.includes('.lock.')) refuse('the name of a lock file');
    }
    if (segments.length === 0 && !dir && base !== '/') refuse('empty');
    const path = segments.length === 0 ? base : join(base, ...segments);
    if (inHome && !this.allowOutsideHome && !this.insideHome(path)) refuse('leaves the home directory');
    return { path, inbox: false, dir };
  }

  /**
   * True when `path` (under the home by construction) stays there once symlinks are followed: the real path of
   * its longest existing prefix, plus the part that does not exist yet, must be the home or below it.
   */
  private insideHome(path: string): boolean {
    let realHome: string;
    try {
      realHome = realpathSync(this.home);
    } catch {
      realHome = this.home;
    }
    let head = path;
    let tail = '';
    for (;;) {
      try {
        const real = realpathSync(head);
        const full = tail === '' ? real : join(real, tail);
        return full === realHome || full.startsWith(realHome === '/' ? '/' : `${realHome}/`);
      } catch (e) {
        // A dangling symlink is treated like a missing name: O_EXCL creation will refuse to follow it anyway.
        if (!isErrno(e, 'ENOENT') && !isErrno(e, 'ENOTDIR')) return false;
        const up = dirname(head);
        if (up === head) return false;
        tail = tail === '' ? head.slice(up.length + 1) : join(head.slice(up.length + 1), tail);
        head = up;
      }
    }
  }

  /** The same check for a path found by LIST (a symlink in the home): hidden when it points outside. */
  private async listable(path: string): Promise<boolean> {
    if (this.allowOutsideHome) return true;
    try {
      const [real, realHome] = await Promise.all([realpath(path), realpath(this.home)]);
      return real === realHome || real.startsWith(`${realHome}/`);
    } catch {
      return false;
    }
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

  /** CREATE. Throws ALREADYEXISTS (INBOX, or the name exists), NOPERM (refused names, `INBOX/...`, no rights). */
  async create(name: string): Promise<void> {
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
  }

  /**
   * DELETE. INBOX is refused (NOPERM; RFC 3501 §6.3.4); a directory is removed only when empty, dot files
   * included (UW's rmdir; NOPERM "has inferiors" otherwise); a file goes through the driver. Subscriptions are not
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
    if (!(await lstatOrUndefined(this.inboxPath).catch(() => undefined))) return; // UW: INBOX missing, dest made
    let box: OpenMailbox;
    try {
      box = await this.driver.open(this.inboxPath, { readOnly: false });
    } catch (e) {
      await this.driver.remove(target).catch(() => undefined);
      throw e;
    }
    try {
      const count = box.count();
      const moved = new Set<number>();
      if (count > 0) {
        const opened = box;
        async function* messages(): AsyncIterable<AppendMessage> {
          for (let seq = 1; seq <= count; seq++) {
            const m = opened.meta(seq);
            moved.add(m.uid);
            yield { body: opened.message(seq), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
          }
        }
        // INBOX is emptied while the new mailbox still holds its lock: if that fails (a full disk), the copies are
        // taken out again and the new mailbox removed, and INBOX is as it was.
        const emptyInbox = async (): Promise<void> => {
          const seqs: number[] = [];
          for (const uid of moved) {
            const seq = box.seqOf(uid);
            if (seq !== undefined) seqs.push(seq);
          }
          const undo = box.setFlags(seqs, 'add', Flag.Deleted, []);
          try {
            await box.expunge(moved);
          } catch (e) {
            undo();
            throw e;
          }
        };
        try {
          await this.driver.append(target, messages(), { beforeCommit: emptyInbox });
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
    const stored = r.inbox ? 'INBOX' : name; // UW's sm_subscribe canonicalizes INBOX
    if (!r.inbox) {
      try {
        await stat(r.path);
      } catch (e) {
        throw fsError(e, name);
      }
    }
    const lines = await this.readSubscriptions();
    if (lines.includes(stored)) return;
    lines.push(stored);
    await this.writeSubscriptions(lines);
  }

  /**
   * UNSUBSCRIBE. Any name may be removed, valid or not, existing or not (RFC 3501 §6.3.7 lets names outlive their
   * mailboxes, so they must be removable). Removing a name that is not there succeeds.
   */
  async unsubscribe(name: string): Promise<void> {
    const stored = isInbox(name) ? 'INBOX' : name;
    const lines = await this.readSubscriptions();
    const kept = lines.filter((l) => l !== stored);
    if (kept.length !== lines.length) await this.writeSubscriptions(kept);
  }

  /** The subscription file's names in order (one per line, UW's format); none when it does not exist. */
  private async readSubscriptions(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.subscriptionsFile, 'latin1');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw fsError(e, this.subscriptionsFile);
    }
    return text.split('\n').filter((l) => l !== '');
  }

  /** Replaces the subscription file atomically: a temporary file in the same directory, then rename(2). */
  private async writeSubscriptions(lines: readonly string[]): Promise<void> {
    const tmp = `${this.subscriptionsFile}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, lines.map((l) => `${l}\n`).join(''), { encoding: 'latin1', mode: FILE_MODE, flag: 'wx' });
      await rename(tmp, this.subscriptionsFile);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw fsError(e, this.subscriptionsFile);
    }
  }

  /**
   * LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) the way UW's dummy driver answers them:
   * - the pattern replaces the reference when it starts with `/` or `~`, else it is appended to it;
   * - an empty pattern answers the hierarchy root of the reference (`""` for a relative one) with `\Noselect`;
   * - more than {@link MAX_WILDCARDS} wildcards: MailboxError LIMIT;
   * - LIST walks only the directories the pattern can reach below its fixed prefix, at most `listMaxDepth` deep
   *   and `listMaxEntries` entries in all (then it answers what it found), entries sorted by name, dot files
   *   hidden, symlinks leading out of the home hidden. Directories: `\Noselect` and `\HasChildren` or
   *   `\HasNoChildren`; files: `\NoInferiors` and `\Marked` (non-empty and written since last read: mtime > atime,
   *   the rule of shells and biff, which our sessions keep by setting atime on close as UW's unix driver does; UW's
   *   LIST compared atime with ctime in whole seconds, which marks a mailbox just created when the creation crosses
   *   a second) or `\Unmarked`. Files are not opened to check their format (UW does not either: LIST stays cheap).
   *   An entry named INBOX (any case) at the top is not listed (it would alias INBOX); INBOX itself comes last,
   *   `\NoInferiors`, when the pattern matches it case-insensitively;
   * - LSUB answers from the subscription file in its order without looking at the disk (INBOX `\NoInferiors`,
   *   others with no attributes); with a trailing `%`, superiors of subscribed names that match are `\Noselect`.
   */
  async list(reference: string, pattern: string, opts: { subscribedOnly: boolean }): Promise<ListEntry[]> {
    if (pattern === '') {
      const slash = reference.indexOf('/');
      return [{ name: slash < 0 ? '' : reference.slice(0, slash + 1), attributes: ['\\Noselect'] }];
    }
    const test = pattern[0] === '/' || pattern[0] === '~' ? pattern : reference + pattern;
    let wild = 0;
    for (const c of test) if (c === '*' || c === '%') wild++;
    if (wild > MAX_WILDCARDS) throw new MailboxError('LIMIT', 'too many wildcards in LIST/LSUB');
    const inboxMatches = wildMatch('INBOX', test.toUpperCase(), true);
    return opts.subscribedOnly ? this.lsub(test, inboxMatches) : this.listFiles(test, inboxMatches);
  }

  private async lsub(test: string, inboxMatches: boolean): Promise<ListEntry[]> {
    const out: ListEntry[] = [];
    const seen = new Set<string>();
    const add = (name: string, attributes: string[]): void => {
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ name, attributes });
    };
    const showSuperiors = test.endsWith('%');
    for (const s of await this.readSubscriptions()) {
      if (s[0] === '{') continue; // remote names in a shared .mailboxlist (Pine) are not ours
      if (isInbox(s)) {
        if (inboxMatches) add('INBOX', ['\\NoInferiors']);
      } else if (wildMatch(s, test, true)) {
        add(s, []);
      } else if (showSuperiors) {
        for (let t = s.lastIndexOf('/'); t > 0; t = s.lastIndexOf('/', t - 1)) {
          const up = s.slice(0, t);
          if (wildMatch(up, test, true)) add(up, ['\\Noselect']);
        }
      }
    }
    return out;
  }

  private async listFiles(test: string, inboxMatches: boolean): Promise<ListEntry[]> {
    const walk: ListWalk = { pattern: test, out: [], seen: new Set(), entries: 0 };
    // The directory to start from: the fixed part of the pattern up to its last delimiter.
    const firstWild = test.search(/[*%]/);
    const fixed = firstWild < 0 ? test : test.slice(0, firstWild);
    const cut = fixed.lastIndexOf('/');
    const start = cut < 0 ? '' : fixed.slice(0, cut + 1);
    // "~fred%" would list users; UW special-cases it, we answer nothing for it.
    if (!(start === '' && (test[0] === '~' || test[0] === '/'))) {
      let dirPath: string | undefined;
      try {
        dirPath = start === '' ? this.home : this.resolve(start).path;
      } catch {
        dirPath = undefined; // a refused prefix lists nothing (UW: mailboxdir() fails)
      }
      if (dirPath !== undefined) await this.listDir(walk, start, dirPath, 0);
    }
    if (inboxMatches) walk.out.push({ name: 'INBOX', attributes: ['\\NoInferiors'] });
    return walk.out;
  }

  /** UW's dummy_list_work: one directory (`prefix` is its name with the trailing `/`, or "" for the home). */
  private async listDir(walk: ListWalk, prefix: string, dirPath: string, level: number): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(dirPath)).sort();
    } catch {
      return; // UW: "do nothing if can't open directory"
    }
    for (const entry of names) {
      if (walk.entries >= this.listMaxEntries) return;
      walk.entries++;
      if (entry[0] === '.') continue;
      const name = prefix + entry;
      if (name.length > MAX_NAME_LENGTH) continue;
      const asDir = `${name}/`;
      const matches = wildMatch(name, walk.pattern, true);
      const descend = wildMatch(asDir, walk.pattern, false);
      if (!matches && !descend) continue;
      const path = join(dirPath, entry);
      let st: Stats;
      try {
        const l = await lstat(path);
        if (l.isSymbolicLink() && !(await this.listable(path))) continue;
        st = l.isSymbolicLink() ? await stat(path) : l;
      } catch {
        continue;
      }
      const topInbox = prefix === '' && isInbox(entry);
      if (st.isDirectory()) {
        if (matches && !topInbox && !walk.seen.has(name)) {
          walk.seen.add(name);
          const children = await this.hasChildren(path);
          walk.out.push({ name, attributes: ['\\Noselect', children ? '\\HasChildren' : '\\HasNoChildren'] });
        }
        if (descend && level < this.listMaxDepth) await this.listDir(walk, asDir, path, level + 1);
      } else if (st.isFile()) {
        if (matches && !topInbox && !walk.seen.has(name)) {
          walk.seen.add(name);
          const marked = st.size > 0 && st.mtimeMs > st.atimeMs;
          walk.out.push({ name, attributes: ['\\NoInferiors', marked ? '\\Marked' : '\\Unmarked'] });
        }
      }
    }
  }

  /** UW's dummy_listed: a directory has children when it holds anything but dot files. */
  private async hasChildren(path: string): Promise<boolean> {
    try {
      return (await readdir(path)).some((e) => e[0] !== '.');
    } catch {
      return false;
    }
  }

  /** The path of an existing mailbox file for open/status/append; a missing INBOX is created first. */
  private async mailboxFile(name: string): Promise<string> {
    const r = this.resolve(name);
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

  /** STATUS through the driver. NONEXISTENT when missing (INBOX is created), NOTMAILBOX for directories. */
  async status(name: string): Promise<MailboxStatus> {
    return this.driver.status(await this.mailboxFile(name));
  }

  /** SELECT/EXAMINE. The caller owns the returned mailbox and must close it. Errors as {@link status}. */
  async open(name: string, readOnly: boolean): Promise<OpenMailbox> {
    return this.driver.open(await this.mailboxFile(name), { readOnly });
  }

  /** APPEND/COPY target. A missing INBOX is created; other missing names throw NONEXISTENT (NO [TRYCREATE]). */
  async append(name: string, msgs: AsyncIterable<AppendMessage>, opts?: AppendOptions): Promise<{ uidValidity: number; uids: number[] }> {
    return this.driver.append(await this.mailboxFile(name), msgs, opts);
  }

  /**
   * True when both names lead to the same file (device and inode where they exist, so a symlink and its target, or
   * INBOX and a name for the spool file, compare equal). Refused names are never the same as anything.
   */
  sameMailbox(a: string, b: string): boolean {
    const real = (name: string): string | undefined => {
      let path: string;
      try {
        path = this.resolve(name).path;
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
