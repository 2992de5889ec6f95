/**
 * The password-scheme table: every scheme verified with the right and a wrong password against real hashes (openssl
 * passwd, chpasswd on a throwaway user, libxcrypt through Python's crypt module, @node-rs/bcrypt, PHP's documented
 * $2y$ example), the CryptFn called with exactly the password bytes and the stored hash, and every unusable hash
 * failing closed without crypt being asked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { hashSync } from '@node-rs/bcrypt';
import { classifyHash, PASSWORD_SCHEMES, verifyPassword, type CryptFn } from '../../lib/auth/schemes.js';
import { Secret } from '../../lib/auth/secret.js';
import { pythonCrypt, recordingCrypt, requireProgram, ThrowawayUser } from './auth-support.js';

const RIGHT = 'correct horse';
/** Wrong in the last byte: caught by every scheme but DES, which reads only 8 bytes. */
const WRONG = 'correct horsf';
/** Wrong in the first byte. */
const WRONG_EARLY = 'Correct horse';

/** Hashes of "correct horse", computed once by the named tool and pinned here. */
const PINNED: readonly { scheme: string; hash: string; from: string }[] = [
  { scheme: 'md5crypt', hash: '$1$saltsalt$NuzA7WTAelpl95xgBGWN60', from: 'openssl passwd -1 -salt saltsalt' },
  {
    scheme: 'sha256crypt',
    hash: '$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/',
    from: 'openssl passwd -5 -salt saltsalt',
  },
  {
    scheme: 'sha512crypt',
    hash: '$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0',
    from: 'openssl passwd -6 -salt saltsalt',
  },
  {
    scheme: 'sha512crypt',
    hash: '$6$rounds=1000$roundsalt$q2bLN6X16G97cfEqLyrh8k.ss1.YGH35fGnWXezDq0.nzLjqhyUAyS1bkt.tEcKYUBYxRyOH1YgRZZXF.4glP1',
    from: 'libxcrypt',
  },
  { scheme: 'yescrypt', hash: '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./tK5KU79', from: 'libxcrypt' },
  {
    scheme: 'gost-yescrypt',
    hash: '$gy$j9T$F5Jx5fExrKuPp53xLKQ..1$fjSOzYe3VPU6Q.dJqx4tYW6CE1ptRyuKNHZ4IlHBYq1',
    from: 'libxcrypt',
  },
  { scheme: 'scrypt', hash: '$7$CU..../....zmYm6pQ2ZPGQ6xTl$xuC7kFmDxURIu7QC66zzFPEdem4OmgFKAyUNab69Ln/', from: 'libxcrypt' },
  { scheme: 'bsdicrypt', hash: '_J9..SALTAA/JDRO4tkY', from: 'libxcrypt' },
  { scheme: 'descrypt', hash: 'sa6zCY2NLg.wE', from: 'libxcrypt' },
];

describe('pinned hashes of every libxcrypt scheme', () => {
  for (const { scheme, hash, from } of PINNED) {
    test(`${scheme} (${from}): ${hash.slice(0, 20)}...`, () => {
      const status = classifyHash(hash);
      assert.ok(status.usable);
      assert.equal(status.scheme.name, scheme);
      const { crypt, calls } = recordingCrypt(pythonCrypt);
      const wrongs = scheme === 'descrypt' ? [WRONG_EARLY] : [WRONG_EARLY, WRONG];
      assert.equal(verifyPassword(hash, new Secret(RIGHT), crypt), true);
      for (const w of wrongs) assert.equal(verifyPassword(hash, new Secret(w), crypt), false);
      // The real crypt_rn is handed the password bytes and the whole stored hash as the setting.
      assert.deepEqual(calls, [RIGHT, ...wrongs].map((phrase) => ({ phrase, setting: hash })));
    });
  }

  test('openssl passwd -1/-5/-6 still produces the pinned values', () => {
    const openssl = requireProgram('/usr/bin/openssl', 'openssl');
    for (const n of ['1', '5', '6']) {
      const out = execFileSync(openssl, ['passwd', `-${n}`, '-salt', 'saltsalt', RIGHT], { encoding: 'utf8' }).trim();
      assert.ok(PINNED.some((p) => p.hash === out), out);
    }
  });

  test('DES uses only the first 8 bytes of the password, as crypt(3) always did', () => {
    assert.equal(verifyPassword('sa6zCY2NLg.wE', new Secret('correct horse battery'), pythonCrypt), true);
    assert.equal(verifyPassword('sa6zCY2NLg.wE', new Secret('correct'), pythonCrypt), false);
    const eight = pythonCrypt(Buffer.from('12345678'), 'ab');
    assert.ok(eight);
    assert.equal(verifyPassword(eight, new Secret('12345678-and-more'), pythonCrypt), true);
  });
});

describe('hashes written by chpasswd on a throwaway user', () => {
  let user: ThrowawayUser | undefined;
  before(() => {
    user = new ThrowawayUser('s');
  });
  after(() => user?.remove());

  const methods = [
    ['YESCRYPT', 'yescrypt', '$y$'],
    ['SHA512', 'sha512crypt', '$6$'],
    ['SHA256', 'sha256crypt', '$5$'],
    ['MD5', 'md5crypt', '$1$'],
  ] as const;
  for (const [method, scheme, prefix] of methods) {
    test(`chpasswd -c ${method}`, () => {
      assert.ok(user);
      const hash = user.setPassword('Tr0ub4dor&3', method);
      assert.ok(hash.startsWith(prefix), hash);
      const status = classifyHash(hash);
      assert.ok(status.usable);
      assert.equal(status.scheme.name, scheme);
      assert.equal(verifyPassword(hash, new Secret('Tr0ub4dor&3'), pythonCrypt), true);
      assert.equal(verifyPassword(hash, new Secret('Tr0ub4dor&4'), pythonCrypt), false);
      assert.equal(verifyPassword(hash, new Secret('tr0ub4dor&3'), pythonCrypt), false);
    });
  }
});

describe('bcrypt through @node-rs/bcrypt', () => {
  const never: CryptFn = () => assert.fail('bcrypt must not go through the injected crypt');

  test('$2b$, $2a$ and $2y$ made by @node-rs/bcrypt', () => {
    for (const version of ['2b', '2a', '2y'] as const) {
      const hash = hashSync(RIGHT, { cost: 4, version });
      assert.ok(hash.startsWith(`$${version}$04$`), hash);
      assert.equal(classifyHash(hash).usable, true);
      assert.equal(verifyPassword(hash, new Secret(RIGHT), never), true);
      assert.equal(verifyPassword(hash, new Secret(WRONG), never), false);
    }
  });

  test("PHP's documented $2y$ example verifies as is (no mapping to $2b$ needed)", () => {
    const php = '$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a';
    assert.equal(verifyPassword(php, new Secret('rasmuslerdorf'), never), true);
    assert.equal(verifyPassword(php, new Secret('rasmuslerdorF'), never), false);
    // And libxcrypt agrees.
    assert.equal(pythonCrypt(Buffer.from('rasmuslerdorf'), php), php);
  });

  test('the same bcrypt salt under $2a$, $2b$, $2y$ as libxcrypt writes them', () => {
    for (const v of ['2a', '2b', '2y']) {
      const hash = `$${v}$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2`;
      assert.equal(pythonCrypt(Buffer.from(RIGHT), hash), hash);
      assert.equal(verifyPassword(hash, new Secret(RIGHT), never), true);
      assert.equal(verifyPassword(hash, new Secret(WRONG), never), false);
    }
  });

  test('a non-canonical salt encoding verifies nothing (libxcrypt cannot reproduce it either)', () => {
    const canonical = '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2';
    const odd = `${canonical.slice(0, 28)}v${canonical.slice(29)}`;
    assert.equal(classifyHash(odd).usable, true);
    assert.equal(verifyPassword(odd, new Secret(RIGHT), never), false);
    assert.equal(pythonCrypt(Buffer.from(RIGHT), odd), canonical);
  });

  test('$2x$ (the crypt_blowfish sign-extension bug) is not accepted', () => {
    const x = '$2x$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2';
    assert.deepEqual(classifyHash(x), { usable: false, why: 'unrecognised' });
    assert.equal(verifyPassword(x, new Secret(RIGHT), never), false);
  });

  test('bcrypt uses the first 72 bytes only (the algorithm), and NUL bytes are refused before hashing', () => {
    const long = 'x'.repeat(72);
    const hash = hashSync(long, { cost: 4 });
    assert.equal(verifyPassword(hash, new Secret(`${long}and more`), never), true);
    const nul = hashSync(Buffer.from('abc\0def'), { cost: 4 });
    assert.equal(verifyPassword(nul, new Secret(Buffer.from('abc\0def')), never), false);
  });
});

describe('fail closed', () => {
  const sha512 = PINNED.find((p) => p.scheme === 'sha512crypt')?.hash ?? '';
  const unusable: readonly [string, string][] = [
    ['', 'empty'],
    ['!', 'locked'],
    ['!!', 'locked'],
    [`!${sha512}`, 'locked'],
    [`!$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./tK5KU79`, 'locked'],
    ['*', 'disabled'],
    ['*LK*', 'disabled'],
    ['*NP*', 'disabled'],
    ['x', 'unrecognised'],
    ['NP', 'unrecognised'],
    [sha512.slice(0, -1), 'unrecognised'],
    [`${sha512}\n`, 'unrecognised'],
    [`${sha512}x`, 'unrecognised'],
    ['$9$whatever$abc', 'unrecognised'],
    ['$1$saltsalt$NuzA7WTAelpl95xgBGWN6', 'unrecognised'],
    ['sa6zCY2NLg.w', 'unrecognised'],
    ['sa6zCY2NLg.w!', 'unrecognised'],
    ['$2b$04$short', 'unrecognised'],
  ];
  for (const [hash, why] of unusable) {
    test(`${JSON.stringify(hash.slice(0, 24))} is ${why} and verifies nothing`, () => {
      assert.deepEqual(classifyHash(hash), { usable: false, why });
      const { crypt, calls } = recordingCrypt(pythonCrypt);
      for (const pw of [RIGHT, '', 'x', '!', '*']) assert.equal(verifyPassword(hash, new Secret(pw), crypt), false);
      assert.equal(calls.length, 0);
    });
  }

  test('an empty password never verifies, even against a real hash of the empty string', () => {
    const empty = '$6$emptysalt$TrI.h19YNad.S.Xw2WEgON9ojBrkXYcCfZrEcOEa9k/Bp5Sw4dxhsyY0KdBJ5Vt2UbEFOMolXqrfnZHc1QRM..';
    assert.equal(pythonCrypt(Buffer.alloc(0), empty), empty);
    const { crypt, calls } = recordingCrypt(pythonCrypt);
    assert.equal(verifyPassword(empty, new Secret(''), crypt), false);
    assert.equal(calls.length, 0);
  });

  test('a password with a NUL byte is refused (crypt would stop at the NUL)', () => {
    const { crypt, calls } = recordingCrypt(pythonCrypt);
    const md5 = '$1$saltsalt$NuzA7WTAelpl95xgBGWN60';
    assert.equal(verifyPassword(md5, new Secret(Buffer.from(`${RIGHT}\0junk`)), crypt), false);
    assert.equal(calls.length, 0);
  });

  test('crypt failing (null, a *0 failure token, or the hash of something else) is a mismatch', () => {
    const md5 = '$1$saltsalt$NuzA7WTAelpl95xgBGWN60';
    assert.equal(verifyPassword(md5, new Secret(RIGHT), () => null), false);
    assert.equal(verifyPassword(md5, new Secret(RIGHT), () => '*0'), false);
    assert.equal(verifyPassword(md5, new Secret(RIGHT), () => `${md5}x`), false);
    assert.equal(verifyPassword(md5, new Secret(RIGHT), () => md5), true);
  });

  test('an exception from crypt propagates (an outage, not a wrong password)', () => {
    const boom: CryptFn = () => {
      throw new Error('native addon not loaded');
    };
    assert.throws(() => verifyPassword('$1$saltsalt$NuzA7WTAelpl95xgBGWN60', new Secret(RIGHT), boom), /not loaded/);
  });

  test('the phrase buffer handed to crypt is zeroed afterwards', () => {
    let seen: Buffer | undefined;
    verifyPassword('$1$saltsalt$NuzA7WTAelpl95xgBGWN60', new Secret(RIGHT), (phrase) => {
      seen = phrase;
      return null;
    });
    assert.ok(seen);
    assert.ok(seen.every((b) => b === 0));
  });
});

test('the table has one row per prefix, DES last', () => {
  const prefixes = PASSWORD_SCHEMES.map((s) => s.prefix);
  assert.deepEqual(prefixes, ['$y$', '$gy$', '$7$', '$6$', '$5$', '$1$', '$2a$', '$2b$', '$2y$', '_', '']);
  assert.ok(Object.isFrozen(PASSWORD_SCHEMES));
});
