/**
 * A typed, promise-returning view of the two calls we use from the `fs-ext` native module (flock(2) and fcntl(2)
 * F_SETLK), which ships no type declarations.
 *
 * Why a wrapper and not an ambient `declare module 'fs-ext'`: an ambient declaration is global to the program, and a
 * second one written elsewhere in the repo would clash with it. Here the untyped module is loaded through
 * createRequire, its shape is checked once at load, and only these narrow functions leave the file.
 *
 * Only the asynchronous entry points are used. fs-ext 2.1.1's `fcntlSync` fails lock commands with EFAULT, and its
 * blocking forms (`flock(fd, 'ex')`, F_SETLKW) would tie up a libuv pool thread, or with the Sync variants the whole
 * event loop, for as long as another process holds the lock. Callers poll the non-blocking forms instead.
 */
import { createRequire } from 'node:module';

/** An errno failure as fs-ext reports it: `code` is the symbolic name ('EAGAIN', 'EACCES', 'EBADF', ...). */
interface ErrnoFailure extends Error {
  readonly code?: string;
}

type NodeCallback = (err: ErrnoFailure | null) => void;

interface FsExtModule {
  flock(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un', callback: NodeCallback): void;
  fcntl(fd: number, cmd: 'setlk', arg: number, callback: NodeCallback): void;
  readonly constants: { readonly F_RDLCK: number; readonly F_WRLCK: number; readonly F_UNLCK: number };
}

function isFsExt(value: unknown): value is FsExtModule {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const c = v['constants'];
  if (typeof v['flock'] !== 'function' || typeof v['fcntl'] !== 'function') return false;
  if (typeof c !== 'object' || c === null) return false;
  const k = c as Record<string, unknown>;
  return typeof k['F_RDLCK'] === 'number' && typeof k['F_WRLCK'] === 'number' && typeof k['F_UNLCK'] === 'number';
}

/**
 * fs-ext could not be loaded: missing, or built for another Node ABI (it is a NAN module, compiled for one
 * NODE_MODULE_VERSION; a new major of Node has another). No errno `code`, so that a lock failure names this reason
 * in full (lib/lock/kernel-lock.ts) rather than Node's ERR_DLOPEN_FAILED alone.
 */
class NativeModuleError extends Error {
  override readonly name = 'NativeModuleError';
}

/**
 * The binding, loaded on first use rather than at import: a server process that never locks a mailbox (a greeting,
 * a failed login) never maps the library. Node's module cache keeps the one loaded instance, so later calls cost a
 * cache look-up and the shape check, and this module keeps no state of its own. Throws NativeModuleError, with
 * Node's reason on one line (a syslog line) and what to do, when fs-ext cannot be loaded.
 */
function loadFsExt(): FsExtModule {
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)('fs-ext');
  } catch (e) {
    // Node's message, on one line, without its advice to run npm (not what an installed program needs).
    const reason = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').replace(/ Please try re-compiling .*/, '')
      .replace(/\.?\s*$/, '');
    throw new NativeModuleError(`fs-ext cannot be loaded: ${reason}. After a Node.js upgrade, run \`make install\` ` +
      'again in the source tree (or `make rebuild`)');
  }
  if (!isFsExt(loaded)) throw new NativeModuleError('fs-ext does not export flock, fcntl and the F_*LCK constants');
  return loaded;
}

/**
 * Why fs-ext cannot be loaded, in one line, or null when it loads (then it stays loaded, and the first lock costs
 * nothing more). For a server's start-up check (bin/build-check.ts): a session that cannot lock should hear so at
 * once, not at its first SELECT.
 */
export function fsExtLoadProblem(): string | null {
  try {
    loadFsExt();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The l_type values for {@link fcntlSetLock}. */
export type FcntlLockType = 'read' | 'write' | 'unlock';

/**
 * fcntl(fd, F_SETLK, {l_type, l_whence=SEEK_SET, l_start=0, l_len=0}): a non-blocking whole-file record lock.
 * Resolves when the call succeeded; rejects with the errno failure otherwise (EAGAIN or EACCES: another process
 * holds a conflicting lock; EBADF: fd closed, or not open for reading/writing as the lock type requires).
 */
export function fcntlSetLock(fd: number, type: FcntlLockType): Promise<void> {
  const fsExt = loadFsExt();
  const arg =
    type === 'read' ? fsExt.constants.F_RDLCK : type === 'write' ? fsExt.constants.F_WRLCK : fsExt.constants.F_UNLCK;
  return new Promise((resolve, reject) => {
    fsExt.fcntl(fd, 'setlk', arg, (err) => (err ? reject(err) : resolve()));
  });
}

/** The flock(2) operations we issue: the non-blocking lock forms and unlock. */
export type FlockOperation = 'shnb' | 'exnb' | 'un';

/**
 * flock(fd, op). Resolves on success; rejects with the errno failure otherwise (EWOULDBLOCK, which Linux spells
 * EAGAIN: another open file description holds a conflicting lock; EBADF: fd closed).
 */
export function flockOp(fd: number, op: FlockOperation): Promise<void> {
  const fsExt = loadFsExt();
  return new Promise((resolve, reject) => {
    fsExt.flock(fd, op, (err) => (err ? reject(err) : resolve()));
  });
}
