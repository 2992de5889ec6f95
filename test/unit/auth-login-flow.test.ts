/**
 * The login policy a session drives (lib/auth/login-flow.ts), with no process around it: the plaintext rule and
 * the mechanisms it offers before and after STARTTLS, the failure pause and limit from the configuration, UW's
 * over-long name rule, /etc/nologin, and every mechanism finding its account in the one database given.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileAccounts, type AccountDb } from '../../lib/auth/accounts.js';
import { LoginFlow, type LoginSetup } from '../../lib/auth/login-flow.js';
import type { PasswdEntry } from '../../lib/auth/passwd.js';
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
      ...DEFAULT_CONFIG, cramMd5File: join(dir, 'no-cram-md5.pwd'), nologinFile: join(dir, 'nologin'), ...config,
    },
    service: 'imap', accounts: fileAccounts(join(dir, 'passwd'), join(dir, 'shadow')), logger, clock: fixedClock(0), hostname: 'test.example',
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

  describe('every mechanism finds its account in the one database given (account_source)', () => {
    /** md5crypt of "correct horse" (test/fixtures/auth/shadow's bob). */
    const HASH = '$1$saltsalt$NuzA7WTAelpl95xgBGWN60';
    const crypt = (phrase: Buffer): string | null => (phrase.toString() === 'correct horse' ? HASH : 'nope');
    /** A database that knows `dora` (uid 2000, as no file in this test says) and records what it is asked. */
    function recording(): { accounts: AccountDb; asked: string[] } {
      const asked: string[] = [];
      const dora: PasswdEntry = {
        account: { name: 'dora', uid: 2000, gid: 2001, gecos: '', home: '/srv/dora', shell: '/bin/sh' }, password: 'x',
      };
      return {
        asked,
        accounts: {
          byName: async (name) => (asked.push(`passwd ${name}`), name === 'dora' ? dora : undefined),
          byUid: async () => undefined,
          shadow: async (name) => (asked.push(`shadow ${name}`), name === 'dora' ? { hash: HASH } : undefined),
        },
      };
    }
    const plain = (user: string, pw: string): Buffer => Buffer.from(`\0${user}\0${pw}`);
    const loopback = { client: { address: '127.0.0.1', host: 'localhost', loopback: true } };

    for (const checker of ['passwd', 'pam'] as const) {
      test(`auth_checker = ${checker}: LOGIN (USER/PASS), AUTHENTICATE PLAIN and LOGIN`, async () => {
        const { accounts, asked } = recording();
        const pamAsked: string[] = [];
        const { f } = flow({
          ...loopback, accounts, crypt,
          pam: async (_service, user, password) => (pamAsked.push(user), password.toString() === 'correct horse'
            ? { stage: 'ok', code: 0, message: 'Success' } : { stage: 'authenticate', code: 7, message: 'Authentication failure' }),
        }, { authChecker: checker });
        const ok = await f.login('Dora', new Secret('correct horse'));
        assert.deepEqual(ok.ok ? ok.account : ok, { name: 'dora', uid: 2000, gid: 2001, gecos: '', home: '/srv/dora', shell: '/bin/sh' });
        const sasl = f.sasl('PLAIN');
        assert.ok(sasl);
        const done = await sasl.start(plain('dora', 'correct horse'));
        assert.ok(done.kind === 'done' && done.result.ok && done.result.account.uid === 2000);
        const login = f.sasl('LOGIN');
        assert.ok(login);
        await login.start(null);
        await login.respond(Buffer.from('dora'));
        const last = await login.respond(Buffer.from('correct horse'));
        assert.ok(last.kind === 'done' && last.result.ok && last.result.account.name === 'dora');
        const wrong = await f.login('dora', new Secret('incorrect'));
        assert.equal(wrong.ok ? 'ok' : wrong.reason, 'bad-password');
        // Not in the database: refused, whatever the password source would say.
        const unknown = await f.login('tim', new Secret('correct horse'));
        assert.equal(unknown.ok ? 'ok' : unknown.reason, 'no-such-user');
        assert.ok(asked.includes('passwd Dora') && asked.includes('passwd dora') && asked.includes('passwd tim'), asked.join());
        if (checker === 'passwd') assert.ok(asked.includes('shadow dora'));
        else assert.deepEqual(pamAsked, ['dora', 'dora', 'dora', 'dora']);
      });
    }

    const root = process.getuid?.() === 0;
    test('CRAM-MD5 and APOP (cram-md5.pwd) take the account from it too', { skip: !root && 'cram-md5.pwd must be owned by root' }, async () => {
      const { accounts, asked } = recording();
      const cram = join(dir, 'cram-md5.pwd');
      writeFileSync(cram, 'dora\tdora-secret\nghost\tghost-secret\n', { mode: 0o600 });
      try {
        const { f } = flow({ ...loopback, accounts, crypt }, { cramMd5File: cram });
        for (const [user, secret, want] of [['dora', 'dora-secret', 'ok'], ['ghost', 'ghost-secret', 'no-such-user']] as const) {
          const m = f.sasl('CRAM-MD5');
          assert.ok(m);
          const c = await m.start(null);
          assert.ok(c.kind === 'challenge');
          const r = await m.respond(Buffer.from(`${user} ${createHmac('md5', secret).update(c.data).digest('hex')}`));
          assert.ok(r.kind === 'done');
          assert.equal(r.result.ok ? 'ok' : r.result.reason, want);
        }
        const stamp = '<1896.697170952@dbc.mtview.ca.us>';
        const apop = await f.apop(stamp, 'dora', createHash('md5').update(stamp + 'dora-secret').digest('hex'));
        assert.equal(apop.ok ? apop.account.uid : apop.reason, 2000);
        assert.deepEqual(asked.filter((a) => a.startsWith('passwd ')), ['passwd dora', 'passwd ghost', 'passwd dora']);
      } finally {
        rmSync(cram);
      }
    });
  });
});
