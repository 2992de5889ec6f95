/**
 * A POP3 session (RFC 1939, RFC 2449 CAPA, RFC 5034 AUTH, RFC 2595 STLS), compatible with UW ipop3d on the wire
 * where clients can tell: the greeting (with the APOP stamp when APOP is on), UIDL as `%08lx%08lx` of UIDVALIDITY
 * and UID, LAST, and the `Status:` line UW adds to RETR/TOP output (its octets counted in LIST/STAT/RETR sizes).
 *
 * Commands are answered in order and responses are flushed only when no further command is already waiting, so a
 * pipelined batch (RFC 2449 PIPELINING) is answered in one write. Lines are bounded; bad or unknown commands get
 * `-ERR` and the session goes on until too many of them.
 *
 * The session owns no process state: logging in, dropping privileges and opening the maildrop are behind
 * {@link Pop3Backend}, which bin/ipop3d provides.
 */
import type { AuthResult, SaslExchange } from '../auth/types.js';
import { decodeInitialResponse, decodeSaslResponse } from '../auth/sasl-response.js';
import { Secret } from '../auth/secret.js';
import type { Clock } from '../env/env.js';
import { describeError, type Logger } from '../env/logger.js';
import { InputClosed, LineTooLong, type LineInput } from '../io/input.js';
import type { ResponseSink } from '../io/sink.js';
import { MailboxError } from '../mailbox/driver.js';
import type { Maildrop } from './maildrop.js';
import { DotStuffer } from './dot-stuff.js';

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

/**
 * Part of a multi-line response is out and the rest cannot follow (a read failed mid-message): the only safe end
 * is to close the connection without the terminating dot, so the client cannot take a cut-off message as whole.
 */
class StreamBroken extends Error {}

/** Unexpected errors logged with their detail per connection; later ones are only counted. */
const MAX_LOGGED_ERRORS = 3;

type State = 'authorization' | 'transaction' | 'done';

const STATUS_LEN = 'Status: RO\r\n'.length;
/** Stands for a line that was already answered (an over-long one). Compared by identity. */
const ANSWERED = Buffer.alloc(0);
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

export class Pop3Session {
  private state: State = 'authorization';
  private drop: Maildrop | null = null;
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
    if (preauth) {
      this.drop = preauth.maildrop;
      this.loggedInAs = preauth.user;
      this.state = 'transaction';
    }
  }

  private send(line: string): void {
    this.out.write(line + '\r\n');
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
      while (this.state !== 'done' && !this.out.closed) {
        const line = await this.nextLine();
        if (line === null) break;
        try {
          await this.dispatch(line);
        } catch (e) {
          if (e instanceof StreamBroken || e instanceof InputClosed) {
            this.opts.logger.log('err', `${e.message}; disconnecting user=${this.who()} host=${this.opts.clientHost}`);
            this.finish(e instanceof StreamBroken ? 'response out of step' : 'client gone');
            break;
          }
          this.send(`-ERR [SYS/TEMP] Internal error, id ${this.internalError(e)}`);
        }
        if (!this.input.hasLine()) await this.out.flush();
      }
    } catch (e) {
      // A fault outside any command (reading the next line): say goodbye.
      this.send(`-ERR Internal error, id ${this.internalError(e)}; goodbye`);
      this.finish('error');
    } finally {
      if (this.out.closed) this.endReason ??= 'client gone';
      if (this.state !== 'done' && this.drop) {
        // No QUIT: nothing is deleted.
        await this.drop.abandon().catch((e: unknown) => this.internalError(e));
      }
      this.drop = null;
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
    this.state = 'done';
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
    const seconds = this.state === 'transaction' ? this.opts.timeoutS : this.opts.loginTimeoutS;
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

  private async dispatch(raw: Buffer): Promise<void> {
    if (raw === ANSWERED) return;
    const text = raw.toString('latin1');
    const sp = text.indexOf(' ');
    const cmd = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : text.slice(sp + 1);
    if (!/^[A-Z]{1,8}$/.test(cmd)) return this.error('Null command');
    if (cmd === 'QUIT') return this.quit();
    if (cmd === 'CAPA') return this.capa();
    if (this.state === 'authorization') {
      switch (cmd) {
        // User names as UTF-8 (as passwd holds them); the password as the exact bytes sent.
        case 'USER': return this.userCmd(utf8Arg(raw, sp));
        case 'PASS': return this.pass(sp < 0 ? Buffer.alloc(0) : raw.subarray(sp + 1));
        case 'APOP': return this.apopCmd(utf8Arg(raw, sp));
        case 'AUTH': return this.auth(arg);
        case 'STLS': return this.stls();
        case 'RPOP': return this.error('Nice try, bunkie');
        case 'STAT': case 'LIST': case 'RETR': case 'DELE': case 'NOOP': case 'RSET': case 'TOP': case 'UIDL': case 'LAST':
          return this.error(`${cmd} not valid before login`);
        default: return this.error('Unknown AUTHORIZATION state command');
      }
    }
    const drop = this.drop;
    if (!drop) return this.error('Server in unknown state');
    switch (cmd) {
      case 'STAT': {
        const s = drop.stat((i) => this.size(drop, i));
        return this.send(`+OK ${s.count} ${s.octets}`);
      }
      case 'LIST': return this.listing(drop, arg, 'Mailbox scan listing follows', (i) => String(this.size(drop, i)));
      case 'UIDL': return this.listing(drop, arg, 'Unique-ID listing follows', (i) => this.uidOf(drop, i));
      case 'RETR': return this.retr(drop, arg);
      case 'TOP': return this.top(drop, arg);
      case 'DELE': {
        const i = this.msgno(drop, arg);
        if (i === null) return;
        drop.dele(i);
        return this.send('+OK Message deleted');
      }
      case 'NOOP': return this.send('+OK No-op to you too!');
      case 'RSET':
        drop.rset();
        return this.send('+OK Reset state');
      case 'LAST': return this.send(`+OK ${drop.lastAccessed}`);
      case 'USER': case 'PASS': case 'APOP': case 'AUTH': case 'STLS':
        return this.error(`${cmd} not valid after login`);
      default: return this.error('Unknown TRANSACTION state command');
    }
  }

  private capa(): void {
    this.send('+OK Capability list follows:');
    this.send('TOP');
    this.send('UIDL');
    if (this.state === 'authorization' && this.backend.plaintextAllowed()) this.send('USER');
    const mechs = this.backend.mechanisms();
    if (this.state === 'authorization' && mechs.length) this.send(`SASL ${mechs.join(' ')}`);
    if (this.state === 'authorization' && this.backend.tls) this.send('STLS');
    this.send('RESP-CODES');
    this.send('AUTH-RESP-CODE');
    this.send('PIPELINING');
    this.send(`IMPLEMENTATION uwimap-ts ${this.opts.version}`);
    this.send('.');
  }

  // ------------------------------------------------------------------ AUTHORIZATION

  private userCmd(arg: string): void {
    if (!this.backend.plaintextAllowed()) return this.error('[AUTH] Plaintext logins are not allowed without TLS');
    const name = arg.trim();
    if (!name) return this.error('Missing username argument');
    this.user = name;
    this.send('+OK User name accepted, password please');
  }

  private async pass(arg: Buffer): Promise<void> {
    if (!this.backend.plaintextAllowed()) return this.error('[AUTH] Plaintext logins are not allowed without TLS');
    if (this.user === null) return this.error('USER first');
    const user = this.user;
    this.user = null;
    const result = await this.backend.login(user, new Secret(arg));
    await this.finishLogin(user, result, 'LOGIN', 'Bad login');
  }

  private async apopCmd(arg: string): Promise<void> {
    if (!this.backend.apopStamp) return this.error('Not supported');
    const m = /^(\S+) ([0-9a-fA-F]{32})$/.exec(arg.trim());
    if (!m) return this.error('Missing APOP argument');
    const user = m[1] as string;
    const result = await this.backend.apop(user, (m[2] as string).toLowerCase());
    await this.finishLogin(user, result, 'APOP', 'Bad APOP');
  }

  private async auth(arg: string): Promise<void> {
    const parts = arg.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) {
      this.send('+OK Supported authentication mechanisms:');
      for (const m of this.backend.mechanisms()) this.send(m);
      return this.send('.');
    }
    const mech = (parts[0] as string).toUpperCase();
    const ex = this.backend.mechanisms().includes(mech) ? this.backend.sasl(mech) : null;
    if (!ex) return this.error('Unsupported authentication mechanism');
    let initial: Buffer | null = null;
    if (parts.length > 1) {
      const ir = parts[1] as string;
      const d = decodeInitialResponse(ir);
      if (d === 'malformed') return this.error('Bad initial response');
      initial = d;
    }
    let step = await ex.start(initial);
    while (step.kind === 'challenge') {
      this.send(`+ ${step.data.toString('base64')}`);
      await this.out.flush();
      const line = await this.nextLine();
      if (line === null) return;
      // An over-long line was answered already (-ERR); the exchange is over.
      if (line === ANSWERED) return;
      const data = decodeSaslResponse(line.toString('latin1').trim());
      if (data === 'cancel') return this.error('Authentication cancelled');
      if (data === 'malformed') return this.error('Bad base64 in authentication');
      step = await ex.respond(data);
    }
    if (step.kind === 'fail') {
      this.send('-ERR [AUTH] Authentication failed');
      this.opts.logger.log('info', `AUTHENTICATE ${mech} failure host=${this.opts.clientHost}`);
      if (await this.backend.loginFailed('', mech)) this.finish('too many login failures');
      return;
    }
    await this.finishLogin(step.result.ok ? step.result.account.name : step.authcid, step.result, mech, 'Bad authentication');
  }

  private async finishLogin(user: string, result: AuthResult, how: string, failText: string): Promise<void> {
    if (!result.ok) {
      this.send(`-ERR [AUTH] ${failText}`);
      this.opts.logger.log('info', `Login failed user=${user} auth=${how} host=${this.opts.clientHost}`);
      if (await this.backend.loginFailed(user, how)) {
        this.send('-ERR Too many login failures, goodbye');
        this.finish('too many login failures');
      }
      return;
    }
    try {
      this.drop = await this.backend.openMaildrop(result);
    } catch (e) {
      const code = e instanceof MailboxError && e.code === 'INUSE' ? '[IN-USE] ' :
        e instanceof MailboxError && (e.code === 'NOPERM' || e.code === 'NOTMAILBOX') ? '[SYS/PERM] ' : '[SYS/TEMP] ';
      this.send(`-ERR ${code}${code === '[IN-USE] ' ? 'Mailbox in use by another POP3 session' : "Can't open mailbox"}`);
      this.opts.logger.log('info', `Error opening or locking INBOX user=${result.account.name} host=${this.opts.clientHost}: ${(e as Error).message}`);
      this.loggedInAs = result.account.name;
      this.finish(code === '[IN-USE] ' ? 'mailbox in use' : 'cannot open mailbox');
      return;
    }
    this.loggedInAs = result.account.name;
    this.state = 'transaction';
    // UW's lines: "Login user=", "APOP user=", "Auth user=" (SASL).
    const verb = how === 'LOGIN' ? 'Login' : how === 'APOP' ? 'APOP' : 'Auth';
    this.opts.logger.log('info', `${verb} user=${result.account.name} host=${this.opts.clientHost} nmsgs=${this.drop.count}/${this.drop.count}`);
    this.send(`+OK Mailbox open, ${this.drop.count} messages`);
  }

  private async stls(): Promise<void> {
    const tls = this.backend.tls;
    if (!tls) return this.error('STLS not available');
    if (this.input.buffered > 0) {
      // Commands pipelined after STLS in plaintext must not be taken as if they came through TLS (RFC 2595 §4).
      this.send('-ERR STLS must be the last command in a batch');
      this.finish('commands pipelined after STLS');
      return;
    }
    this.send('+OK Begin TLS negotiation');
    await this.out.flush();
    try {
      await tls.start();
    } catch (e) {
      // No handshake (plaintext where TLS was due): the connection is neither plaintext nor TLS now.
      this.opts.logger.log('notice', `STLS negotiation failed host=${this.opts.clientHost}: ${describeError(e)}`);
      this.finish('TLS negotiation failed');
      return;
    }
    this.tlsActive = true;
  }

  // ------------------------------------------------------------------ TRANSACTION

  /** Octets as sent: the message with CRLF, plus UW's Status: line when it is added (before dot-stuffing). */
  private size(drop: Maildrop, i: number): number {
    return drop.meta(i).size + (this.opts.statusHeader ? STATUS_LEN : 0);
  }

  private msgno(drop: Maildrop, arg: string): number | null {
    const t = arg.trim();
    if (!t) {
      this.error('Missing message number argument');
      return null;
    }
    const i = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
    if (!drop.valid(i)) {
      this.error('No such message');
      return null;
    }
    return i;
  }

  /** LIST and UIDL: one message (`+OK n value`), or every message not deleted as a listing. */
  private listing(drop: Maildrop, arg: string, title: string, value: (i: number) => string): void {
    if (arg.trim()) {
      const i = this.msgno(drop, arg);
      if (i !== null) this.send(`+OK ${i} ${value(i)}`);
      return;
    }
    this.send(`+OK ${title}`);
    for (let i = 1; i <= drop.count; i++) if (drop.valid(i)) this.send(`${i} ${value(i)}`);
    this.send('.');
  }

  private uidOf(drop: Maildrop, i: number): string {
    const uid = drop.meta(i).uid;
    return this.opts.uidlFormat === 'uw' ? hex8(drop.uidValidity) + hex8(uid) :
      (hex8(uid) + hex8(drop.uidValidity)).toUpperCase();
  }

  /** The header as RETR/TOP send it: UW's Status: line before the empty line ending the header. */
  private async headerOut(drop: Maildrop, i: number): Promise<Buffer> {
    const h = await drop.header(i);
    if (!this.opts.statusHeader) return h;
    const m = drop.meta(i);
    const status = `Status: ${m.flags & 1 ? 'R' : ' '}${m.recent ? ' ' : 'O'}\r\n`;
    const ends = h.length >= 2 && h[h.length - 2] === 0x0d && h[h.length - 1] === 0x0a;
    const blank = h.length >= 4 && h.subarray(h.length - 4).toString('latin1') === '\r\n\r\n';
    if (blank || (h.length === 2 && ends)) {
      return Buffer.concat([h.subarray(0, h.length - 2), Buffer.from(status, 'latin1'), Buffer.from('\r\n')]);
    }
    // No empty line after the header (a header-only message): end the header, then the status line.
    return Buffer.concat([h, Buffer.from(ends ? '' : '\r\n'), Buffer.from(status, 'latin1')]);
  }

  private async retr(drop: Maildrop, arg: string): Promise<void> {
    const i = this.msgno(drop, arg);
    if (i === null) return;
    let header: Buffer;
    try {
      header = await this.headerOut(drop, i);
    } catch (e) {
      this.opts.logger.log('warning', `RETR ${i} unavailable user=${this.who()} host=${this.opts.clientHost}: ${describeError(e)}`);
      return this.error('[SYS/TEMP] Message unavailable');
    }
    const body = drop.text(i);
    const size = header.length + body.size;
    drop.noteRetrieved(i);
    this.send(`+OK ${size} octets`);
    const stuffer = new DotStuffer();
    this.out.write(stuffer.push(header));
    let sent = header.length;
    try {
      for await (const chunk of body.chunks()) {
        this.out.write(stuffer.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
        sent += chunk.length;
        await this.out.maybeFlush();
        if (this.out.closed) return;
      }
    } catch (e) {
      throw new StreamBroken(`RETR ${i} broke off after ${sent} of ${size} octets: ${describeError(e)}`);
    }
    if (sent !== size) throw new StreamBroken(`RETR ${i}: announced ${size} octets, sent ${sent}`);
    this.out.write(stuffer.end());
  }

  private async top(drop: Maildrop, arg: string): Promise<void> {
    const m = /^\s*(\d{1,9})\s+(\d{1,9})\s*$/.exec(arg);
    if (!m) return this.error('Bad message number or line count argument');
    const i = Number(m[1]);
    if (!drop.valid(i)) return this.error('No such message');
    const lines = Number(m[2]);
    const header = await this.headerOut(drop, i);
    this.send('+OK Top of message follows');
    const stuffer = new DotStuffer();
    this.out.write(stuffer.push(header));
    if (lines > 0) {
      try {
        await this.topLines(drop, i, lines, stuffer);
      } catch (e) {
        throw new StreamBroken(`TOP ${i} broke off: ${describeError(e)}`);
      }
    }
    this.out.write(stuffer.end());
  }

  /** The first `lines` lines of message `i`'s body, dot-stuffed, for TOP. */
  private async topLines(drop: Maildrop, i: number, lines: number, stuffer: DotStuffer): Promise<void> {
    let left = lines;
    for await (const chunk of drop.text(i).chunks()) {
      let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      let cut = -1;
      for (let p = b.indexOf(0x0a); p >= 0; p = b.indexOf(0x0a, p + 1)) {
        if (--left === 0) {
          cut = p + 1;
          break;
        }
      }
      if (cut >= 0) b = b.subarray(0, cut);
      this.out.write(stuffer.push(b));
      await this.out.maybeFlush();
      if (cut >= 0) break;
    }
  }

  private async quit(): Promise<void> {
    if (this.state === 'transaction' && this.drop) {
      const drop = this.drop;
      this.drop = null;
      try {
        const r = await drop.update();
        this.opts.logger.log('info', `Update user=${this.loggedInAs} host=${this.opts.clientHost} nmsgs=${drop.count} ndele=${r.deleted} nseen=${r.seen}`);
        this.send(`+OK Sayonara`);
        this.finish('quit');
      } catch (e) {
        // RFC 2449 SYS/TEMP: the deletions were not made (the maildrop is as it was); the client may retry later.
        this.opts.logger.log('err', `Update failed user=${this.loggedInAs} host=${this.opts.clientHost}: ${describeError(e)}`);
        await drop.abandon().catch(() => undefined);
        this.send(`-ERR [SYS/TEMP] Mailbox not updated; messages marked deleted were kept`);
        this.finish('update failed');
      }
    } else {
      this.send('+OK Sayonara');
      this.finish('quit');
    }
  }
}

function utf8Arg(raw: Buffer, sp: number): string {
  return sp < 0 ? '' : raw.subarray(sp + 1).toString('utf8');
}
