/**
 * The dotlocks this process holds, so that none is left behind when the process ends abruptly.
 *
 * A dotlock is a file: unlike fcntl and flock locks, the kernel does not drop it when we die. A leftover
 * `/var/mail/USER.lock` blocks the user's mail delivery until it turns stale (5 minutes for UW and procmail, and for
 * liblockfile users only once our PID is gone). So bin/ creates one registry per process, hands it to the dotlock
 * method, and calls {@link DotlockRegistry.releaseAllSync} from its 'exit' handler, its SIGTERM and SIGHUP handlers
 * and when the client connection is lost.
 *
 * An instance, not module state: tests create as many as they like, and nothing is shared by accident.
 */
import { LockError } from './lock-method.js';

/** One held dotlock, as the dotlock method registers it. */
export interface RegisteredDotlock {
  /** The lock file's path (`MAILBOX.lock`). */
  readonly path: string;
  /** True when the setgid helper created it (and must remove it). */
  readonly viaHelper: boolean;
  /**
   * Removes the lock file if it is still ours (same inode, same content), synchronously, and stops its touch timer.
   * Unregisters itself on success. Throws LockError when removal failed.
   */
  releaseSync(): void;
}

export class DotlockRegistry {
  readonly #held = new Set<RegisteredDotlock>();

  /** Called by the dotlock method when a lock has been taken. */
  add(lock: RegisteredDotlock): void {
    this.#held.add(lock);
  }

  /** Called by a lock's release once its file is gone (or no longer ours). */
  delete(lock: RegisteredDotlock): void {
    this.#held.delete(lock);
  }

  /** A snapshot of the locks held now (path and how each was made), for diagnostics and tests. */
  held(): readonly { readonly path: string; readonly viaHelper: boolean }[] {
    return [...this.#held].map((l) => ({ path: l.path, viaHelper: l.viaHelper }));
  }

  /**
   * Releases every registered lock synchronously: safe to call from process.on('exit') and signal handlers, and
   * more than once. Never throws: the failures (a lock whose file could not be removed) are returned for logging,
   * and those locks stay registered so a later call can try again.
   */
  releaseAllSync(): LockError[] {
    const failures: LockError[] = [];
    for (const lock of [...this.#held]) {
      try {
        lock.releaseSync();
      } catch (err) {
        const message = `releasing ${lock.path}: ${String(err)}`;
        failures.push(err instanceof LockError ? err : new LockError(message, 'dotlock', lock.path));
      }
    }
    return failures;
  }
}
