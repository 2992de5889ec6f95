/**
 * The login policy a session drives (lib/auth/login-flow.ts), with no process around it: the plaintext rule and
 * the mechanisms it offers before and after STARTTLS, the failure pause and limit from the configuration, UW's
 * over-long name rule, and /etc/nologin.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LoginFlow, type LoginSetup } from '../../lib/auth/login-flow.js';
import { Secret } from '../../lib/auth/secret.js';
import { DEFAULT_CONFIG } from '../../lib/env/config.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'uwimap-login-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'passwd'), 'tim:x:1000:1000::/home/tim:/bin/sh\n');
writeFileSync(join(dir, 'shadow'), 'tim:!:19000:0:99999:7:::\n');

function flow(over: Partial<LoginSetup> = {}, config: Partial<LoginSetup['config']> = {}) {
  const slept: number[] = [];
  let upgraded = 0;
  const logger = new MemoryLogger();
  const f = new LoginFlow({
    config: {
      ...DEFAULT_CONFIG, passwdFile: join(dir, 'passwd'), shadowFile: join(dir, 'shadow'),
      cramMd5File: join(dir, 'no-cram-md5.pwd'), nologinFile: join(dir, 'nologin'), ...config,
    },
    service: 'imap', logger, clock: fixedClock(0), hostname: 'test.example',
    pam: async () => ({ stage: 'start', code: 0, message: 'not in this test' }),
    crypt: () => null,
    random: (n) => Buffer.alloc(n, 7),
    sleep: async (ms) => {
      slept.push(ms);
    },
    client: { address: '192.0.2.9', host: '[192.0.2.9]', loopback: false },
    tlsActive: false,
    startTls: async () => {
      upgraded++;
    },
    ...over,
  });
  return { f, slept, logger, upgraded: () => upgraded };
}

describe('LoginFlow', () => {
  test('without TLS from another host: no plaintext, no mechanisms; STARTTLS once, then both', async () => {
    const { f, upgraded } = flow();
    assert.equal(f.plaintextAllowed(), false);
    assert.deepEqual(f.mechanisms(), []);
    assert.equal(f.sasl('PLAIN'), null);
    assert.equal(f.apopOffered, false);
    const tls = f.tls;
    assert.ok(tls);
    await tls.start();
    assert.equal(upgraded(), 1);
    assert.equal(f.tls, null);
    assert.equal(f.plaintextAllowed(), true);
    assert.deepEqual(f.mechanisms(), ['PLAIN', 'LOGIN']);
    assert.ok(f.sasl('plain'));
  });

  test('loopback, or configured, allows plaintext; implicit TLS offers no STARTTLS', () => {
    assert.equal(flow({ client: { address: '127.0.0.1', host: 'localhost', loopback: true } }).f.plaintextAllowed(), true);
    assert.equal(flow({}, { allowPlaintextWithoutTls: true }).f.plaintextAllowed(), true);
    const implicit = flow({ tlsActive: true }).f;
    assert.equal(implicit.tls, null);
    assert.equal(implicit.plaintextAllowed(), true);
    assert.equal(flow({ startTls: null }).f.tls, null);
  });

  test('the configured pause after each failure, and the end after the configured number', async () => {
    const { f, slept } = flow({}, { loginFailureDelayMs: 5, maxLoginFailures: 2 });
    assert.equal(await f.loginFailed(), false);
    assert.equal(await f.loginFailed(), true);
    assert.deepEqual(slept, [5, 5]);
  });

  test('a name longer than UW allowed is refused unchecked, and so is every login after it', async () => {
    const { f } = flow();
    const long = await f.login('x'.repeat(65), new Secret('pw'));
    assert.deepEqual(long, { ok: false, reason: 'unavailable', detail: 'too many failures' });
    const next = await f.login('tim', new Secret('pw'));
    assert.deepEqual(next, { ok: false, reason: 'unavailable', detail: 'too many failures' });
  });

  test('the password sources answer otherwise; while the nologin file exists nobody logs in', async () => {
    const { f, logger } = flow();
    const r = await f.login('nobody-here', new Secret('pw'));
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, 'no-such-user');
    writeFileSync(join(dir, 'nologin'), 'maintenance\n');
    try {
      const n = await f.login('tim', new Secret('pw'));
      assert.deepEqual(n, { ok: false, reason: 'unavailable', detail: 'logins disabled' });
      assert.match(logger.lines.at(-1)?.message ?? '', /^Login disabled user=tim host=\[192\.0\.2\.9\] \(.*nologin exists\)$/);
    } finally {
      rmSync(join(dir, 'nologin'));
    }
  });

  test('APOP is off without cram-md5.pwd', async () => {
    const { f } = flow();
    assert.deepEqual(await f.apop('<1.2@h>', 'tim', 'a'.repeat(32)), { ok: false, reason: 'unavailable', detail: 'APOP is off' });
  });
});
