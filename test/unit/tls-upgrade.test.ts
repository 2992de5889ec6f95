/**
 * TLS for the servers against real clients: OpenSSL's s_client (certificates chosen by SNI, STARTTLS for IMAP and
 * POP3, TLS 1.0/1.1 refused by us and not by the client, the server's cipher order) and Python's ssl module
 * (verified handshakes and a line each way), an inetd-style child with the connection on fds 0-2, handshake
 * failures and timeouts, and createTlsOptions' handling of missing, unreadable and invalid files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, DEFAULT_TLS_CIPHERS, withOverrides, type Config } from '../../lib/env/config.js';
import {
  createTlsOptions,
  socketFromFd,
  TlsConfigError,
  TlsHandshakeError,
  upgradeToTls,
  type ReadFile,
  type TlsServerOptions,
} from '../../lib/io/tls.js';
import { openssl, python3, run, tempDir } from '../fixtures/env/helpers.js';

const INETD_CHILD = fileURLToPath(new URL('../fixtures/env/inetd-tls-server.js', import.meta.url));

const tmp = tempDir('uwimap-tls-');
const dir = tmp.dir;
/** Files made in before(): localhost (default), other.example and *.wild.example (SNI), and a combined PEM. */
const f = {
  cert: join(dir, 'localhost.crt'),
  key: join(dir, 'localhost.key'),
  otherCert: join(dir, 'other.crt'),
  otherKey: join(dir, 'other.key'),
  wildCert: join(dir, 'wild.crt'),
  wildKey: join(dir, 'wild.key'),
  combined: join(dir, 'combined.pem'),
};

async function makeCert(cn: string, keyFile: string, certFile: string): Promise<void> {
  const r = await run(openssl(), [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-days', '1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  await Promise.all([
    makeCert('localhost', f.key, f.cert),
    makeCert('other.example', f.otherKey, f.otherCert),
    makeCert('*.wild.example', f.wildKey, f.wildCert),
  ]);
  writeFileSync(f.combined, Buffer.concat([readFileSync(f.key), readFileSync(f.cert)]));
});
after(() => tmp.cleanup());

/** The test configuration: localhost by default, other.example and *.wild.example by SNI. */
function testConfig(extra: Partial<Config> = {}): Config {
  return withOverrides(DEFAULT_CONFIG, {
    tlsCert: f.cert,
    tlsKey: f.key,
    tlsSni: [
      { name: 'other.example', cert: f.otherCert, key: f.otherKey },
      { name: '*.wild.example', cert: f.wildCert, key: f.wildKey },
    ],
    ...extra,
  });
}

function options(extra: Partial<Config> = {}): TlsServerOptions {
  const o = createTlsOptions(testConfig(extra), 'imapd');
  assert.ok(o !== null);
  return o;
}

type Outcome =
  | {
      readonly ok: true;
      readonly protocol: string | null;
      readonly servername: string | null;
      readonly line: string | null;
    }
  | { readonly ok: false; readonly error: unknown };

/** Reads one CRLF line from `s` and stops reading; null at end of stream. Bytes after the line are dropped. */
function readLine(s: Socket): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = '';
    const finish = (v: string | null): void => {
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('close', onEnd);
      s.pause();
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) finish(buf.slice(0, nl));
    };
    const onEnd = (): void => finish(null);
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('close', onEnd);
    s.resume();
  });
}

/**
 * A server on 127.0.0.1 that upgrades each accepted connection with upgradeToTls: at once ('implicit', as imaps),
 * or after an IMAP `STARTTLS` / POP3 `STLS` ('starttls', answering CAPABILITY as s_client -starttls imap expects).
 * Once secure it sends `* secure PROTOCOL`, echoes one line and ends. Each connection's outcome is recorded.
 */
class TestServer {
  readonly outcomes: Outcome[] = [];
  #wake: (() => void) | null = null;
  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(opts: TlsServerOptions, mode: 'implicit' | 'starttls', timeoutMs?: number): Promise<TestServer> {
    let self: TestServer | null = null;
    const server = createServer((sock) => {
      sock.on('error', () => {});
      void TestServer.#session(sock, opts, mode, timeoutMs).then((o) => self?.record(o));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new TestServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  static async #session(sock: Socket, opts: TlsServerOptions, mode: string, timeoutMs?: number): Promise<Outcome> {
    try {
      if (mode === 'starttls') {
        sock.write('* OK test server ready\r\n');
        for (;;) {
          const line = await readLine(sock);
          if (line === null) throw new Error('client left before STARTTLS');
          const [tag = '', cmd = ''] = line.split(' ');
          if (line === 'STLS') {
            await new Promise<void>((r) => sock.write('+OK Begin TLS negotiation\r\n', () => r()));
            break;
          }
          if (cmd.toUpperCase() === 'STARTTLS') {
            await new Promise<void>((r) => sock.write(`${tag} OK Begin TLS negotiation now\r\n`, () => r()));
            break;
          }
          if (cmd.toUpperCase() === 'CAPABILITY') {
            sock.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`);
          } else {
            sock.write(`${tag} BAD unknown\r\n`);
          }
        }
      }
      const secure = await upgradeToTls(sock, opts, timeoutMs);
      secure.on('error', () => {});
      secure.write(`* secure ${secure.getProtocol() ?? '?'}\r\n`);
      const line = await readLine(secure);
      if (line === null) secure.end();
      else secure.end(`* echo ${line}\r\n`);
      const servername = typeof secure.servername === 'string' ? secure.servername : null;
      return { ok: true, protocol: secure.getProtocol(), servername, line };
    } catch (error) {
      sock.destroy();
      return { ok: false, error };
    }
  }

  /** Internal: called by the accept handler. */
  record(o: Outcome): void {
    this.outcomes.push(o);
    this.#wake?.();
  }

  /** The outcome of the n-th connection (0-based), waiting for it. */
  async outcome(n: number, timeoutMs = 10_000): Promise<Outcome> {
    const deadline = Date.now() + timeoutMs;
    while (this.outcomes.length <= n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no outcome for connection ${n}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.outcomes[n]!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Runs `openssl s_client` against `port` with stdin closed; returns its exit code, peer CN, protocol and cipher. */
async function sClient(port: number, args: readonly string[]): Promise<{
  code: number | null;
  cn: string | null;
  protocol: string | null;
  cipher: string | null;
  output: string;
}> {
  const r = await run(openssl(), ['s_client', '-connect', `127.0.0.1:${port}`, ...args]);
  const output = r.stdout + r.stderr;
  const cn = /^subject=.*CN ?= ?([^,\n]+)/m.exec(output)?.[1]?.trim() ?? null;
  // "New, TLSv1.0, Cipher is X" names the cipher's version; the session's protocol is in the SSL-Session block,
  // which s_client leaves out for TLS 1.3 when stdin ends at once (the cipher line is right there).
  const newLine = /^New, (\S+), Cipher is (\S+)/m.exec(output);
  const protocol = /^\s*Protocol\s*:\s*(\S+)/m.exec(output)?.[1] ?? newLine?.[1] ?? null;
  const cipher = newLine?.[2] ?? null;
  return { code: r.code, cn, protocol, cipher, output };
}

/**
 * A Python ssl client: connects (for 'starttls' reads the greeting, sends `a STARTTLS`, reads the answer), then
 * makes a verifying TLS connection (CA `cafile`, check_hostname off) asking for `servername`, reads one line,
 * sends `hello over tls`, and prints every line it read, the protocol and the peer certificate's CN.
 */
const PY_CLIENT = `
import socket, ssl, sys
port, cafile, servername, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
raw = socket.create_connection(('127.0.0.1', port), timeout=10)
def rawline():
    b = b''
    while not b.endswith(b'\\r\\n'):
        c = raw.recv(1)
        if not c:
            break
        b += c
    return b.decode().rstrip()
if mode == 'starttls':
    print('plain', rawline())
    raw.sendall(b'a STARTTLS\\r\\n')
    print('plain', rawline())
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False
t = ctx.wrap_socket(raw, server_hostname=servername)
cn = [v for rdn in t.getpeercert()['subject'] for (k, v) in rdn if k == 'commonName'][0]
print('version', t.version())
print('cn', cn)
tf = t.makefile('rb')
print('tls', tf.readline().decode().rstrip())
t.sendall(b'hello over tls\\r\\n')
print('tls', tf.readline().decode().rstrip())
`;

async function pyClient(port: number, cafile: string, servername: string, mode: 'implicit' | 'starttls') {
  return run(python3(), ['-c', PY_CLIENT, String(port), cafile, servername, mode]);
}

describe('certificates by SNI (openssl s_client)', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(options(), 'implicit');
  });
  after(() => server.close());

  const rows: [string[], string][] = [
    [['-noservername'], 'localhost'],
    [['-servername', 'other.example'], 'other.example'],
    [['-servername', 'OTHER.Example'], 'other.example'],
    [['-servername', 'unknown.example'], 'localhost'],
    [['-servername', 'imap.wild.example'], '*.wild.example'],
    [['-servername', 'a.b.wild.example'], 'localhost'],
    [['-servername', 'wild.example'], 'localhost'],
  ];
  let n = 0;
  for (const [args, cn] of rows) {
    test(`${args.join(' ')} -> CN=${cn}`, async () => {
      const r = await sClient(server.port, args);
      assert.equal(r.code, 0, r.output);
      assert.equal(r.cn, cn, r.output);
      assert.equal(r.protocol, 'TLSv1.3');
      const o = await server.outcome(n++);
      assert.ok(o.ok, o.ok ? '' : String(o.error));
    });
  }
});

describe('protocol versions and ciphers', () => {
  test('TLS 1.0 and 1.1 are refused by us, though the client is willing', async () => {
    // Control: a plain Node server that allows TLS 1.0 accepts exactly these clients, so the refusal below is ours.
    const lax = createTlsServer({
      cert: readFileSync(f.cert),
      key: readFileSync(f.key),
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    lax.on('secureConnection', (s: TLSSocket) => s.end());
    lax.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => lax.listen(0, '127.0.0.1', resolve));
    const server = await TestServer.start(options(), 'implicit');
    try {
      const laxPort = (lax.address() as AddressInfo).port;
      let n = 0;
      for (const [flag, version] of [
        ['-tls1', 'TLSv1'],
        ['-tls1_1', 'TLSv1.1'],
      ] as const) {
        const args = [flag, '-cipher', 'DEFAULT@SECLEVEL=0', '-noservername'];
        const control = await sClient(laxPort, args);
        assert.equal(control.code, 0, control.output);
        assert.equal(control.protocol, version, control.output);

        const r = await sClient(server.port, args);
        assert.notEqual(r.code, 0, r.output);
        assert.equal(r.cn, null, 'no certificate may have been presented');
        const o = await server.outcome(n++);
        assert.ok(!o.ok);
        assert.ok(o.error instanceof TlsHandshakeError, String(o.error));
        assert.match(`${o.error.code} ${o.error.message}`, /UNSUPPORTED_PROTOCOL|unsupported protocol/i);
      }
    } finally {
      await server.close();
      await new Promise((resolve) => lax.close(resolve));
    }
  });

  test('TLS 1.2 is accepted with the server cipher order; TLS 1.3 only when configured so', async () => {
    const server = await TestServer.start(options(), 'implicit');
    const strict = await TestServer.start(options({ tlsMinVersion: 'TLSv1.3' }), 'implicit');
    try {
      // The client prefers AES-256; our list puts ECDHE-RSA-AES128-GCM-SHA256 first for RSA keys.
      const r = await sClient(server.port, [
        '-tls1_2', '-noservername', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256',
      ]);
      assert.equal(r.code, 0, r.output);
      assert.equal(r.protocol, 'TLSv1.2');
      assert.equal(r.cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
      assert.ok(DEFAULT_TLS_CIPHERS.includes(r.cipher));

      // A client offering only a cipher outside our list gets nothing.
      assert.ok((await server.outcome(0)).ok);
      const weak = await sClient(server.port, ['-tls1_2', '-noservername', '-cipher', 'AES128-SHA']);
      assert.notEqual(weak.code, 0, weak.output);
      const refused = await server.outcome(1);
      assert.ok(!refused.ok && refused.error instanceof TlsHandshakeError);
      assert.match(refused.error.message, /no shared cipher/i);

      const s12 = await sClient(strict.port, ['-tls1_2', '-noservername']);
      assert.notEqual(s12.code, 0, s12.output);
      const s13 = await sClient(strict.port, ['-tls1_3', '-noservername']);
      assert.equal(s13.code, 0, s13.output);
      assert.equal(s13.protocol, 'TLSv1.3');
    } finally {
      await server.close();
      await strict.close();
    }
  });
});

describe('STARTTLS over an existing connection', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(options(), 'starttls');
  });
  after(() => server.close());
  let n = 0;

  test('openssl s_client -starttls imap, SNI other.example', async () => {
    const r = await sClient(server.port, ['-starttls', 'imap', '-servername', 'other.example']);
    assert.equal(r.code, 0, r.output);
    assert.equal(r.cn, 'other.example');
    const o = await server.outcome(n++);
    assert.ok(o.ok, o.ok ? '' : String(o.error));
    assert.equal(o.servername, 'other.example');
  });

  test('openssl s_client -starttls pop3', async () => {
    const r = await sClient(server.port, ['-starttls', 'pop3', '-noservername']);
    assert.equal(r.code, 0, r.output);
    assert.equal(r.cn, 'localhost');
    assert.ok((await server.outcome(n++)).ok);
  });

  test('Python ssl: verified handshake and a line each way', async () => {
    const r = await pyClient(server.port, f.otherCert, 'other.example', 'starttls');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'plain * OK test server ready',
      'plain a OK Begin TLS negotiation now',
      'version TLSv1.3',
      'cn other.example',
      'tls * secure TLSv1.3',
      'tls * echo hello over tls',
    ]);
    const o = await server.outcome(n++);
    assert.ok(o.ok);
    assert.equal(o.line, 'hello over tls');
  });
});

describe('implicit TLS with Python ssl', () => {
  test('verified against the self-signed certificate; a wrong CA fails verification', async () => {
    const server = await TestServer.start(options(), 'implicit');
    try {
      const r = await pyClient(server.port, f.cert, 'localhost', 'implicit');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        'version TLSv1.3',
        'cn localhost',
        'tls * secure TLSv1.3',
        'tls * echo hello over tls',
      ]);
      // Asking for other.example while trusting only localhost's certificate: verification must fail.
      const wrong = await pyClient(server.port, f.cert, 'other.example', 'implicit');
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /CERTIFICATE_VERIFY_FAILED/);
    } finally {
      await server.close();
    }
  });
});

describe('inetd: the connection on fds 0, 1 and 2', () => {
  test('socketFromFd(0) in a child started with the accepted socket as its stdio, STARTTLS, SNI', async () => {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const child = new Promise<{ code: number | null }>((resolve, reject) => {
      server.once('connection', (sock: Socket) => {
        const p = spawn(
          process.execPath,
          [INETD_CHILD, 'serve', f.cert, f.key, 'other.example', f.otherCert, f.otherKey],
          { stdio: [sock, sock, sock] },
        );
        p.once('error', reject);
        p.once('close', (code) => resolve({ code }));
        sock.destroy(); // our copy of the descriptor; the child has its own
      });
    });
    try {
      const r = await pyClient(port, f.otherCert, 'other.example', 'starttls');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        'plain * OK [127.0.0.1] ready',
        'plain a OK Begin TLS',
        'version TLSv1.3',
        'cn other.example',
        'tls * secure TLSv1.3 other.example',
        'tls * echo hello over tls',
      ]);
      assert.equal((await child).code, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('an AF_UNIX socketpair on fd 0 is a socket without an IP address', async () => {
    const r = await run(process.execPath, [INETD_CHILD, 'probe']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { kind: 'socket', remoteAddress: null, localAddress: null });
  });

  test('pipes, files, devices and closed fds are not sockets, and are left alone', async () => {
    const fifo = join(dir, 'fifo');
    const mk = await run('/usr/bin/mkfifo', [fifo]);
    assert.equal(mk.code, 0, mk.stderr);
    const cases: [string, string][] = [
      [fifo, 'a pipe'],
      [f.cert, 'a regular file'],
      ['/dev/null', 'a terminal or device'],
    ];
    for (const [path, what] of cases) {
      const fd = openSync(path, 'r+');
      try {
        assert.deepEqual(socketFromFd(fd), { kind: 'not-socket', reason: `fd ${fd} is ${what}` });
      } finally {
        closeSync(fd);
      }
    }
    const fd = openSync('/dev/null', 'r');
    closeSync(fd);
    assert.deepEqual(socketFromFd(fd), { kind: 'not-socket', reason: `fd ${fd} is not open (EBADF)` });
  });
});

describe('handshake failures', () => {
  test('a client that says nothing times out; the connection is closed', async () => {
    const server = await TestServer.start(options(), 'implicit', 300);
    try {
      const sock = await connectTo(server.port);
      const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      sock.resume();
      const o = await server.outcome(0);
      assert.ok(!o.ok);
      assert.ok(o.error instanceof TlsHandshakeError);
      assert.equal(o.error.code, 'ETIMEDOUT');
      await closed;
    } finally {
      await server.close();
    }
  });

  test('plaintext instead of a client hello fails the handshake', async () => {
    const server = await TestServer.start(options(), 'implicit');
    try {
      const sock = await connectTo(server.port);
      sock.on('error', () => {});
      sock.resume();
      sock.write('a LOGIN fred secret\r\n');
      const o = await server.outcome(0);
      assert.ok(!o.ok);
      assert.ok(o.error instanceof TlsHandshakeError, String(o.error));
      assert.notEqual(o.error.code, 'ETIMEDOUT');
      sock.destroy();
    } finally {
      await server.close();
    }
  });

  test('a client that leaves during the handshake', async () => {
    const server = await TestServer.start(options(), 'implicit');
    try {
      const sock = await connectTo(server.port);
      sock.end();
      const o = await server.outcome(0);
      assert.ok(!o.ok);
      assert.ok(o.error instanceof TlsHandshakeError);
      assert.equal(o.error.code, 'ECONNRESET');
    } finally {
      await server.close();
    }
  });
});

describe('upgradeToTls over a generic Duplex', () => {
  /** Two Duplex streams wired to each other, like a socketpair. */
  function duplexPair(): [Duplex, Duplex] {
    const ends: Duplex[] = [];
    const make = (other: () => Duplex): Duplex =>
      new Duplex({
        read() {},
        write(chunk: Buffer, _enc, cb) {
          other().push(chunk);
          cb();
        },
        final(cb) {
          other().push(null);
          cb();
        },
      });
    ends.push(make(() => ends[1]!), make(() => ends[0]!));
    return [ends[0]!, ends[1]!];
  }

  test('handshake with SNI and a line each way', async () => {
    const [serverEnd, clientEnd] = duplexPair();
    const serverSide = upgradeToTls(serverEnd, options());
    const client = tlsConnect({ socket: clientEnd, servername: 'other.example', ca: readFileSync(f.otherCert) });
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    });
    assert.equal(client.authorized, true, String(client.authorizationError));
    assert.equal(client.getPeerCertificate().subject.CN, 'other.example');
    const secure = await serverSide;
    secure.on('error', () => {});
    const got = new Promise<string>((resolve) => secure.once('data', (d: Buffer) => resolve(d.toString())));
    client.write('ping\r\n');
    assert.equal(await got, 'ping\r\n');
    const back = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
    secure.write('pong\r\n');
    assert.equal(await back, 'pong\r\n');
    client.destroy();
    secure.destroy();
  });
});

/** A plain TCP connection to 127.0.0.1:port. */
function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = netConnect(port, '127.0.0.1', () => resolve(c));
    c.once('error', reject);
  });
}

describe('createTlsOptions', () => {
  const enoent = (p: string): never => {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  };
  /** A readFile that serves `files` (path -> real file to read) and ENOENT for everything else. */
  const serving =
    (files: Record<string, string>): ReadFile =>
    (p) => {
      const real = files[p];
      return real === undefined ? enoent(p) : readFileSync(real);
    };

  test("UW's default certificate missing: null (no STARTTLS), for both services", () => {
    const asked: string[] = [];
    const readFile: ReadFile = (p) => {
      asked.push(p);
      return enoent(p);
    };
    assert.equal(createTlsOptions(DEFAULT_CONFIG, 'imapd', readFile), null);
    assert.equal(createTlsOptions(DEFAULT_CONFIG, 'ipop3d', readFile), null);
    assert.deepEqual(asked, ['/etc/ssl/certs/imapd.pem', '/etc/ssl/certs/ipop3d.pem']);
  });

  test("UW's default files are used, and a default key file missing means the key is in the certificate file", () => {
    const both = createTlsOptions(
      DEFAULT_CONFIG,
      'ipop3d',
      serving({ '/etc/ssl/certs/ipop3d.pem': f.cert, '/etc/ssl/private/ipop3d.pem': f.key }),
    );
    assert.ok(both !== null);
    assert.equal(both.certFile, '/etc/ssl/certs/ipop3d.pem');
    const combined = createTlsOptions(DEFAULT_CONFIG, 'imapd', serving({ '/etc/ssl/certs/imapd.pem': f.combined }));
    assert.ok(combined !== null);
    assert.throws(
      () => createTlsOptions(DEFAULT_CONFIG, 'imapd', serving({ '/etc/ssl/certs/imapd.pem': f.cert })),
      (e: unknown) =>
        e instanceof TlsConfigError &&
        e.message === '/etc/ssl/certs/imapd.pem holds no PEM private key (/etc/ssl/private/imapd.pem does not exist)',
    );
  });

  test('a configured certificate without a key: the key is in that file, not in the default key file', () => {
    const config = withOverrides(DEFAULT_CONFIG, { tlsCert: '/srv/both.pem' });
    const asked: string[] = [];
    const readFile: ReadFile = (p) => {
      asked.push(p);
      return serving({ '/srv/both.pem': f.combined, '/etc/ssl/private/imapd.pem': f.otherKey })(p);
    };
    assert.ok(createTlsOptions(config, 'imapd', readFile) !== null);
    assert.deepEqual(asked, ['/srv/both.pem']);
    assert.throws(
      () => createTlsOptions(withOverrides(DEFAULT_CONFIG, { tlsCert: f.cert }), 'imapd'),
      (e: unknown) =>
        e instanceof TlsConfigError &&
        /localhost\.crt holds no PEM private key \(tls_key is not set\)$/.test(e.message),
    );
  });

  test('a combined PEM really serves', async () => {
    const o = createTlsOptions(withOverrides(DEFAULT_CONFIG, { tlsCert: f.combined }), 'imapd');
    assert.ok(o !== null);
    const server = await TestServer.start(o, 'implicit');
    try {
      const r = await pyClient(server.port, f.cert, 'localhost', 'implicit');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^cn localhost$/m);
    } finally {
      await server.close();
    }
  });

  const errors: [string, Partial<Config>, ReadFile | undefined, RegExp][] = [
    ['a configured certificate that is missing', { tlsCert: '/nonexistent/c.pem' }, undefined,
      /^the TLS certificate \/nonexistent\/c\.pem does not exist$/],
    ['a configured key that is missing', { tlsKey: '/nonexistent/k.pem' }, undefined,
      /^the TLS key \/nonexistent\/k\.pem does not exist$/],
    ['an SNI certificate that is missing', { tlsSni: [{ name: 'x.example', cert: '/nonexistent/x.pem', key: null }] },
      undefined, /^the TLS certificate for x\.example \/nonexistent\/x\.pem does not exist$/],
    ['an unreadable certificate', {}, (p) => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
    }, /^cannot read the TLS certificate .*localhost\.crt: EACCES: permission denied/],
    ['a certificate file holding no certificate', { tlsCert: f.key }, undefined,
      /localhost\.key holds no PEM certificate$/],
    ['a key file holding no key', { tlsKey: f.cert }, undefined, /localhost\.crt holds no PEM private key$/],
    ['an SNI certificate without a key', { tlsSni: [{ name: 'x.example', cert: f.otherCert, key: null }] }, undefined,
      /other\.crt holds no PEM private key \(tls_key\.x\.example is not set\)$/],
    ['a key that does not match the certificate', { tlsKey: f.otherKey }, undefined,
      /^cannot use .*localhost\.crt and .*other\.key: .*key values mismatch/],
    ['an unknown cipher list', { tlsCiphers: 'NO-SUCH-CIPHER' }, undefined, /^cannot use .*: .*no cipher match/],
  ];
  for (const [what, extra, readFile, re] of errors) {
    test(`${what}: TlsConfigError`, () => {
      assert.throws(
        () => createTlsOptions(withOverrides(testConfig(), { tlsSni: [], ...extra }), 'imapd', readFile),
        (e: unknown) => {
          assert.ok(e instanceof TlsConfigError, String(e));
          assert.match(e.message, re);
          return true;
        },
      );
    });
  }

  test('the options list the SNI names and a handshake timeout', () => {
    const o = options();
    assert.deepEqual(o.sniNames, ['other.example', '*.wild.example']);
    assert.equal(o.handshakeTimeoutMs, 60_000);
    assert.ok(Object.isFrozen(o));
  });
});
