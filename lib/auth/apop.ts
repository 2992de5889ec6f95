/**
 * APOP (RFC 1939 §7): the POP3 greeting carries a timestamp, and `APOP user digest` proves knowledge of the user's
 * shared secret (from cram-md5.pwd, as in UW) by digest = MD5(timestamp + secret), in lower-case hex.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../env/env.js';
import type { CramSecrets } from './cram-md5-pwd.js';
import {
  authorizeIdentity,
  splitAdminName,
  verifyKeyedDigest,
  type SaslDone,
  type SaslFail,
  type SaslOptions,
} from './sasl.js';

/**
 * The greeting's timestamp, exactly as UW's ipop3d built it: `<%lx.%lx@%.64s>` - process ID and time in seconds in
 * lower-case hex, host name cut to 64 characters. Unique per connection as long as PIDs are not reused within a
 * second, which is all RFC 1939 asks.
 */
export function apopTimestamp(opts: { pid: number; clock: Pick<Clock, 'now'>; hostname: string }): string {
  const seconds = Math.floor(opts.clock.now() / 1000);
  return `<${opts.pid.toString(16)}.${seconds.toString(16)}@${opts.hostname.slice(0, 64)}>`;
}

/** One session's APOP state: the timestamp its greeting announced, and the secrets to check digests against. */
export class Apop {
  readonly timestamp: string;
  readonly #secrets: CramSecrets;
  readonly #opts: SaslOptions;

  /** `timestamp` must be the one the greeting sent, angle brackets included. */
  constructor(timestamp: string, secrets: CramSecrets, opts: SaslOptions = {}) {
    this.timestamp = timestamp;
    this.#secrets = secrets;
    this.#opts = opts;
  }

  /**
   * Checks `APOP user digestHex`. Returns a verified 'done' (the caller still needs the passwd entry; see
   * checker.ts completeSaslLogin) or a 'fail': 'malformed' for a digest that is not 32 hex digits (either case),
   * 'bad-credentials' for a wrong digest or a user without a secret (the same time is spent on both),
   * 'not-authorized' for UW's `user*admin` form when the admin may not act as the user.
   */
  verify(user: string, digestHex: string): SaslDone | SaslFail {
    if (!/^[0-9A-Fa-f]{32}$/.test(digestHex)) {
      return { kind: 'fail', reason: 'malformed', detail: 'APOP: digest is not 32 hex digits' };
    }
    const { user: login, authcid } = splitAdminName(user);
    // eslint-disable-next-line no-control-regex
    if (login === '' || /[\u0000-\u0020\u007f]/.test(user)) {
      return { kind: 'fail', reason: 'malformed', detail: 'APOP: bad user name' };
    }
    const stamp = Buffer.from(this.timestamp, 'latin1');
    const ok = verifyKeyedDigest(this.#secrets.lookup(authcid), digestHex, (key) =>
      createHash('md5').update(stamp).update(key).digest(),
    );
    if (!ok) return { kind: 'fail', reason: 'bad-credentials', detail: `APOP: wrong digest or no secret for ${authcid}` };
    return authorizeIdentity(this.#opts, login, authcid, { verified: true });
  }
}
