/**
 * The account database: one place where every login of both servers finds its account (LOGIN, AUTHENTICATE PLAIN
 * and LOGIN, CRAM-MD5, USER/PASS, APOP, through the passwd or the PAM checker) and where a preauthenticated session
 * finds its own user. UW asked getpwnam, so `account_source` says where the answers come from:
 *
 * - `nss` (the default, as UW): the system's databases through NSS, as /etc/nsswitch.conf orders them (files, sss,
 *   ldap, nis, extrausers...): getpwnam_r, getpwuid_r and getspnam_r in the native addon, which bin/ gives as
 *   {@link NssLookups}. An account the system knows is an account here.
 * - `file`: `passwd_file` and `shadow_file` read directly (passwd.ts), for a server whose mail accounts are not the
 *   system's, as Dovecot's passwd-file.
 *
 * A lookup that fails (a file that cannot be read, an NSS module that cannot be asked) rejects, and the checkers
 * answer 'unavailable': it is never taken for "no such user".
 */
import { constants } from 'node:os';
import type { Config } from '../env/config.js';
import { asciiLower } from './names.js';
import {
  lookupAccountByUid, lookupPasswd, lookupShadow, plausibleName, type PasswdEntry, type ShadowEntry,
} from './passwd.js';
import type { Account } from './types.js';

/** getpwnam, getpwuid and getspnam over one source. Each call asks the source afresh (`usermod -L` counts at once). */
export interface AccountDb {
  /** The passwd entry named exactly `name` (case matters, as in getpwnam), or undefined. */
  byName(name: string): Promise<PasswdEntry | undefined>;
  /** The passwd entry of user id `uid`, without its password field, or undefined. */
  byUid(uid: number): Promise<Account | undefined>;
  /** The shadow entry named exactly `name`, or undefined (root only, usually). */
  shadow(name: string): Promise<ShadowEntry | undefined>;
}

/** A passwd entry as the native addon gives it (lib/native/native.ts NssPasswd). */
interface NssPasswd {
  readonly name: string;
  readonly passwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly dir: string;
  readonly shell: string;
}

/** A shadow entry as the native addon gives it (lib/native/native.ts NssShadow): -1 for an empty day count. */
interface NssShadow {
  readonly passwd: string;
  readonly lastChange: number;
  readonly min: number;
  readonly max: number;
  readonly warn: number;
  readonly inactive: number;
  readonly expire: number;
}

/** The native addon's NSS lookups: each resolves with the entry, null when there is none, or an errno value. */
export interface NssLookups {
  getpwnam(name: string): Promise<NssPasswd | null | number>;
  getpwuid(uid: number): Promise<NssPasswd | null | number>;
  getspnam(name: string): Promise<NssShadow | null | number>;
}

/** The configuration keys that choose the source. */
type AccountConfig = Pick<Config, 'accountSource' | 'passwdFile' | 'shadowFile'>;

/** The database `account_source` names: NSS through `nss`, or passwd_file and shadow_file. */
export function accountDb(config: AccountConfig, nss: NssLookups): AccountDb {
  return config.accountSource === 'file' ? fileAccounts(config.passwdFile, config.shadowFile) : nssAccounts(nss);
}

/** `account_source = file`: passwd(5) and shadow(5) files, read at each call; a file that cannot be read rejects. */
export function fileAccounts(passwdPath = '/etc/passwd', shadowPath = '/etc/shadow'): AccountDb {
  return {
    byName: async (name) => lookupPasswd(passwdPath, name),
    byUid: async (uid) => lookupAccountByUid(passwdPath, uid),
    shadow: async (name) => lookupShadow(shadowPath, name),
  };
}

/** An errno value as an Error whose `code` is its name (EIO, EACCES...), as Node's own errors carry it. */
function lookupFailed(call: string, errno: number): Error {
  const code = Object.entries(constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${call} failed: ${code}`), { code });
}

function fromNssPasswd(e: NssPasswd): PasswdEntry {
  return {
    account: { name: e.name, uid: e.uid, gid: e.gid, gecos: e.gecos, home: e.dir, shell: e.shell },
    password: e.passwd,
  };
}

/** A day count, or undefined for the -1 (or any negative) of an empty field, as passwd.ts reads the file. */
const day = (n: number): number | undefined => (n < 0 ? undefined : n);

/**
 * `account_source = nss`: the addon's getpwnam_r, getpwuid_r and getspnam_r. A name no account can have (empty, or
 * holding `:`, a newline or a NUL, or NIS's `+`/`-` at its start) is not asked about, as the file reader does not.
 */
export function nssAccounts(nss: NssLookups): AccountDb {
  return {
    async byName(name) {
      if (!plausibleName(name)) return undefined;
      const r = await nss.getpwnam(name);
      if (typeof r === 'number') throw lookupFailed('getpwnam', r);
      return r === null ? undefined : fromNssPasswd(r);
    },
    async byUid(uid) {
      const r = await nss.getpwuid(uid);
      if (typeof r === 'number') throw lookupFailed('getpwuid', r);
      return r === null ? undefined : fromNssPasswd(r).account;
    },
    async shadow(name) {
      if (!plausibleName(name)) return undefined;
      const r = await nss.getspnam(name);
      if (typeof r === 'number') throw lookupFailed('getspnam', r);
      if (r === null) return undefined;
      return {
        hash: r.passwd, lastChange: day(r.lastChange), minDays: day(r.min), maxDays: day(r.max), warnDays: day(r.warn),
        inactive: day(r.inactive), expireDay: day(r.expire),
      };
    },
  };
}

/**
 * UW's pwuser(): the entry named `name`, else - if `name` has upper-case letters - the one named in lower case.
 * Rejects when the database cannot be asked.
 */
export async function findEntry(accounts: AccountDb, name: string): Promise<PasswdEntry | undefined> {
  const exact = await accounts.byName(name);
  if (exact) return exact;
  const lower = asciiLower(name);
  return lower !== name ? accounts.byName(lower) : undefined;
}

/** {@link findEntry}'s account, without the password field. */
export async function findAccount(accounts: AccountDb, name: string): Promise<Account | undefined> {
  return (await findEntry(accounts, name))?.account;
}
