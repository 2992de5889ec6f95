/**
 * The open mbox (MboxMailbox, the {@link OpenMailbox} of this driver): opening (recovery of what a killed writer
 * left, the first scan, a new UIDVALIDITY), change notification, closing, and the interface, each operation handed
 * to the module that holds its idea (mailbox-state.ts lists them).
 */
import { watch, type FSWatcher, closeSync, constants, fstatSync, ftruncateSync, futimesSync, openSync, statSync } from 'node:fs';
import type {
  AppendMessage, AppendOptions, CachedBytes, CachedRun, ChangeWatch, FlagsUndo, MailboxUpdate, MessageMeta, OpenMailbox, SizedBody,
  SnarfSource,
} from '../driver.js';
import { Flag, MailboxError } from '../driver.js';
import { Bit } from './message-index.js';
import type { ControlDir } from '../control-dir.js';
import { fsError } from '../fs-errors.js';
import type { MailEnv } from '../../env/env.js';
import { type MboxEnv, recoverLocked } from './save.js';
import { journalDirs } from './rewrite.js';
import {
  type BoxOptions, lockOrThrow, type MailboxLocking, MailboxState, pendingIn, sameSnapshot, snapshotOf,
} from './mailbox-state.js';
import { anyUnsized, flagColumn, header, message, meta, parseableHeader, sizeAll, sizeColumn, text, uidColumn } from './read-path.js';
import { flagsShown, setFlags } from './flags.js';
import { rescan, settleRecent, sync, syncLocked, takeUpdates } from './reconcile.js';
import { firstLook, quickLook, saveIndex } from './saved-index.js';
import { logRows } from './change-log.js';
import { anyDirty, checkpoint, expunge, storeUnchangedSince, writeLocked } from './write-back.js';
import { append, finishMoveLocked, moveOut } from './mailbox-save.js';
import type { MoveLink } from './move-record.js';
import { FieldCache, fieldId, type RunRows } from './field-cache.js';
import { Snarfer } from './snarf.js';

/** What {@link MboxMailbox.keep} returns when it has nothing to wait for. */
const KEPT: Promise<void> = Promise.resolve();

/** How long a burst of file events settles before a change is reported (a delivery is several writes). */
const CHANGE_SETTLE_MS = 100;

/**
 * A UIDVALIDITY for a mailbox that has none yet: from the user's counter (never repeated for this user, RFC 3501
 * §2.3.1.1), or without one the clock's second, never below `floor` (control-dir.ts).
 */
export async function newUidValidity(control: ControlDir | undefined | null, clock: MailEnv['clock'], floor: number): Promise<number> {
  const nowS = Math.floor(clock.now() / 1000);
  return control ? control.nextUidValidity(nowS, floor) : Math.max(nowS, floor);
}

/**
 * RFC 8474's MAILBOXID of an mbox: `F`, its UIDVALIDITY, `u` and the file owner's uid (`F1733580000u1000`).
 *
 * Derived from the file rather than kept in the control directory beside the special uses, because what UW users
 * do to their mail is done to files: Pine renames `sent-mail` each month, a user runs `mv` on a folder or restores
 * one from a backup, mutt and `mailutil` work on the files directly. The UIDVALIDITY is in the file (the
 * pseudo-message's `X-IMAP:`, or the first message's `X-IMAPbase:`), so it goes wherever the file goes: RENAME
 * (ours or anyone's), a directory renamed with the folders under it, a move between machines. A table by name in
 * the control directory would lose the id at every rename not made through us, and worse, give it to whatever
 * file next took the old name. It is also what RFC 8474 §4 asks of a new mailbox: CREATE writes a pseudo-message
 * with a UIDVALIDITY from the user's counter (control-dir.ts), never given before, so a mailbox deleted and made
 * again under its name gets another id; RENAME INBOX makes a new mailbox (another id) and INBOX keeps its own.
 * The owner's uid keeps two users' ids apart (their counters are separate: each starts from the clock), where one
 * user can open another's folder. Where it falls short, it gives a new id, never another mailbox's: a mailbox
 * whose UID data another program threw away (a new UIDVALIDITY: clients must drop what they know anyway), and a
 * file no session of ours has yet opened read-write (mail a delivery agent made, without UID data: a read-only
 * look such as STATUS draws a UIDVALIDITY it cannot write, so the id holds from the first SELECT on). The one way
 * to give two mailboxes one id is to copy an mbox file with its UID data (`cp`), which duplicates the UIDVALIDITY
 * as well; RFC 3501 already asks that UIDVALIDITY not be so shared.
 */
function mailboxIdOf(uidValidity: number, ownerUid: number): string {
  return `F${uidValidity}u${ownerUid}`;
}

/**
 * inotify on `path` (fs.watch): a delivery is several writes under a lock, so a burst of events is let settle for
 * {@link CHANGE_SETTLE_MS} before `onChange` is called once. A path that cannot be watched (no inotify watches left,
 * a filesystem without it, no file) gives a watch that is not live, and so does one whose watcher fails later.
 */
function watchFile(path: string, onChange: () => void): ChangeWatch {
  let watcher: FSWatcher | null = null;
  let settle: NodeJS.Timeout | null = null;
  const stop = (): void => {
    watcher?.close();
    watcher = null;
    if (settle !== null) clearTimeout(settle);
    settle = null;
  };
  try {
    watcher = watch(path, { persistent: false }, () => {
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

/** An open mbox. See mailbox-state.ts and {@link OpenMailbox}. */
export class MboxMailbox implements OpenMailbox {
  /** The state every module of this folder works on. */
  private readonly s: MailboxState;
  /** The field cache (field-cache.ts), made when first used; null without a saved index to sit beside. */
  private fields: FieldCache | null | undefined;
  /** UW's mbox INBOX: what moves the spool's mail in (snarf.ts); null for every other mailbox, and read-only. */
  private readonly snarfer: Snarfer | null;

  constructor(
    path: string,
    readOnly: boolean,
    env: MboxEnv,
    locking: MailboxLocking,
    opts: BoxOptions,
    /** A session's open claims \Recent; the driver's own short opens (append, status) do not. */
    claims = true,
    /** UW's mbox INBOX: the spool whose mail is moved in (driver.ts's SnarfSource); not when read-only, as UW. */
    snarf: SnarfSource | null = null,
  ) {
    this.s = new MailboxState(path, readOnly, env, locking, opts, claims, finishMoveLocked);
    this.snarfer = snarf === null || readOnly ? null : new Snarfer(snarf, env, async (spool) => {
      // The spool as the driver's own opens take a mailbox: read-write, claiming no \Recent.
      const box = new MboxMailbox(spool, false, env, locking, { ...opts, sizes: false }, false);
      await box.init();
      return box;
    });
  }

  get path(): string {
    return this.s.path;
  }

  get readOnly(): boolean {
    return this.s.readOnly;
  }

  get uidValidity(): number {
    return this.s.base.uidValidity;
  }

  /**
   * Whether the file held its UIDVALIDITY when the mailbox was opened (UW's pseudo-message, or the first message's
   * X-IMAPbase). False for mail a delivery agent wrote that no session has opened read-write yet (and for an empty
   * file): {@link uidValidity} is then one chosen for this open, which a read-only open cannot write, so the next
   * open chooses again. A read-write open writes the one it chose when the mailbox has mail (see {@link init}).
   */
  get uidValidityStored(): boolean {
    return !this.s.noValidity;
  }

  /** See {@link mailboxIdOf}. */
  get mailboxId(): string {
    return mailboxIdOf(this.s.base.uidValidity, fstatSync(this.s.fd).uid);
  }

  /**
   * inotify on the mailbox's path ({@link watchFile}), and for UW's mbox INBOX on the spool too (snarf.ts: told
   * when a snarf can move the new mail). A file replaced by rename is not seen by a watch on the old inode: callers
   * keep a slow poll.
   */
  notifyChanges(onChange: () => void): ChangeWatch {
    const own = watchFile(this.path, onChange);
    // UW's mbox INBOX: a delivery to the spool is a change too, which the next sync moves in.
    const spool = this.snarfer?.watch(watchFile, onChange) ?? null;
    return {
      get live() {
        return own.live;
      },
      stop: () => {
        own.stop();
        spool?.stop();
      },
    };
  }

  /** Opens the file, finishes an interrupted rewrite if one is found, and indexes the mailbox. */
  async init(): Promise<void> {
    const box = this.s;
    await this.recover();
    try {
      box.fd = openSync(box.path, box.readOnly ? constants.O_RDONLY : constants.O_RDWR);
    } catch (e) {
      throw fsError(e, box.path);
    }
    try {
      await this.firstOpen();
      // UW's mbox INBOX: the spool's mail is moved in before the session sees the mailbox (mbox_open pings), so it
      // is part of what SELECT (or POP3's login) finds, \Recent here. A failure is logged, and the mailbox opens.
      if (this.snarfer !== null && (await this.snarfer.run(this, box.path)) > 0 && box.opts.sizes && anyUnsized(box)) {
        // POP3's sizes are counted under the locks, as at open (MailboxDriver.open).
        await box.withLock('shared', () => sizeAll(box));
      }
      await settleRecent(box);
      box.reported = box.idx.length;
    } catch (e) {
      box.releaseIndex();
      closeSync(box.fd);
      box.fd = -1;
      throw e;
    }
  }

  /** The first look at the file after it is opened (init): indexing, a UIDVALIDITY, sizes. */
  private async firstOpen(): Promise<void> {
    const box = this.s;
    const st = fstatSync(box.fd);
    if (!st.isFile()) throw new MailboxError('NOTMAILBOX', `${box.path} is not a file`);
    const finish = async (): Promise<void> => {
      if (box.opts.sizes) sizeAll(box);
      // The scan's value is the clock's; a mailbox without one gets the user's next (control-dir.ts).
      if (box.noValidity) box.base.uidValidity = await newUidValidity(box.opts.control, box.env.clock, 0);
    };
    // The index is saved once the sizes are counted and a UIDVALIDITY chosen, as the last step of the first look
    // (inside it when that look numbered a change: saved-index.ts's firstLook), or after it.
    let published = false;
    const publish = async (): Promise<void> => {
      if (published) return;
      published = true;
      if (!box.newValidity || box.readOnly) {
        await finish();
        await saveIndex(box);
      }
    };
    // Without the locks only when nothing is left to number, scan or count: sizes to count at open (POP3's, in
    // an index IMAP saved without them) are counted under the locks, as the driver's `open` promises.
    const quick = quickLook(box) && !(box.opts.sizes && anyUnsized(box));
    if (!quick) {
      await box.withLock('shared', async () => {
        await firstLook(box, publish);
        await publish();
      });
    }
    if (box.newValidity && !box.readOnly) {
      // Mail without a UIDVALIDITY: it is chosen and written at once, under the write locks and after scanning
      // again, so that of two sessions opening the mailbox together the second finds the first one's value
      // instead of choosing its own. On a full disk it stays in memory until a later write can be made (as UW
      // keeps it): the mail can still be read.
      await box.withLock('exclusive', async () => {
        rescan(box, true);
        await finish();
        if (!box.newValidity) return;
        try {
          await checkpoint(box);
        } catch (e) {
          if (!(e instanceof MailboxError && e.code === 'OVERQUOTA')) throw e;
          box.env.logger.log('warning', `${box.path}: new UIDVALIDITY not written: ${e.message}`);
        }
        await saveIndex(box);
      });
    }
  }

  /** Whether the file's times still say it holds unread mail (atime not after mtime): see {@link markRead}. */
  private readTimesWanted(): boolean {
    const st = fstatSync(this.s.fd, { bigint: true });
    return st.atimeNs <= st.mtimeNs;
  }

  /**
   * As UW at close: atime now, mtime before it, so "you have new mail" checks see the mail as read. Under the locks
   * (`box.locked`), a file as this object last read it is then still as it read it, bytes and all: its snapshot
   * follows the times' change, and so do the others', by a record of no rows in the change log.
   */
  private markRead(): void {
    const box = this.s;
    if (!this.readTimesWanted()) return;
    const before = snapshotOf(fstatSync(box.fd, { bigint: true }));
    const now = box.env.clock.now() / 1000;
    const mtimeS = Number(before.mtimeNs) / 1e9;
    try {
      futimesSync(box.fd, now, mtimeS < now ? mtimeS : now - 1);
    } catch {
      // Only the file's owner may set its times (a shared folder); they are a courtesy to biff and shells.
      return;
    }
    if (box.locked === null || box.snap === null || !sameSnapshot(before, box.snap)) return;
    box.snap = snapshotOf(fstatSync(box.fd, { bigint: true }));
    logRows(box, before, []);
  }

  /** Runs journal recovery (rewrite.ts) when a journal for this file exists. */
  private async recover(): Promise<void> {
    const box = this.s;
    let st;
    try {
      st = statSync(box.path);
    } catch (e) {
      throw fsError(e, box.path);
    }
    // Only a journal or record the mailbox's owner made (the journal directory is shared: another user can plant
    // any name, and recovery would ignore it anyway).
    if (!pendingIn(journalDirs(box.opts), st)) return;
    let fd: number;
    try {
      fd = openSync(box.path, constants.O_RDWR);
    } catch (e) {
      throw fsError(e, box.path);
    }
    try {
      const release = await lockOrThrow(box.locking, { path: box.path, fd }, 'exclusive');
      try {
        recoverLocked(fd, box.path, box.env, box.rewriteOpts());
      } finally {
        await release();
      }
    } finally {
      closeSync(fd);
    }
  }

  uidNext(): number {
    return this.s.base.uidLast + 1;
  }

  keywords(): readonly string[] {
    return this.s.base.keywords;
  }

  count(): number {
    return this.s.reported;
  }

  tally(): { recent: number; firstUnseen: number; unseen: number } {
    const box = this.s;
    const t = box.idx.tally(Flag.Seen, Bit.Recent, box.reported);
    return { recent: t.withBit, firstUnseen: t.firstWithout + 1, unseen: t.without };
  }

  highestModseq(): number {
    return this.s.highestModseq;
  }

  expungedSince(modseq: number): number[] | null {
    return this.s.expunged.since(modseq);
  }

  meta(seq: number): MessageMeta {
    return meta(this.s, seq);
  }

  uids(): Uint32Array {
    return uidColumn(this.s);
  }

  sizes(): Float64Array {
    return sizeColumn(this.s);
  }

  systemFlags(): Uint8Array {
    return flagColumn(this.s);
  }

  seqOf(uid: number): number | undefined {
    return this.s.seqOf(uid);
  }

  parseableHeader(seq: number): Promise<Buffer> {
    return parseableHeader(this.s, seq);
  }

  /** The field cache, or null (no control directory, or a mailbox still without its UIDVALIDITY). */
  private fieldCache(): FieldCache | null {
    if (this.fields !== undefined) return this.fields;
    const box = this.s;
    const index = box.indexFile();
    if (index === null || box.noValidity) return null;
    this.fields = new FieldCache(`${index}.cache`, () => box.base.uidValidity, box.env.logger, (uid) => box.seqOf(uid) !== undefined);
    return this.fields;
  }

  /** The numbers of the fields named so far (a FETCH or SORT asks for the same few names over and over). */
  private readonly fieldNumbers = new Map<string, number>();

  private fieldNumberOf(field: string): number {
    let n = this.fieldNumbers.get(field);
    if (n === undefined) this.fieldNumbers.set(field, (n = fieldId(field)));
    return n;
  }

  cached(seq: number, field: string): Buffer | null {
    const at = this.cachedAt(seq, field);
    return at === null ? null : at.buf.subarray(at.start, at.end);
  }

  /** What {@link cachedAt} returns, reused. */
  private readonly kept: CachedBytes = { buf: Buffer.alloc(0), start: 0, end: 0 };

  cachedAt(seq: number, field: string): CachedBytes | null {
    const c = this.fieldCache();
    if (c === null) return null;
    const r = this.s.row(seq);
    try {
      // No value of the field kept at all (a cold SORT asks for each message): known before the message is looked at.
      const f = this.fieldNumberOf(field);
      if (!c.holds(f)) return null;
      const x = this.s.idx;
      if (x.bits(r) & Bit.Gone) return null;
      const at = c.locate(f, x.uid(r), x.headerSize(r), x.bodyEnd(r) - x.bodyStart(r));
      if (at < 0) return null;
      const k = this.kept;
      k.buf = c.found as Buffer;
      k.start = at;
      k.end = at + c.foundLength;
      return k;
    } catch (e) {
      this.s.env.logger.log('warning', `${c.path}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  cachedRun(first: number, last: number, field: string, run: CachedRun, bytes: number, extra: number): number {
    const c = this.fieldCache();
    if (c === null) return 0;
    const from = this.s.row(first);
    const to = this.s.row(last) + 1;
    try {
      const f = this.fieldNumberOf(field);
      if (!c.holds(f)) return 0;
      const x = this.s.idx;
      const rows: RunRows = {
        uid: x.column('uid') as Uint32Array, headerSize: x.column('headerSize') as Uint32Array,
        bodyStart: x.column('bodyStart') as Float64Array, bodyEnd: x.column('bodyEnd') as Float64Array,
        bits: x.column('bits') as Uint8Array,
      };
      return c.locateRun(f, rows, from, to, run, bytes, extra);
    } catch (e) {
      this.s.env.logger.log('warning', `${c.path}: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
  }

  keepsAny(field: string): boolean {
    const c = this.fieldCache();
    if (c === null) return false;
    try {
      return c.holds(this.fieldNumberOf(field));
    } catch (e) {
      this.s.env.logger.log('warning', `${c.path}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  wantKept(field: string): void {
    const c = this.fieldCache();
    if (c === null) return;
    try {
      c.want(this.fieldNumberOf(field));
    } catch (e) {
      this.s.env.logger.log('warning', `${c.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  keep(seq: number, field: string, value: Uint8Array): Promise<void> {
    const c = this.fieldCache();
    if (c === null) return KEPT;
    const x = this.s.idx;
    const r = this.s.row(seq);
    if (x.bits(r) & Bit.Gone) return KEPT;
    // A promise only when a flush is due: SORT keeps a value per message.
    return c.put(this.fieldNumberOf(field), x.uid(r), x.headerSize(r), x.bodyEnd(r) - x.bodyStart(r), value) ? c.flushSoon() : KEPT;
  }

  header(seq: number): Promise<Buffer> {
    return header(this.s, seq);
  }

  text(seq: number, range?: { offset: number; length: number }): SizedBody {
    return text(this.s, seq, range);
  }

  message(seq: number): SizedBody {
    return message(this.s, seq);
  }

  setFlags(seqs: Iterable<number>, op: 'add' | 'remove' | 'replace', flags: number, keywords: readonly string[]): FlagsUndo {
    return setFlags(this.s, seqs, op, flags, keywords);
  }

  storeUnchangedSince(seqs: readonly number[], since: number, op: 'add' | 'remove' | 'replace', flags: number,
    keywords: readonly string[]): Promise<number[]> {
    return storeUnchangedSince(this.s, seqs, since, op, flags, keywords);
  }

  flagsShown(seqs: Iterable<number>): void {
    flagsShown(this.s, seqs);
  }

  async sync(): Promise<void> {
    // UW's mbox INBOX: mbox_ping snarfs at each check, once a snarf interval (snarf.ts); the new messages are
    // reported below as any others.
    if (this.snarfer !== null && this.snarfer.wait() === 0) await this.snarfer.run(this, this.s.path);
    await this.fields?.flush();
    this.fields?.refresh();
    await sync(this.s, () => saveIndex(this.s));
  }

  takeUpdates(allowExpunge: boolean): MailboxUpdate[] {
    return takeUpdates(this.s, allowExpunge);
  }

  checkpoint(): Promise<void> {
    return checkpoint(this.s);
  }

  expunge(uids?: ReadonlySet<number>): Promise<number[]> {
    return expunge(this.s, uids);
  }

  /** See append in mailbox-save.ts. A MOVE's source must be a mailbox of this driver. */
  append(msgs: AsyncIterable<AppendMessage>, opts: AppendOptions = {}): Promise<number[]> {
    return append(this.s, msgs, opts, (box) =>
      box instanceof MboxMailbox ? { state: box.s, moveOut: box.moveOut.bind(box) } : null);
  }

  /**
   * UW's snarf leaves the spool empty (0 bytes, so that mail checks see no mail and the next snarf need not open
   * it): once its messages are moved out, only the pseudo-message with its UID data may be left, of no more use. Cut
   * to nothing under the write locks when no message is left; a delivery meanwhile keeps the file as it is.
   */
  async cutIfEmpty(): Promise<void> {
    const box = this.s;
    box.live();
    if (box.readOnly) return;
    await box.withLock('exclusive', () => {
      syncLocked(box);
      if (box.idx.findBits(Bit.Gone, 0) >= 0 || fstatSync(box.fd).size === 0) return;
      try {
        ftruncateSync(box.fd, 0);
      } catch {
        return; // left as it is: a mailbox with no messages all the same
      }
      box.idx.filter(() => false);
      box.pseudo = null;
      box.baseDirty = false;
      box.snap = snapshotOf(fstatSync(box.fd, { bigint: true }));
    });
  }

  /** The source's part of a MOVE: see moveOut in mailbox-save.ts. */
  moveOut(uids: readonly number[], to: MoveLink, dir: string, dest: boolean, commit: () => void, whole = false): Promise<void> {
    return moveOut(this.s, uids, to, dir, dest, commit, whole);
  }

  /**
   * Writes what is still to be written (under the write locks), then closes. Takes no lock and writes nothing when
   * nothing of this session's is pending, so a close after every change was written cannot fail (and needs no room
   * on disk). Throws the write's error (OVERQUOTA on a full disk) after closing all the same: what was pending is
   * then not on disk.
   */
  async close(): Promise<void> {
    const box = this.s;
    if (box.closed) return;
    try {
      await this.fields?.flush();
      const touch = (): void => {
        if (!box.readOnly) this.markRead();
      };
      if (!box.readOnly && anyDirty(box)) {
        await box.withLock('exclusive', async () => {
          syncLocked(box);
          if (anyDirty(box)) writeLocked(box, null);
          touch();
          await saveIndex(box);
        });
      } else if (box.indexFile() !== null && (!box.covered || (!box.readOnly && this.readTimesWanted()))) {
        // Under the read locks: the times' change is then known to be the only one, and the index saved is the
        // file's. Without them (a lock not to be had), the times are set all the same.
        await box.withLock('shared', async () => {
          touch();
          await saveIndex(box);
        }).catch(touch);
      } else {
        touch();
      }
    } finally {
      this.fields?.close();
      box.releaseIndex();
      box.closed = true;
      closeSync(box.fd);
      box.fd = -1;
    }
  }
}
