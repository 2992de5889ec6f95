/**
 * Password checkers: the system checker on the passwd/shadow fixtures (every outcome, at a fixed "today") and on the
 * real /etc/shadow with a throwaway yescrypt user and chage; the PAM checker's arguments and stage/code mapping; UW's
 * cram-md5.pwd rule for plaintext logins in its three settings; completing SASL logins; no password in any result.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileAccounts, findAccount, nssAccounts, type AccountDb } from '../../lib/auth/accounts.js';
import {
  CramMd5AwareChecker,
  completeSaslLogin,
  groupAdminPolicy,
  PAM,
  pamFailure,
  PamPasswordChecker,
  SystemPasswordChecker,
  type PamFn,
  type PamOutcome,
  type PasswordChecker,
} from '../../lib/auth/checker.js';
import { parseCramMd5 } from '../../lib/auth/cram-md5-pwd.js';
import { Secret } from '../../lib/auth/secret.js';
import type { AuthResult, LoginContext } from '../../lib/auth/types.js';
import { fixedClock } from '../../lib/env/env.js';
import { loadNative } from '../../lib/native/native.js';
import { pythonCrypt, recordingCrypt, renderings, ThrowawayUser } from './auth-support.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'auth');
const PASSWD = join(FIXTURES, 'passwd');
const SHADOW = join(FIXTURES, 'shadow');
const GROUP = join(FIXTURES, 'group');
const DAY = 86_400_000;
/** Noon UTC on day 20000 (2024-10-04). */
const TODAY = fixedClock(20000 * DAY + DAY / 2);
const IMAP: LoginContext = { service: 'imap', rhost: '192.0.2.7' };
const POP: LoginContext = { service: 'pop', rhost: '2001:db8::7' };
const RIGHT = 'correct horse';
/** The fixtures as an account database (account_source = file). */
const FILES: AccountDb = fileAccounts(PASSWD, SHADOW);

function reasonOf(r: AuthResult): string {
  return r.ok ? `ok:${r.account.name}` : r.reason;
}

/** Checks that `password` appears nowhere in the result, however it is printed. */
function assertNoPassword(r: unknown, password: string): void {
  assert.ok(!renderings(r).includes(password), `password leaked into ${renderings(r)}`);
}

describe('SystemPasswordChecker on the fixtures', () => {
  const checker = new SystemPasswordChecker({ accounts: FILES, crypt: pythonCrypt, clock: TODAY });
  const cases: readonly [string, string, string, string][] = [
    ['shadow sha512crypt', 'alice', RIGHT, 'ok:alice'],
    ['shadow sha512crypt, wrong password', 'alice', 'Wr0ng-guess', 'bad-password'],
    ['hash in the passwd field', 'bob', RIGHT, 'ok:bob'],
    ['hash in the passwd field, wrong', 'bob', 'correct horsE', 'bad-password'],
    ['locked with !', 'carol', RIGHT, 'locked'],
    ['x with no shadow line', 'dave', RIGHT, 'locked'],
    ['account expired yesterday', 'erin', RIGHT, 'expired'],
    ['account expired, wrong password: not told it expired', 'erin', 'Wr0ng-guess', 'bad-password'],
    ['lastChange 0', 'frank', RIGHT, 'expired'],
    ['password too old', 'grace', RIGHT, 'expired'],
    ['expires tomorrow', 'heidi', RIGHT, 'ok:heidi'],
    ['empty shadow hash', 'ivan', '', 'locked'],
    ['empty shadow hash, any password', 'ivan', 'anything', 'locked'],
    ['empty passwd field', 'judy', '', 'locked'],
    ['two-field shadow line', 'oldform', RIGHT, 'ok:oldform'],
    ['unparsable shadow line', 'badnum', RIGHT, 'locked'],
    ['yescrypt', 'yes', RIGHT, 'ok:yes'],
    ['root: disabled hash', 'root', RIGHT, 'locked'],
    ['uid 0 with a good hash', 'toor', RIGHT, 'locked'],
    ['uid 0, wrong password', 'toor', 'Wr0ng-guess', 'bad-password'],
    ['no such user', 'zelda', RIGHT, 'no-such-user'],
    ['NIS line is not a user', '+nisuser', RIGHT, 'no-such-user'],
    ["upper case tried in lower case (UW's pwuser)", 'ALICE', RIGHT, 'ok:alice'],
    ['empty password', 'alice', '', 'bad-password'],
  ];
  for (const [name, user, password, want] of cases) {
    test(`${name}: ${user} -> ${want}`, async () => {
      const r = await checker.check(user, new Secret(password), IMAP);
      assert.equal(reasonOf(r), want);
      if (password !== '') assertNoPassword(r, password);
    });
  }

  test('the account comes from passwd', async () => {
    assert.deepEqual(await checker.check('bob', new Secret(RIGHT), POP), {
      ok: true,
      account: { name: 'bob', uid: 1002, gid: 1002, gecos: 'Bob (hash in passwd)', home: '/home/bob', shell: '/bin/sh' },
    });
  });

  test('details say why, for the log', async () => {
    const detail = async (user: string, pw = RIGHT): Promise<string> => {
      const r = await checker.check(user, new Secret(pw), IMAP);
      return r.ok ? '' : r.detail;
    };
    assert.equal(await detail('erin'), 'user=erin: account-expired');
    assert.equal(await detail('frank'), 'user=frank: password-must-change');
    assert.equal(await detail('grace'), 'user=grace: password-too-old');
    assert.equal(await detail('carol'), 'user=carol: password hash is locked');
    assert.equal(await detail('ivan'), 'user=ivan: password hash is empty');
    assert.equal(await detail('dave'), 'user=dave: passwd says shadow, but there is no shadow entry');
    assert.equal(await detail('alice', 'Wr0ng-guess'), 'user=alice: wrong password');
    assert.equal(await detail('toor'), 'user=toor: uid 0 may not log in');
  });

  test('expiry follows the injected clock', async () => {
    const earlier = new SystemPasswordChecker({
      accounts: FILES,
      crypt: pythonCrypt,
      clock: fixedClock(19998 * DAY),
    });
    assert.equal(reasonOf(await earlier.check('erin', new Secret(RIGHT), IMAP)), 'ok:erin');
  });

  test('crypt is given the password and the stored hash; locked hashes never reach it', async () => {
    const { crypt, calls } = recordingCrypt(pythonCrypt);
    const c = new SystemPasswordChecker({ accounts: FILES, crypt, clock: TODAY });
    await c.check('bob', new Secret(RIGHT), IMAP);
    await c.check('carol', new Secret(RIGHT), IMAP);
    await c.check('ivan', new Secret(RIGHT), IMAP);
    assert.deepEqual(calls, [{ phrase: RIGHT, setting: '$1$saltsalt$NuzA7WTAelpl95xgBGWN60' }]);
  });

  test('an unreadable shadow file or a failing crypt is "unavailable", without the password', async () => {
    const noShadow = new SystemPasswordChecker({
      accounts: fileAccounts(PASSWD, '/nonexistent/shadow'),
      crypt: pythonCrypt,
      clock: TODAY,
    });
    const r1 = await noShadow.check('alice', new Secret(RIGHT), IMAP);
    assert.deepEqual(r1, { ok: false, reason: 'unavailable', detail: 'user=alice: password check failed (ENOENT)' });
    const broken = new SystemPasswordChecker({
      accounts: FILES,
      crypt: (phrase) => {
        throw new Error(`crypt exploded on ${phrase.toString()}`);
      },
      clock: TODAY,
    });
    const r2 = await broken.check('alice', new Secret(RIGHT), IMAP);
    assert.deepEqual(r2, { ok: false, reason: 'unavailable', detail: 'user=alice: password check failed (Error)' });
  });
});

describe('SystemPasswordChecker on the real /etc/passwd and /etc/shadow', () => {
  let user: ThrowawayUser | undefined;
  before(() => {
    user = new ThrowawayUser('c');
  });
  after(() => user?.remove());

  // The same account read as files (account_source = file) and through NSS (getpwnam_r and getspnam_r).
  const sources: [string, () => AccountDb][] = [
    ['the files', () => fileAccounts()],
    ['NSS', () => nssAccounts(loadNative())],
  ];
  for (const [label, accounts] of sources) {
    test(`from ${label}: a yescrypt password set by chpasswd, then chage -E and chage -d 0`, async () => {
      assert.ok(user);
      const hash = user.setPassword('yes-it-works', 'YESCRYPT');
      assert.ok(hash.startsWith('$y$'));
      const now = { now: () => Date.now() };
      const c = new SystemPasswordChecker({ accounts: accounts(), crypt: pythonCrypt, clock: now });
      assert.equal(reasonOf(await c.check(user.name, new Secret('yes-it-works'), IMAP)), `ok:${user.name}`);
      assert.equal(reasonOf(await c.check(user.name, new Secret('yes-it-wrks'), IMAP)), 'bad-password');
      user.chage('-E', '2001-01-01');
      assert.equal(reasonOf(await c.check(user.name, new Secret('yes-it-works'), IMAP)), 'expired');
      user.chage('-E', '-1');
      assert.equal(reasonOf(await c.check(user.name, new Secret('yes-it-works'), IMAP)), `ok:${user.name}`);
      user.chage('-d', '0');
      assert.equal(reasonOf(await c.check(user.name, new Secret('yes-it-works'), IMAP)), 'expired');
    });
  }
});

describe('PamPasswordChecker', () => {
  const accounts = FILES;

  function fakePam(outcome: PamOutcome): { pam: PamFn; calls: unknown[][] } {
    const calls: unknown[][] = [];
    return {
      calls,
      pam: async (service, user, password, rhost) => {
        calls.push([service, user, password.toString(), rhost]);
        return outcome;
      },
    };
  }

  test('service and rhost from the context, the passwd name, the password bytes; Account from passwd', async () => {
    const { pam, calls } = fakePam({ stage: 'ok', code: 0, message: 'Success' });
    const c = new PamPasswordChecker({ pam, accounts });
    const r = await c.check('ALICE', new Secret(RIGHT), IMAP);
    assert.equal(reasonOf(r), 'ok:alice');
    await c.check('bob', new Secret('pw2'), POP);
    assert.deepEqual(calls, [
      ['imap', 'alice', RIGHT, '192.0.2.7'],
      ['pop', 'bob', 'pw2', '2001:db8::7'],
    ]);
  });

  test('the password buffer given to PAM is zeroed once PAM is done', async () => {
    let seen: Buffer | undefined;
    const c = new PamPasswordChecker({
      pam: async (_s, _u, password) => {
        seen = password;
        return { stage: 'ok', code: 0, message: 'Success' };
      },
      accounts,
    });
    await c.check('alice', new Secret(RIGHT), IMAP);
    assert.ok(seen?.every((b) => b === 0));
  });

  test('no passwd entry, uid 0 and an empty password never reach PAM', async () => {
    const { pam, calls } = fakePam({ stage: 'ok', code: 0, message: 'Success' });
    const c = new PamPasswordChecker({ pam, accounts });
    assert.equal(reasonOf(await c.check('zelda', new Secret(RIGHT), IMAP)), 'no-such-user');
    assert.equal(reasonOf(await c.check('root', new Secret(RIGHT), IMAP)), 'locked');
    assert.equal(reasonOf(await c.check('alice', new Secret(''), IMAP)), 'bad-password');
    assert.equal(calls.length, 0);
  });

  const table: readonly [PamOutcome['stage'], number, string][] = [
    ['start', PAM.SUCCESS, 'unavailable'],
    ['start', 4, 'unavailable'],
    ['authenticate', PAM.AUTH_ERR, 'bad-password'],
    ['authenticate', PAM.CRED_INSUFFICIENT, 'bad-password'],
    ['authenticate', PAM.MAXTRIES, 'bad-password'],
    ['authenticate', PAM.USER_UNKNOWN, 'no-such-user'],
    ['authenticate', PAM.AUTHINFO_UNAVAIL, 'unavailable'],
    ['authenticate', 4, 'unavailable'],
    ['account', PAM.ACCT_EXPIRED, 'expired'],
    ['account', PAM.NEW_AUTHTOK_REQD, 'expired'],
    ['account', PAM.AUTHTOK_EXPIRED, 'expired'],
    ['account', PAM.PERM_DENIED, 'locked'],
    ['account', PAM.USER_UNKNOWN, 'no-such-user'],
    ['account', PAM.AUTHINFO_UNAVAIL, 'unavailable'],
    ['account', PAM.AUTH_ERR, 'locked'],
  ];
  for (const [stage, code, want] of table) {
    test(`PAM ${stage} code ${code} -> ${want}`, async () => {
      const outcome = { stage, code, message: 'pam says no' };
      assert.equal(pamFailure(outcome), want);
      const c = new PamPasswordChecker({ pam: fakePam(outcome).pam, accounts });
      const r = await c.check('alice', new Secret('hunter2-pam'), IMAP);
      assert.deepEqual(r, {
        ok: false,
        reason: want,
        detail: `user=alice: PAM imap ${stage} failed: pam says no (${code})`,
      });
      assertNoPassword(r, 'hunter2-pam');
    });
  }

  test('a PAM binding that throws is "unavailable", with no password or message text', async () => {
    const c = new PamPasswordChecker({
      pam: async (_s, _u, password) => {
        throw new Error(`boom ${password.toString()}`);
      },
      accounts,
    });
    const r = await c.check('alice', new Secret('hunter2-pam'), IMAP);
    assert.deepEqual(r, { ok: false, reason: 'unavailable', detail: 'user=alice: PAM failed (Error)' });
  });
});

describe("CramMd5AwareChecker: UW's rule for plaintext logins", () => {
  const accounts = FILES;
  const cram = parseCramMd5(Buffer.from('alice\tcram-alice\nbob\tcram-bob\ntoor\tcram-root\nghost\tcram-ghost\n'), () => undefined);
  /** Stands in for the system checker: records who it was asked about and accepts "system-pw". */
  const asked: string[] = [];
  const system: PasswordChecker = {
    async check(user, password) {
      asked.push(user);
      const account = await findAccount(accounts, user);
      if (!account) return { ok: false, reason: 'no-such-user', detail: `user=${user}` };
      return password.equals('system-pw')
        ? { ok: true, account }
        : { ok: false, reason: 'bad-password', detail: `user=${user}` };
    },
  };
  const make = (plaintext?: 'cram-md5-pwd' | 'cram-md5-pwd-or-system' | 'system', withCram = true): CramMd5AwareChecker =>
    new CramMd5AwareChecker({ cram: withCram ? cram : null, system, accounts, plaintext });

  const cases: readonly [string, ReturnType<typeof make>, string, string, string][] = [
    ['default: the file password works', make(), 'alice', 'cram-alice', 'ok:alice'],
    ['default: the system password does not', make(), 'alice', 'system-pw', 'bad-password'],
    ['default: case-insensitive lookup as UW', make(), 'Alice', 'cram-alice', 'ok:alice'],
    ['default: users missing from the file cannot log in', make(), 'carol', 'system-pw', 'no-such-user'],
    ['default: uid 0 in the file is still refused', make(), 'toor', 'cram-root', 'locked'],
    ['default: a file user without an account is refused', make(), 'ghost', 'cram-ghost', 'no-such-user'],
    ['default: empty password', make(), 'alice', '', 'bad-password'],
    ['or-system: file users use the file', make('cram-md5-pwd-or-system'), 'bob', 'cram-bob', 'ok:bob'],
    ['or-system: file users cannot use the system password', make('cram-md5-pwd-or-system'), 'bob', 'system-pw', 'bad-password'],
    ['or-system: others use the system password', make('cram-md5-pwd-or-system'), 'carol', 'system-pw', 'ok:carol'],
    ['system: the file is ignored for plaintext', make('system'), 'alice', 'cram-alice', 'bad-password'],
    ['system: system password', make('system'), 'alice', 'system-pw', 'ok:alice'],
    ['no file: system password', make(undefined, false), 'alice', 'system-pw', 'ok:alice'],
    ['no file: the would-be file password fails', make(undefined, false), 'alice', 'cram-alice', 'bad-password'],
  ];
  for (const [name, checker, user, password, want] of cases) {
    test(name, async () => {
      const r = await checker.check(user, new Secret(password), IMAP);
      assert.equal(reasonOf(r), want);
      if (password !== '') assertNoPassword(r, password);
    });
  }

  test('the system checker is consulted only where the setting says', async () => {
    asked.length = 0;
    await make().check('carol', new Secret('system-pw'), IMAP);
    await make().check('alice', new Secret('x'), IMAP);
    await make('cram-md5-pwd-or-system').check('alice', new Secret('x'), IMAP);
    assert.deepEqual(asked, []);
    await make('cram-md5-pwd-or-system').check('carol', new Secret('x'), IMAP);
    assert.deepEqual(asked, ['carol']);
  });
});

describe('completeSaslLogin', () => {
  const accounts = FILES;
  const checker = new SystemPasswordChecker({ accounts: FILES, crypt: pythonCrypt, clock: TODAY });
  const opts = { checker, accounts, ctx: IMAP };

  test('unverified (PLAIN/LOGIN): the password is checked for authcid', async () => {
    const ok = await completeSaslLogin(
      { kind: 'done', user: 'alice', authcid: 'alice', verified: false, password: new Secret(RIGHT) },
      opts,
    );
    assert.equal(reasonOf(ok), 'ok:alice');
    const bad = await completeSaslLogin(
      { kind: 'done', user: 'alice', authcid: 'alice', verified: false, password: new Secret('nope') },
      opts,
    );
    assert.equal(reasonOf(bad), 'bad-password');
  });

  test('an admin proving their own password logs in as the user', async () => {
    const r = await completeSaslLogin(
      { kind: 'done', user: 'heidi', authcid: 'bob', verified: false, password: new Secret(RIGHT) },
      opts,
    );
    assert.equal(reasonOf(r), 'ok:heidi');
  });

  test('verified (CRAM-MD5/APOP): only the passwd entry is needed; uid 0 and unknown users refused', async () => {
    assert.equal(reasonOf(await completeSaslLogin({ kind: 'done', user: 'carol', authcid: 'carol', verified: true }, opts)), 'ok:carol');
    assert.equal(reasonOf(await completeSaslLogin({ kind: 'done', user: 'Carol', authcid: 'carol', verified: true }, opts)), 'ok:carol');
    assert.equal(reasonOf(await completeSaslLogin({ kind: 'done', user: 'root', authcid: 'root', verified: true }, opts)), 'locked');
    assert.equal(reasonOf(await completeSaslLogin({ kind: 'done', user: 'zelda', authcid: 'zelda', verified: true }, opts)), 'no-such-user');
  });
});

describe('groupAdminPolicy', () => {
  test('members of mailadm, compared ignoring ASCII case', () => {
    const may = groupAdminPolicy(GROUP);
    assert.equal(may('admin', 'alice'), true);
    assert.equal(may('OPS', 'alice'), true);
    assert.equal(may('alice', 'bob'), false);
    assert.equal(may('someoneelse', 'bob'), false); // only the first mailadm line counts
    assert.equal(groupAdminPolicy(GROUP, 'staff')('bob', 'alice'), true);
    assert.equal(groupAdminPolicy('/nonexistent/group')('admin', 'alice'), false);
  });
});
