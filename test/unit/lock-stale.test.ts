/**
 * The litter of lock holders killed by SIGKILL (which no handler catches), and who cleans it up: the next locker on
 * this host. The holders are real processes, killed at an exact system call (strace) or while they hold a lock.
 * - Our link() form's temporary files `MAILBOX.lock.<host>.<pid>.<hex>`, left when the holder dies between making
 *   one and removing it: the next locker removes those of this host, of dead PIDs, owned by its own uid, holding
 *   nothing but that PID; nothing else, however alike its name.
 * - Stale dotlocks in each program's format: ours and dotlockfile's (`PID\n`), Dovecot's (`PID:host`), procmail's
 *   (`0`), UW c-client's (empty). A dead PID of this host is taken over at once; no PID, or another host's PID,
 *   waits for the 5-minute age.
 * The same through the setgid helper is in lock-spool.test.ts, and in the servers in test/interop/spool.test.ts.
 *
 * Needs root (holders run as nobody, files are given to nobody): fails, never skips, when run as anyone else.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { dotlockPath } from '../../lib/lock/dotlock-file.js';
import { createDotlock, type DotlockOptions } from '../../lib/lock/dotlock.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import { LockTimeoutError, type ReleaseLock } from '../../lib/lock/lock-method.js';
import {
  Children,
  HOLD_LOCK,
  holderKilledAt,
  requireProgram,
  requireRoot,
  STRACE,
  tempDir,
  userIds,
} from './lock-support.js';

const children = new Children();
afterEach(() => children.killAll());

const DOTLOCKFILE = '/usr/bin/dotlockfile';
const LOCKFILE = '/usr/bin/lockfile';
const MAILUTIL = '/usr/bin/mailutil';
const RUNUSER = '/usr/sbin/runuser';
const AS_NOBODY = [RUNUSER, '-u', 'nobody', '--'];
const host = dotlockHostFromProcess(process, hostname());
/** The host part of our temporary files' names, as dotlock.ts makes the host name safe for a file name. */
const HOST_PART = hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'localhost';
const FIVE_MINUTES = 5 * 60_000;

let dir = '';
/** A directory of nobody's, for holders that run as nobody. */
let home = '';
let cleanup = (): void => undefined;
let nobody = { uid: -1, gid: -1 };
let seq = 0;

before(() => {
  requireRoot('the stale lock litter tests');
  for (const [p, pkg] of [[STRACE, 'strace'], [DOTLOCKFILE, 'liblockfile-bin'], [LOCKFILE, 'procmail'],
    [MAILUTIL, 'uw-mailutils'], [RUNUSER, 'util-linux']] as const) requireProgram(p, pkg);
  nobody = userIds('nobody');
  ({ dir, cleanup } = tempDir());
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody must reach its home inside
  home = join(dir, 'home');
  mkdirSync(home);
  chownSync(home, nobody.uid, nobody.gid);
});
after(() => cleanup());

/** A new (empty) mailbox file, by default in the test's directory, so no test sees another's lock. */
function mailbox(inDir = dir, owner?: { uid: number; gid: number }): string {
  const path = join(inDir, `mbox${++seq}`);
  writeFileSync(path, '');
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}

/** The names in the mailbox's directory that belong to it (`mboxN.*`), sorted; the mailbox itself excluded. */
function litter(mbox: string): string[] {
  const base = basename(mbox);
  return readdirSync(join(mbox, '..')).filter((n) => n.startsWith(`${base}.`)).sort();
}

function options(extra: Partial<DotlockOptions> = {}): DotlockOptions {
  return { host, registry: new DotlockRegistry(), touchIntervalMs: null, ...extra };
}

/** Takes the lock directly (we are root) and checks no waiting was needed: no 5-minute age, no deadline. */
async function acquireAtOnce(mbox: string, extra: Partial<DotlockOptions> = {}): Promise<ReleaseLock> {
  const t0 = Date.now();
  const release = await createDotlock(options(extra)).acquire({ path: mbox, fd: -1 }, 'exclusive', t0 + 10_000);
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  assert.equal(readFileSync(dotlockPath(mbox), 'latin1'), `${process.pid}\n`, 'the lock is ours now');
  return release;
}

/** Checks the lock is respected: we time out, and its file stays as it was. */
async function assertRespected(mbox: string, extra: Partial<DotlockOptions> = {}): Promise<void> {
  const lock = dotlockPath(mbox);
  const before = readFileSync(lock);
  const method = createDotlock(options(extra));
  await assert.rejects(method.acquire({ path: mbox, fd: -1 }, 'exclusive', Date.now() + 300), LockTimeoutError);
  assert.deepEqual(readFileSync(lock), before, 'left alone');
}

/** Sets a file's mtime `ms` into the past. */
function age(path: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  utimesSync(path, t, t);
}

/** A process killed with SIGKILL and reaped: its PID is dead. */
async function killedPid(): Promise<number> {
  const sleeper = children.spawn('/bin/sleep', ['60']);
  const pid = sleeper.proc.pid;
  assert.ok(pid !== undefined);
  sleeper.proc.kill('SIGKILL');
  await sleeper.exited;
  return pid;
}

/** Matches one of our temporary files' names for `mbox`, capturing the PID. */
function temporaryName(mbox: string): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(basename(mbox))}\\.lock\\.${esc(HOST_PART)}\\.([1-9]\\d*)\\.[0-9a-f]{12}$`);
}

describe('temporary files of link() left by a holder killed with SIGKILL', () => {
  test('killed between making its temporary file and link(): the next locker removes the temporary', async () => {
    const mbox = mailbox();
    await holderKilledAt('link', mbox);
    const left = litter(mbox);
    assert.equal(left.length, 1, `one temporary file, no lock: ${left.join(' ')}`);
    const pid = Number(temporaryName(mbox).exec(left[0] ?? '')?.[1]);
    assert.equal(host.isAlive(pid), false, 'its PID is dead');
    assert.equal(readFileSync(join(dir, left[0] ?? ''), 'latin1'), `${pid}\n`);

    const release = await acquireAtOnce(mbox);
    assert.deepEqual(litter(mbox), [`${basename(mbox)}.lock`], 'the temporary file is gone');
    await release();
    assert.deepEqual(litter(mbox), []);
  });

  test('killed after link(), before removing its temporary: the lock is taken over at once, both names go', async () => {
    const mbox = mailbox();
    await holderKilledAt('unlink', mbox);
    const left = litter(mbox);
    assert.equal(left.length, 2, `the lock and a temporary file: ${left.join(' ')}`);
    assert.equal(lstatSync(dotlockPath(mbox)).nlink, 2, 'two names of one file');
    assert.match(left[1] ?? '', temporaryName(mbox));

    const release = await acquireAtOnce(mbox);
    assert.deepEqual(litter(mbox), [`${basename(mbox)}.lock`]);
    await release();
    assert.deepEqual(litter(mbox), []);
  });

  test('a temporary file of nobody’s is left for nobody: root’s locker leaves it, nobody’s next one removes it', async () => {
    const mbox = mailbox(home, nobody);
    await holderKilledAt('link', mbox, AS_NOBODY);
    const [tmp] = litter(mbox);
    assert.match(tmp ?? '', temporaryName(mbox));
    assert.equal(lstatSync(join(home, tmp ?? '')).uid, nobody.uid);

    await (await acquireAtOnce(mbox))();
    assert.deepEqual(litter(mbox), [tmp], 'not the remover’s own file: left alone');

    const holder = children.spawn(RUNUSER, [...AS_NOBODY.slice(1), process.execPath, HOLD_LOCK, mbox]);
    await holder.waitForLine(/^locked direct \d+$/);
    assert.deepEqual(litter(mbox), [`${basename(mbox)}.lock`], 'nobody’s locker removed it');
    await holder.finish();
    assert.deepEqual(litter(mbox), []);
  });

  test('only dead temporaries of this host are removed: nothing else, however alike its name', async () => {
    const mbox = mailbox();
    const base = basename(mbox);
    const dead = await killedPid();
    const sleeper = children.spawn('/bin/sleep', ['60']);
    const live = sleeper.proc.pid ?? 1;
    const ours = (pid: number | string, hex: string): string => `${base}.lock.${HOST_PART}.${pid}.${hex}`;
    const other = join(dir, `victim${seq}`);
    writeFileSync(other, `${dead}\n`);

    const kept: [name: string, make: (path: string) => void][] = [
      [ours(live, '00000000000a'), (p) => writeFileSync(p, `${live}\n`)], // a live PID
      [`${base}.lock.other-host.${dead}.00000000000b`, (p) => writeFileSync(p, `${dead}\n`)], // another host's
      [ours(dead, '00000000000c'), (p) => symlinkSync(other, p)], // a symlink (to a file that looks right)
      [ours(dead, '00000000000d'), (p) => mkdirSync(p)], // a directory
      [ours(dead, '00000000000e'), (p) => writeFileSync(p, 'From a@b Sat Jan  1 00:00:00 2000\n\nmail\n')], // a folder
      [ours(dead, '00000000000f'), (p) => writeFileSync(p, `${live}\n`)], // names another PID
      [ours(dead, '0000000000010'), (p) => writeFileSync(p, `${dead}\n`)], // 13 hex digits
      [ours(dead, '0000000000A1'), (p) => writeFileSync(p, `${dead}\n`)], // upper case
      [ours(`0${dead}`, '0000000000a2'), (p) => writeFileSync(p, `${dead}\n`)], // a leading zero
      [`${ours(dead, '0000000000a3')}.x`, (p) => writeFileSync(p, `${dead}\n`)], // one part more
      [`${base}.lock.${dead}.0000000000a4`, (p) => writeFileSync(p, `${dead}\n`)], // no host part
      [`${base}.lck.${HOST_PART}.${dead}.0000000000a5`, (p) => writeFileSync(p, `${dead}\n`)], // not `.lock.`
      [`${base}.lock.${Math.floor(Date.now() / 1000)}.${dead}.${HOST_PART}`, (p) => writeFileSync(p, '')], // UW's
      [ours(dead, '0000000000a6'), (p) => { // owned by another user
        writeFileSync(p, `${dead}\n`);
        chownSync(p, nobody.uid, nobody.gid);
      }],
    ];
    const removed: [name: string, content: string][] = [
      [ours(dead, '0000000000b1'), `${dead}\n`],
      [ours(dead, '0000000000b2'), ''], // killed before its write
      [`other${seq}.lock.${HOST_PART}.${dead}.0000000000b3`, `${dead}\n`], // another mailbox's, same directory
    ];
    for (const [name, make] of kept) make(join(dir, name));
    for (const [name, content] of removed) writeFileSync(join(dir, name), content);

    await (await acquireAtOnce(mbox))();
    const names = new Set(readdirSync(dir));
    for (const [name] of kept) assert.ok(names.has(name), `${name} was removed`);
    for (const [name] of removed) assert.ok(!names.has(name), `${name} was left`);
    assert.equal(readFileSync(other, 'latin1'), `${dead}\n`);
  });

  test('with checkPid off (a spool shared over NFS) temporaries are left alone', async () => {
    const mbox = mailbox();
    await holderKilledAt('link', mbox);
    const [tmp] = litter(mbox);
    await (await acquireAtOnce(mbox, { checkPid: false }))();
    assert.deepEqual(litter(mbox), [tmp]);
  });
});

describe('stale dotlocks of killed holders, in each program’s format', () => {
  test('dotlockfile -p (its caller’s PID), the caller killed mid-delivery: taken over at once', async () => {
    const mbox = mailbox();
    const lock = dotlockPath(mbox);
    // A delivery as MTAs script it: dotlockfile -l -p; append; dotlockfile -u. Killed while appending.
    const sh = children.spawn('/bin/sh', ['-c', `${DOTLOCKFILE} -l -r 0 -p "$1" && echo locked && exec sleep 60`,
      'sh', lock]);
    await sh.waitForLine(/^locked$/);
    assert.equal(readFileSync(lock, 'latin1'), `${sh.proc.pid}\n`, 'dotlockfile wrote its caller’s PID');
    sh.proc.kill('SIGKILL');
    await sh.exited;
    await (await acquireAtOnce(mbox))();
  });

  test('Dovecot’s PID:host: this host’s dead PID is taken over at once, another host’s PID waits for the age', async () => {
    const mbox = mailbox();
    const lock = dotlockPath(mbox);
    const dead = await killedPid();
    writeFileSync(lock, `${dead}:${hostname()}`);
    await (await acquireAtOnce(mbox))();

    writeFileSync(lock, `${dead}:other-host.example`);
    await assertRespected(mbox);
    age(lock, FIVE_MINUTES + 10_000);
    await (await acquireAtOnce(mbox))();

    const sleeper = children.spawn('/bin/sleep', ['60']);
    writeFileSync(lock, `${sleeper.proc.pid}:${hostname()}`);
    await assertRespected(mbox);
  });

  test('procmail’s lockfile writes "0", no PID: its killed holder’s lock waits for the 5-minute age', async () => {
    const mbox = mailbox();
    const lock = dotlockPath(mbox);
    const sh = children.spawn('/bin/sh', ['-c', `${LOCKFILE} -r0 "$1" && echo locked && exec sleep 60`, 'sh', lock]);
    await sh.waitForLine(/^locked$/);
    sh.proc.kill('SIGKILL');
    await sh.exited;
    assert.equal(readFileSync(lock, 'latin1'), '0');
    await assertRespected(mbox);
    age(lock, FIVE_MINUTES + 10_000);
    await (await acquireAtOnce(mbox))();
  });

  test('UW c-client writes nothing: a killed mailutil’s lock waits for the 5-minute age', async () => {
    const mbox = mailbox(home, nobody);
    writeFileSync(mbox, 'From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nhi\n');
    const lock = dotlockPath(mbox);
    // c-client unlinks its hitching post (after link()), then, done, its lock: killed at the second unlink().
    const mailutil = children.spawn(RUNUSER, [...AS_NOBODY.slice(1), '/usr/bin/env', '-i', `HOME=${home}`,
      'PATH=/usr/bin:/bin', STRACE, '-f', '-qq', '-o', '/dev/null', '-e', 'trace=/^(unlink|unlinkat)$',
      '-e', 'inject=/^(unlink|unlinkat)$:signal=KILL:when=2', MAILUTIL, 'check', `./${basename(mbox)}`], { cwd: '/' });
    mailutil.proc.stdin?.end();
    await mailutil.exited;
    assert.deepEqual(litter(mbox), [basename(lock)], 'c-client’s lock, left by its killed holder');
    assert.equal(readFileSync(lock, 'latin1'), '', 'empty: c-client writes no PID');
    await assertRespected(mbox);
    age(lock, FIVE_MINUTES + 10_000);
    await (await acquireAtOnce(mbox))();
  });

  test('ours (PID and newline): respected while its holder lives, taken over at once when it is killed', async () => {
    for (const form of ['link', 'excl']) {
      const mbox = mailbox();
      const lock = dotlockPath(mbox);
      const holder = children.spawn(process.execPath, [HOLD_LOCK, mbox, `form=${form}`]);
      const pid = (await holder.waitForLine(/^locked direct \d+$/)).split(' ')[2];
      await assertRespected(mbox);
      holder.proc.kill('SIGKILL');
      await holder.exited;
      assert.equal(readFileSync(lock, 'latin1'), `${pid}\n`);
      await (await acquireAtOnce(mbox))();
    }
  });
});

