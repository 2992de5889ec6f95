/**
 * mailtool as an administrator runs it: as root, on a user's mailboxes (issue 16). Root acts as the user (the
 * servers' privilege drop), so everything it makes is the user's; a missing spool file is made for the user, with
 * the spool's group and mode conventions; then the user's own sessions (bin/imapd as the user) and UW's `mailutil
 * check` (c-client, as the user: it refuses root) read what mailtool left.
 *
 * The user: `mtuser`, uid and gid 65534 (nobody's, so that runuser can run programs as it), known to mailtool only
 * through the configuration's passwd_file, with a home in the scratch directory. Hermetic: every program is given
 * the scratch configuration (-c), the spool and homes are scratch directories, syslog goes nowhere.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';

if (process.getuid?.() !== 0) throw new Error('the mailtool interop test must run as root (it acts for a user)');

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAILTOOL = join(ROOT, 'bin', 'mailtool');
const IMAPD = join(ROOT, 'bin', 'imapd');
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const NOBODY = 65534;
const MAIL_GID = Number(execFileSync('getent', ['group', 'mail']).toString().split(':')[2]);
const USER = 'mtuser';

const scratch = mkdtempSync('/var/tmp/uwimap-mailtool-');
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

let serial = 0;

/** One test's world: a spool directory, the user's home, a passwd file and a configuration naming them. */
interface World {
  readonly dir: string;
  readonly spool: string;
  readonly home: string;
  readonly conf: string;
  readonly inbox: string;
}

/** A fresh world; `spoolMode`/`spoolGid`: the spool directory's (Debian's root:mail 2775 by default). */
function world(spoolGid = MAIL_GID, spoolMode = 0o2775): World {
  const dir = join(scratch, `w${++serial}`);
  const spool = join(dir, 'spool');
  const home = join(dir, 'home');
  mkdirSync(spool, { recursive: true });
  chmodSync(dir, 0o755);
  chownSync(spool, 0, spoolGid);
  chmodSync(spool, spoolMode);
  mkdirSync(home);
  chownSync(home, NOBODY, NOBODY);
  const journal = join(dir, 'journal');
  mkdirSync(journal);
  chmodSync(journal, 0o1777);
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, `${USER}:x:${NOBODY}:${NOBODY}:mailtool test:${home}:/bin/sh\n`);
  const conf = join(dir, 'uwimap-ts.conf');
  writeFileSync(conf, [`spool_dir = ${spool}`, `passwd_file = ${passwd}`, `journal_dir = ${journal}`,
    `syslog_socket = ${join(dir, 'no-syslog')}`].join('\n') + '\n');
  return { dir, spool, home, conf, inbox: join(spool, USER) };
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** mailtool as root (this process), with the world's configuration. */
function mailtool(w: World, args: readonly string[], input = ''): Ran {
  const r = spawnSync(process.execPath, [MAILTOOL, '-c', w.conf, ...args],
    { encoding: 'utf8', input, timeout: 60_000, cwd: w.dir, env: { PATH } });
  assert.equal(r.error, undefined);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** mailtool as the user (nobody's uid), as a delivery agent running as the user would run it. */
function mailtoolAsUser(w: World, args: readonly string[], input = ''): Ran {
  const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `PATH=${PATH}`, `HOME=${w.home}`,
    process.execPath, MAILTOOL, '-c', w.conf, ...args], { encoding: 'utf8', input, timeout: 60_000, cwd: '/' });
  assert.equal(r.error, undefined);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MESSAGE = 'From: a@example.org\nSubject: for the user\n\nhello\n';

/** [uid, gid, mode] of a file. */
function owner(path: string): [number, number, number] {
  const st = statSync(path);
  return [st.uid, st.gid, st.mode & 0o7777];
}

/** Every file and directory under `dir` (itself excluded) that is not owned by `uid`. */
function notOwnedBy(dir: string, uid: number): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (statSync(p).uid !== uid) out.push(p);
    if (e.isDirectory()) out.push(...notOwnedBy(p, uid));
  }
  return out;
}

/**
 * UW's `mailutil check` of `path` as the user (it refuses root), by a name relative to the world's directory (its
 * HOME and working directory here: c-client refuses absolute names). The "N total" it counts.
 */
function mailutilCount(w: World, path: string): number {
  const rel = `./${relative(w.dir, path)}`;
  const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `HOME=${w.dir}`, 'PATH=/usr/bin:/bin',
    'mailutil', 'check', rel], { encoding: 'latin1', cwd: w.dir, timeout: 60_000 });
  const m = /(?:\d+ new message\(s\) \(\d+ unseen\)|No new messages), (\d+) total in /.exec(r.stdout);
  assert.ok(m, `mailutil check ${rel}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** The user's own IMAP session (PREAUTH, as the user) on INBOX = `inbox`: SELECT's answer. */
function selectAsUser(w: World, inbox: string): string {
  const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `PATH=${PATH}`, `HOME=${w.home}`,
    `MAIL=${inbox}`, IMAPD, '-c', w.conf], { input: 'a SELECT INBOX\r\nb LOGOUT\r\n', encoding: 'latin1', timeout: 60_000, cwd: '/' });
  return r.stdout;
}

describe('mailtool append as root: a missing spool file is made for the user', () => {
  it('in a root:mail 2775 spool: USER:mail 0660, readable by the user\'s own sessions and by UW', () => {
    const w = world();
    const r = mailtool(w, ['append', '-f', 'bob@example.org', w.inbox], MESSAGE);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(owner(w.inbox), [NOBODY, MAIL_GID, 0o660]);
    assert.match(readFileSync(w.inbox, 'latin1'), /^From bob@example\.org /);
    assert.deepEqual(notOwnedBy(w.home, NOBODY), [], 'everything mailtool made in the home is the user\'s');
    assert.deepEqual(readdirSync(w.spool), [USER], 'no lock or other file left in the spool');
    const select = selectAsUser(w, w.inbox);
    assert.match(select, /\r\n\* 1 EXISTS\r\n/);
    assert.match(select, /\r\na OK \[READ-WRITE\] /);
    assert.equal(mailutilCount(w, w.inbox), 1);
  });

  it('in a spool of no group (root:root 1777, the older convention): USER:USER 0600', () => {
    const w = world(0, 0o1777);
    const r = mailtool(w, ['append', w.inbox], MESSAGE);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(owner(w.inbox), [NOBODY, NOBODY, 0o600]);
    assert.equal(mailutilCount(w, w.inbox), 1);
  });

  it('with -u USER, INBOX is the user\'s spool file; --uid gives UIDs from the user\'s own counter', () => {
    const w = world();
    const r = mailtool(w, ['append', '-u', USER, '--uid', 'INBOX'], MESSAGE);
    assert.equal(r.code, 0, r.stderr);
    const v = /^appended UIDVALIDITY (\d+) UIDs 1\n$/.exec(r.stdout);
    assert.ok(v, r.stdout);
    assert.deepEqual(owner(w.inbox), [NOBODY, MAIL_GID, 0o660]);
    const counter = join(w.home, '.uwimap-ts', 'uidvalidity');
    assert.equal(readFileSync(counter, 'latin1'), `${v[1]}\n`);
    assert.deepEqual(owner(join(w.home, '.uwimap-ts')), [NOBODY, NOBODY, 0o700]);
    assert.deepEqual(notOwnedBy(w.home, NOBODY), []);
    assert.equal(mailutilCount(w, w.inbox), 1);
  });

  it('a missing mailbox in the user\'s home is made by the user (the owner of its directory), 0600', () => {
    const w = world();
    const mail = join(w.home, 'Mail');
    mkdirSync(mail);
    chownSync(mail, NOBODY, NOBODY);
    const box = join(mail, 'archive');
    assert.equal(mailtool(w, ['append', box], MESSAGE).code, 0);
    assert.equal(mailtool(w, ['append', '--uid', box], MESSAGE).code, 0);
    assert.deepEqual(owner(box), [NOBODY, NOBODY, 0o600]);
    assert.deepEqual(notOwnedBy(w.home, NOBODY), []);
    assert.equal(mailutilCount(w, box), 2);
  });

  it('an existing spool file of the user keeps its owner, group and mode; what root writes is the user\'s', () => {
    const w = world();
    writeFileSync(w.inbox, '');
    chownSync(w.inbox, NOBODY, MAIL_GID);
    chmodSync(w.inbox, 0o600);
    assert.equal(mailtool(w, ['append', w.inbox], MESSAGE).code, 0);
    assert.equal(mailtool(w, ['append', '--uid', w.inbox], MESSAGE).code, 0);
    const c = mailtool(w, ['check', w.inbox]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /: 2 messages /);
    assert.deepEqual(owner(w.inbox), [NOBODY, MAIL_GID, 0o600]);
    assert.deepEqual(notOwnedBy(w.home, NOBODY), [], 'the saved index and counter are the user\'s');
    assert.ok(readdirSync(join(w.home, '.uwimap-ts')).some((f) => f.startsWith('index.')), 'the index was saved');
    assert.equal(mailutilCount(w, w.inbox), 2);
  });

  it('root never writes through a name the user controls: a link of theirs to root\'s file is the user\'s (77)', () => {
    const w = world();
    const roots = join(w.dir, 'roots-mailbox');
    writeFileSync(roots, 'From a@example.org Sat Nov 21 12:00:00 2026\nSubject: root\'s\n\nmine\n');
    chmodSync(roots, 0o600);
    const before = readFileSync(roots);
    const link = join(w.home, 'link');
    symlinkSync(roots, link);
    lchownSync(link, NOBODY, NOBODY);
    for (const args of [['append', link], ['append', '--uid', link], ['flags', link, '1', '--add', '\\Seen'], ['check', link]]) {
      const r = mailtool(w, args, MESSAGE);
      assert.equal(r.code, 77, `${args.join(' ')}: ${r.stderr}`);
    }
    // A file of root's in a directory of the user's is theirs to reach, as the user.
    const inHome = join(w.home, 'roots');
    writeFileSync(inHome, before);
    chmodSync(inHome, 0o600);
    assert.equal(mailtool(w, ['append', inHome], MESSAGE).code, 77);
    assert.deepEqual([readFileSync(roots), readFileSync(inHome)], [before, before]);
  });

  it('-u: an unknown user is 67 (EX_NOUSER); another user than oneself, not as root, is 77', () => {
    const w = world();
    const none = mailtool(w, ['append', '-u', 'no-such-user', 'INBOX'], MESSAGE);
    assert.equal(none.code, 67);
    assert.match(none.stderr, /^mailtool: no such user: no-such-user/);
    writeFileSync(join(w.dir, 'passwd'), `${USER}:x:${NOBODY}:${NOBODY}::${w.home}:/bin/sh\nroot:x:0:0::/root:/bin/sh\n`);
    const other = mailtoolAsUser(w, ['append', '-u', 'root', 'INBOX'], MESSAGE);
    assert.equal(other.code, 77);
    assert.equal(other.stderr, 'mailtool: only root can act as another user (-u root)\n');
    const self = mailtoolAsUser(w, ['append', '-u', USER, 'box'], MESSAGE);
    assert.equal(self.code, 0, self.stderr);
    assert.equal(mailutilCount(w, join(w.home, 'box')), 1, 'a name under the home, as imapd resolves it');
    assert.equal(existsSync(join(w.spool, 'root')), false);
  });
});

describe('mailtool\'s admin commands as root, by the user\'s names (-u), checked by UW\'s mailutil', () => {
  /** mailtool as root acting for the user, by name; must succeed. */
  const ok = (w: World, args: readonly string[], input = ''): Ran => {
    const r = mailtool(w, [args[0] ?? '', '-u', USER, ...args.slice(1)], input);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  it('create, copy, move, flags, expunge, rename INBOX, status, delete: the user\'s files, as UW reads them', () => {
    const w = world();
    const folder = (name: string): string => join(w.home, name);
    const created = ok(w, ['create', 'INBOX']);
    assert.equal(created.stdout, '');
    assert.deepEqual(owner(w.inbox), [NOBODY, MAIL_GID, 0o660], 'the spool file made for the user');
    assert.equal(mailtool(w, ['create', '-u', USER, 'INBOX']).code, 73);
    for (let i = 1; i <= 4; i++) ok(w, ['append', 'INBOX'], `From: a@example.org\nSubject: m${i}\n\nbody ${i}\n`);
    assert.equal(mailutilCount(w, w.inbox), 4);

    ok(w, ['create', 'Mail/archive']);
    assert.deepEqual(owner(folder('Mail')), [NOBODY, NOBODY, 0o700]);
    assert.deepEqual(owner(folder('Mail/archive')), [NOBODY, NOBODY, 0o600]);
    ok(w, ['copy', 'INBOX', 'Mail/archive', '1:2']);
    assert.equal(mailutilCount(w, folder('Mail/archive')), 2);
    ok(w, ['move', 'INBOX', 'Mail/moved', '4']);
    assert.equal(mailutilCount(w, folder('Mail/moved')), 1);
    assert.equal(mailutilCount(w, w.inbox), 3);
    ok(w, ['flags', 'INBOX', '1', '--add', '\\Deleted']);
    assert.equal(ok(w, ['expunge', 'INBOX']).stdout, 'expunged 1 message from INBOX (UIDs 1)\n');
    assert.equal(mailutilCount(w, w.inbox), 2);
    // An administrator's command is not a session: the user's new mail is still new to them.
    assert.match(selectAsUser(w, w.inbox), /\r\n\* 2 EXISTS\r\n\* 2 RECENT\r\n/);

    const status = ok(w, ['status', '--json', 'INBOX', 'Mail/archive', 'Mail/moved']);
    const counts = status.stdout.trim().split('\n').map((l) => JSON.parse(l) as { mailbox: string; messages: number });
    assert.deepEqual(counts.map((c) => [c.mailbox, c.messages]), [['INBOX', 2], ['Mail/archive', 2], ['Mail/moved', 1]]);
    for (const [name, path] of [['INBOX', w.inbox], ['Mail/archive', folder('Mail/archive')], ['Mail/moved', folder('Mail/moved')]] as const) {
      assert.equal(mailutilCount(w, path), counts.find((c) => c.mailbox === name)?.messages, name);
    }

    // RENAME INBOX (RFC 3501 §6.3.5): its messages go to the new mailbox, INBOX stays, empty, and keeps its file.
    const ino = statSync(w.inbox).ino;
    ok(w, ['rename', 'INBOX', 'Mail/old-inbox']);
    assert.equal(mailutilCount(w, folder('Mail/old-inbox')), 2);
    assert.equal(mailutilCount(w, w.inbox), 0);
    assert.deepEqual([statSync(w.inbox).ino, ...owner(w.inbox)], [ino, NOBODY, MAIL_GID, 0o660]);

    ok(w, ['delete', 'Mail/moved']);
    assert.equal(existsSync(folder('Mail/moved')), false);
    const inbox = mailtool(w, ['delete', '-u', USER, 'INBOX']);
    assert.equal(inbox.code, 77);
    assert.equal(inbox.stderr, 'mailtool: INBOX cannot be deleted\n');
    assert.deepEqual(notOwnedBy(w.home, NOBODY), [], 'nothing of root\'s in the home');
    assert.deepEqual(readdirSync(w.spool), [USER]);
  });

  it('names the user\'s sessions could not use are refused (77), as imapd refuses them', () => {
    const w = world();
    for (const name of ['/etc/passwd', '../outside', 'Mail/../../x', `~root/x`, 'box.lock']) {
      const r = mailtool(w, ['create', '-u', USER, name]);
      assert.equal(r.code, 77, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /^mailtool: invalid mailbox name/);
    }
    assert.deepEqual(readdirSync(w.home), []);
  });

  it('run as root by paths, the user is the owner of the first mailbox: what is made is theirs', () => {
    const w = world();
    ok(w, ['append', 'INBOX'], MESSAGE);
    const r = mailtool(w, ['copy', w.inbox, join(w.home, 'saved')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(owner(join(w.home, 'saved')), [NOBODY, NOBODY, 0o600]);
    assert.equal(mailtool(w, ['flags', join(w.home, 'saved'), '1', '--add', '\\Flagged']).code, 0);
    assert.deepEqual(notOwnedBy(w.home, NOBODY), []);
    assert.equal(mailutilCount(w, join(w.home, 'saved')), 1);
  });
});
