/**
 * The user's control directory (lib/mailbox/control-dir.ts) with the daemons as inetd starts them, real logins:
 *
 * - POP3 exclusivity: a second session on a maildrop gets `-ERR [IN-USE]` at once; after the first server is
 *   SIGKILLed a new session gets in (the kernel dropped the flock).
 * - The directory is made 0700 and owned by the user; one that is a symbolic link is refused with one log line and
 *   nothing is written through it, while the sessions go on (degraded).
 * - Security: another unprivileged user pre-creates every name the programs could look for (the POP3 lock,
 *   \Recent claim, journal, append and move record names of the victim's maildrop) in every directory that user can write (/var/tmp,
 *   /tmp, the configured journal_dir, a 1777 directory like /var/tmp), as plain files and as symbolic links, and
 *   an inode is recycled (the attacker's maildrop removed, the victim's made again); the victim's POP3 and IMAP
 *   sessions are unaffected, and the attacker's files are left as they were.
 * - Old `uwimap-ts.<dev>.<ino>.pop3`/`.recent` files of the user in journal_dir are removed; other users' are not.
 *
 * Hermetic: users, homes, spool and journal directory are the harness's; what the attacker plants in /var/tmp and
 * /tmp is removed afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chownSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addUser, Client, dir, inetd, lastChild, logLines, setup, spool, tag, teardown, writeConfig,
} from './inetd-harness.js';

const planted: string[] = [];
before(setup);
after(() => {
  for (const p of planted) rmSync(p, { force: true });
  teardown();
});

const uidOf = (user: string): number => Number(execFileSync('id', ['-u', user]).toString());
const homeOf = (user: string): string => join(dir, 'home', user);

/** Runs `cmd` (a shell command) as `user`. */
function asUser(user: string, cmd: string): void {
  execFileSync('/usr/sbin/runuser', ['-u', user, '--', '/bin/sh', '-c', cmd]);
}

async function popLogin(port: number, user: string, password: string): Promise<{ c: Client; reply: string }> {
  const c = await Client.connect(port);
  assert.match((await c.line()) ?? '', /^\+OK POP3 /);
  assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
  const reply = (await c.cmd(`PASS ${password}`)) ?? '(closed)';
  return { c, reply };
}

async function waitExit(pid: number): Promise<void> {
  for (let i = 0; i < 500 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(!existsSync(`/proc/${pid}`), `server ${pid} still running`);
}

describe('control directory', () => {
  it('POP3: a second session gets [IN-USE] at once; after SIGKILL of the first a new one gets in', async () => {
    const user = addUser('SHA512', 'pw-inuse');
    const d = await inetd('ipop3d', writeConfig('c-inuse', ''));
    try {
      const first = await popLogin(d.port, user, 'pw-inuse');
      assert.equal(first.reply, '+OK Mailbox open, 1 messages');
      const firstPid = lastChild(d.children).pid as number;
      const t0 = Date.now();
      const second = await popLogin(d.port, user, 'pw-inuse');
      assert.equal(second.reply, '-ERR [IN-USE] Mailbox in use by another POP3 session');
      // At once: the login pause is 300 ms here, the lock wait would be lock_timeout_s (60 s).
      assert.ok(Date.now() - t0 < 5000, `IN-USE took ${Date.now() - t0} ms`);
      second.c.end();
      process.kill(firstPid, 'SIGKILL');
      await waitExit(firstPid);
      first.c.sock.destroy();
      const third = await popLogin(d.port, user, 'pw-inuse');
      assert.equal(third.reply, '+OK Mailbox open, 1 messages');
      assert.equal(await third.c.cmd('QUIT'), '+OK Sayonara');
      third.c.end();
      const ctl = statSync(join(homeOf(user), '.uwimap-ts'));
      assert.equal(ctl.uid, uidOf(user));
      assert.equal((ctl.mode & 0o7777).toString(8), '700');
      assert.ok(ctl.isDirectory());
    } finally {
      d.server.close();
    }
  });

  it('a symbolic link as the control directory is refused, logged once, and sessions go on', async () => {
    const user = addUser('SHA512', 'pw-link');
    const real = join(homeOf(user), 'elsewhere');
    asUser(user, `mkdir -m 700 ${real} && ln -s ${real} ${join(homeOf(user), '.uwimap-ts')}`);
    const d = await inetd('ipop3d', writeConfig('c-link', ''));
    const before = logLines.length;
    try {
      const s = await popLogin(d.port, user, 'pw-link');
      assert.equal(s.reply, '+OK Mailbox open, 1 messages');
      assert.equal(await s.c.cmd('QUIT'), '+OK Sayonara');
      s.c.end();
      await waitExit(lastChild(d.children).pid as number);
      const warned = logLines.slice(before).filter((l) => l.includes('control directory not used'));
      assert.equal(warned.length, 1, logLines.slice(before).join('\n'));
      assert.match(warned[0] as string, /is a symbolic link/);
      assert.ok(lstatSync(join(homeOf(user), '.uwimap-ts')).isSymbolicLink());
      assert.deepEqual(readdirSync(real), [], 'nothing written through the link');
    } finally {
      d.server.close();
    }
  });

  const attack = async (kinds: readonly string[]): Promise<void> => {
    const victim = addUser('SHA512', 'pw-victim');
    const attacker = addUser('SHA512', 'pw-attacker');
    const journalDir = join(dir, 'tmp');
    const conf = writeConfig(`c-sec-${kinds.join('-')}`, '');
    // The attacker's maildrop goes; the victim's is made again, likely on the inode just freed.
    const victimBox = join(spool, victim);
    const attackerIno = statSync(join(spool, attacker)).ino;
    unlinkSync(join(spool, attacker));
    const content = readFileSync(victimBox);
    unlinkSync(victimBox);
    writeFileSync(victimBox, content, { mode: 0o660 });
    chownSync(victimBox, uidOf(victim), statSync(spool).gid);
    const st = statSync(victimBox);
    const ids = [`${st.dev}.${st.ino}`, `${st.dev}.${attackerIno}`];
    // Every name, in every directory the attacker can write, as files (with a \Recent claim naming the victim's
    // mailbox with a high UID) and as symbolic links to the victim's files.
    for (const where of [journalDir, '/var/tmp', '/tmp']) {
      for (const id of ids) {
        for (const kind of kinds) {
          const p = join(where, `uwimap-ts.${id}.${kind}`);
          planted.push(p);
          // An earlier attack may have planted this very name, for a spool file whose inode this one got again (the
          // directories are sticky: this attacker could not replace another user's file).
          rmSync(p, { force: true });
          asUser(attacker, `printf '999 1 ${victimBox}\\n' > ${p}`);
        }
      }
      // Named per attacker: an earlier attack's link (another user's, in a sticky directory) cannot be replaced.
      const link = join(where, `uwimap-ts.${st.dev}.${uidOf(attacker)}.pop3`);
      planted.push(link);
      asUser(attacker, `ln -sf ${victimBox} ${link}`);
    }
    // The victim's own old files (an earlier version's) in journal_dir: removed when seen; a link of the victim's
    // is not followed (its target stays).
    const oldOwn = join(journalDir, `uwimap-ts.${st.dev}.424242.recent`);
    asUser(victim, `printf '1 1 x\\n' > ${oldOwn}`);
    const ownLink = join(journalDir, `uwimap-ts.${st.dev}.434343.pop3`);
    asUser(victim, `ln -s ${victimBox} ${ownLink}`);
    const plantedBefore = planted.map((p) => [p, lstatSync(p).mtimeMs, lstatSync(p).uid]);

    const pop = await inetd('ipop3d', conf);
    const imap = await inetd('imapd', conf);
    try {
      const logFrom = logLines.length;
      const s = await popLogin(pop.port, victim, 'pw-victim');
      assert.equal(s.reply, '+OK Mailbox open, 1 messages', logLines.slice(logFrom).join('\n'));
      assert.match((await s.c.cmd('RETR 1')) ?? '', /^\+OK /);
      assert.ok((await s.c.multi()).some((l) => l === `Subject: for ${victim}`));
      assert.equal(await s.c.cmd('QUIT'), '+OK Sayonara');
      s.c.end();
      await waitExit(lastChild(pop.children).pid as number);

      // New mail for IMAP: \Recent (a planted claim must not hide it), and a rewrite (EXPUNGE) must work.
      const more = `From b@example.org Sat Nov 21 12:01:00 2026\nSubject: second\n\nagain\n\n`;
      asUser(victim, `printf '%s' '${more}' >> ${victimBox}`);
      const c = await Client.connect(imap.port);
      assert.match((await c.line()) ?? '', /^\* OK /);
      assert.match((await c.tagged('a', `LOGIN ${victim} pw-victim`)).at(-1) ?? '', /^a OK /);
      const sel = await c.tagged('b', 'SELECT INBOX');
      assert.ok(sel.includes('* 2 EXISTS'), sel.join('\n'));
      assert.ok(sel.includes('* 1 RECENT'), sel.join('\n'));
      assert.match(sel.at(-1) ?? '', /^b OK \[READ-WRITE\]/);
      assert.match((await c.tagged('c', 'STORE 1 +FLAGS (\\Deleted)')).at(-1) ?? '', /^c OK /);
      const ex = await c.tagged('d', 'EXPUNGE');
      assert.ok(ex.includes('* 1 EXPUNGE'), ex.join('\n'));
      assert.match(ex.at(-1) ?? '', /^d OK /, ex.join('\n'));
      assert.match((await c.tagged('e', 'LOGOUT')).at(-1) ?? '', /^e OK /);
      c.end();
      await waitExit(lastChild(imap.children).pid as number);

      // The attacker's files are as they were (not followed, not removed, not rewritten); the victim's old file is
      // gone, its link stays and so does the link's target; the victim's state is in its own 0700 directory.
      for (const [p, mtime, uid] of plantedBefore) {
        const now = lstatSync(p as string);
        assert.deepEqual([now.mtimeMs, now.uid], [mtime, uid], `${String(p)} untouched`);
      }
      assert.ok(!existsSync(oldOwn), 'the victim\'s old .recent file is removed');
      assert.ok(lstatSync(ownLink).isSymbolicLink(), 'a link is never followed nor removed');
      assert.equal(statSync(victimBox).uid, uidOf(victim));
      const ctl = statSync(join(homeOf(victim), '.uwimap-ts'));
      assert.deepEqual([ctl.uid, (ctl.mode & 0o7777).toString(8)], [uidOf(victim), '700']);
      for (const f of readdirSync(join(homeOf(victim), '.uwimap-ts'))) {
        const fst = statSync(join(homeOf(victim), '.uwimap-ts', f));
        assert.deepEqual([fst.uid, (fst.mode & 0o777).toString(8)], [uidOf(victim), '600'], f);
      }
    } finally {
      pop.server.close();
      imap.server.close();
      rmSync(ownLink, { force: true });
    }
  };

  it("another user's POP3 lock and \\Recent claim names anywhere it can write, and a recycled inode, do not touch the victim's sessions",
    () => attack(['pop3', 'recent']));

  // Rewrite journals (and append records) go to the victim's control directory, so a name planted in journal_dir
  // neither stops the mailbox from opening nor the next rewrite (EXPUNGE) from taking its journal.
  it("another user's rewrite journal, append and move record names do not touch the victim's sessions",
    () => attack(['pop3', 'recent', 'journal', 'append', 'move']));

  // 0644: the victim cannot even open it read-write; 0600: not even read it.
  for (const [kind, umask] of [['journal', '022'], ['append', '077']] as const) {
    it(`a ${kind} name another user planted (umask ${umask}) does not stop the victim from reading the mailbox`,
      () => plantedName(kind, umask));
  }

  async function plantedName(kind: 'journal' | 'append', umask: string): Promise<void> {
    const victim = addUser('SHA512', 'pw-reader');
    const attacker = addUser('SHA512', 'pw-planter');
    const st = statSync(join(spool, victim));
    const p = join(dir, 'tmp', `uwimap-ts.${st.dev}.${st.ino}.${kind}`);
    planted.push(p);
    // An earlier test's attacker may have planted this very name, for a spool file whose inode this one got again
    // (the directory is sticky: this attacker could not replace it).
    rmSync(p, { force: true });
    asUser(attacker, `umask ${umask}; printf 'planted' > ${p}`);
    const imap = await inetd('imapd', writeConfig('c-reader', ''));
    try {
      const logFrom = logLines.length;
      const c = await Client.connect(imap.port);
      assert.match((await c.line()) ?? '', /^\* OK /);
      assert.match((await c.tagged('a', `LOGIN ${victim} pw-reader`)).at(-1) ?? '', /^a OK /);
      const ex = await c.tagged('b', 'EXAMINE INBOX');
      assert.match(ex.at(-1) ?? '', /^b OK \[READ-ONLY\]/, logLines.slice(logFrom).join('\n'));
      assert.ok(ex.includes('* 1 EXISTS'), ex.join('\n'));
      const f = await c.tagged('c', 'FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]');
      assert.ok(f.some((l) => l === `Subject: for ${victim}`), f.join('\n'));
      assert.match((await c.tagged('d', 'LOGOUT')).at(-1) ?? '', /^d OK /);
      c.end();
      await waitExit(lastChild(imap.children).pid as number);
      assert.equal(readFileSync(p, 'latin1'), 'planted');
    } finally {
      imap.server.close();
    }
  }

  it("leaves none of the test users' files in /var/tmp or /tmp but what the attacker planted", () => {
    const ours = (d: string): string[] => readdirSync(d)
      .filter((f) => f.startsWith('uwimap-ts.') && !planted.includes(join(d, f)))
      .filter((f) => execFileSync('stat', ['-c', '%U', join(d, f)]).toString().startsWith(`uwts${tag}`));
    assert.deepEqual(ours('/var/tmp'), []);
    assert.deepEqual(ours('/tmp'), []);
  });
});
