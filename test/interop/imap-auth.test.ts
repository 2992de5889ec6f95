/**
 * imapd started as inetd starts it (root, the socket on fds 0-2): `* OK [CAPABILITY ...]`, LOGIN and AUTHENTICATE
 * PLAIN with an initial response (SASL-IR) as throwaway users, the session then running as the user (a mailbox it
 * creates belongs to the user), failures with the delay and UW's log line (matched by fail2ban's uwimap-auth
 * filter), STARTTLS with openssl s_client, implicit TLS (imaps) with Python's ssl, UW's alert file, a broken
 * configuration answered with `* BYE` only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addUser, Client, dir, inetd as inetdOf, lastChild, logLines, procStatus, run, setup, teardown, withInput,
  writeConfig,
} from './inetd-harness.js';

const inetd = (config: string, flags: string[] = []): ReturnType<typeof inetdOf> => inetdOf('imapd', config, flags);
before(setup);
after(teardown);

describe('imapd as inetd starts it', () => {
  it('LOGIN: greeting with capabilities, the session runs as the user, CREATE makes a file the user owns', async () => {
    const user = addUser('YESCRYPT', 'imap-password');
    const d = await inetd(writeConfig('i-login', `alert_file = ${join(dir, 'imapd.alert')}\n`));
    writeFileSync(join(dir, 'imapd.alert'), 'Maintenance tonight at 22:00\n');
    try {
      const c = await Client.connect(d.port);
      const greeting = (await c.line()) ?? '';
      assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*STARTTLS[^\]]*AUTH=PLAIN AUTH=LOGIN\] \S+ IMAP4rev1 \S+ server ready$/);
      assert.doesNotMatch(greeting, /LOGINDISABLED/, 'plaintext allowed from loopback');
      const r = await c.tagged('a1', `LOGIN ${user} imap-password`);
      assert.deepEqual(r.slice(0, -1), ['* OK [ALERT] Maintenance tonight at 22:00']);
      assert.match(r[r.length - 1] ?? '', /^a1 OK \[CAPABILITY IMAP4rev1 [^\]]*\] LOGIN completed$/);
      const st = procStatus(lastChild(d.children).pid as number);
      const uid = execFileSync('id', ['-u', user]).toString().trim();
      assert.equal(st.uid, `${uid} ${uid} ${uid} ${uid}`);
      const sel = await c.tagged('a2', 'SELECT INBOX');
      assert.ok(sel.includes('* 1 EXISTS'), sel.join('\n'));
      const created = await c.tagged('a3', 'CREATE saved');
      assert.equal(created.length, 1, created.join('\n'));
      assert.match(created[0] ?? '', new RegExp(`^a3 OK \\[MAILBOXID \\(F[0-9]+u${uid}\\)\\] CREATE completed$`), 'RFC 8474 §4.1');
      const f = statSync(join(dir, 'home', user, 'saved'));
      assert.equal(String(f.uid), uid, 'a mailbox the session creates belongs to the user');
      assert.deepEqual(await c.tagged('a4', 'LOGOUT'), ['* BYE IMAP4rev1 server terminating connection', 'a4 OK LOGOUT completed']);
    } finally {
      d.server.close();
    }
  });

  it('AUTHENTICATE PLAIN with an initial response; a wrong password fails after the delay and is logged', async () => {
    const user = addUser('SHA512', 'sasl-password');
    const d = await inetd(writeConfig('i-sasl', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      const ir = Buffer.from(`\0${user}\0sasl-password`).toString('base64');
      const ok = await c.tagged('b1', `AUTHENTICATE PLAIN ${ir}`);
      assert.match(ok[ok.length - 1] ?? '', /^b1 OK \[CAPABILITY [^\]]*\] AUTHENTICATE completed$/);
      await c.tagged('b2', 'LOGOUT');
      const c2 = await Client.connect(d.port);
      await c2.line();
      const t0 = Date.now();
      assert.deepEqual(await c2.tagged('b3', `LOGIN ${user} wrong`), ['b3 NO [AUTHENTICATIONFAILED] Authentication failed']);
      assert.ok(Date.now() - t0 >= 280);
      await c2.tagged('b4', 'LOGOUT');
    } finally {
      d.server.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    const failed = logLines.filter((l) => l.includes(`Login failed user=${user} `));
    assert.equal(failed.length, 1, logLines.join('\n'));
    assert.match(failed[0] ?? '', /imapd\[\d+\]: Login failed user=\S+ auth=LOGIN host=\[127\.0\.0\.1\]$/);
    writeFileSync(join(dir, 'imap-auth.log'), failed.map((l) => l.replace(/^<\d+>(\w{3} [ \d]\d \d\d:\d\d:\d\d) /, '$1 testhost ')).join('\n') + '\n');
    const f2b = await run('fail2ban-regex', [join(dir, 'imap-auth.log'), '/etc/fail2ban/filter.d/uwimap-auth.conf']);
    assert.match(f2b.stdout, /Lines: 1 lines, 0 ignored, 1 matched/);
  });

  it('STARTTLS with openssl s_client, then LOGIN over TLS; implicit TLS (-S) with Python ssl', async () => {
    const user = addUser('SHA256', 'tls-imap');
    const d = await inetd(writeConfig('i-tls', ''));
    try {
      const s = await withInput('openssl', ['s_client', '-starttls', 'imap', '-connect', `127.0.0.1:${d.port}`, '-crlf',
        '-quiet', '-CAfile', join(dir, 'cert.pem')], `t1 LOGIN ${user} tls-imap\nt2 LOGOUT\n`);
      assert.match(s.stdout, /t1 OK \[CAPABILITY [^\]]*\] LOGIN completed\r\n\* BYE [^\r]*\r\nt2 OK LOGOUT completed\r\n/);
    } finally {
      d.server.close();
    }
    const d2 = await inetd(writeConfig('i-imaps', ''), ['-S']);
    try {
      const script = `
import socket, ssl, sys, json
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.check_hostname = False
t = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
f = t.makefile('rb')
out = [t.version(), f.readline().decode().strip()]
t.sendall(b'x1 LOGIN ' + sys.argv[3].encode() + b' tls-imap\\r\\n')
out.append(f.readline().decode().strip())
print(json.dumps(out))
`;
      const { stdout } = await run('python3', ['-c', script, String(d2.port), join(dir, 'cert.pem'), user]);
      const r = JSON.parse(stdout) as string[];
      assert.match(r[0] ?? '', /^TLSv1\.[23]$/);
      assert.match(r[1] ?? '', /^\* OK \[CAPABILITY IMAP4rev1 /);
      assert.doesNotMatch(r[1] ?? '', /STARTTLS/, 'no STARTTLS inside TLS');
      assert.match(r[2] ?? '', /^x1 OK \[CAPABILITY [^\]]*\] LOGIN completed$/);
    } finally {
      d2.server.close();
    }
  });

  it('while the nologin file exists, nobody logs in (UW)', async () => {
    const user = addUser('SHA512', 'nologin-password');
    writeFileSync(join(dir, 'nologin'), 'System maintenance\n');
    const d = await inetd(writeConfig('i-nologin', `nologin_file = ${join(dir, 'nologin')}\n`));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      assert.deepEqual(await c.tagged('n1', `LOGIN ${user} nologin-password`), ['n1 NO [AUTHENTICATIONFAILED] Authentication failed']);
      await c.tagged('n2', 'LOGOUT');
    } finally {
      d.server.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(logLines.some((l) => l.includes(`Login disabled user=${user} `)), logLines.join('\n'));
  });

  it('a broken configuration: * BYE and nothing else', async () => {
    const bad = join(dir, 'i-broken');
    writeFileSync(bad, 'not a key line\n');
    const d = await inetd(bad);
    try {
      const c = await Client.connect(d.port);
      assert.equal(await c.line(), '* BYE Server configuration error');
      assert.equal(await c.line(), null);
    } finally {
      d.server.close();
    }
  });
});
