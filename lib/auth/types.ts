/**
 * Authentication types shared by the password checkers, the SASL mechanisms and the servers.
 * See ../../README.md and issue "Authentication, privileges, TLS, limits and logging".
 */

/** A system account, as /etc/passwd describes it. */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly home: string;
  readonly shell: string;
}

/** Why a login failed. Only `detail` may be logged; it never holds a password. */
export type AuthFailure = 'bad-password' | 'no-such-user' | 'locked' | 'expired' | 'unavailable';

export type AuthResult =
  | { readonly ok: true; readonly account: Account }
  | { readonly ok: false; readonly reason: AuthFailure; readonly detail: string };

/** Where a login comes from: PAM's service (`imap`, `pop` as UW names them) and the remote host, for logs and PAM. */
export interface LoginContext {
  readonly service: 'imap' | 'pop';
  readonly rhost: string;
}

/** One SASL exchange as a protocol session drives it (bin/ adapts lib/auth/sasl.ts mechanisms to this). */
export interface SaslExchange {
  /** Begins with the client's initial response (null: none); gives the first challenge or the result. */
  start(initial: Buffer | null): Promise<SaslStepResult>;
  respond(data: Buffer): Promise<SaslStepResult>;
}

export type SaslStepResult =
  | { readonly kind: 'challenge'; readonly data: Buffer }
  /** `authcid`: the authentication identity the client claimed (for the log, whether or not it was proved). */
  | { readonly kind: 'done'; readonly result: AuthResult; readonly authcid: string }
  | { readonly kind: 'fail'; readonly reason: string };
