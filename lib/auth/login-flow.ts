/**
 * A session's logins, as policy, for IMAP and POP3 alike (bin/ adapts it to their session backends):
 *
 * - the accounts, from the one account database bin/ gives (accounts.ts: NSS or the configured files), for every
 *   mechanism alike;
 * - the password sources the configuration names: passwd/shadow or PAM, cram-md5.pwd (which, as in UW, also holds
 *   the plaintext passwords of the users it lists), and /etc/nologin, while which nobody logs in;
 * - plaintext passwords only over TLS, from loopback, or when configured (login-guard.ts plaintextAllowed); the
 *   SASL mechanisms offered follow (CRAM-MD5 always, when cram-md5.pwd is loaded; PLAIN and LOGIN by that rule);
 * - UW's pause after each failure and the end of the session after too many, or at once for a name no account can
 *   have (login-guard.ts LoginGuard);
 * - APOP against cram-md5.pwd, and STARTTLS/STLS while the connection is not yet encrypted.
 *
 * Nothing here reads the process: the account database and PAM and crypt (the native addon), the clock, randomness,
 * the pause, the client's address and the TLS upgrade of the connection are given by bin/. Build it while still root: cram-md5.pwd is read
 * when it is made.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../env/config.js';
import type { Clock } from '../env/env.js';
import type { Logger } from '../env/logger.js';
import type { AccountDb } from './accounts.js';
import { Apop } from './apop.js';
import {
  CramMd5AwareChecker, completeSaslLogin, PamPasswordChecker, SystemPasswordChecker, type PamFn, type PasswordChecker,
} from './checker.js';
import { loadCramMd5, type CramSecrets } from './cram-md5-pwd.js';
import { LoginGuard, plaintextAllowed } from './login-guard.js';
import { createSaslMechanism, saslMechanismNames, type SaslStep } from './sasl.js';
import type { CryptFn } from './schemes.js';
import type { Secret } from './secret.js';
import type { AuthResult, LoginContext, SaslExchange, SaslStepResult } from './types.js';

/** The configuration keys the login policy reads. */
type LoginConfig = Pick<Config, 'authChecker' | 'cramMd5File' |
  'cramMd5OverridesPlaintext' | 'nologinFile' | 'loginFailureDelayMs' | 'maxLoginFailures' |
  'allowPlaintextWithoutTls'>;

/** What bin/ gives a session's login flow. */
export interface LoginSetup {
  readonly config: LoginConfig;
  /** PAM's service name and the log's: UW's `imap` or `pop`. */
  readonly service: 'imap' | 'pop';
  /** Where every account comes from (accounts.ts accountDb: what `account_source` names). */
  readonly accounts: AccountDb;
  readonly pam: PamFn;
  readonly crypt: CryptFn;
  readonly logger: Logger;
  readonly clock: Clock;
  /** For CRAM-MD5 challenges. */
  readonly hostname: string;
  readonly random: (n: number) => Buffer;
  /** The pause after a failed login. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The client: its address (PAM's rhost; null on a pipe), as logged, and whether it is this machine. */
  readonly client: { readonly address: string | null; readonly host: string; readonly loopback: boolean };
  /** The connection is encrypted from the start (imaps, pop3s). */
  readonly tlsActive: boolean;
  /** Upgrades the connection to TLS (STARTTLS, STLS); null when it cannot be offered (no certificate, no socket). */
  readonly startTls: (() => Promise<void>) | null;
}

/** The password check the configuration names, refusing everyone while the nologin file exists (UW). */
function passwordChecker(setup: LoginSetup, cram: CramSecrets | null): PasswordChecker {
  const c = setup.config;
  const accounts = setup.accounts;
  const system: PasswordChecker = c.authChecker === 'pam'
    ? new PamPasswordChecker({ pam: setup.pam, accounts })
    : new SystemPasswordChecker({ accounts, clock: setup.clock, crypt: setup.crypt });
  const inner = cram
    ? new CramMd5AwareChecker({ cram, system, accounts, plaintext: c.cramMd5OverridesPlaintext ? 'cram-md5-pwd' : 'system' })
    : system;
  return {
    async check(user, password, ctx) {
      // Its text is for the log, not the client.
      if (existsSync(c.nologinFile)) {
        setup.logger.log('notice', `Login disabled user=${user} host=${setup.client.host} (${c.nologinFile} exists)`);
        return { ok: false, reason: 'unavailable', detail: 'logins disabled' };
      }
      return inner.check(user, password, ctx);
    },
  };
}

export class LoginFlow {
  readonly #setup: LoginSetup;
  readonly #accounts: AccountDb;
  readonly #cram: CramSecrets | null;
  readonly #checker: PasswordChecker;
  readonly #guard: LoginGuard;
  readonly #ctx: LoginContext;
  readonly #starter: { start(): Promise<void> } | null;
  #encrypted: boolean;

  constructor(setup: LoginSetup) {
    const c = setup.config;
    this.#setup = setup;
    this.#accounts = setup.accounts;
    const loaded = loadCramMd5(c.cramMd5File, { requireRootOwned: true, log: (m) => setup.logger.log('warning', m) });
    this.#cram = loaded === null || loaded === 'refused' ? null : loaded;
    this.#checker = passwordChecker(setup, this.#cram);
    this.#guard = new LoginGuard({ sleep: setup.sleep, failureDelayMs: c.loginFailureDelayMs, maxFailures: c.maxLoginFailures });
    this.#ctx = { service: setup.service, rhost: setup.client.address ?? '' };
    this.#encrypted = setup.tlsActive;
    const startTls = setup.startTls;
    this.#starter = startTls && {
      start: async () => {
        await startTls();
        this.#encrypted = true;
      },
    };
  }

  /** Plaintext logins (LOGIN, USER/PASS, AUTH PLAIN/LOGIN) allowed now. */
  plaintextAllowed(): boolean {
    return plaintextAllowed({
      tls: this.#encrypted, remoteIsLoopback: this.#setup.client.loopback,
      allowPlaintextWithoutTls: this.#setup.config.allowPlaintextWithoutTls,
    });
  }

  /** The SASL mechanisms to offer now. */
  mechanisms(): readonly string[] {
    return saslMechanismNames(this.#cram !== null).filter((m) => m === 'CRAM-MD5' || this.plaintextAllowed());
  }

  /** A plaintext login (LOGIN, USER/PASS). */
  async login(user: string, password: Secret): Promise<AuthResult> {
    if (this.#guard.screen([user]) === 'disconnect') return { ok: false, reason: 'unavailable', detail: 'too many failures' };
    return this.#checker.check(user, password, this.#ctx);
  }

  /** An exchange of SASL mechanism `mechanism`, or null when it is not offered now. */
  sasl(mechanism: string): SaslExchange | null {
    const cram = this.#cram;
    const { clock, hostname, random } = this.#setup;
    const m = createSaslMechanism(mechanism, cram ? { cram: { secrets: cram, random, clock, hostname } } : {});
    if (!m || (m.plaintext && !this.plaintextAllowed())) return null;
    return { start: (initial) => this.#complete(m.start(initial)), respond: (data) => this.#complete(m.respond(data)) };
  }

  async #complete(step: SaslStep): Promise<SaslStepResult> {
    if (step.kind === 'challenge') return step;
    if (step.kind === 'fail') return { kind: 'fail', reason: step.reason };
    return {
      kind: 'done', authcid: step.authcid,
      result: await completeSaslLogin(step, { checker: this.#checker, accounts: this.#accounts, ctx: this.#ctx }),
    };
  }

  /** APOP is offered (cram-md5.pwd is loaded): the greeting carries a timestamp. */
  get apopOffered(): boolean {
    return this.#cram !== null;
  }

  /** APOP `user` `digest` against the greeting's timestamp `stamp` (null: APOP is off). */
  async apop(stamp: string | null, user: string, digest: string): Promise<AuthResult> {
    const cram = this.#cram;
    if (!stamp || !cram) return { ok: false, reason: 'unavailable', detail: 'APOP is off' };
    if (this.#guard.screen([user]) === 'disconnect') return { ok: false, reason: 'unavailable', detail: 'too many failures' };
    const step = new Apop(stamp, cram).verify(user, digest);
    if (step.kind === 'fail') return { ok: false, reason: 'bad-password', detail: step.detail };
    return completeSaslLogin(step, { checker: this.#checker, accounts: this.#accounts, ctx: this.#ctx });
  }

  /** After a failed login: resolves after the pause; true when the session must end (too many failures). */
  async loginFailed(): Promise<boolean> {
    return (await this.#guard.failed()) === 'disconnect';
  }

  /** STARTTLS/STLS while it can still be offered (not yet encrypted, and possible), else null. */
  get tls(): { start(): Promise<void> } | null {
    return this.#encrypted ? null : this.#starter;
  }
}
