/**
 * Sequence sets against the selected mailbox, for every command that names messages (FETCH, STORE, COPY, ...).
 * Sets in responses (APPENDUID, COPYUID, ESEARCH ALL) are written by the encoder's `seqSet`.
 */
import type { OpenMailbox } from '../../../mailbox/driver.js';
import type { SequenceSet } from '../../../values/sequence.js';
import { bad } from '../../errors.js';

/**
 * The sequence numbers a set names, by message number or (uid) by UID; UIDs that do not exist are skipped. Throws
 * BAD for a message number above the count, which in an empty mailbox is every one, `*` included (RFC 3501 §9
 * seq-number: "The server should respond with a tagged BAD response to a command that uses a message sequence number
 * greater than the number of messages in the selected mailbox. This includes "*" if the selected mailbox is empty").
 */
export function resolveSet(box: OpenMailbox, set: SequenceSet, uid: boolean): number[] {
  const n = box.count();
  if (!uid) {
    if (n === 0 || set.exceeds(n)) throw bad('Invalid message sequence number');
    // The ranges are sorted and disjoint (as below): each is walked as it is.
    const out: number[] = [];
    for (const [first, last] of set.ranges(n)) for (let seq = first; seq <= last; seq++) out.push(seq);
    return out;
  }
  const maxUid = n ? box.meta(n).uid : 0;
  const out: number[] = [];
  // UIDs ascend with message numbers (RFC 3501 §2.3.1.1), so each range is found by binary search and walked
  // only as far as it reaches: a set of many ranges costs its matches, not ranges × messages.
  for (const [first, last] of set.ranges(maxUid)) {
    for (let seq = firstAtOrAbove(box, n, first); seq <= n; seq++) {
      if (box.meta(seq).uid > last) break;
      out.push(seq);
    }
  }
  // The ranges are sorted and disjoint, so the numbers come out ascending and each once.
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
