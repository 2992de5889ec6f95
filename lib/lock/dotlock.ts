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
 * Stale locks are taken over (removed, then the creation retried at once), and temporary files that killed holders
 * left are swept: dotlock-stale.ts says when. A lock we hold is kept fresh and released by dotlock-held.ts; the
 * files themselves (names, content, exclusive creation) are dotlock-file.ts.
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
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { dotlockPath, lstatLock, readLockContent, temporaryPath, writeNewFile, type Identity } from './dotlock-file.js';
import { HeldDotlock, type HolderConfig } from './dotlock-held.js';
import {
  childProcessRunner,
  DOTLOCKFILE_PATH,
  dotlockfileArgs,
  DotlockfileStatus,
  dotlockfileStatusName,
  type HelperRunner,
} from './dotlock-helper.js';
import type { DotlockHost } from './dotlock-host.js';
import type { DotlockRegistry } from './dotlock-registry.js';
import { inspect, removeDeadTemporaries, removeStale, type StaleRules } from './dotlock-stale.js';
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

interface Config extends StaleRules, HolderConfig {
  readonly form: 'link' | 'excl';
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

/** How many times one attempt may remove a stale lock and retry before it waits like for a held one. */
const STALE_RETRIES = 3;

/**
 * Builds the dotlock method. `acquire(target, mode, deadline)` locks `target.path + '.lock'` (target.fd is not
 * used; mode is ignored: dotlocks are exclusive), polling until `deadline`. Throws LockTimeoutError when the lock
 * stayed held, LockError for a symlink or non-file at the lock path, a permission problem the helper could not
 * solve (or with `helper: null`), or an I/O failure. Once it holds a lock it created itself, it may first sweep
 * killed holders' temporary files from the lock's directory (see dotlock-stale.ts); that never throws.
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
  // The directories this method has swept for killed holders' temporary files (see dotlock-stale.ts): one sweep
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
