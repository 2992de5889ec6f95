/**
 * What fcntl and flock locking have in common: poll a non-blocking lock call until a deadline (never a blocking call
 * on the event loop), map contention to a retry and anything else to LockError, and release once, counting a
 * closed fd (EBADF) as released. fcntl.ts and flock.ts give the calls and what their errors mean.
 */
import { errnoCode } from './errno.js';
import {
  LockError,
  LockTimeoutError,
  type LockMethod,
  type LockMethodName,
  type LockMode,
  type LockTarget,
  type ReleaseLock,
} from './lock-method.js';
import { BUSY, pollUntil, taken } from './poll.js';

export interface KernelLockCalls {
  readonly name: Extract<LockMethodName, 'fcntl' | 'flock'>;
  /** Tries once, without blocking; rejects with the errno error. */
  lock(fd: number, mode: LockMode): Promise<void>;
  unlock(fd: number): Promise<void>;
  /** True when the errno code means "held by someone else, try again". */
  isContention(code: string | undefined): boolean;
  /** The call's name for messages, e.g. `fcntl(F_SETLK)`. */
  readonly lockCall: string;
  readonly unlockCall: string;
}

export function kernelLockMethod(calls: KernelLockCalls): LockMethod {
  const fail = (call: string, target: LockTarget, err: unknown): LockError =>
    new LockError(`${call} on ${target.path} failed: ${errnoCode(err) ?? String(err)}`, calls.name, target.path);
  return {
    name: calls.name,
    async acquire(target: LockTarget, mode: LockMode, deadline: number): Promise<ReleaseLock> {
      await pollUntil(
        async () => {
          try {
            await calls.lock(target.fd, mode);
            return taken(undefined);
          } catch (err) {
            if (calls.isContention(errnoCode(err))) return BUSY;
            throw fail(calls.lockCall, target, err);
          }
        },
        deadline,
        () => new LockTimeoutError(calls.name, target.path),
      );
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        try {
          await calls.unlock(target.fd);
        } catch (err) {
          if (errnoCode(err) === 'EBADF') return;
          throw fail(calls.unlockCall, target, err);
        }
      };
    },
  };
}
