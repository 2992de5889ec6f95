/**
 * passwd(5), shadow(5) and group(5) readers on the fixtures in test/fixtures/auth, the expiry rules, and reading at
 * call time (an edit between two calls is seen).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  lookupAccount,
  lookupGroupMembers,
  lookupPasswd,
  lookupShadow,
  parsePasswdLine,
  parseShadowLine,
  shadowExpiry,
  type ShadowEntry,
} from '../../lib/auth/passwd.js';
import { tempDir } from './auth-support.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'auth');
const PASSWD = join(FIXTURES, 'passwd');
const SHADOW = join(FIXTURES, 'shadow');
const GROUP = join(FIXTURES, 'group');

describe('passwd', () => {
  test('a full entry', () => {
    assert.deepEqual(lookupPasswd(PASSWD, 'alice'), {
      account: { name: 'alice', uid: 1001, gid: 1001, gecos: 'Alice Example,,,', home: '/home/alice', shell: '/bin/bash' },
      password: 'x',
    });
    assert.deepEqual(lookupAccount(PASSWD, 'bob'), {
      name: 'bob',
      uid: 1002,
      gid: 1002,
      gecos: 'Bob (hash in passwd)',
      home: '/home/bob',
      shell: '/bin/sh',
    });
    assert.equal(lookupPasswd(PASSWD, 'bob')?.password, '$1$saltsalt$NuzA7WTAelpl95xgBGWN60');
    assert.equal(lookupPasswd(PASSWD, 'judy')?.password, '');
    assert.equal(lookupAccount(PASSWD, 'root')?.uid, 0);
  });

  test('the first of two lines for a name wins', () => {
    assert.equal(lookupAccount(PASSWD, 'alice')?.uid, 1001);
  });

  test('names match exactly (case, no prefixes)', () => {
    assert.equal(lookupAccount(PASSWD, 'Alice'), undefined);
    assert.equal(lookupAccount(PASSWD, 'alic'), undefined);
    assert.equal(lookupAccount(PASSWD, 'alicex'), undefined);
    assert.equal(lookupAccount(PASSWD, 'a.b*c')?.uid, 1017);
    assert.equal(lookupAccount(PASSWD, 'a.b'), undefined);
  });

  test('comments, blank lines, NIS lines and malformed lines are skipped', () => {
    for (const name of ['', '#', '# passwd(5) fixture for test', '+nisuser', 'nisuser', '+', '-alice', '@netgroup']) {
      assert.equal(lookupAccount(PASSWD, name), undefined, name);
    }
    for (const name of ['malformed', 'baduid', 'emptyuid', 'hugeuid']) assert.equal(lookupAccount(PASSWD, name), undefined, name);
  });

  test('names that cannot be in the file short-cut', () => {
    for (const name of ['alice:x', 'ali\nce', 'alice\0', ':']) assert.equal(lookupAccount(PASSWD, name), undefined);
  });

  test('parsePasswdLine', () => {
    assert.deepEqual(parsePasswdLine('u:p:1:2:g:/h:/s'), {
      account: { name: 'u', uid: 1, gid: 2, gecos: 'g', home: '/h', shell: '/s' },
      password: 'p',
    });
    assert.equal(parsePasswdLine('u:p:1:2:g:/h:/s:extra'), undefined);
    assert.equal(parsePasswdLine(':p:1:2:g:/h:/s'), undefined);
    assert.equal(parsePasswdLine('u:p:-1:2:g:/h:/s'), undefined);
    assert.equal(parsePasswdLine('u:p:1:2 :g:/h:/s'), undefined);
    assert.equal(parsePasswdLine('u:p:4294967295:0:::')?.account.uid, 4294967295);
  });

  test('a missing file throws (an outage, not "no such user")', () => {
    assert.throws(() => lookupAccount('/nonexistent/passwd', 'alice'), { code: 'ENOENT' });
  });
});

describe('shadow', () => {
  test('a full entry', () => {
    assert.deepEqual(lookupShadow(SHADOW, 'grace'), {
      hash: '$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/',
      lastChange: 19000,
      minDays: 0,
      maxDays: 90,
      warnDays: 7,
      inactive: 30,
      expireDay: undefined,
    });
    assert.equal(lookupShadow(SHADOW, 'erin')?.expireDay, 19999);
    assert.equal(lookupShadow(SHADOW, 'frank')?.lastChange, 0);
    assert.equal(lookupShadow(SHADOW, 'ivan')?.hash, '');
    assert.equal(lookupShadow(SHADOW, 'carol')?.hash.startsWith('!$6$'), true);
  });

  test('the old two-field form has no aging', () => {
    assert.deepEqual(lookupShadow(SHADOW, 'oldform'), {
      hash: '$1$saltsalt$NuzA7WTAelpl95xgBGWN60',
      lastChange: undefined,
      minDays: undefined,
      maxDays: undefined,
      warnDays: undefined,
      inactive: undefined,
      expireDay: undefined,
    });
  });

  test('a bad number makes the line unusable; NIS and missing users are undefined; first line wins', () => {
    assert.equal(lookupShadow(SHADOW, 'badnum'), undefined);
    assert.equal(lookupShadow(SHADOW, '+nisuser'), undefined);
    assert.equal(lookupShadow(SHADOW, 'dave'), undefined);
    assert.equal(lookupShadow(SHADOW, 'alice')?.lastChange, 19500);
  });

  test('parseShadowLine', () => {
    assert.deepEqual(parseShadowLine('u:h:1:2:3:4:5:6:'), {
      name: 'u',
      entry: { hash: 'h', lastChange: 1, minDays: 2, maxDays: 3, warnDays: 4, inactive: 5, expireDay: 6 },
    });
    assert.equal(parseShadowLine('u:h:1:2:3:4:5:6')?.entry.expireDay, 6); // no reserved field
    assert.equal(parseShadowLine('u:h:1:2:3:4:5'), undefined);
    assert.equal(parseShadowLine('u:h:1:2:3:4:5:6::'), undefined);
    assert.equal(parseShadowLine('u:h:-1::::::')?.entry.lastChange, undefined); // -1 is "unset"
    assert.equal(parseShadowLine('u:h:1.5::::::'), undefined);
    assert.equal(parseShadowLine('u'), undefined);
  });
});

describe('shadowExpiry (today = day 20000)', () => {
  const today = 20000;
  const cases: readonly [string, ShadowEntry, ReturnType<typeof shadowExpiry>][] = [
    ['no aging at all', { hash: 'h' }, undefined],
    ['expires tomorrow', { hash: 'h', expireDay: 20001 }, undefined],
    ['expires today (chage -E names the first unusable day)', { hash: 'h', expireDay: 20000 }, 'account-expired'],
    ['expired yesterday', { hash: 'h', expireDay: 19999 }, 'account-expired'],
    ['expire day 0 (pam_unix: expired)', { hash: 'h', expireDay: 0 }, 'account-expired'],
    ['lastChange 0: must change', { hash: 'h', lastChange: 0, maxDays: 99999 }, 'password-must-change'],
    ['lastChange 0 without aging: must change', { hash: 'h', lastChange: 0 }, 'password-must-change'],
    ['max 90, changed 90 days ago: last valid day', { hash: 'h', lastChange: 19910, maxDays: 90 }, undefined],
    ['max 90, changed 91 days ago', { hash: 'h', lastChange: 19909, maxDays: 90 }, 'password-too-old'],
    [
      'too old but inside the inactive grace: still refused',
      { hash: 'h', lastChange: 19909, maxDays: 90, inactive: 30 },
      'password-too-old',
    ],
    ['max 99999', { hash: 'h', lastChange: 1, maxDays: 99999 }, undefined],
    ['max 0: the day after the change', { hash: 'h', lastChange: 19999, maxDays: 0 }, 'password-too-old'],
    ['max 0: the day of the change', { hash: 'h', lastChange: 20000, maxDays: 0 }, undefined],
    ['max unset: no aging', { hash: 'h', lastChange: 1 }, undefined],
    ['account expiry reported before password age', { hash: 'h', lastChange: 0, expireDay: 1 }, 'account-expired'],
  ];
  for (const [name, entry, want] of cases) {
    test(name, () => assert.equal(shadowExpiry(entry, today), want));
  }
});

describe('group', () => {
  test('members of the first line for the group', () => {
    assert.deepEqual(lookupGroupMembers(GROUP, 'mailadm'), ['Admin', 'ops']);
    assert.deepEqual(lookupGroupMembers(GROUP, 'staff'), ['alice', 'bob']);
    assert.deepEqual(lookupGroupMembers(GROUP, 'mail'), []);
    assert.equal(lookupGroupMembers(GROUP, 'broken'), undefined);
    assert.equal(lookupGroupMembers(GROUP, 'nogroup'), undefined);
  });
});

describe('files are read at each call', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  test('an edit between two lookups is seen', () => {
    const passwd = join(dir, 'passwd');
    const shadow = join(dir, 'shadow');
    writeFileSync(passwd, 'zed:x:3000:3000::/home/zed:/bin/sh\n');
    writeFileSync(shadow, 'zed:$1$saltsalt$NuzA7WTAelpl95xgBGWN60:19000:0:99999:7:::\n');
    assert.equal(lookupAccount(passwd, 'zed')?.uid, 3000);
    assert.equal(lookupShadow(shadow, 'zed')?.hash, '$1$saltsalt$NuzA7WTAelpl95xgBGWN60');
    writeFileSync(passwd, 'zed:x:3001:3000::/home/zed:/bin/sh\n');
    writeFileSync(shadow, readFileSync(shadow, 'utf8').replace('zed:$1$', 'zed:!$1$'));
    assert.equal(lookupAccount(passwd, 'zed')?.uid, 3001);
    assert.equal(lookupShadow(shadow, 'zed')?.hash, '!$1$saltsalt$NuzA7WTAelpl95xgBGWN60');
  });

  test('the real /etc/passwd has root at uid 0', () => {
    assert.equal(lookupAccount('/etc/passwd', 'root')?.uid, 0);
  });
});
