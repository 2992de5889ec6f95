/**
 * Readers for the classic Unix account files: passwd(5), shadow(5) and group(5).
 *
 * Every call reads the file afresh (they are small, and a long-lived server must see `usermod -L` or `chage -E` at
 * once), so nothing here holds state between calls. Lines that do not parse are skipped the way glibc's nss_files
 * skips them, with one deliberate difference: a passwd line whose UID or GID field is empty or not a decimal number is
 * skipped rather than read as 0, so a damaged line can never become root.
 *
 * NIS compatibility lines (`+name`, `-name`, `+`, `+@netgroup`) are ignored: this server consults only the local
 * files, and a `-name` exclusion has nothing to exclude from.
 */
import { readFileSync } from 'node:fs';
import type { Account } from './types.js';

/** One passwd(5) line: the account, and the password field as written (`x` means "see shadow"). */
export interface PasswdEntry {
  readonly account: Account;
  /** The second field: a crypt(3) hash, `x` when the hash lives in shadow, or a lock marker such as `*`. */
  readonly password: string;
}

/**
 * One shadow(5) line. Day counts are days since 1970-01-01 (UTC); an empty field is `undefined`, as is a negative
 * one (some tools write -1 for "unset").
 */
export interface ShadowEntry {
  readonly hash: string;
  /** Field 3: day of the last password change. 0 means "must change at next login". */
  readonly lastChange?: number;
  readonly minDays?: number;
  /** Field 5: the password is valid this many days after lastChange. */
  readonly maxDays?: number;
  readonly warnDays?: number;
  /** Field 7: grace days after maxDays during which a change (not a login) is still allowed. */
  readonly inactive?: number;
  /** Field 8: the account is expired from this day on (see {@link shadowExpiry}). */
  readonly expireDay?: number;
}

/** Why {@link shadowExpiry} refuses an account. */
export type ShadowExpiry = 'account-expired' | 'password-must-change' | 'password-too-old';

/** Largest value a uid_t/gid_t can hold. */
const MAX_ID = 0xffff_ffff;

/**
 * Returns the lines of `path` that can hold an entry: comments, blank lines and NIS `+`/`-` lines are dropped.
 * Throws what readFileSync throws (ENOENT, EACCES): a missing account database is an outage, not "no such user".
 */
function entryLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('+') && !line.startsWith('-'));
}

/**
 * A name that could appear as the first field; anything else cannot match any line, so lookups short-cut (the NSS
 * lookups of accounts.ts too: no account database holds such a name).
 */
export function plausibleName(name: string): boolean {
  return name !== '' && !/[:\n\0]/.test(name) && !name.startsWith('+') && !name.startsWith('-');
}

function parseId(field: string | undefined): number | undefined {
  if (field === undefined || !/^[0-9]{1,10}$/.test(field)) return undefined;
  const n = Number(field);
  return n <= MAX_ID ? n : undefined;
}

/**
 * Parses one passwd(5) line `name:password:uid:gid:gecos:home:shell`. Returns undefined for a line that is not
 * exactly seven fields with a non-empty name and numeric ids.
 */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length !== 7) return undefined;
  const [name, password, uidField, gidField, gecos, home, shell] = f;
  const uid = parseId(uidField);
  const gid = parseId(gidField);
  if (!name || uid === undefined || gid === undefined || password === undefined) return undefined;
  return {
    account: { name, uid, gid, gecos: gecos ?? '', home: home ?? '', shell: shell ?? '' },
    password,
  };
}

/**
 * The first passwd entry named exactly `name` (case matters, as in getpwnam(3)), or undefined.
 * Reads `passwdPath` now; throws if it cannot be read.
 */
export function lookupPasswd(passwdPath: string, name: string): PasswdEntry | undefined {
  if (!plausibleName(name)) return undefined;
  for (const line of entryLines(passwdPath)) {
    if (!line.startsWith(`${name}:`)) continue;
    const entry = parsePasswdLine(line);
    if (entry) return entry;
  }
  return undefined;
}

/** {@link lookupPasswd}'s account without the password field. Throws if the file cannot be read. */
export function lookupAccount(passwdPath: string, name: string): Account | undefined {
  return lookupPasswd(passwdPath, name)?.account;
}

/**
 * The first passwd entry with user id `uid` (getpwuid(3)'s answer for a plain /etc/passwd), without its password
 * field, or undefined. Throws if the file cannot be read.
 */
export function lookupAccountByUid(passwdPath: string, uid: number): Account | undefined {
  for (const line of entryLines(passwdPath)) {
    const entry = parsePasswdLine(line);
    if (entry?.account.uid === uid) return entry.account;
  }
  return undefined;
}

function parseDay(field: string | undefined): number | undefined | null {
  if (field === undefined || field === '') return undefined;
  if (!/^-?[0-9]{1,10}$/.test(field)) return null;
  const n = Number(field);
  return n < 0 ? undefined : n;
}

/**
 * Parses one shadow(5) line: `name:hash:lastchg:min:max:warn:inactive:expire:reserved` (the reserved field and its
 * colon may be missing), or the old two-field form `name:hash` that glibc also accepts (no aging). A numeric field that is not a number makes the whole line unusable
 * (undefined), as it does for glibc; the caller then finds no shadow entry and fails closed.
 */
export function parseShadowLine(line: string): { name: string; entry: ShadowEntry } | undefined {
  const f = line.split(':');
  if (f.length !== 2 && f.length !== 8 && f.length !== 9) return undefined;
  const [name, hash] = f;
  if (!name || hash === undefined) return undefined;
  const days = f.slice(2, 8).map(parseDay);
  if (days.includes(null)) return undefined;
  const [lastChange, minDays, maxDays, warnDays, inactive, expireDay] = days as (number | undefined)[];
  return { name, entry: { hash, lastChange, minDays, maxDays, warnDays, inactive, expireDay } };
}

/**
 * The first shadow entry named exactly `name`, or undefined. Reads `shadowPath` now (root only, usually); throws if
 * it cannot be read.
 */
export function lookupShadow(shadowPath: string, name: string): ShadowEntry | undefined {
  if (!plausibleName(name)) return undefined;
  for (const line of entryLines(shadowPath)) {
    if (!line.startsWith(`${name}:`)) continue;
    const parsed = parseShadowLine(line);
    if (parsed) return parsed.entry;
  }
  return undefined;
}

/**
 * Whether a shadow entry forbids logging in on `today` (days since 1970-01-01, UTC), and why. Undefined means the
 * account may log in.
 *
 * The rules are pam_unix's (`pam_acct_mgmt`), which is what a Linux administrator's `chage` settings are written
 * for, and which UW's own checkers (ckp_psx.c/ckp_sv4.c) agree with in substance:
 * - `expireDay` set and `today >= expireDay`: the account expired (chage -E names the first day it is unusable;
 *   0 is therefore expired too, as pam_unix reads it. UW's ckp_psx counted the day itself as still valid and 0 as
 *   "never": we take the stricter reading).
 * - `lastChange === 0`: the administrator forced a password change (`passwd -e`). A mail login cannot change a
 *   password, so it is refused, as both pam_unix (PAM_NEW_AUTHTOK_REQD) and UW (`sp->sp_lstchg` false) refuse it.
 * - `maxDays` set and more than `maxDays` days since `lastChange`: the password is too old. Within the `inactive`
 *   grace period pam_unix would ask for a new password (refused for the same reason), and after it the account is
 *   expired, so `inactive` never widens the window for a mail login; UW ignored it too ("not checked!").
 */
export function shadowExpiry(entry: ShadowEntry, today: number): ShadowExpiry | undefined {
  if (entry.expireDay !== undefined && today >= entry.expireDay) return 'account-expired';
  if (entry.lastChange === 0) return 'password-must-change';
  if (entry.lastChange !== undefined && entry.maxDays !== undefined && today - entry.lastChange > entry.maxDays) {
    return 'password-too-old';
  }
  return undefined;
}

/**
 * The members listed in group(5) for `group` (the fourth field, comma-separated), or undefined if there is no such
 * group. Primary-group members (passwd's GID field) are not included, as UW's getgrnam() scan did not include them.
 * Reads `groupPath` now; throws if it cannot be read.
 */
export function lookupGroupMembers(groupPath: string, group: string): readonly string[] | undefined {
  if (!plausibleName(group)) return undefined;
  for (const line of entryLines(groupPath)) {
    const f = line.split(':');
    if (f.length !== 4 || f[0] !== group || parseId(f[2]) === undefined) continue;
    return (f[3] ?? '').split(',').filter((m) => m !== '');
  }
  return undefined;
}
