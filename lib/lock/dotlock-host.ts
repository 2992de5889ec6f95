/**
 * The little of the running process that dotlocking needs: our PID (written into lock files), whether another PID
 * is alive (stale-lock detection), the host name (temporary file names, Dovecot's `pid:host` locks), our effective
 * uid (whose leftover temporary files we may remove) and the clock (lock age).
 *
 * Library code never reads the global `process` (ARCHITECTURE.md: only bin/ does). bin/ builds a host with
 * {@link dotlockHostFromProcess}, handing in `process`; tests build one by hand to fake deaths and clocks.
 */
import { errnoCode } from './errno.js';

export interface DotlockHost {
  /** Our PID, written into every lock we create. */
  readonly pid: number;
  /**
   * This host's name, as gethostname() gives it: part of our temporary files' names (unique across NFS clients, and
   * telling which host's PID they carry), and compared with the host a Dovecot-style `pid:host` lock names.
   */
  readonly hostname: string;
  /**
   * Whether a process with this PID exists on this host. Must answer true when unsure (e.g. the process exists but
   * belongs to another user), because a false answer lets a live holder's lock be taken over.
   */
  isAlive(pid: number): boolean;
  /**
   * Our effective uid now (asked at each use: bin/ builds the host while still root and drops privileges later), or
   * undefined where it cannot be known; then no leftover temporary file is ever removed.
   */
  euid(): number | undefined;
  /** Milliseconds since the epoch; compared with lock files' mtimes. */
  now(): number;
}

/** The part of Node's `process` object that {@link dotlockHostFromProcess} uses. */
export interface ProcessLike {
  readonly pid: number;
  kill(pid: number, signal?: string | number): true;
  geteuid?: () => number;
}

/**
 * A host backed by the real process: `isAlive` is kill(pid, 0), where ESRCH means gone and anything else (success,
 * or EPERM for another user's process) means alive, as liblockfile's lockfile_check() decides.
 * `hostname` should come from os.hostname() (or the configured Env's hostname); `euid` is geteuid(); the clock is
 * Date.now().
 */
export function dotlockHostFromProcess(proc: ProcessLike, hostname: string): DotlockHost {
  return {
    pid: proc.pid,
    hostname,
    isAlive(pid: number): boolean {
      try {
        proc.kill(pid, 0);
        return true;
      } catch (err) {
        return errnoCode(err) !== 'ESRCH';
      }
    },
    euid: () => proc.geteuid?.(),
    now: () => Date.now(),
  };
}
