/**
 * Env: everything a session takes from the world, so that library code never reaches for process.*, os.* or the
 * wall clock directly and tests are repeatable. Built by bin/ (the only layer that touches process).
 */
import type { Logger } from './logger.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** The local zone's offset from UTC at `time`, in minutes east (+0100 is 60). */
  zoneAt(time: number): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  zoneAt: (time) => -new Date(time).getTimezoneOffset(),
};

/** A clock fixed at one moment in UTC, for tests. */
export function fixedClock(time: number, zone = 0): Clock {
  return { now: () => time, zoneAt: () => zone };
}

export interface MailEnv {
  readonly clock: Clock;
  readonly logger: Logger;
  /** This host's name, for the pseudo-message and the `From ` lines of appended mail. */
  readonly hostname: string;
  /** The login name written in `From ` lines of appended mail (UW writes user@host). */
  readonly username: string;
  readonly pid: number;
}
