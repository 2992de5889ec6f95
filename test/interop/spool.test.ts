/**
 * A Debian mail spool as it is: the directory `root:mail 2775`, the mailbox `USER:mail 0660`, and our tools run as
 * the user (as a server runs after dropping privileges). The user cannot create `USER.lock` in the spool, so the
 * dotlock goes through the setgid `dotlockfile`; rewrites journal into /var/tmp. Nothing may be left behind, and the
 * mailbox keeps its owner, group, mode and inode.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const mailtool = join(root, 'bin', 'mailtool');

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
    await asNobody([mailtool, 'append', box, msgFile]);
    await asNobody([mailtool, 'append', box, msgFile]);
    // --uid opens the mailbox read-write: both deliveries get metadata blocks, which moves data (a journal).
    const r = await asNobody([mailtool, 'append', '--uid', box, msgFile]);
    assert.match(r.stdout, /UIDs 3\n$/);
    const st = statSync(box);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.ino], [NOBODY, MAIL_GID, 0o660, ino]);
    assert.deepEqual(readdirSync(spool).sort(), ['msg.txt', 'nobody'], 'no lock file left in the spool');
    assert.equal(readdirSync('/var/tmp').filter((f) => f.startsWith(`uwimap-ts.${st.dev}.${st.ino}.`)).length, 0,
      'no journal left');
    const opened = await new MboxDriver().open(box, { readOnly: true });
    assert.deepEqual([1, 2, 3].map((s) => opened.meta(s).uid), [1, 2, 3]);
    await opened.close();
    const { stdout } = await asNobody([mailtool, 'check', '--json', box]);
    assert.deepEqual(JSON.parse(stdout).messages.map((m: { uid: number }) => m.uid), [1, 2, 3]);
    assert.equal(existsSync(`${box}.lock`), false);
  });
});
