/**
 * The login policy of one session, as UW's env_unix.c server_login() applied it: a pause after every failure (UW
 * slept 3 s "to slow down possible cracker"), a small number of attempts per session (UW's logtry, 3), and over-long
 * names treated as a break-in attempt that ends the session. Plus the rule for plaintext passwords on connections
 * without TLS ({@link plaintextAllowed}).
 *
 * One LoginGuard per session; it holds only that session's counters.
 */
export interface LoginGuardOptions {
  /** Waits `ms` milliseconds. Injected so tests do not wait; production passes timers/promises setTimeout. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The pause after each failure. Default 3000 (UW). */
  readonly failureDelayMs?: number;
  /** Failures a session may have; the last one ends it. Default 3 (UW's logtry). */
  readonly maxFailures?: number;
  /** Longest acceptable user name in bytes. Default 64: UW's NETMAXUSER (65) less the C terminator. */
  readonly maxNameBytes?: number;
}

/** What the session should do next. */
export type GuardVerdict = 'continue' | 'disconnect';

export class LoginGuard {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #delayMs: number;
  readonly #maxFailures: number;
  readonly #maxNameBytes: number;
  #failures = 0;
  #exhausted = false;

  constructor(opts: LoginGuardOptions) {
    this.#sleep = opts.sleep;
    this.#delayMs = opts.failureDelayMs ?? 3000;
    this.#maxFailures = opts.maxFailures ?? 3;
    this.#maxNameBytes = opts.maxNameBytes ?? 64;
    if (!(this.#delayMs >= 0) || !Number.isInteger(this.#maxFailures) || this.#maxFailures < 1) {
      throw new RangeError('LoginGuard: failureDelayMs must be >= 0 and maxFailures a positive integer');
    }
  }

  /** Failures so far in this session. */
  get failures(): number {
    return this.#failures;
  }

  /** True once the session may not try again (limit reached or a break-in attempt seen). */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /**
   * Call before checking credentials, with every name the client gave (user, authorisation identity). Returns
   * 'continue' to go ahead, or 'disconnect' if the session is exhausted or a name is longer than UW's NETMAXUSER
   * allowed ("SYSTEM BREAK-IN ATTEMPT": the session is then exhausted). After 'disconnect' the caller should still
   * call {@link failed} so the pause applies, then close the connection.
   */
  screen(names: readonly string[]): GuardVerdict {
    if (names.some((n) => Buffer.byteLength(n, 'utf8') > this.#maxNameBytes)) this.#exhausted = true;
    return this.#exhausted ? 'disconnect' : 'continue';
  }

  /**
   * Records a failed attempt and waits the failure delay before resolving. Resolves 'disconnect' when this was the
   * last failure allowed (or the session was already exhausted): the caller sends its failure response and closes
   * the connection. Never rejects unless the injected sleep does.
   */
  async failed(): Promise<GuardVerdict> {
    this.#failures++;
    if (this.#failures >= this.#maxFailures) this.#exhausted = true;
    await this.#sleep(this.#delayMs);
    return this.#exhausted ? 'disconnect' : 'continue';
  }
}

export interface ConnectionSecurity {
  /** The connection is encrypted (implicit TLS, or after STARTTLS/STLS). */
  readonly tls: boolean;
  /** The peer is this host (see {@link isLoopback}); nobody else can see the bytes. */
  readonly remoteIsLoopback: boolean;
  /** The administrator accepts passwords in the clear from anywhere. */
  readonly allowPlaintextWithoutTls: boolean;
}

/**
 * May the client send a password in the clear (LOGIN, USER/PASS, AUTH PLAIN/LOGIN)? Yes over TLS, from loopback,
 * or when configured; otherwise no (IMAP then advertises LOGINDISABLED, RFC 3501 §6.2.3).
 */
export function plaintextAllowed(c: ConnectionSecurity): boolean {
  return c.tls || c.remoteIsLoopback || c.allowPlaintextWithoutTls;
}

/**
 * True for a loopback address: IPv4 127.0.0.0/8, IPv6 ::1 (any spelling), and IPv4-mapped ::ffff:127.x.y.z (dotted
 * or hex, as Node reports IPv4 peers on a dual-stack socket). An IPv6 zone suffix (`%lo`) is ignored. Anything that
 * is not an address - a host name, garbage, the empty string - is false.
 */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/%[^%]*$/, '');
  const v4 = ipv4(bare);
  if (v4) return v4[0] === 127;
  const v6 = ipv6(bare);
  if (!v6) return false;
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return true;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  return mapped && v6[6] !== undefined && v6[6] >> 8 === 127;
}

/** Dotted-quad IPv4, four decimal octets without leading zeros; undefined if not one. */
function ipv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^(?:0|[1-9][0-9]{0,2})$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** An IPv6 address as eight 16-bit groups (RFC 4291 §2.2 text forms), or undefined. */
function ipv6(s: string): number[] | undefined {
  let text = s;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = ipv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    text = `${text.slice(0, lastColon + 1)}0`; // placeholder group, removed below
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined): number[] | undefined => {
    if (h === undefined || h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x)) ? g.map((x) => parseInt(x, 16)) : undefined;
  };
  let head = groups(halves[0]);
  let rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return undefined;
  if (tail.length > 0) {
    // Drop the placeholder group from whichever half holds the end of the address.
    if (halves.length === 2) rest = rest.slice(0, -1);
    else head = head.slice(0, -1);
  }
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}
