/**
 * Sequence sets against the selected mailbox, for every command that names messages (FETCH, STORE, COPY, ...).
 * Sets in responses (APPENDUID, COPYUID, ESEARCH ALL) are written by the encoder's `seqSet`.
 */
import type { OpenMailbox } from '../../../mailbox/driver.js';
import type { SequenceSet } from '../../../values/sequence.js';
import { bad } from '../../session.js';

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
    return [...set.numbers(n)];
  }
  const maxUid = n ? box.meta(n).uid : 0;
  const out: number[] = [];
  for (const [first, last] of set.ranges(maxUid)) {
    for (let seq = 1; seq <= n; seq++) {
      const u = box.meta(seq).uid;
      if (u >= first && u <= last) out.push(seq);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
