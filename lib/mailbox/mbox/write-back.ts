/**
 * Write-back of an open mbox: what this session changed in memory (flags, keywords, new UIDs, the base data) and
 * what it expunges, written to the file under the write locks as one journaled rewrite (rewrite.ts), most often a
 * few bytes patched in place. CHECK, EXPUNGE and CLOSE come here; a failure part way is put right from the journal
 * at once.
 */
import { fstatSync, futimesSync } from 'node:fs';
import { Flag, MailboxError } from '../driver.js';
import { Bit } from './message-index.js';
import { writeError } from './save.js';
import { patchFile, PieceList, recoverJournal, rewriteFile } from './rewrite.js';
import { metaHashOf } from './scanner.js';
import { formatPseudoMessage, formatStatusBlock, type BaseInfo, type BlockFields } from './status-block.js';
import { type MailboxState, sameSnapshot, snapshotOf } from './mailbox-state.js';
import { setFlags, settleDeltas } from './flags.js';
import { syncLocked } from './reconcile.js';
import { logFull, logRows } from './change-log.js';
import { saveIndex } from './saved-index.js';

/** How many unchanged blocks after a grown one are tried for room to take its bytes back (see writeLocked). */
const ABSORB_TRIES = 32;

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

export function anyDirty(box: MailboxState): boolean {
  return box.baseDirty || box.idx.findBits(Bit.Dirty | Bit.Gone, Bit.Dirty) >= 0;
}

export async function checkpoint(box: MailboxState): Promise<void> {
  box.live();
  if (box.readOnly) return;
  if (!anyDirty(box)) {
    // Nothing of ours to write: no lock taken (a CHECK, or a STORE that changed nothing, needs no room on disk).
    // A STORE that changed nothing in memory changes nothing on disk either when the file is as we last read it:
    // it is then ordered before any later writer's change.
    if (box.deltas.size === 0) return;
    if (box.snap && sameSnapshot(snapshotOf(fstatSync(box.fd, { bigint: true })), box.snap)) {
      settleDeltas(box);
      return;
    }
  }
  await box.withLock('exclusive', async () => {
    syncLocked(box);
    if (anyDirty(box)) writeLocked(box, null);
    else settleDeltas(box);
    await publish(box);
  });
}

/**
 * After a write of ours, under its locks: the saved index is saved again when the change log cannot say what was
 * written (messages moved) or found (another program's change, which the sync before the write scanned and
 * numbered): the other sessions then take this index, and its mod-sequences, rather than scan and number the
 * change themselves (reconcile.ts's adoptSaved); or when the log has grown long.
 */
async function publish(box: MailboxState): Promise<void> {
  if (!box.covered || logFull(box)) await saveIndex(box, true);
}

/** See OpenMailbox.storeUnchangedSince. */
export async function storeUnchangedSince(box: MailboxState, seqs: readonly number[], since: number,
  op: 'add' | 'remove' | 'replace', flags: number, keywords: readonly string[]): Promise<number[]> {
  box.live();
  if (box.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
  return box.withLock('exclusive', async () => {
    syncLocked(box);
    const x = box.idx;
    const modified: number[] = [];
    const pass: number[] = [];
    for (const seq of seqs) {
      const r = box.row(seq);
      if (x.bits(r) & Bit.Gone) continue;
      (x.modseq(r) > since ? modified : pass).push(seq);
    }
    const undo = setFlags(box, pass, op, flags, keywords);
    try {
      if (anyDirty(box)) writeLocked(box, null);
      else settleDeltas(box);
    } catch (e) {
      undo();
      throw e;
    }
    // As after any write: what the sync found by scanning, with this session's numbers, is for the others too.
    await publish(box);
    return modified;
  });
}

export async function expunge(box: MailboxState, uids?: ReadonlySet<number>): Promise<number[]> {
  box.live();
  if (box.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
  // Nothing \Deleted that the client knows of and nothing of ours to write: no lock taken, so an EXPUNGE or CLOSE
  // with nothing to do needs no room on disk (a dotlock takes a page).
  if (!anyDirty(box)) {
    const x = box.idx;
    let any = false;
    for (let r = 0; r < x.length && !any; r++) {
      any = !(x.bits(r) & Bit.Gone) && (x.flags(r) & Flag.Deleted) !== 0 && (!uids || uids.has(x.uid(r)));
    }
    if (!any) return [];
  }
  return box.withLock('exclusive', async () => {
    syncLocked(box);
    const x = box.idx;
    const gone = new Set<number>();
    for (let r = 0; r < x.length; r++) {
      if (x.bits(r) & Bit.Gone || !(x.flags(r) & Flag.Deleted)) continue;
      if (uids && !uids.has(x.uid(r))) continue;
      gone.add(r);
    }
    if (gone.size === 0 && !anyDirty(box)) {
      settleDeltas(box);
      return [];
    }
    writeLocked(box, gone);
    box.noteExpunged(gone);
    const out: number[] = [];
    for (const r of gone) {
      out.push(x.uid(r));
      x.addBits(r, Bit.Gone);
    }
    await publish(box);
    return out.sort((a, b) => a - b);
  });
}

/**
 * {@link writeLocked}'s quick case: nothing to drop, the base data as on disk, and every changed row's new block the
 * size of its old one (X-Keywords padding takes the change). Then only those blocks are written, where they stand
 * (rewrite.ts's patches), without describing the whole file: a one-flag STORE on 100,000 messages costs a look at
 * each row's bits, its block and an fdatasync, not a walk building a piece for every message. Returns false, having
 * written nothing, when a block would change size (the full path then moves what must move).
 */
function patchLocked(box: MailboxState): boolean {
  const x = box.idx;
  let baseRow = -1;
  if (!box.pseudo) for (let r = 0; r < x.length && baseRow < 0; r++) if (!(x.bits(r) & Bit.Gone)) baseRow = r;
  if (baseRow < 0 && !box.pseudo) return false;
  const baseInfo: BaseInfo = { uidValidity: box.base.uidValidity, uidLast: box.base.uidLast, keywords: box.base.keywords };
  const rows: number[] = [];
  const patches: { at: number; data: Buffer }[] = [];
  for (let r = 0; r < x.length; r++) {
    if ((x.bits(r) & (Bit.Dirty | Bit.Gone)) !== Bit.Dirty) continue;
    const metaStart = x.metaStart(r);
    if (metaStart < 0) return false;
    const target = x.metaEnd(r) - metaStart;
    const block = formatStatusBlock({
      flags: x.flags(r), old: (x.bits(r) & Bit.Old) !== 0 || box.claims, keywords: box.keywordNames(x.keywordMask(r)),
      uid: x.uid(r), base: r === baseRow ? baseInfo : null,
    }, target);
    if (block.length !== target) return false;
    rows.push(r);
    patches.push({ at: metaStart, data: Buffer.from(block, 'latin1') });
  }
  const from = box.snap;
  box.numberChanges();
  try {
    patchFile(box.fd, patches, box.rewriteOpts());
  } catch (e) {
    // Each block is whole, old or new: the file is a valid mbox, but not what the index says.
    box.snap = null;
    throw writeError(e, box.path);
  }
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    x.setMetaHash(r, metaHashOf((patches[k] as { data: Buffer }).data));
    x.clearBits(r, Bit.Dirty | Bit.NewUid | Bit.FlagsDirty);
    // Written with `O` (a session's block); the other rows were Old already (a session's new rows are all dirty).
    if (box.claims) x.addBits(r, Bit.Old);
  }
  settleDeltas(box);
  if (patches.length > 0 && box.snap) advanceMtime(box.fd, box.snap.mtimeNs);
  box.snap = snapshotOf(fstatSync(box.fd, { bigint: true }));
  if (patches.length > 0 && from !== null) logRows(box, from, rows);
  return true;
}

/**
 * Writes the in-memory state to the file: metadata blocks of dirty rows, the base data, and (when `drop` is
 * given) without the rows in it. Caller holds the write locks and has just synced.
 */
export function writeLocked(box: MailboxState, drop: ReadonlySet<number> | null): void {
  if ((drop === null || drop.size === 0) && !box.baseDirty && patchLocked(box)) return;
  const x = box.idx;
  const pieces = new PieceList(2 * x.length + 16);
  let pos = 0;
  const oldSize = box.snap?.size ?? fstatSync(box.fd).size;
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
  const baseInfo: BaseInfo = { uidValidity: box.base.uidValidity, uidLast: box.base.uidLast, keywords: box.base.keywords };
  const now = box.env.clock.now();
  const nowDate = { time: now, zone: box.env.clock.zoneAt(now) };
  // The pseudo-message: kept as it is unless the base data changed; created when the file would hold no mail.
  const usePseudo = box.pseudo !== null || live.length === 0;
  // Which row holds X-IMAPbase now (the first in the file, when there is no pseudo-message).
  let baseRow = -1;
  if (!box.pseudo) for (let r = 0; r < x.length && baseRow < 0; r++) if (!(x.bits(r) & Bit.Gone)) baseRow = r;
  if (box.pseudo) {
    if (box.baseDirty) {
      data(Buffer.from(formatPseudoMessage(baseInfo, nowDate, box.env.hostname), 'latin1'));
    } else {
      copy(box.pseudo.start, box.pseudo.end);
    }
  } else if (live.length === 0) {
    data(Buffer.from(formatPseudoMessage(baseInfo, nowDate, box.env.hostname), 'latin1'));
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
      (needBase && (box.baseDirty || r !== baseRow));
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
      flags: x.flags(r), old: (x.bits(r) & Bit.Old) !== 0 || box.claims, keywords: box.keywordNames(x.keywordMask(r)), uid: x.uid(r),
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
        const raw = box.readRange(headerStart, bodyStart - headerStart);
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
  const ropts = box.rewriteOpts();
  box.numberChanges();
  let result;
  try {
    result = rewriteFile(box.fd, oldSize, pieces, ropts);
  } catch (e) {
    // An I/O error (a full disk) part way: put the file right from the journal now, so that neither this session
    // nor the next reads a half-moved file; the index no longer matches what is on disk, so read it again.
    try {
      const r = recoverJournal(box.fd, ropts);
      box.env.logger.log('err', `${box.path}: rewrite failed (${String(e)}); journal ${r.action}`);
    } catch (e2) {
      box.env.logger.log('err', `${box.path}: rewrite failed (${String(e)}) and so did its recovery (${String(e2)}); the journal is kept`);
    }
    box.snap = null;
    throw writeError(e, box.path);
  }
  if (usePseudo) {
    const plen = box.pseudo && !box.baseDirty ? box.pseudo.end - box.pseudo.start : pieces.count > 0 && pieces.isData(0) ? pieces.len[0] as number : 0;
    box.pseudo = { start: 0, end: plen };
  }
  for (let k = 0; k < live.length; k++) {
    const r = live[k] as number;
    x.setLayoutFrom(r, layouts, k * 7);
    const h = hashes[k] as number;
    if (h >= 0) x.setMetaHash(r, h);
    x.clearBits(r, Bit.Dirty | Bit.NewUid | Bit.FlagsDirty);
    if (box.claims) x.addBits(r, Bit.Old);
  }
  settleDeltas(box);
  box.baseDirty = false;
  if (result.mode !== 'none' && box.snap) advanceMtime(box.fd, box.snap.mtimeNs);
  box.snap = snapshotOf(fstatSync(box.fd, { bigint: true }));
  // Messages moved or went: not a change the log can say (change-log.ts), so the saved index is saved again.
  if (result.mode !== 'none') box.covered = false;
  if (result.mode !== 'none') box.env.logger.log('debug', `${box.path}: rewrote (${result.mode}), ${result.size} bytes`);
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
