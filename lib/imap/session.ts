/**
 * An IMAP4rev1 session (RFC 3501): the state machine, the command loop and the response rules that every command
 * shares. Commands themselves live in commands/, declared as lib/imap/command.ts says, one table keyed by name
 * (WildDuck's and Dovecot's layout); the session finds the spec, checks the state, parses (a ParseError is a BAD, and
 * the command's literals were already read, so the stream stays in sync), runs it with the context its states give
 * it, sends the mailbox updates the command allows, then the tagged response. Every byte it sends is written with
 * the one encoder (lib/wire/encode.ts).
 *
 * RFC 3501 §7.4.1: untagged EXPUNGE is never sent during FETCH, STORE or SEARCH (nor their UID forms), since the
 * client could not tell which message numbers the command's responses refer to; those commands are
 * `expungeSafe: false` and their expunges wait for the next command that allows them. Once QRESYNC is on, the same
 * holds for VANISHED, which takes EXPUNGE's place (RFC 7162 §3.2.10).
 */
import type { AuthResult, SaslExchange } from '../auth/types.js';
import type { Secret } from '../auth/secret.js';
import type { Clock } from '../env/env.js';
import { describeError, type Logger } from '../env/logger.js';
import { InputClosed, LineTooLong, type LineInput } from '../io/input.js';
import type { ResponseSink } from '../io/sink.js';
import type { Command, CommandContext, Selected } from './command.js';
import { replyFor } from './errors.js';
import { probedExtension } from './commands/probes.js';
import type { Notifier } from './notify.js';
import type { MailStore } from '../mailbox/store.js';
import { CommandFragmentError, readCommand, type LiteralSpool, type RawCommand } from '../wire/fragmentizer.js';
import { ResponseBuilder } from '../wire/encode.js';
import { ArgCursor } from '../wire/parser.js';
import { capabilityData } from './responses.js';
import { isAppend, literalLimit, literalRefusal, SPOOL_ABOVE } from './literals.js';
import { UpdateReporter } from './updates.js';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';


export interface ImapBackend {
  /** Plaintext logins (LOGIN, AUTHENTICATE PLAIN/LOGIN) allowed now. */
  plaintextAllowed(): boolean;
  /** SASL mechanism names to advertise now. */
  mechanisms(): readonly string[];
  login(user: string, password: Secret): Promise<AuthResult>;
  sasl(mechanism: string): SaslExchange | null;
  /** After a failed login: resolves after the delay; true when the session must end. */
  loginFailed(user: string, how: string): Promise<boolean>;
  /** After a successful login: drops privileges and gives the user's mail store. Throws to refuse. */
  openStore(result: Extract<AuthResult, { ok: true }>): Promise<MailStore>;
  /** STARTTLS, or null when it cannot be offered (no certificate, already encrypted, not a socket). */
  readonly tls: { start(): Promise<void> } | null;
  /** `* OK [ALERT]` lines to send after login (UW's /etc/imapd.alert and ~/.imapalert). */
  alerts(): Promise<readonly string[]>;
}

export interface ImapOptions {
  readonly hostname: string;
  readonly version: string;
  readonly logger: Logger;
  /** For the session's duration in its closing log line. */
  readonly clock: Clock;
  /** Names this session in log lines and in `[SERVERBUG]` ids (bin/ makes it from the pid and start time). */
  readonly sessionId: string;
  readonly clientHost: string;
  /** The connection was encrypted from the start (imaps). */
  readonly implicitTls: boolean;
  readonly loginTimeoutS: number;
  readonly idleTimeoutS: number;
  readonly maxLiteral: number;
  readonly maxCommand: number;
  readonly maxBadCommands: number;
  /**
   * Advertise LITERAL- rather than LITERAL+ (RFC 7888 §5: a server never advertises both): a non-synchronizing
   * literal over 4096 octets is then refused (literals.ts).
   */
  readonly literalMinus: boolean;
  /**
   * Makes the file an APPEND literal larger than 1 MiB (literals.ts) is written to as it arrives, instead of being
   * held in memory (bin/ gives lib/io/spool.ts's, in journal_dir); throws when none can be made (the literal is then
   * held in memory). Absent: always in memory.
   */
  readonly spool?: () => LiteralSpool;
}

/** Unexpected errors logged with their detail per connection; later ones are only counted. */
const MAX_LOGGED_ERRORS = 3;

/**
 * Where the session is (RFC 3501 §3), with what each state has: a user and a store once logged in, a mailbox when
 * selected. Logging out keeps what it had (a selected mailbox is closed as the session ends).
 */
type Phase =
  | { readonly state: 'not-authenticated' }
  | { readonly state: 'authenticated'; readonly user: string; readonly store: MailStore }
  | { readonly state: 'selected'; readonly user: string; readonly store: MailStore; readonly selected: Selected }
  | { readonly state: 'logout'; readonly user: string; readonly selected: Selected | null };

export class ImapSession {
  /** Changed only by the transitions below, which commands reach through their context. */
  private phase: Phase = { state: 'not-authenticated' };
  /**
   * Capabilities the client turned on (RFC 5161 ENABLE, or RFC 7162 §3.1's CONDSTORE-enabling commands), for the
   * rest of the connection.
   */
  private readonly enabledSet = new Set<string>();
  private tls = false;
  private compression = false;
  /** The response being built (one at a time: a response is built and queued without an await between). */
  private readonly rb = new ResponseBuilder();
  private bad = 0;
  /** Unexpected errors so far (each has an id `<sessionId>.<n>`). */
  private errors = 0;
  /** Why the session ended, for the closing log line (the first reason given wins). */
  private endReason: string | null = null;
  /** Tells the selected mailbox's updates, and remembers what it told (updates.ts). */
  private readonly updates = new UpdateReporter(this, {
    untagged: (build) => this.untagged(build),
    unselect: () => this.unselect(),
    internalError: (e, level) => this.internalError(e, level),
  });
  /** NOTIFY's notifications (RFC 5465), null when none are asked for. */
  private notifier: Notifier | null = null;
  /** A command (IDLE) reads further lines itself. */
  readonly input: LineInput;
  readonly out: ResponseSink;

  constructor(
    input: LineInput,
    out: ResponseSink,
    readonly backend: ImapBackend,
    readonly opts: ImapOptions,
    private readonly commands: ReadonlyMap<string, Command>,
    private readonly capabilityList: (s: ImapSession) => readonly string[],
    preauth: { user: string; store: MailStore } | null = null,
  ) {
    this.input = input;
    this.out = out;
    if (preauth) this.phase = { state: 'authenticated', user: preauth.user, store: preauth.store };
  }

  get state(): ImapState {
    return this.phase.state;
  }

  /** The logged-in user ('' before login). */
  get user(): string {
    return this.phase.state === 'not-authenticated' ? '' : this.phase.user;
  }

  /** The user's mail store, once logged in (null before, and once logging out). */
  get store(): MailStore | null {
    return this.phase.state === 'authenticated' || this.phase.state === 'selected' ? this.phase.store : null;
  }

  get selected(): Selected | null {
    return this.phase.state === 'selected' || this.phase.state === 'logout' ? this.phase.selected : null;
  }

  get enabled(): ReadonlySet<string> {
    return this.enabledSet;
  }

  /**
   * The client sent ENABLE IMAP4rev2: RFC 9051's rules from then on (§6.3.1: a server that offers both revisions
   * keeps IMAP4rev1's until then). What differs: no \Recent (no RECENT response, no \Recent in FLAGS, no NEW, OLD,
   * RECENT search keys or STATUS RECENT), SELECT's LIST response and no UNSEEN code, SEARCH answered by ESEARCH, and
   * mailbox names in UTF-8 both ways.
   */
  get rev2(): boolean {
    return this.enabledSet.has('IMAP4rev2');
  }

  /** Mailbox names go both ways in UTF-8: after ENABLE UTF8=ACCEPT (RFC 9755 §3) or IMAP4rev2 (RFC 9051 §5.1). */
  get utf8Names(): boolean {
    return this.enabledSet.has('UTF8=ACCEPT') || this.enabledSet.has('IMAP4rev2');
  }

  get notifications(): Notifier | null {
    return this.notifier;
  }

  /** NOTIFY SET or NONE (null): the notifications before end, their watches closed. */
  setNotifications(n: Notifier | null): void {
    this.notifier?.close();
    this.notifier = n;
  }

  /** Whether STARTTLS made the connection encrypted. */
  get tlsActive(): boolean {
    return this.tls;
  }

  /** Whether COMPRESS turned compression on. */
  get compressed(): boolean {
    return this.compression;
  }

  /** Logged in: the authenticated state, with the user's store. */
  private loggedIn(user: string, store: MailStore): void {
    if (this.phase.state !== 'not-authenticated') throw new Error(`login in ${this.phase.state} state`);
    this.phase = { state: 'authenticated', user, store };
  }

  /** A mailbox opened: the selected state. */
  private select(selected: Selected): void {
    const p = this.phase;
    if (p.state !== 'authenticated' && p.state !== 'selected') throw new Error(`select in ${p.state} state`);
    this.phase = { state: 'selected', user: p.user, store: p.store, selected };
  }

  /** The selection ends: the authenticated state again (or still logging out). Returns what was selected. */
  private unselect(): Selected | null {
    const p = this.phase;
    if (p.state === 'selected') {
      this.phase = { state: 'authenticated', user: p.user, store: p.store };
      return p.selected;
    }
    if (p.state === 'logout' && p.selected !== null) {
      this.phase = { state: 'logout', user: p.user, selected: null };
      return p.selected;
    }
    return null;
  }

  capabilities(): readonly string[] {
    return this.capabilityList(this);
  }

  /**
   * Queues one response: what `build` writes with the encoder, then CRLF, handed to the sink in one piece (rule 5a).
   * The builder is the session's, reused; a `build` that throws leaves nothing of its response behind.
   */
  private send(build: (b: ResponseBuilder) => void): void {
    const b = this.rb;
    try {
      build(b);
    } catch (e) {
      b.chunks();
      throw e;
    }
    b.crlf().writeTo(this.out);
  }

  /** `* ` and what `build` writes. */
  private untagged(build: (b: ResponseBuilder) => void): void {
    this.send((b) => build(b.raw('* ')));
  }

  /**
   * `tag status [code] text`: a tagged (or `*`) status response. `code` is resp-text-code, written by a function or,
   * from the error map (lib/imap/errors.ts), as text.
   */
  private status(tag: string, status: 'OK' | 'NO' | 'BAD', code: ((b: ResponseBuilder) => void) | string | null,
    text: string): void {
    this.send((b) => {
      b.text(tag).sp().raw(status).sp();
      if (typeof code === 'function') {
        b.raw('[');
        code(b);
        b.raw('] ');
      } else if (code) b.raw('[').text(code).raw('] ');
      b.text(text);
    });
  }

  /**
   * Sends what happened to the selected mailbox (new mail, flags, expunges if allowed), as untagged responses
   * (updates.ts says how). Returns false when the selection ended instead (the mailbox is gone: the session is
   * ending). Never throws.
   */
  reportUpdates(allowExpunge: boolean): Promise<boolean> {
    return this.updates.report(allowExpunge);
  }

  /**
   * Ends the session after this command: `* BYE text` now (unless `text` is null: the client is gone, or a BYE was
   * sent already), and `reason` for the closing log line. The first reason given is the one logged.
   */
  end(reason: string, text: string | null): void {
    if (text !== null && this.state !== 'logout' && !this.out.closed) this.untagged((b) => b.raw('BYE ').text(text));
    this.endReason ??= reason;
    if (this.phase.state !== 'logout') this.phase = { state: 'logout', user: this.user, selected: this.selected };
  }

  /**
   * Logs an error nobody foresaw, once per error with its detail, at most {@link MAX_LOGGED_ERRORS} per
   * connection (a client must not be able to flood the log); returns the id given to the client.
   */
  private internalError(e: unknown, level: 'err' | 'warning' = 'err'): string {
    const id = `${this.opts.sessionId}.${++this.errors}`;
    if (this.errors <= MAX_LOGGED_ERRORS) {
      this.opts.logger.log(level, `Internal error ${id} user=${this.user || '???'} host=${this.opts.clientHost}: ${describeError(e)}`);
    } else if (this.errors === MAX_LOGGED_ERRORS + 1) {
      this.opts.logger.log(level, `Internal error ${id} user=${this.user || '???'} host=${this.opts.clientHost}: further errors of this session are counted, not logged`);
    }
    return id;
  }

  /** Runs the session to its end. Never throws: whatever happens, the client is told (`* BYE`) and it is logged. */
  async run(): Promise<void> {
    const started = this.opts.clock.now();
    const preauth = this.state === 'authenticated';
    this.untagged((b) => {
      b.raw(preauth ? 'PREAUTH [' : 'OK [');
      capabilityData(b, this.capabilities());
      b.raw('] ').text(`${this.opts.hostname} IMAP4rev1 ${this.opts.version} server ready${preauth ? `, user ${this.user}` : ''}`);
    });
    try {
      await this.out.flush();
      while (this.state !== 'logout' && !this.out.closed) {
        const cmd = await this.nextCommand();
        if (cmd === null) break;
        // A command the fragmentizer refused ('handled': its BAD is written) is answered like any other: flushed
        // unless more input is waiting. A client whose synchronizing literal was refused waits for that BAD.
        if (cmd !== 'handled') {
          try {
            await this.dispatch(cmd);
          } finally {
            for (const p of cmd.parts) if (p.kind === 'literal') p.spooled?.release();
          }
        }
        if (!this.input.hasLine()) await this.out.flush();
      }
    } catch (e) {
      // Only a fault outside any command (reading the next one) gets here: the stream may be out of step.
      this.end('error', `Internal error, id ${this.internalError(e)}`);
    } finally {
      if (this.out.closed) this.endReason ??= 'client gone';
      this.setNotifications(null);
      const sel = this.unselect();
      if (sel) {
        await sel.box.close().catch((e: unknown) => {
          this.internalError(e);
          this.end('error', null);
        });
      }
      await this.out.flush();
      const secs = ((this.opts.clock.now() - started) / 1000).toFixed(3);
      this.opts.logger.log('info', `${this.endLine()} user=${this.user || '???'} host=${this.opts.clientHost} ` +
        `duration=${secs}s in=${this.input.received} out=${this.out.written} tls=${this.tlsActive || this.opts.implicitTls ? 'yes' : 'no'}` +
        (this.compression ? ' compress=deflate' : '') + (this.errors ? ` errors=${this.errors}` : ''));
    }
  }

  /** The closing log line's first words: UW's where UW has one (Logout, Autologout), else what happened. */
  private endLine(): string {
    const r = this.endReason ?? 'client gone';
    if (r === 'logout') return 'Logout';
    if (r === 'autologout') return 'Autologout';
    if (r === 'client gone') return 'Connection closed by client';
    return `Disconnected (${r})`;
  }

  private async nextCommand(): Promise<RawCommand | 'handled' | null> {
    const seconds = this.state === 'not-authenticated' ? this.opts.loginTimeoutS : this.opts.idleTimeoutS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), seconds * 1000);
    });
    try {
      const reading = readCommand(this.input, {
        maxLiteral: (a) => literalLimit(a, this.opts),
        maxCommand: this.opts.maxCommand,
        maxLiterals: 1000,
        maxDiscard: 1 << 20,
        onContinuation: async () => {
          this.send((b) => b.raw('+ Ready for argument'));
          await this.out.flush();
        },
        spool: (a) => {
          const spool = this.opts.spool;
          if (spool === undefined || a.size <= SPOOL_ABOVE || !isAppend(a.soFar)) return null;
          try {
            return spool();
          } catch (e) {
            // No spool file (directory missing or full): the literal is held in memory as before.
            this.opts.logger.log('warning', `cannot spool a literal: ${describeError(e)}`);
            return null;
          }
        },
      });
      // NOTIFY (RFC 5465): what changed is told while the client is quiet, not only after its next command.
      let r: Awaited<typeof reading> | 'timeout' | 'notify';
      while ((r = await Promise.race([this.notifier?.changed() ?? reading, reading, timeout])) === 'notify') {
        await this.notifier?.deliver();
        await this.out.flush();
        // The selected mailbox went away meanwhile (its BYE is out).
        if (this.state === 'logout') return null;
      }
      if (r === 'timeout') {
        this.autologout();
        return null;
      }
      return r;
    } catch (e) {
      if (e instanceof CommandFragmentError) {
        const tag = e.tag ?? '*';
        const r = e.refused ? literalRefusal(e.refused, this.opts) : { status: 'BAD' as const, code: null, text: e.message };
        if (e.fatal) {
          this.end('protocol error', r.code ? `[${r.code}] ${r.text}` : r.text);
          return null;
        }
        this.status(tag, r.status, r.code, r.text);
        // A message over APPENDLIMIT is a well-formed command refused (NO), not a protocol error.
        return r.status === 'BAD' && this.tooMany() ? null : 'handled';
      }
      if (e instanceof LineTooLong) {
        this.end('line too long', 'Command line too long');
        return null;
      }
      if (e instanceof InputClosed) {
        if (e.unreadable) this.end('input unreadable', 'Compressed input could not be inflated');
        return null;
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends a session whose client said nothing for too long (RFC 3501 §5.4), while waiting for a command or in IDLE. */
  autologout(): void {
    this.end('autologout', 'Autologout; idle for too long');
  }

  private tooMany(): boolean {
    if (++this.bad < this.opts.maxBadCommands) return false;
    this.end('too many protocol errors', 'Too many protocol errors');
    return true;
  }

  private async dispatch(raw: RawCommand): Promise<void> {
    const args = new ArgCursor(raw, { utf8: this.utf8Names, rev2: this.rev2 });
    let tag: string;
    try {
      tag = args.tag();
      args.sp();
    } catch {
      this.status('*', 'BAD', null, 'Missing or invalid tag');
      this.tooMany();
      return;
    }
    let name: string;
    let spec: Command | undefined;
    try {
      name = args.atom().toUpperCase();
      if (name === 'UID') {
        args.sp();
        name = `UID ${args.atom().toUpperCase()}`;
      }
      spec = this.commands.get(name);
    } catch {
      this.status(tag, 'BAD', null, 'Missing command');
      this.tooMany();
      return;
    }
    if (!spec) {
      // A probe for an extension we do not have is answered BAD, but is not garbage: it is not counted.
      const ext = probedExtension(name);
      if (ext !== undefined) {
        this.status(tag, 'BAD', null, `Command unrecognized: ${name} (${ext} is not supported; see CAPABILITY)`);
        return;
      }
      this.status(tag, 'BAD', null, `Command unrecognized: ${name.slice(0, 32)}`);
      this.tooMany();
      return;
    }
    if (!spec.states.includes(this.state)) {
      this.status(tag, 'BAD', null, `Command ${name} invalid in ${this.state} state`);
      this.tooMany();
      return;
    }
    let okText = `${name} completed`;
    let okCode: ((b: ResponseBuilder) => void) | null = null;
    const ctx: CommandContext = {
      tag,
      session: this,
      untagged: (build) => this.untagged(build),
      continuation: (build) => this.send((b) => build(b.raw('+ '))),
      taggedOk: (text) => this.status(tag, 'OK', null, text),
      okWith: (text, code = null) => {
        okText = text;
        okCode = code;
      },
      loggedIn: (user, store) => this.loggedIn(user, store),
      select: (sel) => this.select(sel),
      unselect: () => this.unselect(),
      tlsStarted: () => {
        this.tls = true;
      },
      compressionStarted: () => {
        this.compression = true;
      },
      enable: (capability) => {
        if (this.enabledSet.has(capability)) return false;
        this.enabledSet.add(capability);
        return true;
      },
    };
    let parsed = false;
    this.updates.commandStarted();
    try {
      const run = this.parseFor(spec, args, ctx);
      parsed = true;
      await run();
      if (this.state !== 'logout' && !(await this.reportUpdates(spec.expungeSafe))) {
        // The selected mailbox is gone (BYE sent): what the command did cannot be confirmed against it.
        this.status(tag, 'NO', 'UNAVAILABLE', `${name} cannot complete: the selected mailbox is gone`);
        return;
      }
      this.status(tag, 'OK', okCode, okText);
    } catch (e) {
      await this.failed(tag, name, spec, parsed, e);
    }
  }

  /**
   * Parses the command's arguments and binds its run to the context its states give it: the store of the
   * authenticated states, the mailbox of the selected state. (The state was checked against the command's list,
   * which its definition keeps within the states it needs.)
   */
  private parseFor(spec: Command, args: ArgCursor, ctx: CommandContext): () => Promise<void> {
    const p = this.phase;
    switch (spec.needs) {
      case 'any': {
        const run = spec.parse(args);
        return () => run(ctx);
      }
      case 'authenticated': {
        if (p.state !== 'authenticated' && p.state !== 'selected') throw new Error(`${spec.name} in ${p.state} state`);
        const run = spec.parse(args);
        return () => run({ ...ctx, store: p.store });
      }
      case 'selected': {
        if (p.state !== 'selected') throw new Error(`${spec.name} in ${p.state} state`);
        const run = spec.parse(args);
        return () => run({ ...ctx, store: p.store, selected: p.selected });
      }
    }
  }

  /** The one place a command's failure becomes its reply (lib/imap/errors.ts decides which). */
  private async failed(tag: string, name: string, spec: Command, parsed: boolean, e: unknown): Promise<void> {
    const r = replyFor(e, () => this.internalError(e));
    switch (r.kind) {
      case 'sent':
        return;
      case 'gone':
        this.end('client gone', null);
        return;
      case 'fatal':
        this.opts.logger.log('err', `${name}: ${r.detail}; disconnecting user=${this.user || '???'} host=${this.opts.clientHost}`);
        // Part of a response may be out: a BYE now could land inside a literal. The connection just ends.
        this.end('response out of step', null);
        return;
      case 'tagged': {
        // Updates go out before a NO as before an OK (the client's view stays current); never before a BAD of a
        // command that did not parse, which did nothing. reportUpdates never throws.
        const text = r.status === 'BAD' && !parsed ? `${name}: ${r.text}` : r.text;
        if (r.status === 'NO' && parsed && this.state === 'selected') await this.reportUpdates(spec.expungeSafe);
        this.status(tag, r.status, r.code, text);
        if (r.status === 'BAD') this.tooMany();
      }
    }
  }
}
