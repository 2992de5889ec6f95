/**
 * The per-session login policy: the failure delay (through an injected sleep), the failure limit, UW's over-long
 * name rule, the plaintext rule, and loopback detection for every address spelling Node can report.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLoopback, LoginGuard, plaintextAllowed } from '../../lib/auth/login-guard.js';

function guard(opts: { failureDelayMs?: number; maxFailures?: number; maxNameBytes?: number } = {}): {
  g: LoginGuard;
  slept: number[];
} {
  const slept: number[] = [];
  const g = new LoginGuard({
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...opts,
  });
  return { g, slept };
}

describe('LoginGuard', () => {
  test('defaults: 3 s after each failure, the third failure disconnects', async () => {
    const { g, slept } = guard();
    assert.equal(g.screen(['tim']), 'continue');
    assert.equal(await g.failed(), 'continue');
    assert.equal(await g.failed(), 'continue');
    assert.equal(g.exhausted, false);
    assert.equal(await g.failed(), 'disconnect');
    assert.equal(g.exhausted, true);
    assert.equal(g.failures, 3);
    assert.deepEqual(slept, [3000, 3000, 3000]);
    assert.equal(g.screen(['tim']), 'disconnect');
  });

  test('configurable delay and limit', async () => {
    const { g, slept } = guard({ failureDelayMs: 10, maxFailures: 1 });
    assert.equal(await g.failed(), 'disconnect');
    assert.deepEqual(slept, [10]);
  });

  test('the delay is waited before failed() resolves', async () => {
    const events: string[] = [];
    let release = (): void => undefined;
    const g = new LoginGuard({
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          events.push(`sleep ${ms}`);
          release = resolve;
        }),
    });
    const pending = g.failed().then((v) => events.push(`resolved ${v}`));
    await Promise.resolve();
    assert.deepEqual(events, ['sleep 3000']);
    release();
    await pending;
    assert.deepEqual(events, ['sleep 3000', 'resolved continue']);
  });

  test("names longer than UW's NETMAXUSER allowed end the session", async () => {
    const { g } = guard();
    assert.equal(g.screen(['a'.repeat(64), 'b'.repeat(64)]), 'continue');
    assert.equal(g.screen(['tim', 'a'.repeat(65)]), 'disconnect');
    assert.equal(g.exhausted, true);
    assert.equal(await g.failed(), 'disconnect');
    // Bytes, not characters: 33 two-byte letters are 66 bytes.
    assert.equal(guard().g.screen(['é'.repeat(33)]), 'disconnect');
    assert.equal(guard({ maxNameBytes: 100 }).g.screen(['a'.repeat(100)]), 'continue');
  });

  test('bad options are refused', () => {
    assert.throws(() => guard({ maxFailures: 0 }), RangeError);
    assert.throws(() => guard({ maxFailures: 1.5 }), RangeError);
    assert.throws(() => guard({ failureDelayMs: -1 }), RangeError);
    assert.throws(() => guard({ failureDelayMs: Number.NaN }), RangeError);
  });
});

describe('plaintextAllowed', () => {
  const table: readonly [boolean, boolean, boolean, boolean][] = [
    // tls, loopback, configured -> allowed
    [false, false, false, false],
    [true, false, false, true],
    [false, true, false, true],
    [false, false, true, true],
    [true, true, true, true],
  ];
  for (const [tls, remoteIsLoopback, allowPlaintextWithoutTls, want] of table) {
    test(`tls=${tls} loopback=${remoteIsLoopback} configured=${allowPlaintextWithoutTls} -> ${want}`, () => {
      assert.equal(plaintextAllowed({ tls, remoteIsLoopback, allowPlaintextWithoutTls }), want);
    });
  }
});

describe('isLoopback', () => {
  const yes = [
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '0:0:0:0:0:0:0:1',
    '0000:0000:0000:0000:0000:0000:0000:0001',
    '::0:1',
    '::1%lo',
    '::ffff:127.0.0.1',
    '::FFFF:127.9.8.7',
    '0:0:0:0:0:ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:7fff:ffff',
  ];
  const no = [
    '',
    'localhost',
    '128.0.0.1',
    '126.255.255.255',
    '10.0.0.1',
    '192.0.2.1',
    '0.0.0.0',
    '127.0.0.256',
    '127.0.0',
    '127.0.0.1.1',
    '127.00.0.1',
    '1127.0.0.1',
    ' 127.0.0.1',
    '::',
    '::2',
    '::1:0',
    '1::1',
    '::ffff:10.0.0.1',
    '::ffff:192.0.2.1',
    '::ffff:8000:1',
    '::127.0.0.1',
    '::ffff:127.0.0.1.1',
    '::ffff:127.0.0',
    ':::1',
    '::1::',
    '0:0:0:0:0:0:0:0:1',
    '0:0:0:0:0:0:1',
    'fe80::1',
    '2001:db8::1',
    '::ffff:0:127.0.0.1',
    'g::1',
    '00000::1',
  ];
  for (const a of yes) test(`${a} is loopback`, () => assert.equal(isLoopback(a), true));
  for (const a of no) test(`${JSON.stringify(a)} is not loopback`, () => assert.equal(isLoopback(a), false));
});
