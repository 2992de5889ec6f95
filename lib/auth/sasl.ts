/**
 * Server-side SASL (RFC 4422) step machines for PLAIN, LOGIN and CRAM-MD5, shared by IMAP AUTHENTICATE (RFC 3501
 * §6.2.2, RFC 4959 SASL-IR) and POP3 AUTH (RFC 5034).
 *
 * Protocol-neutral: challenges and responses are raw bytes. The protocol layer base64-encodes challenges, sends them
 * as `+ ...` continuations, decodes replies with {@link decodeSaslResponse}, and calls {@link SaslMechanism.cancel}
 * when the client sends `*`. A mechanism decides who the client claims to be and, for CRAM-MD5, whether the proof is
 * right; password checks for PLAIN and LOGIN are left to a PasswordChecker (checker.ts's completeSaslLogin), so one
 * place owns the password rules.
 *
 * Identities follow UW: the authorisation identity (`user`, whose mailbox is opened) may differ from the
 * authentication identity (`authcid`, whose password or secret is proved) only when {@link SaslOptions.mayActAs}
 * allows it - UW allowed members of the `mailadm` group (env_unix.c pw_login). PLAIN carries the two identities in
 * its message; LOGIN and CRAM-MD5 use UW's `user*admin` spelling of the user name.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../env/env.js';
import type { CramSecrets } from './cram-md5-pwd.js';
import { sameUserName } from './names.js';
import { Secret } from './secret.js';

type SaslFailReason =
  /** The client sent `*`. */
  | 'cancelled'
  /** The client's message does not have the mechanism's form. */
  | 'malformed'
  /** The authentication identity may not act as the authorisation identity. */
  | 'not-authorized'
  /** CRAM-MD5's digest is wrong, or the user has no CRAM-MD5 secret. */
  | 'bad-credentials'
  /** A call out of order: a response before start(), after the end, or an initial response where none may be. */
  | 'protocol';

interface SaslChallenge {
  readonly kind: 'challenge';
  /** Raw bytes to send (base64-encoded by the protocol layer). */
  readonly data: Buffer;
}

/**
 * The exchange finished: `authcid` proved (verified: true) or claims (verified: false, with the password for the
 * caller to check) its identity, and asks to act as `user`.
 */
export type SaslDone =
  | {
      readonly kind: 'done';
      readonly user: string;
      readonly authcid: string;
      readonly verified: false;
      readonly password: Secret;
    }
  | { readonly kind: 'done'; readonly user: string; readonly authcid: string; readonly verified: true };

/** The exchange failed. `detail` is for logs: it may name the user, never a password or digest. */
export interface SaslFail {
  readonly kind: 'fail';
  readonly reason: SaslFailReason;
  readonly detail: string;
}

export type SaslStep = SaslChallenge | SaslDone | SaslFail;

/**
 * One authentication exchange. Single use: call start() once; call respond() only while the last step was a
 * challenge; cancel() at any time. Once a step is 'done' or 'fail', every further call returns a 'protocol' failure.
 * respond() takes ownership of `data` and zeroes it, since it may hold a password.
 */
export interface SaslMechanism {
  /** The IANA name, upper case. */
  readonly name: string;
  /** True if the password crosses the wire in the clear (PLAIN, LOGIN): the caller's plaintext policy applies. */
  readonly plaintext: boolean;
  /** `initial` is the SASL-IR / AUTH initial response (an empty Buffer for `=`), or null when there was none. */
  start(initial: Buffer | null): SaslStep;
  respond(data: Buffer): SaslStep;
  cancel(): SaslStep;
}

/**
 * May `authcid`, having proved its identity, act as `authzid`? Called only when the two differ (ignoring ASCII
 * case, as UW's compare_cstring did).
 */
export type MayActAs = (authcid: string, authzid: string) => boolean;

export interface SaslOptions {
  /** Absent: nobody may act as anyone else. */
  readonly mayActAs?: MayActAs;
}

export interface CramMd5Options extends SaslOptions {
  readonly secrets: CramSecrets;
  /** Random bytes (crypto.randomBytes in production), for the challenge's unique part. */
  readonly random: (size: number) => Buffer;
  readonly clock: Pick<Clock, 'now'>;
  /** This host's name, as UW's mylocalhost(). */
  readonly hostname: string;
}

/**
 * UW's LOGIN prompts (auth_log.c PWD_USER, PWD_PWD), each with its C terminator because UW passed sizeof() as the
 * length: on the wire `+ VXNlciBOYW1lAA==` and `+ UGFzc3dvcmQA`. Strings, so no importer can alter them.
 */
const LOGIN_USER_PROMPT = 'User Name\0';
const LOGIN_PASSWORD_PROMPT = 'Password\0';

const fail = (reason: SaslFailReason, detail: string): SaslFail => ({ kind: 'fail', reason, detail });

/** A user name as it may reach the password checker: valid UTF-8, no control characters, not empty. */
function decodeName(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s) ? undefined : s;
}

/**
 * Applies the authorisation rule once `authcid`'s credential is in hand: the done step, or a 'not-authorized' failure
 * when `user` differs from `authcid` (ASCII case ignored) and `opts.mayActAs` does not allow it.
 */
export function authorizeIdentity(
  opts: SaslOptions,
  user: string,
  authcid: string,
  credential: { verified: true } | { verified: false; password: Secret },
): SaslDone | SaslFail {
  if (!sameUserName(user, authcid) && !(opts.mayActAs?.(authcid, user) ?? false)) {
    return fail('not-authorized', `${authcid} may not log in as ${user}`);
  }
  return credential.verified
    ? { kind: 'done', user, authcid, verified: true }
    : { kind: 'done', user, authcid, verified: false, password: credential.password };
}

/**
 * UW's `user*admin` (auth_log.c, auth_md5.c): log in as `user`, proving `admin`'s identity. No star, or nothing after
 * it, means the user proves their own identity.
 */
export function splitAdminName(name: string): { user: string; authcid: string } {
  const star = name.indexOf('*');
  if (star < 0) return { user: name, authcid: name };
  const user = name.slice(0, star);
  const admin = name.slice(star + 1);
  return { user, authcid: admin === '' ? user : admin };
}

/** The shared once-only bookkeeping: every mechanism is a small state machine over these phases. */
abstract class Exchange implements SaslMechanism {
  abstract readonly name: string;
  abstract readonly plaintext: boolean;
  #phase: 'new' | 'waiting' | 'over' = 'new';

  /** Takes ownership of `initial` and zeroes it, like respond(). */
  start(initial: Buffer | null): SaslStep {
    try {
      if (this.#phase !== 'new') return this.#settle(fail('protocol', `${this.name}: started twice`));
      return this.#settle(this.begin(initial));
    } finally {
      initial?.fill(0);
    }
  }

  respond(data: Buffer): SaslStep {
    try {
      if (this.#phase !== 'waiting') return this.#settle(fail('protocol', `${this.name}: response out of turn`));
      return this.#settle(this.next(data));
    } finally {
      data.fill(0);
    }
  }

  cancel(): SaslStep {
    const over = this.#phase === 'over';
    this.#phase = 'over';
    return fail(over ? 'protocol' : 'cancelled', `${this.name}: ${over ? 'cancel after the end' : 'cancelled by client'}`);
  }

  protected abstract begin(initial: Buffer | null): SaslStep;
  protected abstract next(data: Buffer): SaslStep;

  #settle(step: SaslStep): SaslStep {
    this.#phase = step.kind === 'challenge' ? 'waiting' : 'over';
    return step;
  }
}

/**
 * PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd`, exactly two NULs, authcid and passwd non-empty. Client-first:
 * with no initial response the server sends an empty challenge (UW's `+ `), and the one response is the message.
 */
export class PlainMechanism extends Exchange {
  readonly name = 'PLAIN';
  readonly plaintext = true;
  readonly #opts: SaslOptions;

  constructor(opts: SaslOptions = {}) {
    super();
    this.#opts = opts;
  }

  protected begin(initial: Buffer | null): SaslStep {
    return initial === null ? { kind: 'challenge', data: Buffer.alloc(0) } : this.#message(initial);
  }

  protected next(data: Buffer): SaslStep {
    return this.#message(data);
  }

  #message(msg: Buffer): SaslStep {
    const first = msg.indexOf(0);
    const second = first < 0 ? -1 : msg.indexOf(0, first + 1);
    if (second < 0 || msg.indexOf(0, second + 1) >= 0) return fail('malformed', 'PLAIN: not authzid NUL authcid NUL passwd');
    const authzidBytes = msg.subarray(0, first);
    const authcid = decodeName(msg.subarray(first + 1, second));
    const authzid = authzidBytes.length === 0 ? authcid : decodeName(authzidBytes);
    const password = msg.subarray(second + 1);
    if (authcid === undefined || authzid === undefined) return fail('malformed', 'PLAIN: bad or empty identity');
    if (password.length === 0) return fail('malformed', `PLAIN: empty password for ${authcid}`);
    return authorizeIdentity(this.#opts, authzid, authcid, { verified: false, password: new Secret(password) });
  }
}

/**
 * LOGIN (draft-murchison-sasl-login): the server prompts "User Name" then "Password", as UW's auth_log.c did, NUL
 * terminator included. An initial response is taken as the user name and skips the first prompt (what Outlook and
 * most servers do; UW itself refused any initial response to LOGIN).
 */
export class LoginMechanism extends Exchange {
  readonly name = 'LOGIN';
  readonly plaintext = true;
  readonly #opts: SaslOptions;
  #name: string | undefined;

  constructor(opts: SaslOptions = {}) {
    super();
    this.#opts = opts;
  }

  protected begin(initial: Buffer | null): SaslStep {
    if (initial === null) return { kind: 'challenge', data: Buffer.from(LOGIN_USER_PROMPT, 'latin1') };
    return this.next(initial);
  }

  protected next(data: Buffer): SaslStep {
    if (this.#name === undefined) {
      const name = decodeName(data);
      if (name === undefined) return fail('malformed', 'LOGIN: bad or empty user name');
      this.#name = name;
      return { kind: 'challenge', data: Buffer.from(LOGIN_PASSWORD_PROMPT, 'latin1') };
    }
    const { user, authcid } = splitAdminName(this.#name);
    if (user === '') return fail('malformed', 'LOGIN: empty user name');
    if (data.length === 0) return fail('malformed', `LOGIN: empty password for ${authcid}`);
    return authorizeIdentity(this.#opts, user, authcid, { verified: false, password: new Secret(data) });
  }
}

/**
 * CRAM-MD5 (RFC 2195). The challenge is UW's `<N.T@host>` (auth_md5.c), with T the time in seconds and, where UW put
 * its process ID, a random 32-bit number: a PID is guessable and repeats, and the challenge's one job is never to
 * repeat. The response is `user SP digest`, split at the last space as UW did; the digest is 32 hex digits of
 * HMAC-MD5(secret, challenge) (either case accepted), compared in constant time. Server-first: an initial response
 * is refused (RFC 4422 §5 point 2a; UW refused it too), except an empty one, which carries nothing.
 */
export class CramMd5Mechanism extends Exchange {
  readonly name = 'CRAM-MD5';
  readonly plaintext = false;
  readonly #opts: CramMd5Options;
  #challenge: Buffer = Buffer.alloc(0);

  constructor(opts: CramMd5Options) {
    super();
    this.#opts = opts;
  }

  protected begin(initial: Buffer | null): SaslStep {
    if (initial !== null && initial.length > 0) {
      return fail('protocol', 'CRAM-MD5: initial response not allowed (server speaks first)');
    }
    this.#challenge = Buffer.from(cramMd5Challenge(this.#opts), 'latin1');
    return { kind: 'challenge', data: Buffer.from(this.#challenge) };
  }

  protected next(data: Buffer): SaslStep {
    const text = decodeName(data);
    const space = text === undefined ? -1 : text.lastIndexOf(' ');
    if (text === undefined || space <= 0) return fail('malformed', 'CRAM-MD5: not "user digest"');
    const hex = text.slice(space + 1);
    if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return fail('malformed', 'CRAM-MD5: digest is not 32 hex digits');
    const { user, authcid } = splitAdminName(text.slice(0, space));
    if (user === '') return fail('malformed', 'CRAM-MD5: empty user name');
    if (!verifyKeyedDigest(this.#opts.secrets.lookup(authcid), hex, (key) => hmacMd5(key, this.#challenge))) {
      return fail('bad-credentials', `CRAM-MD5: wrong digest or no secret for ${authcid}`);
    }
    return authorizeIdentity(this.#opts, user, authcid, { verified: true });
  }
}

/**
 * Builds a CRAM-MD5 challenge `<N.T@hostname>`: N a decimal random 32-bit number, T the clock's whole seconds.
 * With random bytes 00 00 07 68, a clock at 697170952 s and host postoffice.reston.mci.net this is RFC 2195's own.
 */
export function cramMd5Challenge(opts: Pick<CramMd5Options, 'random' | 'clock' | 'hostname'>): string {
  const n = opts.random(4).readUInt32BE(0);
  return `<${n}.${Math.floor(opts.clock.now() / 1000)}@${opts.hostname}>`;
}

function hmacMd5(key: Buffer, text: Buffer): Buffer {
  return createHmac('md5', key).update(text).digest();
}

/**
 * True if `hex` is the digest `digest(secret)`. Without a secret the digest is still computed (with an empty key) and
 * compared, so an unknown user takes as long as a wrong digest. The revealed key is zeroed after use.
 */
export function verifyKeyedDigest(secret: Secret | undefined, hex: string, digest: (key: Buffer) => Buffer): boolean {
  const key = secret ? secret.reveal() : Buffer.alloc(0);
  try {
    const expected = digest(key);
    const given = Buffer.from(hex, 'hex');
    const same = given.length === expected.length && timingSafeEqual(given, expected);
    return same && secret !== undefined;
  } finally {
    key.fill(0);
  }
}

/** The mechanism names this server can offer, given whether a CRAM-MD5 database is loaded. */
export function saslMechanismNames(cram: boolean): readonly string[] {
  return cram ? ['CRAM-MD5', 'PLAIN', 'LOGIN'] : ['PLAIN', 'LOGIN'];
}

/**
 * A fresh exchange for mechanism `name` (any case), or undefined if unknown or unavailable (CRAM-MD5 without `cram`).
 */
export function createSaslMechanism(
  name: string,
  opts: SaslOptions & { readonly cram?: Omit<CramMd5Options, keyof SaslOptions> },
): SaslMechanism | undefined {
  switch (name.toUpperCase()) {
    case 'PLAIN':
      return new PlainMechanism(opts);
    case 'LOGIN':
      return new LoginMechanism(opts);
    case 'CRAM-MD5':
      return opts.cram ? new CramMd5Mechanism({ ...opts.cram, mayActAs: opts.mayActAs }) : undefined;
    default:
      return undefined;
  }
}
