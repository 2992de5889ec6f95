/**
 * The per-message index's row searches (lib/mailbox/mbox/message-index.ts): findBits, which reads four rows at a
 * time when it looks for set bits, against a plain scan of every row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bit, COLUMNS, MessageIndex } from '../../lib/mailbox/mbox/message-index.js';

function plain(bits: Uint8Array, mask: number, value: number, from: number): number {
  for (let r = from; r < bits.length; r++) if (((bits[r] as number) & mask) === value) return r;
  return -1;
}

test('findBits finds what a plain scan finds, for every kind of search, start and length', () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const searches: [number, number][] = [
    [Bit.Dirty | Bit.Gone, Bit.Dirty], [Bit.Gone, Bit.Gone], [Bit.Recent, 0], [Bit.Dirty, Bit.Dirty],
    [Bit.Old | Bit.NewUid, Bit.Old], [0xff, 0], [Bit.FlagsDirty | Bit.Quoted, Bit.FlagsDirty | Bit.Quoted],
  ];
  for (let round = 0; round < 400; round++) {
    const n = round < 20 ? round : rand(round % 5 === 0 ? 5000 : 60);
    // Sparse rows with bits set (a dirty row among many clean ones), or dense ones.
    const dense = round % 3 === 0;
    const bits = new Uint8Array(n).map(() => (dense || rand(50) === 0 ? rand(256) : rand(2) ? Bit.Old : 0));
    // An unaligned column too (the word reads are for aligned ones; the rest take the plain loop).
    const column = round % 4 === 1 ? new Uint8Array(n + 1).subarray(1) : new Uint8Array(n);
    column.set(bits);
    const x = MessageIndex.fromColumns(n, { bits: column }, (k) => new COLUMNS[k](n));
    for (const [mask, value] of searches) {
      for (const from of [0, 1, 2, 3, 4, 5, rand(n + 2), n, n + 3]) {
        assert.equal(x.findBits(mask, value, from), plain(bits, mask, value, from),
          `round ${round}: ${n} rows, mask ${mask}, value ${value}, from ${from}`);
      }
    }
  }
});
