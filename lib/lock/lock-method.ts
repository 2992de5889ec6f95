/**
 * Mailbox locking: the interface every lock method implements, and the errors they raise.
 *
 * Three conventions guard a Unix mbox, and Linux keeps them apart: a dotlock (`FILE.lock`, honoured by every
 * mail program), fcntl() record locks (Dovecot, Postfix `local`, procmail) and flock() (UW c-client, its `tmail` and
 * `dmail`). flock and fcntl locks do not see each other on Linux, so a writer that must be safe next to all of
 * them takes all three. {@link LockMethod}s are kept in a table and taken in a configured order (see locker.ts).
 */

/** What a lock is taken on: the mailbox path (for dotlocks) and the one open fd of it (for fcntl/flock). */
export interface LockTarget {
  readonly path: string;
  /**
   * The fd every read and write of the mailbox goes through (unused by the dotlock). Closing any fd of the file
   * drops this process's fcntl locks on it, so a release must come before the close (see fcntl.ts).
   */
  readonly fd: number;
}

export type LockMode = 'shared' | 'exclusive';

export type LockMethodName = 'dotlock' | 'fcntl' | 'flock';

/** Releases a lock. Idempotent: a second call does nothing. Never throws for a lock that is already gone. */
export type ReleaseLock = () => Promise<void>;

export interface LockMethod {
  readonly name: LockMethodName;
  /**
   * Takes the lock, polling without ever blocking the event loop, until `deadline` (ms since the epoch, from the
   * same clock as Date.now()). Throws {@link LockTimeoutError} when the deadline passes, {@link LockError} for any
   * other failure (a symlinked lock file, a permission problem no helper could solve).
   */
  acquire(target: LockTarget, mode: LockMode, deadline: number): Promise<ReleaseLock>;
}

/** A lock could not be taken for a reason other than contention. */
export class LockError extends Error {
  constructor(
    message: string,
    readonly method: LockMethodName,
    readonly path: string,
    /**
     * The errno behind the failure when one is known ('ENOSPC' when a dotlock could not be written on a full disk,
     * 'EDQUOT' over quota): lets the mailbox layer tell a temporary failure (OVERQUOTA) from a broken setup.
     */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'LockError';
  }
}

/** Another process held the lock until the deadline passed. Maps to `NO [INUSE]` / `-ERR [IN-USE]`. */
export class LockTimeoutError extends LockError {
  constructor(method: LockMethodName, path: string) {
    super(`timed out waiting for ${method} lock on ${path}`, method, path);
    this.name = 'LockTimeoutError';
  }
}
