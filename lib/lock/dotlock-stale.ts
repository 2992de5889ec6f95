/**
 * Locks others left behind (see dotlock.ts for how locks are made), and the files of holders that were killed.
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
 */
import { promises as fsp } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import {
  lstatLock, MAX_CONTENT, nameSafe, parseLockPid, parseTemporaryName, READ_FLAGS, readContent, readLockContent,
  sameFile,
} from './dotlock-file.js';
import type { DotlockHost } from './dotlock-host.js';
import { errnoCode } from './errno.js';

/** The rules by which a lock is judged stale (dotlock.ts's options). */
export interface StaleRules {
  /** Our PID, liveness of other PIDs, host name, effective uid, clock. */
  readonly host: DotlockHost;
  /** Age (by mtime) after which a lock is stale. */
  readonly staleAfterMs: number;
  /** Take over a lock whose PID is dead on this host, and remove dead holders' temporary files. */
  readonly checkPid: boolean;
}

export type Inspection =
  | { readonly kind: 'gone' }
  | { readonly kind: 'held' }
  /** `deadPid`: stale because it names that dead PID of this host (else: by age). */
  | { readonly kind: 'stale'; readonly st: BigIntStats; readonly deadPid?: number };

/** Decides whether an existing lock is held or stale (see the file comment for the rules). */
export async function inspect(cfg: StaleRules, lockPath: string, mailbox: string): Promise<Inspection> {
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
export async function removeStale(lockPath: string, judged: BigIntStats): Promise<boolean> {
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
      content = await readContent(fh);
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
export async function removeDeadTemporaries(cfg: StaleRules, dir: string): Promise<void> {
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
