/**
 * QRESYNC (RFC 7162 §3.2): a client that comes back with the UIDVALIDITY and mod-sequence it last knew learns, in
 * the SELECT or UID FETCH itself, which messages vanished since then and which changed. Once it is on, expunges are
 * told as VANISHED with UIDs instead of EXPUNGE (ImapSession.reportUpdates).
 */
import type { OpenMailbox } from '../../../mailbox/driver.js';
import { numberRanges, SequenceSet } from '../../../values/sequence.js';
import type { QresyncParam } from '../../../wire/parser.js';
import type { CommandContext, SelectedContext } from '../../command.js';
import { flagsFetch, highestModseq, vanished } from '../../responses.js';
import { firstAtOrAbove, resolveSet } from './sequence.js';

/** Whether QRESYNC is on for this session (ENABLE QRESYNC, §3.2.3). */
export function qresyncOn(ctx: CommandContext): boolean {
  return ctx.session.enabled.has('QRESYNC');
}

/**
 * After a command that expunged messages of the selected mailbox (EXPUNGE, UID EXPUNGE, MOVE, REPLACE): under
 * QRESYNC its tagged OK names the mailbox's HIGHESTMODSEQ (RFC 7162 §3.2.7, §3.2.9: the client then knows it has every
 * change up to it), read when the OK is sent, after the session's updates (every expunge, this one's and others',
 * told by then). Nothing removed: a plain OK.
 */
export function tellHighestModseq(ctx: SelectedContext, name: string, removed: number): void {
  const box = ctx.selected.box;
  if (removed && qresyncOn(ctx)) ctx.okWith(`${name} completed`, (b) => highestModseq(b, box));
}

/**
 * The UIDs in `within` (null: every UID below UIDNEXT) expunged by changes above `modseq`, as sorted disjoint ranges.
 * What the mailbox remembers; when it does not remember that far back, every such UID that is not in the mailbox
 * now, a larger answer §3.2.5.2 allows (which makes seq-match-data, the hint for servers that cannot say, needless).
 * A message still in the client's numbering (its expunge not told yet) is left for the VANISHED that will tell it.
 */
function vanishedSince(box: OpenMailbox, modseq: number,
  within: SequenceSet | null): Array<readonly [number, number]> {
  const top = box.uidNext() - 1;
  if (top < 1) return [];
  const ranges = (within ?? SequenceSet.range(1, top)).ranges(top);
  const remembered = box.expungedSince(modseq);
  if (remembered !== null) {
    // Both ascending: one walk.
    let i = 0;
    return numberRanges(remembered.filter((uid) => {
      while (i < ranges.length && (ranges[i] as readonly [number, number])[1] < uid) i++;
      const r = ranges[i];
      return r !== undefined && r[0] <= uid && box.seqOf(uid) === undefined;
    }));
  }
  const out: Array<readonly [number, number]> = [];
  const n = box.count();
  for (const [lo, hi] of ranges) {
    // The gaps between the UIDs of this range that are here.
    let next = lo;
    for (let seq = firstAtOrAbove(box, n, lo); seq <= n && next <= hi; seq++) {
      const uid = box.meta(seq).uid;
      if (uid > hi) break;
      if (uid > next) out.push([next, uid - 1]);
      next = uid + 1;
    }
    if (next <= hi) out.push([next, hi]);
  }
  return out;
}

/** `* VANISHED (EARLIER) ...` of {@link vanishedSince}; nothing when nothing vanished. */
export function sendVanishedSince(ctx: CommandContext, box: OpenMailbox, modseq: number,
  within: SequenceSet | null): void {
  const gone = vanishedSince(box, modseq, within);
  if (gone.length) ctx.untagged((b) => vanished(b, true, gone));
}

/**
 * SELECT/EXAMINE (QRESYNC (...)) after the usual responses (§3.2.5.1): when the UIDVALIDITY is still the client's,
 * what vanished since its mod-sequence, then the flags of every message changed since, with UID and MODSEQ; both
 * only for the UIDs it knows when it named them. Another UIDVALIDITY: nothing more (the client starts over).
 */
export function resynchronize(ctx: CommandContext, box: OpenMailbox, p: QresyncParam): void {
  if (p.uidValidity !== box.uidValidity) return;
  sendVanishedSince(ctx, box, p.modseq, p.knownUids);
  for (const seq of resolveSet({ box, saved: null }, p.knownUids ?? SequenceSet.range(1, '*'), true)) {
    const m = box.meta(seq);
    if (m.modseq > p.modseq) ctx.untagged((b) => flagsFetch(b, seq, m,
      { uid: true, modseq: true, flags: true, recent: !ctx.session.rev2 }));
  }
}
