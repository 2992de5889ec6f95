/**
 * The one retry loop every lock method uses: try a non-blocking attempt, and while the lock is held elsewhere, sleep
 * with a growing back-off until the deadline.
 *
 * Why poll rather than block: a blocking flock()/F_SETLKW would hold a libuv pool thread (four by default, shared
 * with all file I/O) for as long as another process keeps the lock, and cannot be given a deadline. Polling costs a
 * few system calls per second and keeps every wait cancellable by time.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The result of one attempt: the value when the lock was taken, or `busy` when another holder has it. */
export type Attempt<T> = { readonly kind: 'taken'; readonly value: T } | { readonly kind: 'busy' };

export const BUSY: Attempt<never> = Object.freeze({ kind: 'busy' });

export function taken<T>(value: T): Attempt<T> {
  return { kind: 'taken', value };
}

/** Back-off bounds: the first wait and the longest one. Short enough that a lock freed is noticed quickly. */
const FIRST_BACKOFF_MS = 10;
const MAX_BACKOFF_MS = 200;

/**
 * Calls `attempt` until it returns `taken`, and returns its value. The first attempt is always made, even when the
 * deadline has already passed, so a free lock is taken with a zero timeout. Between attempts it sleeps 10 ms,
 * doubling to at most 200 ms, never past `deadline` (ms since the epoch, Date.now()'s clock).
 *
 * Throws what `timeout()` returns once an attempt made at or after the deadline still finds the lock busy, and
 * rethrows anything `attempt` throws (a failure other than contention).
 */
export async function pollUntil<T>(
  attempt: () => Promise<Attempt<T>>,
  deadline: number,
  timeout: () => Error,
): Promise<T> {
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    const result = await attempt();
    if (result.kind === 'taken') return result.value;
    const left = deadline - Date.now();
    if (left <= 0) throw timeout();
    await sleep(Math.min(backoff, left));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}
