/** Flag changes kept as deltas (lib/mailbox/mbox/flag-deltas.ts): composition, application, taking back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagDeltas } from '../../lib/mailbox/mbox/flag-deltas.js';

describe('flag deltas', () => {
  it('applies add, remove and replace to whatever the file holds', () => {
    const d = new FlagDeltas();
    d.change(7, 'add', 0b0011, 0b100);
    assert.deepEqual(d.apply(7, 0b1000, 0b001), { flags: 0b1011, keywords: 0b101 });
    d.change(7, 'remove', 0b0001, 0b001);
    assert.deepEqual(d.apply(7, 0b1001, 0b001), { flags: 0b1010, keywords: 0b100 });
    d.change(7, 'replace', 0b0100, 0);
    assert.deepEqual(d.apply(7, 0xff, 0xffffffff), { flags: 0b0100, keywords: 0 });
    d.change(7, 'add', 0b0001, 0b10);
    assert.deepEqual(d.apply(7, 0xff, 0xffffffff), { flags: 0b0101, keywords: 0b10 });
    // A UID without a delta keeps the file's flags.
    assert.deepEqual(d.apply(8, 0b11, 0b1), { flags: 0b11, keywords: 0b1 });
  });

  it('composes adding after removing (and the reverse) as the last change says', () => {
    const d = new FlagDeltas();
    d.change(1, 'remove', 0b10, 0);
    d.change(1, 'add', 0b10, 0);
    assert.deepEqual(d.apply(1, 0, 0), { flags: 0b10, keywords: 0 });
    d.change(2, 'add', 0b10, 1);
    d.change(2, 'remove', 0b10, 1);
    assert.deepEqual(d.apply(2, 0b11, 1), { flags: 0b01, keywords: 0 });
  });

  it('takes changes back in reverse order, keeping others, over many UIDs', () => {
    const d = new FlagDeltas();
    const befores: (readonly [number, number, number, number] | null)[] = [];
    for (let uid = 1; uid <= 1000; uid++) d.change(uid, 'add', 1, 0);
    for (let uid = 1; uid <= 1000; uid++) befores.push(d.change(uid, 'add', 2, 0));
    assert.deepEqual(befores[0], [1, 0, 0, 0]);
    for (let uid = 1000; uid >= 1; uid--) d.restore(uid, befores[uid - 1] ?? null);
    for (let uid = 1; uid <= 1000; uid++) assert.deepEqual(d.apply(uid, 0, 0), { flags: 1, keywords: 0 });
    // New UIDs' changes taken back (out of order too) leave no delta behind and the rest intact.
    const b1 = d.change(2000, 'add', 4, 0);
    const b2 = d.change(2001, 'add', 8, 0);
    d.restore(2000, b1);
    assert.equal(d.has(2000), false);
    assert.deepEqual(d.apply(2001, 0, 0), { flags: 8, keywords: 0 });
    d.restore(2001, b2);
    assert.equal(d.size, 1000);
    d.clear();
    assert.equal(d.size, 0);
    assert.deepEqual(d.apply(5, 3, 0), { flags: 3, keywords: 0 });
  });
});
