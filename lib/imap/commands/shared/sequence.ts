/**
 * Sequence sets against the selected mailbox, for every command that names messages (FETCH, STORE, COPY, ...).
 * Sets in responses (APPENDUID, COPYUID, ESEARCH ALL) are written by the encoder's `seqSet`.
 */
import type { OpenMailbox } from '../../../mailbox/driver.js';
import type { SequenceArg } from '../../../values/sequence.js';
import type { Selected } from '../../command.js';
import { bad } from '../../errors.js';

/** What a set is resolved against: the mailbox, and the saved search result that `$` names (RFC 5182). */
type Against = Pick<Selected, 'box' | 'saved'>;

/**
 * The sequence numbers a set names, by message number or (uid) by UID; UIDs that do not exist are skipped. Throws
 * BAD for a message number above the count, which in an empty mailbox is every one, `*` included (RFC 3501 §9
 * seq-number: "The server should respond with a tagged BAD response to a command that uses a message sequence number
 * greater than the number of messages in the selected mailbox. This includes "*" if the selected mailbox is empty").
 * `$` is the saved result's messages still here, whether the command is a UID one or not (RFC 5182 §2.1: it holds
 * messages, told by UID or number as the command asks); an empty one names nothing, which is no error.
 */
export function resolveSet(sel: Against, set: SequenceArg, uid: boolean): number[] {
  const out: number[] = [];
  for (const [first, last] of resolveRanges(sel, set, uid)) for (let seq = first; seq <= last; seq++) out.push(seq);
  return out;
}

/**
 * {@link resolveSet} as ranges of sequence numbers, [first, last] each, ascending and disjoint (none empty): what
 * FETCH walks, a range at a time.
 */
export function resolveRanges(sel: Against, set: SequenceArg, uid: boolean): Array<readonly [number, number]> {
  if (set === '$') return sel.saved === null ? [] : resolveRanges(sel, sel.saved, true);
  const box = sel.box;
  const n = box.count();
  if (!uid) {
    if (n === 0 || set.exceeds(n)) throw bad('Invalid message sequence number');
    // The ranges are sorted and disjoint (as below).
    return set.ranges(n);
  }
  const maxUid = n ? box.meta(n).uid : 0;
  const out: Array<readonly [number, number]> = [];
  // UIDs ascend with message numbers (RFC 3501 §2.3.1.1), so each range's ends are found by binary search: a set
  // of many ranges costs their number times log n. The ranges are sorted and disjoint, and so are the results.
  for (const [first, last] of set.ranges(maxUid)) {
    const from = firstAtOrAbove(box, n, first);
    const to = firstAtOrAbove(box, n, last + 1) - 1;
    if (from <= to) out.push([from, to]);
  }
  return out;
}

/** The first message number whose UID is at least `uid` (n + 1 when there is none). */
export function firstAtOrAbove(box: OpenMailbox, n: number, uid: number): number {
  let lo = 1;
  let hi = n + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (box.meta(mid).uid < uid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
