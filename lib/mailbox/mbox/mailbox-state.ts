/**
 * The state of one open mbox, shared by the modules that each hold one idea of it (read-path.ts, flags.ts,
 * reconcile.ts, write-back.ts, mailbox-save.ts; open-mailbox.ts composes them into MboxMailbox), and what all of
 * them use: the read-ahead window, the keyword table, the lookup by UID, and the locks.
 *
 * An open mailbox keeps one fd on the file and a compact index (message-index.ts). Every read of the file for
 * indexing happens under the read locks, every write under the write locks (lock methods come from the
 * {@link MailboxLocking} given; see lib/lock), and all I/O goes through that one fd: closing any other fd of the
 * file would drop our fcntl locks.
 */
import { closeSync, constants, fstatSync, openSync, type BigIntStats } from 'node:fs';
import type { Logger } from '../../env/logger.js';
import { MailboxError } from '../driver.js';
import { type ControlDir, lockWithin, numberIn, readSmallFile, rewriteInPlace } from '../control-dir.js';
import type { LockMode, LockTarget, ReleaseLock } from '../../lock/lock-method.js';
import { LockError, LockTimeoutError } from '../../lock/lock-method.js';
import { readAt } from './byte-source.js';
import { MessageIndex } from './message-index.js';
import { ownedJournal } from './journal-file.js';
import { appendRecordPath } from './append-journal.js';
import { moveRecordPath } from './move-record.js';
import { type MboxEnv, recoverLocked } from './save.js';
import { journalDirs, journalPath, type RewriteOptions } from './rewrite.js';
import { FlagDeltas } from './flag-deltas.js';
import type { LogPlace } from './index-log.js';
import { ExpungeMemory } from './expunge-memory.js';

/** How the driver takes a mailbox's locks. lib/lock provides the real one (dotlock + fcntl + flock). */
export interface MailboxLocking {
  /** Takes the locks for reading ('shared') or writing ('exclusive'); throws LockTimeoutError / LockError. */
  acquire(target: LockTarget, mode: LockMode): Promise<ReleaseLock>;
}

/** Keywords a mailbox can hold (a 32-bit mask per message; UW allows 30). */
export const MAX_KEYWORDS = 32;
/**
 * Bytes read per step when serving or counting a body. Small enough that a 200 MB RETR keeps peak memory within a
 * few MB (each step's buffers are garbage at once), large enough that syscalls do not dominate.
 */
export const SERVE_STEP = 64 * 1024;
/**
 * Small reads (headers, the bodies of ordinary messages) are served from one read-ahead window of this size: a
 * FETCH over a range of messages then reads the file in a few large sequential reads instead of one system call
 * per header and body.
 */
const READ_WINDOW = 256 * 1024;
/** How often one read follows a file that keeps changing under it before it gives up and reports the change. */
export const MAX_RESYNCS = 8;
/**
 * How long a session waits for another that is numbering a change it found ({@link MailboxState.numbering}): a scan
 * of a large mailbox and the index saved after it. Past it the session numbers what it finds itself.
 */
const NUMBERING_WAIT_MS = 30_000;

export interface Snapshot {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

export function snapshotOf(st: BigIntStats): Snapshot {
  return { size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/** Whether a journal or record of ours (see ownedJournal) names the file `st` in any of `dirs`. */
export function pendingIn(dirs: readonly string[], st: { dev: number | bigint; ino: number | bigint; uid: number }): boolean {
  return dirs.some((d) => ownedJournal(appendRecordPath(d, st.dev, st.ino), st.uid) ||
    ownedJournal(journalPath(d, st.dev, st.ino), st.uid) || ownedJournal(moveRecordPath(d, st.dev, st.ino), st.uid));
}

export async function lockOrThrow(locking: MailboxLocking, target: LockTarget, mode: LockMode): Promise<ReleaseLock> {
  try {
    return await locking.acquire(target, mode);
  } catch (e) {
    if (e instanceof LockTimeoutError) throw new MailboxError('INUSE', `mailbox is locked: ${target.path}`, { cause: e });
    if (e instanceof LockError) {
      // A dotlock that could not be written on a full disk (dotlockfile's L_TMPWRITE included): temporary.
      const full = e.errno === 'ENOSPC' || e.errno === 'EDQUOT';
      throw new MailboxError(full ? 'OVERQUOTA' : 'IO', `cannot lock ${target.path}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

export interface BoxOptions {
  journalDir: string;
  legacyJournalDir?: string;
  fsync: boolean;
  stepSync: boolean;
  window: number;
  /** Count every body's served size while the open holds its lock (see OpenMailbox's `open`). */
  sizes: boolean;
  control: ControlDir | null;
}

/** One open mailbox's state. Its fields belong to the modules of this folder, which keep them consistent. */
export class MailboxState {
  fd = -1;
  /** The read-ahead window ({@link READ_WINDOW}) and its file offset; dropped whenever the file may have changed. */
  win: Buffer | null = null;
  winPos = 0;
  /** The window as it was when a `moved` check last found the file unchanged (see `trusted`; both in read-path.ts). */
  checkedWin: Buffer | null = null;
  snap: Snapshot | null = null;
  idx = new MessageIndex();
  base: { uidValidity: number; uidLast: number; keywords: string[] } = { uidValidity: 0, uidLast: 0, keywords: [] };
  pseudo: { start: number; end: number } | null = null;
  baseDirty = false;
  /** Rows the client knows about: [0, reported). */
  reported = 0;
  flagChanged = new Set<number>();
  /** The first full scan was made (`rescan` with `initial`, reconcile.ts). */
  indexed = false;
  /** The highest UID whose \Recent this object has settled with other sessions (`settleRecent`, reconcile.ts). */
  settledRecent = 0;
  /** This session's flag changes not yet written, as deltas (rows with FlagsDirty have one). */
  readonly deltas = new FlagDeltas();
  keywordsChanged = false;
  /** The initial scan found no UID data and gave the mailbox a new UIDVALIDITY. */
  newValidity = false;
  /** The initial scan found no UIDVALIDITY in the file (one is drawn by MboxMailbox's `init`). */
  noValidity = false;
  closed = false;
  /** The highest modification sequence given to a change of this mailbox that this object knows of (RFC 7162). */
  highestModseq = 0;
  /** UIDs expunged, and by which change (QRESYNC's VANISHED). */
  expunged = new ExpungeMemory();

  /** Notes rows `rows` as expunged by a new change (one modification sequence for them all). */
  noteExpunged(rows: Iterable<number>): void {
    let v = 0;
    for (const r of rows) this.expunged.add(this.idx.uid(r), (v ||= this.nextModseq()));
  }

  /** UIDs whose flags this session changed and that have not been numbered yet (numbered when written). */
  readonly unnumbered = new Set<number>();

  /**
   * The modification sequence of a new change. Caller holds the locks. Above every number given to a change of
   * this mailbox by any session of the user (the last one is kept beside the saved index, `.modseq`, read and
   * written here: writers are one at a time under the write locks, and readers that number a change another
   * program made under the read locks number the same change), and never below the clock in microseconds, so that
   * the numbers go on above all a client was shown when that file is lost. A change another program made is
   * numbered by the first session that finds it, inside {@link numbering}, and the others take its numbers.
   */
  nextModseq(): number {
    const counter = this.counterFile();
    const last = counter === null ? 0 : readCounter(counter);
    this.highestModseq = Math.max(this.highestModseq + 1, last + 1, Math.floor(this.env.clock.now() * 1000));
    if (counter !== null) writeCounter(counter, this.highestModseq, this.env.logger);
    return this.highestModseq;
  }

  /**
   * Brings {@link highestModseq} up to the last number any session gave (an open: an index saved by a session that
   * did not know another's last change must not make HIGHESTMODSEQ go back).
   */
  catchUpModseq(): void {
    const counter = this.counterFile();
    if (counter !== null) this.highestModseq = Math.max(this.highestModseq, readCounter(counter));
  }

  /** The counter beside the saved index; none for a mailbox that has no UIDVALIDITY in its file yet. */
  private counterFile(): string | null {
    const index = this.indexFile();
    return index === null || this.noValidity ? null : `${index}.modseq`;
  }

  /** This object holds the counter's flock() ({@link numbering}). */
  private numberingHeld = false;

  /**
   * Runs `fn` holding flock() on the counter file: the one step in which a session that found a change another
   * program made (a delivery, a rewrite: reconcile.ts's syncLocked, saved-index.ts's firstLook) looks once more
   * whether another session published numbers for the file as it is (adopting its saved index), and if none did
   * scans, numbers the change and publishes the numbers (saves the index) before another session may look. So
   * sessions that find the change at the same moment, under the read locks (which do not keep them apart), number
   * it once (RFC 7162: a message's MODSEQ is the same whoever asks). Caller holds the mailbox's locks; the writers,
   * under the write locks, are alone already. Without a counter (no control directory, no UIDVALIDITY yet), or
   * when the file cannot be locked within {@link NUMBERING_WAIT_MS}: `fn` alone, and sessions number what they find
   * each for themselves (a client then looks once more, never misses a change).
   */
  async numbering<T>(fn: () => T | Promise<T>): Promise<T> {
    const counter = this.counterFile();
    if (counter === null || this.numberingHeld) return await fn();
    let fd = -1;
    try {
      // Made only for a mailbox known to have a UIDVALIDITY: a first look at one that may have none (a delivery's
      // new mailbox, which `mailtool check` only reads) leaves nothing behind, and numbers alone when none is there.
      const create = this.indexed ? constants.O_CREAT : 0;
      fd = openSync(counter, constants.O_RDWR | create | constants.O_NOFOLLOW, 0o600);
      await lockWithin(fd, NUMBERING_WAIT_MS);
    } catch (e) {
      const absent = (e as NodeJS.ErrnoException).code === 'ENOENT';
      if (!absent) this.env.logger.log('warning', `${counter}: ${(e as Error).message}; a change found is numbered unshared`);
      if (fd >= 0) closeSync(fd);
      fd = -1;
    }
    this.numberingHeld = fd >= 0;
    try {
      return await fn();
    } finally {
      this.numberingHeld = false;
      if (fd >= 0) closeSync(fd); // drops the flock
    }
  }

  /** Numbers the rows this session changed ({@link unnumbered}) with one new modification sequence. Under the write locks. */
  numberChanges(): void {
    if (this.unnumbered.size === 0) return;
    const v = this.nextModseq();
    for (const uid of this.unnumbered) {
      const r = this.idx.rowOfUid(uid);
      if (r >= 0) this.idx.setModseq(r, v);
    }
    this.unnumbered.clear();
  }

  /** The locks this object holds now (inside {@link withLock}), or null. */
  locked: LockMode | null = null;
  /**
   * The saved index and its change log (saved-index.ts, change-log.ts) lead to the file as this object knows it
   * ({@link snap}): nothing to save at close.
   */
  covered = false;
  /** Where this object is in the change log (change-log.ts), or null: from its start. */
  logPlace: LogPlace | null = null;
  /** Closes the saved index's file while columns of it are still unread (see index-file.ts). */
  releaseIndex: () => void = () => {};
  private indexPath: string | null | undefined;

  /** The saved index's path in the control directory (its change log: `.log` added), or null without one. */
  indexFile(): string | null {
    if (this.indexPath === undefined) this.indexPath = this.opts.control?.fileFor('index', this.path) ?? null;
    return this.indexPath;
  }

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    readonly env: MboxEnv,
    readonly locking: MailboxLocking,
    readonly opts: BoxOptions,
    /** A session's open claims \Recent; the driver's own short opens (append, status) do not. */
    readonly claims: boolean,
    /**
     * Finishes what a MOVE out of this mailbox killed part way left (finishMoveLocked in mailbox-save.ts, which
     * builds on this module and so is handed in). Called by {@link withLock} under the write locks.
     */
    private readonly finishMove: (box: MailboxState) => void,
  ) {}

  /** The local zone for `From ` lines without one, asked of the clock once per hour of wall time. */
  readonly zoneByHour = new Map<number, number>();
  readonly localZone = (wall: number): number => {
    const hour = Math.floor(wall / 3_600_000);
    let z = this.zoneByHour.get(hour);
    if (z === undefined) {
      z = this.env.clock.zoneAt(wall);
      this.zoneByHour.set(hour, z);
    }
    return z;
  };

  live(): void {
    if (this.closed) throw new MailboxError('IO', 'mailbox is closed');
  }

  row(seq: number): number {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.reported) {
      throw new RangeError(`no message ${seq} (of ${this.reported})`);
    }
    return seq - 1;
  }

  keywordNames(mask: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.base.keywords.length && mask; i++) {
      if (mask & (1 << i)) {
        out.push(this.base.keywords[i] as string);
        mask &= ~(1 << i);
      }
    }
    return out;
  }

  keywordBit(name: string, create: boolean): number {
    let i = this.base.keywords.indexOf(name);
    if (i < 0) {
      if (!create) return 0;
      if (this.base.keywords.length >= MAX_KEYWORDS) {
        throw new MailboxError('LIMIT', `too many keywords in mailbox (at most ${MAX_KEYWORDS})`);
      }
      i = this.base.keywords.push(name) - 1;
      this.baseDirty = true;
      this.keywordsChanged = true;
    }
    return (1 << i) >>> 0;
  }

  /**
   * `length` bytes of the file at `position` (fewer at its end). Small ranges come from the read-ahead window, as
   * views: a window is never reused once replaced, so a view handed out stays valid as long as its holder keeps it.
   */
  readRange(position: number, length: number): Buffer {
    if (length > SERVE_STEP) return readAt(this.fd, position, length);
    const w = this.win;
    if (w !== null && position >= this.winPos && position + length <= this.winPos + w.length) {
      return w.subarray(position - this.winPos, position - this.winPos + length);
    }
    const buf = readAt(this.fd, position, READ_WINDOW);
    this.win = buf;
    this.winPos = position;
    return buf.subarray(0, Math.min(length, buf.length));
  }

  /** Where journals go and where recovery looks (rewrite.ts), with this mailbox's durability settings. */
  rewriteOpts(): RewriteOptions {
    return {
      journalDir: this.opts.journalDir, fsync: this.opts.fsync, stepSync: this.opts.stepSync,
      ...(this.opts.legacyJournalDir !== undefined ? { legacyJournalDir: this.opts.legacyJournalDir } : {}),
    };
  }

  /** This file's device and inode (the name of its journals and records). */
  fileId(): { dev: bigint; ino: bigint } {
    const st = fstatSync(this.fd, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  }

  seqOf(uid: number): number | undefined {
    // Rows are in ascending UID order: binary search the known ones.
    const r = this.idx.rowOfUid(uid, this.reported);
    return r < 0 ? undefined : r + 1;
  }


  /**
   * Runs `fn` under the locks and releases them when it is done: for an async `fn`, when its promise settles (it is
   * awaited here; returning it unawaited released the locks at its first await, so an APPEND wrote its messages
   * unlocked, and a rejection during the release was an unhandled one that ended the process).
   */
  async withLock<T>(mode: LockMode, fn: () => T | Promise<T>): Promise<T> {
    if (this.locked === 'exclusive' || (this.locked === 'shared' && mode === 'shared')) {
      // Already held by this object (an append into this mailbox reading its messages from it, or expunging them
      // for a MOVE): taking them again would wait for ourselves (a dotlock is one file), and releasing an fcntl
      // lock from an inner call would drop the outer one.
      this.win = null;
      return await fn();
    }
    // A writer that died since we opened (a killed APPEND or delivery, a killed rewrite) left a record or journal:
    // it is dealt with before anything reads or writes the file, so that no fragment is read as new mail and no
    // write of ours moves the bytes a record names. That needs the exclusive locks, even for a read.
    const pending = !this.readOnly && this.leftBehind();
    if (pending) mode = 'exclusive';
    const release = await lockOrThrow(this.locking, { path: this.path, fd: this.fd }, mode);
    // Whatever runs under the lock may rewrite the file or find it changed: bytes read before are stale.
    this.win = null;
    this.locked = mode;
    try {
      if (pending) {
        if (recoverLocked(this.fd, this.path, this.env, this.rewriteOpts())) this.snap = null;
        this.finishMove(this);
      }
      return await fn();
    } finally {
      this.locked = null;
      this.win = null;
      await release();
    }
  }

  /** Whether a rewrite journal or an append intent record names this file. */
  leftBehind(): boolean {
    return pendingIn(journalDirs(this.opts), fstatSync(this.fd));
  }
}

/** The number in the counter file at `path` (0: none, or not a number). */
function readCounter(path: string): number {
  return readSmallFile(path, (fd) => numberIn(fd, 16), 0);
}

/** Writes `n` to the counter file at `path` (a cache: not fsynced; the clock floor covers its loss). */
function writeCounter(path: string, n: number, logger: Logger): void {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      rewriteInPlace(fd, `${n}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    logger.log('warning', `${path}: ${(e as Error).message}`);
  }
}
