/**
 * Env: everything a session takes from the world, so that library code never reaches for process.*, os.* or the
 * wall clock directly and tests are repeatable. Built by bin/ (the only layer that touches process).
 */
import type { Config, ServiceName } from './config.js';
import type { Logger } from './logger.js';
import type { Random } from './random.js';

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

/**
 * What a server session (imapd, ipop3d) takes from the world, built once per connection by bin/ before anything
 * is read from the client: the configuration, syslog, the clock, randomness for challenges, this host's name and
 * the process id. The protocol layers hold this and nothing global. Once a user has logged in, the session derives
 * the mailbox layer's {@link MailEnv} from it with {@link mailEnvFor}.
 */
export interface ServerEnv {
  readonly service: ServiceName;
  readonly config: Config;
  readonly clock: Clock;
  /** syslog (lib/env/syslog.ts) in the daemons; never fds 1 or 2. */
  readonly logger: Logger;
  readonly random: Random;
  /** This host's name: greetings (`* OK [CAPABILITY ...] host IMAP4rev1`), APOP/CRAM-MD5 challenges. */
  readonly hostname: string;
  readonly pid: number;
}

/** The mailbox layer's Env for `username`, sharing `env`'s clock, logger, hostname and pid. */
export function mailEnvFor(env: ServerEnv, username: string): MailEnv {
  return Object.freeze({ clock: env.clock, logger: env.logger, hostname: env.hostname, username, pid: env.pid });
}
