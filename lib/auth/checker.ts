/**
 * Password checkers: given a user name and a password, decide whether they log in, and as which account.
 *
 * - {@link SystemPasswordChecker}: passwd + shadow + the scheme table + shadow expiry (UW's ckp_psx/ckp_sv4).
 * - {@link PamPasswordChecker}: PAM through an injected {@link PamFn} (UW's ckp_pam), service `imap` or `pop`.
 * - {@link CramMd5AwareChecker}: UW's rule that an existing cram-md5.pwd also holds the plaintext passwords.
 * - {@link completeSaslLogin}: turns a finished SASL/APOP exchange into an {@link AuthResult}.
 *
 * Common rules, all from UW's env_unix.c: accounts come from one {@link AccountDb} (accounts.ts: NSS or the
 * configured files); a user name that is not found as given is tried in lower case (pwuser); uid 0 never logs in
 * (pw_login); results name the reason, and `detail` - for the log only - never holds a password. The protocol layers
 * must answer every failure alike, whatever its reason, so that a guesser learns nothing.
 */
import type { Clock } from '../env/env.js';
import { findAccount, findEntry, type AccountDb } from './accounts.js';
import type { CramSecrets } from './cram-md5-pwd.js';
import { sameUserName } from './names.js';
import { lookupGroupMembers, shadowExpiry } from './passwd.js';
import type { MayActAs, SaslDone } from './sasl.js';
import { classifyHash, verifyPassword, type CryptFn } from './schemes.js';
import type { Secret } from './secret.js';
import type { Account, AuthFailure, AuthResult, LoginContext } from './types.js';

/** Checks one plaintext login. Resolves with the outcome; rejects only on a programming error. */
export interface PasswordChecker {
  check(user: string, password: Secret, ctx: LoginContext): Promise<AuthResult>;
}

/**
 * A {@link MayActAs} granting the members of `group` in group(5) (UW: `mailadm`) the right to log in as anyone,
 * compared without regard to ASCII case as UW did. Reads `groupPath` at each call; an unreadable file grants nothing.
 */
export function groupAdminPolicy(groupPath = '/etc/group', group = 'mailadm'): MayActAs {
  return (authcid) => {
    let members: readonly string[] | undefined;
    try {
      members = lookupGroupMembers(groupPath, group);
    } catch {
      return false;
    }
    return (members ?? []).some((m) => sameUserName(m, authcid));
  };
}

function failure(reason: AuthFailure, detail: string): AuthResult {
  return { ok: false, reason, detail };
}

/** The final admission every checker applies: UW's pw_login refused uid 0 outright. */
function admit(account: Account): AuthResult {
  if (account.uid === 0) return failure('locked', `user=${account.name}: uid 0 may not log in`);
  return { ok: true, account };
}

/** An error's code or name, never its message (which could, in a careless native layer, echo an argument). */
function errorLabel(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    if ('code' in e && typeof e.code === 'string') return e.code;
    if (e instanceof Error) return e.name;
  }
  return 'error';
}

export interface SystemCheckerOptions {
  /** The passwd and shadow entries (getpwnam, getspnam). */
  readonly accounts: AccountDb;
  readonly crypt: CryptFn;
  /** For shadow expiry: today is floor(now / 86400000), UTC days, as pam_unix counts them. */
  readonly clock: Pick<Clock, 'now'>;
}

/**
 * Checks against the account's passwd and shadow entries with {@link verifyPassword} (UW's ckp_psx, which asked
 * getpwnam and getspnam).
 *
 * The hash is shadow's when the passwd field is `x`, else the passwd field itself (pam_unix's rule). Outcomes:
 * 'no-such-user' (no passwd entry), 'locked' (unusable hash: empty, `!`, `*`, unknown scheme; `x` with no shadow
 * entry; uid 0), 'bad-password', 'expired' (shadow says so - see passwd.ts shadowExpiry; only reported to a caller
 * who gave the right password, so expiry is not disclosed to guessers), 'unavailable' (a file or crypt failed).
 */
export class SystemPasswordChecker implements PasswordChecker {
  readonly #accounts: AccountDb;
  readonly #crypt: CryptFn;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(opts: SystemCheckerOptions) {
    this.#accounts = opts.accounts;
    this.#crypt = opts.crypt;
    this.#clock = opts.clock;
  }

  async check(user: string, password: Secret, _ctx: LoginContext): Promise<AuthResult> {
    try {
      return await this.#check(user, password);
    } catch (e) {
      return failure('unavailable', `user=${user}: password check failed (${errorLabel(e)})`);
    }
  }

  async #check(user: string, password: Secret): Promise<AuthResult> {
    const entry = await findEntry(this.#accounts, user);
    if (!entry) return failure('no-such-user', `user=${user}: no passwd entry`);
    const name = entry.account.name;
    const shadow = await this.#accounts.shadow(name);
    let hash = entry.password;
    if (hash === 'x') {
      if (!shadow) return failure('locked', `user=${name}: passwd says shadow, but there is no shadow entry`);
      hash = shadow.hash;
    }
    const status = classifyHash(hash);
    if (!status.usable) return failure('locked', `user=${name}: password hash is ${status.why}`);
    if (!verifyPassword(hash, password, this.#crypt)) return failure('bad-password', `user=${name}: wrong password`);
    if (shadow) {
      const expired = shadowExpiry(shadow, Math.floor(this.#clock.now() / 86_400_000));
      if (expired) return failure('expired', `user=${name}: ${expired}`);
    }
    return admit(entry.account);
  }
}

/** What the native PAM binding reports: the step that ended the transaction and its PAM return code. */
export interface PamOutcome {
  /** 'ok' after pam_authenticate and pam_acct_mgmt both succeeded; otherwise the step that failed. */
  readonly stage: 'ok' | 'authenticate' | 'account' | 'start';
  readonly code: number;
  /** pam_strerror's text, for the log. */
  readonly message: string;
}

/** Runs one PAM transaction (pam_start, PAM_RHOST, pam_authenticate, pam_acct_mgmt). Owns nothing it is passed. */
export type PamFn = (service: string, user: string, password: Buffer, rhost: string) => Promise<PamOutcome>;

/** The Linux-PAM return codes the mapping distinguishes (security/_pam_types.h). */
export const PAM = Object.freeze({
  SUCCESS: 0,
  PERM_DENIED: 6,
  AUTH_ERR: 7,
  CRED_INSUFFICIENT: 8,
  AUTHINFO_UNAVAIL: 9,
  USER_UNKNOWN: 10,
  MAXTRIES: 11,
  NEW_AUTHTOK_REQD: 12,
  ACCT_EXPIRED: 13,
  AUTHTOK_EXPIRED: 27,
});

/** Maps a failed PAM outcome to our reasons. Exported for the table test. */
export function pamFailure(outcome: PamOutcome): AuthFailure {
  const { stage, code } = outcome;
  if (stage === 'start' || code === PAM.AUTHINFO_UNAVAIL) return 'unavailable';
  if (code === PAM.USER_UNKNOWN) return 'no-such-user';
  if (stage === 'authenticate') {
    return code === PAM.AUTH_ERR || code === PAM.CRED_INSUFFICIENT || code === PAM.MAXTRIES ? 'bad-password' : 'unavailable';
  }
  // pam_acct_mgmt: a password change is required or the account has run out; a mail login can do nothing about either.
  if (code === PAM.ACCT_EXPIRED || code === PAM.NEW_AUTHTOK_REQD || code === PAM.AUTHTOK_EXPIRED) return 'expired';
  return 'locked';
}

export interface PamCheckerOptions {
  readonly pam: PamFn;
  /** Where the Account comes from (UW: getpwnam before pam_authenticate). */
  readonly accounts: AccountDb;
}

/**
 * Checks through PAM, with the service named after the protocol (`imap`, `pop`: UW's service names) and PAM_RHOST
 * from the context. As UW's ckp_pam, the passwd entry is found first (with pwuser's lower-case retry) and PAM is asked
 * about that entry's name; no entry means 'no-such-user' without asking PAM.
 */
export class PamPasswordChecker implements PasswordChecker {
  readonly #pam: PamFn;
  readonly #accounts: AccountDb;

  constructor(opts: PamCheckerOptions) {
    this.#pam = opts.pam;
    this.#accounts = opts.accounts;
  }

  async check(user: string, password: Secret, ctx: LoginContext): Promise<AuthResult> {
    let account: Account | undefined;
    try {
      account = await findAccount(this.#accounts, user);
    } catch (e) {
      return failure('unavailable', `user=${user}: account lookup failed (${errorLabel(e)})`);
    }
    if (!account) return failure('no-such-user', `user=${user}: no passwd entry`);
    if (account.uid === 0) return admit(account);
    if (password.length === 0) return failure('bad-password', `user=${account.name}: empty password`);
    const bytes = password.reveal();
    let outcome: PamOutcome;
    try {
      outcome = await this.#pam(ctx.service, account.name, bytes, ctx.rhost);
    } catch (e) {
      return failure('unavailable', `user=${account.name}: PAM failed (${errorLabel(e)})`);
    } finally {
      bytes.fill(0);
    }
    if (outcome.stage === 'ok') return admit(account);
    return failure(
      pamFailure(outcome),
      `user=${account.name}: PAM ${ctx.service} ${outcome.stage} failed: ${outcome.message} (${outcome.code})`,
    );
  }
}

/**
 * Where plaintext passwords (LOGIN, USER/PASS, AUTH PLAIN/LOGIN) are checked when a cram-md5.pwd is loaded:
 * - 'cram-md5-pwd' (default, UW's rule: md5.txt "plaintext password authentication will also use the CRAM-MD5
 *   passwords instead of UNIX passwords"): only the file; a user missing from it cannot log in with a password.
 * - 'cram-md5-pwd-or-system': the file for its users, the system checker for everyone else.
 * - 'system': the file serves CRAM-MD5 and APOP only.
 */
export type PlaintextPasswords = 'cram-md5-pwd' | 'cram-md5-pwd-or-system' | 'system';

export interface CramAwareOptions {
  /** The loaded database, or null when there is none (then every login goes to `system`). */
  readonly cram: CramSecrets | null;
  readonly system: PasswordChecker;
  readonly accounts: AccountDb;
  readonly plaintext?: PlaintextPasswords;
}

/** Applies UW's cram-md5.pwd rule (see {@link PlaintextPasswords}) in front of a system checker. */
export class CramMd5AwareChecker implements PasswordChecker {
  readonly #cram: CramSecrets | null;
  readonly #system: PasswordChecker;
  readonly #accounts: AccountDb;
  readonly #plaintext: PlaintextPasswords;

  constructor(opts: CramAwareOptions) {
    this.#cram = opts.cram;
    this.#system = opts.system;
    this.#accounts = opts.accounts;
    this.#plaintext = opts.plaintext ?? 'cram-md5-pwd';
  }

  async check(user: string, password: Secret, ctx: LoginContext): Promise<AuthResult> {
    if (this.#cram === null || this.#plaintext === 'system') return this.#system.check(user, password, ctx);
    const secret = this.#cram.lookup(user);
    if (!secret) {
      if (this.#plaintext === 'cram-md5-pwd-or-system') return this.#system.check(user, password, ctx);
      return failure('no-such-user', `user=${user}: not in cram-md5.pwd, which replaces system passwords`);
    }
    if (password.length === 0 || !secret.equals(password)) {
      return failure('bad-password', `user=${user}: wrong password (cram-md5.pwd)`);
    }
    let account: Account | undefined;
    try {
      account = await findAccount(this.#accounts, user);
    } catch (e) {
      return failure('unavailable', `user=${user}: account lookup failed (${errorLabel(e)})`);
    }
    if (!account) return failure('no-such-user', `user=${user}: in cram-md5.pwd but no passwd entry`);
    return admit(account);
  }
}

export interface CompleteSaslOptions {
  /** Checks the password of an unverified exchange (PLAIN, LOGIN), as a plaintext login. */
  readonly checker: PasswordChecker;
  readonly accounts: AccountDb;
  readonly ctx: LoginContext;
}

/**
 * Finishes a 'done' SASL or APOP step: checks `authcid`'s password if the mechanism did not verify it, then returns
 * the account of `user` (the authorisation identity, already approved by the mechanism's MayActAs), refusing uid 0.
 */
export async function completeSaslLogin(done: SaslDone, opts: CompleteSaslOptions): Promise<AuthResult> {
  let proven: Account | undefined;
  if (!done.verified) {
    const result = await opts.checker.check(done.authcid, done.password, opts.ctx);
    if (!result.ok) return result;
    proven = result.account;
  }
  let account: Account | undefined;
  try {
    account = proven && sameUserName(done.user, done.authcid) ? proven : await findAccount(opts.accounts, done.user);
  } catch (e) {
    return failure('unavailable', `user=${done.user}: account lookup failed (${errorLabel(e)})`);
  }
  if (!account) return failure('no-such-user', `user=${done.user}: no passwd entry (authenticated as ${done.authcid})`);
  return admit(account);
}
