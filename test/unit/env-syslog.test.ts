/**
 * The syslog logger: RFC 3164 datagrams byte for byte as a real AF_UNIX datagram listener receives them (sent by
 * python3 and, when built, by the native addon), control characters removed, long lines cut, and a broken syslog
 * that neither throws nor writes to fds 1 and 2. Also UW's `host=` form.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../../lib/env/env.js';
import type { LogLevel } from '../../lib/env/logger.js';
import {
  FACILITY_MAIL,
  formatHost,
  formatSyslogDatagram,
  MAX_DATAGRAM,
  sanitizeLogText,
  syslogTimestamp,
  SyslogLogger,
  type DatagramSend,
} from '../../lib/env/syslog.js';
import { dgramListener, nativeDgramSend, pythonDgramSend, tempDir, type LineChild } from '../fixtures/env/helpers.js';

// 2024-01-05 23:30:07 UTC; one hour east of UTC that is Jan 6, 00:30:07 local time.
const T = Date.UTC(2024, 0, 5, 23, 30, 7, 250);

describe('datagram format', () => {
  test('timestamps are local time, day padded with a space', () => {
    assert.equal(syslogTimestamp(T, 0), 'Jan  5 23:30:07');
    assert.equal(syslogTimestamp(T, 60), 'Jan  6 00:30:07');
    assert.equal(syslogTimestamp(T, -300), 'Jan  5 18:30:07');
    assert.equal(syslogTimestamp(Date.UTC(2023, 11, 31, 23, 59, 59), 1), 'Jan  1 00:00:59');
    assert.equal(syslogTimestamp(Date.UTC(2024, 10, 21, 9, 5, 3), 0), 'Nov 21 09:05:03');
  });

  test('PRI is mail (2) * 8 + severity', () => {
    const pri: [LogLevel, number][] = [
      ['err', 19],
      ['warning', 20],
      ['notice', 21],
      ['info', 22],
      ['debug', 23],
    ];
    for (const [level, n] of pri) {
      const d = formatSyslogDatagram({
        facility: FACILITY_MAIL,
        level,
        time: T,
        zone: 60,
        ident: 'imapd',
        pid: 4242,
        message: 'Login user=fred host=localhost [127.0.0.1]',
      });
      assert.equal(
        d.toString('latin1'),
        `<${n}>Jan  6 00:30:07 imapd[4242]: Login user=fred host=localhost [127.0.0.1]`,
      );
    }
  });

  test('control characters are removed (no forged lines)', () => {
    assert.equal(sanitizeLogText('plain text'), 'plain text');
    assert.equal(
      sanitizeLogText('fred\r\nLogin user=root host=x [10.0.0.1]\t\0\x1b[31m\x7f\u0085\u2028\u2029!'),
      'fredLogin user=root host=x [10.0.0.1][31m!',
    );
    const d = formatSyslogDatagram({
      facility: FACILITY_MAIL,
      level: 'notice',
      time: T,
      zone: 0,
      ident: 'ipop3d',
      pid: 1,
      message: 'Login failed user=a\nb auth=c\r host=\0d',
    });
    assert.equal(d.toString('latin1'), '<21>Jan  5 23:30:07 ipop3d[1]: Login failed user=ab auth=c host=d');
  });

  test('a long line is cut to 1024 bytes at a character boundary', () => {
    const base = { facility: FACILITY_MAIL, level: 'info', time: T, zone: 0, ident: 'imapd', pid: 7 } as const;
    const ascii = formatSyslogDatagram({ ...base, message: 'x'.repeat(5000) });
    assert.equal(ascii.length, MAX_DATAGRAM);
    for (const filler of ['é', '€', '😀']) {
      for (let pad = 0; pad < 4; pad++) {
        const d = formatSyslogDatagram({ ...base, message: 'a'.repeat(pad) + filler.repeat(2000) });
        assert.ok(d.length <= MAX_DATAGRAM && d.length > MAX_DATAGRAM - 4, `length ${d.length}`);
        assert.ok(Buffer.from(d.toString('utf8'), 'utf8').equals(d), 'a character was split');
      }
    }
    const small = formatSyslogDatagram({ ...base, message: 'y'.repeat(500) }, 100);
    assert.equal(small.length, 100);
  });
});

describe('sending to a real syslog socket', () => {
  const { dir, cleanup } = tempDir('uwimap-syslog-');
  const senders: { name: string; send: DatagramSend }[] = [{ name: 'python3', send: pythonDgramSend }];
  let nativeNote = '';
  before(async () => {
    const native = await nativeDgramSend();
    if ('send' in native) senders.push({ name: 'native addon', send: native.send });
    else nativeNote = native.missing;
  });
  after(cleanup);

  test('senders in use', (t) => {
    // Recorded in the test output: which real senders the datagram tests below ran with.
    const names = senders.map((s) => s.name).join(', ');
    t.diagnostic(`syslog senders: ${names}${nativeNote ? ` (native: ${nativeNote})` : ''}`);
    assert.ok(senders.length >= 1);
  });

  test('the listener receives exactly the formatted datagrams', async () => {
    for (const [i, sender] of senders.entries()) {
      const path = join(dir, `log${i}`);
      const listener: LineChild = dgramListener(path);
      try {
        await listener.waitForLines(1);
        const logger = new SyslogLogger({
          path,
          ident: 'imapd',
          pid: 31337,
          clock: fixedClock(T, 60),
          send: sender.send,
        });
        logger.log('info', 'Login user=fred host=localhost [127.0.0.1]');
        logger.log('err', 'bad\r\nline\u0000 here');
        logger.log('notice', 'Autologout user=fred host=[192.0.2.1]');
        logger.log('info', 'ü'.repeat(600));
        const got = (await listener.waitForLines(5)).slice(1).map((h) => Buffer.from(h, 'hex'));
        assert.deepEqual(
          got.slice(0, 3).map((b) => b.toString('latin1')),
          [
            '<22>Jan  6 00:30:07 imapd[31337]: Login user=fred host=localhost [127.0.0.1]',
            '<19>Jan  6 00:30:07 imapd[31337]: badline here',
            '<21>Jan  6 00:30:07 imapd[31337]: Autologout user=fred host=[192.0.2.1]',
          ],
          sender.name,
        );
        const long = got[3]!;
        // A 34-byte header leaves 990 bytes: 495 two-byte ü.
        assert.equal(long.length, MAX_DATAGRAM, sender.name);
        assert.equal(long.toString('utf8'), `<22>Jan  6 00:30:07 imapd[31337]: ${'ü'.repeat(495)}`);
        assert.equal(logger.dropped, 0);
      } finally {
        listener.kill();
      }
    }
  });

  test('a missing socket neither throws nor blocks: the line is dropped', () => {
    for (const sender of senders) {
      const logger = new SyslogLogger({
        path: join(dir, 'nobody-here'),
        ident: 'ipop3d',
        pid: 1,
        clock: fixedClock(T),
        send: sender.send,
      });
      logger.log('err', 'first');
      logger.log('info', 'second');
      assert.equal(logger.dropped, 2, sender.name);
      assert.equal(logger.lastErrno, constants.errno.ENOENT, sender.name);
    }
  });

  test('a socket nobody listens on any more: ECONNREFUSED, dropped', async () => {
    const path = join(dir, 'gone');
    const listener = dgramListener(path);
    await listener.waitForLines(1);
    listener.kill();
    await new Promise((resolve) => listener.proc.once('close', resolve));
    for (const sender of senders) {
      const logger = new SyslogLogger({ path, ident: 'imapd', pid: 1, clock: fixedClock(T), send: sender.send });
      logger.log('info', 'into the void');
      assert.equal(logger.dropped, 1, sender.name);
      assert.equal(logger.lastErrno, constants.errno.ECONNREFUSED, sender.name);
    }
  });
});

describe('SyslogLogger', () => {
  test('levels below the threshold are not sent', () => {
    const sent: string[] = [];
    const logger = new SyslogLogger({
      path: '/dev/log',
      ident: 'imapd',
      pid: 2,
      clock: fixedClock(T),
      send: (_p, d) => {
        sent.push(d.toString('latin1'));
        return 0;
      },
      level: 'notice',
    });
    for (const level of ['debug', 'info', 'notice', 'warning', 'err'] as const) logger.log(level, level);
    assert.deepEqual(
      sent.map((s) => s.slice(s.indexOf(': ') + 2)),
      ['notice', 'warning', 'err'],
    );
  });

  test('a send function or clock that throws does not reach the caller', () => {
    const logger = new SyslogLogger({
      path: '/dev/log',
      ident: 'imapd',
      pid: 2,
      clock: fixedClock(T),
      send: () => {
        throw new Error('boom');
      },
    });
    logger.log('err', 'x');
    assert.equal(logger.dropped, 1);
    assert.equal(logger.lastErrno, -1);
    const badClock = new SyslogLogger({
      path: '/dev/log',
      ident: 'imapd',
      pid: 2,
      clock: {
        now: () => {
          throw new Error('no time');
        },
        zoneAt: () => 0,
      },
      send: () => 0,
    });
    badClock.log('info', 'y');
    assert.equal(badClock.dropped, 1);
  });

  test('bad construction arguments are rejected at once', () => {
    const base = { path: '/dev/log', ident: 'imapd', pid: 1, clock: fixedClock(T), send: () => 0 };
    assert.throws(() => new SyslogLogger({ ...base, ident: 'im apd' }), TypeError);
    assert.throws(() => new SyslogLogger({ ...base, ident: 'x[1]:' }), TypeError);
    assert.throws(() => new SyslogLogger({ ...base, pid: -1 }), TypeError);
    assert.throws(() => new SyslogLogger({ ...base, facility: 24 }), TypeError);
    assert.throws(() => new SyslogLogger({ ...base, maxBytes: 10 }), TypeError);
  });

  test('a broken syslog writes nothing to fds 1 and 2', () => {
    const syslogJs = fileURLToPath(new URL('../../lib/env/syslog.js', import.meta.url));
    const envJs = fileURLToPath(new URL('../../lib/env/env.js', import.meta.url));
    const script = `
      const { SyslogLogger } = await import(${JSON.stringify(syslogJs)});
      const { systemClock } = await import(${JSON.stringify(envJs)});
      const loggers = [
        new SyslogLogger({ path: '/nonexistent/log', ident: 'imapd', pid: process.pid, clock: systemClock,
          send: () => 111 }),
        new SyslogLogger({ path: '/dev/log', ident: 'imapd', pid: process.pid, clock: systemClock,
          send: () => { throw new Error('syslog exploded'); } }),
      ];
      for (const l of loggers) for (let i = 0; i < 100; i++) l.log('err', 'line ' + i + '\\n');
      if (loggers.some((l) => l.dropped !== 100)) process.exitCode = 3;
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
  });
});

describe('formatHost (UW host= form)', () => {
  const rows: [string | null, string, string][] = [
    ['localhost', '127.0.0.1', 'localhost [127.0.0.1]'],
    ['mail.example.org', '2001:db8::25', 'mail.example.org [2001:db8::25]'],
    [null, '192.0.2.7', '[192.0.2.7]'],
    [null, '::ffff:192.0.2.7', '[192.0.2.7]'],
    ['h.example', '::FFFF:10.1.2.3', 'h.example [10.1.2.3]'],
    [null, 'fe80::1%eth0', '[fe80::1%eth0]'],
    // A PTR record is the address owner's to choose: one that is not a host name is not shown.
    ['evil [10.0.0.1]', '192.0.2.9', '[192.0.2.9]'],
    ['evil\nLogin', '192.0.2.9', '[192.0.2.9]'],
    ['', '192.0.2.9', '[192.0.2.9]'],
    [null, '1.2.3.4] [5.6.7.8', '[1.2.3.4???5.6.7.8]'],
  ];
  for (const [name, address, expected] of rows) {
    test(`${JSON.stringify(name)} ${address}`, () => assert.equal(formatHost(name, address), expected));
  }
});
