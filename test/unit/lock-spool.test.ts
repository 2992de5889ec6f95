/**
 * The privileged spool: a Debian-style spool directory (root:mail, mode 2775) and a server that has dropped to the
 * user's uid, so it cannot create `USER.lock` itself and must go through the setgid helper dotlockfile. The holder
 * runs as `nobody` (runuser), through the same code bin/ uses (test/fixtures/lock-hold.ts).
 *
 * Also pins down dotlockfile's rule for lending group mail: only for `MAILBOX.lock` where MAILBOX is a regular file
 * owned by the caller, in a directory group-owned by mail and group-writable (any name, any directory).
 *
 * Needs root: fails, never skips, when run as anyone else.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { dotlockPath } from '../../lib/lock/dotlock-file.js';
import { createDotlock } from '../../lib/lock/dotlock.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import { LockTimeoutError } from '../../lib/lock/lock-method.js';
import type { Child} from './lock-support.js';
import {
  Children,
  deadPid,
  groupId,
  HOLD_LOCK,
  requireProgram,
  requireRoot,
  tempDir,
  userIds,
} from './lock-support.js';

const children = new Children();
afterEach(() => children.killAll());

const DOTLOCKFILE = '/usr/bin/dotlockfile';
const RUNUSER = '/usr/sbin/runuser';

let dir = '';
let cleanup = (): void => undefined;
let nobody = { uid: -1, gid: -1 };
let mailGid = -1;

before(() => {
  requireRoot('the privileged spool tests');
  requireProgram(DOTLOCKFILE, 'liblockfile-bin');
  requireProgram(RUNUSER, 'util-linux');
  const helper = statSync(DOTLOCKFILE);
  mailGid = groupId('mail');
  assert.ok(helper.mode & 0o2000 && helper.gid === mailGid, `${DOTLOCKFILE} must be setgid mail`);
  nobody = userIds('nobody');
  ({ dir, cleanup } = tempDir());
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody must be able to reach the spool inside
});
after(() => cleanup());

/** A new spool directory, root:mail 2775 like Debian's /var/mail. */
function spool(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  chownSync(path, 0, mailGid);
  chmodSync(path, 0o2775);
  return path;
}

/** A mailbox file, mode 0600, owned by `uid`. */
function mailboxFile(path: string, uid: number, gid: number): string {
  writeFileSync(path, '');
  chownSync(path, uid, gid);
  chmodSync(path, 0o600);
  return path;
}

/** The hold-lock fixture, run as nobody. */
function asNobody(mailbox: string, ...args: string[]): Child {
  return children.spawn(RUNUSER, ['-u', 'nobody', '--', process.execPath, HOLD_LOCK, mailbox, ...args], { cwd: '/' });
}

/** A fake helper that logs its arguments and exits with `status`. Run with an empty environment, as ours are. */
function fakeHelper(name: string, status: number): { path: string; log: string } {
  const path = join(dir, name);
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> ${log}\nexit ${status}\n`);
  chmodSync(path, 0o755);
  return { path, log };
}

describe('privileged spool (root:mail 2775), holder running as nobody', () => {
  test('nobody cannot create its lock itself: the setgid dotlockfile makes it, and removes it on release', async () => {
    const sp = spool('s1');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const lock = dotlockPath(mbox);
    const holder = asNobody(mbox);
    const line = await holder.waitForLine(/^(locked|error) /);
    assert.match(line, /^locked helper \d+$/, holder.stderr);
    const pid = line.split(' ')[2];

    const st = statSync(lock);
    assert.equal(st.uid, nobody.uid, 'made with the caller’s uid');
    assert.equal(st.gid, mailGid, 'in the setgid spool');
    assert.equal(readFileSync(lock, 'latin1'), `${pid}\n`, 'dotlockfile -p wrote its parent’s PID: the holder’s');

    // The lock works against others (root here, taking the dotlock directly; the holder's PID is alive).
    const registry = new DotlockRegistry();
    const host = dotlockHostFromProcess(process, hostname());
    const method = createDotlock({ host, registry, touchIntervalMs: null });
    await assert.rejects(method.acquire({ path: mbox, fd: -1 }, 'exclusive', Date.now() + 200), LockTimeoutError);

    holder.send('release');
    await holder.waitForLine(/^released$/);
    assert.equal(existsSync(lock), false, 'removed through dotlockfile -u');
    assert.equal((await holder.finish()).code, 0);
  });

  test('SIGTERM: releaseAllSync removes the helper-made lock through dotlockfile -u', async () => {
    const sp = spool('s2');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const lock = dotlockPath(mbox);
    const holder = asNobody(mbox);
    const line = await holder.waitForLine(/^(locked|error) /);
    assert.match(line, /^locked helper \d+$/, holder.stderr);
    assert.ok(existsSync(lock));
    process.kill(Number(line.split(' ')[2]), 'SIGTERM');
    await holder.exited;
    assert.equal(existsSync(lock), false, `${lock} left behind`);
  });

  test('through the helper, a held lock makes us time out, and a dead holder’s lock is taken over', async () => {
    const sp = spool('s3');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const lock = dotlockPath(mbox);
    writeFileSync(lock, `${process.pid}\n`);
    const busy = asNobody(mbox, 'timeout=300');
    assert.match(await busy.waitForLine(/^(locked|error) /), /^error LockTimeoutError /);
    await busy.exited;
    assert.equal(readFileSync(lock, 'latin1'), `${process.pid}\n`, 'the held lock is untouched');

    writeFileSync(lock, `${await deadPid()}\n`);
    const taker = asNobody(mbox, 'timeout=5000');
    const line = await taker.waitForLine(/^(locked|error) /);
    assert.match(line, /^locked helper \d+$/);
    assert.equal(readFileSync(lock, 'latin1'), `${line.split(' ')[2]}\n`);
    await taker.finish();
    assert.equal(existsSync(lock), false);
  });

  test('through the helper, locks of holders killed with SIGKILL are taken over at once; another host’s waits', async () => {
    const sp = spool('s8');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const lock = dotlockPath(mbox);
    const takeOver = async (why: string): Promise<void> => {
      const t0 = Date.now();
      const taker = asNobody(mbox, 'timeout=10000');
      const line = await taker.waitForLine(/^(locked|error) /);
      assert.match(line, /^locked helper \d+$/, why);
      assert.ok(Date.now() - t0 < 3000, `${why}: took ${Date.now() - t0} ms`);
      assert.equal(readFileSync(lock, 'latin1'), `${line.split(' ')[2]}\n`, why);
      await taker.finish();
      assert.equal(existsSync(lock), false, why);
    };

    // nobody's own earlier session, its lock made through the helper.
    const session = asNobody(mbox);
    const pid = Number((await session.waitForLine(/^locked helper \d+$/)).split(' ')[2]);
    process.kill(pid, 'SIGKILL');
    await session.exited;
    assert.equal(readFileSync(lock, 'latin1'), `${pid}\n`, 'left behind');
    await takeOver('the lock of nobody’s killed session');

    // A delivery running as root (root may create the lock itself), killed.
    const delivery = children.spawn(process.execPath, [HOLD_LOCK, mbox]);
    await delivery.waitForLine(/^locked direct \d+$/);
    delivery.proc.kill('SIGKILL');
    await delivery.exited;
    assert.equal(statSync(lock).uid, 0);
    await takeOver('the lock of root’s killed delivery');

    // Dovecot's form names the host: another host's PID says nothing about our processes, even a dead one here.
    writeFileSync(lock, `${await deadPid()}:other-host.example`);
    const busy = asNobody(mbox, 'timeout=300');
    assert.match(await busy.waitForLine(/^(locked|error) /), /^error LockTimeoutError /);
    await busy.exited;
    assert.match(readFileSync(lock, 'latin1'), /:other-host\.example$/, 'left alone');
    unlinkSync(lock);
  });

  test('dotlockfile lends group mail only for the caller’s own file in a group-mail, g+w directory', async () => {
    // The rule of liblockfile 1.16+ (is_maillock): see lib/lock/dotlock.ts. Each refusal is L_TMPLOCK -> LockError.
    const refused = async (mailbox: string, why: string): Promise<void> => {
      const h = asNobody(mailbox, 'timeout=2000');
      assert.match(await h.waitForLine(/^(locked|error) /), /^error LockError .*L_TMPLOCK/, why);
      await h.exited;
      assert.equal(existsSync(dotlockPath(mailbox)), false, why);
    };
    const granted = async (mailbox: string, why: string): Promise<void> => {
      const h = asNobody(mailbox, 'timeout=2000');
      assert.match(await h.waitForLine(/^(locked|error) /), /^locked helper /, why);
      assert.ok(existsSync(dotlockPath(mailbox)), why);
      await h.finish();
      assert.equal(existsSync(dotlockPath(mailbox)), false, why);
    };

    const sp = spool('s4');
    await granted(mailboxFile(join(sp, 'other'), nobody.uid, nobody.gid), 'any name (1.16+), if nobody owns it');
    await refused(mailboxFile(join(sp, 'nobody'), 0, 0), 'owned by root');
    await refused(join(sp, 'absent'), 'the mailbox does not exist');
    const real = mailboxFile(join(sp, 'real'), nobody.uid, nobody.gid);
    symlinkSync(real, join(sp, 'link'));
    await refused(join(sp, 'link'), 'the mailbox is a symlink (to nobody’s own file)');

    // A directory that is not group mail (root:root 0775): refused even for nobody's own mailbox.
    const plain = join(dir, 's4-plain');
    mkdirSync(plain);
    chmodSync(plain, 0o775);
    await refused(mailboxFile(join(plain, 'nobody'), nobody.uid, nobody.gid), 'directory not group mail');

    // Not /var/mail, and not named after the user: the spool in the first test was a temporary directory.
  });

  test('with helper=none a permission failure is a LockError at once', async () => {
    const sp = spool('s6');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const t0 = Date.now();
    const h = asNobody(mbox, 'helper=none', 'timeout=5000');
    assert.match(await h.waitForLine(/^(locked|error) /), /^error LockError permission denied/);
    await h.exited;
    assert.ok(Date.now() - t0 < 4000, 'did not wait for the deadline');
  });

  test('the helper is polled with -l -r 0 -p -q LOCK; its statuses map to timeout and LockError', async () => {
    const sp = spool('s7');
    const mbox = mailboxFile(join(sp, 'nobody'), nobody.uid, nobody.gid);
    const lock = dotlockPath(mbox);

    const busy = fakeHelper('fake-busy', 4);
    const h1 = asNobody(mbox, `helper=${busy.path}`, 'timeout=300');
    assert.match(await h1.waitForLine(/^(locked|error) /), /^error LockTimeoutError /);
    await h1.exited;
    const calls = readFileSync(busy.log, 'utf8').trim().split('\n');
    assert.ok(calls.length >= 2, `polled, not called once: ${calls.length}`);
    for (const c of calls) assert.equal(c, `-l -r 0 -p -q ${lock}`);

    const failing = fakeHelper('fake-error', 5);
    const h2 = asNobody(mbox, `helper=${failing.path}`, 'timeout=5000');
    assert.match(await h2.waitForLine(/^(locked|error) /), /^error LockError .*L_ERROR/);
    await h2.exited;

    const liar = fakeHelper('fake-liar', 0);
    const h3 = asNobody(mbox, `helper=${liar.path}`, 'timeout=5000');
    assert.match(await h3.waitForLine(/^(locked|error) /), /^error LockError .*absent/);
    await h3.exited;

    const h4 = asNobody(mbox, `helper=${join(dir, 'no-such-helper')}`, 'timeout=5000');
    assert.match(await h4.waitForLine(/^(locked|error) /), /^error LockError cannot run .*ENOENT/);
    await h4.exited;
    if (existsSync(lock)) unlinkSync(lock);
  });
});
