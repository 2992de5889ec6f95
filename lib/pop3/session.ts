/**
 * A POP3 session (RFC 1939, RFC 2449 CAPA, RFC 5034 AUTH, RFC 2595 STLS), compatible with UW ipop3d on the wire
 * where clients can tell: the greeting (with the APOP stamp when APOP is on), UIDL as `%08lx%08lx` of UIDVALIDITY
 * and UID, LAST, and the `Status:` line UW adds to RETR/TOP output (its octets counted in LIST/STAT/RETR sizes).
 *
 * Commands are answered in order and responses are flushed only when no further command is already waiting, so a
 * pipelined batch (RFC 2449 PIPELINING) is answered in one write. Lines are bounded; bad or unknown commands get
 * `-ERR` and the session goes on until too many of them.
 *
 * The commands are a table (commands/table.ts, one file per command, declared with command.ts's defineCommand);
 * the session reads a line, finds the command, checks the state, parses and runs it with the context of the state
 * it is in, and is the one place where a thrown value becomes a reply (docs/ARCHITECTURE.md rule 7).
 *
 * The session owns no process state: logging in, dropping privileges and opening the maildrop are behind
 * {@link Pop3Backend}, which bin/ipop3d provides.
 */
import type { AuthResult, SaslExchange } from '../auth/types.js';
import type { Secret } from '../auth/secret.js';
import type { Clock } from '../env/env.js';
import { describeError, type Logger } from '../env/logger.js';
import { InputClosed, LineTooLong, type LineInput } from '../io/input.js';
import type { ResponseSink } from '../io/sink.js';
import { Pop3Args } from './args.js';
import type { AuthorizationContext, Pop3Context, SessionContext, TransactionContext } from './command.js';
import { commandTable } from './commands/table.js';
import { Pop3Error, StreamBroken } from './errors.js';
import type { Maildrop } from './maildrop.js';

export interface Pop3Backend {
  /** The APOP timestamp for the greeting, or null when APOP is off. */
  readonly apopStamp: string | null;
  /** Plaintext logins (USER/PASS, AUTH PLAIN/LOGIN) allowed on this connection now. */
  plaintextAllowed(): boolean;
  /** SASL mechanism names to offer now. */
  mechanisms(): readonly string[];
  login(user: string, password: Secret): Promise<AuthResult>;
  apop(user: string, digestHex: string): Promise<AuthResult>;
  sasl(mechanism: string): SaslExchange | null;
  /** Called after each failed login; resolves after the failure delay; true when the session must end. */
  loginFailed(user: string, how: string): Promise<boolean>;
  /** Opens the user's maildrop after a successful login (drops privileges first). Throws MailboxError. */
  openMaildrop(result: Extract<AuthResult, { ok: true }>): Promise<Maildrop>;
  /** STLS: null when TLS cannot be offered (no certificate, already encrypted, or no socket). */
  readonly tls: { start(): Promise<void> } | null;
}

export interface Pop3Options {
  readonly hostname: string;
  readonly version: string;
  readonly uidlFormat: 'uw' | 'dovecot';
  /** Add UW's `Status:` line to RETR/TOP output. */
  readonly statusHeader: boolean;
  readonly maxBadCommands: number;
  /** Seconds of silence before autologout, before and after login. */
  readonly loginTimeoutS: number;
  readonly timeoutS: number;
  readonly logger: Logger;
  /** For the session's duration in its closing log line. */
  readonly clock: Clock;
  /** Names this session in log lines and in internal-error ids. */
  readonly sessionId: string;
  /** The client's host as UW logs it (`name [address]`). */
  readonly clientHost: string;
  /** The connection was encrypted from the start (pop3s). */
  readonly implicitTls: boolean;
}

/** Unexpected errors logged with their detail per connection; later ones are only counted. */
const MAX_LOGGED_ERRORS = 3;

/**
 * Where the session is (RFC 1939 §3). The maildrop belongs to the TRANSACTION state: QUIT takes it into UPDATE; a
 * client that goes away in TRANSACTION gets it abandoned (nothing is deleted); an end by `finish` (autologout, too
 * many errors, a broken stream) drops it unclosed, for the process's exit to release.
 */
type State =
  | { readonly kind: 'authorization' }
  | { readonly kind: 'transaction'; readonly ctx: TransactionContext }
  | { readonly kind: 'update' }
  | { readonly kind: 'done' };

/** Stands for a line that was already answered (an over-long one). Compared by identity. */
const ANSWERED = Buffer.alloc(0);
const COMMANDS = commandTable();

export class Pop3Session {
  private state: State = { kind: 'authorization' };
  /** The name USER gave, waiting for PASS. */
  private user: string | null = null;
  private bad = 0;
  private loggedInAs = '';
  private tlsActive = false;
  /** Unexpected errors so far (each has an id `<sessionId>.<n>`). */
  private errors = 0;
  /** Why the session ended, for the closing log line (the first reason given wins). */
  private endReason: string | null = null;

  constructor(
    private readonly input: LineInput,
    private readonly out: ResponseSink,
    private readonly backend: Pop3Backend,
    private readonly opts: Pop3Options,
    /** Set when the session starts logged in (run by the user, PREAUTH-like): skip AUTHORIZATION. */
    preauth: { maildrop: Maildrop; user: string } | null = null,
  ) {
    if (preauth) this.enterTransaction(preauth.user, preauth.maildrop);
  }

  private send(line: string): void {
    this.out.write(line + '\r\n');
  }

  /** True while commands are read (AUTHORIZATION and TRANSACTION). */
  private get live(): boolean {
    return this.state.kind === 'authorization' || this.state.kind === 'transaction';
  }

  /**
   * Runs the session to its end (QUIT, autologout, too many errors, or the client going away). Never throws: a
   * command that fails unexpectedly is answered `-ERR [SYS/TEMP]` with an id the log line carries too, and the
   * session goes on; the end is logged once, with its reason.
   */
  async run(): Promise<void> {
    const started = this.opts.clock.now();
    const stamp = this.backend.apopStamp;
    // UW: nothing between "+OK" and "POP3" (some clients care); the host name only when there is no stamp.
    this.send(`+OK POP3 ${stamp ? '' : this.opts.hostname + ' '}${this.opts.version} server ready${stamp ? ' ' + stamp : ''}`);
    try {
      await this.out.flush();
      while (this.live && !this.out.closed) {
        const line = await this.nextLine();
        if (line === null) break;
        try {
          await this.dispatch(line);
        } catch (e) {
          // The one error map: a refusal is a counted -ERR, a broken stream or a vanished client ends the session,
          // anything else is an internal error whose detail only the log gets.
          if (e instanceof Pop3Error) {
            this.error(e.message);
          } else if (e instanceof StreamBroken || e instanceof InputClosed) {
            this.opts.logger.log('err', `${e.message}; disconnecting user=${this.who()} host=${this.opts.clientHost}`);
            this.finish(e instanceof StreamBroken ? 'response out of step' : 'client gone');
            break;
          } else {
            this.send(`-ERR [SYS/TEMP] Internal error, id ${this.internalError(e)}`);
          }
        }
        if (!this.input.hasLine()) await this.out.flush();
      }
    } catch (e) {
      // A fault outside any command (reading the next line): say goodbye.
      this.send(`-ERR Internal error, id ${this.internalError(e)}; goodbye`);
      this.finish('error');
    } finally {
      if (this.out.closed) this.endReason ??= 'client gone';
      if (this.state.kind === 'transaction') {
        // No QUIT: nothing is deleted.
        const drop = this.state.ctx.drop;
        this.state = { kind: 'done' };
        await drop.abandon().catch((e: unknown) => this.internalError(e));
      }
      await this.out.flush();
      const secs = ((this.opts.clock.now() - started) / 1000).toFixed(3);
      this.opts.logger.log('info', `${this.endLine()} user=${this.who()} host=${this.opts.clientHost} ` +
        `duration=${secs}s in=${this.input.received} out=${this.out.written} tls=${this.tlsActive || this.opts.implicitTls ? 'yes' : 'no'}` +
        (this.errors ? ` errors=${this.errors}` : ''));
    }
  }

  private who(): string {
    return this.loggedInAs || this.user || '???';
  }

  /** Marks the session over; `reason` is for the closing log line (the first one given wins). */
  private finish(reason: string): void {
    this.endReason ??= reason;
    this.state = { kind: 'done' };
  }

  /** The closing log line's first words: UW's where UW has one (Logout, Autologout), else what happened. */
  private endLine(): string {
    const r = this.endReason ?? 'client gone';
    if (r === 'quit') return 'Logout';
    if (r === 'autologout') return 'Autologout';
    if (r === 'client gone') return this.loggedInAs ? 'Logout (connection lost)' : 'Connection closed by client';
    return `Disconnected (${r})`;
  }

  /**
   * Logs an error nobody foresaw, with its detail, at most {@link MAX_LOGGED_ERRORS} times per connection; returns
   * the id given to the client.
   */
  private internalError(e: unknown): string {
    const id = `${this.opts.sessionId}.${++this.errors}`;
    if (this.errors <= MAX_LOGGED_ERRORS) {
      this.opts.logger.log('err', `Internal error ${id} user=${this.who()} host=${this.opts.clientHost}: ${describeError(e)}`);
    } else if (this.errors === MAX_LOGGED_ERRORS + 1) {
      this.opts.logger.log('err', `Internal error ${id} user=${this.who()} host=${this.opts.clientHost}: further errors of this session are counted, not logged`);
    }
    return id;
  }

  /** The next command line, or null (end of input or autologout, already answered). */
  private async nextLine(): Promise<Buffer | null> {
    const seconds = this.state.kind === 'transaction' ? this.opts.timeoutS : this.opts.loginTimeoutS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), seconds * 1000);
    });
    try {
      const r = await Promise.race([this.input.readLine(), timeout]);
      if (r === 'timeout') {
        // RFC 1939 §3: the session ends without entering UPDATE (nothing is deleted).
        this.send('-ERR Autologout; idle for too long');
        this.finish('autologout');
        return null;
      }
      return r;
    } catch (e) {
      if (e instanceof LineTooLong) {
        this.error('Command line too long');
        return ANSWERED;
      }
      if (e instanceof InputClosed) return null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A -ERR for a bad command; too many end the session. */
  private error(text: string): void {
    this.send(`-ERR ${text}`);
    if (++this.bad >= this.opts.maxBadCommands) {
      this.send('-ERR Too many errors, goodbye');
      this.finish('too many errors');
    }
  }

  /** Finds the command, checks the state, parses and runs it. Refusals are thrown (`err()`), for the caller's map. */
  private async dispatch(raw: Buffer): Promise<void> {
    if (raw === ANSWERED) return;
    const sp = raw.indexOf(0x20);
    const name = raw.toString('latin1', 0, sp < 0 ? raw.length : sp).toUpperCase();
    if (!/^[A-Z]{1,8}$/.test(name)) return this.error('Null command');
    const ctx = this.context();
    if (!ctx) return;
    const cmd = COMMANDS.get(name);
    const here = cmd?.states.includes(ctx.state) ?? false;
    if (!cmd || (!here && cmd.unknownElsewhere)) {
      return this.error(`Unknown ${ctx.state === 'authorization' ? 'AUTHORIZATION' : 'TRANSACTION'} state command`);
    }
    if (!here) return this.error(`${name} not valid ${ctx.state === 'authorization' ? 'before' : 'after'} login`);
    const run = cmd.parse(new Pop3Args(sp < 0 ? Buffer.alloc(0) : raw.subarray(sp + 1)));
    await run(ctx);
  }

  /** The context of the state the session is in (null once it is over). */
  private context(): Pop3Context | null {
    switch (this.state.kind) {
      case 'authorization': return this.authorizationContext();
      case 'transaction': return this.state.ctx;
      default: return null;
    }
  }

  /** What every command may do, whatever the state. */
  private sessionContext(): SessionContext {
    return {
      backend: this.backend,
      opts: this.opts,
      send: (line) => this.send(line),
      write: (data) => this.out.write(data),
      flush: () => this.out.flush(),
      maybeFlush: () => this.out.maybeFlush(),
      outputClosed: () => this.out.closed,
      who: () => this.who(),
      finish: (reason) => this.finish(reason),
    };
  }

  private authorizationContext(): AuthorizationContext {
    return {
      ...this.sessionContext(),
      state: 'authorization',
      userGiven: (name) => {
        this.user = name;
      },
      takeUser: () => {
        const name = this.user;
        this.user = null;
        return name;
      },
      readLine: async () => {
        const line = await this.nextLine();
        return line === null || line === ANSWERED ? null : line.toString('latin1');
      },
      inputPending: () => this.input.buffered > 0,
      tlsStarted: () => {
        this.tlsActive = true;
      },
      loggedIn: (user, drop) => this.enterTransaction(user, drop),
      loginAborted: (user, reason) => {
        this.loggedInAs = user;
        this.finish(reason);
      },
    };
  }

  /** TRANSACTION state for `user` on `drop`, whose context every command until QUIT gets. */
  private enterTransaction(user: string, drop: Maildrop): void {
    this.loggedInAs = user;
    const ctx: TransactionContext = {
      ...this.sessionContext(),
      state: 'transaction',
      drop,
      user,
      enterUpdate: () => {
        this.state = { kind: 'update' };
        return drop;
      },
    };
    this.state = { kind: 'transaction', ctx };
  }
}
