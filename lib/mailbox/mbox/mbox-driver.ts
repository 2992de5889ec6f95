/**
 * The Unix mbox driver: UW c-client's "unix" driver rebuilt, byte-compatible with UW and Dovecot on disk.
 *
 * An open mailbox keeps one fd on the file and a compact index (message-index.ts). Every read of the file for
 * indexing happens under the read locks, every write under the write locks (lock methods come from the
 * {@link MailboxLocking} given; see lib/lock), and all I/O goes through that one fd: closing any other fd of the
 * file would drop our fcntl locks.
 *
 * UIDs follow UW's rules: UIDVALIDITY, last UID and keywords come from `X-IMAP:` (pseudo-message) or `X-IMAPbase:`
 * (first message); `X-UID:` is believed when a UIDVALIDITY is known and it is greater than the previous message's;
 * other messages get the next UID, kept in memory and written at the next checkpoint. Unlike UW, a UID that goes
 * backwards renumbers just that message instead of starting a new UIDVALIDITY for the whole mailbox (as Dovecot),
 * and keywords a message carries that the base header lacks are added to it instead of being dropped.
 *
 * Other writers are noticed by {@link OpenMailbox.sync}: growth with the old messages' metadata intact (checked
 * by a hash of each message's metadata lines) is new mail, scanned from the old end; anything else is a rewrite,
 * and the whole file is scanned again and reconciled with the index by UID (gone UIDs become expunges, changed
 * flags become flag updates, higher UIDs are new mail).
 */
import {
  watch, type FSWatcher,
  closeSync, constants, existsSync, fstatSync, futimesSync, openSync, readSync,
  renameSync, statSync, unlinkSync, type BigIntStats,
} from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type {
  AppendMessage, AppendOptions, ChangeWatch, FlagsUndo, MailboxDriver, MailboxStatus, MailboxUpdate, MessageMeta,
  OpenMailbox, SizedBody,
} from '../driver.js';
import { Flag, MailboxError } from '../driver.js';
import type { ControlDir } from '../control-dir.js';
import type { MailEnv } from '../../env/env.js';
import { systemClock } from '../../env/env.js';
import { nullLogger } from '../../env/logger.js';
import type { LockMode, LockTarget, ReleaseLock } from '../../lock/lock-method.js';
import { LockError, LockTimeoutError } from '../../lock/lock-method.js';
import { FdSource, readAt, readInto } from './byte-source.js';
import { servedCount } from './served-count.js';
import { isFromLine } from './from-line.js';
import { Bit, MessageIndex } from './message-index.js';
import { BodyServer, serveHeader } from './render.js';
import { ownedJournal } from './journal-file.js';
import { appendPending, appendRecordPath } from './append-journal.js';
import { type MoveLink, moveRecordPath, readMoveRecord, removeMoveRecord, writeMoveRecord } from './move-record.js';
import { recoverLocked, TailWriter, writeError } from './save.js';
import { journalDirs, journalPath, PieceList, recoverJournal, rewriteFile, type RewriteOptions } from './rewrite.js';
import { pwriteFully } from './rewrite-forward.js';
import { metaHashOf, scanMbox } from './scanner.js';
import { type DeltaBefore, FlagDeltas } from './flag-deltas.js';
import { formatPseudoMessage, formatStatusBlock, type BaseInfo, type BlockFields } from './status-block.js';

/** How long a burst of file events settles before a change is reported (a delivery is several writes). */
const CHANGE_SETTLE_MS = 100;

/** How the driver takes a mailbox's locks. lib/lock provides the real one (dotlock + fcntl + flock). */
export interface MailboxLocking {
  /** Takes the locks for reading ('shared') or writing ('exclusive'); throws LockTimeoutError / LockError. */
  acquire(target: LockTarget, mode: LockMode): Promise<ReleaseLock>;
}

export interface MboxOptions {
  readonly env?: Partial<MailEnv>;
  readonly locking?: MailboxLocking;
  /**
   * Where rewrite journals and append intent records go (see rewrite.ts): the user's control directory when it is
   * usable, else journal_dir. Default /var/tmp.
   */
  readonly journalDir?: string;
  /**
   * Also looked in (never written) by recovery: journal_dir, where earlier versions and sessions without a usable
   * control directory left theirs (rewrite.ts). Absent: only `journalDir`.
   */
  readonly legacyJournalDir?: string;
  /** fsync after writes. Default true. */
  readonly fsync?: boolean;
  /** Order every step of a rewrite on disk (configuration `rewrite_sync = step`; see rewrite.ts). Default false. */
  readonly stepSync?: boolean;
  /** Read window for scanning. Default 1 MiB. */
  readonly window?: number;
  /** Mode of mailboxes this driver creates. Default 0600. */
  readonly createMode?: number;
  /**
   * The user's control directory (UIDVALIDITY counter, \Recent claims). Absent: UIDVALIDITY from the clock and no
   * \Recent claims kept between sessions (see control-dir.ts).
   */
  readonly control?: ControlDir;
}

/** Keywords a mailbox can hold (a 32-bit mask per message; UW allows 30). */
const MAX_KEYWORDS = 32;
/**
 * Bytes read per step when serving or counting a body. Small enough that a 200 MB RETR keeps peak memory within a
 * few MB (each step's buffers are garbage at once), large enough that syscalls do not dominate.
 */
const SERVE_STEP = 64 * 1024;
/**
 * Small reads (headers, the bodies of ordinary messages) are served from one read-ahead window of this size: a
 * FETCH over a range of messages then reads the file in a few large sequential reads instead of one system call
 * per header and body.
 */
const READ_WINDOW = 256 * 1024;
/** How many unchanged blocks after a grown one are tried for room to take its bytes back (see writeLocked). */
const ABSORB_TRIES = 32;
/** How often one read follows a file that keeps changing under it before it gives up and reports the change. */
const MAX_RESYNCS = 8;

const noLocking: MailboxLocking = { acquire: async () => async () => {} };

interface Snapshot {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

function snapshotOf(st: BigIntStats): Snapshot {
  return { size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/** What {@link MboxMailbox.setFlags} changed: 5 numbers a row (row, flags, keywords, bits, UID), and the deltas before. */
interface Undo {
  rows: number[];
  deltas: DeltaBefore[];
}

/**
 * Makes the file's mtime later than `before` (the mtime when the write began) after a write left it equal: the
 * kernel stamps times from a clock that ticks every few milliseconds, so two writes of the same size within one
 * tick (two sessions' STOREs) would leave a file other sessions take for unchanged, and their next write would
 * undo this one. One microsecond past the old value (the finest step futimes takes) suffices, as every session's
 * snapshot holds an mtime no later than `before`. Only the file's owner may set it; for a shared folder the tick
 * stays the limit.
 */
function advanceMtime(fd: number, before: bigint): void {
  const st = fstatSync(fd, { bigint: true });
  if (st.mtimeNs > before) return;
  const us = before / 1000n + 2n;
  try {
    futimesSync(fd, Number(st.atimeNs / 1000n) / 1e6, Number(us) / 1e6);
  } catch {
    // Not the owner: see above.
  }
}

interface ResolvedEnv {
  clock: MailEnv['clock'];
  logger: MailEnv['logger'];
  hostname: string;
  username: string;
}

/** Whether a journal or record of ours (see ownedJournal) names the file `st` in any of `dirs`. */
function pendingIn(dirs: readonly string[], st: { dev: number | bigint; ino: number | bigint; uid: number }): boolean {
  return dirs.some((d) => ownedJournal(appendRecordPath(d, st.dev, st.ino), st.uid) ||
    ownedJournal(journalPath(d, st.dev, st.ino), st.uid) || ownedJournal(moveRecordPath(d, st.dev, st.ino), st.uid));
}

export class MboxDriver implements MailboxDriver {
  readonly name = 'mbox';
  private readonly env: ResolvedEnv;
  private readonly locking: MailboxLocking;
  readonly journalDir: string;

  constructor(private readonly opts: MboxOptions = {}) {
    this.env = {
      clock: opts.env?.clock ?? systemClock,
      logger: opts.env?.logger ?? nullLogger,
      hostname: opts.env?.hostname ?? osHostname(),
      username: opts.env?.username ?? 'MAILER-DAEMON',
    };
    this.locking = opts.locking ?? noLocking;
    this.journalDir = opts.journalDir ?? '/var/tmp';
  }

  async valid(path: string): Promise<boolean> {
    let fd: number;
    try {
      if (!statSync(path).isFile()) return false;
      fd = openSync(path, constants.O_RDONLY);
    } catch {
      return false;
    }
    try {
      const b = Buffer.alloc(4096);
      const n = readInto(fd, b, 0, b.length, 0);
      let i = 0;
      while (i < n && (b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x20 || b[i] === 0x09)) i++;
      if (i === n) return true; // empty (or blank) file: an mbox with no mail
      let e = b.indexOf(0x0a, i);
      if (e < 0 || e > n) e = n;
      return isFromLine(b, i, e);
    } finally {
      closeSync(fd);
    }
  }

  /** Creates an mbox holding UW's pseudo-message, so its UIDVALIDITY is fixed from the start (as UW does). */
  async create(path: string): Promise<void> {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, this.opts.createMode ?? 0o600);
    } catch (e) {
      throw fsError(e, path);
    }
    try {
      const now = this.env.clock.now();
      const date = { time: now, zone: this.env.clock.zoneAt(now) };
      const uidValidity = await newUidValidity(this.opts.control, this.env.clock, 0);
      const text = Buffer.from(formatPseudoMessage({ uidValidity, uidLast: 0, keywords: [] },
        date, this.env.hostname), 'latin1');
      try {
        pwriteFully(fd, text, 0);
      } catch (e) {
        // No room for the pseudo-message (a full disk): no mailbox, rather than one cut short.
        try {
          unlinkSync(path);
        } catch {
          // The error that stopped the creation is the one to report.
        }
        throw writeError(e, path);
      }
      // Read as soon as made: a new mailbox holds no new mail (mtime before atime, as a session's close leaves it).
      futimesSync(fd, now / 1000, now / 1000 - 1);
    } finally {
      closeSync(fd);
    }
  }

  async remove(path: string): Promise<void> {
    try {
      if (statSync(path).isDirectory()) throw new MailboxError('NOTMAILBOX', `${path} is a directory`);
      unlinkSync(path);
    } catch (e) {
      throw fsError(e, path);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    if (existsSync(to)) throw new MailboxError('ALREADYEXISTS', `${to} already exists`);
    try {
      renameSync(from, to);
    } catch (e) {
      throw fsError(e, from);
    }
  }

  async status(path: string): Promise<MailboxStatus> {
    const box = await this.openMbox(path, true, false);
    try {
      let recent = 0;
      let unseen = 0;
      for (let seq = 1; seq <= box.count(); seq++) {
        const m = box.meta(seq);
        if (m.recent) recent++;
        if (!(m.flags & Flag.Seen)) unseen++;
      }
      return { messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity };
    } finally {
      await box.close();
    }
  }

  async append(path: string, msgs: AsyncIterable<AppendMessage>, opts: AppendOptions = {}): Promise<{ uidValidity: number; uids: number[] }> {
    const box = await this.openMbox(path, false, false);
    let uids: number[];
    try {
      uids = await box.append(msgs, opts);
    } catch (e) {
      await box.close().catch(() => undefined);
      throw e;
    }
    // The messages are stored: a failure to close (nothing is left to write) must not turn them into a NO, which
    // the client would answer by appending them again.
    await box.close().catch((e: unknown) => this.env.logger.log('warning', `${path}: closing after an append: ${String(e)}`));
    return { uidValidity: box.uidValidity, uids };
  }

  async open(path: string, opts: { readOnly: boolean; sizes?: boolean }): Promise<OpenMailbox> {
    return this.openMbox(path, opts.readOnly, true, opts.sizes ?? false);
  }

  /** Like {@link open}, with the mbox-specific methods (append into the open mailbox). */
  async openMbox(path: string, readOnly: boolean, claimRecent = true, sizes = false): Promise<MboxMailbox> {
    const box = new MboxMailbox(path, readOnly, this.env, this.locking, {
      journalDir: this.journalDir,
      ...(this.opts.legacyJournalDir !== undefined ? { legacyJournalDir: this.opts.legacyJournalDir } : {}),
      fsync: this.opts.fsync ?? true,
      stepSync: this.opts.stepSync ?? false,
      window: this.opts.window ?? 1 << 20,
      sizes,
      control: this.opts.control ?? null,
    }, claimRecent);
    await box.init();
    return box;
  }

  /**
   * Appends messages the way a delivery agent does (procmail, tmail): under the write locks, at the end of the
   * file, with no metadata headers (the messages are new, and get UIDs when a session next opens the mailbox).
   * Does not read the rest of the mailbox. Creates the file (mode from the options) when missing.
   */
  async deliver(path: string, msgs: AsyncIterable<AppendMessage>): Promise<number> {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT, this.opts.createMode ?? 0o600);
    } catch (e) {
      throw fsError(e, path);
    }
    try {
      const release = await lockOrThrow(this.locking, { path, fd }, 'exclusive');
      try {
        // What a killed writer left goes first, so that our messages do not follow a fragment.
        recoverLocked(fd, path, this.env, {
          journalDir: this.journalDir, fsync: this.opts.fsync ?? true, stepSync: this.opts.stepSync ?? false,
          ...(this.opts.legacyJournalDir !== undefined ? { legacyJournalDir: this.opts.legacyJournalDir } : {}),
        });
        const w = new TailWriter(fd, this.opts.fsync ?? true, path, this.journalDir, this.env.logger);
        let n = 0;
        try {
          for await (const m of msgs) {
            await w.message(m, this.env, null);
            n++;
          }
          await w.finish();
        } catch (e) {
          // A full disk part way: the file is cut back to where it was, no partial message is left.
          w.abort();
          throw writeError(e, path);
        }
        return n;
      } finally {
        await release();
      }
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * A UIDVALIDITY for a mailbox that has none yet: from the user's counter (never repeated for this user, RFC 3501
 * §2.3.1.1), or without one the clock's second, never below `floor` (control-dir.ts).
 */
async function newUidValidity(control: ControlDir | undefined | null, clock: MailEnv['clock'], floor: number): Promise<number> {
  const nowS = Math.floor(clock.now() / 1000);
  return control ? control.nextUidValidity(nowS, floor) : Math.max(nowS, floor);
}

async function lockOrThrow(locking: MailboxLocking, target: LockTarget, mode: LockMode): Promise<ReleaseLock> {
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

function fsError(e: unknown, path: string): MailboxError {
  if (e instanceof MailboxError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return new MailboxError('NONEXISTENT', `no such mailbox: ${path}`, { cause: e });
    case 'EEXIST': return new MailboxError('ALREADYEXISTS', `mailbox exists: ${path}`, { cause: e });
    case 'EACCES':
    case 'EPERM': return new MailboxError('NOPERM', `permission denied: ${path}`, { cause: e });
    case 'EISDIR': return new MailboxError('NOTMAILBOX', `${path} is a directory`, { cause: e });
    case 'ENOSPC':
    case 'EDQUOT': return new MailboxError('OVERQUOTA', `${path}: no space left (${code})`, { cause: e });
    default: return new MailboxError('IO', `${path}: ${(e as Error).message}`, { cause: e });
  }
}

interface BoxOptions {
  journalDir: string;
  legacyJournalDir?: string;
  fsync: boolean;
  stepSync: boolean;
  window: number;
  /** Count every body's served size while the open holds its lock (see OpenMailbox's `open`). */
  sizes: boolean;
  control: ControlDir | null;
}

/**
 * {@link MessageMeta} read from an index row when asked. A row number stays valid while the caller holds it
 * within one command (rows move only at sync and expunge, between commands), as with the plain object it replaces.
 */
class RowMeta implements MessageMeta {
  constructor(
    private readonly box: MboxMailbox,
    private readonly r: number,
  ) {}

  get uid(): number {
    return this.box.rowUid(this.r);
  }

  get flags(): number {
    return this.box.rowFlags(this.r);
  }

  get keywords(): readonly string[] {
    return this.box.rowKeywords(this.r);
  }

  get recent(): boolean {
    return this.box.rowRecent(this.r);
  }

  get internalDate(): { time: number; zone: number } {
    return this.box.rowDate(this.r);
  }

  get size(): number {
    return this.box.rowSize(this.r, false);
  }

  get lfSize(): number {
    return this.box.rowSize(this.r, true);
  }

  /** A plain snapshot (for logs and tests that compare metadata as data). */
  toJSON(): MessageMeta {
    const { uid, flags, keywords, recent, internalDate, size, lfSize } = this;
    return { uid, flags, keywords, recent, internalDate, size, lfSize };
  }
}

/** An open mbox. See the module comment and {@link OpenMailbox}. */
export class MboxMailbox implements OpenMailbox {
  private fd = -1;
  /** The read-ahead window ({@link READ_WINDOW}) and its file offset; dropped whenever the file may have changed. */
  private win: Buffer | null = null;
  private winPos = 0;
  /** The window as it was when a {@link moved} check last found the file unchanged (see {@link trusted}). */
  private checkedWin: Buffer | null = null;
  private snap: Snapshot | null = null;
  private idx = new MessageIndex();
  private base: { uidValidity: number; uidLast: number; keywords: string[] } = { uidValidity: 0, uidLast: 0, keywords: [] };
  private pseudo: { start: number; end: number } | null = null;
  private baseDirty = false;
  /** Rows the client knows about: [0, reported). */
  private reported = 0;
  private flagChanged = new Set<number>();
  /** The first full scan was made ({@link rescan} with `initial`). */
  private indexed = false;
  /** The highest UID whose \Recent this object has settled with other sessions ({@link settleRecent}). */
  private settledRecent = 0;
  /** This session's flag changes not yet written, as deltas (rows with FlagsDirty have one). */
  private readonly deltas = new FlagDeltas();
  private keywordsChanged = false;
  /** The initial scan found no UID data and gave the mailbox a new UIDVALIDITY. */
  private newValidity = false;
  /** The initial scan found no UIDVALIDITY in the file (one is drawn in {@link init}). */
  private noValidity = false;
  private closed = false;
  /** The locks this object holds now (inside {@link withLock}), or null. */
  private locked: LockMode | null = null;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly env: ResolvedEnv,
    private readonly locking: MailboxLocking,
    private readonly opts: BoxOptions,
    /** A session's open claims \Recent; the driver's own short opens (append, status) do not. */
    private readonly claims = true,
  ) {}

  get uidValidity(): number {
    return this.base.uidValidity;
  }

  /**
   * inotify on the mailbox's path (fs.watch): a delivery is several writes under a lock, so a burst of events is
   * let settle for {@link CHANGE_SETTLE_MS} before `onChange` is called once. A path that cannot be watched (no
   * inotify watches left, a filesystem without it) gives a watch that is not live, and so does one whose watcher
   * fails later. A file replaced by rename is not seen by a watch on the old inode: callers keep a slow poll.
   */
  notifyChanges(onChange: () => void): ChangeWatch {
    let watcher: FSWatcher | null = null;
    let settle: NodeJS.Timeout | null = null;
    const stop = (): void => {
      watcher?.close();
      watcher = null;
      if (settle !== null) clearTimeout(settle);
      settle = null;
    };
    try {
      watcher = watch(this.path, { persistent: false }, () => {
        settle ??= setTimeout(() => {
          settle = null;
          onChange();
        }, CHANGE_SETTLE_MS);
      });
      watcher.on('error', stop);
    } catch {
      watcher = null;
    }
    return {
      get live() {
        return watcher !== null;
      },
      stop,
    };
  }

  /** The local zone for `From ` lines without one, asked of the clock once per hour of wall time. */
  private readonly zoneByHour = new Map<number, number>();
  private readonly localZone = (wall: number): number => {
    const hour = Math.floor(wall / 3_600_000);
    let z = this.zoneByHour.get(hour);
    if (z === undefined) {
      z = this.env.clock.zoneAt(wall);
      this.zoneByHour.set(hour, z);
    }
    return z;
  };

  /** Opens the file, finishes an interrupted rewrite if one is found, and indexes the mailbox. */
  async init(): Promise<void> {
    await this.recover();
    try {
      this.fd = openSync(this.path, this.readOnly ? constants.O_RDONLY : constants.O_RDWR);
    } catch (e) {
      throw fsError(e, this.path);
    }
    try {
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new MailboxError('NOTMAILBOX', `${this.path} is not a file`);
      const finish = async (): Promise<void> => {
        if (this.opts.sizes) for (let r = 0; r < this.idx.length; r++) this.sizes(r);
        // The scan's value is the clock's; a mailbox without one gets the user's next (control-dir.ts).
        if (this.noValidity) this.base.uidValidity = await newUidValidity(this.opts.control, this.env.clock, 0);
      };
      await this.withLock('shared', async () => {
        this.rescan(true);
        if (!this.newValidity || this.readOnly) await finish();
      });
      if (this.newValidity && !this.readOnly) {
        // Mail without a UIDVALIDITY: it is chosen and written at once, under the write locks and after scanning
        // again, so that of two sessions opening the mailbox together the second finds the first one's value
        // instead of choosing its own. On a full disk it stays in memory until a later write can be made (as UW
        // keeps it): the mail can still be read.
        await this.withLock('exclusive', async () => {
          this.rescan(true);
          await finish();
          if (!this.newValidity) return;
          try {
            await this.checkpoint();
          } catch (e) {
            if (!(e instanceof MailboxError && e.code === 'OVERQUOTA')) throw e;
            this.env.logger.log('warning', `${this.path}: new UIDVALIDITY not written: ${e.message}`);
          }
        });
      }
      await this.settleRecent();
      this.reported = this.idx.length;
    } catch (e) {
      closeSync(this.fd);
      this.fd = -1;
      throw e;
    }
  }

  /**
   * \Recent goes to one session only (RFC 3501 §2.3.2): the first to see a message after it arrived, whether it
   * opens the mailbox then or already has it open. The file says which messages no session has seen (no `O` in
   * Status:), but a session writes its `O`s only at its next write; so the highest UID claimed is also kept in the
   * user's control directory (ControlDir.claimRecent), taken under flock() for the messages this object has not
   * settled yet (those above {@link settledRecent}), and a message at or below another session's claim is not
   * \Recent here. A read-only session and the driver's short opens (STATUS) only read the claim. Without a control
   * directory nothing is claimed (never in a shared directory, where another user could plant a claim).
   */
  private async settleRecent(): Promise<void> {
    const x = this.idx;
    const n = x.length;
    if (n === 0 || x.uid(n - 1) <= this.settledRecent) return;
    const top = x.uid(n - 1);
    const control = this.opts.control;
    let claimed = 0;
    if (control) {
      // The claim names the mailbox (UIDVALIDITY and path), so one a removed mailbox of the same name left (its
      // UIDVALIDITY is never given again) is not taken for this one's.
      const owner = `${this.base.uidValidity} ${this.path}`;
      claimed = this.claims && !this.readOnly ? await control.claimRecent(this.path, owner, top) :
        control.recentClaim(this.path, owner);
    }
    for (let r = n - 1; r >= 0 && x.uid(r) > this.settledRecent; r--) {
      if (x.uid(r) <= claimed) x.clearBits(r, Bit.Recent);
    }
    this.settledRecent = top;
  }

  /** Runs journal recovery (rewrite.ts) when a journal for this file exists. */
  private async recover(): Promise<void> {
    let st;
    try {
      st = statSync(this.path);
    } catch (e) {
      throw fsError(e, this.path);
    }
    // Only a journal or record the mailbox's owner made (the journal directory is shared: another user can plant
    // any name, and recovery would ignore it anyway).
    if (!pendingIn(journalDirs(this.opts), st)) return;
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_RDWR);
    } catch (e) {
      throw fsError(e, this.path);
    }
    try {
      const release = await lockOrThrow(this.locking, { path: this.path, fd }, 'exclusive');
      try {
        recoverLocked(fd, this.path, this.env, this.rewriteOpts());
      } finally {
        await release();
      }
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Runs `fn` under the locks and releases them when it is done: for an async `fn`, when its promise settles (it is
   * awaited here; returning it unawaited released the locks at its first await, so an APPEND wrote its messages
   * unlocked, and a rejection during the release was an unhandled one that ended the process).
   */
  private async withLock<T>(mode: LockMode, fn: () => T | Promise<T>): Promise<T> {
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
        this.finishMoveLocked();
      }
      return await fn();
    } finally {
      this.locked = null;
      this.win = null;
      await release();
    }
  }

  /** Whether a rewrite journal or an append intent record names this file. */
  private leftBehind(): boolean {
    return pendingIn(journalDirs(this.opts), fstatSync(this.fd));
  }

  /**
   * A MOVE (or RENAME INBOX) out of this mailbox killed part way left its move record (move-record.ts): when the
   * destination's append was committed, the messages it names leave this mailbox now; otherwise they stay. Either
   * way the record goes. Caller holds the write locks, after recoverLocked.
   */
  private finishMoveLocked(): void {
    const st = fstatSync(this.fd, { bigint: true });
    const self = { dev: st.dev, ino: st.ino };
    for (const dir of journalDirs(this.opts)) {
      const rec = readMoveRecord(dir, st.dev, st.ino, Number(st.uid));
      if (rec === null) continue;
      if (rec !== 'torn' && !appendPending(dir, rec.to, self, Number(st.uid))) {
        if (!this.indexed) this.rescan(true);
        else if (this.snap === null) this.rescan(false);
        else this.syncLocked();
        const want = new Set(rec.uids);
        const drop = new Set<number>();
        if (rec.uidValidity === this.base.uidValidity) {
          for (let r = 0; r < this.idx.length; r++) {
            if (!(this.idx.bits(r) & Bit.Gone) && want.has(this.idx.uid(r))) drop.add(r);
          }
        }
        if (drop.size > 0) {
          this.writeLocked(drop);
          for (const r of drop) this.idx.addBits(r, Bit.Gone);
        }
        this.env.logger.log('warning', `${this.path}: an interrupted move out of this mailbox was committed; ` +
          `${drop.size} of its ${rec.uids.length} messages taken out here`);
      }
      removeMoveRecord(dir, st.dev, st.ino);
    }
  }

  /** This file's device and inode (the name of its journals and records). */
  fileId(): { dev: bigint; ino: bigint } {
    const st = fstatSync(this.fd, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  }

  /**
   * The source's part of a MOVE (move-record.ts): under this mailbox's write locks, writes the move record naming
   * `uids` and the destination's append `to` (in `dir`, beside its append record), lets `commit` commit that
   * append, then expunges the messages with those UIDs and removes the record. `dest` says this mailbox is the
   * destination too (its rows' UIDs are written already, and nothing may move its data before the commit).
   * When the expunge fails after the commit, the record is removed and the error thrown: the caller cuts its copies
   * back (it still holds the destination's lock), and nothing moved.
   */
  async moveOut(uids: readonly number[], to: MoveLink, dir: string, dest: boolean, commit: () => void): Promise<void> {
    this.live();
    if (this.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
    await this.withLock('exclusive', () => {
      if (!dest) {
        this.syncLocked();
        // The record names messages by UID: every UID must be on disk first.
        let needWrite = false;
        for (let r = 0; r < this.idx.length && !needWrite; r++) {
          if ((this.idx.bits(r) & (Bit.NewUid | Bit.Gone)) === Bit.NewUid) needWrite = true;
        }
        if (needWrite) this.writeLocked(null);
      }
      const self = this.fileId();
      let record: string | null;
      try {
        record = writeMoveRecord(dir, { ...self, uidValidity: this.base.uidValidity, uids, to }, this.opts.fsync);
      } catch (e) {
        throw writeError(e, this.path);
      }
      if (record === null) {
        this.env.logger.log('warning', `${this.path}: moving without a move record (a kill part way leaves copies in both mailboxes)`);
      }
      try {
        commit();
      } catch (e) {
        if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
        throw writeError(e, this.path);
      }
      const want = new Set(uids);
      const drop = new Set<number>();
      for (let r = 0; r < this.idx.length; r++) {
        if (!(this.idx.bits(r) & Bit.Gone) && want.has(this.idx.uid(r))) drop.add(r);
      }
      try {
        if (drop.size > 0) this.writeLocked(drop);
      } catch (e) {
        if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
        throw e;
      }
      for (const r of drop) this.idx.addBits(r, Bit.Gone);
      if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
    });
  }

  /** Where journals go and where recovery looks (rewrite.ts), with this mailbox's durability settings. */
  private rewriteOpts(): RewriteOptions {
    return {
      journalDir: this.opts.journalDir, fsync: this.opts.fsync, stepSync: this.opts.stepSync,
      ...(this.opts.legacyJournalDir !== undefined ? { legacyJournalDir: this.opts.legacyJournalDir } : {}),
    };
  }

  private live(): void {
    if (this.closed) throw new MailboxError('IO', 'mailbox is closed');
  }

  // ---------------------------------------------------------------- reading the index

  uidNext(): number {
    return this.base.uidLast + 1;
  }

  keywords(): readonly string[] {
    return this.base.keywords;
  }

  count(): number {
    return this.reported;
  }

  private row(seq: number): number {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.reported) {
      throw new RangeError(`no message ${seq} (of ${this.reported})`);
    }
    return seq - 1;
  }

  private keywordNames(mask: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.base.keywords.length && mask; i++) {
      if (mask & (1 << i)) {
        out.push(this.base.keywords[i] as string);
        mask &= ~(1 << i);
      }
    }
    return out;
  }

  /**
   * Counts a body's served size (the scan finds bodies without reading them line by line): feeds the body through
   * the same BodyServer that serves it, so the size announced is the size sent.
   */
  private sizes(r: number): void {
    const x = this.idx;
    if (x.bodySize(r) >= 0) return;
    if (x.bits(r) & Bit.Gone) {
      x.setBodySizes(r, 0, 0);
      return;
    }
    const verbatim = (x.bits(r) & Bit.Verbatim) !== 0;
    const end = x.bodyEnd(r);
    if (end - x.bodyStart(r) <= SERVE_STEP) {
      // An ordinary body: in one piece from the read-ahead window, counted natively.
      const c = servedCount(this.readRange(x.bodyStart(r), end - x.bodyStart(r)), verbatim);
      x.setBodySizes(r, c.octets, c.octets - c.lines);
      return;
    }
    // A large body: counted through one reused buffer, so sizing 200 MB leaves no garbage behind.
    const server = new BodyServer(verbatim);
    let size = 0;
    let lines = 0;
    const buf = Buffer.allocUnsafe(SERVE_STEP);
    for (let pos = x.bodyStart(r); pos < end;) {
      const n = readSync(this.fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n === 0) break;
      const c = server.count(buf.subarray(0, n));
      size += c.octets;
      lines += c.lines;
      pos += n;
    }
    for (const b of server.end()) size += b.length;
    x.setBodySizes(r, size, size - lines);
  }

  /**
   * The message's metadata as a live view of its index row: nothing is computed until asked, so callers that want
   * a UID or the flags of every message (SELECT's UNSEEN, SEARCH, UID sets) never read a body to size it; only
   * `size`/`lfSize` do, the first time.
   */
  meta(seq: number): MessageMeta {
    return new RowMeta(this, this.row(seq));
  }

  /** @internal for {@link RowMeta} */
  rowUid(r: number): number {
    return this.idx.uid(r);
  }

  /** @internal for {@link RowMeta} */
  rowFlags(r: number): number {
    return this.idx.flags(r);
  }

  /** @internal for {@link RowMeta} */
  rowKeywords(r: number): string[] {
    return this.keywordNames(this.idx.keywordMask(r));
  }

  /** @internal for {@link RowMeta} */
  rowRecent(r: number): boolean {
    return (this.idx.bits(r) & Bit.Recent) !== 0;
  }

  /** @internal for {@link RowMeta} */
  rowDate(r: number): { time: number; zone: number } {
    return { time: this.idx.time(r), zone: this.idx.zone(r) };
  }

  /** @internal for {@link RowMeta} */
  rowSize(r: number, lf: boolean): number {
    this.sizes(r);
    return lf ? this.idx.lfSize(r) : this.idx.size(r);
  }

  seqOf(uid: number): number | undefined {
    // Rows are in ascending UID order: binary search the known ones.
    let lo = 0;
    let hi = this.reported - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const u = this.idx.uid(mid);
      if (u === uid) return mid + 1;
      if (u < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * `length` bytes of the file at `position` (fewer at its end). Small ranges come from the read-ahead window, as
   * views: a window is never reused once replaced, so a view handed out stays valid as long as its holder keeps it.
   */
  private readRange(position: number, length: number): Buffer {
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

  private present(r: number): void {
    if (this.idx.bits(r) & Bit.Gone) {
      throw new MailboxError('CORRUPT', `message UID ${this.idx.uid(r)} was expunged by another session`);
    }
  }

  async parseableHeader(seq: number): Promise<Buffer> {
    this.live();
    const r = this.row(seq);
    this.present(r);
    return this.readRange(this.idx.headerStart(r), this.idx.bodyStart(r) - this.idx.headerStart(r));
  }

  /**
   * Whether the bytes of row `r` may have moved since they were read: the file changed since the index was last
   * brought up to date. Then it is brought up to date (the message keeps its row; its offsets are where it is
   * now) and the caller reads again. Sessions read without a lock between syncs, and other writers do move
   * messages they do not remove: UW's dmail and tmail rewrite the X-IMAPbase line of the first message at every
   * delivery, which shifts the whole file when its UID count gains a digit; a POP3 session never syncs otherwise.
   */
  private async moved(r: number): Promise<boolean> {
    // Under our own locks the file changes only by our writes, which keep the index up to date except for what an
    // append adds at the end (no message we know lies there): the bytes are where the index says.
    if (this.locked !== null) return false;
    const snap = this.snap;
    const win = this.win;
    if (snap !== null && sameSnapshot(snapshotOf(fstatSync(this.fd, { bigint: true })), snap)) {
      this.checkedWin = win;
      return false;
    }
    await this.sync();
    this.present(r);
    return true;
  }

  /**
   * Whether `b` is a view of the current read-ahead window and a {@link moved} check found the file unchanged after
   * that window was read: its bytes are then the file as the index describes it, so no check is needed again. A
   * SEARCH or FETCH over many messages checks once per window rather than once per header and body read (an fstat
   * per read was a tenth of a SEARCH TEXT). The window is dropped whenever the index may change (sync, locking).
   */
  private trusted(b: Buffer): boolean {
    const w = this.checkedWin;
    return w !== null && w === this.win && b.buffer === w.buffer;
  }

  async header(seq: number): Promise<Buffer> {
    this.live();
    const r = this.row(seq);
    this.present(r);
    let raw = this.readRange(this.idx.headerStart(r), this.idx.bodyStart(r) - this.idx.headerStart(r));
    for (let i = 0; i < MAX_RESYNCS && !this.trusted(raw) && (await this.moved(r)); i++) {
      raw = this.readRange(this.idx.headerStart(r), this.idx.bodyStart(r) - this.idx.headerStart(r));
    }
    const h = serveHeader(raw);
    if (h.length !== this.idx.headerSize(r)) {
      throw new MailboxError('CORRUPT', `header of UID ${this.idx.uid(r)} changed on disk`);
    }
    return h;
  }

  text(seq: number, range?: { offset: number; length: number }): SizedBody {
    const r = this.row(seq);
    this.present(r);
    const start = this.idx.bodyStart(r);
    const end = this.idx.bodyEnd(r);
    const verbatim = (this.idx.bits(r) & Bit.Verbatim) !== 0;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    // The served size is counted when first asked: SEARCH and POP3 TOP read whole bodies without asking, and
    // counting would read each body once more.
    let bounds: { offset: number; size: number } | null = null;
    const sized = (): { offset: number; size: number } => {
      if (bounds === null) {
        self.sizes(r);
        const total = self.idx.bodySize(r);
        const offset = Math.min(range?.offset ?? 0, total);
        bounds = { offset, size: Math.min(range?.length ?? total, total - offset) };
      }
      return bounds;
    };
    if (range !== undefined) sized();
    return {
      get size(): number {
        return sized().size;
      },
      async *chunks(): AsyncIterable<Uint8Array> {
        self.live();
        const server = new BodyServer(verbatim);
        // The whole body, its size never asked (nor known): served to its end, with nothing to hold it to.
        const want = bounds ?? (self.idx.bodySize(r) >= 0 ? sized() : null);
        let skip = want?.offset ?? 0;
        let left = want?.size ?? Infinity;
        const emit = function* (bufs: Buffer[]): Generator<Buffer> {
          for (let b of bufs) {
            if (left <= 0) return;
            if (skip > 0) {
              if (b.length <= skip) {
                skip -= b.length;
                continue;
              }
              b = b.subarray(skip);
              skip = 0;
            }
            if (b.length > left) b = b.subarray(0, left);
            left -= b.length;
            yield b;
          }
        };
        const step = SERVE_STEP;
        // A large body streams in fresh reads of its own (through the window it would cost a 256 KB buffer per
        // four chunks for the GC to get back); small ones come from the window.
        const large = end - start > step;
        // One read buffer for all of a large body's pieces: the body server copies what it keeps, and what it hands
        // out is its own. With the pieces served in the addon little else is garbage, so fresh read buffers piled up
        // until V8 noticed the memory (a 200 MB RETR peaked ~8 MB higher).
        const readBuf = large ? Buffer.allocUnsafe(step) : null;
        // Where the body is is asked of the index at each piece: if the file changed under us, the index is brought
        // up to date and the piece read again where the message is now (see moved()).
        let raw = 0;
        let resyncs = 0;
        while (left > 0) {
          const pos = self.idx.bodyStart(r) + raw;
          const stop = self.idx.bodyEnd(r);
          if (pos >= stop) break;
          const n = Math.min(step, stop - pos);
          const chunk = readBuf !== null ? readBuf.subarray(0, readInto(self.fd, readBuf, 0, n, pos)) : self.readRange(pos, n);
          if (chunk.length === 0) break;
          if (resyncs < MAX_RESYNCS && !self.trusted(chunk) && (await self.moved(r))) {
            resyncs++;
            continue;
          }
          raw += chunk.length;
          yield* emit(server.push(chunk));
        }
        if (left > 0) yield* emit(server.end());
        if (want !== null && left !== 0) throw new MailboxError('CORRUPT', `body of UID ${self.idx.uid(r)} changed on disk`);
      },
    };
  }

  message(seq: number): SizedBody {
    const r = this.row(seq);
    this.sizes(r);
    const hsize = this.idx.headerSize(r);
    const body = this.text(seq);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      size: hsize + body.size,
      async *chunks(): AsyncIterable<Uint8Array> {
        yield await self.header(seq);
        yield* body.chunks();
      },
    };
  }

  // ---------------------------------------------------------------- flags

  private keywordBit(name: string, create: boolean): number {
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
   * Changes flags in memory, and notes each change as a delta (flag-deltas.ts) that is applied again to the flags on
   * disk when it is written: a change another session wrote meanwhile is kept. Every message named gets a delta,
   * even one whose flags in memory do not change: the file may say otherwise by the time it is written.
   */
  setFlags(seqs: Iterable<number>, op: 'add' | 'remove' | 'replace', flags: number, keywords: readonly string[]): FlagsUndo {
    this.live();
    if (this.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
    const base = { keywords: this.base.keywords.length, keywordsChanged: this.keywordsChanged, baseDirty: this.baseDirty, uidLast: this.base.uidLast };
    const forgetKeywords = (): void => {
      this.base.keywords.length = base.keywords;
      this.keywordsChanged = base.keywordsChanged;
      if (this.base.uidLast === base.uidLast) this.baseDirty = base.baseDirty;
    };
    let mask = 0;
    const x = this.idx;
    // Each row named and what it was: flags, keywords, its Dirty/FlagsDirty bits; and its delta before.
    const undo: Undo = { rows: [], deltas: [] };
    try {
      for (const k of keywords) mask |= this.keywordBit(k, op !== 'remove');
      mask >>>= 0;
      for (const seq of seqs) {
        const r = this.row(seq);
        if (x.bits(r) & Bit.Gone) continue;
        const f0 = x.flags(r);
        const k0 = x.keywordMask(r);
        undo.rows.push(r, f0, k0, x.bits(r) & (Bit.Dirty | Bit.FlagsDirty), x.uid(r));
        undo.deltas.push(this.deltas.change(x.uid(r), op, flags, mask));
        const f1 = op === 'add' ? f0 | flags : op === 'remove' ? f0 & ~flags : flags;
        const k1 = (op === 'add' ? k0 | mask : op === 'remove' ? k0 & ~mask : mask) >>> 0;
        x.addBits(r, Bit.FlagsDirty);
        if (f1 !== f0 || k1 !== k0) {
          x.setFlags(r, f1);
          x.setKeywordMask(r, k1);
          x.addBits(r, Bit.Dirty);
        }
      }
    } catch (e) {
      // LIMIT (keyword table full) or a bad number: nothing changed.
      this.restoreRows(undo);
      forgetKeywords();
      throw e;
    }
    const added = this.base.keywords.length;
    return () => {
      if (this.closed) return;
      this.restoreRows(undo);
      // Keywords this change defined are forgotten again, unless others were defined since or a row has one.
      if (added > base.keywords && this.base.keywords.length === added) {
        let used = 0;
        for (let r = 0; r < this.idx.length; r++) used |= this.idx.keywordMask(r);
        if ((used >>> base.keywords) === 0) forgetKeywords();
      }
    };
  }

  /**
   * Puts rows back as {@link setFlags} noted them, and their deltas. The row numbers hold while no update was
   * handed over; a row that moved since (its UID is elsewhere now) is left as it is.
   */
  private restoreRows(undo: Undo): void {
    const x = this.idx;
    const rows = undo.rows;
    for (let i = rows.length - 5, j = undo.deltas.length - 1; i >= 0; i -= 5, j--) {
      const r = rows[i] as number;
      const uid = rows[i + 4] as number;
      this.deltas.restore(uid, undo.deltas[j] ?? null);
      if (r >= x.length || x.uid(r) !== uid) continue;
      x.setFlags(r, rows[i + 1] as number);
      x.setKeywordMask(r, rows[i + 2] as number);
      x.clearBits(r, Bit.Dirty | Bit.FlagsDirty);
      // A row whose UID is still to be written stays to be written.
      x.addBits(r, (rows[i + 3] as number) | (x.bits(r) & Bit.NewUid ? Bit.Dirty : 0));
    }
  }

  /** The client was just shown these messages' flags: changes to them noticed so far need not be reported again. */
  flagsShown(seqs: Iterable<number>): void {
    if (this.flagChanged.size === 0) return;
    for (const seq of seqs) this.flagChanged.delete(this.idx.uid(this.row(seq)));
  }

  /** Every delta was written, or there was nothing to write: none is kept for a later write. */
  private settleDeltas(): void {
    if (this.deltas.size === 0) return;
    for (let r = 0; r < this.idx.length; r++) this.idx.clearBits(r, Bit.FlagsDirty);
    this.deltas.clear();
  }

  // ---------------------------------------------------------------- scanning

  /**
   * Scans the whole file and makes the index match it. On the first scan (`initial`) the index is built; later
   * it is reconciled by UID with what the client knows. Caller holds the read or write locks.
   */
  private rescan(initial: boolean): void {
    const st = fstatSync(this.fd, { bigint: true });
    const size = Number(st.size);
    const fresh = new MessageIndex(Math.max(64, this.idx.length + 16));
    let found: { uidValidity: number; uidLast: number } | null = null;
    const keywords: string[] = [];
    let pseudo: { start: number; end: number } | null = null;
    let keywordsGrew = false;
    let uidLast = 0;
    let prevUid = 0;
    let first = true;
    const src = new FdSource(this.fd, size);
    const result = scanMbox(src, { localZone: this.localZone, window: this.opts.window, lazyBodies: true }, (m) => {
      if (first) {
        first = false;
        if (m.base) {
          found = { uidValidity: m.base.uidValidity, uidLast: m.base.uidLast };
          keywords.push(...m.base.keywords.filter(isAtom).slice(0, MAX_KEYWORDS));
          uidLast = m.base.uidLast;
          if (m.base.pseudo) {
            pseudo = { start: m.start, end: m.end };
            return;
          }
        }
      }
      // X-UID is believed only under a known UIDVALIDITY, and only while UIDs increase.
      let uid: number;
      let bits = 0;
      if (found && m.uid > prevUid) {
        uid = m.uid;
        if (uid > uidLast) uidLast = uid;
      } else {
        uid = ++uidLast;
        bits |= Bit.NewUid | Bit.Dirty;
        if (found && m.uid > 0) {
          // UW would start a new UIDVALIDITY for the whole mailbox here; renumbering one message is kinder.
          this.env.logger.log('warning', `${this.path}: message at offset ${m.start} has X-UID ${m.uid}, not above ` +
            `${prevUid}; it gets UID ${uid}`);
        }
      }
      prevUid = uid;
      let mask = 0;
      for (const k of m.keywords ?? []) {
        let i = keywords.indexOf(k);
        if (i < 0 && keywords.length < MAX_KEYWORDS && isAtom(k)) {
          i = keywords.push(k) - 1;
          keywordsGrew = true;
        }
        if (i >= 0) mask |= 1 << i;
        else this.env.logger.log('warning', `${this.path}: keyword ${JSON.stringify(k)} dropped (not an atom, or table full)`);
      }
      if (!m.old) bits |= Bit.Recent | (this.readOnly || !this.claims ? 0 : Bit.Dirty);
      fresh.push(m, uid, m.flags, mask >>> 0, bits);
    });
    if (result.garbage) throw new MailboxError('NOTMAILBOX', `${this.path} is not an mbox file`);
    const f = found as { uidValidity: number; uidLast: number } | null;
    // Without UID data the mailbox starts a new UIDVALIDITY (an open session keeps the one it gave).
    const validity = f ? f.uidValidity :
      initial || this.base.uidValidity === 0 ? Math.floor(this.env.clock.now() / 1000) : this.base.uidValidity;
    const base = { uidValidity: validity, uidLast, keywords };
    // UIDs given here must be recorded as used (UW's X-IMAP/X-IMAPbase last UID) when they are written, or a later
    // session could give them again to other messages (RFC 3501 §2.3.1.1).
    const baseDirty = keywordsGrew || (!f && fresh.length > 0) || (f !== null && uidLast > f.uidLast);
    if (initial) {
      this.indexed = true;
      this.idx = fresh;
      this.base = base;
      this.pseudo = pseudo;
      this.baseDirty = baseDirty;
      this.newValidity = !f && fresh.length > 0;
      this.noValidity = !f;
    } else {
      this.reconcile(fresh, base, pseudo, baseDirty);
    }
    this.snap = snapshotOf(st);
  }

  /** Merges a fresh scan into the index by UID (see the module comment). */
  private reconcile(fresh: MessageIndex, base: { uidValidity: number; uidLast: number; keywords: string[] },
    pseudo: { start: number; end: number } | null, baseDirty: boolean): void {
    if (base.uidValidity !== this.base.uidValidity) {
      throw new MailboxError('CORRUPT', `UIDVALIDITY of ${this.path} changed from ${this.base.uidValidity} to ${base.uidValidity}`);
    }
    // Keyword numbering may differ: map fresh keyword bits onto ours, adding new names.
    const map: number[] = [];
    for (const k of base.keywords) {
      let i = this.base.keywords.indexOf(k);
      if (i < 0 && this.base.keywords.length < MAX_KEYWORDS) {
        i = this.base.keywords.push(k) - 1;
        this.keywordsChanged = true;
      }
      map.push(i);
    }
    const remap = (mask: number): number => {
      let out = 0;
      for (let i = 0; i < map.length; i++) if (mask & (1 << i) && (map[i] ?? -1) >= 0) out |= 1 << (map[i] as number);
      return out >>> 0;
    };
    const old = this.idx;
    const next = new MessageIndex(Math.max(64, fresh.length + 16));
    let j = 0;
    for (let r = 0; r < old.length; r++) {
      const uid = old.uid(r);
      while (j < fresh.length && fresh.uid(j) < uid) {
        // A UID we never knew, below one we know: UIDs can only have been renumbered.
        if (r < this.reported) {
          throw new MailboxError('CORRUPT', `${this.path}: message UID ${fresh.uid(j)} appeared below known UID ${uid}`);
        }
        j++;
      }
      if (j < fresh.length && fresh.uid(j) === uid) {
        const n = next.pushRow(old, r);
        next.setLayout(n, fresh.layout(j));
        next.setMetaHash(n, fresh.metaHash(j));
        const fb = fresh.bits(j);
        const ob = old.bits(r);
        // Sizes and body form come from the file; \Recent and unwritten changes are this session's.
        let bits = (fb & (Bit.Old | Bit.Verbatim | Bit.Quoted)) | (ob & (Bit.Recent | Bit.FlagsDirty));
        if (fb & Bit.NewUid) bits |= Bit.NewUid | Bit.Dirty; // its UID is still not on disk
        if (ob & Bit.Recent && !(fb & Bit.Old) && !this.readOnly) bits |= Bit.Dirty;
        // The file's flags, with this session's unwritten changes applied to them again (flag-deltas.ts).
        const ff = fresh.flags(j);
        const fk = remap(fresh.keywordMask(j));
        const { flags: f, keywords: k } = ob & Bit.FlagsDirty ? this.deltas.apply(uid, ff, fk) : { flags: ff, keywords: fk };
        if (f !== ff || k !== fk) bits |= Bit.Dirty;
        next.setBits(n, bits);
        if (f !== old.flags(r) || k !== old.keywordMask(r)) {
          next.setFlags(n, f);
          next.setKeywordMask(n, k);
          if (r < this.reported) this.flagChanged.add(uid);
        }
        j++;
      } else {
        // Gone from the file: keep the row (marked) until the client is told.
        const n = next.pushRow(old, r);
        next.addBits(n, Bit.Gone);
        next.clearBits(n, Bit.Dirty | Bit.FlagsDirty);
      }
    }
    for (; j < fresh.length; j++) {
      const n = next.pushRow(fresh, j);
      next.setKeywordMask(n, remap(fresh.keywordMask(j)));
    }
    this.idx = next;
    this.pseudo = pseudo;
    this.base.uidLast = Math.max(this.base.uidLast, base.uidLast);
    this.baseDirty = this.baseDirty || baseDirty;
  }

  /** Scans mail appended since the last look, from `from` (the old end of the file). Caller holds the locks. */
  private scanTail(from: number, st: BigIntStats): void {
    const size = Number(st.size);
    const src = new FdSource(this.fd, size);
    let prevUid = this.idx.length ? this.idx.uid(this.idx.length - 1) : 0;
    const atFileStart = this.idx.length === 0 && this.pseudo === null;
    let first = true;
    scanMbox(src, { start: from, atFileStart, localZone: this.localZone, window: this.opts.window, lazyBodies: true },
      (m) => {
        if (first && atFileStart && m.base) {
          if (this.base.uidValidity === 0 || this.idx.length === 0) {
            this.base.uidValidity = m.base.uidValidity;
            this.base.uidLast = Math.max(this.base.uidLast, m.base.uidLast);
          }
          for (const k of m.base.keywords) this.keywordBit(k, true);
        }
        first = false;
        let uid: number;
        let bits = 0;
        if (m.uid > prevUid && m.uid > 0) {
          uid = m.uid;
          if (uid > this.base.uidLast) this.base.uidLast = uid;
        } else {
          uid = ++this.base.uidLast;
          bits |= Bit.NewUid | Bit.Dirty;
          this.baseDirty = true;
        }
        prevUid = uid;
        let mask = 0;
        for (const k of m.keywords ?? []) {
          if (!isAtom(k)) continue;
          try {
            mask |= this.keywordBit(k, true);
          } catch {
            /* keyword table full: drop it, as UW does */
          }
        }
        if (!m.old) bits |= Bit.Recent | (this.readOnly || !this.claims ? 0 : Bit.Dirty);
        this.idx.push(m, uid, m.flags, mask >>> 0, bits);
      });
    this.snap = snapshotOf(st);
  }

  /** True when every known message's metadata lines still read as they did (nobody rewrote them in place). */
  private metadataIntact(): boolean {
    const x = this.idx;
    for (let r = 0; r < x.length; r++) {
      if (x.bits(r) & Bit.Gone) continue;
      const ms = x.metaStart(r);
      const region = ms >= 0 ? this.readRange(ms, x.metaEnd(r) - ms) :
        this.readRange(x.headerStart(r), x.bodyStart(r) - x.headerStart(r));
      if (metaHashOf(region) !== x.metaHash(r)) return false;
    }
    if (this.pseudo) {
      // The pseudo-message holds the base data; any change there means a rewrite.
      const len = this.pseudo.end - this.pseudo.start;
      if (this.readRange(this.pseudo.start, Math.min(len, 5)).toString('latin1') !== 'From ') return false;
    }
    return true;
  }

  /** Brings the index up to date with the file. Caller holds the read or write locks. */
  private syncLocked(): void {
    const st = fstatSync(this.fd, { bigint: true });
    const snap = this.snap;
    if (snap && sameSnapshot(snapshotOf(st), snap)) return;
    const size = Number(st.size);
    if (snap && size > snap.size && this.tailStartsMessage(snap.size) && this.metadataIntact()) {
      this.scanTail(snap.size, st);
      return;
    }
    this.rescan(false);
  }

  /** True when the bytes from `at` on begin (after blank bytes) with a `From ` line. */
  private tailStartsMessage(at: number): boolean {
    const b = this.readRange(at, 4096);
    let i = 0;
    while (i < b.length && (b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x20 || b[i] === 0x09)) i++;
    let e = b.indexOf(0x0a, i);
    if (e < 0) e = b.length;
    return i < b.length && isFromLine(b, i, e);
  }

  async sync(): Promise<void> {
    this.live();
    // A file replaced under the same name (some tools rewrite by rename) is reopened.
    let pathSt;
    try {
      pathSt = statSync(this.path, { bigint: true });
    } catch (e) {
      throw fsError(e, this.path);
    }
    const fdSt = fstatSync(this.fd, { bigint: true });
    this.win = null;
    if (pathSt.ino !== fdSt.ino || pathSt.dev !== fdSt.dev) {
      const fd = openSync(this.path, this.readOnly ? constants.O_RDONLY : constants.O_RDWR);
      closeSync(this.fd);
      this.fd = fd;
      this.snap = null;
    } else if (this.snap && sameSnapshot(snapshotOf(fdSt), this.snap)) {
      // Mail a write of ours found (new rows while it held the lock) is still settled here.
      await this.settleRecent();
      return;
    }
    await this.withLock('shared', () => {
      if (this.snap === null) this.rescan(false);
      else this.syncLocked();
    });
    await this.settleRecent();
  }

  takeUpdates(allowExpunge: boolean): MailboxUpdate[] {
    const out: MailboxUpdate[] = [];
    const x = this.idx;
    if (allowExpunge) {
      let removed = 0;
      let known = this.reported;
      for (let r = 0; r < x.length; r++) {
        if (x.bits(r) & Bit.Gone) {
          if (r < this.reported) {
            out.push({ kind: 'expunge', seq: r + 1 - removed });
            removed++;
            known--;
          }
        }
      }
      if (removed || x.length !== this.countLive()) {
        x.filter((r) => !(x.bits(r) & Bit.Gone));
        this.reported = known;
      }
    }
    if (this.keywordsChanged) {
      out.push({ kind: 'keywords', keywords: this.base.keywords.slice() });
      this.keywordsChanged = false;
    }
    for (const uid of this.flagChanged) {
      const seq = this.seqOf(uid);
      if (seq !== undefined) out.push({ kind: 'flags', seq });
    }
    this.flagChanged.clear();
    if (x.length > this.reported) {
      this.reported = x.length;
      out.push({ kind: 'exists', count: x.length });
      let recent = 0;
      for (let r = 0; r < x.length; r++) if (x.bits(r) & Bit.Recent) recent++;
      out.push({ kind: 'recent', count: recent });
    }
    return out;
  }

  private countLive(): number {
    let n = 0;
    for (let r = 0; r < this.idx.length; r++) if (!(this.idx.bits(r) & Bit.Gone)) n++;
    return n;
  }

  // ---------------------------------------------------------------- writing

  private anyDirty(): boolean {
    if (this.baseDirty) return true;
    for (let r = 0; r < this.idx.length; r++) {
      if ((this.idx.bits(r) & (Bit.Dirty | Bit.Gone)) === Bit.Dirty) return true;
    }
    return false;
  }

  async checkpoint(): Promise<void> {
    this.live();
    if (this.readOnly) return;
    if (!this.anyDirty()) {
      // Nothing of ours to write: no lock taken (a CHECK, or a STORE that changed nothing, needs no room on disk).
      // A STORE that changed nothing in memory changes nothing on disk either when the file is as we last read it:
      // it is then ordered before any later writer's change.
      if (this.deltas.size === 0) return;
      if (this.snap && sameSnapshot(snapshotOf(fstatSync(this.fd, { bigint: true })), this.snap)) {
        this.settleDeltas();
        return;
      }
    }
    await this.withLock('exclusive', () => {
      this.syncLocked();
      if (this.anyDirty()) this.writeLocked(null);
      else this.settleDeltas();
    });
  }

  async expunge(uids?: ReadonlySet<number>): Promise<number[]> {
    this.live();
    if (this.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
    // Nothing \Deleted that the client knows of and nothing of ours to write: no lock taken, so an EXPUNGE or CLOSE
    // with nothing to do needs no room on disk (a dotlock takes a page).
    if (!this.anyDirty()) {
      const x = this.idx;
      let any = false;
      for (let r = 0; r < x.length && !any; r++) {
        any = !(x.bits(r) & Bit.Gone) && (x.flags(r) & Flag.Deleted) !== 0 && (!uids || uids.has(x.uid(r)));
      }
      if (!any) return [];
    }
    return this.withLock('exclusive', () => {
      this.syncLocked();
      const x = this.idx;
      const gone = new Set<number>();
      for (let r = 0; r < x.length; r++) {
        if (x.bits(r) & Bit.Gone || !(x.flags(r) & Flag.Deleted)) continue;
        if (uids && !uids.has(x.uid(r))) continue;
        gone.add(r);
      }
      if (gone.size === 0 && !this.anyDirty()) {
        this.settleDeltas();
        return [];
      }
      this.writeLocked(gone);
      const out: number[] = [];
      for (const r of gone) {
        out.push(x.uid(r));
        x.addBits(r, Bit.Gone);
      }
      return out.sort((a, b) => a - b);
    });
  }

  /**
   * Writes the in-memory state to the file: metadata blocks of dirty rows, the base data, and (when `drop` is
   * given) without the rows in it. Caller holds the write locks and has just synced.
   */
  private writeLocked(drop: ReadonlySet<number> | null): void {
    const x = this.idx;
    const pieces = new PieceList(2 * x.length + 16);
    let pos = 0;
    const oldSize = this.snap?.size ?? fstatSync(this.fd).size;
    const copy = (from: number, to: number): void => {
      if (to <= from) return;
      pieces.copy(from, to - from);
      pos += to - from;
    };
    const data = (b: Buffer): void => {
      pieces.bytes(b);
      pos += b.length;
    };
    const text = (s: string): void => {
      pieces.latin1(s);
      pos += s.length;
    };
    const live: number[] = [];
    for (let r = 0; r < x.length; r++) if (!(x.bits(r) & Bit.Gone) && !drop?.has(r)) live.push(r);
    const baseInfo: BaseInfo = { uidValidity: this.base.uidValidity, uidLast: this.base.uidLast, keywords: this.base.keywords };
    const now = this.env.clock.now();
    const nowDate = { time: now, zone: this.env.clock.zoneAt(now) };
    // The pseudo-message: kept as it is unless the base data changed; created when the file would hold no mail.
    const usePseudo = this.pseudo !== null || live.length === 0;
    // Which row holds X-IMAPbase now (the first in the file, when there is no pseudo-message).
    let baseRow = -1;
    if (!this.pseudo) for (let r = 0; r < x.length && baseRow < 0; r++) if (!(x.bits(r) & Bit.Gone)) baseRow = r;
    if (this.pseudo) {
      if (this.baseDirty) {
        data(Buffer.from(formatPseudoMessage(baseInfo, nowDate, this.env.hostname), 'latin1'));
      } else {
        copy(this.pseudo.start, this.pseudo.end);
      }
    } else if (live.length === 0) {
      data(Buffer.from(formatPseudoMessage(baseInfo, nowDate, this.env.hostname), 'latin1'));
    }
    // Where each live row will be (7 offsets per row, in RowLayout's order), and its new block's hash (-1: none).
    const layouts = new Float64Array(live.length * 7);
    const hashes = new Float64Array(live.length).fill(-1);
    let firstRow = true;
    let absorbTries = ABSORB_TRIES;
    for (let k = 0; k < live.length; k++) {
      const r = live[k] as number;
      const needBase = firstRow && !usePseudo;
      const rewriteBlock = (x.bits(r) & Bit.Dirty) !== 0 || x.metaStart(r) < 0 ||
        (needBase && (this.baseDirty || r !== baseRow));
      const startNew = pos;
      const start = x.start(r);
      const headerStart = x.headerStart(r);
      const bodyStart = x.bodyStart(r);
      const end = x.end(r);
      const metaStart = x.metaStart(r);
      const metaEnd = x.metaEnd(r);
      let metaStartNew: number;
      let metaEndNew: number;
      let headerStartNew = headerStart - start + startNew;
      let bodyStartNew: number;
      // Blocks keep their size where they can (X-Keywords padding), and when one before grew (a flag added to a
      // block with no padding left, X-IMAPbase gaining a digit), the next blocks with room take the bytes back: the
      // rest of the file then does not move, and a STORE stays a few bytes rewritten in place rather than the
      // whole tail of the mailbox. (UW pads new blocks to 50 bytes and rewrites the tail when one outgrows it.)
      const shift = startNew - start;
      const target = metaStart >= 0 ? metaEnd - metaStart - Math.max(0, shift) : undefined;
      const fields = (): BlockFields => ({
        // `O` marks the message seen by a session: ours, unless this is only a short open (an APPEND) that
        // rewrites a block for its UID; then a new message stays new (\Recent) for the next session.
        flags: x.flags(r), old: (x.bits(r) & Bit.Old) !== 0 || this.claims, keywords: this.keywordNames(x.keywordMask(r)), uid: x.uid(r),
        base: needBase ? baseInfo : null,
      });
      let block: string | null = null;
      if (rewriteBlock) {
        block = formatStatusBlock(fields(), target);
      } else if (shift > 0 && target !== undefined && absorbTries > 0) {
        absorbTries--;
        const b = formatStatusBlock(fields(), target);
        if (b.length === target) block = b;
      }
      if (shift <= 0) absorbTries = ABSORB_TRIES;
      if (block === null) {
        copy(start, end);
        metaStartNew = metaStart - start + startNew;
        metaEndNew = metaEnd - start + startNew;
        bodyStartNew = bodyStart - start + startNew;
      } else {
        if (metaStart >= 0) {
          // Replace the run of metadata lines where it stands.
          copy(start, metaStart);
          metaStartNew = pos;
          text(block);
          hashes[k] = metaHashOf(pieces.dataOf(pieces.count - 1));
          metaEndNew = pos;
          copy(metaEnd, bodyStart);
          bodyStartNew = pos;
        } else {
          // No run (or a scattered one): the header without metadata lines, then the block, then the empty line.
          copy(start, headerStart);
          headerStartNew = pos;
          const raw = this.readRange(headerStart, bodyStart - headerStart);
          const { kept, blank } = stripMeta(raw);
          data(kept);
          metaStartNew = pos;
          text(block);
          hashes[k] = metaHashOf(pieces.dataOf(pieces.count - 1));
          metaEndNew = pos;
          data(blank);
          bodyStartNew = pos;
        }
        copy(bodyStart, end);
      }
      const endNew = pos;
      const o = k * 7;
      layouts[o] = startNew;
      layouts[o + 1] = headerStartNew;
      layouts[o + 2] = bodyStartNew;
      layouts[o + 3] = x.bodyEnd(r) - end + endNew;
      layouts[o + 4] = endNew;
      layouts[o + 5] = metaStartNew;
      layouts[o + 6] = metaEndNew;
      firstRow = false;
    }
    const ropts = this.rewriteOpts();
    let result;
    try {
      result = rewriteFile(this.fd, oldSize, pieces, ropts);
    } catch (e) {
      // An I/O error (a full disk) part way: put the file right from the journal now, so that neither this session
      // nor the next reads a half-moved file; the index no longer matches what is on disk, so read it again.
      try {
        const r = recoverJournal(this.fd, ropts);
        this.env.logger.log('err', `${this.path}: rewrite failed (${String(e)}); journal ${r.action}`);
      } catch (e2) {
        this.env.logger.log('err', `${this.path}: rewrite failed (${String(e)}) and so did its recovery (${String(e2)}); the journal is kept`);
      }
      this.snap = null;
      throw writeError(e, this.path);
    }
    if (usePseudo) {
      const plen = this.pseudo && !this.baseDirty ? this.pseudo.end - this.pseudo.start : pieces.count > 0 && pieces.isData(0) ? pieces.len[0] as number : 0;
      this.pseudo = { start: 0, end: plen };
    }
    for (let k = 0; k < live.length; k++) {
      const r = live[k] as number;
      x.setLayoutFrom(r, layouts, k * 7);
      const h = hashes[k] as number;
      if (h >= 0) x.setMetaHash(r, h);
      x.clearBits(r, Bit.Dirty | Bit.NewUid | Bit.FlagsDirty);
      if (this.claims) x.addBits(r, Bit.Old);
    }
    this.settleDeltas();
    this.baseDirty = false;
    if (result.mode !== 'none' && this.snap) advanceMtime(this.fd, this.snap.mtimeNs);
    this.snap = snapshotOf(fstatSync(this.fd, { bigint: true }));
    if (result.mode !== 'none') this.env.logger.log('debug', `${this.path}: rewrote (${result.mode}), ${result.size} bytes`);
  }

  /**
   * Appends messages with UIDs (IMAP APPEND, COPY): under the write locks, after making sure every message
   * already in the file has its UID written (so the new, higher UIDs stay in ascending file order), then updates
   * the base data. Returns the UIDs given.
   *
   * All or nothing: when a message cannot be written (a full disk or quota part way: OVERQUOTA), when
   * `opts.beforeCommit` throws, or when the base data cannot be updated, the file is cut back to its size before the
   * first message (still under the lock, so no other writer's mail is cut) and the index, UID counter and keywords
   * are as they were. The UIDs are given again by the next append. (Writing the UIDs of earlier messages first is
   * not undone: it is a change of its own, complete when made.)
   */
  async append(msgs: AsyncIterable<AppendMessage>, opts: AppendOptions = {}): Promise<number[]> {
    this.live();
    if (this.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
    return this.withLock('exclusive', async () => {
      // A fragment a writer killed since we opened left was taken out as the locks were taken (withLock).
      this.syncLocked();
      let needWrite = this.baseDirty;
      for (let r = 0; r < this.idx.length && !needWrite; r++) {
        if ((this.idx.bits(r) & (Bit.NewUid | Bit.Gone)) === Bit.NewUid) needWrite = true;
      }
      if (needWrite) this.writeLocked(null);
      // What taking the messages out again puts back.
      const saved = {
        keywords: this.base.keywords.length, keywordsChanged: this.keywordsChanged, baseDirty: this.baseDirty,
        uidLast: this.base.uidLast, rows: this.idx.length, snap: this.snap,
      };
      // A MOVE's source: a mailbox of this driver (the records of both sides are one protocol: move-record.ts).
      const move = opts.moveFrom;
      const source = move ? move.box : null;
      if (source !== null && !(source instanceof MboxMailbox)) throw new MailboxError('IO', 'cannot move from another kind of mailbox');
      const w = new TailWriter(this.fd, this.opts.fsync, this.path, this.opts.journalDir, this.env.logger,
        source ? source.fileId() : null);
      const from = w.startSize;
      let end = -1;
      const takeBack = (e: unknown): MailboxError => {
        const err = writeError(e, this.path);
        // Cut only a file that ends where our messages end: one that does not (a rewrite of the base data that failed
        // after it had moved data, which a full disk cannot cause) keeps them rather than losing others' bytes.
        if (end < 0 || fstatSync(this.fd).size === end) {
          w.abort();
          this.idx.filter((r) => r < saved.rows);
          this.base.keywords.length = saved.keywords;
          this.keywordsChanged = saved.keywordsChanged;
          this.baseDirty = saved.baseDirty;
          this.base.uidLast = saved.uidLast;
          this.snap = saved.snap === null ? null : snapshotOf(fstatSync(this.fd, { bigint: true }));
        } else {
          this.env.logger.log('err', `${this.path}: appended messages kept after a failure that moved data: ${err.message}`);
          this.snap = null;
        }
        return err;
      };
      const uids: number[] = [];
      const emptyFile = this.idx.length === 0 && this.pseudo === null && from === 0;
      let uid = this.base.uidLast;
      try {
        for await (const m of msgs) {
          uid++;
          const kw: string[] = [];
          for (const k of m.keywords) {
            this.keywordBit(k, true);
            kw.push(k);
          }
          const first = emptyFile && uids.length === 0;
          const thisUid = uid;
          await w.message(m, this.env, () => formatStatusBlock({
            flags: m.flags, old: false, keywords: this.base.keywords.filter((k) => kw.includes(k)), uid: thisUid,
            base: first ? { uidValidity: this.base.uidValidity, uidLast: thisUid, keywords: this.base.keywords } : null,
          }));
          uids.push(thisUid);
        }
        if (uids.length === 0) return uids;
        if (source) await w.complete();
        else await w.finish();
        end = w.size;
        const st = fstatSync(this.fd, { bigint: true });
        this.scanTail(from, st);
        // Written as they should be; left without `O`, so the next session sees them as \Recent (as UW), unless this
        // is a session's own mailbox (COPY into the selected mailbox), which claims them as for any new mail.
        for (let r = saved.rows; r < this.idx.length; r++) {
          this.idx.clearBits(r, Bit.NewUid);
          if (!(this.claims && this.idx.bits(r) & Bit.Recent)) this.idx.clearBits(r, Bit.Dirty);
        }
        this.base.uidLast = Math.max(this.base.uidLast, uid);
        this.baseDirty = true;
        // A MOVE commits here, under the source's lock, and expunges its source: if that fails, the copies go again,
        // and the base data was not touched yet.
        if (source && move) {
          const st = fstatSync(this.fd, { bigint: true });
          await source.moveOut(move.uids, { dev: st.dev, ino: st.ino, start: from }, this.opts.journalDir, source === this,
            () => w.commit());
        }
      } catch (e) {
        throw takeBack(e);
      }
      try {
        this.writeLocked(null);
      } catch (e) {
        // No room for the new last UID (a metadata block that had to grow, its rewrite refused before it began).
        if (!source) throw takeBack(e);
        // The source of a MOVE is gone already: the messages stay, with their X-UIDs, and the counter is written
        // by the next write (our index keeps it dirty).
        this.env.logger.log('err', `${this.path}: UID counter not updated after a MOVE: ${String(e)}`);
      }
      return uids;
    });
  }

  /**
   * Writes what is still to be written (under the write locks), then closes. Takes no lock and writes nothing when
   * nothing of this session's is pending, so a close after every change was written cannot fail (and needs no room
   * on disk). Throws the write's error (OVERQUOTA on a full disk) after closing all the same: what was pending is
   * then not on disk.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.readOnly && this.anyDirty()) {
        await this.withLock('exclusive', () => {
          this.syncLocked();
          if (this.anyDirty()) this.writeLocked(null);
        });
      }
      if (!this.readOnly) {
        // As UW: atime now, mtime before it, so "you have new mail" checks see the mail as read.
        const st = fstatSync(this.fd);
        const now = this.env.clock.now() / 1000;
        const mtime = st.mtimeMs / 1000 < now ? st.mtimeMs / 1000 : now - 1;
        try {
          futimesSync(this.fd, now, mtime);
        } catch {
          // Only the file's owner may set its times (a shared folder); they are a courtesy to biff and shells.
        }
      }
    } finally {
      this.closed = true;
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Splits raw header bytes into the lines that are not metadata (stored form) and the final empty line. */
function stripMeta(raw: Buffer): { kept: Buffer; blank: Buffer } {
  const kept: Buffer[] = [];
  let hidden = false;
  let s = 0;
  let blank = Buffer.alloc(0);
  while (s < raw.length) {
    let nl = raw.indexOf(0x0a, s);
    if (nl < 0) nl = raw.length;
    const line = raw.subarray(s, Math.min(raw.length, nl + 1));
    const e = nl > s && raw[nl - 1] === 0x0d ? nl - 1 : nl;
    if (e === s) {
      blank = Buffer.from(line);
      break;
    }
    const c = raw[s];
    if (c !== 0x20 && c !== 0x09) hidden = metaHashOf(line) !== metaHashOf(Buffer.alloc(0));
    if (!hidden) kept.push(line);
    s = nl + 1;
  }
  let k = Buffer.concat(kept);
  if (k.length > 0 && k[k.length - 1] !== 0x0a) k = Buffer.concat([k, Buffer.from('\n')]);
  if (blank.length === 0) blank = Buffer.from('\n');
  return { kept: k, blank };
}


/** IMAP atom characters only: keywords must be atoms to be sent back in FLAGS responses. */
function isAtom(k: string): boolean {
  if (k.length === 0 || k.startsWith('\\')) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || '(){%*"\\]'.includes(k[i] as string)) return false;
  }
  return true;
}

