/**
 * resolveSet (lib/imap/commands/shared/sequence.ts): a UID set against the selected mailbox, found by binary search
 * per range, checked against the plain definition (every message whose UID the set names) over random mailboxes
 * (UIDs ascending with gaps) and random sets of several ranges, `*` and reversed ranges included.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { OpenMailbox } from '../../lib/mailbox/driver.js';
import { resolveSet } from '../../lib/imap/commands/shared/sequence.js';
import { SequenceSet, type SeqNumber, type SeqRange } from '../../lib/values/sequence.js';

/** A deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Only what resolveSet reads of a mailbox: the count and each message's UID. */
function mailboxOf(uids: readonly number[]): OpenMailbox {
  return { count: () => uids.length, meta: (seq: number) => ({ uid: uids[seq - 1] }) } as unknown as OpenMailbox;
}

/** A selection over those UIDs with nothing saved. */
function against(uids: readonly number[]): { box: OpenMailbox; saved: null } {
  return { box: mailboxOf(uids), saved: null };
}

describe('resolveSet by UID', () => {
  it('names exactly the messages whose UIDs the set covers, ascending, each once (2,000 random cases)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const uids: number[] = [];
      let u = 0;
      const n = Math.floor(r() * 40);
      for (let i = 0; i < n; i++) uids.push((u += 1 + Math.floor(r() * 5)));
      const top = u + 5;
      const num = (): SeqNumber => (r() < 0.1 ? '*' : 1 + Math.floor(r() * top));
      const items: SeqRange[] = [];
      const k = 1 + Math.floor(r() * 5);
      for (let i = 0; i < k; i++) {
        const a = num();
        items.push(r() < 0.4 ? { first: a, last: a } : { first: a, last: num() });
      }
      const set = SequenceSet.of(items);
      const named = new Set([...set.numbers(n ? (uids[n - 1] as number) : 0)]);
      const want = uids.flatMap((x, i) => (named.has(x) ? [i + 1] : []));
      assert.deepEqual(resolveSet(against(uids), set, true), want, `seed ${seed}: uids ${uids.join(',')}`);
    }
  });

  it('gives nothing in an empty mailbox, and the last message for n:* above every UID (RFC 3501 §6.4.8)', () => {
    assert.deepEqual(resolveSet(against([]), SequenceSet.range(1, '*'), true), []);
    assert.deepEqual(resolveSet(against([3, 7, 9]), SequenceSet.range(559, '*'), true), [3]);
    assert.deepEqual(resolveSet(against([3, 7, 9]), SequenceSet.of([{ first: 8, last: 4 }, { first: 9, last: 9 }]), true), [2, 3]);
  });
});

describe('resolveSet of "$" (RFC 5182)', () => {
  const box = mailboxOf([3, 7, 9, 12]);
  it('names the saved UIDs still here, for UID and message-number commands alike', () => {
    const saved = SequenceSet.of([{ first: 1, last: 3 }, { first: 8, last: 9 }, { first: 12, last: 12 }]);
    assert.deepEqual(resolveSet({ box, saved }, '$', true), [1, 3, 4]);
    assert.deepEqual(resolveSet({ box, saved }, '$', false), [1, 3, 4]);
  });
  it('names nothing, and is no error, when empty or when every saved message is gone', () => {
    assert.deepEqual(resolveSet({ box, saved: null }, '$', false), []);
    assert.deepEqual(resolveSet({ box: mailboxOf([]), saved: null }, '$', false), []);
    assert.deepEqual(resolveSet({ box, saved: SequenceSet.range(4, 6) }, '$', false), []);
  });
});
