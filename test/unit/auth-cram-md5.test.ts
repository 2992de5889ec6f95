/**
 * /etc/cram-md5.pwd: the file format as UW parsed it, the refusal of files that group or others may read or that
 * root does not own (real chmod/chown, so root is required), users without a passwd entry kept (their accounts are
 * looked for at login, as UW did: test/unit/auth-checker.test.ts), and no password ever reaching a log line or a
 * printed value.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadCramMd5, parseCramMd5, type CramLoadOptions } from '../../lib/auth/cram-md5-pwd.js';
import { renderings, requireRoot, tempDir } from './auth-support.js';

const CONTENT = [
  '# CRAM-MD5 authentication database',
  '# Entries are in form <user><tab><password>',
  '',
  'tim\ttanstaaftanstaaf',
  'alice\tpass with spaces\tand a tab',
  'bob\t',
  'nobody-here\tghost-password',
  'no tab at all secret-looking',
  '\tleading-tab-password',
  'alice\tsecond-alice-password',
  'carol\tcarol-pw\r',
  'MixedCase\tmixed-pw',
  '',
].join('\n');

function options(log: string[], requireRootOwned = true): CramLoadOptions {
  return { requireRootOwned, log: (m) => log.push(m) };
}

describe('parsing', () => {
  const log: string[] = [];
  const secrets = parseCramMd5(Buffer.from(CONTENT), (m) => log.push(m));

  test('users in file order; the first line for a user wins; CR ends a line', () => {
    assert.deepEqual(secrets.users(), ['tim', 'alice', 'nobody-here', 'carol', 'MixedCase']);
    assert.equal(secrets.lookup('tim')?.reveal().toString(), 'tanstaaftanstaaf');
    assert.equal(secrets.lookup('alice')?.reveal().toString(), 'pass with spaces\tand a tab');
    assert.equal(secrets.lookup('carol')?.reveal().toString(), 'carol-pw');
  });

  test('an empty password, a missing tab or an empty user make a line invalid', () => {
    assert.equal(secrets.lookup('bob'), undefined);
    assert.equal(secrets.lookup(''), undefined);
  });

  test("lookup: exact, then the lower-case form (UW's auth_md5_pwd)", () => {
    assert.equal(secrets.lookup('TIM')?.reveal().toString(), 'tanstaaftanstaaf');
    assert.equal(secrets.lookup('MixedCase')?.reveal().toString(), 'mixed-pw');
    assert.equal(secrets.lookup('mixedcase'), undefined);
    assert.equal(secrets.lookup('MIXEDCASE'), undefined);
  });

  test('log lines name ignored lines by number, never a password', () => {
    assert.deepEqual(log, [
      'cram-md5.pwd: line 6 is not user<TAB>password; ignored',
      'cram-md5.pwd: line 8 is not user<TAB>password; ignored',
      'cram-md5.pwd: line 9 is not user<TAB>password; ignored',
    ]);
    const all = log.join('\n') + renderings(secrets) + renderings(secrets.lookup('tim'));
    for (const pw of ['tanstaaf', 'ghost-password', 'secret-looking', 'leading-tab-password', 'pass with spaces']) {
      assert.ok(!all.includes(pw), pw);
    }
  });

  test('CRLF files', () => {
    const crlf = parseCramMd5(Buffer.from('tim\tcrlf-pw\r\n\r\n# c\r\nalice\tx\r\n'), () => undefined);
    assert.deepEqual(crlf.users(), ['tim', 'alice']);
    assert.equal(crlf.lookup('tim')?.reveal().toString(), 'crlf-pw');
  });
});

describe('loading a real file', () => {
  let dir = '';
  let cleanup = (): void => undefined;
  let seq = 0;
  before(() => {
    requireRoot('chown of cram-md5.pwd fixtures');
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  function file(mode: number, uid = 0, content = CONTENT): string {
    const path = join(dir, `cram-md5.pwd.${++seq}`);
    writeFileSync(path, content);
    chmodSync(path, mode);
    chownSync(path, uid, 0);
    return path;
  }

  test('missing: null (CRAM-MD5 and APOP off)', () => {
    const log: string[] = [];
    assert.equal(loadCramMd5(join(dir, 'absent'), options(log)), null);
    assert.deepEqual(log, []);
  });

  for (const mode of [0o400, 0o600]) {
    test(`root-owned, mode ${mode.toString(8)}: loaded`, () => {
      const log: string[] = [];
      const secrets = loadCramMd5(file(mode), options(log));
      assert.ok(secrets && secrets !== 'refused');
      assert.deepEqual(secrets.users(), ['tim', 'alice', 'nobody-here', 'carol', 'MixedCase']);
      assert.equal(log.length, 3);
    });
  }

  for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o601]) {
    test(`mode ${mode.toString(8).padStart(4, '0')}: refused and logged`, () => {
      const log: string[] = [];
      const path = file(mode);
      assert.equal(loadCramMd5(path, options(log)), 'refused');
      assert.deepEqual(log, [
        `${path}: refused: mode ${mode.toString(8).padStart(4, '0')} gives group or others access (must be 0400 or 0600)`,
      ]);
    });
  }

  test('owned by a non-root uid: refused when root ownership is required, accepted otherwise', () => {
    const log: string[] = [];
    const path = file(0o600, 1000);
    assert.equal(loadCramMd5(path, options(log)), 'refused');
    assert.deepEqual(log, [`${path}: refused: owned by uid 1000, not root`]);
    const relaxed = loadCramMd5(path, options([], false));
    assert.ok(relaxed && relaxed !== 'refused');
    assert.equal(relaxed.lookup('tim')?.reveal().toString(), 'tanstaaftanstaaf');
  });

  test('a directory: refused', () => {
    const log: string[] = [];
    const path = join(dir, 'a-directory');
    mkdirSync(path, { mode: 0o700 });
    assert.equal(loadCramMd5(path, options(log)), 'refused');
    assert.deepEqual(log, [`${path}: refused: not a regular file`]);
  });

  test('an empty file: loaded, with no users', () => {
    const secrets = loadCramMd5(file(0o600, 0, ''), options([]));
    assert.ok(secrets && secrets !== 'refused');
    assert.deepEqual(secrets.users(), []);
  });
});
