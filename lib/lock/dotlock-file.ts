/**
 * A dotlock's files on disk (see dotlock.ts for the rules): the lock's path, our temporary files' names, the content
 * (a PID and the host it belongs to), and the calls that create and read them without ever following a symlink.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsc, openSync, promises as fsp, readSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import type { DotlockHost } from './dotlock-host.js';
import { errnoCode } from './errno.js';
import { LockError } from './lock-method.js';

/** The lock file's path for a mailbox: the mailbox path with `.lock` appended. */
export function dotlockPath(mailboxPath: string): string {
  return `${mailboxPath}.lock`;
}

/**
 * The PID of this host that a lock file names, or undefined. The leading decimal digits are read as liblockfile's
 * atoi() does (leading blanks skipped, anything after ignored). Undefined when there are none or they are 0
 * (procmail's `lockfile` writes "0", `dotlockfile` without `-p` "0\n"; UW c-client writes nothing), and when they are
 * followed by `:host` (Dovecot's `pid:host`) naming a host other than `hostname` (compared as Dovecot does, but
 * ignoring case): that is another machine's PID, which says nothing about the processes here.
 */
export function parseLockPid(content: string | undefined, hostname: string): number | undefined {
  if (content === undefined) return undefined;
  const m = /^[ \t\n]*(\d{1,10})(?!\d)(?::([^\s\0]*))?/.exec(content);
  if (!m?.[1]) return undefined;
  if (m[2] !== undefined && m[2].toLowerCase() !== hostname.toLowerCase()) return undefined;
  const pid = Number(m[1]);
  return pid > 0 && pid <= 0x7fffffff ? pid : undefined;
}

/** Which file a lock is: device and inode. */
export interface Identity {
  readonly dev: bigint;
  readonly ino: bigint;
}

export function sameFile(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

const CREATE_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;
/** O_NONBLOCK: a FIFO planted at the lock path must not hang the read. */
export const READ_FLAGS = fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;
const LOCK_FILE_MODE = 0o644;
/** A PID, a colon and the longest host name (255): the rest of a lock's content does not matter to us. */
export const MAX_CONTENT = 300;

/** True for the errno codes of a directory we may not create files in. */
export function isDenied(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM';
}

type WriteResult =
  | { readonly kind: 'created'; readonly identity: Identity }
  | { readonly kind: 'exists' }
  | { readonly kind: 'denied' };

/**
 * Creates `path` exclusively (never through a symlink) and writes `content`. On a failed write the file is removed
 * and LockError thrown, so no empty lock is left that others could only expire by age.
 */
export async function writeNewFile(path: string, content: string, mailbox: string): Promise<WriteResult> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, CREATE_FLAGS, LOCK_FILE_MODE);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return { kind: 'exists' };
    if (isDenied(code)) return { kind: 'denied' };
    throw new LockError(`cannot create ${path}: ${code ?? String(err)}`, 'dotlock', mailbox, code);
  }
  try {
    await fh.writeFile(content, 'latin1');
    const st = await fh.stat({ bigint: true });
    await fh.close();
    return { kind: 'created', identity: { dev: st.dev, ino: st.ino } };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(path).catch(() => undefined);
    const code = errnoCode(err);
    throw new LockError(`cannot write ${path}: ${code ?? String(err)}`, 'dotlock', mailbox, code);
  }
}

/** The beginning of an open lock file (all of it that matters: {@link MAX_CONTENT} bytes). */
export async function readContent(fh: fsp.FileHandle): Promise<string> {
  const buf = Buffer.alloc(MAX_CONTENT);
  const { bytesRead } = await fh.read(buf, 0, MAX_CONTENT, 0);
  return buf.toString('latin1', 0, bytesRead);
}

/** The beginning of the lock file at `path` (never through a symlink), or undefined when it cannot be read. */
export async function readLockContent(path: string): Promise<string | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    return await readContent(fh);
  } catch {
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** {@link readLockContent}, synchronously (a release at exit). */
export function readLockContentSync(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(MAX_CONTENT);
    const n = readSync(fd, buf, 0, MAX_CONTENT, 0);
    return buf.toString('latin1', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A host name made safe for a file name component (no '/', no '.', which separates the parts). */
export function nameSafe(hostname: string): string {
  return hostname.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'localhost';
}

/** Our temporary file's path for the link() form: `MAILBOX.lock.<host>.<pid>.<12 lowercase hex digits>`. */
export function temporaryPath(lockPath: string, host: DotlockHost): string {
  return `${lockPath}.${nameSafe(host.hostname)}.${host.pid}.${randomBytes(6).toString('hex')}`;
}

/**
 * The host part and PID of a directory entry named as {@link temporaryPath} names our temporary files (for any
 * mailbox), or undefined for any other name: exactly three parts after `.lock.`, a PID without leading zeros,
 * exactly 12 lowercase hex digits.
 */
export function parseTemporaryName(name: string): { readonly host: string; readonly pid: number } | undefined {
  const m = /^.+\.lock\.([A-Za-z0-9_-]{1,64})\.([1-9]\d{0,9})\.[0-9a-f]{12}$/.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  return { host: m[1], pid: Number(m[2]) };
}

/** lstat of the lock path; throws LockError for a symlink or anything but a regular file. Undefined if absent. */
export async function lstatLock(lockPath: string, mailbox: string): Promise<BigIntStats | undefined> {
  let st: BigIntStats;
  try {
    st = await fsp.lstat(lockPath, { bigint: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return undefined;
    throw new LockError(`cannot stat ${lockPath}: ${code ?? String(err)}`, 'dotlock', mailbox);
  }
  if (st.isSymbolicLink()) {
    throw new LockError(`${lockPath} is a symbolic link; refusing to follow or remove it`, 'dotlock', mailbox);
  }
  if (!st.isFile()) throw new LockError(`${lockPath} is not a regular file`, 'dotlock', mailbox);
  return st;
}
