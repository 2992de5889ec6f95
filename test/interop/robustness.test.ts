/**
 * Sessions that used to end silently (exit 1, no tagged reply, no `* BYE`, a stack trace in syslog), each run
 * through the real imapd/ipop3d as inetd starts them (root, the socket on fds 0-2, a real login): every command is
 * answered, the session goes on where it safely can, it ends with a goodbye and exit status 0, and the end is one
 * log line with its reason.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addUser, Client, dir, inetd as inetdOf, lastChild, logLines, setup, spool, teardown, writeConfig,
} from './inetd-harness.js';

before(setup);
after(teardown);

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** The log lines of the server process `pid`, after a moment for the datagrams to arrive. */
async function linesOf(pid: number | undefined): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 200));
  return logLines.filter((l) => l.includes(`[${pid}]: `));
}

describe('imapd: no session ends silently', () => {
  it('before and after login, ID and ENABLE with bad arguments answer BAD and the session goes on', async () => {
    const user = addUser('SHA512', 'robust-pw');
    const d = await inetdOf('imapd', writeConfig('r-id', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      assert.deepEqual(await c.tagged('a', 'ID x'), ['a BAD ID: Expected "(" or NIL at "x"']);
      assert.deepEqual(await c.tagged('a1', 'ID -1("a")'), ['a1 BAD ID: Expected "(" or NIL at "-1("a")"']);
      const id = await c.tagged('a2', 'ID ("name" "test" "version" NIL)');
      assert.match(id[0] ?? '', /^\* ID \("name" "uwimap-ts imapd" /);
      assert.equal(id[1], 'a2 OK ID completed');
      assert.match((await c.tagged('a3', `LOGIN ${user} robust-pw`)).pop() ?? '', /^a3 OK /);
      assert.deepEqual(await c.tagged('a4', 'ENABLE'), ['a4 BAD ENABLE: Expected space at end of command']);
      assert.deepEqual(await c.tagged('a5', 'ENABLE UNKNOWN-EXT'), ['* ENABLED', 'a5 OK ENABLE completed']);
      assert.deepEqual(await c.tagged('a6', 'LOGOUT'), ['* BYE IMAP4rev1 server terminating connection', 'a6 OK LOGOUT completed']);
      const child = lastChild(d.children);
      assert.equal(await exitCode(child), 0);
      const lines = await linesOf(child.pid);
      assert.ok(!lines.some((l) => /Error| {4}at /.test(l)), lines.join('\n'));
      assert.match(lines[lines.length - 1] ?? '', new RegExp(`: Logout user=${user} host=\\[127\\.0\\.0\\.1\\] duration=\\d+\\.\\d{3}s in=\\d+ out=\\d+ tls=no$`));
    } finally {
      d.server.close();
    }
  });

  it('AUTHENTICATE: a 70,000-octet response line is a BAD, the session goes on; a failed one logs the authentication id', async () => {
    const user = addUser('SHA512', 'sasl-pw');
    const d = await inetdOf('imapd', writeConfig('r-sasl', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      c.sock.write('U1 AUTHENTICATE PLAIN\r\n');
      assert.equal(await c.line(), '+ ');
      assert.equal(await c.cmd('A'.repeat(70_000)), 'U1 BAD Line too long');
      assert.deepEqual(await c.tagged('U2', 'NOOP'), ['U2 OK NOOP completed']);
      const ir = Buffer.from(`\0${user}\0wrong`).toString('base64');
      assert.deepEqual(await c.tagged('U3', `AUTHENTICATE PLAIN ${ir}`), ['U3 NO [AUTHENTICATIONFAILED] Authentication failed']);
      await c.tagged('U4', 'LOGOUT');
      const child = lastChild(d.children);
      assert.equal(await exitCode(child), 0);
      const lines = await linesOf(child.pid);
      assert.ok(lines.some((l) => l.endsWith(`: Login failed user=${user} auth=PLAIN host=[127.0.0.1]`)), lines.join('\n'));
    } finally {
      d.server.close();
    }
  });

  it('the selected mailbox deleted or renamed by this session: * OK [CLOSED], the session goes on', async () => {
    const user = addUser('SHA512', 'vanish-pw');
    const d = await inetdOf('imapd', writeConfig('r-own', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      await c.tagged('v1', `LOGIN ${user} vanish-pw`);
      await c.tagged('v2', 'CREATE saved');
      assert.match((await c.tagged('v3', 'SELECT saved')).pop() ?? '', /^v3 OK \[READ-WRITE\]/);
      assert.deepEqual(await c.tagged('v4', 'DELETE saved'), ['* OK [CLOSED] Selected mailbox closed', 'v4 OK DELETE completed']);
      assert.deepEqual(await c.tagged('v5', 'NOOP'), ['v5 OK NOOP completed']);
      assert.deepEqual(await c.tagged('v6', 'FETCH 1 FLAGS'), ['v6 BAD Command FETCH invalid in authenticated state']);
      await c.tagged('v7', 'CREATE other');
      assert.match((await c.tagged('v8', 'SELECT other')).pop() ?? '', /^v8 OK /);
      assert.deepEqual(await c.tagged('v9', 'RENAME other moved'), ['* OK [CLOSED] Selected mailbox closed', 'v9 OK RENAME completed']);
      assert.deepEqual(await c.tagged('v10', 'STATUS moved (MESSAGES)'), ['* STATUS "moved" (MESSAGES 0)', 'v10 OK STATUS completed']);
      assert.deepEqual(await c.tagged('v11', 'LOGOUT'), ['* BYE IMAP4rev1 server terminating connection', 'v11 OK LOGOUT completed']);
      assert.equal(await exitCode(lastChild(d.children)), 0);
    } finally {
      d.server.close();
    }
  });

  it('the selected mailbox deleted by another session or renamed by another program: * BYE, a tagged reply, exit 0', async () => {
    const user = addUser('SHA512', 'other-pw');
    const home = join(dir, 'home', user);
    const d = await inetdOf('imapd', writeConfig('r-other', ''));
    try {
      const a = await Client.connect(d.port);
      await a.line();
      await a.tagged('a1', `LOGIN ${user} other-pw`);
      const childA = lastChild(d.children);
      await a.tagged('a2', 'CREATE saved');
      assert.match((await a.tagged('a3', 'SELECT saved')).pop() ?? '', /^a3 OK /);
      const b = await Client.connect(d.port);
      await b.line();
      await b.tagged('b1', `LOGIN ${user} other-pw`);
      assert.deepEqual(await b.tagged('b2', 'DELETE saved'), ['b2 OK DELETE completed']);
      await b.tagged('b3', 'LOGOUT');
      assert.deepEqual(await a.tagged('a4', 'NOOP'), [
        '* BYE [ALERT] Mailbox saved was deleted or renamed',
        'a4 NO [UNAVAILABLE] NOOP cannot complete: the selected mailbox is gone',
      ]);
      assert.equal(await a.line(), null, 'the connection ends after the BYE');
      assert.equal(await exitCode(childA), 0);
      const lines = await linesOf(childA.pid);
      assert.match(lines[lines.length - 1] ?? '', new RegExp(`: Disconnected \\(mailbox gone\\) user=${user} `));

      // Another program moves the file away while a session has it selected.
      const c = await Client.connect(d.port);
      await c.line();
      await c.tagged('c1', `LOGIN ${user} other-pw`);
      const childC = lastChild(d.children);
      await c.tagged('c2', 'CREATE other');
      await c.tagged('c3', 'SELECT other');
      renameSync(join(home, 'other'), join(home, 'other.bak'));
      const r = await c.tagged('c4', 'UID FETCH 1:* FLAGS');
      assert.deepEqual(r, ['* BYE [ALERT] Mailbox other was deleted or renamed',
        'c4 NO [UNAVAILABLE] UID FETCH cannot complete: the selected mailbox is gone']);
      assert.equal(await exitCode(childC), 0);
      rmSync(join(home, 'other.bak'));
    } finally {
      d.server.close();
    }
  });
});

describe('ipop3d: no session ends silently', () => {
  it('AUTH PLAIN: a 70,000-octet response line is refused once and the session goes on', async () => {
    const user = addUser('SHA512', 'pop-pw');
    const d = await inetdOf('ipop3d', writeConfig('r-pop', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      assert.equal(await c.cmd('AUTH PLAIN'), '+ ');
      assert.equal(await c.cmd('A'.repeat(70_000)), '-ERR Command line too long');
      assert.equal(await c.cmd('NOOP'), '-ERR NOOP not valid before login');
      const ir = Buffer.from(`\0${user}\0wrong`).toString('base64');
      assert.equal(await c.cmd(`AUTH PLAIN ${ir}`), '-ERR [AUTH] Bad authentication');
      assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
      assert.match((await c.cmd('PASS pop-pw')) ?? '', /^\+OK Mailbox open, 1 messages$/);
      assert.equal(await c.cmd('QUIT'), '+OK Sayonara');
      const child = lastChild(d.children);
      assert.equal(await exitCode(child), 0);
      const lines = await linesOf(child.pid);
      assert.ok(lines.some((l) => l.endsWith(`: Login failed user=${user} auth=PLAIN host=[127.0.0.1]`)), lines.join('\n'));
      assert.match(lines[lines.length - 1] ?? '', new RegExp(`: Logout user=${user} host=\\[127\\.0\\.0\\.1\\] duration=\\d+\\.\\d{3}s in=\\d+ out=\\d+ tls=no$`));
    } finally {
      d.server.close();
    }
  });

  it('QUIT that cannot lock the maildrop: -ERR [SYS/TEMP] naming no path, nothing deleted, the failure logged', async () => {
    const user = addUser('SHA512', 'lock-pw');
    const box = join(spool, user);
    const d = await inetdOf('ipop3d', writeConfig('r-lock', 'lock_timeout_s = 1\n'));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      await c.cmd(`USER ${user}`);
      assert.match((await c.cmd('PASS lock-pw')) ?? '', /^\+OK Mailbox open, 1 messages$/);
      assert.equal(await c.cmd('DELE 1'), '+OK Message deleted');
      const before = readFileSync(box);
      assert.match(before.toString('latin1'), /\nhello\n/);
      // A live process (this test) holds the maildrop's dotlock: the update cannot take its write lock.
      writeFileSync(`${box}.lock`, `${process.pid}\n`);
      const reply = (await c.cmd('QUIT')) ?? '';
      unlinkSync(`${box}.lock`);
      assert.equal(reply, '-ERR [SYS/TEMP] Mailbox not updated; messages marked deleted were kept');
      assert.doesNotMatch(reply, new RegExp(spool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const child = lastChild(d.children);
      assert.equal(await exitCode(child), 0);
      assert.deepEqual(readFileSync(box), before, 'nothing deleted');
      const lines = await linesOf(child.pid);
      assert.ok(lines.some((l) => l.includes(`: Update failed user=${user} `)), lines.join('\n'));
      assert.match(lines[lines.length - 1] ?? '', new RegExp(`: Disconnected \\(update failed\\) user=${user} `));
    } finally {
      d.server.close();
    }
  });
});
