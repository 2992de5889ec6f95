/**
 * Running the setgid lock helper, Debian's `dotlockfile` (package liblockfile-bin, mode 2755 root:mail), when we may
 * not create `FILE.lock` ourselves: on Debian `/var/mail` is root:mail 2775, so a server that has dropped to the
 * user's uid cannot write there. UW c-client falls back to its `mlock` helper the same way, and liblockfile itself
 * runs `dotlockfile` when creating a mailbox's lock fails with EACCES (lockfile.c, is_maillock()).
 *
 * Spawning goes through a {@link HelperRunner} so tests can script the helper's answers.
 */
import { spawn, spawnSync } from 'node:child_process';

/**
 * Runs a program without a shell, its stdin, stdout and stderr connected to /dev/null (under inetd our fds 0-2 are
 * the client's socket, and nothing but the response sink may write there).
 */
export interface HelperRunner {
  /** Resolves with the exit status. Rejects when the program could not be started, or died from a signal. */
  run(file: string, args: readonly string[]): Promise<number>;
  /** The same, synchronously, for exit and signal handlers that cannot wait for a promise. Throws instead. */
  runSync(file: string, args: readonly string[]): number;
}

/** Debian's path of the helper. */
export const DOTLOCKFILE_PATH = '/usr/bin/dotlockfile';

/**
 * A helper that runs longer than this is killed: with `-r 0` it never sleeps, so only a hung filesystem could hold
 * it, and a lock attempt must not outlive its caller's deadline by much.
 */
const HELPER_TIMEOUT_MS = 10_000;

/**
 * Exit statuses of `dotlockfile -l` (liblockfile's lockfile.h / maillock.h). `-u` exits 0 or 1.
 * MAXTRYS is plain contention: a valid lock is there and `-r 0` allowed no retry.
 */
export const DotlockfileStatus = {
  SUCCESS: 0,
  NAMELEN: 1,
  TMPLOCK: 2,
  TMPWRITE: 3,
  MAXTRYS: 4,
  ERROR: 5,
  MANLOCK: 6,
  ORPHANED: 7,
  RMSTALE: 8,
} as const;

/** The name of a `dotlockfile -l` exit status, for error messages. */
export function dotlockfileStatusName(status: number): string {
  for (const [name, value] of Object.entries(DotlockfileStatus)) if (value === status) return `L_${name}`;
  return `exit status ${status}`;
}

/**
 * The argument vectors we pass. `-p` makes dotlockfile write the PID of its *parent* (getppid(), liblockfile's
 * L_PPID) into the lock, and check a present lock's PID for liveness. Because {@link childProcessRunner} starts the
 * helper directly (no shell in between), that parent is this server process: the lock names us, a crash of ours
 * makes it stale for every liblockfile user at once, and our own release can recognise it by its content. `-q`
 * silences it; `-r 0` makes it try once (plus once more after removing a stale lock) and never sleep: we poll.
 */
export const dotlockfileArgs = {
  lock: (lockPath: string): readonly string[] => ['-l', '-r', '0', '-p', '-q', lockPath],
  unlock: (lockPath: string): readonly string[] => ['-u', '-q', lockPath],
  touch: (lockPath: string): readonly string[] => ['-t', '-q', lockPath],
};

/** The real runner: child_process.spawn / spawnSync, no shell, stdio ignored, an empty environment. */
export const childProcessRunner: HelperRunner = {
  run(file, args) {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { stdio: 'ignore', env: {}, timeout: HELPER_TIMEOUT_MS });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code !== null) resolve(code);
        else reject(new Error(`${file} killed by ${signal ?? 'a signal'}`));
      });
    });
  },
  runSync(file, args) {
    const result = spawnSync(file, args, { stdio: 'ignore', env: {}, timeout: HELPER_TIMEOUT_MS });
    if (result.error) throw result.error;
    if (result.status === null) throw new Error(`${file} killed by ${result.signal ?? 'a signal'}`);
    return result.status;
  },
};
