/**
 * fcntl() record locks (POSIX advisory locks) on the whole mailbox: the convention of Dovecot, Postfix `local`,
 * procmail and mutt. A shared lock is F_RDLCK, an exclusive one F_WRLCK, both over l_start=0, l_len=0 (the whole
 * file, including bytes appended later).
 *
 * Three properties of these locks shape how the rest of the program must use them:
 * - They belong to the *process*, not the fd: closing ANY fd of the file in this process (even one opened
 *   elsewhere just to stat or copy it) silently drops every fcntl lock the process holds on it. Hence house rule 3:
 *   all mailbox I/O goes through the one locked fd, and nothing else opens the file while it is locked.
 * - Within one process they never conflict: a second acquire on the same file succeeds at once (and converts the
 *   lock type). Two sessions in one process must be serialized by something else (the dotlock does that).
 * - On Linux they are invisible to flock() locks and vice versa (except on NFS, where the kernel emulates flock
 *   with fcntl), which is why a writer takes both; see locker.ts.
 */
import { fcntlSetLock } from './fs-ext.js';
import { kernelLockMethod } from './kernel-lock.js';
import type { LockMethod } from './lock-method.js';

/** F_SETLK reports a conflicting lock with EAGAIN or EACCES (POSIX allows either); EINTR just means try again. */
function isContention(code: string | undefined): boolean {
  return code === 'EAGAIN' || code === 'EACCES' || code === 'EINTR';
}

/**
 * The fcntl lock method. `acquire` polls F_SETLK until `deadline`; `target.fd` must be open for writing to take an
 * exclusive lock and for reading to take a shared one (else LockError with EBADF).
 *
 * The returned release issues F_UNLCK on the same fd, and must be called before that fd is closed: after the close
 * the lock is already gone (see above) and the fd number may name another file whose lock we would drop. A release
 * that finds the fd already closed (EBADF) counts as done; other failures reject with LockError.
 */
export const fcntlLock: LockMethod = kernelLockMethod({
  name: 'fcntl',
  lock: (fd, mode) => fcntlSetLock(fd, mode === 'shared' ? 'read' : 'write'),
  unlock: (fd) => fcntlSetLock(fd, 'unlock'),
  isContention,
  lockCall: 'fcntl(F_SETLK)',
  unlockCall: 'fcntl(F_UNLCK)',
});
