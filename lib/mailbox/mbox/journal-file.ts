/**
 * Creating a rewrite journal or an append intent record (rewrite.ts, append-journal.ts): O_EXCL, never through a
 * link, mode 0600. A name already taken is refused, never reused: see rewrite.ts's module comment on where journals
 * live and why a taken name in the shared journal_dir stops the write instead of picking another name.
 */
import { constants, openSync } from 'node:fs';
import { MailboxError } from '../driver.js';

/**
 * The journal's (or an append record's) name is taken in the shared journal_dir by a file we did not make: the
 * write is refused before the mailbox is touched (see the module comment).
 */
export class JournalNameTaken extends MailboxError {
  constructor(path: string) {
    super('INUSE', `${path} exists and is not ours; the mailbox was not changed`);
  }
}

/** openSync(O_CREAT | O_EXCL) of a journal or record, with EEXIST turned into {@link JournalNameTaken}. */
export function createJournalFile(path: string, flags: number): number {
  try {
    return openSync(path, flags | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new JournalNameTaken(path);
    throw e;
  }
}
