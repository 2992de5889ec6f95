/** Sequence sets against the selected mailbox, for every command that names messages (FETCH, STORE, COPY, ...). */
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

/** A sorted list of numbers as a compact sequence set (`1:3,7`): APPENDUID, COPYUID, ESEARCH ALL. */
export function compact(ids: readonly number[]): string {
  const s = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] as number) === (s[j] as number) + 1) j++;
    parts.push(j > i ? `${s[i]}:${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}
