/**
 * Dotlocks on real files: both creation forms, contention with Debian's dotlockfile, stale takeover (age and dead
 * PID), symlink refusal, the registry's releaseAllSync, touching, and no lock left behind by a killed holder.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { dotlockPath, parseLockPid } from '../../lib/lock/dotlock-file.js';
import { createDotlock, type DotlockOptions } from '../../lib/lock/dotlock.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import { LockError, LockTimeoutError, type LockTarget } from '../../lib/lock/lock-method.js';
import type { Child} from './lock-support.js';
import { Children, deadPid, HOLD_LOCK, requireProgram, run, tempDir } from './lock-support.js';

const children = new Children();
afterEach(() => children.killAll());

const DOTLOCKFILE = '/usr/bin/dotlockfile';
const host = dotlockHostFromProcess(process, hostname());

let dir = '';
let cleanup = (): void => undefined;
let seq = 0;

before(() => {
  requireProgram(DOTLOCKFILE, 'liblockfile-bin');
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

/** A new mailbox file for each test, so no test sees another's lock. */
function mailbox(): LockTarget {
  const path = join(dir, `mbox${++seq}`);
  writeFileSync(path, '');
  return { path, fd: -1 };
}

function setup(extra: Partial<DotlockOptions> = {}): { registry: DotlockRegistry; options: DotlockOptions } {
  const registry = new DotlockRegistry();
  return { registry, options: { host, registry, touchIntervalMs: null, ...extra } };
}

/** Sets a file's mtime `ms` into the past. */
function age(path: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  utimesSync(path, t, t);
}

for (const form of ['link', 'excl'] as const) {
  describe(`dotlock, ${form} form`, () => {
    let registry: DotlockRegistry;
    let options: DotlockOptions;
    beforeEach(() => ({ registry, options } = setup({ form })));

    test('creates MAILBOX.lock holding our PID, leaves no temporary file, and release removes it', async () => {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      const release = await createDotlock(options).acquire(target, 'exclusive', Date.now() + 1000);
      assert.equal(readFileSync(lock, 'latin1'), `${process.pid}\n`);
      assert.equal(statSync(lock).mode & 0o777, 0o644 & ~process.umask());
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.startsWith(`mbox${seq}`)).sort(),
        [`mbox${seq}`, `mbox${seq}.lock`],
      );
      assert.deepEqual(registry.held(), [{ path: lock, viaHelper: false }]);
      await release();
      assert.equal(existsSync(lock), false);
      assert.deepEqual(registry.held(), []);
      await release(); // idempotent
    });

    test('a lock held by dotlockfile makes us time out; once it lets go we get it', async () => {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      // dotlockfile's command form holds the lock (with its own PID in it) while the command runs.
      const holder = children.spawn(DOTLOCKFILE, ['-l', '-r', '0', '-p', lock, '/bin/sh', '-c', 'echo locked; read x']);
      await holder.waitForLine(/^locked$/);
      const method = createDotlock(options);
      await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 300), LockTimeoutError);
      assert.deepEqual(registry.held(), []);
      const pending = method.acquire(target, 'exclusive', Date.now() + 10_000);
      holder.send('go');
      assert.equal((await holder.exited).code, 0);
      const release = await pending;
      assert.equal(readFileSync(lock, 'latin1'), `${process.pid}\n`);
      await release();
    });

    test('dotlockfile honours our lock, and can take it once we release', async () => {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      const release = await createDotlock(options).acquire(target, 'exclusive', Date.now());
      assert.equal((await run(DOTLOCKFILE, ['-l', '-r', '0', '-p', '-q', lock])).code, 4, 'L_MAXTRYS: held');
      await release();
      assert.equal((await run(DOTLOCKFILE, ['-l', '-r', '0', '-p', '-q', lock])).code, 0);
      assert.equal((await run(DOTLOCKFILE, ['-u', '-q', lock])).code, 0);
    });

    test('a symlink at MAILBOX.lock is refused, not followed, and left alone', async () => {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      const absent = join(dir, `absent${seq}`);
      symlinkSync(absent, lock);
      const method = createDotlock(options);
      await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 1000), (err: unknown) => {
        assert.ok(err instanceof LockError && !(err instanceof LockTimeoutError), String(err));
        assert.match(err.message, /symbolic link/);
        return true;
      });
      assert.equal(existsSync(absent), false, 'the link target was not created');
      assert.ok(lstatSync(lock).isSymbolicLink(), 'the link is still there');

      // A link to an existing file: the file is neither written nor touched.
      unlinkSync(lock);
      const victim = join(dir, `victim${seq}`);
      writeFileSync(victim, 'precious\n');
      age(victim, 3_600_000);
      const before = statSync(victim);
      symlinkSync(victim, lock);
      await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 1000), LockError);
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
      assert.equal(statSync(victim).mtimeMs, before.mtimeMs);
      assert.ok(lstatSync(lock).isSymbolicLink());
      assert.deepEqual(registry.held(), []);
    });

    test('shared requests take the exclusive dotlock', async () => {
      const target = mailbox();
      const method = createDotlock(options);
      const release = await method.acquire(target, 'shared', Date.now());
      await assert.rejects(method.acquire(target, 'shared', Date.now() + 50), LockTimeoutError);
      await release();
    });
  });
}

describe('dotlock stale locks', () => {
  let registry: DotlockRegistry;
  let options: DotlockOptions;
  beforeEach(() => ({ registry, options } = setup()));

  test('a lock untouched for more than 5 minutes is taken over, even with a live PID (UW locktimeout)', async () => {
    for (const content of ['', '0\n', `${process.pid}\n`]) {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      writeFileSync(lock, content);
      age(lock, 5 * 60_000 + 10_000);
      const release = await createDotlock(options).acquire(target, 'exclusive', Date.now() + 1000);
      assert.equal(readFileSync(lock, 'latin1'), `${process.pid}\n`, `taken over from ${JSON.stringify(content)}`);
      await release();
    }
  });

  test('a lock younger than 5 minutes with no PID is respected', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    writeFileSync(lock, '');
    age(lock, 4 * 60_000);
    await assert.rejects(createDotlock(options).acquire(target, 'exclusive', Date.now() + 100), LockTimeoutError);
    assert.equal(readFileSync(lock, 'latin1'), '', 'left alone');
  });

  test('the age limit is an option', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    writeFileSync(lock, '');
    age(lock, 2000);
    const method = createDotlock({ ...options, staleAfterMs: 1000 });
    const release = await method.acquire(target, 'exclusive', Date.now() + 1000);
    await release();
  });

  test('a fresh lock naming a dead PID is taken over at once', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    const pid = await deadPid();
    writeFileSync(lock, `${pid}\n`);
    const t0 = Date.now();
    const release = await createDotlock(options).acquire(target, 'exclusive', Date.now() + 5000);
    assert.ok(Date.now() - t0 < 1000, 'no waiting for a dead holder');
    assert.equal(readFileSync(lock, 'latin1'), `${process.pid}\n`);
    await release();
  });

  test('with checkPid off (NFS spools) a dead PID alone does not make a lock stale', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    writeFileSync(lock, `${await deadPid()}\n`);
    const method = createDotlock({ ...options, checkPid: false });
    await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 100), LockTimeoutError);
  });

  test('a fresh lock naming a live PID is respected', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    writeFileSync(lock, '1\n');
    await assert.rejects(createDotlock(options).acquire(target, 'exclusive', Date.now() + 100), LockTimeoutError);
    assert.deepEqual(registry.held(), []);
  });

  test('parseLockPid reads a leading decimal PID as atoi() does, and Dovecot’s pid:host only for this host', () => {
    const here = 'mail.example.org';
    assert.equal(parseLockPid('1234\n', here), 1234);
    assert.equal(parseLockPid(' 42', here), 42);
    assert.equal(parseLockPid('42\0', here), 42);
    assert.equal(parseLockPid('0\n', here), undefined);
    assert.equal(parseLockPid('0', here), undefined);
    assert.equal(parseLockPid('', here), undefined);
    assert.equal(parseLockPid('x12', here), undefined);
    assert.equal(parseLockPid(undefined, here), undefined);
    assert.equal(parseLockPid('99999999999', here), undefined);
    assert.equal(parseLockPid('12345678901\n', here), undefined, 'not the first 10 digits of a longer number');
    assert.equal(parseLockPid('77:mail.example.org', here), 77);
    assert.equal(parseLockPid('77:MAIL.example.org\n', here), 77);
    assert.equal(parseLockPid('77:other.example.org', here), undefined);
    assert.equal(parseLockPid('77:mail', here), undefined);
    assert.equal(parseLockPid('77:', here), undefined);
  });
});

describe('dotlock registry and release', () => {
  test('releaseAllSync removes every lock we hold, and later releases do nothing', async () => {
    const { registry, options } = setup();
    const method = createDotlock(options);
    const a = mailbox();
    const b = mailbox();
    const releaseA = await method.acquire(a, 'exclusive', Date.now());
    await method.acquire(b, 'exclusive', Date.now());
    assert.equal(registry.held().length, 2);
    assert.deepEqual(registry.releaseAllSync(), []);
    assert.equal(existsSync(dotlockPath(a.path)), false);
    assert.equal(existsSync(dotlockPath(b.path)), false);
    assert.deepEqual(registry.held(), []);
    // Someone else locks a after us: our stale release handle must not touch their lock.
    writeFileSync(dotlockPath(a.path), '1\n');
    await releaseA();
    assert.equal(readFileSync(dotlockPath(a.path), 'latin1'), '1\n');
    assert.deepEqual(registry.releaseAllSync(), []);
  });

  test('a lock taken over while we held it is not removed by our release', async () => {
    const { registry, options } = setup();
    const target = mailbox();
    const lock = dotlockPath(target.path);
    const release = await createDotlock(options).acquire(target, 'exclusive', Date.now());
    unlinkSync(lock);
    writeFileSync(lock, '1\n');
    await release();
    assert.equal(readFileSync(lock, 'latin1'), '1\n');
    assert.deepEqual(registry.held(), []);
    // Same inode, other content (an inode number reused by a successor) is not ours either.
    unlinkSync(lock);
    const release2 = await createDotlock(options).acquire(target, 'exclusive', Date.now());
    writeFileSync(lock, '1\n');
    assert.deepEqual(registry.releaseAllSync(), []);
    assert.equal(readFileSync(lock, 'latin1'), '1\n');
    await release2();
    assert.ok(existsSync(lock));
  });

  test('a held lock is touched periodically so others do not take it as stale', async () => {
    const { options } = setup({ touchIntervalMs: 20 });
    const target = mailbox();
    const lock = dotlockPath(target.path);
    const release = await createDotlock(options).acquire(target, 'exclusive', Date.now());
    age(lock, 10 * 60_000);
    const deadline = Date.now() + 5000;
    while (Date.now() - statSync(lock).mtimeMs > 60_000) {
      assert.ok(Date.now() < deadline, 'the lock was not touched');
      await new Promise((r) => setTimeout(r, 10));
    }
    await release();
    assert.equal(existsSync(lock), false);
  });

  test('a failure other than contention (no such directory) is a LockError at once, not a timeout', async () => {
    // (Permission failures, with and without the helper, are tested as nobody in lock-spool.test.ts.)
    const { options } = setup();
    await assert.rejects(
      createDotlock(options).acquire({ path: join(dir, 'none', 'mbox'), fd: -1 }, 'exclusive', Date.now() + 5000),
      (err: unknown) => err instanceof LockError && !(err instanceof LockTimeoutError),
    );
  });
});

describe('no dotlock is left behind by a killed holder', () => {
  for (const [how, stop] of [
    ['SIGTERM', (c: Child) => c.proc.kill('SIGTERM')],
    ['SIGHUP', (c: Child) => c.proc.kill('SIGHUP')],
    ['exit', (c: Child) => c.send('exit')],
    ['end of input', (c: Child) => c.proc.stdin?.end()],
  ] as const) {
    test(`${how}: the lock is removed`, async () => {
      const target = mailbox();
      const lock = dotlockPath(target.path);
      const holder = children.spawn(process.execPath, [HOLD_LOCK, target.path]);
      await holder.waitForLine(/^locked direct \d+$/);
      assert.ok(existsSync(lock), 'held');
      stop(holder);
      await holder.exited;
      assert.equal(existsSync(lock), false, `${lock} left behind (stderr: ${holder.stderr})`);
    });
  }

  test('release on command, then the lock is gone while the holder lives on', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    const holder = children.spawn(process.execPath, [HOLD_LOCK, target.path, 'form=excl']);
    const line = await holder.waitForLine(/^locked direct \d+$/);
    assert.equal(readFileSync(lock, 'latin1'), `${line.split(' ')[2]}\n`);
    holder.send('release');
    await holder.waitForLine(/^released$/);
    assert.equal(existsSync(lock), false);
    await holder.finish();
  });

  test('SIGKILL cannot be caught: the lock stays, but names a dead PID, so the next taker takes it over', async () => {
    const target = mailbox();
    const lock = dotlockPath(target.path);
    const holder = children.spawn(process.execPath, [HOLD_LOCK, target.path]);
    await holder.waitForLine(/^locked direct \d+$/);
    holder.proc.kill('SIGKILL');
    await holder.exited;
    assert.ok(existsSync(lock));
    const { options } = setup();
    const release = await createDotlock(options).acquire(target, 'exclusive', Date.now() + 1000);
    await release();
  });
});
