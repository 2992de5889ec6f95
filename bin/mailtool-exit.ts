/**
 * mailtool's exit statuses: sysexits.h's codes, which mail transfer agents act on (a delivery) and scripts can tell
 * apart (the rest), and the errors that carry one.
 */
import { MailboxError } from '../lib/mailbox/driver.js';

export const EX_OK = 0;
/** `check` found problems in the mailbox (and reported them on stderr). */
export const EX_PROBLEMS = 1;
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_NOINPUT = 66;
export const EX_NOUSER = 67;
export const EX_SOFTWARE = 70;
export const EX_CANTCREAT = 73;
export const EX_TEMPFAIL = 75;
export const EX_NOPERM = 77;

/** A failure the command says on stderr as it is, and exits with `code`. */
export class ToolError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
    this.name = 'ToolError';
  }
}

/** A bad command line: said with a pointer to --help, exit 64. */
export function usage(message: string): ToolError {
  return new ToolError(message, EX_USAGE);
}

/**
 * What a command's (first) mailbox is to it: `read` (it must exist: check, status, delete, rename, the source of a
 * copy) or `write` (it is made when missing: append, create).
 */
export type MailboxRole = 'read' | 'write';

/**
 * The exit status of a failure. For a delivery (`append`) only EX_TEMPFAIL keeps the mail queued for another try,
 * every other code bounces it (Postfix's local and pipe, Exim, procmail). So everything that passes is 75: a full
 * disk or quota (OVERQUOTA), a lock held too long (INUSE), I/O errors, a mailbox changed under us, and anything
 * unexpected when `unexpected` says so (a bug must not bounce mail). What retrying cannot mend is said at once:
 * - a mailbox that is missing: 66 (EX_NOINPUT) to read; 73 (EX_CANTCREAT) to write into (its directory is missing);
 * - a name that exists already, a directory that is not empty: 73 (EX_CANTCREAT);
 * - a file that is not a mailbox: 65 (EX_DATAERR) to read, 73 to write into;
 * - permission (NOPERM, READONLY, a name refused): 77 (EX_NOPERM);
 * - a message or flag that cannot be stored (an empty message, a header over 1 MB, too many keywords): 65.
 * (67, EX_NOUSER, is for `-u` naming no account: a path names no recipient.)
 */
export function exitFor(e: unknown, role: MailboxRole, unexpected = EX_SOFTWARE): number {
  if (e instanceof ToolError) return e.code;
  if (!(e instanceof MailboxError)) return unexpected;
  switch (e.code) {
    case 'NONEXISTENT':
      return role === 'read' ? EX_NOINPUT : EX_CANTCREAT;
    case 'NOTMAILBOX':
      return role === 'read' ? EX_DATAERR : EX_CANTCREAT;
    case 'ALREADYEXISTS':
    case 'HASCHILDREN':
      return EX_CANTCREAT;
    case 'NOPERM':
    case 'READONLY':
      return EX_NOPERM;
    case 'LIMIT':
    case 'USEATTR':
      return EX_DATAERR;
    case 'OVERQUOTA':
    case 'INUSE':
    case 'CORRUPT':
    case 'EXPUNGED':
    case 'IO':
      return EX_TEMPFAIL;
  }
}
