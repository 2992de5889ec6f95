/**
 * The change log (index-log.ts) as open mailboxes use it: a write of ours that patched metadata blocks in place
 * (write-back.ts's patchLocked, the path of a STORE) appends a record of the rows it wrote, and another session
 * that finds the file changed applies the records that follow on from what it knows instead of scanning the file
 * (reconcile.ts's syncLocked), as does an open that starts from the saved index (saved-index.ts).
 */
import { Bit } from './message-index.js';
import { appendRecord, type LoggedRow, readRecords } from './index-log.js';
import { type MailboxState, sameSnapshot, type Snapshot } from './mailbox-state.js';

/**
 * How long the log may grow before the next write of ours saves the index again (and so empties it): every open
 * reads the whole log, a record per write, and one STORE of all messages of a 100,000-message mailbox is 1.6 MB.
 */
const LOG_LIMIT = 1 << 20;

/** Whether the log has grown past {@link LOG_LIMIT} (as far as this object has seen it). */
export function logFull(box: MailboxState): boolean {
  return box.logPlace !== null && box.logPlace.pos > LOG_LIMIT;
}

/** The log's path: the saved index's with `.log` added; null without a control directory. */
function logFile(box: MailboxState): string | null {
  const index = box.indexFile();
  return index === null ? null : `${index}.log`;
}

/**
 * Applies the records that follow on from the file as this object knows it ({@link MailboxState.snap}), in order.
 * Returns whether that brought it to `now` (the file as it is). Caller holds the locks.
 */
export function followLog(box: MailboxState, now: Snapshot): boolean {
  const path = logFile(box);
  if (path === null || box.snap === null) return false;
  for (const { rec, place } of readRecords(path, box.logPlace)) {
    if (!sameSnapshot(rec.from, box.snap)) continue;
    if (!applyRows(box, rec.keywords, rec.rows)) return false;
    box.snap = rec.to;
    box.logPlace = place;
    if (sameSnapshot(box.snap, now)) return true;
  }
  return sameSnapshot(box.snap, now);
}

/**
 * Makes the index say what the record's rows say the file now holds, as reconcile.ts's reconcile would from a scan:
 * the file's flags with this session's unwritten changes applied again, \Recent and the session's bits kept.
 * False (and the caller scans) when a row is not one this object knows.
 */
function applyRows(box: MailboxState, names: readonly string[], rows: readonly LoggedRow[]): boolean {
  const x = box.idx;
  const map = names.map((k) => {
    try {
      return box.keywordBit(k, true);
    } catch {
      return 0; // the keyword table is full: dropped, as a scan drops it
    }
  });
  const remap = (mask: number): number => {
    let out = 0;
    for (let i = 0; i < map.length; i++) if (mask & (1 << i)) out |= map[i] as number;
    return out >>> 0;
  };
  const at: number[] = [];
  for (const row of rows) {
    const r = x.rowOfUid(row.uid);
    if (r < 0 || x.bits(r) & Bit.Gone) return false;
    at.push(r);
  }
  rows.forEach((row, i) => {
    const r = at[i] as number;
    const ob = x.bits(r);
    const ff = row.flags;
    const fk = remap(row.keywords);
    const { flags: f, keywords: k } = ob & Bit.FlagsDirty ? box.deltas.apply(row.uid, ff, fk) : { flags: ff, keywords: fk };
    // Its UID and `O` are on disk now (the writer wrote its whole block); what is still ours to write stays dirty.
    let bits = (ob & ~(Bit.Old | Bit.Dirty | Bit.NewUid)) | (row.old ? Bit.Old : 0);
    if (f !== ff || k !== fk) {
      // Our unwritten change still changes the flags on disk (they are another's now): a change of ours, numbered
      // when written (RFC 7162 §3.1), even where it changes nothing this session had in memory.
      bits |= Bit.Dirty;
      box.unnumbered.add(row.uid);
    }
    if (ob & Bit.Recent && !row.old && !box.readOnly && box.claims) bits |= Bit.Dirty;
    x.setBits(r, bits);
    x.setMetaHash(r, row.metaHash);
    x.setModseq(r, row.modseq);
    if (row.modseq > box.highestModseq) box.highestModseq = row.modseq;
    if (f !== x.flags(r) || k !== x.keywordMask(r)) {
      x.setFlags(r, f);
      x.setKeywordMask(r, k);
      if (r < box.reported) box.flagChanged.add(row.uid);
    }
  });
  return true;
}

/**
 * After a write of ours that changed the metadata blocks of `rows` in place and nothing else (the file went from
 * `from` to {@link MailboxState.snap}): a record of it, for the others. Caller holds the write locks. Never fails:
 * a record not written only costs the others a scan.
 */
export function logRows(box: MailboxState, from: Snapshot, rows: readonly number[]): void {
  const path = logFile(box);
  if (path === null || box.snap === null) return;
  const x = box.idx;
  try {
    const place = appendRecord(path, {
      from, to: box.snap, keywords: box.base.keywords,
      rows: rows.map((r) => ({
        uid: x.uid(r), keywords: x.keywordMask(r), metaHash: x.metaHash(r), flags: x.flags(r),
        old: (x.bits(r) & Bit.Old) !== 0, modseq: x.modseq(r),
      })),
    });
    if (place !== null) box.logPlace = place;
  } catch (e) {
    box.env.logger.log('warning', `${path}: change not logged: ${(e as Error).message}`);
  }
}
