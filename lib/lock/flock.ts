/**
 * flock() locks on the whole mailbox: the convention of UW c-client (imapd, ipop3d, pine, `tmail`, `dmail`).
 *
 * Unlike fcntl locks, a flock lock belongs to the *open file description*: it survives closing other fds of the same
 * file, is shared by dup()ed and inherited fds, and two separate open()s of one file in the same process DO exclude
 * each other. It is dropped when the last fd of that description closes. On Linux flock and fcntl locks do not see
 * each other (except on NFS, where flock is emulated with fcntl byte-range locks), so a writer takes both.
 */
import { flockOp } from './fs-ext.js';
import { kernelLockMethod } from './kernel-lock.js';
import type { LockMethod } from './lock-method.js';

/** LOCK_NB reports a held lock with EWOULDBLOCK (= EAGAIN on Linux); EINTR just means try again. */
function isContention(code: string | undefined): boolean {
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

/**
 * The flock lock method. `acquire` polls flock(LOCK_SH|LOCK_NB or LOCK_EX|LOCK_NB) until `deadline`. Calling it
 * again on the same fd converts the lock (not atomically: flock may drop the old lock before taking the new one).
 *
 * The returned release issues LOCK_UN on the same fd and must be called before that fd is closed (afterwards the
 * number may belong to another file). A release that finds the fd closed (EBADF) counts as done; other failures
 * reject with LockError.
 */
export const flockLock: LockMethod = kernelLockMethod({
  name: 'flock',
  lock: (fd, mode) => flockOp(fd, mode === 'shared' ? 'shnb' : 'exnb'),
  unlock: (fd) => flockOp(fd, 'un'),
  isContention,
  lockCall: 'flock',
  unlockCall: 'flock(LOCK_UN)',
});
