/**
 * Dotlocks: the lock is the existence of `MAILBOX.lock` in the mailbox's directory. Every Unix mail program honours
 * them (UW c-client, procmail, Postfix/Exim local delivery, mutt, Dovecot, liblockfile's `dotlockfile`), so this is
 * the one lock method that works across all of them and over NFS.
 *
 * How the lock is made (option `form`):
 * - `'link'` (default, liblockfile's and Dovecot's NFS-safe way): write our PID into a uniquely named temporary file
 *   beside the lock (`MAILBOX.lock.<host>.<pid>.<random>`), link() it to `MAILBOX.lock`, and decide by the temporary
 *   file's link count (2 = we won), because over NFS a link() that succeeded can still report failure when the
 *   server's reply is lost and the request retried. The temporary file is removed at once; one left by a holder
 *   killed before that is removed by a later locker (below).
 * - `'excl'`: open(`MAILBOX.lock`, O_CREAT|O_EXCL|O_NOFOLLOW). Atomic on local file systems and NFSv3+.
 * Both never follow a symlink: a symlink at `MAILBOX.lock` is refused with LockError and left alone (a planted link
 * must not make us create or truncate the file it points to, nor is it ours to remove).
 *
 * Content: our PID in decimal and a newline (`dotlockfile -p` / liblockfile's convention), mode 0644, so that
 * others can tell whether the holder still lives. What the others write (seen with strace, and pinned down with
 * killed holders in test/unit/lock-stale.test.ts): liblockfile's `dotlockfile -p` the same, with its caller's PID,
 * and "0\n" without `-p`; procmail's `lockfile` "0"; UW c-client (Debian's 2007f) nothing at all, an empty file of
 * mode 0666, which it expires by ctime; Dovecot `PID:HOST` (gethostname()), and it believes a PID only with its own
 * host name after it.
 *
 * Stale locks are taken over (removed, then the creation retried at once):
 * - when the lock names, in its leading decimal digits, a PID that no longer exists on this host (option `checkPid`,
 *   default true; turn it off for a spool shared over NFS, since a plain PID does not say which host wrote it). A
 *   PID followed by `:HOST` (Dovecot's form) counts only when HOST is ours (ignoring case): another host's PID is
 *   left to the age rule, whatever runs under that number here;
 * - when its mtime is more than `staleAfterMs` old (default 5 minutes, UW c-client's `locktimeout`; procmail also
 *   expires by age). This applies even to a lock naming a live PID, as in UW, so a holder of a long operation must
 *   keep its lock fresh: ours touch their file every `touchIntervalMs` (default 60 s, liblockfile's interval).
 *   The mtime is used, not the ctime, because touching (utimes) is how holders refresh a lock.
 * Removal re-checks the inode and mtime just before unlink(). A window remains between that check and the unlink
 * in which another taker could replace the stale lock; every dotlock implementation shares it.
 * Locks without a PID (procmail's, UW's, `dotlockfile` without `-p`) can only expire by age: nothing in them says
 * their holder died.
 *
 * Killed holders' temporary files: a holder killed (SIGKILL, a crash) between creating its temporary file and
 * removing it leaves that file, with or without the lock linked to it. Whenever we have created a lock ourselves
 * (not through the helper, whose users may not remove anything there) and `checkPid` is on, we sweep the lock's
 * directory: once per directory for the life of this method object (a process: its first lock there), and again
 * after each takeover of a dead PID's lock. A sweep removes each entry whose name has exactly our form
 * (`*.lock.<host>.<pid>.<12 lowercase hex digits>`, for any mailbox of the directory) with this host's name part and
 * a PID other than ours that is dead, and only if it is a regular file (lstat: never a symlink, never followed)
 * owned by our effective uid holding `<pid>\n` or a beginning of it (empty: killed before its write). Everything
 * else stays: other hosts' and live PIDs' files, another user's (left for that user's own next locker), names that
 * only look alike, and other programs' temporaries (UW's `MAILBOX.lock.<time>.<pid>.<host>`, liblockfile's
 * `.lk<pid><hex><host>`, Dovecot's `.temp.<host>.<pid>.<random>`), whose owners do not sweep them either. With
 * `checkPid` off nothing is swept: host names need not be unique among the clients of a shared spool.
 *
 * Permission (the setgid helper): Debian's spool `/var/mail` is root:mail 2775, so a server running as the user
 * cannot create `/var/mail/USER.lock`. When creating our file fails with EACCES or EPERM we run the helper
 * (option `helper`, default `/usr/bin/dotlockfile`, setgid mail) as `dotlockfile -l -r 0 -p -q MAILBOX.lock`,
 * polling it with our own back-off, and remove the lock with `dotlockfile -u -q MAILBOX.lock`. Its `-p` writes the
 * PID of its parent, which is us (see dotlock-helper.ts), so the lock's content is the same as if we had made it.
 * When dotlockfile lends its group (read from liblockfile 1.17's dotlockfile.c and is_maillock() in lockfile.c,
 * 1.17 being the version in Debian 11 and 12, and confirmed by test/unit/lock-spool.test.ts): it keeps its setgid mail
 * privilege only if ALL of these hold, and otherwise drops to the caller's own gid and fails with L_TMPLOCK (2),
 * which we report as LockError:
 * - the lock path ends in `.lock`;
 * - the mailbox (the lock path without `.lock`) exists, is a regular file (lstat: a symlink does not count) and is
 *   owned by the caller's real uid;
 * - the mailbox's directory is group-owned by the helper's own group (mail) and group-writable.
 * Nothing else: the directory need not be /var/mail, $MAIL is not consulted (only by its `-m`), and since 1.16 the
 * file name need not be the caller's login name (releases up to 1.15, e.g. Debian 10's 1.14, also required
 * `<dir>/<login>.lock`, so there a user can lock only the mailbox named after them). It removes with `-u` under
 * the same rule, without looking at the lock's content; that is why we check the lock is still ours first.
 * The helper judges an existing lock by its own rules (liblockfile's lockfile_check): a live PID keeps it valid
 * however old, a dead PID expires it at once, no PID expires it after 5 minutes; it reads any leading PID as this
 * host's. So we run it only while our own rules find the lock gone or stale: a `PID:otherhost` lock waits for its
 * age, and a lock naming a live PID waits for its holder even when older than 5 minutes. A stale lock the helper
 * cannot remove gives L_RMSTALE (8), reported as LockError.
 *
 * A full disk or an exhausted quota: the lock file is made but our PID cannot be written into it (ENOSPC, EDQUOT;
 * the helper exits L_TMPWRITE). That is a LockError whose `errno` says so (L_TMPWRITE counting as ENOSPC), so that
 * a write is refused as a temporary failure (`NO [OVERQUOTA]`); readers go on without the dotlock, as for any
 * dotlock they cannot make (mailbox-locking.ts).
 *
 * Mode: dotlocks are exclusive only; a 'shared' request takes the exclusive lock.
 *
 * Never left behind: every lock is entered in the {@link DotlockRegistry} from the options until released; bin/
 * calls its releaseAllSync() on exit, SIGTERM, SIGHUP and connection loss. SIGKILL cannot be caught: then the lock
 * stays, naming a dead PID, and the next locker on this host takes it over at once (and sweeps the temporary files).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsc, lstatSync, openSync, promises as fsp, readSync, unlinkSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  childProcessRunner,
  DOTLOCKFILE_PATH,
  dotlockfileArgs,
  DotlockfileStatus,
  dotlockfileStatusName,
  type HelperRunner,
} from './dotlock-helper.js';
import type { DotlockHost } from './dotlock-host.js';
import type { DotlockRegistry, RegisteredDotlock } from './dotlock-registry.js';
import { errnoCode } from './errno.js';
import { LockError, LockTimeoutError, type LockMethod, type LockTarget, type ReleaseLock } from './lock-method.js';
import { BUSY, pollUntil, taken, type Attempt } from './poll.js';

/** UW c-client's default `locktimeout`: a dotlock untouched for 5 minutes is taken as abandoned. */
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** How often a held lock's mtime is refreshed; well inside the 5 minutes after which others take it as stale. */
const DEFAULT_TOUCH_INTERVAL_MS = 60_000;

export interface DotlockOptions {
  /** Our PID, liveness of other PIDs, host name, effective uid, clock. */
  readonly host: DotlockHost;
  /** Where held locks are recorded until released; one per process, owned by bin/. */
  readonly registry: DotlockRegistry;
  /** How the lock file is created: `'link'` (default, NFS-safe) or `'excl'` (O_CREAT|O_EXCL). */
  readonly form?: 'link' | 'excl';
  /** Age (by mtime) after which a lock is stale. Default {@link DEFAULT_STALE_AFTER_MS}. */
  readonly staleAfterMs?: number;
  /**
   * Take over a lock whose PID is dead on this host, and remove dead holders' temporary files. Default true; false
   * for spools shared over NFS.
   */
  readonly checkPid?: boolean;
  /** The setgid helper to fall back to on EACCES/EPERM, or null for none. Default {@link DOTLOCKFILE_PATH}. */
  readonly helper?: string | null;
  /** How the helper is run. Default {@link childProcessRunner}. */
  readonly runner?: HelperRunner;
  /** Refresh held locks' mtime this often (an unref'd timer), or null: never. Default 60 s. */
  readonly touchIntervalMs?: number | null;
}

interface Config {
  readonly host: DotlockHost;
  readonly registry: DotlockRegistry;
  readonly form: 'link' | 'excl';
  readonly staleAfterMs: number;
  readonly checkPid: boolean;
  readonly helper: string | null;
  readonly runner: HelperRunner;
  readonly touchIntervalMs: number | null;
}

/** The lock file's path for a mailbox: the mailbox path with `.lock` appended. */
export function dotlockPath(mailboxPath: string): string {
  return `${mailboxPath}.lock`;
}

/**
 * The PID of this host that a lock file names, or undefined. The leading decimal digits are read as liblockfile's
 * atoi() does (leading blanks skipped, anything after ignored). Undefined when there are none or they are 0
 * (procmail's `lockfile` writes "0", `dotlockfile` without `-p` "0\n"; UW c-client writes nothing), and when they are
 * followed by `:host` (Dovecot's `pid:host`) naming a host other than `hostname` (compared as Dovecot does, but
 * ignoring case): that is another machine's PID, which says nothing about the processes here.
 */
export function parseLockPid(content: string | undefined, hostname: string): number | undefined {
  if (content === undefined) return undefined;
  const m = /^[ \t\n]*(\d{1,10})(?!\d)(?::([^\s\0]*))?/.exec(content);
  if (!m?.[1]) return undefined;
  if (m[2] !== undefined && m[2].toLowerCase() !== hostname.toLowerCase()) return undefined;
  const pid = Number(m[1]);
  return pid > 0 && pid <= 0x7fffffff ? pid : undefined;
}

interface Identity {
  readonly dev: bigint;
  readonly ino: bigint;
}

function sameFile(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

const CREATE_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;
/** O_NONBLOCK: a FIFO planted at the lock path must not hang the read. */
const READ_FLAGS = fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;
const LOCK_FILE_MODE = 0o644;
/** A PID, a colon and the longest host name (255): the rest of a lock's content does not matter to us. */
const MAX_CONTENT = 300;

function isDenied(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM';
}

type WriteResult =
  | { readonly kind: 'created'; readonly identity: Identity }
  | { readonly kind: 'exists' }
  | { readonly kind: 'denied' };

/**
 * Creates `path` exclusively (never through a symlink) and writes `content`. On a failed write the file is removed
 * and LockError thrown, so no empty lock is left that others could only expire by age.
 */
async function writeNewFile(path: string, content: string, mailbox: string): Promise<WriteResult> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, CREATE_FLAGS, LOCK_FILE_MODE);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return { kind: 'exists' };
    if (isDenied(code)) return { kind: 'denied' };
    throw new LockError(`cannot create ${path}: ${code ?? String(err)}`, 'dotlock', mailbox, code);
  }
  try {
    await fh.writeFile(content, 'latin1');
    const st = await fh.stat({ bigint: true });
    await fh.close();
    return { kind: 'created', identity: { dev: st.dev, ino: st.ino } };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(path).catch(() => undefined);
    const code = errnoCode(err);
    throw new LockError(`cannot write ${path}: ${code ?? String(err)}`, 'dotlock', mailbox, code);
  }
}

async function readLockContent(path: string): Promise<string | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(MAX_CONTENT);
    const { bytesRead } = await fh.read(buf, 0, MAX_CONTENT, 0);
    return buf.toString('latin1', 0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function readLockContentSync(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(MAX_CONTENT);
    const n = readSync(fd, buf, 0, MAX_CONTENT, 0);
    return buf.toString('latin1', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A host name made safe for a file name component (no '/', no '.', which separates the parts). */
function nameSafe(hostname: string): string {
  return hostname.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'localhost';
}

/** Our temporary file's path for the link() form: `MAILBOX.lock.<host>.<pid>.<12 lowercase hex digits>`. */
function temporaryPath(lockPath: string, host: DotlockHost): string {
  return `${lockPath}.${nameSafe(host.hostname)}.${host.pid}.${randomBytes(6).toString('hex')}`;
}

/**
 * The host part and PID of a directory entry named as {@link temporaryPath} names our temporary files (for any
 * mailbox), or undefined for any other name: exactly three parts after `.lock.`, a PID without leading zeros,
 * exactly 12 lowercase hex digits.
 */
function parseTemporaryName(name: string): { readonly host: string; readonly pid: number } | undefined {
  const m = /^.+\.lock\.([A-Za-z0-9_-]{1,64})\.([1-9]\d{0,9})\.[0-9a-f]{12}$/.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  return { host: m[1], pid: Number(m[2]) };
}

/**
 * Removes one leftover temporary file of a dead PID, if it is what we would have left: a regular file (never a
 * symlink: lstat, and O_NOFOLLOW on the same inode), owned by `uid`, holding `PID\n` or a beginning of it (a holder
 * killed before its write left it empty). Anything else stays. Never throws.
 */
async function removeTemporary(path: string, pid: number, uid: number): Promise<void> {
  try {
    const st = await fsp.lstat(path, { bigint: true });
    if (!st.isFile() || st.uid !== BigInt(uid) || st.size > BigInt(MAX_CONTENT)) return;
    const fh = await fsp.open(path, READ_FLAGS);
    let content: string;
    try {
      if (!sameFile(await fh.stat({ bigint: true }), st)) return;
      const buf = Buffer.alloc(MAX_CONTENT);
      const { bytesRead } = await fh.read(buf, 0, MAX_CONTENT, 0);
      content = buf.toString('latin1', 0, bytesRead);
    } finally {
      await fh.close();
    }
    if (!`${pid}\n`.startsWith(content)) return;
    await fsp.unlink(path);
  } catch {
    // Gone already (another locker removed it), or not ours to judge: either way, leave it.
  }
}

/**
 * Removes from `dir` the temporary files that holders killed on this host left behind (see the file comment for
 * which). Best effort, never throws: a failure leaves a file where it is.
 */
async function removeDeadTemporaries(cfg: Config, dir: string): Promise<void> {
  const uid = cfg.host.euid();
  if (uid === undefined) return;
  const mine = nameSafe(cfg.host.hostname);
  const found: { path: string; pid: number }[] = [];
  try {
    for await (const entry of await fsp.opendir(dir)) {
      const t = parseTemporaryName(entry.name);
      if (t === undefined || t.host !== mine || t.pid === cfg.host.pid) continue;
      found.push({ path: join(dir, entry.name), pid: t.pid });
    }
  } catch {
    // An unreadable directory: remove what was seen, if anything.
  }
  for (const t of found) if (!cfg.host.isAlive(t.pid)) await removeTemporary(t.path, t.pid, uid);
}

type CreateResult =
  | { readonly kind: 'created'; readonly identity: Identity; readonly content: string }
  | { readonly kind: 'exists' }
  | { readonly kind: 'denied' };

/** One creation attempt in the configured form, by ourselves (no helper). */
async function createDirect(cfg: Config, lockPath: string, mailbox: string): Promise<CreateResult> {
  const content = `${cfg.host.pid}\n`;
  if (cfg.form === 'excl') {
    const r = await writeNewFile(lockPath, content, mailbox);
    return r.kind === 'created' ? { kind: 'created', identity: r.identity, content } : r;
  }
  const tmp = temporaryPath(lockPath, cfg.host);
  const w = await writeNewFile(tmp, content, mailbox);
  // A name collision on the temporary file is astronomically unlikely; treat it like contention and try again.
  if (w.kind !== 'created') return w;
  try {
    let linkCode: string | undefined;
    try {
      await fsp.link(tmp, lockPath);
    } catch (err) {
      linkCode = errnoCode(err) ?? String(err);
    }
    // The link count decides, not link()'s result (lost NFS replies; see the file comment).
    const st = await fsp.lstat(tmp, { bigint: true });
    if (st.nlink === 2n) return { kind: 'created', identity: { dev: st.dev, ino: st.ino }, content };
    if (linkCode === undefined || linkCode === 'EEXIST') return { kind: 'exists' };
    // EPERM here is a file system without hard links: the 'excl' form is the way there. (ENOSPC: no room for the
    // directory entry.)
    throw new LockError(`link(${tmp}, ${lockPath}) failed: ${linkCode}`, 'dotlock', mailbox, linkCode);
  } catch (err) {
    if (err instanceof LockError) throw err;
    const code = errnoCode(err);
    throw new LockError(`cannot create ${lockPath}: ${code ?? String(err)}`, 'dotlock', mailbox, code);
  } finally {
    await fsp.unlink(tmp).catch(() => undefined);
  }
}

type Inspection =
  | { readonly kind: 'gone' }
  | { readonly kind: 'held' }
  /** `deadPid`: stale because it names that dead PID of this host (else: by age). */
  | { readonly kind: 'stale'; readonly st: BigIntStats; readonly deadPid?: number };

/** lstat of the lock path; throws LockError for a symlink or anything but a regular file. Undefined if absent. */
async function lstatLock(lockPath: string, mailbox: string): Promise<BigIntStats | undefined> {
  let st: BigIntStats;
  try {
    st = await fsp.lstat(lockPath, { bigint: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return undefined;
    throw new LockError(`cannot stat ${lockPath}: ${code ?? String(err)}`, 'dotlock', mailbox);
  }
  if (st.isSymbolicLink()) {
    throw new LockError(`${lockPath} is a symbolic link; refusing to follow or remove it`, 'dotlock', mailbox);
  }
  if (!st.isFile()) throw new LockError(`${lockPath} is not a regular file`, 'dotlock', mailbox);
  return st;
}

/** Decides whether an existing lock is held or stale (see the file comment for the rules). */
async function inspect(cfg: Config, lockPath: string, mailbox: string): Promise<Inspection> {
  const st = await lstatLock(lockPath, mailbox);
  if (st === undefined) return { kind: 'gone' };
  if (cfg.checkPid) {
    const pid = parseLockPid(await readLockContent(lockPath), cfg.host.hostname);
    if (pid !== undefined && pid !== cfg.host.pid && !cfg.host.isAlive(pid)) return { kind: 'stale', st, deadPid: pid };
  }
  const ageMs = cfg.host.now() - Number(st.mtimeMs);
  return ageMs > cfg.staleAfterMs ? { kind: 'stale', st } : { kind: 'held' };
}

/**
 * Removes a stale lock if it is still the very file judged stale (same inode and mtime). Returns true when it is
 * gone (removed by us or by someone else) or was replaced (worth looking again at once), false when we may not
 * remove it.
 */
async function removeStale(lockPath: string, judged: BigIntStats): Promise<boolean> {
  let now: BigIntStats;
  try {
    now = await fsp.lstat(lockPath, { bigint: true });
  } catch {
    return true;
  }
  if (!sameFile(now, judged) || now.mtimeNs !== judged.mtimeNs) return true;
  try {
    await fsp.unlink(lockPath);
    return true;
  } catch (err) {
    return errnoCode(err) === 'ENOENT';
  }
}

/**
 * One attempt through the setgid helper. The caller has inspected the lock path first (which refuses a symlink
 * before the helper sees it) and found no lock it must respect.
 */
async function createViaHelper(
  cfg: Config,
  helper: string,
  lockPath: string,
  mailbox: string,
): Promise<Attempt<{ identity: Identity; content: string }>> {
  let status: number;
  try {
    status = await cfg.runner.run(helper, dotlockfileArgs.lock(lockPath));
  } catch (err) {
    throw new LockError(`cannot run ${helper}: ${errnoCode(err) ?? String(err)}`, 'dotlock', mailbox);
  }
  if (status === DotlockfileStatus.MAXTRYS) return BUSY;
  if (status === DotlockfileStatus.TMPLOCK) {
    throw new LockError(
      `${helper} may not create ${lockPath} either (L_TMPLOCK): it lends group mail only when the mailbox is a ` +
        `regular file owned by the calling user, in a directory that is group mail and group-writable`,
      'dotlock',
      mailbox,
    );
  }
  if (status === DotlockfileStatus.TMPWRITE) {
    // liblockfile's L_TMPWRITE: the helper made its temporary file but could not write its PID into it. A file it
    // could create and not fill is a full disk or an exhausted quota (its write(2) error is not passed on).
    throw new LockError(`${helper} could not write ${lockPath} (L_TMPWRITE): no space left?`, 'dotlock', mailbox, 'ENOSPC');
  }
  if (status !== DotlockfileStatus.SUCCESS) {
    throw new LockError(`${helper} failed on ${lockPath}: ${dotlockfileStatusName(status)}`, 'dotlock', mailbox);
  }
  const st = await lstatLock(lockPath, mailbox);
  if (st === undefined) {
    throw new LockError(`${helper} reported ${lockPath} created, but it is absent`, 'dotlock', mailbox);
  }
  const content = (await readLockContent(lockPath)) ?? '';
  return taken({ identity: { dev: st.dev, ino: st.ino }, content });
}

/** A lock we hold: its release (async and sync), its touch timer, its registry entry. */
class HeldDotlock implements RegisteredDotlock {
  #released = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    readonly mailbox: string,
    readonly viaHelper: boolean,
    private readonly identity: Identity,
    private readonly content: string,
    private readonly cfg: Config,
  ) {
    if (cfg.touchIntervalMs !== null) {
      this.#timer = setInterval(() => {
        this.#touch().catch(() => undefined);
      }, cfg.touchIntervalMs);
      this.#timer.unref();
    }
  }

  /** Our lock is the file with our inode AND our content (an inode number can be reused by a successor's lock). */
  #isOurs(st: BigIntStats | undefined, content: string | undefined): boolean {
    if (st === undefined || !sameFile(st, this.identity)) return false;
    return content === undefined || content === this.content;
  }

  async #stillOurs(): Promise<boolean> {
    let st: BigIntStats | undefined;
    try {
      st = await fsp.lstat(this.path, { bigint: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw new LockError(`cannot stat ${this.path}: ${errnoCode(err) ?? String(err)}`, 'dotlock', this.mailbox);
    }
    return this.#isOurs(st, await readLockContent(this.path));
  }

  #stillOursSync(): boolean {
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(this.path, { bigint: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw new LockError(`cannot stat ${this.path}: ${errnoCode(err) ?? String(err)}`, 'dotlock', this.mailbox);
    }
    return this.#isOurs(st, readLockContentSync(this.path));
  }

  /** Refreshes the mtime (lutimes: never through a symlink). The helper's `-t` if we may not (we normally own it). */
  async #touch(): Promise<void> {
    if (this.#released || !(await this.#stillOurs())) return;
    const t = this.cfg.host.now() / 1000;
    try {
      await fsp.lutimes(this.path, t, t);
    } catch (err) {
      if (this.viaHelper && this.cfg.helper !== null && isDenied(errnoCode(err))) {
        await this.cfg.runner.run(this.cfg.helper, dotlockfileArgs.touch(this.path));
      }
    }
  }

  #finish(): void {
    this.#released = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.cfg.registry.delete(this);
  }

  #fail(detail: string): LockError {
    return new LockError(`cannot remove ${this.path}: ${detail}`, 'dotlock', this.mailbox);
  }

  async release(): Promise<void> {
    if (this.#released) return;
    // A lock that is gone or was taken over as stale is not ours to remove: done, quietly (ReleaseLock's contract).
    if (!(await this.#stillOurs())) return this.#finish();
    if (this.viaHelper && this.cfg.helper !== null) {
      let status: number;
      try {
        status = await this.cfg.runner.run(this.cfg.helper, dotlockfileArgs.unlock(this.path));
      } catch (err) {
        throw this.#fail(`${this.cfg.helper}: ${errnoCode(err) ?? String(err)}`);
      }
      if (status !== 0) throw this.#fail(`${this.cfg.helper} -u exited ${status}`);
    } else {
      try {
        await fsp.unlink(this.path);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw this.#fail(errnoCode(err) ?? String(err));
      }
    }
    this.#finish();
  }

  releaseSync(): void {
    if (this.#released) return;
    if (!this.#stillOursSync()) return this.#finish();
    if (this.viaHelper && this.cfg.helper !== null) {
      let status: number;
      try {
        status = this.cfg.runner.runSync(this.cfg.helper, dotlockfileArgs.unlock(this.path));
      } catch (err) {
        throw this.#fail(`${this.cfg.helper}: ${errnoCode(err) ?? String(err)}`);
      }
      if (status !== 0) throw this.#fail(`${this.cfg.helper} -u exited ${status}`);
    } else {
      try {
        unlinkSync(this.path);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw this.#fail(errnoCode(err) ?? String(err));
      }
    }
    this.#finish();
  }
}

/** How many times one attempt may remove a stale lock and retry before it waits like for a held one. */
const STALE_RETRIES = 3;

/**
 * Builds the dotlock method. `acquire(target, mode, deadline)` locks `target.path + '.lock'` (target.fd is not
 * used; mode is ignored: dotlocks are exclusive), polling until `deadline`. Throws LockTimeoutError when the lock
 * stayed held, LockError for a symlink or non-file at the lock path, a permission problem the helper could not
 * solve (or with `helper: null`), or an I/O failure. Once it holds a lock it created itself, it may first sweep
 * killed holders' temporary files from the lock's directory (see the file comment); that never throws.
 *
 * The returned release removes the lock file if it is still ours (same inode and content) and unregisters it; a
 * lock found gone or replaced counts as released. It rejects with LockError if removal failed; the lock then stays
 * in the registry, and calling release again (or releaseAllSync) retries.
 */
export function createDotlock(options: DotlockOptions): LockMethod {
  const cfg: Config = {
    host: options.host,
    registry: options.registry,
    form: options.form ?? 'link',
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    checkPid: options.checkPid ?? true,
    helper: options.helper === undefined ? DOTLOCKFILE_PATH : options.helper,
    runner: options.runner ?? childProcessRunner,
    touchIntervalMs: options.touchIntervalMs === undefined ? DEFAULT_TOUCH_INTERVAL_MS : options.touchIntervalMs,
  };
  // The directories this method has swept for killed holders' temporary files (see the file comment): one sweep
  // each, plus one after each takeover of a dead PID's lock. Bounded by the directories of the mailboxes it locks.
  const swept = new Set<string>();
  return {
    name: 'dotlock',
    async acquire(target: LockTarget, _mode, deadline: number): Promise<ReleaseLock> {
      const mailbox = target.path;
      const lockPath = dotlockPath(mailbox);
      const lockDir = dirname(lockPath);
      // Decided at the first EACCES/EPERM; a directory's permissions do not change during one wait.
      let helper: string | null = null;
      let sweepDue = cfg.checkPid && !swept.has(lockDir);
      const made = await pollUntil(
        async (): Promise<Attempt<{ identity: Identity; content: string; viaHelper: boolean }>> => {
          for (let round = 0; round <= STALE_RETRIES; round++) {
            if (helper !== null) {
              // Our rules first: the helper would take a `pid:otherhost` lock's PID for one of this host's.
              if ((await inspect(cfg, lockPath, mailbox)).kind === 'held') return BUSY;
              const r = await createViaHelper(cfg, helper, lockPath, mailbox);
              return r.kind === 'taken' ? taken({ ...r.value, viaHelper: true }) : BUSY;
            }
            const r = await createDirect(cfg, lockPath, mailbox);
            if (r.kind === 'created') return taken({ identity: r.identity, content: r.content, viaHelper: false });
            if (r.kind === 'denied') {
              if (cfg.helper === null) {
                const message = `permission denied creating ${lockPath} (no helper configured)`;
                throw new LockError(message, 'dotlock', mailbox);
              }
              helper = cfg.helper;
              continue;
            }
            const state = await inspect(cfg, lockPath, mailbox);
            if (state.kind === 'held') return BUSY;
            if (state.kind === 'stale') {
              if (!(await removeStale(lockPath, state.st))) return BUSY;
              // A holder killed after its link() also left its temporary file: the lock's other name.
              if (state.deadPid !== undefined) sweepDue = true;
            }
          }
          return BUSY;
        },
        deadline,
        () => new LockTimeoutError('dotlock', mailbox),
      );
      const held = new HeldDotlock(lockPath, mailbox, made.viaHelper, made.identity, made.content, cfg);
      cfg.registry.add(held);
      // Only where we created the lock ourselves: the helper's users may not remove anything in its directory.
      if (sweepDue && !made.viaHelper) {
        swept.add(lockDir);
        await removeDeadTemporaries(cfg, lockDir);
      }
      return () => held.release();
    },
  };
}
