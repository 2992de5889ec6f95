/**
 * The disk quota (RFC 9208's STORAGE): the addon's quotaGet (quotactl(2) Q_GETQUOTA) and lib/mailbox/quota.ts,
 * which reads it. The machine's own filesystems are used as they are: a temporary directory on a filesystem that
 * keeps no quota for us gives one of the "no quota" errno values (and quota.ts no quota); where the test machine
 * does keep one, the numbers must be sane. The mapping of limits and errors is checked with a given quotaGet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadNative } from '../../lib/native/native.js';
import { filesystemQuota, NO_QUOTA_ERRORS, storageResource, type QuotaGet } from '../../lib/mailbox/quota.js';
import { fsError } from '../../lib/mailbox/fs-errors.js';

const E = constants.errno;
const uid = process.getuid?.() ?? 0;
const dir = mkdtempSync(join(tmpdir(), 'quota-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('quotaGet (native)', () => {
  const n = loadNative();

  test('a path that does not exist is ENOENT, and out is left alone', () => {
    const out = new Float64Array(6).fill(7);
    assert.equal(n.quotaGet(join(dir, 'missing'), uid, out), E.ENOENT);
    assert.deepEqual([...out], [7, 7, 7, 7, 7, 7]);
  });

  test('a filesystem without quotas answers a no-quota errno; one with quotas, sane numbers', () => {
    const out = new Float64Array(6);
    const r = n.quotaGet(dir, uid, out);
    if (r !== 0) {
      assert.ok(NO_QUOTA_ERRORS.has(r), `errno ${r} is not one of the no-quota errors`);
      assert.equal(filesystemQuota(dir, uid), null);
    } else {
      for (const v of out) assert.ok(Number.isSafeInteger(v) && v >= 0, `${v}`);
    }
    // /proc: no block device, no quotas.
    const p = n.quotaGet('/proc', uid, out);
    assert.ok(NO_QUOTA_ERRORS.has(p), `errno ${p} for /proc`);
  });

  test('wrong argument types throw TypeError', () => {
    const quotaGet = n.quotaGet.bind(n) as unknown as (...a: unknown[]) => number;
    assert.throws(() => quotaGet(dir, uid), TypeError);
    assert.throws(() => quotaGet(dir, -2, new Float64Array(6)), TypeError);
    assert.throws(() => quotaGet(dir, 1.5, new Float64Array(6)), TypeError);
    assert.throws(() => quotaGet(dir, uid, new Float64Array(5)), TypeError);
    assert.throws(() => quotaGet(dir, uid, new Uint32Array(6)), TypeError);
    assert.throws(() => quotaGet('/tm\0p', uid, new Float64Array(6)), TypeError);
    assert.throws(() => quotaGet(42, uid, new Float64Array(6)), TypeError);
  });
});

describe('filesystemQuota', () => {
  const fixed = (r: number, vals: number[] = []): QuotaGet => (_p, _u, out) => {
    vals.forEach((v, i) => (out[i] = v));
    return r;
  };

  test('no quota: every no-quota errno, any other failure, no addon', () => {
    for (const name of ['ENOSYS', 'ESRCH', 'EPERM', 'ENODEV', 'EINVAL', 'EOPNOTSUPP'] as const) {
      assert.ok(NO_QUOTA_ERRORS.has(E[name]), name);
      assert.equal(filesystemQuota('/x', 1, fixed(E[name])), null, name);
    }
    assert.ok(NO_QUOTA_ERRORS.has(15), 'ENOTBLK (Linux 15)');
    assert.equal(filesystemQuota('/x', 1, fixed(E.EIO)), null);
    assert.equal(filesystemQuota('/x', 1, null), null);
  });

  test('the hard block limit, else the soft one; none set is no quota', () => {
    assert.deepEqual(filesystemQuota('/x', 1, fixed(0, [100, 80, 5000, 0, 0, 3])), { limitBytes: 102400, usedBytes: 5000 });
    assert.deepEqual(filesystemQuota('/x', 1, fixed(0, [0, 80, 5000, 0, 0, 3])), { limitBytes: 81920, usedBytes: 5000 });
    // Only an inode limit: nothing limits space.
    assert.equal(filesystemQuota('/x', 1, fixed(0, [0, 0, 5000, 10, 10, 3])), null);
  });

  test('the path and uid are passed through', () => {
    const seen: [string, number][] = [];
    filesystemQuota('/home/bob', 1001, (p, u) => {
      seen.push([p, u]);
      return E.ESRCH;
    });
    assert.deepEqual(seen, [['/home/bob', 1001]]);
  });
});

describe('storageResource', () => {
  test('1024-octet units: usage rounded up, the limit down (RFC 9208 §5.1)', () => {
    assert.deepEqual(storageResource(0, 4096), { name: 'STORAGE', usage: 0, limit: 4 });
    assert.deepEqual(storageResource(1, 4097), { name: 'STORAGE', usage: 1, limit: 4 });
    assert.deepEqual(storageResource(2785, 5119), { name: 'STORAGE', usage: 3, limit: 4 });
  });
});

describe('the kernel refusing a write for the quota', () => {
  test('EDQUOT (and ENOSPC) is OVERQUOTA, which IMAP answers NO [OVERQUOTA]', () => {
    for (const code of ['EDQUOT', 'ENOSPC']) {
      const e = Object.assign(new Error(`${code}: write`), { code });
      assert.equal(fsError(e, 'INBOX').code, 'OVERQUOTA', code);
    }
  });
});
