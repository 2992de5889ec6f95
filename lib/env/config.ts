/**
 * The servers' configuration keys: every key with its type, its limits and its default (UW imapd's compiled-in
 * values), the {@link Config} they make, and command-line overrides checked by the same rules
 * ({@link withOverrides}). The file that sets them, its syntax and its loading are config-file.ts; how each value
 * type is read and checked is config-values.ts.
 *
 * Value types: *path* an absolute path; *bool* `yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`; *integer* decimal
 * digits; *size* an integer optionally followed by `K`, `M` or `G` (binary multiples, an optional `B`: `200M`,
 * `200 MB`, `1G`); *name* letters, digits, `.`, `_`, `-`; *locks* names `dotlock`, `fcntl` and `flock`, each at most
 * once, at least one, separated by commas or blanks.
 *
 * Keys, with their types and defaults (SERVICE is `imapd` or `ipop3d`):
 *
 * ```
 * Paths
 *   spool_dir = /var/mail                   path     INBOX is spool_dir/USER
 *   passwd_file = /etc/passwd               path     accounts (account_source = file)
 *   shadow_file = /etc/shadow               path     password hashes (account_source = file)
 *   cram_md5_file = /etc/cram-md5.pwd       path     UW's CRAM-MD5/APOP secrets; those mechanisms are offered only
 *                                                    when it exists
 *   alert_file = /etc/imapd.alert           path     its lines go to IMAP clients as `* OK [ALERT]` (UW)
 *   nologin_file = /etc/nologin             path     while it exists, logins are refused (UW)
 *   journal_dir = /var/tmp                  path     where mbox rewrite journals go
 *   control_dir = %h/.uwimap-ts             path     the user's private state (UIDVALIDITY counter, POP3 locks,
 *                                                    \Recent claims: lib/mailbox/control-dir.ts); `%h` the home,
 *                                                    `%u` the user name; made 0700 on first use
 *   syslog_socket = /dev/log                path     the syslog datagram socket
 * TLS
 *   tls_cert = /etc/ssl/certs/SERVICE.pem   path     certificate (and chain), as UW and Debian's uw-imapd
 *   tls_key = /etc/ssl/private/SERVICE.pem  path     its key; with tls_cert set and tls_key not, the key is in the
 *                                                    tls_cert file; with neither set and this file missing, the key
 *                                                    is read from the certificate file (UW)
 *   tls_cert.NAME =                         path     certificate for clients asking for host NAME by SNI;
 *                                                    `tls_cert.*.example.org` matches one label before example.org
 *   tls_key.NAME = (the tls_cert.NAME file) path     its key
 *   tls_min_version = TLSv1.2               TLSv1.2 or TLSv1.3; nothing lower can be configured
 *   tls_ciphers = (ECDHE, AES-GCM/ChaCha20) OpenSSL cipher list for TLS 1.2; TLS 1.3 keeps OpenSSL's (all AEAD)
 * Authentication
 *   account_source = nss                    nss or file: where accounts come from: the system's databases through
 *                                           NSS (UW's getpwnam: files, LDAP, SSSD, NIS...), or passwd_file and
 *                                           shadow_file only (lib/auth/accounts.ts); setting either file without
 *                                           `file` is an error
 *   auth_checker = passwd                   passwd or pam: how plaintext passwords are checked
 *   pam_service_imap = imap                 name     PAM service of imapd (UW's name)
 *   pam_service_pop = pop                   name     PAM service of ipop3d (UW's name)
 *   cram_md5_overrides_plaintext = yes      bool     a user listed in cram_md5_file logs in with that password
 *                                                    only, also for LOGIN/USER/PASS (UW's rule)
 *   allow_plaintext_without_tls = no        bool     allow plaintext logins without TLS from other hosts than
 *                                                    loopback (loopback always may)
 *   login_failure_delay_ms = 3000           integer  pause after a failed login (UW: 3 s)
 *   max_login_failures = 3                  integer  failed logins before the connection is closed (UW)
 * Limits and timeouts
 *   imap_login_timeout_s = 180              integer  IMAP autologout before login (UW: 3 minutes)
 *   imap_idle_timeout_s = 1800              integer  IMAP autologout after login; at least 1800 (RFC 3501 §5.4)
 *   pop3_timeout_s = 600                    integer  POP3 inactivity timeout; at least 600 (RFC 1939 §3)
 *   max_line_length = 64K                   size     longest command line; at least 8K (RFC 7162 §4)
 *   max_literal = 200M                      size     largest literal (APPEND); at most 4294967295 (RFC 3501)
 *   max_bad_commands = 20                   integer  unparsable commands before the connection is closed
 *   imap_literal_minus = no                 bool     advertise LITERAL- instead of LITERAL+ (RFC 7888 §5: never
 *                                                    both): non-synchronizing literals only up to 4096 octets
 *   lock_timeout_s = 60                     integer  how long to wait for a mailbox lock
 *   lock_order_write = dotlock,fcntl,flock  locks    lock methods taken for writing, in order (lib/lock/locker.ts)
 *   lock_order_read = dotlock,fcntl,flock   locks    lock methods taken for reading, in order
 * POP3
 *   pop3_uidl_format = uw                   uw (UW's %08lx%08lx of UIDVALIDITY and UID) or dovecot (Dovecot's
 *                                           default %08Xu%08Xv: UID, then UIDVALIDITY, upper-case hex)
 *   pop3_status_header = yes                bool     RETR and TOP include a synthesised `Status:` line (UW)
 * Mailboxes
 *   allow_mailbox_paths_outside_home = no   bool     allow absolute and `~user` names outside the home directory
 *   mbox_inbox = yes                        bool     UW's ~/mbox INBOX: when the user has a file `mbox` in the home,
 *                                                    it is INBOX (IMAP and POP3), and the spool's new mail is moved
 *                                                    into it (lib/mailbox/uw-inbox.ts); `no`: INBOX is the spool
 *   snarf_interval_s = 60                   integer  how often at most an open ~/mbox INBOX moves the spool's mail in
 *                                                    (UW's snarf interval); always when it is opened
 *   rewrite_sync = end                      end or step: when a rewrite (expunge, flag changes) moves mail, fsync
 *                                           the result (end), or also every step of it, so that a power failure
 *                                           mid-rewrite loses nothing either (step: about twice the disk writes;
 *                                           a killed process loses nothing either way; see lib/mailbox/mbox/rewrite.ts)
 *   special_use = (see below)               uses     mailbox names with a special use (RFC 6154), matched without
 *                                           regard to case, for the mailboxes that exist; what CREATE ... (USE ...)
 *                                           gave a mailbox wins (lib/mailbox/special-use.ts); `none` for no names
 *   quota_storage = none                    size     the user's storage quota (RFC 9208 STORAGE) where the filesystem
 *                                           keeps no quota for the user: over the INBOX and the mailbox files
 *                                           under the home; `none`: no quota root (lib/mailbox/quota.ts)
 * Server annotations (RFC 5464 METADATA-SERVER)
 *   metadata_comment = (none)               text     /shared/comment: a comment on the server
 *   metadata_admin = (none)                 URI      /shared/admin: how to reach the administrator (mailto:, tel:,
 *                                           https:, ...)
 * ```
 *
 * *text* is printable characters and blanks (quote it to keep a `#`); a *URI* is a scheme, `:` and printable
 * characters without blanks.
 *
 * *uses* is blank-separated `NAME=\Use` items (a NAME holds no blank and no `=`; `\Use` is one of `\All`,
 * `\Archive`, `\Drafts`, `\Flagged`, `\Junk`, `\Sent`, `\Trash`, in any case), or `none`. The default names UW
 * and Pine's mailboxes, at the top and in Pine's `mail/` collection, and the common English names:
 *
 * ```
 * special_use = sent-mail=\Sent postponed-msgs=\Drafts saved-messages=\Archive mail/sent-mail=\Sent
 *               mail/postponed-msgs=\Drafts mail/saved-messages=\Archive Sent=\Sent Drafts=\Drafts Trash=\Trash
 *               Junk=\Junk Archive=\Archive                (one line in the file)
 * ```
 */

import type { NamedUse } from '../values/special-use.js';
import {
  BadValue, bool, checkAbsolutePath, cipherList, controlDirTemplate, type FieldSpec, integer, LOCK_NAMES, lockList,
  type LockName, oneOf, optionalPath, orNone, parseSpecialUses, path, serviceName, size, sniName, specialUseList, text,
  uri,
} from './config-values.js';

/** The two servers; a few defaults (the TLS files) depend on which is running. */
export type ServiceName = 'imapd' | 'ipop3d';

/** A certificate chosen by SNI (`tls_cert.NAME` / `tls_key.NAME`). */
export interface SniEntry {
  /** Lower case; `*.example.org` matches exactly one label in front of `example.org`. */
  readonly name: string;
  readonly cert: string;
  /** Null: the key is in the certificate file. */
  readonly key: string | null;
}

/** The configuration. Every field is readonly and the object is frozen; see the module comment for the keys. */
export interface Config {
  readonly spoolDir: string;
  readonly passwdFile: string;
  readonly shadowFile: string;
  readonly cramMd5File: string;
  readonly alertFile: string;
  readonly nologinFile: string;
  readonly journalDir: string;
  /** A template: `%h` home, `%u` user name, `%%` a percent sign (lib/mailbox/control-dir.ts expands it). */
  readonly controlDir: string;
  readonly syslogSocket: string;

  /** Null: UW's per-service default ({@link tlsCertFile}). */
  readonly tlsCert: string | null;
  /** Null: in the tls_cert file if that is set, else UW's per-service default ({@link tlsKeyFile}). */
  readonly tlsKey: string | null;
  /** In the order first given in the file. */
  readonly tlsSni: readonly SniEntry[];
  readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly tlsCiphers: string;

  readonly accountSource: 'nss' | 'file';
  readonly authChecker: 'passwd' | 'pam';
  readonly pamServiceImap: string;
  readonly pamServicePop: string;
  readonly cramMd5OverridesPlaintext: boolean;
  readonly allowPlaintextWithoutTls: boolean;
  readonly loginFailureDelayMs: number;
  readonly maxLoginFailures: number;

  readonly imapLoginTimeoutS: number;
  readonly imapIdleTimeoutS: number;
  readonly pop3TimeoutS: number;
  readonly maxLineLength: number;
  readonly maxLiteral: number;
  readonly maxBadCommands: number;
  /** IMAP advertises LITERAL- (non-synchronizing literals up to 4096 octets) instead of LITERAL+. */
  readonly imapLiteralMinus: boolean;
  readonly lockTimeoutS: number;
  /** Ready for lib/lock's selectLockMethods (LockName is its LockMethodName). */
  readonly lockOrderWrite: readonly LockName[];
  readonly lockOrderRead: readonly LockName[];

  readonly pop3UidlFormat: 'uw' | 'dovecot';
  readonly pop3StatusHeader: boolean;

  readonly allowMailboxPathsOutsideHome: boolean;
  /** UW's ~/mbox INBOX (lib/mailbox/uw-inbox.ts), and how often at most its spool's mail is moved in. */
  readonly mboxInbox: boolean;
  readonly snarfIntervalS: number;
  readonly rewriteSync: 'end' | 'step';
  readonly specialUse: readonly NamedUse[];
  /** Octets; null: no configured quota. */
  readonly quotaStorage: number | null;
  /** RFC 5464 §6.2.1's /shared/comment and /shared/admin server entries; null: not set. */
  readonly metadataComment: string | null;
  readonly metadataAdmin: string | null;
}

/**
 * TLS 1.2 ciphers: forward-secret ECDHE with AEAD ciphers only (Mozilla's "intermediate" list without DHE, which
 * would need DH parameters). TLS 1.3 suites are not named here, so OpenSSL's defaults (all AEAD) stay in force.
 */
export const DEFAULT_TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** UW's defaults (imapd.c, ipop3d.c, env_unix.c, ssl_unix.c) and this project's for what UW hard-wired. */
export const DEFAULT_CONFIG: Config = Object.freeze({
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
  tlsSni: Object.freeze([]),
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
  maxLiteral: 200 * 1024 * 1024,
  maxBadCommands: 20,
  imapLiteralMinus: false,
  lockTimeoutS: 60,
  lockOrderWrite: LOCK_NAMES,
  lockOrderRead: LOCK_NAMES,
  pop3UidlFormat: 'uw',
  pop3StatusHeader: true,
  allowMailboxPathsOutsideHome: false,
  mboxInbox: true,
  snarfIntervalS: 60,
  rewriteSync: 'end',
  specialUse: Object.freeze(parseSpecialUses(
    'sent-mail=\\Sent postponed-msgs=\\Drafts saved-messages=\\Archive mail/sent-mail=\\Sent ' +
    'mail/postponed-msgs=\\Drafts mail/saved-messages=\\Archive Sent=\\Sent Drafts=\\Drafts Trash=\\Trash Junk=\\Junk ' +
    'Archive=\\Archive')),
  quotaStorage: null,
  metadataComment: null,
  metadataAdmin: null,
});

/** The certificate file of `service`: `tls_cert`, else UW's `/etc/ssl/certs/SERVICE.pem`. */
export function tlsCertFile(config: Config, service: ServiceName): string {
  return config.tlsCert ?? `/etc/ssl/certs/${service}.pem`;
}

/**
 * Where the key of `service` is: `tls_key` if set; else, if `tls_cert` is set, that file (one PEM holding both);
 * else UW's `/etc/ssl/private/SERVICE.pem`, and then `fallbackToCert` is true: if that file does not exist, the key
 * is read from the certificate file, as UW's ssl_server_init does (Debian's uw-imapd shipped one PEM holding both).
 */
export function tlsKeyFile(config: Config, service: ServiceName): { path: string; fallbackToCert: boolean } {
  if (config.tlsKey !== null) return { path: config.tlsKey, fallbackToCert: false };
  if (config.tlsCert !== null) return { path: config.tlsCert, fallbackToCert: false };
  return { path: `/etc/ssl/private/${service}.pem`, fallbackToCert: true };
}

/** One problem in a configuration; `line` is null for command-line overrides. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number | null;
  readonly message: string;
}

/**
 * A configuration that cannot be used. `problems` lists every one found (a file is checked to its end); `message`
 * is the first as `file:line: message`, plus how many more. Log each problem; do not show them to the client.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const first = problems[0];
    const text = first === undefined ? 'invalid configuration' : formatProblem(first);
    super(problems.length > 1 ? `${text} (and ${problems.length - 1} more)` : text);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

/** `file:line: message` (or `file: message` without a line). */
export function formatProblem(p: ConfigProblem): string {
  return p.line === null ? `${p.file}: ${p.message}` : `${p.file}:${p.line}: ${p.message}`;
}

type ScalarConfig = Omit<Config, 'tlsSni'>;
type ScalarField = keyof ScalarConfig;
export type Draft = { -readonly [K in ScalarField]: ScalarConfig[K] };
type SpecTable = { readonly [K in ScalarField]: FieldSpec<ScalarConfig[K]> };

const RFC3501_NUMBER_MAX = 0xffff_ffff;

const SPECS: SpecTable = Object.freeze({
  spoolDir: path('spool_dir'),
  passwdFile: path('passwd_file'),
  shadowFile: path('shadow_file'),
  cramMd5File: path('cram_md5_file'),
  alertFile: path('alert_file'),
  nologinFile: path('nologin_file'),
  journalDir: path('journal_dir'),
  controlDir: controlDirTemplate('control_dir'),
  syslogSocket: path('syslog_socket'),
  tlsCert: optionalPath('tls_cert'),
  tlsKey: optionalPath('tls_key'),
  tlsMinVersion: oneOf('tls_min_version', ['TLSv1.2', 'TLSv1.3'] as const, ' (versions below TLSv1.2 are refused)'),
  tlsCiphers: cipherList('tls_ciphers'),
  accountSource: oneOf('account_source', ['nss', 'file'] as const),
  authChecker: oneOf('auth_checker', ['passwd', 'pam'] as const),
  pamServiceImap: serviceName('pam_service_imap'),
  pamServicePop: serviceName('pam_service_pop'),
  cramMd5OverridesPlaintext: bool('cram_md5_overrides_plaintext'),
  allowPlaintextWithoutTls: bool('allow_plaintext_without_tls'),
  loginFailureDelayMs: integer('login_failure_delay_ms', 0, 60_000),
  maxLoginFailures: integer('max_login_failures', 1, 1000),
  imapLoginTimeoutS: integer('imap_login_timeout_s', 10, 86_400),
  imapIdleTimeoutS: integer('imap_idle_timeout_s', 1800, 86_400, ' (RFC 3501 §5.4: at least 30 minutes)'),
  pop3TimeoutS: integer('pop3_timeout_s', 600, 86_400, ' (RFC 1939 §3: at least 10 minutes)'),
  maxLineLength: size('max_line_length', 8192, 64 * 1024 * 1024, ' (RFC 7162 §4: at least 8192)'),
  maxLiteral: size('max_literal', 1, RFC3501_NUMBER_MAX, ' (an RFC 3501 number is 32 bits)'),
  maxBadCommands: integer('max_bad_commands', 1, 100_000),
  imapLiteralMinus: bool('imap_literal_minus'),
  lockTimeoutS: integer('lock_timeout_s', 1, 3600),
  lockOrderWrite: lockList('lock_order_write'),
  lockOrderRead: lockList('lock_order_read'),
  pop3UidlFormat: oneOf('pop3_uidl_format', ['uw', 'dovecot'] as const),
  pop3StatusHeader: bool('pop3_status_header'),
  allowMailboxPathsOutsideHome: bool('allow_mailbox_paths_outside_home'),
  mboxInbox: bool('mbox_inbox'),
  snarfIntervalS: integer('snarf_interval_s', 0, 86_400),
  rewriteSync: oneOf('rewrite_sync', ['end', 'step'] as const),
  specialUse: specialUseList('special_use'),
  // At least 1K: a quota smaller than a message header would refuse every message.
  quotaStorage: orNone(size('quota_storage', 1024, Number.MAX_SAFE_INTEGER)),
  metadataComment: orNone(text('metadata_comment')),
  metadataAdmin: orNone(uri('metadata_admin')),
});

const SCALAR_FIELDS = Object.freeze(Object.keys(SPECS) as ScalarField[]);

/** File key → field. A frozen null-prototype object, so `__proto__` and friends are just unknown keys. */
const FIELD_BY_KEY: Readonly<Record<string, ScalarField>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, ScalarField>,
    Object.fromEntries(SCALAR_FIELDS.map((f) => [SPECS[f].key, f])),
  ),
);

/** Every key the file accepts, `tls_cert.NAME` and `tls_key.NAME` written with a literal NAME. */
export const CONFIG_KEYS: readonly string[] = Object.freeze([
  ...SCALAR_FIELDS.map((f) => SPECS[f].key),
  'tls_cert.NAME',
  'tls_key.NAME',
]);

function applyField<K extends ScalarField>(draft: Draft, field: K, raw: string): void {
  const spec: FieldSpec<ScalarConfig[K]> = SPECS[field];
  const value = spec.parse(raw);
  const problem = spec.check(value);
  if (problem !== null) throw new BadValue(problem);
  draft[field] = value;
}

/**
 * Sets the field of file key `key` in `draft` from its text `raw`. Returns false for an unknown key; throws
 * BadValue for a value the key does not accept.
 */
export function setByKey(draft: Draft, key: string, raw: string): boolean {
  const field = Object.hasOwn(FIELD_BY_KEY, key) ? FIELD_BY_KEY[key] : undefined;
  if (field === undefined) return false;
  applyField(draft, field, raw);
  return true;
}

function checkField<K extends ScalarField>(field: K, value: ScalarConfig[K]): string | null {
  return SPECS[field].check(value);
}

/**
 * A copy of `config` with `overrides` applied (command-line options given by bin/), checked with the same rules
 * as the file (ranges, names, paths). Returns a frozen Config; throws {@link ConfigError} naming the offending
 * fields by their file keys, with `file` set to `source`.
 */
export function withOverrides(config: Config, overrides: Partial<Config>, source = 'command line'): Config {
  const draft: Draft = { ...config };
  const problems: ConfigProblem[] = [];
  for (const field of SCALAR_FIELDS) {
    if (!Object.hasOwn(overrides, field)) continue;
    overrideField(draft, field, overrides, problems, source);
  }
  let tlsSni = config.tlsSni;
  if (overrides.tlsSni !== undefined) {
    const names = new Set<string>();
    for (const e of overrides.tlsSni) {
      let bad =
        sniName(e.name) !== e.name
          ? `"${e.name}" is not a lower-case host name`
          : (checkAbsolutePath(e.cert) ?? (e.key === null ? null : checkAbsolutePath(e.key)));
      if (bad === null && names.has(e.name)) bad = 'given twice';
      names.add(e.name);
      if (bad !== null) problems.push({ file: source, line: null, message: `tls_cert.${e.name}: ${bad}` });
    }
    tlsSni = Object.freeze(overrides.tlsSni.map((e) => Object.freeze({ name: e.name, cert: e.cert, key: e.key })));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...draft, tlsSni });
}

function overrideField<K extends ScalarField>(
  draft: Draft,
  field: K,
  overrides: Partial<Config>,
  problems: ConfigProblem[],
  source: string,
): void {
  const value = overrides[field];
  if (value === undefined) return;
  const problem = checkField(field, value);
  if (problem !== null) {
    problems.push({ file: source, line: null, message: `${SPECS[field].key}: ${problem}` });
    return;
  }
  const own = SPECS[field].own;
  draft[field] = own === undefined ? value : own(value);
}
