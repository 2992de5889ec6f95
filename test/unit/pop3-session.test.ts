/**
 * Pop3Session policies that need no real server around them: plaintext logins refused where the backend says so
 * (an unencrypted connection from another host: no USER in CAPA, USER/PASS and AUTH PLAIN refused), autologout
 * after the configured silence, and the login failure limit.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { LineInput } from '../../lib/io/input.js';
import { ResponseSink } from '../../lib/io/sink.js';
import { systemClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { Pop3Session, type Pop3Backend, type Pop3Options } from '../../lib/pop3/session.js';
import { MailboxError } from '../../lib/mailbox/driver.js';

function harness(backend: Partial<Pop3Backend>, opts: Partial<Pop3Options> = {}) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const logger = new MemoryLogger();
  const full: Pop3Backend = {
    apopStamp: null,
    plaintextAllowed: () => true,
    mechanisms: () => ['PLAIN', 'LOGIN'],
    login: async () => ({ ok: false, reason: 'bad-password', detail: 'x' }),
    apop: async () => ({ ok: false, reason: 'bad-password', detail: 'x' }),
    sasl: () => null,
    loginFailed: async () => false,
    openMaildrop: async () => {
      throw new MailboxError('IO', 'not in this test');
    },
    tls: null,
    ...backend,
  };
  const session = new Pop3Session(new LineInput(toServer, 1024), new ResponseSink(fromServer), full, {
    hostname: 'test.example', version: 'v', uidlFormat: 'uw', statusHeader: true, maxBadCommands: 20,
    loginTimeoutS: 600, timeoutS: 600, logger, clock: systemClock, sessionId: 't', clientHost: '[192.0.2.9]',
    implicitTls: false, ...opts,
  });
  let out = '';
  fromServer.on('data', (d: Buffer) => {
    out += d.toString('latin1');
  });
  return { toServer, session, logger, output: () => out };
}

describe('POP3 session policies', () => {
  it('without TLS from another host: no USER in CAPA, no plaintext SASL, USER/PASS refused', async () => {
    const h = harness({ plaintextAllowed: () => false, mechanisms: () => ['CRAM-MD5'] });
    const done = h.session.run();
    h.toServer.end('CAPA\r\nUSER bob\r\nPASS secret\r\nAUTH PLAIN\r\nQUIT\r\n');
    await done;
    assert.equal(h.output(), '+OK POP3 test.example v server ready\r\n' +
      '+OK Capability list follows:\r\nTOP\r\nUIDL\r\nSASL CRAM-MD5\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n' +
      'IMPLEMENTATION uwimap-ts v\r\n.\r\n' +
      '-ERR [AUTH] Plaintext logins are not allowed without TLS\r\n' +
      '-ERR [AUTH] Plaintext logins are not allowed without TLS\r\n' +
      '-ERR Unsupported authentication mechanism\r\n' +
      '+OK Sayonara\r\n');
  });

  it('autologout after the configured silence, logged as UW logs it', async () => {
    const h = harness({}, { loginTimeoutS: 0.2 });
    const t0 = Date.now();
    await h.session.run();
    assert.ok(Date.now() - t0 >= 180);
    assert.equal(h.output(), '+OK POP3 test.example v server ready\r\n-ERR Autologout; idle for too long\r\n');
    // UW's line, then how long the session lasted, the bytes each way and whether TLS was on.
    const lines = h.logger.lines.map((l) => l.message);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^Autologout user=\?\?\? host=\[192\.0\.2\.9\] duration=\d+\.\d{3}s in=0 out=74 tls=no$/);
    h.toServer.end();
  });

  it('ends the session when the backend says the failures are exhausted', async () => {
    let n = 0;
    const h = harness({ loginFailed: async () => ++n >= 2 });
    const done = h.session.run();
    h.toServer.write('USER a\r\nPASS x\r\nUSER a\r\nPASS y\r\nUSER a\r\n');
    await done;
    assert.equal(h.output(), '+OK POP3 test.example v server ready\r\n' +
      '+OK User name accepted, password please\r\n-ERR [AUTH] Bad login\r\n' +
      '+OK User name accepted, password please\r\n-ERR [AUTH] Bad login\r\n-ERR Too many login failures, goodbye\r\n');
    const lines = h.logger.lines.map((l) => l.message);
    assert.deepEqual(lines.slice(0, 2),
      ['Login failed user=a auth=LOGIN host=[192.0.2.9]', 'Login failed user=a auth=LOGIN host=[192.0.2.9]']);
    assert.equal(lines.length, 3);
    assert.match(lines[2] ?? '', /^Disconnected \(too many login failures\) user=\?\?\? host=\[192\.0\.2\.9\] duration=\d+\.\d{3}s in=40 out=205 tls=no$/);
    h.toServer.end();
  });
});
