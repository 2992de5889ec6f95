/**
 * The mailbox locking service a mailbox driver is given: one call that takes the configured methods in order, for
 * reading or writing, with the configured timeout. This is what bin/ builds and hands to the mbox driver (whose
 * `MailboxLocking` port it satisfies structurally: lib/lock sits below lib/mailbox and cannot import it).
 */
import type { Clock } from '../env/env.js';
import { nullLogger, type Logger } from '../env/logger.js';
import type { DotlockOptions } from './dotlock.js';
import type { DotlockHost } from './dotlock-host.js';
import type { DotlockRegistry } from './dotlock-registry.js';
import {
  LockError,
  LockTimeoutError,
  type LockMethodName,
  type LockMode,
  type LockTarget,
  type ReleaseLock,
} from './lock-method.js';
import { acquireAll, createLockMethods, DEFAULT_READ_ORDER, DEFAULT_WRITE_ORDER, selectLockMethods } from './locker.js';

/** Takes a mailbox's locks for reading ('shared') or writing ('exclusive'). */
export interface MailboxLocking {
  /**
   * Takes every method of the mode's order on `target`, waiting at most the configured timeout. Resolves with a
   * release (reverse order, idempotent). Throws LockTimeoutError (maps to `NO [INUSE]` / `-ERR [IN-USE]`) or
   * LockError; nothing stays held after a throw.
   */
  acquire(target: LockTarget, mode: LockMode): Promise<ReleaseLock>;
}

export interface MailboxLockingOptions {
  /** The process's dotlock registry (bin/ releases it on exit and signals). */
  readonly registry: DotlockRegistry;
  readonly host: DotlockHost;
  /** How long one acquire may wait for other holders, in ms. */
  readonly timeoutMs: number;
  /** Methods for 'exclusive', in order. Default dotlock, fcntl, flock (see locker.ts); parseLockOrder reads config. */
  readonly writeOrder?: readonly LockMethodName[];
  /** Methods for 'shared', in order. Default dotlock, fcntl, flock (a dotlock that cannot be made is skipped). */
  readonly readOrder?: readonly LockMethodName[];
  /** The dotlock's other options (form, stale age, helper, ...); see dotlock.ts for their defaults. */
  readonly dotlock?: Omit<DotlockOptions, 'host' | 'registry'>;
  /** Where timeouts and lock failures are noted. Default: nowhere. */
  readonly logger?: Logger;
  /**
   * Gives the deadline (now + timeoutMs). Must be the wall clock, Date.now()'s, as LockMethod.acquire requires;
   * default Date.now().
   */
  readonly clock?: Pick<Clock, 'now'>;
}

/** Builds the service. The method table is built once; the returned object holds no state between acquires. */
export function createMailboxLocking(options: MailboxLockingOptions): MailboxLocking {
  const table = createLockMethods({ ...options.dotlock, host: options.host, registry: options.registry });
  const write = selectLockMethods(table, options.writeOrder ?? DEFAULT_WRITE_ORDER);
  const read = selectLockMethods(table, options.readOrder ?? DEFAULT_READ_ORDER);
  const readWithoutDotlock = read.filter((m) => m.name !== 'dotlock');
  const logger = options.logger ?? nullLogger;
  const clock = options.clock;
  const now = clock ? () => clock.now() : () => Date.now();
  return {
    async acquire(target, mode) {
      const deadline = now() + options.timeoutMs;
      try {
        try {
          return await acquireAll(mode === 'exclusive' ? write : read, target, mode, deadline);
        } catch (err) {
          // A reader that may not create the dotlock (a folder in a directory it cannot write, no helper) still
          // reads under the kernel locks, as UW goes on with "Mailbox vulnerable". Writers never do.
          if (mode === 'shared' && err instanceof LockError && !(err instanceof LockTimeoutError) &&
              err.method === 'dotlock' && readWithoutDotlock.length !== read.length) {
            logger.log('warning', `reading ${target.path} without a dotlock: ${err.message}`);
            return await acquireAll(readWithoutDotlock, target, mode, deadline);
          }
          throw err;
        }
      } catch (err) {
        const what = err instanceof LockTimeoutError ? 'timed out' : 'failed';
        const level = err instanceof LockTimeoutError ? 'notice' : 'err';
        logger.log(level, `${mode} lock on ${target.path} ${what}: ${String(err)}`);
        throw err;
      }
    },
  };
}
