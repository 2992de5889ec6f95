/**
 * The small JSON files a user's control directory holds beside the index (special uses, private server
 * annotations): an object read whole, and replaced whole and atomically, so a reader sees the old file or the new
 * one, never part of either; a change (read, edit, replace) is made under a lock ({@link underFileLock}), so two
 * sessions changing the file at the same instant both keep their change.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { lockWithin } from './control-dir.js';
import { MailboxError } from './driver.js';
import { fsError, isErrno } from './fs-errors.js';

/** Private to the user, as everything in the control directory. */
const FILE_MODE = 0o600;
/** How long a change waits for another session's change of the same file (each takes milliseconds). */
const LOCK_WAIT_MS = 5000;

/**
 * The object `file` holds; null when there is no file, or it is damaged or not an object (its owner then starts
 * from nothing, and its next change writes a good file). Other failures throw MailboxError (`what` names the file).
 */
export async function readJsonObject(file: string, what: string): Promise<object | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw fsError(e, what);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null ? parsed : null;
}

/** Replaces `file` with `value` as JSON: a temporary file in the same directory, then rename(2). */
export async function replaceJsonObject(file: string, value: object, what: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value)}\n`, { encoding: 'utf8', mode: FILE_MODE, flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw fsError(e, what);
  }
}

/**
 * Runs `work` (a read, an edit and {@link replaceJsonObject} of `file`) holding flock(2) on `<file>.lock`, a file of
 * its own beside it (the JSON file is replaced by rename, so a lock on it would be on a file already gone). The lock
 * file is made private to the user and kept; a symbolic link there is refused. Throws MailboxError INUSE when another
 * session holds the lock past LOCK_WAIT_MS.
 */
export async function underFileLock<T>(file: string, what: string, work: () => Promise<T>): Promise<T> {
  let handle;
  try {
    handle = await open(`${file}.lock`, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, FILE_MODE);
  } catch (e) {
    throw fsError(e, what);
  }
  try {
    try {
      await lockWithin(handle.fd, LOCK_WAIT_MS);
    } catch (e) {
      if (isErrno(e, 'EAGAIN') || isErrno(e, 'EWOULDBLOCK')) {
        throw new MailboxError('INUSE', `${what}: locked by another session`, { cause: e });
      }
      throw fsError(e, what);
    }
    return await work();
  } finally {
    // Closing the only descriptor releases the lock.
    await handle.close();
  }
}
