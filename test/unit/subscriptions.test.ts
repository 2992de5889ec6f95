/**
 * lib/mailbox/uw-subscriptions.ts: `~/.mailboxlist` changed by several sessions at once. Each change is made under
 * the lock in the control directory, so none is lost; without a control directory a change is made as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Subscriptions } from '../../lib/mailbox/uw-subscriptions.js';

const dir = mkdtempSync(join(tmpdir(), 'subscriptions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Subscriptions', () => {
  test('thirty sessions subscribing at the same instant all keep their name; removing at once too', async () => {
    const file = join(dir, 'a.mailboxlist');
    const lock = join(dir, 'subscriptions');
    const names = Array.from({ length: 30 }, (_, i) => `box${i}`);
    // Each its own Subscriptions (its own descriptor on the lock file), as separate sessions have.
    await Promise.all(names.map((n) => new Subscriptions(file, () => lock).add(n)));
    assert.deepEqual(readFileSync(file, 'latin1').split('\n').filter(Boolean).sort(), [...names].sort());
    assert.equal(statSync(`${lock}.lock`).mode & 0o777, 0o600);
    await Promise.all(names.slice(0, 20).map((n) => new Subscriptions(file, () => lock).remove(n)));
    assert.deepEqual(readFileSync(file, 'latin1').split('\n').filter(Boolean).sort(), names.slice(20).sort());
  });

  test('without a control directory a change is still made (no lock file)', async () => {
    const file = join(dir, 'b.mailboxlist');
    const s = new Subscriptions(file, () => null);
    await s.add('inbox');
    await s.add('Sent');
    await s.add('INBOX');
    await s.remove('Sent');
    assert.equal(readFileSync(file, 'latin1'), 'INBOX\n');
  });
});
