/**
 * Flags and keywords of an open mbox as the client changes them (STORE): changed in memory at once, each change
 * noted as a delta (flag-deltas.ts) that is applied again to the flags on disk when write-back.ts writes them, and
 * undone in memory when that write fails.
 */
import type { FlagsUndo } from '../driver.js';
import { MailboxError } from '../driver.js';
import { Bit } from './message-index.js';
import type { DeltaBefore } from './flag-deltas.js';
import type { MailboxState } from './mailbox-state.js';

/** What {@link setFlags} changed: 5 numbers a row (row, flags, keywords, bits, UID), and the deltas before. */
interface Undo {
  rows: number[];
  deltas: DeltaBefore[];
}

/**
 * Changes flags in memory, and notes each change as a delta (flag-deltas.ts) that is applied again to the flags on
 * disk when it is written: a change another session wrote meanwhile is kept. Every message named gets a delta,
 * even one whose flags in memory do not change: the file may say otherwise by the time it is written.
 */
export function setFlags(box: MailboxState, seqs: Iterable<number>, op: 'add' | 'remove' | 'replace', flags: number, keywords: readonly string[]): FlagsUndo {
  box.live();
  if (box.readOnly) throw new MailboxError('READONLY', 'mailbox is read-only');
  const base = { keywords: box.base.keywords.length, keywordsChanged: box.keywordsChanged, baseDirty: box.baseDirty, uidLast: box.base.uidLast };
  const forgetKeywords = (): void => {
    box.base.keywords.length = base.keywords;
    box.keywordsChanged = base.keywordsChanged;
    if (box.base.uidLast === base.uidLast) box.baseDirty = base.baseDirty;
  };
  let mask = 0;
  const x = box.idx;
  // Each row named and what it was: flags, keywords, its Dirty/FlagsDirty bits; and its delta before.
  const undo: Undo = { rows: [], deltas: [] };
  try {
    for (const k of keywords) mask |= box.keywordBit(k, op !== 'remove');
    mask >>>= 0;
    for (const seq of seqs) {
      const r = box.row(seq);
      if (x.bits(r) & Bit.Gone) continue;
      const f0 = x.flags(r);
      const k0 = x.keywordMask(r);
      undo.rows.push(r, f0, k0, x.bits(r) & (Bit.Dirty | Bit.FlagsDirty), x.uid(r));
      undo.deltas.push(box.deltas.change(x.uid(r), op, flags, mask));
      const f1 = op === 'add' ? f0 | flags : op === 'remove' ? f0 & ~flags : flags;
      const k1 = (op === 'add' ? k0 | mask : op === 'remove' ? k0 & ~mask : mask) >>> 0;
      x.addBits(r, Bit.FlagsDirty);
      if (f1 !== f0 || k1 !== k0) {
        x.setFlags(r, f1);
        x.setKeywordMask(r, k1);
        x.addBits(r, Bit.Dirty);
        // Numbered when written (RFC 7162: a STORE that changes nothing is no change).
        box.unnumbered.add(x.uid(r));
      }
    }
  } catch (e) {
    // LIMIT (keyword table full) or a bad number: nothing changed.
    restoreRows(box, undo);
    forgetKeywords();
    throw e;
  }
  const added = box.base.keywords.length;
  return () => {
    if (box.closed) return;
    restoreRows(box, undo);
    // Keywords this change defined are forgotten again, unless others were defined since or a row has one.
    if (added > base.keywords && box.base.keywords.length === added) {
      let used = 0;
      for (let r = 0; r < box.idx.length; r++) used |= box.idx.keywordMask(r);
      if ((used >>> base.keywords) === 0) forgetKeywords();
    }
  };
}

/**
 * Puts rows back as {@link setFlags} noted them, and their deltas. The row numbers hold while no update was
 * handed over; a row that moved since (its UID is elsewhere now) is left as it is.
 */
function restoreRows(box: MailboxState, undo: Undo): void {
  const x = box.idx;
  const rows = undo.rows;
  for (let i = rows.length - 5, j = undo.deltas.length - 1; i >= 0; i -= 5, j--) {
    const r = rows[i] as number;
    const uid = rows[i + 4] as number;
    box.deltas.restore(uid, undo.deltas[j] ?? null);
    if (r >= x.length || x.uid(r) !== uid) continue;
    x.setFlags(r, rows[i + 1] as number);
    x.setKeywordMask(r, rows[i + 2] as number);
    x.clearBits(r, Bit.Dirty | Bit.FlagsDirty);
    // A row whose UID is still to be written stays to be written.
    x.addBits(r, (rows[i + 3] as number) | (x.bits(r) & Bit.NewUid ? Bit.Dirty : 0));
  }
}

/** The client was just shown these messages' flags: changes to them noticed so far need not be reported again. */
export function flagsShown(box: MailboxState, seqs: Iterable<number>): void {
  if (box.flagChanged.size === 0) return;
  for (const seq of seqs) box.flagChanged.delete(box.idx.uid(box.row(seq)));
}

/** Every delta was written, or there was nothing to write: none is kept for a later write. */
export function settleDeltas(box: MailboxState): void {
  const n = box.deltas.size;
  if (n === 0) return;
  const x = box.idx;
  if (n * 32 < x.length) {
    // A few messages (a single STORE): their rows by UID (rows are in ascending UID order), not a walk of them all.
    for (const uid of box.deltas.uids()) {
      const r = x.rowOfUid(uid);
      if (r >= 0) x.clearBits(r, Bit.FlagsDirty);
    }
  } else {
    for (let r = 0; r < x.length; r++) x.clearBits(r, Bit.FlagsDirty);
  }
  box.deltas.clear();
}
