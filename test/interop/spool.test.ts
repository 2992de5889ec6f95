/**
 * A Debian mail spool as it is: the directory `root:mail 2775`, the mailbox `USER:mail 0660`, and our tools run as
 * the user (as a server runs after dropping privileges). The user cannot create `USER.lock` in the spool, so the
 * dotlock goes through the setgid `dotlockfile`; rewrites journal into /var/tmp. Nothing may be left behind, and the
 * mailbox keeps its owner, group, mode and inode.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { HOLD_LOCK, holderKilledAt } from '../unit/lock-support.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const mailtool = join(root, 'bin', 'mailtool');
const imapd = join(root, 'bin', 'imapd');

if (process.getuid?.() !== 0) throw new Error('the spool test must run as root (it plays the MTA and drops to a user)');
const NOBODY = 65534;
const MAIL_GID = Number((await run('getent', ['group', 'mail'])).stdout.split(':')[2]);

const spool = mkdtempSync('/var/tmp/uwimap-spool-');
after(() => rmSync(spool, { recursive: true, force: true }));
chownSync(spool, 0, MAIL_GID);
chmodSync(spool, 0o2775);

const asNobody = (args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run('/usr/sbin/runuser', ['-u', 'nobody', '--', ...args],
    { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }, timeout: 60_000 });

describe('a root:mail 2775 spool, tools run as the user', () => {
  it('delivers, then gives UIDs (a rewrite), with the lock through dotlockfile and nothing left behind', async () => {
    const box = join(spool, 'nobody');
    writeFileSync(box, '');
    chownSync(box, NOBODY, MAIL_GID);
    chmodSync(box, 0o660);
    const ino = statSync(box).ino;
    const msgFile = join(spool, 'msg.txt');
    writeFileSync(msgFile, 'From: a@example.org\nSubject: spool test\n\nFrom the spool.\n');
    chmodSync(msgFile, 0o644);
    await asNobody([mailtool, '-c', '/dev/null', 'append', box, msgFile]);
    await asNobody([mailtool, '-c', '/dev/null', 'append', box, msgFile]);
    // --uid opens the mailbox read-write: both deliveries get metadata blocks, which moves data (a journal).
    const r = await asNobody([mailtool, '-c', '/dev/null', 'append', '--uid', box, msgFile]);
    assert.match(r.stdout, /UIDs 3\n$/);
    const st = statSync(box);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.ino], [NOBODY, MAIL_GID, 0o660, ino]);
    assert.deepEqual(readdirSync(spool).sort(), ['msg.txt', 'nobody'], 'no lock file left in the spool');
    assert.equal(readdirSync('/var/tmp').filter((f) => f.startsWith(`uwimap-ts.${st.dev}.${st.ino}.`)).length, 0,
      'no journal left');
    const opened = await new MboxDriver().open(box, { readOnly: true });
    assert.deepEqual([1, 2, 3].map((s) => opened.meta(s).uid), [1, 2, 3]);
    await opened.close();
    const { stdout } = await asNobody([mailtool, '-c', '/dev/null', 'check', '--json', box]);
    assert.deepEqual(JSON.parse(stdout).messages.map((m: { uid: number }) => m.uid), [1, 2, 3]);
    assert.equal(existsSync(`${box}.lock`), false);
  });

  /** An IMAP session of nobody's (PREAUTH) on `box` as INBOX: SELECT, LOGOUT. Its output and how long it took. */
  const selectAndLogout = (box: string, home: string): Promise<{ out: string; ms: number }> => new Promise((resolve, reject) => {
    const t0 = Date.now();
    const p = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', imapd],
      { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, MAIL: box, HOME: home }, cwd: '/', timeout: 60_000 });
    let out = '';
    p.stdout.setEncoding('latin1').on('data', (d: string) => (out += d));
    p.on('error', reject);
    p.on('close', () => resolve({ out, ms: Date.now() - t0 }));
    p.stdin.end('a SELECT INBOX\r\nb LOGOUT\r\n');
  });

  /** The hold-lock fixture as nobody, killed with SIGKILL while it holds the lock on `box`. */
  const killedWhileHolding = async (box: string): Promise<number> => {
    const p = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, HOLD_LOCK, box], { cwd: '/' });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      p.on('error', reject);
      p.on('close', () => reject(new Error(`the holder exited: ${out}`)));
    });
    const m = /^locked (?:direct|helper) (\d+)$/.exec(line);
    assert.ok(m, line);
    const pid = Number(m[1]);
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => p.once('close', resolve));
    return pid;
  };

  it('a killed session’s dotlock (made through dotlockfile) is taken over at once by the next imapd session', async () => {
    const box = join(spool, 'killed');
    writeFileSync(box, '');
    chownSync(box, NOBODY, MAIL_GID);
    chmodSync(box, 0o660);
    const pid = await killedWhileHolding(box);
    assert.equal(readFileSync(`${box}.lock`, 'latin1'), `${pid}\n`, 'left behind by the killed holder');
    const r = await selectAndLogout(box, '/nonexistent');
    assert.match(r.out, /\r\na OK \[READ-WRITE\] SELECT completed\r\n/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    assert.equal(existsSync(`${box}.lock`), false);
  });

  it('in a directory of the user’s own, the next imapd session takes over the lock and removes the temporary files', async () => {
    const home = join(spool, 'home');
    mkdirSync(home);
    chownSync(home, NOBODY, MAIL_GID);
    const box = join(home, 'mbox');
    writeFileSync(box, '');
    chownSync(box, NOBODY, MAIL_GID);
    const asNobody = ['/usr/sbin/runuser', '-u', 'nobody', '--'];
    await holderKilledAt('link', box, asNobody); // a temporary file, no lock
    await holderKilledAt('unlink', box, asNobody); // the lock, and a temporary file linked to it
    const before = readdirSync(home).sort();
    assert.equal(before.length, 4, before.join(' '));
    assert.equal(lstatSync(`${box}.lock`).nlink, 2);
    const r = await selectAndLogout(box, home);
    assert.match(r.out, /\r\na OK \[READ-WRITE\] SELECT completed\r\n/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    assert.deepEqual(readdirSync(home), ['mbox'], 'no lock and no temporary file left');
  });
});
