/**
 * The configuration file: defaults, every key, quoting and comments, errors reported with file:line, loading
 * (missing default file, missing explicit file) and command-line overrides.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CONFIG_KEYS,
  ConfigError,
  DEFAULT_CONFIG,
  DEFAULT_TLS_CIPHERS,
  formatProblem,
  tlsCertFile,
  tlsKeyFile,
  withOverrides,
  type Config,
} from '../../lib/env/config.js';
import type { LockName } from '../../lib/env/config-values.js';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from '../../lib/env/config-file.js';
import { ENV_FIXTURES, tempDir } from '../fixtures/env/helpers.js';

const FIXTURE = join(ENV_FIXTURES, 'every-key.conf');

/** The problems parseConfig reports for `text`, as `line: message` strings. */
function problems(text: string, file = 'test.conf'): string[] {
  try {
    parseConfig(text, file);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.line ?? '-'}: ${p.message}`);
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

describe('defaults', () => {
  test('are UW values', () => {
    const expected: Config = {
      spoolDir: '/var/mail',
      passwdFile: '/etc/passwd',
      shadowFile: '/etc/shadow',
      cramMd5File: '/etc/cram-md5.pwd',
      alertFile: '/etc/imapd.alert',
      nologinFile: '/etc/nologin',
      journalDir: '/var/tmp',
      controlDir: '%h/.uwimap-ts',
      syslogSocket: '/dev/log',
      tlsCert: null,
      tlsKey: null,
      tlsSni: [],
      tlsMinVersion: 'TLSv1.2',
      tlsCiphers: DEFAULT_TLS_CIPHERS,
      accountSource: 'nss',
      authChecker: 'passwd',
      pamServiceImap: 'imap',
      pamServicePop: 'pop',
      cramMd5OverridesPlaintext: true,
      allowPlaintextWithoutTls: false,
      loginFailureDelayMs: 3000,
      maxLoginFailures: 3,
      imapLoginTimeoutS: 180,
      imapIdleTimeoutS: 1800,
      pop3TimeoutS: 600,
      maxLineLength: 65536,
      maxLiteral: 209715200,
      maxBadCommands: 20,
      imapLiteralMinus: false,
      lockTimeoutS: 60,
      lockOrderWrite: ['dotlock', 'fcntl', 'flock'],
      lockOrderRead: ['dotlock', 'fcntl', 'flock'],
      pop3UidlFormat: 'uw',
      pop3StatusHeader: true,
      allowMailboxPathsOutsideHome: false,
      mboxInbox: true,
      snarfIntervalS: 60,
      rewriteSync: 'end',
      specialUse: [
        { name: 'sent-mail', use: '\\Sent' }, { name: 'postponed-msgs', use: '\\Drafts' },
        { name: 'saved-messages', use: '\\Archive' }, { name: 'mail/sent-mail', use: '\\Sent' },
        { name: 'mail/postponed-msgs', use: '\\Drafts' }, { name: 'mail/saved-messages', use: '\\Archive' },
        { name: 'Sent', use: '\\Sent' }, { name: 'Drafts', use: '\\Drafts' }, { name: 'Trash', use: '\\Trash' },
        { name: 'Junk', use: '\\Junk' }, { name: 'Archive', use: '\\Archive' },
      ],
      quotaStorage: null,
      metadataComment: null,
      metadataAdmin: null,
    };
    assert.deepEqual(DEFAULT_CONFIG, expected);
    for (const text of ['', '\n\n', '# only a comment\n   # indented comment\n\t\n', '\uFEFF']) {
      assert.deepEqual(parseConfig(text, 'x'), expected);
    }
  });

  test('the configuration and its arrays are frozen', () => {
    const c = parseConfig('tls_cert.a.example = /a.pem\n', 'x');
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.tlsSni));
    assert.ok(Object.isFrozen(c.tlsSni[0]));
    assert.ok(Object.isFrozen(c.lockOrderWrite));
    assert.ok(Object.isFrozen(DEFAULT_CONFIG));
  });

  test('TLS files per service are UW paths', () => {
    assert.equal(tlsCertFile(DEFAULT_CONFIG, 'imapd'), '/etc/ssl/certs/imapd.pem');
    assert.equal(tlsCertFile(DEFAULT_CONFIG, 'ipop3d'), '/etc/ssl/certs/ipop3d.pem');
    assert.deepEqual(tlsKeyFile(DEFAULT_CONFIG, 'imapd'), { path: '/etc/ssl/private/imapd.pem', fallbackToCert: true });
    assert.deepEqual(tlsKeyFile(DEFAULT_CONFIG, 'ipop3d'), {
      path: '/etc/ssl/private/ipop3d.pem',
      fallbackToCert: true,
    });
    const c = parseConfig('tls_cert = /c.pem\ntls_key = /k.pem\n', 'x');
    assert.equal(tlsCertFile(c, 'imapd'), '/c.pem');
    assert.deepEqual(tlsKeyFile(c, 'ipop3d'), { path: '/k.pem', fallbackToCert: false });
    // A certificate configured without a key: the key is in the same file, never UW's default key file.
    const certOnly = parseConfig('tls_cert = /both.pem\n', 'x');
    assert.deepEqual(tlsKeyFile(certOnly, 'imapd'), { path: '/both.pem', fallbackToCert: false });
    // A key configured without a certificate: UW's default certificate with that key.
    const keyOnly = parseConfig('tls_key = /k.pem\n', 'x');
    assert.equal(tlsCertFile(keyOnly, 'imapd'), '/etc/ssl/certs/imapd.pem');
    assert.deepEqual(tlsKeyFile(keyOnly, 'imapd'), { path: '/k.pem', fallbackToCert: false });
  });
});

describe('every key', () => {
  test('the fixture sets every key to a non-default value', () => {
    const c = loadConfig(FIXTURE);
    const expected: Config = {
      spoolDir: '/srv/mail/spool',
      passwdFile: '/srv/etc/passwd',
      shadowFile: '/srv/etc/shadow',
      cramMd5File: '/srv/etc/cram md5.pwd',
      alertFile: '/srv/etc/imapd#alert',
      nologinFile: '/srv/etc/nologin',
      journalDir: '/srv/tmp',
      controlDir: '/srv/state/%u',
      syslogSocket: '/run/systemd/journal/dev-log',
      tlsCert: '/srv/ssl/mail.pem',
      tlsKey: '/srv/ssl/mail.key',
      tlsSni: [
        { name: 'other.example', cert: '/srv/ssl/other.pem', key: '/srv/ssl/other.key' },
        { name: '*.example.org', cert: '/srv/ssl/wild.pem', key: null },
      ],
      tlsMinVersion: 'TLSv1.3',
      tlsCiphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305',
      accountSource: 'file',
      authChecker: 'pam',
      pamServiceImap: 'uwimap',
      pamServicePop: 'uwpop3',
      cramMd5OverridesPlaintext: false,
      allowPlaintextWithoutTls: true,
      loginFailureDelayMs: 5000,
      maxLoginFailures: 5,
      imapLoginTimeoutS: 60,
      imapIdleTimeoutS: 3600,
      pop3TimeoutS: 900,
      maxLineLength: 131072,
      maxLiteral: 1073741824,
      maxBadCommands: 10,
      imapLiteralMinus: true,
      lockTimeoutS: 30,
      lockOrderWrite: ['dotlock', 'fcntl'],
      lockOrderRead: ['flock', 'dotlock'],
      pop3UidlFormat: 'dovecot',
      pop3StatusHeader: false,
      allowMailboxPathsOutsideHome: true,
      mboxInbox: false,
      snarfIntervalS: 5,
      rewriteSync: 'step',
      specialUse: [{ name: 'Gesendet', use: '\\Sent' }, { name: 'mail/Papierkorb', use: '\\Trash' }],
      quotaStorage: 500 * 1024 * 1024,
      metadataComment: 'Mail for the # team',
      metadataAdmin: 'mailto:postmaster@example.org',
    };
    assert.deepEqual(c, expected);
    for (const field of Object.keys(expected) as (keyof Config)[]) {
      assert.notDeepEqual(c[field], DEFAULT_CONFIG[field], `${field} should differ from its default in the fixture`);
    }
  });

  test('the fixture and the module comment name every key', () => {
    const fixtureKeys = new Set(
      readFileSync(FIXTURE, 'utf8')
        .split('\n')
        .map((l) => /^([a-z0-9_]+)(\.\S+)?\s*=/.exec(l))
        .filter((m) => m !== null)
        .map((m) => (m[2] === undefined ? m[1] : `${m[1]}.NAME`)),
    );
    assert.deepEqual([...fixtureKeys].sort(), [...CONFIG_KEYS].sort());
    const source = readFileSync(join(ENV_FIXTURES, '..', '..', '..', 'lib', 'env', 'config.ts'), 'utf8');
    const documented = new Set(
      source
        .slice(0, source.indexOf('*/'))
        .split('\n')
        .map((l) => /^ \* {3}([a-z0-9_]+(?:\.NAME)?) = /.exec(l)?.[1])
        .filter((k) => k !== undefined),
    );
    assert.deepEqual([...documented].sort(), [...CONFIG_KEYS].sort());
  });

  // One row per accepted spelling: [line, field, value].
  const rows: [string, keyof Config, unknown][] = [
    ['cram_md5_overrides_plaintext = YES', 'cramMd5OverridesPlaintext', true],
    ['cram_md5_overrides_plaintext = true', 'cramMd5OverridesPlaintext', true],
    ['cram_md5_overrides_plaintext = On', 'cramMd5OverridesPlaintext', true],
    ['cram_md5_overrides_plaintext = 1', 'cramMd5OverridesPlaintext', true],
    ['allow_plaintext_without_tls = no', 'allowPlaintextWithoutTls', false],
    ['allow_plaintext_without_tls = FALSE', 'allowPlaintextWithoutTls', false],
    ['allow_plaintext_without_tls = off', 'allowPlaintextWithoutTls', false],
    ['allow_plaintext_without_tls = 0', 'allowPlaintextWithoutTls', false],
    ['max_literal = 1', 'maxLiteral', 1],
    ['max_literal = 10k', 'maxLiteral', 10240],
    ['max_literal = 10KB', 'maxLiteral', 10240],
    ['max_literal = 3 M', 'maxLiteral', 3 * 1024 * 1024],
    ['max_literal = 4294967295', 'maxLiteral', 4294967295],
    ['max_line_length = 8192', 'maxLineLength', 8192],
    ['max_line_length = 8K', 'maxLineLength', 8192],
    ['tls_min_version = tlsv1.2', 'tlsMinVersion', 'TLSv1.2'],
    ['tls_min_version = TLSV1.3', 'tlsMinVersion', 'TLSv1.3'],
    ['auth_checker = PAM', 'authChecker', 'pam'],
    ['auth_checker = passwd', 'authChecker', 'passwd'],
    ['account_source = NSS', 'accountSource', 'nss'],
    ['account_source = file', 'accountSource', 'file'],
    ['account_source = file\npasswd_file = /srv/passwd', 'passwdFile', '/srv/passwd'],
    ['shadow_file = /srv/shadow\naccount_source = file', 'shadowFile', '/srv/shadow'],
    // A file named without account_source: the configuration was written for the files, and keeps them.
    ['passwd_file = /srv/passwd', 'accountSource', 'file'],
    ['shadow_file = /srv/shadow', 'accountSource', 'file'],
    ['pop3_uidl_format = UW', 'pop3UidlFormat', 'uw'],
    ['lock_order_write = flock', 'lockOrderWrite', ['flock']],
    ['lock_order_write = fcntl,flock,dotlock', 'lockOrderWrite', ['fcntl', 'flock', 'dotlock']],
    ['lock_order_read = " dotlock , fcntl "', 'lockOrderRead', ['dotlock', 'fcntl']],
    ['login_failure_delay_ms = 0', 'loginFailureDelayMs', 0],
    ['imap_idle_timeout_s = 1800', 'imapIdleTimeoutS', 1800],
    ['pop3_timeout_s = 600', 'pop3TimeoutS', 600],
    ['spool_dir = /var/spool/mail', 'spoolDir', '/var/spool/mail'],
    ['spool_dir=/var/spool/mail#notacomment', 'spoolDir', '/var/spool/mail#notacomment'],
    ['spool_dir = /a b c   ', 'spoolDir', '/a b c'],
    ['spool_dir = "/a b c   "', 'spoolDir', '/a b c   '],
    ['spool_dir = "/a \\"b\\" \\\\c" # comment', 'spoolDir', '/a "b" \\c'],
    ['spool_dir = "/x"#comment', 'spoolDir', '/x'],
    ['  spool_dir = /indented', 'spoolDir', '/indented'],
    ['spool_dir = /crlf\r', 'spoolDir', '/crlf'],
    ['quota_storage = none', 'quotaStorage', null],
    ['quota_storage = NONE', 'quotaStorage', null],
    ['quota_storage = 1024', 'quotaStorage', 1024],
    ['quota_storage = 3K', 'quotaStorage', 3072],
    ['quota_storage = 2G', 'quotaStorage', 2 * 1024 ** 3],
    ['metadata_comment = Mail server of the lab', 'metadataComment', 'Mail server of the lab'],
    ['metadata_comment = none', 'metadataComment', null],
    ['metadata_admin = mailto:root@example.org', 'metadataAdmin', 'mailto:root@example.org'],
    ['metadata_admin = tel:+1-201-555-0123', 'metadataAdmin', 'tel:+1-201-555-0123'],
  ];
  for (const [line, field, value] of rows) {
    test(`${JSON.stringify(line)} sets ${field}`, () => {
      assert.deepEqual(parseConfig(`${line}\n`, 'x')[field], value);
    });
  }
});

describe('special_use', () => {
  test('names and uses, the uses in any case; none for no names', () => {
    assert.deepEqual(parseConfig('special_use = a=\\sent  b/c=\\JUNK\n', 'x').specialUse,
      [{ name: 'a', use: '\\Sent' }, { name: 'b/c', use: '\\Junk' }]);
    assert.deepEqual(parseConfig('special_use = none\n', 'x').specialUse, []);
  });
});

describe('errors', () => {
  const rows: [string, string][] = [
    ['nonsense', '1: expected "key = value", got "nonsense"'],
    ['= value', '1: expected "key = value", got "= value"'],
    ['spool_dirr = /x', '1: unknown key "spool_dirr"'],
    ['SPOOL_DIR = /x', '1: unknown key "SPOOL_DIR"'],
    ['__proto__ = /x', '1: unknown key "__proto__"'],
    ['toString = x', '1: unknown key "toString"'],
    ['spool_dir =', '1: spool_dir: empty value'],
    ['spool_dir = ""', '1: spool_dir: empty value'],
    ['spool_dir = # just a comment', '1: spool_dir: empty value'],
    ['spool_dir = var/mail', '1: spool_dir: expected an absolute path, got "var/mail"'],
    ['tls_cert = cert.pem', '1: tls_cert: expected an absolute path, got "cert.pem"'],
    ['control_dir = .uwimap-ts', '1: control_dir: expected an absolute path or one starting with %h, got ".uwimap-ts"'],
    ['control_dir = %h/%d', '1: control_dir: only %h, %u and %% may follow a %, got "%h/%d"'],
    ['spool_dir = "/x', '1: spool_dir: unterminated quote'],
    ['spool_dir = "/x" y', '1: spool_dir: unexpected text after the closing quote: "y"'],
    ['spool_dir = "/x\\n"', '1: spool_dir: in quotes, a backslash may only escape " or \\'],
    ['pop3_status_header = maybe', '1: pop3_status_header: expected yes or no, got "maybe"'],
    ['quota_storage = 1000', '1: quota_storage: 1000 is below the minimum 1024'],
    ['quota_storage = lots', '1: quota_storage: expected a size such as 65536, 64K or 200M, got "lots"'],
    ['metadata_admin = postmaster@example.org', '1: metadata_admin: expected a URI such as mailto:postmaster@example.org, got "postmaster@example.org"'],
    ['metadata_admin = mailto:a b', '1: metadata_admin: expected a URI such as mailto:postmaster@example.org, got "mailto:a b"'],
    ['metadata_comment = a\u0001b', '1: metadata_comment: expected printable text of at most 1024 characters'],
    ['special_use = Sent=\\Outbox', '1: special_use: expected NAME=\\Use (\\All, \\Archive, \\Drafts, \\Flagged, \\Junk, \\Sent, \\Trash), got "Sent=\\Outbox"'],
    ['special_use = Sent', '1: special_use: expected NAME=\\Use (\\All, \\Archive, \\Drafts, \\Flagged, \\Junk, \\Sent, \\Trash), got "Sent"'],
    ['special_use = =\\Sent', '1: special_use: expected NAME=\\Use (\\All, \\Archive, \\Drafts, \\Flagged, \\Junk, \\Sent, \\Trash), got "=\\Sent"'],
    ['max_bad_commands = -1', '1: max_bad_commands: expected a whole number, got "-1"'],
    ['max_bad_commands = 1.5', '1: max_bad_commands: expected a whole number, got "1.5"'],
    ['max_bad_commands = 0', '1: max_bad_commands: 0 is below the minimum 1'],
    ['max_bad_commands = 0x10', '1: max_bad_commands: expected a whole number, got "0x10"'],
    [
      'imap_idle_timeout_s = 600',
      '1: imap_idle_timeout_s: 600 is below the minimum 1800 (RFC 3501 §5.4: at least 30 minutes)',
    ],
    ['pop3_timeout_s = 60', '1: pop3_timeout_s: 60 is below the minimum 600 (RFC 1939 §3: at least 10 minutes)'],
    ['max_line_length = 1000', '1: max_line_length: 1000 is below the minimum 8192 (RFC 7162 §4: at least 8192)'],
    ['max_literal = 4G', '1: max_literal: 4294967296 is above the maximum 4294967295 (an RFC 3501 number is 32 bits)'],
    ['max_literal = 200 TB', '1: max_literal: expected a size such as 65536, 64K or 200M, got "200 TB"'],
    ['login_failure_delay_ms = 60001', '1: login_failure_delay_ms: 60001 is above the maximum 60000'],
    [
      'tls_min_version = TLSv1.1',
      '1: tls_min_version: expected TLSv1.2 or TLSv1.3, got "TLSv1.1" (versions below TLSv1.2 are refused)',
    ],
    [
      'tls_min_version = TLSv1',
      '1: tls_min_version: expected TLSv1.2 or TLSv1.3, got "TLSv1" (versions below TLSv1.2 are refused)',
    ],
    [
      'tls_min_version = SSLv3',
      '1: tls_min_version: expected TLSv1.2 or TLSv1.3, got "SSLv3" (versions below TLSv1.2 are refused)',
    ],
    ['tls_ciphers = "HIGH MEDIUM"', '1: tls_ciphers: expected an OpenSSL cipher list, got "HIGH MEDIUM"'],
    ['auth_checker = ldap', '1: auth_checker: expected passwd or pam, got "ldap"'],
    ['account_source = ldap', '1: account_source: expected nss or file, got "ldap"'],
    ['account_source = nss\npasswd_file = /srv/passwd', '2: passwd_file is read only with account_source = file, not nss'],
    ['account_source = nss\nshadow_file = /srv/shadow', '2: shadow_file is read only with account_source = file, not nss'],
    ['pam_service_imap = ../imap', '1: pam_service_imap: expected a PAM service name, got "../imap"'],
    ['pop3_uidl_format = courier', '1: pop3_uidl_format: expected uw or dovecot, got "courier"'],
    [
      'lock_order_write = dotlock,lockf',
      '1: lock_order_write: unknown lock method "lockf" (known: dotlock, fcntl, flock)',
    ],
    ['lock_order_write = fcntl fcntl', '1: lock_order_write: lock method "fcntl" named twice'],
    ['lock_order_read = ","', '1: lock_order_read: expected lock methods (dotlock, fcntl, flock)'],
    ['tls_cert.bad_name = /x.pem', '1: tls_cert.bad_name: "bad_name" is not a host name'],
    ['tls_cert.a..b = /x.pem', '1: tls_cert.a..b: "a..b" is not a host name'],
    ['tls_cert.*.*.example = /x.pem', '1: tls_cert.*.*.example: "*.*.example" is not a host name'],
    ['tls_cert.a.example = x.pem', '1: tls_cert.a.example: expected an absolute path, got "x.pem"'],
    ['tls_key.a.example = /k.pem', '1: tls_key.a.example without tls_cert.a.example'],
    ['tls_sni = a:b:c', '1: unknown key "tls_sni"'],
  ];
  for (const [text, expected] of rows) {
    test(JSON.stringify(text), () => {
      assert.deepEqual(problems(text), [expected]);
    });
  }

  test('every problem is reported, in line order, with file:line', () => {
    const text = [
      '# a broken file', //               1
      'spool_dir = /var/mail', //         2
      'tls_key.x.example = /k.pem', //    3 (no certificate for x.example: reported at its line)
      'bogus = 1', //                     4
      '', //                              5
      'spool_dir = /var/spool/mail', //   6
      'max_literal = lots', //            7
      'no equals sign', //                8
    ].join('\r\n');
    let error: unknown;
    try {
      parseConfig(text, '/etc/uwimap-ts.conf');
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems.map(formatProblem), [
      '/etc/uwimap-ts.conf:3: tls_key.x.example without tls_cert.x.example',
      '/etc/uwimap-ts.conf:4: unknown key "bogus"',
      '/etc/uwimap-ts.conf:6: spool_dir is given twice (first on line 2)',
      '/etc/uwimap-ts.conf:7: max_literal: expected a size such as 65536, 64K or 200M, got "lots"',
      '/etc/uwimap-ts.conf:8: expected "key = value", got "no equals sign"',
    ]);
    assert.equal(error.message, '/etc/uwimap-ts.conf:3: tls_key.x.example without tls_cert.x.example (and 4 more)');
    assert.equal(error.name, 'ConfigError');
  });

  test('an SNI key given twice, spelled in another case, is a duplicate', () => {
    assert.deepEqual(problems('tls_cert.A.example = /a\ntls_cert.a.example = /b\n'), [
      '2: tls_cert.a.example is given twice (first on line 1)',
    ]);
  });
});

describe('loadConfig', () => {
  const enoent = (): never => {
    throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  };

  test('no file named and the default file missing: the defaults', () => {
    const asked: string[] = [];
    const c = loadConfig(null, (p) => {
      asked.push(p);
      return enoent();
    });
    assert.equal(c, DEFAULT_CONFIG);
    assert.deepEqual(asked, [DEFAULT_CONFIG_FILE]);
  });

  test('no file named: the default file is read', () => {
    const c = loadConfig(null, (p) => (p === DEFAULT_CONFIG_FILE ? 'max_bad_commands = 7\n' : enoent()));
    assert.equal(c.maxBadCommands, 7);
  });

  test('the default file unreadable: an error, not the defaults', () => {
    assert.throws(
      () =>
        loadConfig(null, () => {
          throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === `${DEFAULT_CONFIG_FILE}: cannot read the configuration: permission denied`,
    );
  });

  test('a named file that does not exist is an error', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'missing.conf');
      assert.throws(
        () => loadConfig(file),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.problems.length === 1 &&
          formatProblem(e.problems[0]!) === `${file}: cannot read the configuration: no such file`,
      );
    } finally {
      cleanup();
    }
  });

  test('a named file is read from disk and its errors name it', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'u.conf');
      writeFileSync(file, 'pop3_timeout_s = 1200\n');
      assert.equal(loadConfig(file).pop3TimeoutS, 1200);
      writeFileSync(file, '\n\npop3_timeout_s = 12\n');
      assert.throws(
        () => loadConfig(file),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}:3: pop3_timeout_s: 12 is below`),
      );
    } finally {
      cleanup();
    }
  });
});

describe('withOverrides', () => {
  test('applies typed values and leaves the original alone', () => {
    const mutable: LockName[] = ['flock', 'fcntl'];
    const c = withOverrides(DEFAULT_CONFIG, {
      spoolDir: '/srv/spool',
      maxLiteral: 1024,
      lockOrderWrite: mutable,
      allowPlaintextWithoutTls: true,
      tlsSni: [{ name: 'a.example', cert: '/a.pem', key: null }],
    });
    mutable.push('dotlock');
    assert.equal(c.spoolDir, '/srv/spool');
    assert.equal(c.maxLiteral, 1024);
    assert.deepEqual(c.lockOrderWrite, ['flock', 'fcntl']);
    assert.ok(Object.isFrozen(c.lockOrderWrite));
    assert.equal(c.allowPlaintextWithoutTls, true);
    assert.deepEqual(c.tlsSni, [{ name: 'a.example', cert: '/a.pem', key: null }]);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.tlsSni) && Object.isFrozen(c.tlsSni[0]));
    assert.equal(DEFAULT_CONFIG.spoolDir, '/var/mail');
    assert.deepEqual(withOverrides(DEFAULT_CONFIG, {}), DEFAULT_CONFIG);
    // An explicit undefined changes nothing.
    assert.equal(withOverrides(c, { spoolDir: undefined }).spoolDir, '/srv/spool');
  });

  test('checks overrides with the file rules and names the keys', () => {
    assert.throws(
      () =>
        withOverrides(
          DEFAULT_CONFIG,
          {
            imapIdleTimeoutS: 60,
            spoolDir: 'relative',
            maxLiteral: 1.5,
            lockOrderRead: ['flock', 'flock'],
            tlsSni: [
              { name: 'Bad Name', cert: '/c', key: null },
              { name: 'a.example', cert: '/a', key: null },
              { name: 'a.example', cert: '/b', key: 'relative.key' },
              { name: 'b.example', cert: '/b', key: '/b.key' },
              { name: 'b.example', cert: '/b', key: '/b.key' },
            ],
          },
          '-o',
        ),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.problems.map(formatProblem), [
          '-o: spool_dir: expected an absolute path, got "relative"',
          '-o: imap_idle_timeout_s: 60 is below the minimum 1800 (RFC 3501 §5.4: at least 30 minutes)',
          '-o: max_literal: expected an integer, got 1.5',
          '-o: lock_order_read: lock method "flock" named twice',
          '-o: tls_cert.Bad Name: "Bad Name" is not a lower-case host name',
          '-o: tls_cert.a.example: expected an absolute path, got "relative.key"',
          '-o: tls_cert.b.example: given twice',
        ]);
        return true;
      },
    );
  });
});
