/**
 * The small JSON files a user's control directory holds beside the index (special uses, private server
 * annotations): an object read whole, and replaced whole and atomically, so a reader sees the old file or the new
 * one, never part of either.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { fsError, isErrno } from './fs-errors.js';

/** Private to the user, as everything in the control directory. */
const FILE_MODE = 0o600;

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
