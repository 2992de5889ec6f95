/**
 * POP3's exclusive access to a maildrop (RFC 1939 §8: the server should lock the maildrop for the session).
 *
 * The lock is a flock() on a separate small file named after the mailbox's device and inode, not a lock on the
 * mailbox: delivery agents and IMAP sessions lock the mailbox itself for each write, and must not be kept out for a
 * whole POP3 session. Like UW's `/tmp/.<dev>.<ino>` files, the lock files live in a shared sticky directory; one
 * found owned by another user is not used (it could be planted to lock us out), and the session reports it.
 * The kernel drops the flock when the process dies, so a crashed session never leaves its maildrop locked.
 */
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flockOp } from '../lock/fs-ext.js';
import { MailboxError } from './driver.js';

export interface PopLock {
  release(): Promise<void>;
}

/** Takes the POP3 lock for `mailboxPath` at once, or throws MailboxError INUSE (another session has it). */
export async function lockMaildrop(mailboxPath: string, lockDir: string, uid: number): Promise<PopLock> {
  const st = statSync(mailboxPath);
  const path = join(lockDir, `uwimap-ts.${st.dev}.${st.ino}.pop3`);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    const lst = fstatSync(fd);
    if (lst.uid !== uid) throw new MailboxError('IO', `POP3 lock file ${path} belongs to uid ${lst.uid}`);
    try {
      await flockOp(fd, 'exnb');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        throw new MailboxError('INUSE', 'mailbox in use by another POP3 session', { cause: e });
      }
      throw e;
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let held = true;
  return {
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      // Closing drops the flock; the file stays (removing it would race with a session about to lock it).
      closeSync(fd);
    },
  };
}
