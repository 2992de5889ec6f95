/**
 * The native addon (lib/native/*.c through lib/native/native.ts), checked against independent tools:
 *
 * - crypt: hashes made by `openssl passwd`, by chpasswd into /etc/shadow (yescrypt, SHA-512 with rounds, SHA-256,
 *   MD5, DES) for throwaway users, by @node-rs/bcrypt (a Rust bcrypt, not libxcrypt), a published DES vector, and
 *   python3's crypt module (which calls the same libxcrypt through crypt_r: a check of our binding, not of the
 *   algorithm). Locked and malformed settings give null.
 * - PAM: a throwaway user and throwaway /etc/pam.d services using pam_unix (nodelay, so failures are fast): right and
 *   wrong passwords, unknown users, locked, expired and must-change accounts, PAM_RHOST through pam_succeed_if, the
 *   failure delay running off the event loop, concurrent transactions, and a non-root caller (pam_unix then refuses
 *   to read another user's shadow entry). Child processes check that nothing is ever printed.
 * - unixDgramSend: exact bytes to a python3 receiver on a temporary AF_UNIX SOCK_DGRAM socket, and the errno values
 *   for a missing path, a stale socket, a full queue (EAGAIN: it never blocks) and an over-long path.
 * - getpwnam, getpwuid, getspnam: a throwaway user's entries as getent reads them (every shadow field set by chage,
 *   a gecos over the first buffer), none found as null, concurrent lookups, no shadow entry for a user.
 * - setresgid, in a child process: all three gids change on every thread; EPERM without privilege.
 * - the loader: lazy (importing it maps nothing), loud when the addon is missing or foreign.
 *
 * Needs root (useradd, chpasswd, /etc/pam.d): fails, never skips, when run as anyone else.
 */
import assert from 'node:assert/strict';
import type { SpawnSyncReturns } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants as fsConstants, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { genSaltSync, hashSync, verifySync } from '@node-rs/bcrypt';
import { defaultNativePath, loadNative } from '../../lib/native/native.js';
import type { Native } from '../../lib/native/native.js';

const { errno } = constants;

function requireRootHere(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'test/unit/native.test.ts must run as root: it creates throwaway users (useradd, chpasswd, chage) and ' +
        '/etc/pam.d services, and checks PAM as a root caller (run `make test` as root, as CI does)',
    );
  }
}

/** Sleeps synchronously (setup code runs between tests, where blocking is harmless). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs a shadow-suite tool. Other test files may be running useradd at the same moment, and the tools fail rather
 * than wait when /etc/passwd or /etc/shadow is locked: retry those failures for a few seconds.
 */
function shadowTool(cmd: string, args: readonly string[], input?: string): string {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(cmd, args, { input: input ?? '', encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status === 0) return r.stdout;
    if (attempt < 50 && /lock|try again/i.test(r.stderr)) {
      sleepSync(100);
      continue;
    }
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  }
}

/** Throwaway system users (no home, no login shell) and /etc/pam.d services, all removed by cleanup(). */
class Scratch {
  readonly #users: string[] = [];
  readonly #files: string[] = [];

  user(password: string, method = 'YESCRYPT', rounds?: number): string {
    const name = `uwimap-t-${randomBytes(4).toString('hex')}`;
    shadowTool('useradd', ['-M', '-s', '/usr/sbin/nologin', name]);
    this.#users.push(name);
    this.setPassword(name, password, method, rounds);
    return name;
  }

  setPassword(name: string, password: string, method: string, rounds?: number): void {
    const args = ['-c', method, ...(rounds === undefined ? [] : ['-s', String(rounds)])];
    shadowTool('chpasswd', args, `${name}:${password}\n`);
  }

  /** A PAM service file with these lines; returns its name. */
  service(lines: readonly string[]): string {
    const name = `uwimap-test-${randomBytes(4).toString('hex')}`;
    const path = `/etc/pam.d/${name}`;
    writeFileSync(path, lines.join('\n') + '\n', { flag: 'wx', mode: 0o644 });
    this.#files.push(path);
    return name;
  }

  cleanup(): void {
    const errors: string[] = [];
    for (const user of this.#users.splice(0)) {
      try {
        shadowTool('userdel', [user]);
      } catch (e) {
        errors.push(String(e));
      }
    }
    for (const file of this.#files.splice(0)) rmSync(file, { force: true });
    if (errors.length > 0) throw new Error(`cleanup failed: ${errors.join('; ')}`);
  }
}

/** The hash field of a user's /etc/shadow entry. */
function shadowHash(user: string): string {
  for (const line of readFileSync('/etc/shadow', 'utf8').split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields[1] !== undefined) return fields[1];
  }
  throw new Error(`${user} is not in /etc/shadow`);
}

const scratch = new Scratch();
let native: Native;
let tmp = '';

before(() => {
  requireRootHere();
  native = loadNative();
  tmp = mkdtempSync(join(tmpdir(), 'uwimap-native-'));
  chmodSync(tmp, 0o755); // children that drop to nobody load a copy of the addon from here
});
after(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  scratch.cleanup();
});

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/**
 * Runs a CommonJS script in a child node (as root unless it drops privileges itself). `ADDON` in the script is the
 * addon's path; the script reports through fd 3, so fds 1 and 2 must stay empty: the addon never prints.
 */
function child(script: string): { report: unknown; run: SpawnSyncReturns<string> } {
  const addon = join(tmp, 'uwimap-native.node');
  if (!existsSync(addon)) copyFileSync(defaultNativePath(), addon);
  const source = `'use strict'; const ADDON = ${JSON.stringify(addon)}; const fs = require('fs');
    const report = (v) => fs.writeSync(3, JSON.stringify(v)); ${script}`;
  const run = spawnSync(process.execPath, ['-e', source], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 30_000,
  });
  const out = run.output[3];
  assert.equal(run.status, 0, `child failed: ${run.stderr}`);
  assert.equal(run.stdout, '', 'the child wrote to fd 1');
  assert.equal(run.stderr, '', 'the child wrote to fd 2');
  return { report: JSON.parse(out ?? 'null') as unknown, run };
}

describe('crypt', () => {
  /** crypt(phrase, hash) reproduces the hash, accepts the bare setting too, and a wrong phrase gives another hash. */
  function verifies(phrase: string, hash: string, setting?: string): void {
    assert.equal(native.crypt(b(phrase), hash), hash, `crypt(${JSON.stringify(phrase)}, ${hash})`);
    if (setting !== undefined) assert.equal(native.crypt(b(phrase), setting), hash);
    const wrong = native.crypt(b('x' + phrase), hash); // a changed first byte: DES reads only 8
    assert.equal(typeof wrong, 'string');
    assert.notEqual(wrong, hash);
  }

  const phrases = ['pass', 'correct horse battery staple', 'pässwörd ✓', '  spaces and $ and : '];

  for (const [flag, prefix] of [
    ['-1', '$1$'],
    ['-5', '$5$'],
    ['-6', '$6$'],
  ] as const) {
    test(`matches openssl passwd ${flag} (${prefix})`, () => {
      for (const phrase of phrases) {
        const salt = randomBytes(6).toString('base64').replace(/[+/]/g, '.');
        const hash = execFileSync('openssl', ['passwd', flag, '-salt', salt, '-stdin'], { input: phrase + '\n' })
          .toString('utf8')
          .trim();
        assert.ok(hash.startsWith(`${prefix}${salt}$`), hash);
        verifies(phrase, hash, `${prefix}${salt}`);
      }
    });
  }

  test('DES: the published vector, python3 crypt, and only 8 bytes count', () => {
    assert.equal(native.crypt(b('test'), 'aa'), 'aaqPiZY5xR5l.');
    const script =
      'import crypt, sys\nfor p in sys.argv[1:]: print(crypt.crypt(p, "ab"))\n';
    const words = ['pass', 'x', 'longer than eight'];
    const hashes = execFileSync('python3', ['-W', 'ignore', '-c', script, ...words], { encoding: 'utf8' })
      .trim()
      .split('\n');
    words.forEach((w, i) => verifies(w, hashes[i]!));
    // Traditional DES reads the first 8 bytes only: one more reason to refuse it for new hashes.
    assert.equal(native.crypt(b('12345678abc'), 'ab'), native.crypt(b('12345678xyz'), 'ab'));
  });

  test('bcrypt: $2a$, $2b$ and $2y$ from @node-rs/bcrypt (Rust) verify, and ours verify there', () => {
    for (const version of ['2a', '2b', '2y'] as const) {
      for (const phrase of phrases) {
        const hash = hashSync(phrase, { cost: 4, version });
        assert.ok(hash.startsWith(`$${version}$04$`), hash);
        verifies(phrase, hash, hash.slice(0, 29));
      }
      const setting = genSaltSync({ cost: 4, version });
      const ours = native.crypt(b('from libxcrypt'), setting);
      assert.ok(ours !== null && ours.startsWith(setting), String(ours));
      assert.ok(verifySync('from libxcrypt', ours));
      assert.ok(!verifySync('from libxcrypt!', ours));
    }
  });

  test('bcrypt: python3 crypt (libxcrypt through crypt_r) agrees', () => {
    const script =
      'import crypt, sys\nprint(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))\n';
    const hash = execFileSync('python3', ['-W', 'ignore', '-c', script, 'pässwörd ✓'], { encoding: 'utf8' }).trim();
    assert.ok(hash.startsWith('$2b$04$'), hash);
    verifies('pässwörd ✓', hash);
  });

  describe('hashes chpasswd writes to /etc/shadow', () => {
    const cases: ReadonlyArray<{ method: string; rounds?: number; pattern: RegExp }> = [
      // yescrypt: $y$ <params> $ <salt> $ <hash>; chpasswd's default cost (5) is params j9T; -s 7 gives jBT.
      { method: 'YESCRYPT', pattern: /^\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}$/ },
      { method: 'YESCRYPT', rounds: 7, pattern: /^\$y\$jBT\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}$/ },
      { method: 'SHA512', pattern: /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/ },
      { method: 'SHA512', rounds: 10000, pattern: /^\$6\$rounds=10000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/ },
      { method: 'SHA256', pattern: /^\$5\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/ },
      { method: 'MD5', pattern: /^\$1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}$/ },
      { method: 'DES', pattern: /^[./0-9A-Za-z]{13}$/ },
    ];
    for (const { method, rounds, pattern } of cases) {
      test(`${method}${rounds === undefined ? '' : ` -s ${rounds}`}`, () => {
        const password = method === 'DES' ? 'Pw:1 ü' : 'Pässwörd: 1 2 3';
        const user = scratch.user(password, method, rounds);
        const hash = shadowHash(user);
        assert.match(hash, pattern);
        verifies(password, hash);
        // usermod -L puts '!' in front: the locked entry is no valid setting.
        shadowTool('usermod', ['-L', user]);
        assert.equal(shadowHash(user), `!${hash}`);
        assert.equal(native.crypt(b(password), `!${hash}`), null);
      });
    }

    test('gost-yescrypt ($gy$) with the parameters and salt of a chpasswd yescrypt hash', () => {
      const user = scratch.user('gost');
      const yescrypt = shadowHash(user);
      const setting = yescrypt.slice(0, yescrypt.lastIndexOf('$')).replace(/^\$y\$/, '$gy$');
      const gost = native.crypt(b('gost'), setting);
      assert.ok(gost !== null && gost.startsWith(setting + '$'), String(gost));
      assert.notEqual(gost.slice(setting.length), yescrypt.slice(setting.length - 1));
      verifies('gost', gost, setting);
    });
  });

  test('locked, empty and malformed settings give null', () => {
    for (const setting of ['', '!', '*', '!!', '*LK*', '!$6$salt$', '$y$', '$2b$99$abcdefghijklmnopqrstuu', '$9$x$y', '$']) {
      assert.equal(native.crypt(b('pass'), setting), null, JSON.stringify(setting));
    }
  });

  test('phrases with a NUL byte, or of 512 bytes or more, give null', () => {
    assert.equal(native.crypt(b('pass\0word'), '$6$salt'), null);
    assert.equal(native.crypt(b('a'.repeat(512)), '$6$salt'), null);
    assert.equal(typeof native.crypt(b('a'.repeat(511)), '$6$salt'), 'string');
    assert.equal(typeof native.crypt(Buffer.alloc(0), '$6$salt'), 'string');
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => native.crypt('pass' as unknown as Buffer, '$6$salt'), TypeError);
    assert.throws(() => native.crypt(b('pass'), 6 as unknown as string), TypeError);
    assert.throws(() => native.crypt(b('pass'), '$6$salt\0x'), TypeError);
    assert.throws(() => (native.crypt as (p: Buffer) => string | null)(b('pass')), TypeError);
  });
});

describe('pamAuthenticate', () => {
  const PASSWORD = 'pam Secret: 1';
  let user = '';
  let service = '';

  before(() => {
    user = scratch.user(PASSWORD);
    service = scratch.service(['auth required pam_unix.so nodelay', 'account required pam_unix.so']);
  });

  test('the right password passes both stages', async () => {
    assert.deepEqual(await native.pamAuthenticate(service, user, b(PASSWORD), '192.0.2.1'), {
      stage: 'ok',
      code: native.pamCodes.PAM_SUCCESS,
      message: 'Success',
    });
  });

  test('a wrong or empty password fails authentication with PAM_AUTH_ERR', async () => {
    for (const password of [PASSWORD + 'x', PASSWORD.slice(0, -1), '']) {
      const r = await native.pamAuthenticate(service, user, b(password), '');
      assert.equal(r.stage, 'authenticate');
      assert.equal(r.code, native.pamCodes.PAM_AUTH_ERR);
      assert.equal(r.message, 'Authentication failure');
    }
  });

  test('a password with a NUL byte, or of 512 bytes, fails without asking PAM', async () => {
    for (const [password, why] of [
      [b(PASSWORD + '\0tail'), /NUL byte/],
      [Buffer.alloc(512, 'a'), /PAM_MAX_RESP_SIZE/],
    ] as const) {
      const r = await native.pamAuthenticate(service, user, password, '');
      assert.equal(r.stage, 'authenticate');
      assert.equal(r.code, native.pamCodes.PAM_AUTH_ERR);
      assert.match(r.message, why);
    }
  });

  test('an unknown user fails authentication with PAM_USER_UNKNOWN', async () => {
    const r = await native.pamAuthenticate(service, `uwimap-t-none${randomBytes(3).toString('hex')}`, b('x'), '');
    assert.deepEqual([r.stage, r.code], ['authenticate', native.pamCodes.PAM_USER_UNKNOWN]);
  });

  test('a locked account (usermod -L) fails authentication', async () => {
    const locked = scratch.user(PASSWORD);
    shadowTool('usermod', ['-L', locked]);
    const r = await native.pamAuthenticate(service, locked, b(PASSWORD), '');
    assert.deepEqual([r.stage, r.code], ['authenticate', native.pamCodes.PAM_AUTH_ERR]);
    shadowTool('usermod', ['-U', locked]);
    assert.equal((await native.pamAuthenticate(service, locked, b(PASSWORD), '')).stage, 'ok');
  });

  test('an expired account (chage -E 0) passes authentication and fails account management', async () => {
    const expired = scratch.user(PASSWORD);
    shadowTool('chage', ['-E', '0', expired]);
    assert.deepEqual(await native.pamAuthenticate(service, expired, b(PASSWORD), ''), {
      stage: 'account',
      code: native.pamCodes.PAM_ACCT_EXPIRED,
      message: 'User account has expired',
    });
    // The wrong password still fails first, at authentication: PAM says nothing about the account to a guesser.
    const wrong = await native.pamAuthenticate(service, expired, b('guess'), '');
    assert.equal(wrong.stage, 'authenticate');
  });

  test('a password that must be changed (chage -d 0) fails account management with PAM_NEW_AUTHTOK_REQD', async () => {
    const stale = scratch.user(PASSWORD);
    shadowTool('chage', ['-d', '0', stale]);
    const r = await native.pamAuthenticate(service, stale, b(PASSWORD), '');
    assert.deepEqual([r.stage, r.code], ['account', native.pamCodes.PAM_NEW_AUTHTOK_REQD]);
  });

  test('PAM_RHOST reaches the modules (pam_succeed_if rhost = ...)', async () => {
    const byHost = scratch.service([
      'auth requisite pam_succeed_if.so quiet rhost = 192.0.2.7',
      'auth required pam_unix.so nodelay',
      'account required pam_unix.so',
    ]);
    assert.equal((await native.pamAuthenticate(byHost, user, b(PASSWORD), '192.0.2.7')).stage, 'ok');
    for (const rhost of ['192.0.2.8', '']) {
      const r = await native.pamAuthenticate(byHost, user, b(PASSWORD), rhost);
      assert.equal(r.stage, 'authenticate', `rhost ${JSON.stringify(rhost)}`);
    }
  });

  test("pam_unix's failure delay (without nodelay) runs on a pool thread, not the event loop", async () => {
    const slow = scratch.service(['auth required pam_unix.so', 'account required pam_unix.so']);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const start = Date.now();
    try {
      const r = await native.pamAuthenticate(slow, user, b('wrong'), '');
      assert.equal(r.stage, 'authenticate');
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= 1000, `pam_unix's delay is about 2 s; took ${elapsed} ms`);
    assert.ok(ticks >= elapsed / 10 / 4, `only ${ticks} timer ticks in ${elapsed} ms: the event loop was blocked`);
  });

  test('concurrent transactions keep their own passwords and results', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? PASSWORD : `${PASSWORD}${i}`));
    const results = await Promise.all(passwords.map((p) => native.pamAuthenticate(service, user, b(p), '')));
    results.forEach((r, i) => assert.equal(r.stage, i % 3 === 0 ? 'ok' : 'authenticate', `attempt ${i}`));
  });

  test('the caller may wipe its password Buffer as soon as the call returns', async () => {
    const password = b(PASSWORD);
    const pending = native.pamAuthenticate(service, user, password, '');
    password.fill(0);
    assert.equal((await pending).stage, 'ok');
  });

  test('prints nothing; as a non-root caller pam_unix will not check another user (PAM_AUTHINFO_UNAVAIL)', () => {
    const { report } = child(`
      const n = require(ADDON);
      const [service, user, password] = ${JSON.stringify([service, user, PASSWORD])};
      (async () => {
        const asRoot = [await n.pamAuthenticate(service, user, Buffer.from(password), '127.0.0.1'),
                        await n.pamAuthenticate(service, user, Buffer.from('wrong'), '127.0.0.1'),
                        await n.pamAuthenticate(service, 'uwimap-t-none', Buffer.from('x'), '')];
        process.setgid(65534); process.setuid(65534);
        const asNobody = await n.pamAuthenticate(service, user, Buffer.from(password), '127.0.0.1');
        report({ asRoot: asRoot.map((r) => r.stage), asNobody });
      })();`);
    const { asRoot, asNobody } = report as { asRoot: string[]; asNobody: { stage: string; code: number } };
    assert.deepEqual(asRoot, ['ok', 'authenticate', 'authenticate']);
    assert.deepEqual([asNobody.stage, asNobody.code], ['authenticate', native.pamCodes.PAM_AUTHINFO_UNAVAIL]);
  });

  test('bad arguments throw TypeError synchronously; an empty or path-like service is refused', () => {
    const call = (...a: unknown[]): unknown =>
      (native.pamAuthenticate as (...x: unknown[]) => unknown)(...a);
    assert.throws(() => call('', user, b('x'), ''), TypeError);
    assert.throws(() => call(`../${service}`, user, b('x'), ''), TypeError);
    assert.throws(() => call(service, user, 'x', ''), TypeError);
    assert.throws(() => call(service, `${user}\0root`, b('x'), ''), TypeError);
    assert.throws(() => call(service, user, b('x'), null), TypeError);
    assert.throws(() => call(service, user, b('x')), TypeError);
  });
});

describe('getpwnam, getpwuid, getspnam (NSS)', () => {
  let user = '';
  /** getent's answer (glibc through NSS, as ours), split into fields. */
  const getent = (db: string, key: string): string[] => execFileSync('getent', [db, key], { encoding: 'utf8' }).trim().split(':');

  before(() => {
    user = scratch.user('nss secret');
    // Every shadow field set (chage), and a gecos longer than the first 1 KiB buffer: the lookup must grow it.
    shadowTool('chage', ['-m', '2', '-M', '90', '-W', '5', '-I', '10', '-E', '2030-01-02', user]);
    shadowTool('usermod', ['-c', `Long ${'g'.repeat(3000)}`, user]);
  });

  test('the passwd entry by name and by uid, as getent reads it, a gecos over 1 KiB whole', async () => {
    const [name, passwd, uid, gid, gecos, dir, shell] = getent('passwd', user);
    const want = { name, passwd, uid: Number(uid), gid: Number(gid), gecos, dir, shell };
    assert.equal(gecos?.length, 3005);
    assert.deepEqual(await native.getpwnam(user), want);
    assert.deepEqual(await native.getpwuid(Number(uid)), want);
  });

  test('the shadow entry, its day counts as getent reads them, -1 for an empty field', async () => {
    const f = getent('shadow', user);
    const day = (i: number): number => (f[i] === '' ? -1 : Number(f[i]));
    assert.deepEqual(await native.getspnam(user), {
      name: user, passwd: shadowHash(user), lastChange: day(2), min: 2, max: 90, warn: 5, inactive: 10, expire: day(7),
    });
    assert.equal(day(7), Date.UTC(2030, 0, 2) / 86_400_000);
    shadowTool('chage', ['-I', '-1', '-E', '-1', user]);
    const cleared = await native.getspnam(user);
    assert.ok(cleared !== null && typeof cleared === 'object');
    assert.deepEqual([cleared.inactive, cleared.expire], [-1, -1]);
  });

  test('no such name or uid is null, not an error', async () => {
    assert.equal(await native.getpwnam('uwimap-t-none'), null);
    assert.equal(await native.getspnam('uwimap-t-none'), null);
    assert.equal(await native.getpwnam(''), null);
    assert.equal(await native.getpwuid(4_294_967_000), null);
  });

  test('concurrent lookups on pool threads each get their own entry', async () => {
    const names = ['root', user, 'nobody', 'uwimap-t-none', 'daemon'];
    const got = await Promise.all(Array.from({ length: 50 }, (_, i) => native.getpwnam(names[i % names.length] as string)));
    got.forEach((e, i) => {
      const name = names[i % names.length];
      if (name === 'uwimap-t-none') assert.equal(e, null);
      else assert.equal(typeof e === 'object' && e !== null ? e.name : e, name);
    });
  });

  test('as a user, passwd entries are found and shadow entries are not', () => {
    const { report } = child(`
      const n = require(ADDON);
      process.setgid(65534); process.setuid(65534);
      (async () => {
        const pw = await n.getpwnam(${JSON.stringify(user)});
        report({ pw: pw && pw.name, sp: await n.getspnam(${JSON.stringify(user)}) });
      })();`);
    // nss_files cannot open /etc/shadow (EACCES, an error); glibc reports the last module's answer, so with
    // `shadow: files` alone that error, with `files systemd` (Debian 12) systemd's "none".
    const { pw, sp } = report as { pw: string; sp: unknown };
    assert.equal(pw, user);
    assert.ok(sp === null || sp === errno.EACCES, `getspnam as nobody: ${JSON.stringify(sp)}`);
  });

  test('bad arguments throw TypeError synchronously', () => {
    const call = (f: unknown, ...a: unknown[]): unknown => (f as (...x: unknown[]) => unknown)(...a);
    assert.throws(() => call(native.getpwnam, `${user}\0root`), TypeError);
    assert.throws(() => call(native.getpwnam, 42), TypeError);
    assert.throws(() => call(native.getspnam), TypeError);
    assert.throws(() => call(native.getpwuid, -1), TypeError);
    assert.throws(() => call(native.getpwuid, 1.5), TypeError);
    assert.throws(() => call(native.getpwuid, '0'), TypeError);
  });
});

describe('unixDgramSend', () => {
  /** A python3 receiver bound to a fresh socket path; `read` makes it print the first datagram as hex and exit. */
  async function receiver(read: boolean): Promise<{ path: string; output: Promise<string>; stop: () => void }> {
    const path = join(tmp, `r-${randomBytes(4).toString('hex')}.sock`);
    const script = [
      'import socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
      's.bind(sys.argv[1])',
      'print("ready", flush=True)',
      read ? 'print(s.recv(1 << 20).hex(), flush=True)' : 'sys.stdin.read()',
    ].join('\n');
    const proc = spawn('python3', ['-c', script, path], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('ready\n')) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`receiver exited (${code}) before binding`)));
    });
    const output = once(proc, 'close').then(() => out.replace(/^ready\n/, '').trim());
    await ready;
    return { path, output, stop: () => proc.stdin.end() };
  }

  test('delivers the exact bytes as one datagram', async () => {
    const r = await receiver(true);
    const data = Buffer.concat([b('<13>uwimap: test '), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
    assert.equal(native.unixDgramSend(r.path, data), 0);
    assert.equal(await r.output, data.toString('hex'));
  });

  test('an empty datagram is sent too', async () => {
    const r = await receiver(true);
    assert.equal(native.unixDgramSend(r.path, Buffer.alloc(0)), 0);
    assert.equal(await r.output, '');
  });

  test('errno values: ENOENT, ECONNREFUSED (stale socket, regular file), ENAMETOOLONG', async () => {
    assert.equal(native.unixDgramSend(join(tmp, 'missing.sock'), b('x')), errno.ENOENT);
    assert.equal(errno.ENOENT, 2);
    const r = await receiver(true);
    native.unixDgramSend(r.path, b('bye'));
    await r.output; // the receiver has exited; its socket file stays behind, as a dead syslogd's /dev/log would
    assert.equal(native.unixDgramSend(r.path, b('x')), errno.ECONNREFUSED);
    const file = join(tmp, 'regular');
    writeFileSync(file, '');
    assert.equal(native.unixDgramSend(file, b('x')), errno.ECONNREFUSED);
    assert.equal(native.unixDgramSend(join(tmp, 'x'.repeat(120)), b('x')), errno.ENAMETOOLONG);
    assert.equal(native.unixDgramSend('', b('x')), errno.ENOENT);
  });

  test('a receiver that does not read gives EAGAIN instead of blocking', async () => {
    const r = await receiver(false);
    try {
      let sent = 0;
      let result = 0;
      while (sent < 10_000 && (result = native.unixDgramSend(r.path, b(`line ${sent}`))) === 0) sent++;
      assert.equal(result, errno.EAGAIN, `after ${sent} datagrams`);
      assert.ok(sent >= 1);
    } finally {
      r.stop();
      await r.output;
    }
  });

  test('bad arguments throw TypeError', () => {
    assert.throws(() => native.unixDgramSend(join(tmp, 'a\0b'), b('x')), TypeError);
    assert.throws(() => native.unixDgramSend(join(tmp, 'a'), 'x' as unknown as Buffer), TypeError);
  });
});

describe('setresgid', () => {
  test('sets all three gids on every thread; unprivileged, only to a current gid', () => {
    const { report } = child(`
      const n = require(ADDON);
      const gids = () => fs.readdirSync('/proc/self/task').map((t) =>
        fs.readFileSync('/proc/self/task/' + t + '/status', 'utf8').match(/^Gid:\\t(.*)$/m)[1]);
      const out = {};
      out.set = n.setresgid(65534, 65533, 0);
      out.after = gids();
      out.unchanged = n.setresgid(-1, -1, -1);
      out.stillAfter = gids();
      process.setuid(65534);
      out.foreign = n.setresgid(12345, -1, -1);
      out.saved = n.setresgid(0, 0, 0);
      out.final = gids()[0];
      report(out);`);
    const r = report as Record<string, unknown>;
    assert.equal(r['set'], 0);
    const after = r['after'] as string[];
    assert.ok(after.length > 1, 'node runs several threads');
    // Linux's order: real, effective, saved, filesystem (which follows the effective gid).
    for (const line of after) assert.equal(line, '65534\t65533\t0\t65533');
    assert.equal(r['unchanged'], 0);
    assert.deepEqual(r['stillAfter'], after);
    assert.equal(r['foreign'], errno.EPERM);
    // A saved gid of 0 lets a process that dropped its uid take group 0 back: drop all three, never only two.
    assert.equal(r['saved'], 0);
    assert.equal(r['final'], '0\t0\t0\t0');
  });

  test('gids out of range or not integers throw TypeError', () => {
    for (const bad of [-2, 1.5, 2 ** 32 - 1, Number.NaN]) {
      assert.throws(() => native.setresgid(bad, -1, -1), TypeError, String(bad));
    }
    assert.throws(() => native.setresgid('0' as unknown as number, -1, -1), TypeError);
  });
});

describe('syncFileRange', () => {
  test('starts write-back of a written range; errno values for what is not a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfr-'));
    try {
      const path = join(dir, 'f');
      writeFileSync(path, randomBytes(1 << 20));
      const fd = openSync(path, 'r+');
      try {
        assert.equal(native.syncFileRange(fd, 0, 1 << 20), 0);
        assert.equal(native.syncFileRange(fd, 4096, 0), 0, 'nbytes 0: to the end of the file');
      } finally {
        closeSync(fd);
      }
      assert.equal(native.syncFileRange(fd, 0, 1), errno.EBADF, 'closed descriptor');
      const [r, w] = pipeFds();
      try {
        assert.equal(native.syncFileRange(w, 0, 1), errno.ESPIPE, 'a pipe');
      } finally {
        closeSync(r);
        closeSync(w);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('negative, fractional or non-number arguments throw TypeError', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      assert.throws(() => native.syncFileRange(0, bad, 1), TypeError, String(bad));
    }
    assert.throws(() => native.syncFileRange('0' as unknown as number, 0, 1), TypeError);
  });
});

/** The two ends of a FIFO (read, write): a descriptor that is not a regular file. */
function pipeFds(): [number, number] {
  const dir = mkdtempSync(join(tmpdir(), 'fifo-'));
  const path = join(dir, 'p');
  execFileSync('mkfifo', [path]);
  const r = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const w = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
  rmSync(dir, { recursive: true, force: true });
  return [r, w];
}

describe('loadNative', () => {
  test('returns the same functions every time (Node caches the addon by path)', () => {
    assert.equal(loadNative(), native);
    assert.equal(defaultNativePath(), fileURLToPath(new URL('../../../build/uwimap-native.node', import.meta.url)));
  });

  test('importing the loader maps nothing; loadNative() maps the addon and libpam', () => {
    const loader = new URL('../../lib/native/native.js', import.meta.url).href;
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { readFileSync, writeSync } from 'node:fs';
         const maps = () => readFileSync('/proc/self/maps', 'utf8');
         const { loadNative } = await import(${JSON.stringify(loader)});
         const before = maps();
         loadNative();
         const after = maps();
         writeSync(3, JSON.stringify([/uwimap-native/.test(before), /libpam/.test(before),
                                      /uwimap-native/.test(after), /libpam/.test(after)]));`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.output[3] ?? ''), [false, false, true, true]);
  });

  test('a missing addon is a loud Error naming the path and the fix', () => {
    const missing = join(tmp, 'nowhere', 'uwimap-native.node');
    assert.throws(
      () => loadNative(missing),
      (e: unknown) =>
        e instanceof Error && e.message.includes(missing) && e.message.includes('make build') && e.cause !== undefined,
    );
  });

  test('a module that is not the addon is refused', () => {
    const impostor = join(tmp, 'impostor.cjs');
    writeFileSync(impostor, 'module.exports = { crypt() { return null; } };\n');
    assert.throws(() => loadNative(impostor), /is not the uwimap native addon/);
  });
});
