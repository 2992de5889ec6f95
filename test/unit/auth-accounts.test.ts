/**
 * The account database (lib/auth/accounts.ts): `account_source` chooses NSS or the files; NSS answers (faked here,
 * as the native addon gives them; test/unit/native.test.ts checks the addon and test/interop/nss-accounts.test.ts a
 * real NSS module) become the same entries the file reader makes; a failed lookup rejects with the errno's name
 * and is never "no such user"; names no account can have are not asked about; UW's lower-case retry.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { accountDb, fileAccounts, findAccount, findEntry, nssAccounts, type NssLookups } from '../../lib/auth/accounts.js';
import { DEFAULT_CONFIG } from '../../lib/env/config.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'auth');
const PASSWD = join(FIXTURES, 'passwd');
const SHADOW = join(FIXTURES, 'shadow');

const ALICE = { name: 'alice', passwd: 'x', uid: 1001, gid: 100, gecos: 'Alice', dir: '/home/alice', shell: '/bin/sh' };

/** NSS as the addon answers: alice, an errno for `broken`, nothing else; every question recorded. */
function fakeNss(): { nss: NssLookups; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    nss: {
      async getpwnam(name) {
        asked.push(`getpwnam ${name}`);
        return name === 'alice' ? ALICE : name === 'broken' ? constants.errno.EIO : null;
      },
      async getpwuid(uid) {
        asked.push(`getpwuid ${uid}`);
        return uid === 1001 ? ALICE : uid === 7 ? constants.errno.ECONNREFUSED : null;
      },
      async getspnam(name) {
        asked.push(`getspnam ${name}`);
        if (name === 'broken') return constants.errno.EACCES;
        return name === 'alice'
          ? { name, passwd: '$6$s$h', lastChange: 19000, min: 0, max: 99999, warn: 7, inactive: -1, expire: -1 }
          : null;
      },
    },
  };
}

describe('nssAccounts', () => {
  test('entries as the file reader makes them: home from pw_dir, -1 day counts unset', async () => {
    const { nss } = fakeNss();
    const db = nssAccounts(nss);
    assert.deepEqual(await db.byName('alice'), {
      account: { name: 'alice', uid: 1001, gid: 100, gecos: 'Alice', home: '/home/alice', shell: '/bin/sh' }, password: 'x',
    });
    assert.deepEqual(await db.byUid(1001), { name: 'alice', uid: 1001, gid: 100, gecos: 'Alice', home: '/home/alice', shell: '/bin/sh' });
    assert.deepEqual(await db.shadow('alice'), {
      hash: '$6$s$h', lastChange: 19000, minDays: 0, maxDays: 99999, warnDays: 7, inactive: undefined, expireDay: undefined,
    });
    assert.equal(await db.byName('bob'), undefined);
    assert.equal(await db.byUid(4242), undefined);
    assert.equal(await db.shadow('bob'), undefined);
  });

  test('a failed lookup rejects with the errno name as its code, never "none"', async () => {
    const db = nssAccounts(fakeNss().nss);
    await assert.rejects(db.byName('broken'), { code: 'EIO', message: 'getpwnam failed: EIO' });
    await assert.rejects(db.shadow('broken'), { code: 'EACCES' });
    await assert.rejects(db.byUid(7), { code: 'ECONNREFUSED' });
  });

  test('names no account can have are not asked about', async () => {
    const { nss, asked } = fakeNss();
    const db = nssAccounts(nss);
    for (const name of ['', '+', '+alice', '-alice', 'a:b', 'a\nb', 'a\0b']) {
      assert.equal(await db.byName(name), undefined, JSON.stringify(name));
      assert.equal(await db.shadow(name), undefined, JSON.stringify(name));
    }
    assert.deepEqual(asked, []);
  });

  test("findEntry: UW's pwuser, the name as given, then in lower case; a failure is not retried away", async () => {
    const { nss, asked } = fakeNss();
    const db = nssAccounts(nss);
    assert.equal((await findAccount(db, 'ALICE'))?.name, 'alice');
    assert.equal((await findEntry(db, 'alice'))?.account.uid, 1001);
    assert.equal(await findAccount(db, 'nobody'), undefined);
    assert.deepEqual(asked, ['getpwnam ALICE', 'getpwnam alice', 'getpwnam alice', 'getpwnam nobody']);
    await assert.rejects(findAccount(db, 'broken'), { code: 'EIO' });
  });
});

describe('accountDb: account_source chooses', () => {
  test('nss (the default) asks NSS and reads no file', async () => {
    const { nss, asked } = fakeNss();
    const db = accountDb({ ...DEFAULT_CONFIG, passwdFile: '/nonexistent/passwd', shadowFile: '/nonexistent/shadow' }, nss);
    assert.equal((await db.byName('alice'))?.account.uid, 1001);
    assert.deepEqual(asked, ['getpwnam alice']);
  });

  test('file reads passwd_file and shadow_file and never asks NSS', async () => {
    const { nss, asked } = fakeNss();
    const db = accountDb({ ...DEFAULT_CONFIG, accountSource: 'file', passwdFile: PASSWD, shadowFile: SHADOW }, nss);
    const files = fileAccounts(PASSWD, SHADOW);
    assert.deepEqual(await db.byName('alice'), await files.byName('alice'));
    assert.deepEqual(await db.shadow('alice'), await files.shadow('alice'));
    assert.ok(await db.byName('alice'));
    assert.deepEqual(asked, []);
    await assert.rejects(fileAccounts('/nonexistent/passwd').byName('alice'), { code: 'ENOENT' });
  });
});
