/**
 * Our service files run by the real superservers: Debian's xinetd with xinetd.d/{imap,imaps,pop3,pop3s}, Debian's
 * openbsd-inetd with the lines of inetd/inetd.conf (direct, and through tcpd with hosts.allow/hosts.deny), and the
 * systemd units (checked by `systemd-analyze verify`, then run the way systemd runs an Accept=yes socket by
 * `systemd-socket-activate --accept --inetd`). Python's imaplib and poplib log in as throwaway users over IMAP,
 * IMAPS, POP3 and POP3S and read the message put in their maildrop.
 *
 * How the files are made runnable here (port, address, `-c`, our programs) and the mount namespace each superserver
 * runs in: superserver-harness.ts.
 *
 * Also: a broken configuration or a missing certificate puts exactly the protocol's refusal on the wire and the
 * reason in the log; a client on another host (a network namespace joined by a veth pair) sees LOGINDISABLED and
 * has plaintext logins refused until it starts TLS.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addUser, dir, logLines, ROOT, run, setup, spool, tag, teardown, writeConfig } from './inetd-harness.js';
import {
  freePorts, makePrograms, SBIN, type ServiceName, SHIPPED_SBIN, startSuperserver, startXinetd, type Superserver,
} from './superserver-harness.js';

before(async () => {
  await setup();
  makePrograms();
});
after(teardown);

/** Where test/setup-system.sh unpacks Debian's openbsd-inetd (it conflicts with xinetd, so it is not installed). */
const OPENBSD_INETD = '/opt/uwimap-ts-test/openbsd-inetd/usr/sbin/inetd';
const CERT = join(dir, 'cert.pem');

/** A throwaway user with a password and one message in the maildrop whose text is `body` (CRLF, as served). */
function mailUser(password: string): { user: string; password: string; body: string } {
  const user = addUser('SHA512', password);
  const body = `superserver test for ${user} ${randomUUID()}\r\nsecond line\r\n`;
  // The maildrop exists (USER:mail 0660): rewriting it keeps its owner and mode.
  writeFileSync(join(spool, user), `From a@example.org Sat Nov 21 12:00:00 2026\nSubject: superservers\n\n${body.replace(/\r\n/g, '\n')}\n`);
  return { user, password, body };
}

/** A Python client (imaplib or poplib) that logs in and reads message 1's text; prints what it saw as JSON. */
const CLIENT = `
import imaplib, json, poplib, socket, ssl, sys
a = json.loads(sys.argv[1])
socket.setdefaulttimeout(20)
if a.get('source'):
    _cc = socket.create_connection
    def cc(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, *rest):
        return _cc(address, timeout, (a['source'], 0), *rest)
    socket.create_connection = cc
ctx = ssl.create_default_context(cafile=a['cafile'])
ctx.check_hostname = False
out = {}
host, port, tls = a['host'], a['port'], a['tls']
if a['proto'] == 'imap':
    c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx) if tls == 'implicit' else imaplib.IMAP4(host, port)
    out['greeting'] = c.welcome.decode()
    out['caps'] = sorted(c.capabilities)
    if a.get('tryPlain'):
        try:
            c.login(a['user'], a['password'])
            out['plain'] = 'accepted'
        except imaplib.IMAP4.error as e:
            out['plain'] = str(e)
    if tls == 'starttls':
        c.starttls(ssl_context=ctx)
        out['capsTls'] = sorted(c.capabilities)
    if tls != 'none':
        out['tlsVersion'] = c.sock.version()
    out['login'] = c.login(a['user'], a['password'])[0]
    c.select('INBOX', readonly=True)
    out['body'] = c.fetch('1', '(BODY.PEEK[TEXT])')[1][0][1].decode()
    c.logout()
else:
    c = poplib.POP3_SSL(host, port, context=ctx) if tls == 'implicit' else poplib.POP3(host, port)
    out['greeting'] = c.getwelcome().decode()
    out['caps'] = sorted(c.capa().keys())
    if a.get('tryPlain'):
        try:
            c.user(a['user'])
            out['plain'] = 'accepted'
        except poplib.error_proto as e:
            out['plain'] = e.args[0].decode()
    if tls == 'starttls':
        c.stls(context=ctx)
        out['capsTls'] = sorted(c.capa().keys())
    if tls != 'none':
        out['tlsVersion'] = c.sock.version()
    c.user(a['user'])
    out['login'] = c.pass_(a['password']).decode()
    lines = [l.decode() for l in c.retr(1)[1]]
    out['body'] = ''.join(l + '\\r\\n' for l in lines[lines.index('') + 1:])
    c.quit()
print(json.dumps(out))
`;

interface ClientResult {
  greeting: string;
  caps: string[];
  capsTls?: string[];
  plain?: string;
  tlsVersion?: string;
  login: string;
  body: string;
}

type Proto = 'imap' | 'pop3';
type Tls = 'none' | 'implicit' | 'starttls';

async function pyClient(a: { proto: Proto; tls: Tls; port: number; host?: string; source?: string; tryPlain?: boolean; netns?: string },
  u: { user: string; password: string }): Promise<ClientResult> {
  const args = JSON.stringify({ host: '127.0.0.1', ...a, user: u.user, password: u.password, cafile: CERT });
  const argv = ['python3', '-c', CLIENT, args];
  const { stdout } = a.netns ? await run('ip', ['netns', 'exec', a.netns, ...argv], { timeout: 60_000 })
    : await run(argv[0] as string, argv.slice(1), { timeout: 60_000 });
  return JSON.parse(stdout) as ClientResult;
}

/** Logs in over `proto`/`tls` and checks the greeting, TLS and the message text read back. */
async function readsMail(proto: Proto, tls: Tls, port: number, u: { user: string; password: string; body: string },
  extra: { source?: string } = {}): Promise<void> {
  const r = await pyClient({ proto, tls, port, ...extra }, u);
  const what = `${proto} ${tls} on ${port}: ${JSON.stringify(r)}`;
  if (proto === 'imap') {
    assert.match(r.greeting, /^\* OK \[CAPABILITY IMAP4rev1 /, what);
    assert.equal(r.login, 'OK', what);
    assert.ok(!r.caps.includes('LOGINDISABLED'), `loopback: plaintext allowed: ${what}`);
    assert.equal(r.caps.includes('STARTTLS'), tls !== 'implicit', `STARTTLS offered only outside TLS: ${what}`);
    assert.ok(!(r.capsTls ?? []).includes('STARTTLS'), `STARTTLS no longer offered after it: ${what}`);
  } else {
    assert.match(r.greeting, /^\+OK POP3 \S+ 2007f\.ts-\S+ server ready$/, what);
    assert.equal(r.login, '+OK Mailbox open, 1 messages', what);
    assert.equal(r.caps.includes('STLS'), tls !== 'implicit', `STLS offered only outside TLS: ${what}`);
    assert.ok(!(r.capsTls ?? []).includes('STLS'), `STLS no longer offered after it: ${what}`);
  }
  if (tls === 'implicit') assert.match(r.tlsVersion ?? '', /^TLSv1\.[23]$/, what);
  assert.equal(r.body, u.body, what);
}

/** All bytes a client that sends nothing receives until the server closes (also after a reset). */
function bytesUntilClose(port: number, host = '127.0.0.1', localAddress?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    s.setTimeout(15_000, () => s.destroy(new Error(`nothing happened on port ${port} in 15 s`)));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNRESET') reject(e);
    });
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const logged = async (pattern: RegExp): Promise<string> => {
  for (let i = 0; i < 50; i++) {
    const l = logLines.find((x) => pattern.test(x));
    if (l !== undefined) return l;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no log line matches ${pattern}:\n${logLines.join('\n')}`);
};

// ---- xinetd ----

const SERVICES: readonly { name: ServiceName; proto: Proto; implicit: boolean }[] = [
  { name: 'imap', proto: 'imap', implicit: false }, { name: 'imaps', proto: 'imap', implicit: true },
  { name: 'pop3', proto: 'pop3', implicit: false }, { name: 'pop3s', proto: 'pop3', implicit: true },
];

describe('xinetd with xinetd.d/*', () => {
  it('the shipped files: off by default, Red Hat headers, stream/nowait/root, our programs, -S for TLS, IPv6 flag', () => {
    for (const s of SERVICES) {
      const t = readFileSync(join(ROOT, 'xinetd.d', s.name), 'utf8');
      assert.match(t, /^# default: off$/m);
      assert.match(t, /^# description: \S/m);
      assert.match(t, new RegExp(`^service ${s.name}$`, 'm'));
      for (const [k, v] of [['disable', 'yes'], ['socket_type', 'stream'], ['wait', 'no'], ['user', 'root'], ['flags', 'IPv6'],
        ['server', `${SHIPPED_SBIN}${s.proto === 'imap' ? 'imapd' : 'ipop3d'}`]]) {
        assert.match(t, new RegExp(`^\\s*${k}\\s*=\\s*${v}$`, 'm'), `${s.name}: ${k}`);
      }
      assert.match(t, /^\s*log_on_failure\s*\+=.*\bUSERID\b/m);
      assert.equal(/^\s*server_args\s*=\s*-S$/m.test(t), s.implicit, s.name);
    }
  });

  it('IMAP, IMAPS, POP3 and POP3S: LOGIN as a system user and the message read back', async () => {
    const u = mailUser('xinetd-password');
    const ports = await freePorts(4);
    const config = writeConfig('x-ok', '');
    const x = await startXinetd(SERVICES.map((s, i) => ({ name: s.name, port: ports[i] as number, config })));
    try {
      await logged(/xinetd\[\d+\]: Started working: 4 available services/);
      for (const [i, s] of SERVICES.entries()) await readsMail(s.proto, s.implicit ? 'implicit' : 'none', ports[i] as number, u);
      // STARTTLS/STLS on the plain services too.
      await readsMail('imap', 'starttls', ports[0] as number, u);
      await readsMail('pop3', 'starttls', ports[2] as number, u);
      // The sessions logged in through xinetd's IPv6 socket see the IPv4 client as it is.
      await logged(new RegExp(`imapd\\[\\d+\\]: Login user=${u.user} host=\\[127\\.0\\.0\\.1\\]`));
    } finally {
      await x.stop();
    }
  });

  it('a broken configuration: exactly * BYE / -ERR on the wire (also on the TLS ports), the reason in the log', async () => {
    const ports = await freePorts(8);
    const badKey = join(dir, `x-badkey-${randomUUID()}.conf`);
    writeFileSync(badKey, `spool_dir = ${spool}\nno_such_key_${tag} = 1\n`);
    const missing = `/nonexistent-dir-${randomUUID()}/uwimap-ts.conf`;
    const x = await startXinetd([
      ...SERVICES.map((s, i) => ({ name: s.name, port: ports[i] as number, config: badKey })),
      ...SERVICES.map((s, i) => ({ name: s.name, port: ports[i + 4] as number, config: missing, id: `${s.name}-missing` })),
    ]);
    try {
      for (const [i, s] of [...SERVICES, ...SERVICES].entries()) {
        const got = await bytesUntilClose(ports[i] as number);
        const want = s.proto === 'imap' ? '* BYE Server configuration error\r\n' : '-ERR [SYS/TEMP] Server configuration error\r\n';
        assert.equal(got.toString('latin1'), want, `${s.name} with ${i < 4 ? 'a bad key' : 'a missing file'}`);
      }
      await logged(new RegExp(`imapd\\[\\d+\\]: configuration: .*no_such_key_${tag}`));
      await logged(new RegExp(`ipop3d\\[\\d+\\]: configuration: .*no_such_key_${tag}`));
      const dirName = missing.split('/')[1] ?? '';
      await logged(new RegExp(`imapd\\[\\d+\\]: configuration: .*${dirName}.*no such file`));
      await logged(new RegExp(`ipop3d\\[\\d+\\]: configuration: .*${dirName}.*no such file`));
    } finally {
      await x.stop();
    }
  });

  it('imaps and pop3s without their certificate: nothing on the wire (no TLS to speak), the reason in the log', async () => {
    const ports = await freePorts(2);
    // writeConfig's file names the test's certificate; this one names a file that is not there.
    const config = join(dir, 'x-nocert');
    writeFileSync(config, readFileSync(writeConfig('x-nocert', ''), 'utf8').replace(/^tls_cert = .*$/m, `tls_cert = /nonexistent-cert-${tag}.pem`)
      .replace(/^tls_key = .*$/m, `tls_key = /nonexistent-key-${tag}.pem`));
    const x = await startXinetd([{ name: 'imaps', port: ports[0] as number, config }, { name: 'pop3s', port: ports[1] as number, config }]);
    try {
      assert.equal((await bytesUntilClose(ports[0] as number)).toString('latin1'), '');
      assert.equal((await bytesUntilClose(ports[1] as number)).toString('latin1'), '');
      await logged(new RegExp(`imapd\\[\\d+\\]: imaps: TLS failed host=\\[127\\.0\\.0\\.1\\]: .*nonexistent-cert-${tag}`));
      await logged(new RegExp(`ipop3d\\[\\d+\\]: pop3s: TLS failed host=\\[127\\.0\\.0\\.1\\]: .*nonexistent-cert-${tag}`));
    } finally {
      await x.stop();
    }
  });
});

// ---- openbsd-inetd and tcpd ----

/** The lines of inetd/inetd.conf: the active ones (direct) or the commented-out tcpd block. */
function inetdLines(kind: 'direct' | 'tcpd'): Map<ServiceName, string> {
  const out = new Map<ServiceName, string>();
  for (const line of readFileSync(join(ROOT, 'inetd', 'inetd.conf'), 'utf8').split('\n')) {
    const m = /^(#?)(imap|imaps|pop3|pop3s)\s+(stream\s+tcp\s+nowait\s+root\s+.*)$/.exec(line);
    if (m && (m[1] === '#') === (kind === 'tcpd')) out.set(m[2] as ServiceName, m[3] as string);
  }
  return out;
}

/** An inetd.conf for openbsd-inetd: each shipped line on 127.0.0.1:port, our programs, `-c config` appended. */
function inetdConf(kind: 'direct' | 'tcpd', ports: number[], config: string): string {
  const lines = inetdLines(kind);
  return SERVICES.map((s, i) => {
    const rest = (lines.get(s.name) ?? '').replaceAll(SHIPPED_SBIN, `${SBIN}/`);
    return `127.0.0.1:${ports[i]} ${rest} -c ${config}\n`;
  }).join('');
}

describe('openbsd-inetd with inetd/inetd.conf', () => {
  it('the shipped lines: imap imaps pop3 pop3s, stream tcp nowait root, direct and through tcpd, -S for TLS', () => {
    const direct = inetdLines('direct');
    const tcpd = inetdLines('tcpd');
    for (const s of SERVICES) {
      const prog = s.proto === 'imap' ? 'imapd' : 'ipop3d';
      const S = s.implicit ? ' -S' : '';
      assert.match(direct.get(s.name) ?? '', new RegExp(`^stream\\s+tcp\\s+nowait\\s+root\\s+${SHIPPED_SBIN}${prog}\\s+${prog}${S}$`), s.name);
      assert.match(tcpd.get(s.name) ?? '', new RegExp(`^stream\\s+tcp\\s+nowait\\s+root\\s+/usr/sbin/tcpd\\s+${SHIPPED_SBIN}${prog}${S}$`), s.name);
    }
  });

  it('IMAP, IMAPS, POP3 and POP3S: LOGIN as a system user and the message read back', async () => {
    const u = mailUser('inetd-password');
    const ports = await freePorts(4);
    const conf = join(dir, 'inetd-direct.conf');
    writeFileSync(conf, inetdConf('direct', ports, writeConfig('o-ok', '')));
    const d = await startSuperserver([OPENBSD_INETD, '-d', conf], ports);
    try {
      for (const [i, s] of SERVICES.entries()) await readsMail(s.proto, s.implicit ? 'implicit' : 'none', ports[i] as number, u);
      await readsMail('imap', 'starttls', ports[0] as number, u);
    } finally {
      await d.stop();
    }
  });

  it('through tcpd: hosts.deny refuses a client (closed, no greeting, logged as imapd/ipop3d), hosts.allow lets one in', async () => {
    const u = mailUser('tcpd-password');
    const ports = await freePorts(4);
    const conf = join(dir, 'inetd-tcpd.conf');
    writeFileSync(conf, inetdConf('tcpd', ports, writeConfig('o-tcpd', '')));
    const d = await startSuperserver([OPENBSD_INETD, '-d', conf], ports, {
      allow: 'imapd ipop3d: 127.0.0.2\n', deny: 'imapd ipop3d: ALL\n',
    });
    try {
      for (const [i, s] of SERVICES.entries()) {
        assert.equal((await bytesUntilClose(ports[i] as number, '127.0.0.1', '127.0.0.1')).toString('latin1'), '', `${s.name} from 127.0.0.1`);
        await readsMail(s.proto, s.implicit ? 'implicit' : 'none', ports[i] as number, u, { source: '127.0.0.2' });
      }
      await logged(/imapd\[\d+\]: refused connect from 127\.0\.0\.1/);
      await logged(/ipop3d\[\d+\]: refused connect from 127\.0\.0\.1/);
    } finally {
      await d.stop();
    }
  });
});

// ---- systemd ----

const UNITS: readonly { unit: string; port: number; proto: Proto; implicit: boolean }[] = [
  { unit: 'imapd', port: 143, proto: 'imap', implicit: false }, { unit: 'imaps', port: 993, proto: 'imap', implicit: true },
  { unit: 'ipop3d', port: 110, proto: 'pop3', implicit: false }, { unit: 'pop3s', port: 995, proto: 'pop3', implicit: true },
];

/** `Key=value` settings of one section of a unit file (the last one wins, as systemd takes them). */
function unitSection(text: string, section: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) cur = s[1] as string;
    else if (cur === section) {
      const eq = line.indexOf('=');
      out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  return out;
}

describe('systemd units', () => {
  it('systemd-analyze verify accepts each socket with its service, without a warning', async () => {
    const unitDir = mkdtempSync(join(dir, 'units-'));
    for (const u of UNITS) {
      for (const f of [`${u.unit}.socket`, `${u.unit}@.service`]) {
        writeFileSync(join(unitDir, f), readFileSync(join(ROOT, 'systemd', f), 'utf8').replaceAll(SHIPPED_SBIN, `${SBIN}/`));
      }
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn('systemd-analyze', ['verify', '--man=no', join(unitDir, `${u.unit}.socket`), join(unitDir, `${u.unit}@.service`)],
          { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (b: Buffer) => (out += b.toString()));
        p.stderr.on('data', (b: Buffer) => (out += b.toString()));
        p.on('close', (code) => resolve({ code, out }));
      });
      assert.deepEqual(r, { code: 0, out: '' }, u.unit);
    }
  });

  it('the units: Accept=yes on the service port, the socket as stdin/stdout, stderr not to the client, root', () => {
    for (const u of UNITS) {
      const sock = unitSection(readFileSync(join(ROOT, 'systemd', `${u.unit}.socket`), 'utf8'), 'Socket');
      assert.equal(sock.get('ListenStream'), String(u.port), u.unit);
      assert.equal(sock.get('Accept'), 'yes', u.unit);
      const svc = unitSection(readFileSync(join(ROOT, 'systemd', `${u.unit}@.service`), 'utf8'), 'Service');
      const prog = u.proto === 'imap' ? 'imapd' : 'ipop3d';
      assert.equal(svc.get('ExecStart'), `${SHIPPED_SBIN}${prog}${u.implicit ? ' -S' : ''}`, u.unit);
      assert.equal(svc.get('StandardInput'), 'socket', u.unit);
      assert.equal(svc.get('StandardOutput'), 'socket', u.unit);
      assert.equal(svc.get('StandardError'), 'journal', u.unit);
      assert.equal(svc.get('User') ?? 'root', 'root', u.unit);
      // What would break sessions: homes hidden, a private /var/tmp (journals), no setgid helper, no JIT.
      for (const k of ['ProtectHome', 'PrivateTmp', 'NoNewPrivileges', 'MemoryDenyWriteExecute', 'DynamicUser']) {
        assert.ok(['no', 'false', undefined].includes(svc.get(k)), `${u.unit}: ${k}`);
      }
      assert.ok(!['strict'].includes(svc.get('ProtectSystem') ?? ''), u.unit);
    }
  });

  it('run as systemd runs them (systemd-socket-activate --accept --inetd with ExecStart): LOGIN and the message read back', async () => {
    const u = mailUser('systemd-password');
    const ports = await freePorts(4);
    const config = writeConfig('s-ok', '');
    const servers: Superserver[] = [];
    try {
      for (const [i, unit] of UNITS.entries()) {
        const svc = unitSection(readFileSync(join(ROOT, 'systemd', `${unit.unit}@.service`), 'utf8'), 'Service');
        const exec = (svc.get('ExecStart') ?? '').replaceAll(SHIPPED_SBIN, `${SBIN}/`).split(/\s+/);
        servers.push(await startSuperserver(['systemd-socket-activate', '--accept', '--inetd', '-l', `127.0.0.1:${ports[i]}`,
          ...exec, '-c', config], [ports[i] as number]));
      }
      for (const [i, unit] of UNITS.entries()) await readsMail(unit.proto, unit.implicit ? 'implicit' : 'none', ports[i] as number, u);
    } finally {
      for (const s of servers) await s.stop();
    }
  });
});

// ---- a client on another host ----

describe('a client that is not on loopback (a network namespace behind a veth pair)', () => {
  it('LOGINDISABLED and LOGIN/USER refused until STARTTLS/STLS, then the login works (xinetd, xinetd.d/imap and pop3)', async () => {
    const pid = process.pid;
    const ns = `uwss${pid}`;
    const hostIf = `uwssh${pid}`;
    const nsIf = `uwssn${pid}`;
    // A /30 of our own in 10.254/16, chosen by pid so that parallel runs do not collide.
    const net = `10.254.${(pid >> 6) % 256}.${(pid % 64) * 4}`;
    const [a, b, c, dd] = net.split('.').map(Number) as [number, number, number, number];
    const hostAddr = `${a}.${b}.${c}.${dd + 1}`;
    const nsAddr = `${a}.${b}.${c}.${dd + 2}`;
    let x: Superserver | null = null;
    try {
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
      await run('ip', ['link', 'set', nsIf, 'netns', ns]);
      await run('ip', ['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
      await run('ip', ['link', 'set', hostIf, 'up']);
      await run('ip', ['-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf]);
      await run('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const u = mailUser('remote-password');
      const ports = await freePorts(2);
      const config = writeConfig('n-remote', '');
      x = await startXinetd([{ name: 'imap', port: ports[0] as number, config }, { name: 'pop3', port: ports[1] as number, config }], hostAddr);
      // The address must be up before anything can listen on it; a veth comes up at once once both ends are up.
      const imap = await pyClient({ proto: 'imap', tls: 'starttls', port: ports[0] as number, host: hostAddr, tryPlain: true, netns: ns }, u);
      assert.ok(imap.caps.includes('LOGINDISABLED') && imap.caps.includes('STARTTLS'), JSON.stringify(imap));
      assert.ok(!imap.caps.some((cap) => cap === 'AUTH=PLAIN' || cap === 'AUTH=LOGIN'), JSON.stringify(imap));
      assert.match(imap.plain ?? '', /PRIVACYREQUIRED/, JSON.stringify(imap));
      assert.ok(!(imap.capsTls ?? ['LOGINDISABLED']).includes('LOGINDISABLED'), JSON.stringify(imap));
      assert.equal(imap.login, 'OK');
      assert.equal(imap.body, u.body);
      const pop = await pyClient({ proto: 'pop3', tls: 'starttls', port: ports[1] as number, host: hostAddr, tryPlain: true, netns: ns }, u);
      assert.equal(pop.plain, '-ERR [AUTH] Plaintext logins are not allowed without TLS', JSON.stringify(pop));
      assert.ok(!pop.caps.includes('USER') && pop.caps.includes('STLS'), JSON.stringify(pop));
      assert.ok((pop.capsTls ?? []).includes('USER'), JSON.stringify(pop));
      assert.equal(pop.login, '+OK Mailbox open, 1 messages');
      assert.equal(pop.body, u.body);
      await logged(new RegExp(`imapd\\[\\d+\\]: Login user=${u.user} host=\\[${nsAddr.replace(/\./g, '\\.')}\\]`));
    } finally {
      await x?.stop();
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await run('ip', ['link', 'del', hostIf]).catch(() => undefined);
    }
  });
});

