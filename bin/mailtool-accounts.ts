/**
 * mailtool's account lookups, from where the servers' come from (`account_source`, lib/auth/accounts.ts): the
 * passwd file with `file`, else the system's databases through NSS. mailtool decides whom it acts as before anything
 * else and synchronously, so NSS is asked through getent(1) (the servers ask the addon's getpwnam_r on a pool thread):
 * one short process per lookup, on a path that makes at most two (a delivery as root).
 */
import { spawnSync } from 'node:child_process';
import type { Config } from '../lib/env/config.js';
import { lookupAccount, lookupAccountByUid, parsePasswdLine } from '../lib/auth/passwd.js';
import type { Account } from '../lib/auth/types.js';

/** getent's exit status for a key that is not in the database (getent(1)). */
const GETENT_NOT_FOUND = 2;

function getent(key: string): Account | undefined {
  const r = spawnSync('getent', ['passwd', key], { encoding: 'utf8', timeout: 30_000, env: { PATH: '/usr/bin:/bin' } });
  if (r.error) throw r.error;
  if (r.status === GETENT_NOT_FOUND) return undefined;
  if (r.status !== 0) throw new Error(`getent passwd ${key} exited ${r.status ?? r.signal}`);
  const entry = parsePasswdLine((r.stdout.split('\n')[0] ?? '').trim());
  if (entry === undefined) throw new Error(`getent passwd ${key}: not a passwd entry`);
  return entry.account;
}

/** Where accounts come from, for messages: `passwd_file /etc/passwd` or `NSS`. */
export function accountSourceName(config: Config): string {
  return config.accountSource === 'file' ? `passwd_file ${config.passwdFile}` : 'NSS';
}

/** The account named `name` (exactly), or undefined. Throws when the source cannot be read or asked. */
export function accountByName(config: Config, name: string): Account | undefined {
  if (config.accountSource === 'file') return lookupAccount(config.passwdFile, name);
  // A name getent would read as a number (a uid) or an option is no user name.
  if (name === '' || /^[0-9]+$/.test(name) || name.startsWith('-')) return undefined;
  const a = getent(name);
  return a?.name === name ? a : undefined;
}

/** The account of user id `uid`, or undefined. Throws when the source cannot be read or asked. */
export function accountByUid(config: Config, uid: number): Account | undefined {
  if (config.accountSource === 'file') return lookupAccountByUid(config.passwdFile, uid);
  const a = getent(String(uid));
  return a?.uid === uid ? a : undefined;
}
