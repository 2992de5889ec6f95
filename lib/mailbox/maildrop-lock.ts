/**
 * POP3's exclusive access to a maildrop (RFC 1939 §8: the server should lock the maildrop for the session).
 *
 * The lock is a flock() on a small file in the user's control directory (control-dir.ts: `pop3.<hash of the
 * maildrop's path>`), held on an fd kept open for the whole session: the kernel drops it when the process ends,
 * however it ends (SIGKILL included), so a maildrop is never left locked. It is not a lock on the mailbox itself:
 * delivery agents and IMAP sessions lock the mailbox for each write (our own programs and UW's c-client with
 * flock() among others), and must not be kept out for a whole POP3 session.
 *
 * The file is keyed by the maildrop's name, not its device and inode (a removed maildrop's inode number is given to
 * the next file made, perhaps another user's), and lives in a directory only the user can write: no other user
 * can create, hold or replace it.
 *
 * Without a usable control directory (no home, a read-only one, one refused as unsafe) POP3 sessions are not kept
 * apart: there is no place another user cannot reach to keep the lock in (any name in a shared directory can be
 * taken first), and a session-long flock() on the maildrop would stall every delivery and IMAP write that uses
 * flock() for the length of the session, our own QUIT included. Two sessions on one maildrop are then safe for the
 * mail (the driver merges their changes by UID), but a message may be downloaded by both.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { flockOp } from '../lock/fs-ext.js';
import type { ControlDir } from './control-dir.js';
import { MailboxError } from './driver.js';

export interface PopLock {
  release(): Promise<void>;
}

const noLock: PopLock = { release: async () => {} };

/**
 * Takes the POP3 lock for `mailboxPath` at once, or throws MailboxError INUSE (another session has it). Without a
 * usable control directory, a lock that holds nothing (see the module comment).
 */
export async function lockMaildrop(mailboxPath: string, control: ControlDir, uid: number): Promise<PopLock> {
  const path = control.fileFor('pop3', mailboxPath);
  if (path === null) return noLock;
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
