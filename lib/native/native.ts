/**
 * The typed face of build/uwimap-native.node (lib/native/*.c: module.c states the contracts): the few system calls
 * the servers need and Node does not offer: libxcrypt's crypt_rn for shadow hashes, PAM for system logins, the
 * account database through NSS (getpwnam_r, getpwuid_r, getspnam_r), AF_UNIX datagrams for syslog, setresgid,
 * sync_file_range and quotactl; the mbox byte loops (served sizes, headers and bodies); and
 * POP3's listing lines and FETCH's responses of cached values.
 *
 * Loading is explicit and lazy: nothing here runs at import, so a process that never needs the addon (no syslog, no
 * PAM, no body sizes) never maps it or libpam. {@link loadNative} throws when the addon is missing or is not ours;
 * there is deliberately no fallback for crypt (a server that silently lost crypt() would refuse every login with a
 * misleading "bad password").
 *
 * Layer: a platform binding, like lib/lock/fs-ext.ts. lib/auth, lib/env, lib/io/numbered-lines.ts and
 * lib/mailbox/mbox/native-count.ts wrap it; protocol code never imports it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where PAM stopped: 'start' (pam_start or setting PAM_RHOST failed: a PAM configuration or memory problem, not the
 * user's fault), 'authenticate' (wrong password, unknown user, locked entry), 'account' (pam_acct_mgmt: account
 * expired, password must be changed, access denied), or 'ok' when authentication and account management both passed.
 */
export type PamStage = 'ok' | 'start' | 'authenticate' | 'account';

/**
 * The outcome of one PAM transaction. `code` is the PAM return code of the failing call (PAM_SUCCESS, 0, for 'ok';
 * compare with {@link Native.pamCodes}), `message` its pam_strerror text. Neither ever holds the password, so both may
 * be logged.
 */
export interface PamResult {
  readonly stage: PamStage;
  readonly code: number;
  readonly message: string;
}

/** A passwd entry as NSS gave it (struct passwd without the `pw_` prefixes; `passwd` is the second field). */
export interface NssPasswd {
  readonly name: string;
  readonly passwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly dir: string;
  readonly shell: string;
}

/**
 * A shadow entry as NSS gave it (struct spwd): `passwd` the hash, then the day counts of shadow(5) fields 3 to 8
 * (days since 1970-01-01), -1 where the field is empty.
 */
export interface NssShadow {
  readonly name: string;
  readonly passwd: string;
  readonly lastChange: number;
  readonly min: number;
  readonly max: number;
  readonly warn: number;
  readonly inactive: number;
  readonly expire: number;
}

/** The PAM return codes the addon was compiled against (Linux-PAM's values). */
export interface PamCodes {
  readonly PAM_SUCCESS: number;
  readonly PAM_SERVICE_ERR: number;
  readonly PAM_SYSTEM_ERR: number;
  readonly PAM_BUF_ERR: number;
  readonly PAM_PERM_DENIED: number;
  readonly PAM_AUTH_ERR: number;
  readonly PAM_CRED_INSUFFICIENT: number;
  readonly PAM_AUTHINFO_UNAVAIL: number;
  readonly PAM_USER_UNKNOWN: number;
  readonly PAM_MAXTRIES: number;
  readonly PAM_NEW_AUTHTOK_REQD: number;
  readonly PAM_ACCT_EXPIRED: number;
  readonly PAM_CONV_ERR: number;
  readonly PAM_AUTHTOK_EXPIRED: number;
  readonly PAM_ABORT: number;
}

/**
 * The addon's functions. Arguments of the wrong JavaScript type throw a TypeError (a RangeError for over-long
 * strings); system failures are return values, never exceptions. None of them prints anything: under inetd fds 1
 * and 2 are the client's socket.
 */
export interface Native {
  /**
   * libxcrypt's crypt_rn(phrase, setting) with a private `struct crypt_data`: thread-safe, no shared static buffer.
   * `setting` is a stored hash or a bare setting; every method libxcrypt enables works (yescrypt `$y$`, gost-yescrypt
   * `$gy$`, SHA-512 `$6$`, SHA-256 `$5$`, MD5 `$1$`, bcrypt `$2b$`/`$2a$`/`$2y$`, traditional DES). Returns the
   * hash, which the caller compares with the stored one in constant time, or null when libxcrypt refuses the setting
   * (locked entries such as `!`, `*`, `!$6$...`, the empty string, malformed or unknown prefixes), when the phrase
   * has 512 bytes or more, or when it contains a NUL byte (C would stop there, so no stored hash can be for it).
   * The addon copies `phrase` and wipes its copy; the caller still owns (and should wipe) its Buffer.
   */
  crypt(phrase: Buffer, setting: string): string | null;

  /**
   * One PAM transaction on a libuv pool thread (modules may sleep: pam_unix's failure delay, pam_faildelay):
   * pam_start(service, user), PAM_RHOST = rhost unless empty, pam_authenticate(PAM_SILENT |
   * PAM_DISALLOW_NULL_AUTHTOK), pam_acct_mgmt (expired or locked accounts, passwords that must be changed), pam_end.
   * The conversation answers hidden prompts with `password` and echoed prompts with `user`, and drops messages.
   *
   * Resolves with where it stopped; rejects only if Node cancels the job. Throws a TypeError at once when `service`
   * is empty or contains '/' (Linux-PAM would quietly use the fallback service "other", or the part after the last
   * '/'), or when a string holds a NUL byte. A password containing a NUL byte or of 512 bytes or more resolves as an
   * 'authenticate' failure with PAM_AUTH_ERR without asking PAM.
   *
   * The password is copied before this returns (the caller may wipe its Buffer at once); the copy is wiped as soon
   * as PAM is done. Call it before dropping root: pam_unix run by any other uid checks only that uid's own password
   * and answers PAM_AUTHINFO_UNAVAIL for everyone else. Not all PAM modules are thread-safe, so run one transaction
   * at a time per process (each server process serves one client, so that is the natural order).
   */
  pamAuthenticate(service: string, user: string, password: Buffer, rhost: string): Promise<PamResult>;

  /**
   * Sends `data` as one datagram to the AF_UNIX SOCK_DGRAM socket at `path` (syslog's /dev/log), through a socket
   * opened and closed for this call. Returns 0, or the errno value (compare with os.constants.errno): ENOENT when
   * nothing is there, ECONNREFUSED when no one is bound, EAGAIN when the receiver's queue is full (the send never
   * blocks the event loop), ENAMETOOLONG when `path` does not fit in sun_path, EMSGSIZE when `data` is too large.
   */
  unixDgramSend(path: string, data: Buffer): number;

  /**
   * setresgid(2): each argument is a gid, or -1 to leave that one unchanged. Returns 0 or the errno value (EPERM
   * without CAP_SETGID). glibc applies the change to every thread of the process.
   */
  setresgid(rgid: number, egid: number, sgid: number): number;

  /**
   * The served size of a whole mbox body (from a line start), by the rule of BodyServer in
   * lib/mailbox/mbox/render.ts: every line end CRLF, and unless `verbatim` one `>` less on `>+From ` lines.
   * Writes the octets to out[0] and the LF-terminated lines to out[1]; throws a TypeError on wrong argument types.
   * (The one function here that is not a system call: counting lines with memchr makes RFC822.SIZE over a large
   * mailbox several times cheaper than a JS loop. lib/mailbox/mbox/served-count.ts wraps it.)
   */
  servedCount(body: Buffer, verbatim: boolean, out: Float64Array): void;

  /**
   * sync_file_range(fd, offset, nbytes, SYNC_FILE_RANGE_WRITE): starts write-back of that range without waiting.
   * Returns 0 or the errno value. (A rewrite calls it after each step so the disk works while the next is copied;
   * the final fsync still makes the result durable.)
   */
  syncFileRange(fd: number, offset: number, nbytes: number): number;

  /**
   * One step of serving an mbox body by BodyServer's rule (lib/mailbox/mbox/render.ts): `data`'s lines with CRLF
   * ends and, unless `verbatim`, one `>` less on `>+From ` lines, written to `out` or only counted when `out` is
   * null. Returns the octets, or -1 (and `state` untouched) when `out` is too small: data.length + its LFs + 1
   * bytes always suffice.
   * `state` is an Int32Array of 4: [0] a CR was held back at the end of the previous data and [1] `data` starts a
   * line, both read and updated; [2] set to the offset of a line that may still be a quoted From line (served up to
   * there; the caller passes data from there again in front of the next), else -1; [3] set to the lines served.
   * Throws a TypeError on wrong argument types.
   */
  serveBody(data: Buffer, out: Buffer | null, verbatim: boolean, state: Int32Array): number;

  /**
   * A header block as served, by the rule of serveHeader in lib/mailbox/mbox/render.ts (metadata fields and their
   * continuations left out, CRLF line ends, one `>` less on `>+From ` lines), written to `out`. Returns the octets,
   * or -1 when `out` is too small (raw.length + its LFs always suffice). Throws a TypeError on wrong argument types.
   */
  serveHeader(raw: Buffer, out: Buffer): number;

  /**
   * POP3's listing lines, for each k in [first, end) with skip[k] === 0: `<k + 1> <before><value><after>\r\n`, the
   * value being values[k] + add in decimal (form 0), or values[k] as 8 hex digits in lower (1) or upper case (2).
   * `values` and `skip` have at least `end` entries. Returns the octets written to `out`, or -1 (nothing written)
   * when `out` has fewer than (end - first) * (43 + before.length + after.length) bytes. Throws a TypeError on wrong
   * arguments, a RangeError when a decimal value is not a safe integer >= 0.
   */
  numberedLines(
    values: Float64Array | Uint32Array, skip: Uint8Array, first: number, end: number, add: number,
    before: Buffer, after: Buffer, form: 0 | 1 | 2, out: Buffer,
  ): number;

  /**
   * Numbered records, written to `out` from byte `at`: for each k in [0, count),
   * `<p0><first + k><p1>[<seconds[k]><p2>]<value k><p3>`, value k being bytes [starts[k], starts[k] + lengths[k])
   * of `src`, and the bracketed part there only when `seconds` is not null (FETCH responses of cached values:
   * `* 7 FETCH (UID 42 BODYSTRUCTURE (...))` CRLF). Returns the offset in `out` after the last record, or -1
   * (nothing written) when `out` has fewer than at + the lengths + count * (40 + the pieces' lengths) bytes. Throws a
   * TypeError on wrong arguments, a RangeError when a slice lies outside `src`.
   */
  numberedSlices(
    src: Buffer, starts: Float64Array, lengths: Uint32Array, count: number, first: number, seconds: Uint32Array | null,
    p0: Buffer, p1: Buffer, p2: Buffer, p3: Buffer, out: Buffer, at: number,
  ): number;

  /**
   * quotactl(2) Q_GETQUOTA: the user quota of `uid` on the filesystem holding `path` (through quotactl_fd(2) on the
   * path, or, on a kernel without it, quotactl(2) on the mount's block device). Returns 0 and fills `out` (at least 6
   * entries): [0] the block hard limit and [1] the soft limit in 1024-octet units (0: no limit), [2] the octets
   * used, [3] the inode hard and [4] soft limits, [5] the inodes used; or returns the errno value and leaves `out`
   * alone: ENOSYS (no quota support in the kernel), ESRCH (quotas not on for that filesystem), ENOTBLK, ENODEV,
   * EINVAL, EOPNOTSUPP (a filesystem without quotas), ENOENT or EACCES (`path`), EPERM (another uid, unprivileged).
   * lib/mailbox/quota.ts reads them. Throws a TypeError on wrong argument types.
   */
  quotaGet(path: string, uid: number, out: Float64Array): number;

  /**
   * getpwnam_r(3) on a libuv pool thread: the passwd entry named exactly `name` from whatever /etc/nsswitch.conf
   * names (files, sss, ldap, nis, extrausers...; a module may wait on the network, the event loop does not).
   * Resolves with the entry, null when there is none, or the errno value of a lookup that failed (a module that
   * could not be asked, a file that could not be read: not "no such user"). Throws a TypeError at once when `name`
   * is not a string or holds a NUL byte.
   */
  getpwnam(name: string): Promise<NssPasswd | null | number>;

  /** getpwuid_r(3), as {@link getpwnam}; a TypeError when `uid` is not an integer from 0 to 4294967294. */
  getpwuid(uid: number): Promise<NssPasswd | null | number>;

  /**
   * getspnam_r(3), as {@link getpwnam}: the shadow entry named `name`. Only root may read /etc/shadow: anyone else
   * gets EACCES from nss_files, or, when another module follows it in nsswitch.conf, that module's answer (glibc
   * reports the last one asked).
   */
  getspnam(name: string): Promise<NssShadow | null | number>;

  readonly pamCodes: PamCodes;
}

/** The addon's default place: build/uwimap-native.node at the repository (or install) root, beside dist/. */
export function defaultNativePath(): string {
  // This file runs as dist/lib/native/native.js; `make install` keeps the same layout under PREFIX/lib/uwimap-ts.
  return fileURLToPath(new URL('../../../build/uwimap-native.node', import.meta.url));
}

const FUNCTIONS = [
  'crypt', 'pamAuthenticate', 'unixDgramSend', 'setresgid', 'servedCount', 'syncFileRange', 'serveBody', 'serveHeader',
  'numberedLines', 'numberedSlices', 'quotaGet', 'getpwnam', 'getpwuid', 'getspnam',
] as const;

function isNative(value: unknown): value is Native {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const codes = v['pamCodes'];
  return (
    FUNCTIONS.every((name) => typeof v[name] === 'function') &&
    typeof codes === 'object' &&
    codes !== null &&
    typeof (codes as Record<string, unknown>)['PAM_SUCCESS'] === 'number'
  );
}

/**
 * Turns an addon file into its exports; throws when it cannot. The default is Node's require (which caches by path).
 * A server passes process.dlopen instead (bin/server.ts): require's first use in a process costs about 2 ms,
 * on every connection, and the server loads the addon once anyway.
 */
export type AddonLoader = (path: string) => unknown;

const requireAddon: AddonLoader = (path) => createRequire(import.meta.url)(path);

/**
 * Loads the addon from `path` (default {@link defaultNativePath}) with `load` (default: require) and checks that it
 * exports what {@link Native} promises. With the default loader Node caches a loaded addon by path, so calling this
 * again is cheap and returns the same functions. Throws an Error naming the path and the fix (`make build`) when
 * the file is missing or cannot be loaded (the loader's error is the `cause`), or when the module found there is
 * not this addon.
 */
export function loadNative(path: string = defaultNativePath(), load: AddonLoader = requireAddon): Native {
  let loaded: unknown;
  try {
    loaded = load(path);
  } catch (cause) {
    throw new Error(
      `the uwimap native addon could not be loaded from ${path}: build it with \`make build\` ` +
        '(needs cc, libcrypt-dev and libpam0g-dev: `make system-deps`)',
      { cause },
    );
  }
  if (!isNative(loaded)) {
    throw new Error(`${path} is not the uwimap native addon: it lacks ${FUNCTIONS.join(', ')} or pamCodes`);
  }
  return loaded;
}

/**
 * One addon function, loaded on first call of the returned getter (by {@link loadNative}); the getter then gives the
 * same function, or null for good when the addon cannot be loaded (a tool run from a tree without `make build`:
 * callers then do the work in JS with the same result).
 */
export function lazyNative<F>(pick: (n: Native) => F): () => F | null {
  let f: F | null | undefined;
  return () => {
    if (f === undefined) {
      try {
        f = pick(loadNative());
      } catch {
        f = null;
      }
    }
    return f;
  };
}
