/**
 * Saving into an open mbox: APPEND and COPY (written by save.ts's TailWriter, under this mailbox's write locks and
 * after every UID already in it is on disk), and both sides of a MOVE (move-record.ts): the source's part, which
 * commits the destination's append and expunges the originals, and the finishing of a MOVE a kill interrupted.
 */
import { fstatSync } from 'node:fs';
import type { AppendMessage, AppendOptions, OpenMailbox } from '../driver.js';
import { MailboxError } from '../driver.js';
import { Bit } from './message-index.js';
import { appendPending } from './append-journal.js';
import { type MoveLink, readMoveRecord, removeMoveRecord, writeMoveRecord } from './move-record.js';
import { TailWriter, writeError } from './save.js';
import { journalDirs } from './rewrite.js';
import { formatStatusBlock } from './status-block.js';
import { type MailboxState, snapshotOf } from './mailbox-state.js';
import { rescan, scanTail, syncLocked } from './reconcile.js';
import { saveIndex } from './saved-index.js';
import { writeLocked } from './write-back.js';

/**
 * The source of a MOVE as {@link append} sees it: its state, and its part of the move, called through the open
 * mailbox (MboxMailbox.moveOut, which delegates to {@link moveOut}) so that a test can stop a MOVE at its commit
 * point (test/fixtures/mover.ts).
 */
export interface MoveSource {
  readonly state: MailboxState;
  moveOut(uids: readonly number[], to: MoveLink, dir: string, dest: boolean, commit: () => void, whole?: boolean): Promise<void>;
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
export async function append(box: MailboxState, msgs: AsyncIterable<AppendMessage>, opts: AppendOptions,
  sourceOf: (source: OpenMailbox) => MoveSource | null): Promise<number[]> {
  box.live();
  if (box.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
  return box.withLock('exclusive', async () => {
    // A fragment a writer killed since we opened left was taken out as the locks were taken (withLock).
    syncLocked(box);
    let needWrite = box.baseDirty;
    for (let r = 0; r < box.idx.length && !needWrite; r++) {
      if ((box.idx.bits(r) & (Bit.NewUid | Bit.Gone)) === Bit.NewUid) needWrite = true;
    }
    if (needWrite) writeLocked(box, null);
    // What taking the messages out again puts back.
    const saved = {
      keywords: box.base.keywords.length, keywordsChanged: box.keywordsChanged, baseDirty: box.baseDirty,
      uidLast: box.base.uidLast, rows: box.idx.length, snap: box.snap,
    };
    // A MOVE's source: a mailbox of this driver (the records of both sides are one protocol: move-record.ts).
    const move = opts.moveFrom;
    const source = move ? sourceOf(move.box) : null;
    if (move && source === null) throw new MailboxError('IO', 'cannot move from another kind of mailbox');
    const w = new TailWriter(box.fd, box.opts.fsync, box.path, box.opts.journalDir, box.env.logger,
      source ? source.state.fileId() : null);
    const from = w.startSize;
    let end = -1;
    const takeBack = (e: unknown): MailboxError => {
      const err = writeError(e, box.path);
      // Cut only a file that ends where our messages end: one that does not (a rewrite of the base data that failed
      // after it had moved data, which a full disk cannot cause) keeps them rather than losing others' bytes.
      if (end < 0 || fstatSync(box.fd).size === end) {
        w.abort();
        box.idx.filter((r) => r < saved.rows);
        box.base.keywords.length = saved.keywords;
        box.keywordsChanged = saved.keywordsChanged;
        box.baseDirty = saved.baseDirty;
        box.base.uidLast = saved.uidLast;
        box.snap = saved.snap === null ? null : snapshotOf(fstatSync(box.fd, { bigint: true }));
      } else {
        box.env.logger.log('err', `${box.path}: appended messages kept after a failure that moved data: ${err.message}`);
        box.snap = null;
      }
      return err;
    };
    const uids: number[] = [];
    const emptyFile = box.idx.length === 0 && box.pseudo === null && from === 0;
    let uid = box.base.uidLast;
    try {
      for await (const m of msgs) {
        uid++;
        const kw: string[] = [];
        for (const k of m.keywords) {
          box.keywordBit(k, true);
          kw.push(k);
        }
        const first = emptyFile && uids.length === 0;
        const thisUid = uid;
        await w.message(m, box.env, () => formatStatusBlock({
          flags: m.flags, old: false, keywords: box.base.keywords.filter((k) => kw.includes(k)), uid: thisUid,
          base: first ? { uidValidity: box.base.uidValidity, uidLast: thisUid, keywords: box.base.keywords } : null,
        }));
        uids.push(thisUid);
      }
      if (uids.length === 0) return uids;
      if (source) await w.complete();
      else await w.finish();
      end = w.size;
      const st = fstatSync(box.fd, { bigint: true });
      scanTail(box, from, st);
      // Written as they should be; left without `O`, so the next session sees them as \Recent (as UW), unless this
      // is a session's own mailbox (COPY into the selected mailbox), which claims them as for any new mail.
      for (let r = saved.rows; r < box.idx.length; r++) {
        box.idx.clearBits(r, Bit.NewUid);
        if (!(box.claims && box.idx.bits(r) & Bit.Recent)) box.idx.clearBits(r, Bit.Dirty);
      }
      // RFC 8514 §3: the save date is the moment the message is saved into this mailbox (APPEND, COPY and MOVE
      // alike: a copy's save date is its own, not its original's), kept in the index and saved with it below.
      box.idx.setSavedIn(saved.rows, box.idx.length, Math.floor(box.env.clock.now() / 1000));
      box.base.uidLast = Math.max(box.base.uidLast, uid);
      box.baseDirty = true;
      // A MOVE commits here, under the source's lock, and expunges its source: if that fails, the copies go again,
      // and the base data was not touched yet.
      if (source && move) {
        const st = fstatSync(box.fd, { bigint: true });
        await source.moveOut(move.uids, { dev: st.dev, ino: st.ino, start: from }, box.opts.journalDir, source.state === box,
          () => w.commit(), move.whole === true);
      }
    } catch (e) {
      throw takeBack(e);
    }
    try {
      writeLocked(box, null);
    } catch (e) {
      // No room for the new last UID (a metadata block that had to grow, its rewrite refused before it began).
      if (!source) throw takeBack(e);
      // The source of a MOVE is gone already: the messages stay, with their X-UIDs, and the counter is written
      // by the next write (our index keeps it dirty).
      box.env.logger.log('err', `${box.path}: UID counter not updated after a MOVE: ${String(e)}`);
    }
    // New messages are not a change the log can say: the index is saved, so that the other sessions take the
    // numbers given here (reconcile.ts's adoptSaved) rather than scan the tail and give their own.
    await saveIndex(box);
    return uids;
  });
}

/**
 * A MOVE (or RENAME INBOX) out of this mailbox killed part way left its move record (move-record.ts): when the
 * destination's append was committed, the messages it names leave this mailbox now; otherwise they stay. Either
 * way the record goes. Caller holds the write locks, after recoverLocked.
 */
export function finishMoveLocked(box: MailboxState): void {
  const st = fstatSync(box.fd, { bigint: true });
  const self = { dev: st.dev, ino: st.ino };
  for (const dir of journalDirs(box.opts)) {
    const rec = readMoveRecord(dir, st.dev, st.ino, Number(st.uid));
    if (rec === null) continue;
    if (rec !== 'torn' && !appendPending(dir, rec.to, self, Number(st.uid))) {
      if (!box.indexed) rescan(box, true);
      else if (box.snap === null) rescan(box, false);
      else syncLocked(box);
      const want = new Set(rec.uids);
      const drop = new Set<number>();
      if (rec.uidValidity === box.base.uidValidity) {
        for (let r = 0; r < box.idx.length; r++) {
          if (!(box.idx.bits(r) & Bit.Gone) && want.has(box.idx.uid(r))) drop.add(r);
        }
      }
      if (drop.size > 0) {
        writeLocked(box, drop);
        for (const r of drop) box.idx.addBits(r, Bit.Gone);
        box.noteExpunged(drop);
      }
      box.env.logger.log('warning', `${box.path}: an interrupted move out of this mailbox was committed; ` +
        `${drop.size} of its ${rec.uids.length} messages taken out here`);
    }
    removeMoveRecord(dir, st.dev, st.ino);
  }
}

/**
 * The source's part of a MOVE (move-record.ts): under this mailbox's write locks, writes the move record naming
 * `uids` and the destination's append `to` (in `dir`, beside its append record), lets `commit` commit that
 * append, then expunges the messages with those UIDs and removes the record. `dest` says this mailbox is the
 * destination too (its rows' UIDs are written already, and nothing may move its data before the commit).
 * When the expunge fails after the commit, the record is removed and the error thrown: the caller cuts its copies
 * back (it still holds the destination's lock), and nothing moved. `whole` (REPLACE): every one of `uids` must still
 * be here, else EXPUNGED is thrown before anything is written (and the caller cuts its copies back likewise).
 */
export async function moveOut(box: MailboxState, uids: readonly number[], to: MoveLink, dir: string, dest: boolean,
  commit: () => void, whole = false): Promise<void> {
  box.live();
  if (box.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
  await box.withLock('exclusive', () => {
    if (!dest) {
      syncLocked(box);
      // The record names messages by UID: every UID must be on disk first.
      let needWrite = false;
      for (let r = 0; r < box.idx.length && !needWrite; r++) {
        if ((box.idx.bits(r) & (Bit.NewUid | Bit.Gone)) === Bit.NewUid) needWrite = true;
      }
      if (needWrite) writeLocked(box, null);
    }
    const want = new Set(uids);
    const drop = new Set<number>();
    for (let r = 0; r < box.idx.length; r++) {
      if (!(box.idx.bits(r) & Bit.Gone) && want.has(box.idx.uid(r))) drop.add(r);
    }
    if (whole && drop.size < want.size) throw new MailboxError('EXPUNGED', 'a message to be replaced has been expunged');
    const self = box.fileId();
    let record: string | null;
    try {
      record = writeMoveRecord(dir, { ...self, uidValidity: box.base.uidValidity, uids, to }, box.opts.fsync);
    } catch (e) {
      throw writeError(e, box.path);
    }
    if (record === null) {
      box.env.logger.log('warning', `${box.path}: moving without a move record (a kill part way leaves copies in both mailboxes)`);
    }
    try {
      commit();
    } catch (e) {
      if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
      throw writeError(e, box.path);
    }
    try {
      if (drop.size > 0) writeLocked(box, drop);
    } catch (e) {
      if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
      throw e;
    }
    for (const r of drop) box.idx.addBits(r, Bit.Gone);
    box.noteExpunged(drop);
    if (record !== null) removeMoveRecord(dir, self.dev, self.ino);
  });
}
