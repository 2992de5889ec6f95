/**
 * Filesystem errors as the store and the mbox driver report them ({@link MailboxError}), and the lstat the store
 * uses to look before it acts.
 */
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { MailboxError } from './driver.js';

/**
 * Maps filesystem errors to {@link MailboxError}, the one errno map of lib/mailbox (the store's namespace operations
 * and the mbox driver's opens, creates, removes and renames); `what` names the mailbox for the message, which is
 * for the log only (lib/imap/errors.ts answers by code). As Dovecot's mail_error_from_errno: a path through a
 * non-directory (ENOTDIR) is a mailbox that does not exist, like ENOENT. Unlike Dovecot, a read-only filesystem
 * (EROFS) is a failure to try again (IO: `NO [UNAVAILABLE]`, and `mailtool append` exits EX_TEMPFAIL so the MTA keeps
 * the mail): a mail filesystem goes read-only when the kernel found errors on it, until an administrator mends and
 * remounts it; bouncing every delivery meanwhile would lose mail that a retry delivers. ENOTEMPTY and EINVAL come only from rmdir(2) and rename(2) here (a directory
 * with mailboxes in it, a mailbox moved into itself): refused, not an I/O failure worth trying again.
 */
export function fsError(e: unknown, what: string): MailboxError {
  if (e instanceof MailboxError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR': return new MailboxError('NONEXISTENT', `no such mailbox: ${what}`, { cause: e });
    case 'EEXIST': return new MailboxError('ALREADYEXISTS', `mailbox already exists: ${what}`, { cause: e });
    case 'EACCES':
    case 'EPERM': return new MailboxError('NOPERM', `permission denied: ${what}`, { cause: e });
    case 'EROFS': return new MailboxError('IO', `read-only file system: ${what}`, { cause: e });
    case 'ENOTEMPTY': return new MailboxError('HASCHILDREN', `mailbox has inferiors: ${what}`, { cause: e });
    case 'EINVAL': return new MailboxError('NOPERM', `cannot move a mailbox into itself: ${what}`, { cause: e });
    case 'EISDIR': return new MailboxError('NOTMAILBOX', `not a selectable mailbox: ${what}`, { cause: e });
    case 'ENOSPC':
    case 'EDQUOT': return new MailboxError('OVERQUOTA', `${what}: no space left (${code})`, { cause: e });
    default: return new MailboxError('IO', `${what}: ${(e as Error).message}`, { cause: e });
  }
}

export function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === code;
}

/** lstat that answers undefined for a missing path (and for a path through a non-directory). */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
    throw e;
  }
}
