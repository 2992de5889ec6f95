/**
 * lib/mailbox/server-metadata.ts: RFC 5464 server annotations, the configured /shared entries and the user's
 * /private ones in the control directory's file: all the changes of one SETMETADATA or none, and §4.3's refusals.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ServerMetadata } from '../../lib/mailbox/server-metadata.js';

const dir = mkdtempSync(join(tmpdir(), 'metadata-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const shared = new Map([['/shared/comment', Buffer.from('hello')]]);
const v = (s: string): Buffer => Buffer.from(s);

describe('ServerMetadata', () => {
  test('private entries are kept in the file, shared ones come from the configuration', async () => {
    const file = join(dir, 'a');
    const m = new ServerMetadata(() => file, shared);
    assert.equal(await m.set([{ entry: '/private/x', value: v('1') }, { entry: '/private/bin', value: Buffer.from([0, 1]) }]), null);
    const again = new ServerMetadata(() => file, shared);
    assert.deepEqual([...(await again.entries())].sort(),
      [['/private/bin', Buffer.from([0, 1])], ['/private/x', v('1')], ['/shared/comment', v('hello')]]);
    assert.equal(await again.set([{ entry: '/private/x', value: null }, { entry: '/private/none', value: null }]), null);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { '/private/bin': 'AAE=' });
  });

  test('refusals change nothing: shared, too long, too many, no control directory', async () => {
    const file = join(dir, 'b');
    const m = new ServerMetadata(() => file, shared);
    assert.equal(await m.set([{ entry: '/private/keep', value: v('k') }]), null);
    assert.deepEqual(await m.set([{ entry: '/private/a', value: v('a') }, { entry: '/shared/comment', value: v('mine') }]),
      { kind: 'shared' });
    assert.deepEqual(await m.set([{ entry: '/private/a', value: Buffer.alloc(4097) }]), { kind: 'maxsize', max: 4096 });
    assert.equal(await m.set([{ entry: '/private/a', value: Buffer.alloc(4096) }]), null);
    const many = Array.from({ length: 63 }, (_, i) => ({ entry: `/private/m${i}`, value: v('x') }));
    assert.deepEqual(await m.set(many), { kind: 'toomany' });
    assert.deepEqual([...(await m.entries()).keys()].sort(), ['/private/a', '/private/keep', '/shared/comment']);
    assert.equal(await m.set(many.slice(0, 62)), null);
    assert.deepEqual(await new ServerMetadata(() => null, shared).set([{ entry: '/private/a', value: v('a') }]),
      { kind: 'noprivate' });
    assert.deepEqual([...(await new ServerMetadata(() => null, shared).entries()).keys()], ['/shared/comment']);
  });

  test('changes made at the same instant are all kept (each under the file\'s lock)', async () => {
    const file = join(dir, 'c');
    // Thirty sessions, each with its own descriptor on the lock file, each adding its own entry at once: without the
    // lock each reads the table before any writes it back, and only the last write survives.
    await Promise.all(Array.from({ length: 30 }, (_, i) =>
      new ServerMetadata(() => file, new Map()).set([{ entry: `/private/s${i}`, value: v(`${i}`) }])));
    const kept = await new ServerMetadata(() => file, new Map()).entries();
    assert.deepEqual([...kept.keys()].sort(), Array.from({ length: 30 }, (_, i) => `/private/s${i}`).sort());
    assert.equal(statSync(`${file}.lock`).mode & 0o777, 0o600);
  });

  test('a missing or damaged file counts as empty', async () => {
    assert.deepEqual([...(await new ServerMetadata(() => join(dir, 'missing', 'x'), new Map()).entries())], []);
    const file = join(dir, 'damaged');
    writeFileSync(file, '{"/private/a": "YQ==", "/shared/x": "YQ==", "/private/b": 3');
    assert.deepEqual([...(await new ServerMetadata(() => file, new Map()).entries())], []);
    writeFileSync(file, '{"/private/a": "YQ==", "/shared/x": "YQ==", "/private/b": 3}');
    assert.deepEqual([...(await new ServerMetadata(() => file, new Map()).entries())], [['/private/a', v('a')]]);
  });
});
