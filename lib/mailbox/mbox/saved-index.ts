/**
 * The index kept between sessions (index-file.ts) as an open mailbox uses it: the first look at the file starts
 * from it when it describes the file (no read of the mbox at all), or the file only grew since (the new mail at the
 * end is scanned, once the old messages' metadata are found as they were), and scans the whole file otherwise; and
 * an open whose index in memory is a pure function of the file (nothing of the session's own in it) saves it for
 * the next one, after its first look and when it closes.
 *
 * It lives in the user's control directory (none: no saved index, every open scans), one per mailbox, named after
 * the mailbox's real path. Sessions of several users on one mailbox each keep their own.
 */
import { fstatSync } from 'node:fs';
import { Bit, MessageIndex } from './message-index.js';
import { encodeIndex, readIndex, savedVersion, writeIndex, zoneProbe } from './index-file.js';
import { emptyLog } from './index-log.js';
import { followLog } from './change-log.js';
import { addSessionBits, metadataIntact, rescan, scanAgain, scanTail, tailStartsMessage } from './reconcile.js';
import { type MailboxState, sameSnapshot, snapshotOf } from './mailbox-state.js';

/**
 * The first look at the file (MboxMailbox's `init`, under the read locks): from the saved index when it can be
 * used, else a full scan (`rescan` with `initial`). When the file changed since the index was saved and the change
 * must be scanned and numbered (another program's), that happens under the counter's flock
 * ({@link MailboxState.numbering}), after looking once more for an index another session saved meanwhile, and
 * `publish` (the caller saves the index) runs inside the same step: sessions opening at the same moment, or open
 * already, then show the numbers the first one gave.
 */
export async function firstLook(box: MailboxState, publish: () => Promise<void>): Promise<void> {
  const path = box.indexFile();
  if (path === null) {
    rescan(box, true);
    return;
  }
  let r = fromSaved(box, path);
  if (r !== true) {
    await box.numbering(async () => {
      // An index another session saved meanwhile is read (the one read before is kept when it is still there).
      const st = fstatSync(box.fd, { bigint: true });
      if (r === null || r !== savedVersion(path)) r = fromSaved(box, path);
      else if (followLog(box, snapshotOf(st))) r = true;
      if (r !== true && !(r !== null && tailFromSaved(box, path))) rescan(box, true, true);
      box.catchUpModseq();
      await publish();
    });
  }
  box.catchUpModseq();
}

/**
 * The first look without the locks (MboxMailbox's `init`): from the saved index only when it describes the file
 * exactly as it is, not a byte written since it was saved, and no writer left anything to recover. That is the
 * check a sync between commands makes before it trusts the index (read-path.ts's `moved`): no writer's bytes can be
 * indexed half-written when none were written, which is what the read locks are for. False, with nothing taken,
 * otherwise: the caller then looks under the locks ({@link firstLook}).
 */
export function quickLook(box: MailboxState): boolean {
  const path = box.indexFile();
  if (path === null || (!box.readOnly && box.leftBehind())) return false;
  if (fromSaved(box, path, true) !== true) return false;
  box.catchUpModseq();
  return true;
}

/**
 * Takes the saved index, and what follows on from it without a scan (the change log). Returns true when that leads
 * to the file as it is; else the version of the index taken ({@link savedVersion}), or null when none was. With
 * `exact`, only an index of the file exactly as it is now is taken (see {@link quickLook}).
 */
function fromSaved(box: MailboxState, path: string, exact = false): true | string | null {
  const now = snapshotOf(fstatSync(box.fd, { bigint: true }));
  const r = readIndex(path, now, zoneProbe(box.env.clock.zoneAt), (k) => {
    box.env.logger.log('warning', `${path}: column ${k} of the saved index is damaged; the mailbox is scanned again`);
    box.covered = false;
    return scanAgain(box).column(k).slice(0, box.idx.length);
  }, exact ? (described) => sameSnapshot(described, now) : undefined);
  if ('why' in r) {
    // An index of a file this one replaced: the numbers go on above its (see MailboxState.nextModseq).
    box.highestModseq = Math.max(box.highestModseq, r.highestModseq ?? 0);
    if (r.why !== 'none' && !exact) box.env.logger.log('debug', `${path}: saved index not used (${r.why})`);
    return null;
  }
  const saved = r.index;
  // An index taken by an earlier call, now replaced.
  box.releaseIndex();
  // No row is \Recent when none is new: nothing to settle with other sessions either (see settleRecent).
  if (!addSessionBits(box, saved)) box.settledRecent = saved.idx.length > 0 ? saved.idx.uid(saved.idx.length - 1) : 0;
  box.idx = saved.idx;
  box.releaseIndex = saved.release;
  box.base = saved.base;
  box.pseudo = saved.pseudo;
  box.baseDirty = saved.baseDirty;
  box.indexed = true;
  box.newValidity = false;
  box.noValidity = false;
  box.snap = saved.snap;
  box.highestModseq = Math.max(box.highestModseq, saved.highestModseq);
  box.expunged = saved.expunged;
  box.covered = true;
  box.logPlace = null;
  // What our sessions changed in place since, from the change log.
  return sameSnapshot(box.snap, now) || followLog(box, now) ? true : saved.version;
}

/**
 * After {@link fromSaved}: the new mail at the end of the file, when what was there is as it was (see reconcile.ts's
 * syncLocked). False when the file changed otherwise (the caller scans it all).
 */
function tailFromSaved(box: MailboxState, path: string): boolean {
  const st = fstatSync(box.fd, { bigint: true });
  const from = box.snap?.size ?? 0;
  if (box.snap !== null && Number(st.size) > from && tailStartsMessage(box, from) && metadataIntact(box)) {
    scanTail(box, from, st);
    return true;
  }
  box.env.logger.log('debug', `${path}: saved index not used (the mailbox changed)`);
  return false;
}

/**
 * Whether the index in memory is what a scan of the file as it is now would give (but for a session's bits, and
 * the messages gone from the file that the client was not told of yet): no change of this session's unwritten,
 * the file as last read.
 */
function pure(box: MailboxState): boolean {
  if (box.snap === null || box.noValidity || box.deltas.size > 0) return false;
  if (box.idx.countBits(Bit.FlagsDirty) > 0) return false;
  return sameSnapshot(box.snap, snapshotOf(fstatSync(box.fd, { bigint: true })));
}

/** The index's rows that are in the file: all of them, or a copy without the ones gone. */
function inFile(x: MessageIndex): MessageIndex {
  if (x.findBits(Bit.Gone, Bit.Gone) < 0) return x;
  const out = new MessageIndex(x.length);
  for (let r = 0; r < x.length; r++) if (!(x.bits(r) & Bit.Gone)) out.pushRow(x, r);
  return out;
}

/**
 * Saves the index, with an empty change log, when it is pure and the saved one and its log do not lead to it
 * already ({@link MailboxState.covered}), or `force`d (a log grown long). Caller holds the locks: no writer then
 * changes the file or appends to the log in between. Never fails: an index not saved costs the next open a scan,
 * and that is logged.
 */
export async function saveIndex(box: MailboxState, force = false): Promise<void> {
  const path = box.indexFile();
  if (path === null || box.snap === null || (box.covered && !force)) return;
  try {
    if (!pure(box)) return;
    const data = encodeIndex({
      snap: box.snap, idx: inFile(box.idx), base: box.base, pseudo: box.pseudo, baseDirty: box.baseDirty,
      highestModseq: box.highestModseq, expunged: box.expunged,
    }, zoneProbe(box.env.clock.zoneAt));
    if (!(await writeIndex(path, data))) return;
    box.logPlace = emptyLog(`${path}.log`);
    box.covered = true;
  } catch (e) {
    box.env.logger.log('warning', `${path}: index not saved: ${(e as Error).message}`);
  }
}
