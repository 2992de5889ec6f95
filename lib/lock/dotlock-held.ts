/**
 * A dotlock we hold (see dotlock.ts for how it was taken): its mtime kept fresh so that others do not take it for
 * stale, its entry in the registry, and its release, which removes the lock file only while it is still ours (the
 * same inode and content: a lock taken over as stale and made again by another holder is theirs). The release comes
 * twice, async for sessions and sync for bin/'s exit handlers.
 */
import { lstatSync, promises as fsp, unlinkSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { dotlockfileArgs, type HelperRunner } from './dotlock-helper.js';
import { isDenied, readLockContent, readLockContentSync, sameFile, type Identity } from './dotlock-file.js';
import type { DotlockHost } from './dotlock-host.js';
import type { DotlockRegistry, RegisteredDotlock } from './dotlock-registry.js';
import { errnoCode } from './errno.js';
import { LockError } from './lock-method.js';

/** What a held lock needs of dotlock.ts's options. */
export interface HolderConfig {
  readonly host: DotlockHost;
  readonly registry: DotlockRegistry;
  /** The setgid helper a lock made through it is touched and removed with, or null. */
  readonly helper: string | null;
  readonly runner: HelperRunner;
  /** Refresh the mtime this often, or null: never. */
  readonly touchIntervalMs: number | null;
}

/** A lock we hold: its release (async and sync), its touch timer, its registry entry. */
export class HeldDotlock implements RegisteredDotlock {
  #released = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    readonly mailbox: string,
    readonly viaHelper: boolean,
    private readonly identity: Identity,
    private readonly content: string,
    private readonly cfg: HolderConfig,
  ) {
    if (cfg.touchIntervalMs !== null) {
      this.#timer = setInterval(() => {
        this.#touch().catch(() => undefined);
      }, cfg.touchIntervalMs);
      this.#timer.unref();
    }
  }

  /** Our lock is the file with our inode AND our content (an inode number can be reused by a successor's lock). */
  #isOurs(st: BigIntStats | undefined, content: string | undefined): boolean {
    if (st === undefined || !sameFile(st, this.identity)) return false;
    return content === undefined || content === this.content;
  }

  async #stillOurs(): Promise<boolean> {
    let st: BigIntStats | undefined;
    try {
      st = await fsp.lstat(this.path, { bigint: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw new LockError(`cannot stat ${this.path}: ${errnoCode(err) ?? String(err)}`, 'dotlock', this.mailbox);
    }
    return this.#isOurs(st, await readLockContent(this.path));
  }

  #stillOursSync(): boolean {
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(this.path, { bigint: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw new LockError(`cannot stat ${this.path}: ${errnoCode(err) ?? String(err)}`, 'dotlock', this.mailbox);
    }
    return this.#isOurs(st, readLockContentSync(this.path));
  }

  /** Refreshes the mtime (lutimes: never through a symlink). The helper's `-t` if we may not (we normally own it). */
  async #touch(): Promise<void> {
    if (this.#released || !(await this.#stillOurs())) return;
    const t = this.cfg.host.now() / 1000;
    try {
      await fsp.lutimes(this.path, t, t);
    } catch (err) {
      if (this.viaHelper && this.cfg.helper !== null && isDenied(errnoCode(err))) {
        await this.cfg.runner.run(this.cfg.helper, dotlockfileArgs.touch(this.path));
      }
    }
  }

  #finish(): void {
    this.#released = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.cfg.registry.delete(this);
  }

  #fail(detail: string): LockError {
    return new LockError(`cannot remove ${this.path}: ${detail}`, 'dotlock', this.mailbox);
  }

  async release(): Promise<void> {
    if (this.#released) return;
    // A lock that is gone or was taken over as stale is not ours to remove: done, quietly (ReleaseLock's contract).
    if (!(await this.#stillOurs())) return this.#finish();
    if (this.viaHelper && this.cfg.helper !== null) {
      let status: number;
      try {
        status = await this.cfg.runner.run(this.cfg.helper, dotlockfileArgs.unlock(this.path));
      } catch (err) {
        throw this.#fail(`${this.cfg.helper}: ${errnoCode(err) ?? String(err)}`);
      }
      if (status !== 0) throw this.#fail(`${this.cfg.helper} -u exited ${status}`);
    } else {
      try {
        await fsp.unlink(this.path);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw this.#fail(errnoCode(err) ?? String(err));
      }
    }
    this.#finish();
  }

  releaseSync(): void {
    if (this.#released) return;
    if (!this.#stillOursSync()) return this.#finish();
    if (this.viaHelper && this.cfg.helper !== null) {
      let status: number;
      try {
        status = this.cfg.runner.runSync(this.cfg.helper, dotlockfileArgs.unlock(this.path));
      } catch (err) {
        throw this.#fail(`${this.cfg.helper}: ${errnoCode(err) ?? String(err)}`);
      }
      if (status !== 0) throw this.#fail(`${this.cfg.helper} -u exited ${status}`);
    } else {
      try {
        unlinkSync(this.path);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw this.#fail(errnoCode(err) ?? String(err));
      }
    }
    this.#finish();
  }
}
