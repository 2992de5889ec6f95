/**
 * The lock method table and taking several methods in a configured order (Dovecot's `mbox_write_locks`).
 *
 * Why all three for writing: the programs that may touch a Unix mbox at the same time each honour a subset.
 * UW c-client (and its `tmail`/`dmail`) takes dotlock + flock; Dovecot, Postfix `local`, procmail and mutt take
 * dotlock + fcntl; on Linux flock and fcntl locks do not see each other. Holding dotlock, fcntl and flock excludes
 * every one of them. The dotlock goes first because it is the one every program honours and the only one that
 * also serializes sessions inside this process (fcntl locks never conflict within a process).
 */
import { createDotlock, type DotlockOptions } from './dotlock.js';
import { fcntlLock } from './fcntl.js';
import { flockLock } from './flock.js';
import type { LockMethod, LockMethodName, LockMode, LockTarget, ReleaseLock } from './lock-method.js';

/** The default order for writers (see the file comment): every method. */
export const DEFAULT_WRITE_ORDER: readonly LockMethodName[] = Object.freeze(['dotlock', 'fcntl', 'flock']);

/**
 * The default order for readers: the dotlock too, then shared fcntl (what Dovecot's readers take) and shared flock
 * (what UW's take). The dotlock is exclusive, but a reader holds it only while it scans, and it is the one lock a
 * delivery done with `dotlockfile -l; cat >>; dotlockfile -u` honours: without it a reader could index a message
 * half-written (UW's readers dotlock too). Where a reader may not create a dotlock, the locking service goes on
 * without it (see mailbox-locking.ts).
 */
export const DEFAULT_READ_ORDER: readonly LockMethodName[] = Object.freeze(['dotlock', 'fcntl', 'flock']);

export type LockMethodTable = Readonly<Record<LockMethodName, LockMethod>>;

/** Builds the table of all methods; only the dotlock needs options (its host, registry, helper, ...). */
export function createLockMethods(dotlock: DotlockOptions): LockMethodTable {
  return Object.freeze({ dotlock: createDotlock(dotlock), fcntl: fcntlLock, flock: flockLock });
}

/** A configured lock order that names an unknown method, names one twice, or names none. */
export class LockOrderError extends Error {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'LockOrderError';
  }
}

function isMethodName(s: string): s is LockMethodName {
  // The write order names every method.
  return (DEFAULT_WRITE_ORDER as readonly string[]).includes(s);
}

/**
 * Parses a configured order such as `"dotlock,fcntl,flock"` (comma- or blank-separated, case-insensitive; Dovecot
 * writes `mbox_write_locks = dotlock fcntl`). Returns the names in order. Throws {@link LockOrderError} for an
 * unknown name, a repeated name, or an empty list.
 */
export function parseLockOrder(text: string): LockMethodName[] {
  const names = text
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map((s) => s.toLowerCase());
  if (names.length === 0) throw new LockOrderError('empty lock method list', text);
  const seen = new Set<LockMethodName>();
  for (const name of names) {
    if (!isMethodName(name)) {
      throw new LockOrderError(`unknown lock method "${name}" (known: ${DEFAULT_WRITE_ORDER.join(', ')})`, text);
    }
    if (seen.has(name)) throw new LockOrderError(`lock method "${name}" named twice`, text);
    seen.add(name);
  }
  return [...seen];
}

/** The methods of `table` named by `order`, in that order. */
export function selectLockMethods(table: LockMethodTable, order: readonly LockMethodName[]): LockMethod[] {
  return order.map((name) => table[name]);
}

/**
 * Takes each method in order on `target`, all against the same `deadline`. Resolves with a release that releases
 * them in reverse order: every one even if one fails, then it rejects with the first failure, and a second call
 * retries what failed (each method's release is idempotent); after a call that succeeded, calls do nothing.
 *
 * If any acquire fails, the locks already held are released in reverse order and the acquire's error is rethrown
 * (LockTimeoutError or LockError). A failure of one of those clean-up releases is dropped: the caller must act on
 * the acquire's failure, and a dotlock whose removal failed stays in its registry for releaseAllSync.
 */
export async function acquireAll(
  methods: readonly LockMethod[],
  target: LockTarget,
  mode: LockMode,
  deadline: number,
): Promise<ReleaseLock> {
  const held: ReleaseLock[] = [];
  try {
    for (const method of methods) held.push(await method.acquire(target, mode, deadline));
  } catch (err) {
    await releaseReverse(held).catch(() => undefined);
    throw err;
  }
  let released = false;
  return async () => {
    if (released) return;
    await releaseReverse(held);
    released = true;
  };
}

async function releaseReverse(held: readonly ReleaseLock[]): Promise<void> {
  let first: unknown;
  let failed = false;
  for (const release of [...held].reverse()) {
    try {
      await release();
    } catch (err) {
      if (!failed) first = err;
      failed = true;
    }
  }
  if (failed) throw first;
}
