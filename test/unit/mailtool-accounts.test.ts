/**
 * bin/mailtool-accounts.ts: mailtool finds accounts where the servers do (account_source): through NSS (getent, here
 * answered by the system's passwd database, compared with what the system itself says) or in passwd_file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { accountByName, accountByUid } from '../../bin/mailtool-accounts.js';
import { DEFAULT_CONFIG } from '../../lib/env/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mailtool-accounts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mailtool account lookups', () => {
  test('account_source = nss: as getent answers, by name and by uid; unknown names are none', () => {
    const c = { ...DEFAULT_CONFIG, accountSource: 'nss' as const };
    const line = execFileSync('getent', ['passwd', 'root'], { encoding: 'utf8' }).trim().split(':');
    const root = accountByName(c, 'root');
    assert.equal(root?.uid, 0);
    assert.equal(root?.home, line[5]);
    assert.equal(accountByUid(c, 0)?.name, 'root');
    assert.equal(accountByName(c, 'no-such-user-of-mailtool'), undefined);
    assert.equal(accountByName(c, '0'), undefined, 'a number is no user name (getent would take it for a uid)');
    assert.equal(accountByName(c, '-x'), undefined);
    assert.equal(accountByUid(c, 2_000_000_001), undefined);
  });

  test('account_source = file: the passwd file only', () => {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, 'mtonly:x:4242:4242:only here:/home/mtonly:/bin/sh\n');
    const c = { ...DEFAULT_CONFIG, accountSource: 'file' as const, passwdFile: passwd };
    assert.equal(accountByName(c, 'mtonly')?.uid, 4242);
    assert.equal(accountByUid(c, 4242)?.name, 'mtonly');
    assert.equal(accountByName(c, 'root'), undefined, 'root is not in that file');
  });
});
