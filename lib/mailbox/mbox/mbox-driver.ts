/**
 * The Unix mbox driver: UW c-client's "unix" driver rebuilt, byte-compatible with UW and Dovecot on disk. This
 * file holds the namespace operations (valid, create, remove, rename, status, append, open, and deliver for a
 * delivery agent); an open mailbox is MboxMailbox (open-mailbox.ts), whose ideas are split as Dovecot splits its
 * mbox storage: its state and locks (mailbox-state.ts), the read path (read-path.ts), flags (flags.ts), sync and
 * reconcile (reconcile.ts), write-back (write-back.ts) and saving into it (mailbox-save.ts, over save.ts).
 */
import { closeSync, constants, existsSync, futimesSync, openSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { AppendMessage, AppendOptions, MailboxDriver, MailboxStatus, OpenMailbox, SnarfSource, StatusWanted } from '../driver.js';
import { deletedTally, MailboxError, mailboxSize } from '../driver.js';
import type { ControlDir } from '../control-dir.js';
import type { MailEnv } from '../../env/env.js';
import { systemClock } from '../../env/env.js';
import { nullLogger } from '../../env/logger.js';
import { readInto } from './byte-source.js';
import { isFromLine } from './from-line.js';
import { type MboxEnv, recoverLocked, TailWriter, writeError } from './save.js';
import { pwriteFully } from './rewrite-forward.js';
import { formatPseudoMessage } from './status-block.js';
import { fsError } from '../fs-errors.js';
import { lockOrThrow, type MailboxLocking } from './mailbox-state.js';
import { MboxMailbox, newUidValidity } from './open-mailbox.js';

/** The open mailbox is MboxMailbox (open-mailbox.ts); `openMbox` returns one. */
export { MboxMailbox };

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

const noLocking: MailboxLocking = { acquire: async () => async () => {} };

export class MboxDriver implements MailboxDriver {
  readonly name = 'mbox';
  private readonly env: MboxEnv;
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
    const saved = this.savedFiles(path);
    try {
      if (statSync(path).isDirectory()) throw new MailboxError('NOTMAILBOX', `${path} is a directory`);
      unlinkSync(path);
    } catch (e) {
      throw fsError(e, path);
    }
    // The mailbox's saved index, change log and field cache describe a file that is gone: of no more use (a
    // mailbox made again under the name would not trust them, but they would stay, the cache as large as 15 % of
    // the mail). The MODSEQ counter and the \Recent claim stay: small, and they hold for the name.
    for (const f of saved) rmSync(f, { force: true });
  }

  async rename(from: string, to: string): Promise<void> {
    if (existsSync(to)) throw new MailboxError('ALREADYEXISTS', `${to} already exists`);
    const saved = this.savedFiles(from);
    try {
      renameSync(from, to);
    } catch (e) {
      throw fsError(e, from);
    }
    // The same file under another name: its saved index, change log and field cache go with it. The rename
    // changed the file's ctime, so the first open scans the file as for any change behind the index, and keeps the
    // index's MODSEQs for the messages that did not change (all of them); the cache's entries (by UID, checked
    // against each message) are found again.
    const moved = this.savedFiles(to);
    saved.forEach((f, k) => {
      try {
        renameSync(f, moved[k] as string);
      } catch {
        rmSync(moved[k] as string, { force: true }); // none to move: nothing of an older mailbox of that name stays
      }
    });
  }

  /** The saved index of the mailbox at `path`, its change log and its field cache (none without a control directory). */
  private savedFiles(path: string): string[] {
    const index = this.opts.control?.fileFor('index', path) ?? null;
    return index === null ? [] : [index, `${index}.log`, `${index}.cache`];
  }

  async status(path: string, want: StatusWanted = {}): Promise<MailboxStatus> {
    // SIZE: the sizes not in the saved index are counted while the mailbox is locked for opening (another writer
    // cannot move the bytes meanwhile), and kept with the index like any count.
    const box = await this.openMbox(path, true, false, (want.size ?? false) || (want.deleted ?? false));
    try {
      const { recent, unseen } = box.tally();
      return {
        messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity,
        highestModseq: box.highestModseq(), mailboxId: box.mailboxId, ...(want.size ? { size: mailboxSize(box) } : {}),
        ...(box.uidValidityStored ? {} : { uidValidityUnset: true as const }),
        ...(want.deleted ? { deleted: deletedTally(box) } : {}),
      };
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

  async open(path: string, opts: { readOnly: boolean; sizes?: boolean; snarf?: SnarfSource }): Promise<OpenMailbox> {
    return this.openMbox(path, opts.readOnly, true, opts.sizes ?? false, opts.snarf ?? null);
  }

  /** Like {@link open}, with the mbox-specific methods (append into the open mailbox). */
  async openMbox(path: string, readOnly: boolean, claimRecent = true, sizes = false, snarf: SnarfSource | null = null): Promise<MboxMailbox> {
    const box = new MboxMailbox(path, readOnly, this.env, this.locking, {
      journalDir: this.journalDir,
      ...(this.opts.legacyJournalDir !== undefined ? { legacyJournalDir: this.opts.legacyJournalDir } : {}),
      fsync: this.opts.fsync ?? true,
      stepSync: this.opts.stepSync ?? false,
      window: this.opts.window ?? 1 << 20,
      sizes,
      control: this.opts.control ?? null,
    }, claimRecent, snarf);
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
