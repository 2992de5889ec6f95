/**
 * Taking lock methods in order: acquisition order, reverse release, clean-up when a later method fails, the order
 * parser, and the mailbox locking service on a real file against real foreign lockers.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { MemoryLogger } from '../../lib/env/logger.js';
import { dotlockPath } from '../../lib/lock/dotlock-file.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import {
  LockError,
  LockTimeoutError,
  type LockMethod,
  type LockMethodName,
  type LockTarget,
} from '../../lib/lock/lock-method.js';
import {
  acquireAll,
  createLockMethods,
  DEFAULT_READ_ORDER,
  DEFAULT_WRITE_ORDER,
  LockOrderError,
  parseLockOrder,
  selectLockMethods,
} from '../../lib/lock/locker.js';
import { createMailboxLocking } from '../../lib/lock/mailbox-locking.js';
import { Children, python3, run, tempDir } from './lock-support.js';

const children = new Children();
afterEach(() => children.killAll());

/** A scripted method that records what happens to it in a shared log. */
function fake(
  name: LockMethodName,
  log: string[],
  behaviour: { failAcquire?: Error; failRelease?: Error } = {},
): LockMethod {
  return {
    name,
    async acquire(_target, mode) {
      await Promise.resolve();
      if (behaviour.failAcquire) {
        log.push(`fail ${name}`);
        throw behaviour.failAcquire;
      }
      log.push(`acquire ${name} ${mode}`);
      let released = false;
      return async () => {
        if (released) return;
        log.push(`release ${name}`);
        if (behaviour.failRelease) throw behaviour.failRelease;
        released = true;
      };
    },
  };
}

const T: LockTarget = { path: '/nonexistent/mbox', fd: -1 };

describe('acquireAll', () => {
  test('takes the methods in the given order and releases them in reverse, once', async () => {
    const log: string[] = [];
    const methods = [fake('dotlock', log), fake('fcntl', log), fake('flock', log)];
    const release = await acquireAll(methods, T, 'exclusive', Date.now());
    assert.deepEqual(log, ['acquire dotlock exclusive', 'acquire fcntl exclusive', 'acquire flock exclusive']);
    await release();
    await release();
    assert.deepEqual(log.slice(3), ['release flock', 'release fcntl', 'release dotlock']);
  });

  test('a failure in the 2nd method releases the 1st, skips the rest, and rethrows the same error', async () => {
    const log: string[] = [];
    const boom = new LockTimeoutError('fcntl', T.path);
    const methods = [fake('dotlock', log), fake('fcntl', log, { failAcquire: boom }), fake('flock', log)];
    await assert.rejects(acquireAll(methods, T, 'exclusive', Date.now()), (err) => err === boom);
    assert.deepEqual(log, ['acquire dotlock exclusive', 'fail fcntl', 'release dotlock']);
  });

  test('a failure in the 3rd releases the 2nd then the 1st; a failing clean-up does not hide the cause', async () => {
    const log: string[] = [];
    const cause = new LockError('symlink', 'flock', T.path);
    const methods = [
      fake('dotlock', log),
      fake('fcntl', log, { failRelease: new Error('EIO') }),
      fake('flock', log, { failAcquire: cause }),
    ];
    await assert.rejects(acquireAll(methods, T, 'shared', Date.now()), (err) => err === cause);
    assert.deepEqual(log, [
      'acquire dotlock shared',
      'acquire fcntl shared',
      'fail flock',
      'release fcntl',
      'release dotlock',
    ]);
  });

  test('release goes on past a failing method, rejects with the first failure, and may be retried', async () => {
    const log: string[] = [];
    const eio = new Error('EIO');
    const methods = [fake('dotlock', log), fake('fcntl', log, { failRelease: eio })];
    const release = await acquireAll(methods, T, 'exclusive', Date.now());
    await assert.rejects(release(), (err) => err === eio);
    assert.deepEqual(log.slice(2), ['release fcntl', 'release dotlock']);
    await assert.rejects(release(), (err) => err === eio);
    assert.deepEqual(log.slice(4), ['release fcntl'], 'the dotlock, released already, is not released again');
  });

  test('no methods: nothing to take, a no-op release', async () => {
    const release = await acquireAll([], T, 'exclusive', Date.now());
    await release();
  });
});

describe('parseLockOrder', () => {
  test('reads comma- or blank-separated names, case-insensitively, keeping their order', () => {
    assert.deepEqual(parseLockOrder('dotlock,fcntl,flock'), ['dotlock', 'fcntl', 'flock']);
    assert.deepEqual(parseLockOrder('dotlock fcntl'), ['dotlock', 'fcntl']);
    assert.deepEqual(parseLockOrder(' Flock , DOTLOCK '), ['flock', 'dotlock']);
    assert.deepEqual(parseLockOrder('fcntl'), ['fcntl']);
  });

  test('rejects unknown names, repeats and empty lists', () => {
    for (const bad of ['dotlock,lockf', 'fcntl,fcntl', '', ' , ', 'dotlock;fcntl']) {
      assert.throws(() => parseLockOrder(bad), LockOrderError, bad);
    }
  });

  test('the defaults: all three, dotlock first, for writers and for readers', () => {
    assert.deepEqual(DEFAULT_WRITE_ORDER, ['dotlock', 'fcntl', 'flock']);
    assert.deepEqual(DEFAULT_READ_ORDER, ['dotlock', 'fcntl', 'flock']);
  });
});

/** Prints busy or free: can another process take an exclusive fcntl lock on the file now? */
const PY_PROBE = `
import fcntl, sys
f = open(sys.argv[1], 'r+')
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print('free')
except OSError:
    print('busy')
`;

describe('the mailbox locking service on a real mailbox', () => {
  let dir = '';
  let cleanup = (): void => undefined;
  let target: LockTarget = { path: '', fd: -1 };
  const host = dotlockHostFromProcess(process, hostname());

  before(() => {
    ({ dir, cleanup } = tempDir());
    const path = join(dir, 'mbox');
    writeFileSync(path, '');
    target = { path, fd: openSync(path, 'r+') };
  });
  after(() => {
    closeSync(target.fd);
    cleanup();
  });

  const fcntlState = async (): Promise<string> => (await run(python3(), ['-c', PY_PROBE, target.path])).stdout;
  const flockState = async (): Promise<string> => {
    const r = await run('/usr/bin/flock', ['-n', '-E', '99', '-x', target.path, '/bin/true']);
    return r.code === 0 ? 'free' : r.code === 99 ? 'busy' : `flock(1) failed: ${r.stderr}`;
  };

  test('exclusive takes dotlock, fcntl and flock; release frees all three', async () => {
    const registry = new DotlockRegistry();
    const locking = createMailboxLocking({ registry, host, timeoutMs: 1000, dotlock: { touchIntervalMs: null } });
    const release = await locking.acquire(target, 'exclusive');
    assert.ok(existsSync(dotlockPath(target.path)));
    assert.equal(await fcntlState(), 'busy');
    assert.equal(await flockState(), 'busy');
    await release();
    assert.equal(existsSync(dotlockPath(target.path)), false);
    assert.equal(await fcntlState(), 'free');
    assert.equal(await flockState(), 'free');
    assert.deepEqual(registry.held(), []);
  });

  test('shared takes the dotlock too (a dotlockfile-only delivery waits), and a shared fcntl lock', async () => {
    const registry = new DotlockRegistry();
    const locking = createMailboxLocking({ registry, host, timeoutMs: 1000, dotlock: { touchIntervalMs: null } });
    const release = await locking.acquire(target, 'shared');
    assert.equal(existsSync(dotlockPath(target.path)), true);
    assert.equal(await fcntlState(), 'busy', 'a writer is kept out');
    await release();
    assert.equal(existsSync(dotlockPath(target.path)), false);
    assert.equal(await fcntlState(), 'free');
  });

  test('a reader that cannot make the dotlock reads under the kernel locks; a writer is refused', async () => {
    const lock = dotlockPath(target.path);
    symlinkSync(join(dir, 'elsewhere'), lock); // a dotlock the method refuses to touch
    try {
      const registry = new DotlockRegistry();
      const logger = new MemoryLogger();
      const locking = createMailboxLocking({ registry, host, timeoutMs: 300, logger, dotlock: { touchIntervalMs: null } });
      const release = await locking.acquire(target, 'shared');
      assert.equal(await fcntlState(), 'busy');
      await release();
      assert.match(logger.lines.map((l) => l.message).join('\n'), /without a dotlock/);
      await assert.rejects(locking.acquire(target, 'exclusive'), (err) => err instanceof LockError && !(err instanceof LockTimeoutError));
      assert.equal(existsSync(join(dir, 'elsewhere')), false, 'the symlink was not followed');
    } finally {
      unlinkSync(lock);
    }
  });

  test('flock held elsewhere: times out, and the dotlock and fcntl lock taken first are released', async () => {
    const holder = children.spawn('/usr/bin/flock', ['-x', target.path, '/bin/sh', '-c', 'echo locked; read x']);
    await holder.waitForLine(/^locked$/);
    const registry = new DotlockRegistry();
    const logger = new MemoryLogger();
    const dotlock = { touchIntervalMs: null };
    const locking = createMailboxLocking({ registry, host, timeoutMs: 200, logger, dotlock });
    await assert.rejects(
      locking.acquire(target, 'exclusive'),
      (err) => err instanceof LockTimeoutError && err.method === 'flock',
    );
    assert.equal(existsSync(dotlockPath(target.path)), false, 'dotlock released');
    assert.equal(await fcntlState(), 'free', 'fcntl lock released');
    assert.deepEqual(registry.held(), []);
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0]?.message ?? '', /timed out/);
    await holder.finish();
  });

  test('a configured order is honoured', async () => {
    const registry = new DotlockRegistry();
    const table = createLockMethods({ host, registry, touchIntervalMs: null });
    const methods = selectLockMethods(table, parseLockOrder('flock,dotlock'));
    assert.deepEqual(methods.map((m) => m.name), ['flock', 'dotlock']);
    const release = await acquireAll(methods, target, 'exclusive', Date.now() + 1000);
    assert.equal(await fcntlState(), 'free', 'no fcntl lock was asked for');
    assert.equal(await flockState(), 'busy');
    await release();
  });
});
