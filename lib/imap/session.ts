/**
 * An IMAP4rev1 session (RFC 3501): the state machine, the command loop and the response rules that every command
 * shares. Commands themselves live in commands/ as {@link CommandSpec}s, one table keyed by name (WildDuck's and
 * Dovecot's layout); the session finds the spec, checks the state, parses (a ParseError is a BAD, and the command's
 * literals were already read, so the stream stays in sync), runs it, sends the mailbox updates the command allows,
 * then the tagged response.
 *
 * RFC 3501 §7.4.1: untagged EXPUNGE is never sent during FETCH, STORE or SEARCH (nor their UID forms), since the
 * client could not tell which message numbers the command's responses refer to; those commands are
 * `expungeSafe: false` and their expunges wait for the next command that allows them.
 */
import type { AuthResult, SaslExchange } from '../auth/types.js';
import type { Secret } from '../auth/secret.js';
import type { Logger } from '../env/logger.js';
import { InputClosed, LineTooLong, type LineInput } from '../io/input.js';
import type { ResponseSink } from '../io/sink.js';
import { fileSpool } from '../io/spool.js';
import { MailboxError, type OpenMailbox } from '../mailbox/driver.js';
import type { MailStore } from '../mailbox/store.js';
import type { MimePart } from '../mail/mime.js';
import { CommandFragmentError, readCommand, type CommandPart, type RawCommand } from '../wire/fragmentizer.js';
import { ArgCursor, ParseError } from '../wire/parser.js';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** A response code and text for a tagged or untagged status response. */
export class CommandResult extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    text: string,
    readonly code: string | null = null,
  ) {
    super(text);
  }
}

/** Thrown by a command that has written its own tagged response (STARTTLS, before the handshake). */
export class ResponseSent extends Error {}

/** Shorthands for commands: `throw no('...')`. */
export const no = (text: string, code: string | null = null): CommandResult => new CommandResult('NO', text, code);
export const bad = (text: string, code: string | null = null): CommandResult => new CommandResult('BAD', text, code);

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
  readonly clientHost: string;
  readonly loginTimeoutS: number;
  readonly idleTimeoutS: number;
  readonly maxLiteral: number;
  readonly maxCommand: number;
  readonly maxBadCommands: number;
  /**
   * Where APPEND literals larger than {@link SPOOL_ABOVE} are written as they arrive (lib/io/spool.ts), instead of
   * being held in memory; absent: in memory.
   */
  readonly spoolDir?: string;
}

/** APPEND literals above this size go to a spool file when a spool directory is configured. */
export const SPOOL_ABOVE = 1 << 20;

/** What a command sees of the session. */
export interface CommandContext {
  readonly tag: string;
  readonly session: ImapSession;
  /** Queues an untagged response line (without "* " and CRLF). */
  untagged(text: string): void;
  /** Queues raw bytes (FETCH data with literals). */
  write(data: Buffer | string): void;
  /** Overrides the tagged OK's text and code. */
  okWith(text: string, code?: string | null): void;
}

export interface CommandSpec<A> {
  /** 'FETCH', 'UID FETCH', ... */
  readonly name: string;
  readonly states: readonly ImapState[];
  /** May untagged EXPUNGE responses follow this command (false for FETCH, STORE, SEARCH: RFC 3501 §7.4.1)? */
  readonly expungeSafe: boolean;
  /** Parses the arguments after the command name (pure; throws ParseError -> BAD). */
  parse(args: ArgCursor): A;
  run(ctx: CommandContext, args: A): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds specs of every argument type
export type AnySpec = CommandSpec<any>;

/** The selected mailbox and how it was selected. */
export interface Selected {
  readonly name: string;
  readonly box: OpenMailbox;
  readonly readOnly: boolean;
  /** MIME structures by UID (clients fetch BODYSTRUCTURE, then parts); dropped with the selection. */
  readonly structures: Map<number, MimePart>;
}

/**
 * The largest literal any command but APPEND may send (a password, a mailbox name, a SEARCH string): UW imapd's
 * MAXCLIENTLIT, "maximum non-APPEND client literal size". Only APPEND carries messages, up to `maxLiteral`; without
 * this bound `a SEARCH TEXT {200000000}` would be read into memory whole.
 */
const MAX_CLIENT_LITERAL = 10_000;

/** True when the command whose first fragments are `soFar` is APPEND (`tag SP "APPEND" SP ...`). */
function isAppend(soFar: readonly CommandPart[]): boolean {
  const first = soFar[0];
  return first !== undefined && /^[^ ]+ APPEND /i.test(first.bytes.toString('latin1', 0, 80));
}

export class ImapSession {
  state: ImapState = 'not-authenticated';
  user = '';
  store: MailStore | null = null;
  selected: Selected | null = null;
  /** Capabilities ENABLEd by the client (RFC 5161). */
  readonly enabled = new Set<string>();
  tlsActive = false;
  private bad = 0;
  /** A command (IDLE) reads further lines itself. */
  readonly input: LineInput;
  readonly out: ResponseSink;

  constructor(
    input: LineInput,
    out: ResponseSink,
    readonly backend: ImapBackend,
    readonly opts: ImapOptions,
    private readonly commands: ReadonlyMap<string, AnySpec>,
    private readonly capabilityList: (s: ImapSession) => readonly string[],
    preauth: { user: string; store: MailStore } | null = null,
  ) {
    this.input = input;
    this.out = out;
    if (preauth) {
      this.state = 'authenticated';
      this.user = preauth.user;
      this.store = preauth.store;
    }
  }

  capabilities(): readonly string[] {
    return this.capabilityList(this);
  }

  private line(text: string): void {
    this.out.write(text + '\r\n');
  }

  /** Sends what happened to the selected mailbox (new mail, flags, expunges if allowed), as untagged responses. */
  async reportUpdates(allowExpunge: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel) return;
    await sel.box.sync();
    for (const u of sel.box.takeUpdates(allowExpunge)) {
      switch (u.kind) {
        case 'expunge':
          this.line(`* ${u.seq} EXPUNGE`);
          break;
        case 'exists':
          this.line(`* ${u.count} EXISTS`);
          break;
        case 'recent':
          this.line(`* ${u.count} RECENT`);
          break;
        case 'keywords':
          this.line(`* FLAGS (${flagList(u.keywords)})`);
          this.line(`* OK [PERMANENTFLAGS (${flagList(u.keywords)} \\*)] Flags permitted`);
          break;
        case 'flags': {
          const m = sel.box.meta(u.seq);
          this.line(`* ${u.seq} FETCH (FLAGS (${flagsOf(m.flags, m.keywords, m.recent)}))`);
          break;
        }
      }
    }
  }

  /** Runs the session to its end. */
  async run(): Promise<void> {
    const caps = this.capabilities().join(' ');
    if (this.state === 'authenticated') {
      this.line(`* PREAUTH [CAPABILITY ${caps}] ${this.opts.hostname} IMAP4rev1 ${this.opts.version} server ready, user ${this.user}`);
    } else {
      this.line(`* OK [CAPABILITY ${caps}] ${this.opts.hostname} IMAP4rev1 ${this.opts.version} server ready`);
    }
    await this.out.flush();
    try {
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
    } finally {
      await this.out.flush();
      if (this.selected) {
        await this.selected.box.close().catch(() => undefined);
        this.selected = null;
      }
    }
  }

  private async nextCommand(): Promise<RawCommand | 'handled' | null> {
    const seconds = this.state === 'not-authenticated' ? this.opts.loginTimeoutS : this.opts.idleTimeoutS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), seconds * 1000);
    });
    try {
      const r = await Promise.race([
        readCommand(this.input, {
          maxLiteral: (a) => (isAppend(a.soFar) ? this.opts.maxLiteral : Math.min(this.opts.maxLiteral, MAX_CLIENT_LITERAL)),
          maxCommand: this.opts.maxCommand,
          maxLiterals: 1000,
          maxDiscard: 1 << 20,
          onContinuation: async () => {
            this.line('+ Ready for argument');
            await this.out.flush();
          },
          spool: (a) => {
            const dir = this.opts.spoolDir;
            if (dir === undefined || a.size <= SPOOL_ABOVE || !isAppend(a.soFar)) return null;
            try {
              return fileSpool(dir);
            } catch (e) {
              // No spool file (directory missing or full): the literal is held in memory as before.
              this.opts.logger.log('warning', `cannot spool a literal in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
              return null;
            }
          },
        }),
        timeout,
      ]);
      if (r === 'timeout') {
        this.line('* BYE Autologout; idle for too long');
        this.opts.logger.log('info', `Autologout user=${this.user || '???'} host=${this.opts.clientHost}`);
        this.state = 'logout';
        return null;
      }
      return r;
    } catch (e) {
      if (e instanceof CommandFragmentError) {
        const tag = e.tag ?? '*';
        if (e.fatal) {
          this.line(`* BYE ${e.message}`);
          this.state = 'logout';
          return null;
        }
        this.line(`${tag} BAD ${e.message}`);
        return this.tooMany() ? null : 'handled';
      }
      if (e instanceof LineTooLong) {
        this.line('* BYE Command line too long');
        this.state = 'logout';
        return null;
      }
      if (e instanceof InputClosed) return null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private tooMany(): boolean {
    if (++this.bad < this.opts.maxBadCommands) return false;
    this.line('* BYE Too many protocol errors');
    this.state = 'logout';
    return true;
  }

  private async dispatch(raw: RawCommand): Promise<void> {
    const args = new ArgCursor(raw);
    let tag: string;
    try {
      tag = args.tag();
      args.sp();
    } catch {
      this.line('* BAD Missing or invalid tag');
      this.tooMany();
      return;
    }
    let name: string;
    let spec: AnySpec | undefined;
    try {
      name = args.atom().toUpperCase();
      if (name === 'UID') {
        args.sp();
        name = `UID ${args.atom().toUpperCase()}`;
      }
      spec = this.commands.get(name);
    } catch {
      this.line(`${tag} BAD Missing command`);
      this.tooMany();
      return;
    }
    if (!spec) {
      this.line(`${tag} BAD Command unrecognized: ${name.slice(0, 32)}`);
      this.tooMany();
      return;
    }
    if (!spec.states.includes(this.state)) {
      this.line(`${tag} BAD Command ${name} invalid in ${this.state} state`);
      this.tooMany();
      return;
    }
    let parsed: unknown;
    try {
      parsed = spec.parse(args);
    } catch (e) {
      if (e instanceof ParseError) {
        this.line(`${tag} BAD ${name}: ${e.message}`);
        this.tooMany();
        return;
      }
      throw e;
    }
    let okText = `${name} completed`;
    let okCode: string | null = null;
    const ctx: CommandContext = {
      tag,
      session: this,
      untagged: (text) => this.line(`* ${text}`),
      write: (data) => this.out.write(data),
      okWith: (text, code = null) => {
        okText = text;
        okCode = code;
      },
    };
    try {
      await spec.run(ctx, parsed);
      if (this.state === 'logout') {
        this.line(`${tag} OK ${okText}`);
        return;
      }
      await this.reportUpdates(spec.expungeSafe);
      this.line(`${tag} OK ${okCode ? `[${okCode}] ` : ''}${okText}`);
    } catch (e) {
      if (e instanceof ResponseSent) return;
      if (e instanceof MailboxError && e.code === 'CORRUPT' && this.selected) {
        // The selected mailbox changed in a way its UIDs cannot follow (a new UIDVALIDITY): RFC 3501 §2.3.1.1
        // leaves no way to tell the client but to end the session.
        this.opts.logger.log('err', `${this.selected.name}: ${e.message}; disconnecting user=${this.user}`);
        this.line(`* BYE [ALERT] Mailbox ${this.selected.name} was changed by another program: ${e.message}`);
        this.state = 'logout';
        return;
      }
      if (e instanceof CommandResult) {
        if (this.selected && this.state === 'selected') await this.reportUpdates(spec.expungeSafe).catch(() => undefined);
        this.line(`${tag} ${e.status} ${e.code ? `[${e.code}] ` : ''}${e.message}`);
        if (e.status === 'BAD') this.tooMany();
        return;
      }
      if (e instanceof ParseError) {
        this.line(`${tag} BAD ${name}: ${e.message}`);
        this.tooMany();
        return;
      }
      throw e;
    }
  }
}

/** `\Seen \Answered ...` plus keywords, and `\Recent`. */
export function flagsOf(bits: number, keywords: readonly string[], recent: boolean): string {
  const out: string[] = [];
  if (bits & 1) out.push('\\Seen');
  if (bits & 2) out.push('\\Answered');
  if (bits & 4) out.push('\\Flagged');
  if (bits & 8) out.push('\\Deleted');
  if (bits & 16) out.push('\\Draft');
  if (recent) out.push('\\Recent');
  return out.concat(keywords).join(' ');
}

/** The FLAGS list of a mailbox: the system flags and its keywords. */
export function flagList(keywords: readonly string[]): string {
  return ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', ...keywords].join(' ');
}
