/**
 * The randomness port and the server Env: system bytes are fresh, fixed bytes repeat as promised, and a session's
 * mailbox Env is derived from its server Env.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../lib/env/config.js';
import { fixedClock, mailEnvFor, type ServerEnv } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { fixedRandom, systemRandom } from '../../lib/env/random.js';

describe('Random', () => {
  test('systemRandom gives fresh bytes of the asked length', () => {
    assert.equal(systemRandom.bytes(0).length, 0);
    const a = systemRandom.bytes(32);
    const b = systemRandom.bytes(32);
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
    assert.throws(() => systemRandom.bytes(-1), RangeError);
  });

  test('fixedRandom repeats its pattern across calls', () => {
    const r = fixedRandom([1, 2, 3]);
    assert.deepEqual([...r.bytes(2)], [1, 2]);
    assert.deepEqual([...r.bytes(5)], [3, 1, 2, 3, 1]);
    assert.deepEqual([...r.bytes(0)], []);
    assert.throws(() => r.bytes(1.5), RangeError);
    assert.throws(() => fixedRandom([]), RangeError);
  });
});

describe('ServerEnv', () => {
  test('mailEnvFor shares clock, logger, hostname and pid and adds the user', () => {
    const logger = new MemoryLogger();
    const clock = fixedClock(0);
    const env: ServerEnv = {
      service: 'imapd',
      config: DEFAULT_CONFIG,
      clock,
      logger,
      random: fixedRandom([0]),
      hostname: 'mail.example.org',
      pid: 99,
    };
    const m = mailEnvFor(env, 'fred');
    assert.deepEqual(m, { clock, logger, hostname: 'mail.example.org', username: 'fred', pid: 99 });
    assert.equal(m.logger, logger);
    assert.ok(Object.isFrozen(m));
  });
});
