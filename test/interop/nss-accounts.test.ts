/**
 * Accounts through NSS (issue 16): a user that only an NSS module knows logs in to the real imapd and ipop3d as
 * inetd starts them, as UW's getpwnam let such users in. The module is Debian's libnss-extrausers, which reads
 * /var/lib/extrausers/{passwd,shadow,group} and needs no server (as LDAP, SSSD or NIS would); `extrausers` is added
 * to /etc/nsswitch.conf for the duration of this file.
 *
 * Shown: LOGIN and AUTHENTICATE PLAIN to imapd, USER/PASS to ipop3d, with the passwd checker (getpwnam and
 * getspnam) and with PAM (pam_unix, which asks NSS too); the session runs with the account's uid, gid and the
 * supplementary group that only extrausers' group file names (initgroups); the INBOX is the account's spool file and
 * what the session creates is the account's. With `account_source = file` the same user is refused by both servers,
 * whichever checker.
 *
 * Host state: /etc/nsswitch.conf, the extrausers files and a PAM service file are backed up (with a manifest) to
 * BACKUP before they are touched and restored after; a run killed half-way leaves the backup, and the next run
 * restores it first.
 * Needs root and libnss-extrausers (test/setup-system.sh installs it): fails, naming them, without.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Client, dir, inetd, lastChild, logLines, MAIL_GID, procStatus, run, setup, spool, tag, teardown, writeConfig,
} from './inetd-harness.js';

const NSSWITCH = '/etc/nsswitch.conf';
const EXTRA = '/var/lib/extrausers';
/** The PAM service the PAM checker is pointed at (pam_unix, which asks NSS too). */
const PAM_SERVICE = 'uwimap-ts-test-nss';
const FILES = [NSSWITCH, join(EXTRA, 'passwd'), join(EXTRA, 'shadow'), join(EXTRA, 'group'), `/etc/pam.d/${PAM_SERVICE}`];
/** Where the originals wait while this file runs: `manifest.json` maps each path to its content, or null (absent). */
const BACKUP = '/var/lib/uwimap-ts-test-nss';
const MANIFEST = join(BACKUP, 'manifest.json');

const PASSWORD = 'nss-Pässword 1';
const user = `uwtsnss${tag}`;
const group = `uwtsnssg${tag}`;
const extraGroup = `uwtsnssx${tag}`;
let uid = 0;
let gid = 0;
let extraGid = 0;

/** Writes `path` whole or not at all: a reader (glibc, another test's useradd) never sees half of it. */
function writeAtomically(path: string, content: string, mode: number): void {
  const tmp = `${path}.uwimap-ts-tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

/** Puts back what the manifest saved, then drops the backup. Safe to call twice. */
function restore(): void {
  if (!existsSync(MANIFEST)) return;
  const saved = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { content: string; mode: number } | null>;
  for (const [path, was] of Object.entries(saved)) {
    if (was === null) rmSync(path, { force: true });
    else writeAtomically(path, was.content, was.mode);
  }
  rmSync(BACKUP, { recursive: true, force: true });
}

function backUp(): void {
  restore(); // a run killed before its after() left the host changed: undo that first
  mkdirSync(BACKUP, { recursive: true, mode: 0o700 });
  const saved: Record<string, { content: string; mode: number } | null> = {};
  for (const path of FILES) {
    saved[path] = existsSync(path) ? { content: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o7777 } : null;
  }
  writeAtomically(MANIFEST, JSON.stringify(saved), 0o600);
}

/** nsswitch.conf with `extrausers` after the other sources of passwd, group and shadow. */
function withExtrausers(text: string): string {
  const lines = text.split('\n');
  for (const db of ['passwd', 'group', 'shadow']) {
    const i = lines.findIndex((l) => new RegExp(`^${db}:`).test(l));
    if (i < 0) lines.push(`${db}: files extrausers`);
    else if (!/\bextrausers\b/.test(lines[i] ?? '')) lines[i] = `${lines[i] ?? ''} extrausers`;
  }
  return lines.join('\n');
}

/** The first id from `from` that neither the passwd nor the group database has. */
function freeId(from: number): number {
  for (let id = from; ; id++) {
    const used = ['passwd', 'group'].some((db) => {
      try {
        execFileSync('getent', [db, String(id)], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    if (!used) return id;
  }
}

/** Appends `line` to an extrausers file (made if missing), mode as its /etc counterpart. */
function addLine(file: string, line: string, mode: number): void {
  const path = join(EXTRA, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeAtomically(path, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n`, mode);
}

before(async () => {
  const lib = execFileSync('ldconfig', ['-p']).toString();
  assert.match(lib, /libnss_extrausers\.so\.2 /, 'libnss-extrausers is not installed (test/setup-system.sh installs it)');
  await setup();
  backUp();
  mkdirSync(EXTRA, { recursive: true });
  // extrausers ignores uids and gids below 500 (100 excepted); ours are well above, and free.
  uid = freeId(62_000 + Math.floor(Math.random() * 1000));
  gid = freeId(uid);
  extraGid = freeId(gid + 1);
  const home = join(dir, 'home', user);
  mkdirSync(home, { recursive: true });
  chownSync(home, uid, gid);
  const { stdout: hash } = await run('openssl', ['passwd', '-6', PASSWORD]);
  const today = Math.floor(Date.now() / 86_400_000);
  addLine('passwd', `${user}:x:${uid}:${gid}:NSS only:${home}:/usr/sbin/nologin`, 0o644);
  addLine('shadow', `${user}:${hash.trim()}:${today}:0:99999:7:::`, 0o640);
  addLine('group', `${group}:x:${gid}:`, 0o644);
  addLine('group', `${extraGroup}:x:${extraGid}:${user}`, 0o644);
  writeAtomically(NSSWITCH, withExtrausers(readFileSync(NSSWITCH, 'utf8')), 0o644);
  // A maildrop with one message, as the MTA leaves it: USER:mail 0660.
  const box = join(spool, user);
  writeFileSync(box, `From a@example.org Sat Nov 21 12:00:00 2026\nSubject: for ${user}\n\nhello\n\n`);
  chownSync(box, uid, MAIL_GID);
  execFileSync('chmod', ['0660', box]);
  writeAtomically(`/etc/pam.d/${PAM_SERVICE}`, 'auth required pam_unix.so nodelay\naccount required pam_unix.so\n', 0o644);
});

after(() => {
  try {
    restore();
  } finally {
    teardown();
  }
});

/** What `id` says of the user through NSS: the uid, the gid and the groups (sorted). */
function idOf(): { uid: string; gid: string; groups: string } {
  const id = (flag: string): string => execFileSync('id', [flag, user]).toString().trim();
  return { uid: id('-u'), gid: id('-g'), groups: id('-G').split(' ').sort().join(' ') };
}

/** The server process of the last connection runs as the account: all four uids and gids, the groups. */
function assertRunsAsAccount(children: Parameters<typeof lastChild>[0]): void {
  const st = procStatus(lastChild(children).pid as number);
  assert.equal(st.uid, `${uid} ${uid} ${uid} ${uid}`);
  assert.equal(st.gid, `${gid} ${gid} ${gid} ${gid}`);
  assert.equal(st.groups.split(' ').sort().join(' '), [String(gid), String(extraGid)].sort().join(' '));
}

describe('a user only NSS (extrausers) knows', () => {
  it('is known to NSS and not to /etc/passwd or /etc/shadow', () => {
    assert.deepEqual(idOf(), { uid: String(uid), gid: String(gid), groups: [String(gid), String(extraGid)].sort().join(' ') });
    assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), new RegExp(`^${user}:`, 'm'));
    assert.doesNotMatch(readFileSync('/etc/shadow', 'utf8'), new RegExp(`^${user}:`, 'm'));
  });

  for (const checker of ['passwd', 'pam'] as const) {
    const config = (): string => writeConfig(`i-nss-${checker}`, `auth_checker = ${checker}\npam_service_imap = ${PAM_SERVICE}\n`);

    it(`imapd, auth_checker = ${checker}: LOGIN and AUTHENTICATE PLAIN; the session is the account's`, async () => {
      const d = await inetd('imapd', config());
      try {
        const c = await Client.connect(d.port);
        await c.line();
        const r = await c.tagged('a1', `LOGIN ${user} "${PASSWORD}"`);
        assert.match(r[r.length - 1] ?? '', /^a1 OK \[CAPABILITY [^\]]*\] LOGIN completed$/, r.join('\n'));
        assertRunsAsAccount(d.children);
        const sel = await c.tagged('a2', 'SELECT INBOX');
        assert.ok(sel.includes('* 1 EXISTS'), sel.join('\n'));
        assert.match((await c.tagged('a3', `CREATE nss-${checker}`)).at(-1) ?? '', /^a3 OK /);
        const made = statSync(join(dir, 'home', user, `nss-${checker}`));
        assert.deepEqual([made.uid, made.gid], [uid, gid]);
        await c.tagged('a4', 'LOGOUT');
        c.end();

        const c2 = await Client.connect(d.port);
        await c2.line();
        const ir = Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64');
        const ok = await c2.tagged('b1', `AUTHENTICATE PLAIN ${ir}`);
        assert.match(ok.at(-1) ?? '', /^b1 OK \[CAPABILITY [^\]]*\] AUTHENTICATE completed$/, ok.join('\n'));
        assertRunsAsAccount(d.children);
        assert.equal((await c2.tagged('b2', 'LOGOUT')).at(-1), 'b2 OK LOGOUT completed');
        c2.end();
      } finally {
        d.server.close();
      }
    });
  }

  it('ipop3d, auth_checker = passwd and pam: USER/PASS opens the account\'s maildrop as the account', async () => {
    for (const checker of ['passwd', 'pam']) {
      const d = await inetd('ipop3d', writeConfig(`p-nss-${checker}`, `auth_checker = ${checker}\npam_service_pop = ${PAM_SERVICE}\n`));
      try {
        const c = await Client.connect(d.port);
        await c.line();
        assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
        assert.equal(await c.cmd(`PASS ${PASSWORD}`), '+OK Mailbox open, 1 messages', checker);
        assertRunsAsAccount(d.children);
        assert.equal(await c.cmd('TOP 1 0'), '+OK Top of message follows');
        assert.ok((await c.multi()).includes(`Subject: for ${user}`));
        assert.equal(await c.cmd('QUIT'), '+OK Sayonara');
        c.end();
      } finally {
        d.server.close();
      }
    }
  });

  it('with account_source = file, both servers refuse it, whichever checker', async () => {
    for (const checker of ['passwd', 'pam']) {
      const extra = `account_source = file\npasswd_file = /etc/passwd\nshadow_file = /etc/shadow\nauth_checker = ${checker}\n` +
        `pam_service_imap = ${PAM_SERVICE}\npam_service_pop = ${PAM_SERVICE}\n`;
      const i = await inetd('imapd', writeConfig(`i-file-${checker}`, extra));
      try {
        const c = await Client.connect(i.port);
        await c.line();
        assert.deepEqual(await c.tagged('f1', `LOGIN ${user} "${PASSWORD}"`), ['f1 NO [AUTHENTICATIONFAILED] Authentication failed']);
        await c.tagged('f2', 'LOGOUT');
        c.end();
      } finally {
        i.server.close();
      }
      const p = await inetd('ipop3d', writeConfig(`p-file-${checker}`, extra));
      try {
        const c = await Client.connect(p.port);
        await c.line();
        assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
        assert.match((await c.cmd(`PASS ${PASSWORD}`)) ?? '', /^-ERR /);
        await c.cmd('QUIT');
        c.end();
      } finally {
        p.server.close();
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    const failed = (server: string): number =>
      logLines.filter((l) => new RegExp(`${server}\\[\\d+\\]: Login failed user=${user} auth=`).test(l)).length;
    assert.deepEqual([failed('imapd'), failed('ipop3d')], [2, 2], logLines.filter((l) => l.includes(user)).join('\n'));
  });
});
