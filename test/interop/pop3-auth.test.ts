/**
 * ipop3d started as inetd starts it: as root, with the accepted TCP connection on fds 0, 1 and 2. Throwaway
 * system users get passwords in every scheme chpasswd writes (and bcrypt); the right password logs in and the
 * session then runs with the user's uid, gid and groups (read from /proc); a wrong one fails after the configured
 * delay, and three end the session; a locked account fails. CRAM-MD5 and APOP are checked against digests computed
 * here; a cram-md5.pwd readable by others is refused. STLS works with a certificate made by openssl, TLS 1.1 is
 * refused. Syslog lines arrive on a test socket, and fail2ban's own uwimap-auth filter matches our failures.
 * Nothing but protocol bytes ever reaches the client.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addUser, Client, dir, inetd as inetdOf, lastChild, logLines, procStatus, run, setup, spool, tag, teardown, withInput,
  writeConfig,
} from './inetd-harness.js';

const inetd = (config: string, flags: string[] = []): ReturnType<typeof inetdOf> => inetdOf('ipop3d', config, flags);
before(setup);
after(teardown);


describe('ipop3d as inetd starts it', () => {
  for (const scheme of ['YESCRYPT', 'SHA512', 'SHA256', 'MD5', 'BCRYPT']) {
    it(`${scheme}: the right password logs in and the session runs as the user`, async () => {
      const password = `pw-${scheme}-Ünï`;
      const user = addUser(scheme, password);
      const d = await inetd(writeConfig(`c-${scheme}`, ''));
      try {
        const c = await Client.connect(d.port);
        assert.match((await c.line()) ?? '', /^\+OK POP3 \S+ 2007f\.ts-\S+ server ready$/);
        assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
        assert.equal(await c.cmd(`PASS ${password}`), '+OK Mailbox open, 1 messages');
        const pid = lastChild(d.children).pid as number;
        const uid = execFileSync('id', ['-u', user]).toString().trim();
        const gid = execFileSync('id', ['-g', user]).toString().trim();
        const groups = execFileSync('id', ['-G', user]).toString().trim().split(' ').sort().join(' ');
        const st = procStatus(pid);
        assert.equal(st.uid, `${uid} ${uid} ${uid} ${uid}`);
        assert.equal(st.gid, `${gid} ${gid} ${gid} ${gid}`);
        assert.equal(st.groups.split(' ').sort().join(' '), groups);
        // The message as served (CRLF), plus UW's Status: line (12 octets).
        assert.equal(await c.cmd('STAT'), `+OK 1 ${Buffer.byteLength(`Subject: for ${user}\r\n\r\nhello\r\n`) + 12}`);
        assert.equal(await c.cmd('QUIT'), '+OK Sayonara');
        c.end();
        // What the session created after the login belongs to the user: its control directory (0700) and the
        // maildrop's POP3 lock file in it; nothing in the shared journal directory.
        const home = join(dir, 'home', user);
        const ctl = statSync(join(home, '.uwimap-ts'));
        assert.deepEqual([String(ctl.uid), String(ctl.gid), (ctl.mode & 0o7777).toString(8)], [uid, gid, '700']);
        const key = createHash('sha256').update(realpathSync(join(spool, user))).digest('hex').slice(0, 32);
        const lock = statSync(join(home, '.uwimap-ts', `pop3.${key}`));
        assert.deepEqual([String(lock.uid), String(lock.gid), (lock.mode & 0o777).toString(8)], [uid, gid, '600']);
        const box = statSync(join(spool, user));
        assert.deepEqual(readdirSync(join(dir, 'tmp')).filter((f) => f.includes(`.${box.dev}.${box.ino}.`)), []);
      } finally {
        d.server.close();
      }
    });
  }

  it('no certificate configured: no STLS offered, plain sessions still work', async () => {
    const user = addUser('SHA512', 'plain-password');
    const conf = writeConfig('c-nocert', '');
    writeFileSync(conf, readFileSync(conf, 'latin1').replace(/^tls_(cert|key) = .*\n/gm, ''));
    const d = await inetd(conf);
    try {
      const c = await Client.connect(d.port);
      await c.line();
      assert.equal(await c.cmd('CAPA'), '+OK Capability list follows:');
      const capa = await c.multi();
      assert.ok(!capa.includes('STLS') && capa.includes('USER'), capa.join(','));
      assert.equal(await c.cmd('STLS'), '-ERR STLS not available');
      await c.cmd(`USER ${user}`);
      assert.equal(await c.cmd('PASS plain-password'), '+OK Mailbox open, 1 messages');
      await c.cmd('QUIT');
    } finally {
      d.server.close();
    }
  });

  it('a wrong password fails after the delay; the third failure ends the session; a locked account fails', async () => {
    const user = addUser('YESCRYPT', 'right');
    const d = await inetd(writeConfig('c-wrong', ''));
    try {
      const c = await Client.connect(d.port);
      await c.line();
      for (let i = 1; i <= 3; i++) {
        assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
        const t0 = Date.now();
        assert.equal(await c.cmd('PASS wrong'), '-ERR [AUTH] Bad login');
        assert.ok(Date.now() - t0 >= 280, 'the failure delay applies');
      }
      assert.equal(await c.line(), '-ERR Too many login failures, goodbye');
      assert.equal(await c.line(), null, 'then the connection is closed');
      execFileSync('usermod', ['-L', user]);
      const c2 = await Client.connect(d.port);
      await c2.line();
      await c2.cmd(`USER ${user}`);
      assert.equal(await c2.cmd('PASS right'), '-ERR [AUTH] Bad login');
      c2.end();
    } finally {
      d.server.close();
    }
    // Syslog got UW's line, and fail2ban's own filter for UW imapd/ipop3d matches it.
    await new Promise((r) => setTimeout(r, 200));
    const failed = logLines.filter((l) => l.includes(`Login failed user=${user} `));
    assert.ok(failed.length >= 4, logLines.join('\n'));
    assert.match(failed[0] ?? '', /^<22>\w{3} [ \d]\d \d\d:\d\d:\d\d ipop3d\[\d+\]: Login failed user=\S+ auth=LOGIN host=\[127\.0\.0\.1\]$/);
    const asWritten = failed.map((l) => l.replace(/^<\d+>(\w{3} [ \d]\d \d\d:\d\d:\d\d) /, '$1 testhost ')).join('\n') + '\n';
    writeFileSync(join(dir, 'auth.log'), asWritten);
    const f2b = await run('fail2ban-regex', [join(dir, 'auth.log'), '/etc/fail2ban/filter.d/uwimap-auth.conf']);
    const matched = /Lines: \d+ lines, \d+ ignored, (\d+) matched/.exec(f2b.stdout)?.[1];
    assert.equal(Number(matched), failed.length, f2b.stdout);
    assert.ok(!logLines.some((l) => l.includes('right') || l.includes('wrong')), 'no password in the logs');
  });

  it('APOP and AUTH CRAM-MD5 against cram-md5.pwd, digests computed here', async () => {
    const user = addUser('SHA512', 'system-password');
    writeFileSync(join(dir, 'cram-md5.pwd'), `# secrets\n${user}\tshared-secret\n`);
    chmodSync(join(dir, 'cram-md5.pwd'), 0o600);
    const d = await inetd(writeConfig('c-cram', ''));
    try {
      const c = await Client.connect(d.port);
      const greeting = (await c.line()) ?? '';
      const stamp = /(<[^>]+>)$/.exec(greeting)?.[1];
      assert.ok(stamp, `APOP stamp in ${greeting}`);
      const digest = createHash('md5').update(stamp + 'shared-secret').digest('hex');
      assert.equal(await c.cmd(`APOP ${user} ${digest}`), '+OK Mailbox open, 1 messages');
      await c.cmd('QUIT');
      const c2 = await Client.connect(d.port);
      await c2.line();
      const ch = (await c2.cmd('AUTH CRAM-MD5')) ?? '';
      assert.match(ch, /^\+ \S+$/);
      const challenge = Buffer.from(ch.slice(2), 'base64').toString('latin1');
      assert.match(challenge, /^<[0-9a-f]+\.[0-9a-f]+@\S+>$/);
      const resp = `${user} ${createHmac('md5', 'shared-secret').update(challenge).digest('hex')}`;
      assert.equal(await c2.cmd(Buffer.from(resp).toString('base64')), '+OK Mailbox open, 1 messages');
      await c2.cmd('QUIT');
      // UW's rule: a user in cram-md5.pwd logs in with that password for plaintext too.
      const c3 = await Client.connect(d.port);
      await c3.line();
      await c3.cmd(`USER ${user}`);
      assert.equal(await c3.cmd('PASS shared-secret'), '+OK Mailbox open, 1 messages');
      await c3.cmd('QUIT');
    } finally {
      d.server.close();
    }
  });

  it('refuses a cram-md5.pwd that others can read: no APOP, no CRAM-MD5, and says why in the log', async () => {
    writeFileSync(join(dir, 'cram-md5.pwd'), `someone\tsecret\n`);
    chmodSync(join(dir, 'cram-md5.pwd'), 0o644);
    const d = await inetd(writeConfig('c-unsafe', ''));
    try {
      const c = await Client.connect(d.port);
      assert.doesNotMatch((await c.line()) ?? '', /</);
      assert.equal(await c.cmd('APOP someone 0123456789abcdef0123456789abcdef'), '-ERR Not supported');
      assert.equal(await c.cmd('CAPA'), '+OK Capability list follows:');
      const capa = await c.multi();
      assert.ok(capa.includes('SASL PLAIN LOGIN'), capa.join(','));
      assert.ok(capa.includes('STLS'));
      await c.cmd('QUIT');
    } finally {
      d.server.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(logLines.some((l) => /cram-md5\.pwd/.test(l) && /group|other|mode|refus/i.test(l)), logLines.join('\n'));
  });

  it('STLS with a certificate made by openssl (Python ssl); TLS 1.1 refused', async () => {
    const user = addUser('SHA256', 'tls-password');
    const d = await inetd(writeConfig('c-tls', ''));
    try {
      const script = `
import socket, ssl, sys
def session(maxv):
    s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
    f = s.makefile('rb')
    f.readline()
    s.sendall(b'STLS\\r\\n')
    ok = f.readline().decode().strip()
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    ctx.check_hostname = False
    if maxv:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers('DEFAULT@SECLEVEL=0')
    try:
        t = ctx.wrap_socket(s)
    except Exception as e:
        return [ok, 'handshake failed']
    tf = t.makefile('rb')
    t.sendall(b'USER ' + sys.argv[3].encode() + b'\\r\\n')
    a = tf.readline().decode().strip()
    t.sendall(b'PASS tls-password\\r\\n')
    b = tf.readline().decode().strip()
    t.sendall(b'QUIT\\r\\n')
    return [ok, t.version(), a, b, tf.readline().decode().strip()]
import json
print(json.dumps([session(False), session(True)]))
`;
      const { stdout } = await run('python3', ['-c', script, String(d.port), join(dir, 'cert.pem'), user]);
      const [good, old] = JSON.parse(stdout) as string[][];
      assert.deepEqual(good, ['+OK Begin TLS negotiation', good?.[1], '+OK User name accepted, password please',
        '+OK Mailbox open, 1 messages', '+OK Sayonara']);
      assert.match(good?.[1] ?? '', /^TLSv1\.[23]$/);
      assert.deepEqual(old, ['+OK Begin TLS negotiation', 'handshake failed']);
      // And openssl's own client: STLS, then a session over TLS; TLS 1.1 refused by us.
      const s = await withInput('openssl', ['s_client', '-starttls', 'pop3', '-connect', `127.0.0.1:${d.port}`, '-crlf',
        '-quiet', '-CAfile', join(dir, 'cert.pem')], `USER ${user}\nPASS tls-password\nSTAT\nQUIT\n`);
      assert.match(s.stdout, /\+OK User name accepted, password please\r\n\+OK Mailbox open, 1 messages\r\n\+OK 1 \d+\r\n\+OK Sayonara\r\n/);
      const old11 = await withInput('openssl', ['s_client', '-starttls', 'pop3', '-connect', `127.0.0.1:${d.port}`,
        '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'], 'QUIT\n');
      assert.notEqual(old11.code, 0, 'TLS 1.1 handshake refused');
    } finally {
      d.server.close();
    }
  });

  it('implicit TLS (pop3s, -S): the handshake comes first, then the greeting and a login', async () => {
    const user = addUser('YESCRYPT', 'pop3s-password');
    const d = await inetd(writeConfig('c-pop3s', ''), ['-S']);
    try {
      const script = `
import socket, ssl, sys, json
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.check_hostname = False
t = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
f = t.makefile('rb')
out = [t.version(), f.readline().decode().strip()]
for line in [b'USER ' + sys.argv[3].encode(), b'PASS pop3s-password', b'QUIT']:
    t.sendall(line + b'\\r\\n')
    out.append(f.readline().decode().strip())
print(json.dumps(out))
`;
      const { stdout } = await run('python3', ['-c', script, String(d.port), join(dir, 'cert.pem'), user]);
      const r = JSON.parse(stdout) as string[];
      assert.match(r[0] ?? '', /^TLSv1\.[23]$/);
      assert.match(r[1] ?? '', /^\+OK POP3 /);
      assert.deepEqual(r.slice(2), ['+OK User name accepted, password please', '+OK Mailbox open, 1 messages', '+OK Sayonara']);
    } finally {
      d.server.close();
    }
  });

  it('PAM as the checker (auth_checker = pam): right password logs in, an expired account does not', async () => {
    const user = addUser('SHA512', 'pam-password');
    const service = `uwimap-test-${tag}`;
    writeFileSync(`/etc/pam.d/${service}`, 'auth required pam_unix.so nodelay\naccount required pam_unix.so\n');
    try {
      const d = await inetd(writeConfig('c-pam', `auth_checker = pam\npam_service_pop = ${service}\n`));
      try {
        const c = await Client.connect(d.port);
        await c.line();
        await c.cmd(`USER ${user}`);
        assert.equal(await c.cmd('PASS pam-password'), '+OK Mailbox open, 1 messages');
        await c.cmd('QUIT');
        execFileSync('chage', ['-E', '0', user]);
        const c2 = await Client.connect(d.port);
        await c2.line();
        await c2.cmd(`USER ${user}`);
        assert.equal(await c2.cmd('PASS pam-password'), '-ERR [AUTH] Bad login');
        c2.end();
      } finally {
        d.server.close();
      }
    } finally {
      rmSync(`/etc/pam.d/${service}`, { force: true });
    }
  });

  it('a broken configuration: the client gets -ERR and nothing else; the reason goes to the log', async () => {
    const bad = join(dir, 'c-broken');
    writeFileSync(bad, `syslog_socket = ${join(dir, 'log.sock')}\nno_such_key = 1\n`);
    const d = await inetd(bad);
    try {
      const c = await Client.connect(d.port);
      assert.equal(await c.line(), '-ERR [SYS/TEMP] Server configuration error');
      assert.equal(await c.line(), null);
    } finally {
      d.server.close();
    }
  });
});
