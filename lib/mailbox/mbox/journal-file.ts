/**
 * Creating a rewrite journal or an append intent record (rewrite.ts, append-journal.ts): O_EXCL, never through a
 * link, mode 0600. A name already taken is refused, never reused: see rewrite.ts's module comment on where journals
 * live and why a taken name in the shared journal_dir stops the write instead of picking another name.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
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

/**
 * Whether `path` is a plain file (not a link) owned by `uid`, the mailbox's owner: only such a journal or append
 * record is ours. One another user planted in the shared journal_dir (or a link) is neither opened nor acted on,
 * and cannot stop the mailbox from opening. Looked at before any open: a planted file may not even be readable.
 */
export function ownedJournal(path: string, uid: number): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && st.uid === uid;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/** An existing journal or record opened read-write when {@link ownedJournal} (checked again on the fd); else null. */
export function openOwnedJournal(path: string, uid: number): number | null {
  if (!ownedJournal(path, uid)) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const st = fstatSync(fd);
  if (st.isFile() && st.uid === uid) return fd;
  closeSync(fd);
  return null;
}

/**
 * The checksum of a record's text (append records, move records): FNV-1a, 32 bits, in hex. It detects a record torn
 * by a power failure, not an adversary (a record is trusted only when its owner is the mailbox's: ownedJournal).
 */
export function recordChecksum(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
