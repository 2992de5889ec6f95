/**
 * fcntl and flock lock methods against other programs holding the same kind of lock: Python's fcntl.lockf (which
 * is fcntl F_SETLK/F_SETLKW on Linux) and util-linux's flock(1) (flock(2)). Also shows that on Linux the two kinds
 * do not see each other, which is why a writer takes both.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fcntlLock } from '../../lib/lock/fcntl.js';
import { flockLock } from '../../lib/lock/flock.js';
import { LockTimeoutError, type LockMethod, type LockTarget } from '../../lib/lock/lock-method.js';
import type { Child} from './lock-support.js';
import { Children, python3, requireProgram, run, tempDir } from './lock-support.js';

const children = new Children();
afterEach(() => children.killAll());

/** Holds an fcntl lock (argv: path, ex|sh) until a line (or EOF) arrives on stdin. */
const PY_HOLD = `
import fcntl, sys
path, mode = sys.argv[1], sys.argv[2]
f = open(path, 'r+' if mode == 'ex' else 'r')
fcntl.lockf(f, fcntl.LOCK_EX if mode == 'ex' else fcntl.LOCK_SH)
print('locked', flush=True)
sys.stdin.readline()
`;

/** Prints busy or free: can this other process take an fcntl lock (argv: path, ex|sh) right now? */
const PY_PROBE = `
import fcntl, sys
path, mode = sys.argv[1], sys.argv[2]
f = open(path, 'r+' if mode == 'ex' else 'r')
try:
    fcntl.lockf(f, (fcntl.LOCK_EX if mode == 'ex' else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    print('free')
except OSError:
    print('busy')
`;

const FLOCK = '/usr/bin/flock';

/** flock(1) holding LOCK_EX (or LOCK_SH with '-s') until a line arrives on stdin. */
function flockHolder(path: string, shared = false): Child {
  return children.spawn(FLOCK, [...(shared ? ['-s'] : ['-x']), path, '/bin/sh', '-c', 'echo locked; read x']);
}

/** Can another process take a flock right now? */
async function flockProbe(path: string, shared = false): Promise<'free' | 'busy'> {
  const r = await run(FLOCK, ['-n', '-E', '99', shared ? '-s' : '-x', path, '/bin/true']);
  if (r.code === 0) return 'free';
  if (r.code === 99) return 'busy';
  throw new Error(`flock(1) failed: ${r.code} ${r.stderr}`);
}

async function fcntlProbe(path: string, shared = false): Promise<string> {
  return (await run(python3(), ['-c', PY_PROBE, path, shared ? 'sh' : 'ex'])).stdout;
}

function fcntlHolder(path: string, shared = false): Child {
  return children.spawn(python3(), ['-c', PY_HOLD, path, shared ? 'sh' : 'ex']);
}

let dir = '';
let cleanup = (): void => undefined;
let fd = -1;
let target: LockTarget = { path: '', fd: -1 };

before(() => {
  requireProgram(FLOCK, 'util-linux');
  python3();
  ({ dir, cleanup } = tempDir());
  const path = join(dir, 'mbox');
  writeFileSync(path, 'From a@b Thu Jan  1 00:00:00 1970\n\nx\n');
  fd = openSync(path, 'r+');
  target = { path, fd };
});

after(() => {
  closeSync(fd);
  cleanup();
});

type Holder = (path: string, shared?: boolean) => Child;
type Probe = (path: string, shared?: boolean) => Promise<string>;

/** The same contention tests for a method and a foreign holder/probe of the same kind. */
function contention(method: LockMethod, holder: Holder, probe: Probe): void {
  test('held exclusively by another process: times out at the deadline, then succeeds once released', async () => {
    const other = holder(target.path);
    await other.waitForLine(/^locked$/);
    const t0 = Date.now();
    await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 300), LockTimeoutError);
    assert.ok(Date.now() - t0 >= 290, 'waited until the deadline');
    await assert.rejects(method.acquire(target, 'shared', Date.now() + 50), LockTimeoutError);
    await other.finish();

    const release = await method.acquire(target, 'exclusive', Date.now() + 5000);
    assert.equal(await probe(target.path), 'busy', 'the other program sees our lock');
    assert.equal(await probe(target.path, true), 'busy');
    await release();
    assert.equal(await probe(target.path), 'free', 'released');
    await release(); // idempotent
  });

  test('a wait in progress takes the lock as soon as the holder lets go', async () => {
    const other = holder(target.path);
    await other.waitForLine(/^locked$/);
    const pending = method.acquire(target, 'exclusive', Date.now() + 10_000);
    other.send('go');
    await other.exited;
    const release = await pending;
    await release();
  });

  test('shared locks coexist; a shared holder keeps exclusive out', async () => {
    const other = holder(target.path, true);
    await other.waitForLine(/^locked$/);
    const release = await method.acquire(target, 'shared', Date.now());
    assert.equal(await probe(target.path, true), 'free', 'another reader may still come in');
    assert.equal(await probe(target.path), 'busy', 'no writer may');
    await release();
    await assert.rejects(method.acquire(target, 'exclusive', Date.now() + 50), LockTimeoutError);
    await other.finish();
  });

  test('a free lock is taken even with a deadline already past', async () => {
    const release = await method.acquire(target, 'exclusive', Date.now() - 1000);
    await release();
  });

  test('release after the fd was closed does not throw', async () => {
    const own = openSync(target.path, 'r+');
    const release = await method.acquire({ path: target.path, fd: own }, 'exclusive', Date.now());
    closeSync(own);
    await release();
  });
}

describe('fcntl lock (against python fcntl.lockf)', () => {
  contention(fcntlLock, fcntlHolder, fcntlProbe);
});

describe('flock lock (against util-linux flock(1))', () => {
  contention(flockLock, flockHolder, flockProbe);
});

describe('flock and fcntl do not see each other on Linux (why a writer takes both)', () => {
  test('an exclusive flock(1) holder does not stop our fcntl lock, only our flock', async () => {
    const other = flockHolder(target.path);
    await other.waitForLine(/^locked$/);
    const release = await fcntlLock.acquire(target, 'exclusive', Date.now());
    await assert.rejects(flockLock.acquire(target, 'exclusive', Date.now() + 50), LockTimeoutError);
    await release();
    await other.finish();
  });

  test('an exclusive fcntl holder does not stop our flock, only our fcntl lock', async () => {
    const other = fcntlHolder(target.path);
    await other.waitForLine(/^locked$/);
    const release = await flockLock.acquire(target, 'exclusive', Date.now());
    await assert.rejects(fcntlLock.acquire(target, 'exclusive', Date.now() + 50), LockTimeoutError);
    await release();
    await other.finish();
  });
});
