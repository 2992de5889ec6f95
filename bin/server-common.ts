/**
 * What imapd and ipop3d share at start-up: flags, configuration, syslog, the connection on fd 0, mailbox locking,
 * the authentication sources, and dropping privileges after a login. Only bin/ touches `process`; the rest of the
 * servers get what they need from here as plain values and functions.
 *
 * House rules that start here:
 * - fds 0, 1 and 2 are the client's socket under inetd: warnings are silenced and stderr is muted before anything
 *   else runs ({@link silenceStdio}); every failure goes to syslog.
 * - Privileges are dropped (initgroups, setgid, setuid, chdir home) before any mailbox of the user is touched.
 * - Dotlocks are released on exit, on SIGTERM/SIGHUP/SIGINT, and when the client goes away.
 */
import { existsSync, fstatSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Socket } from 'node:net';
import { hostname as osHostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startupSnapshot } from 'node:v8';
import { Writable, type Readable } from 'node:stream';
import getopt from 'posix-getopt';
import { DEFAULT_CONFIG, loadConfig, type Config, type ServiceName } from '../lib/env/config.js';
import { systemClock, type Clock } from '../lib/env/env.js';
import { describeError, nullLogger, type Logger } from '../lib/env/logger.js';
import { systemRandom } from '../lib/env/random.js';
import { formatHost, SyslogLogger } from '../lib/env/syslog.js';
import { createTlsOptions, socketFromFd, upgradeToTls } from '../lib/io/tls.js';
import type { LineInput } from '../lib/io/input.js';
import { ResponseSink } from '../lib/io/sink.js';
import type { Secret } from '../lib/auth/secret.js';
import { completeSaslLogin } from '../lib/auth/checker.js';
import { createSaslMechanism, saslMechanismNames, type SaslStep } from '../lib/auth/sasl.js';
import { createMailboxLocking, type MailboxLocking } from '../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../lib/lock/dotlock-host.js';
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { loadNative, type Native } from '../lib/native/native.js';
import type { Account, AuthResult, LoginContext, SaslExchange, SaslStepResult } from '../lib/auth/types.js';
import {
  CramMd5AwareChecker, PamPasswordChecker, passwdAccounts, SystemPasswordChecker, type AccountSource,
  type PasswordChecker,
} from '../lib/auth/checker.js';
import { loadCramMd5, type CramSecrets } from '../lib/auth/cram-md5-pwd.js';
import { isLoopback, LoginGuard, plaintextAllowed } from '../lib/auth/login-guard.js';

/**
 * Mutes fds 1 and 2 for everything but protocol output, before anything else can print: warnings are dropped, and
 * process.stderr becomes a stream that discards what it is given. It is replaced, not reached: Node creates the
 * real stream on first access, which costs 2 ms of start-up (it loads its file-writing stream code) on every
 * connection, for a stream that must never be written.
 */
export function silenceStdio(): void {
  process.removeAllListeners('warning');
  process.on('warning', () => undefined);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => discard });
}

/**
 * Runs a server's `main` with fds 1 and 2 silenced; exits 0 when it resolves, and hands a rejection to the
 * uncaughtException handler (logged to syslog, dotlocks released, exit 1), never to fd 2.
 *
 * When the process is `node --build-snapshot` making the start-up snapshot of a bundle (tools/bundle.mjs), `main`
 * is not run now but registered as the snapshot's main function: the snapshot then holds every module already
 * loaded and initialised, and each connection only runs `main`. Everything that depends on the process (argv,
 * environment, identity, fds, time) is read inside `main`, never while modules load, so nothing of the build
 * machine's state is frozen into the snapshot. The check reads execArgv because loading node:v8 to ask it costs
 * about 4 ms on every start; node:v8 is only loaded when a snapshot is being built.
 */
export function runMain(main: () => Promise<void>): void {
  const run = (): void => {
    silenceStdio();
    main().then(
      () => process.exit(0),
      (e: unknown) => {
        process.emit('uncaughtException', e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  if (process.execArgv.includes('--build-snapshot')) startupSnapshot.setDeserializeMainFunction(run);
  else run();
}

export interface Flags {
  /** -c FILE: the configuration file (default /etc/uwimap-ts.conf, optional). */
  readonly configFile: string | null;
  /** -S: implicit TLS (imaps, pop3s): the TLS handshake comes before the greeting. */
  readonly implicitTls: boolean;
}

/** UW-style flags (posix-getopt). Unknown flags are ignored, as inetd lines may carry UW's own. */
export function parseFlags(argv: readonly string[]): Flags {
  const parser = new getopt.BasicParser('c:S', ['node', 'daemon', ...argv]);
  let configFile: string | null = null;
  let implicitTls = false;
  let opt;
  while ((opt = parser.getopt()) !== undefined) {
    if (opt.option === 'c' && opt.optarg) configFile = opt.optarg;
    if (opt.option === 'S') implicitTls = true;
  }
  return { configFile, implicitTls };
}

/**
 * Whether this connection starts with TLS: the -S flag, or UW's conventions: the connection came in on the port
 * /etc/services gives the SSL service (`imaps` 993, `pop3s` 995), or the program is called by a name starting
 * with `s` (`simapd`, `sipop3d`) for such a service on another port.
 */
export function wantsImplicitTls(flags: Flags, sslService: 'imaps' | 'pop3s', localPort: number | null): boolean {
  if (flags.implicitTls) return true;
  const program = basename(process.argv[1] ?? '');
  if (program.startsWith('s')) return true;
  if (localPort === null) return false;
  return localPort === servicePort(sslService);
}

function servicePort(name: string): number {
  const fallback = name === 'imaps' ? 993 : 995;
  try {
    for (const line of readFileSync('/etc/services', 'latin1').split('\n')) {
      const m = /^(\S+)\s+(\d+)\/tcp\b(.*)$/.exec(line.replace(/#.*/, ''));
      if (m && (m[1] === name || (m[3] ?? '').split(/\s+/).includes(name))) return Number(m[2]);
    }
  } catch {
    /* no /etc/services: the IANA port */
  }
  return fallback;
}

export interface Connection {
  readonly input: Readable;
  readonly output: Writable;
  /** The socket on fd 0, when it is one (STARTTLS/STLS and implicit TLS need it). */
  readonly socket: Socket | null;
  readonly remoteAddress: string | null;
  /** The client as UW logs it: `name [address]`, `[address]`, or `localhost` for a pipe. */
  readonly clientHost: string;
  /** The peer is this machine (plaintext logins always allowed). */
  readonly loopback: boolean;
  /** Our port on the connection (993/995 mean implicit TLS), null when not a TCP socket. */
  readonly localPort: number | null;
}

/** The client connection: fd 0 as a socket under inetd/systemd, else stdin/stdout (a pipe, a terminal, ssh). */
export function connection(): Connection {
  // fd 0 is the connection only when fd 1 is the same socket (inetd, systemd): a parent that spawns us with two
  // socketpairs for stdin and stdout (Node's child_process, some tunnels) must be answered on fd 1.
  let same: boolean;
  try {
    const a = fstatSync(0);
    const b = fstatSync(1);
    same = a.isSocket() && a.ino === b.ino && a.dev === b.dev;
  } catch {
    same = false;
  }
  const c = same ? socketFromFd(0) : null;
  if (c?.kind === 'socket') {
    const addr = c.remoteAddress;
    return {
      input: c.socket, output: c.socket, socket: c.socket, remoteAddress: addr,
      clientHost: addr ? formatHost(null, addr) : 'localhost', loopback: addr === null || isLoopback(addr),
      localPort: c.socket.localPort ?? null,
    };
  }
  return {
    input: process.stdin, output: process.stdout, socket: null, remoteAddress: null, clientHost: 'localhost',
    loopback: true, localPort: null,
  };
}

/**
 * Loads a .node file as require() would, but without require: its first use in a process (module paths, package
 * scopes) costs about 2 ms, and the first syslog line of every connection loads the native addon. Throws as
 * process.dlopen does. Not cached: call once (Server.native() does).
 */
function dlopenAddon(path: string): unknown {
  const module = { exports: {} };
  process.dlopen(module, path);
  return module.exports;
}

export interface Server {
  readonly service: ServiceName;
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly hostname: string;
  readonly pid: number;
  readonly registry: DotlockRegistry;
  readonly locking: MailboxLocking;
  /** The native addon, loaded on first use (PAM, crypt and syslog only cost start-up when used). */
  native(): Native;
  /** A mailbox driver for `username` (the name written in `From ` lines of appended mail). */
  driver(username: string): MboxDriver;
}

/**
 * Loads the configuration and builds the server's parts. A broken configuration is returned as `error` (with a
 * logger to say why), so the caller can answer `* BYE`/`-ERR` instead of crashing.
 */
export function startServer(service: ServiceName, flags: Flags): { server: Server; error: string | null } {
  let native: Native | null = null;
  const getNative = (): Native => (native ??= loadNative(undefined, dlopenAddon));
  let config: Config = DEFAULT_CONFIG;
  let error: string | null = null;
  try {
    config = loadConfig(flags.configFile);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const pid = process.pid;
  const ident = service;
  let logger: Logger = nullLogger;
  try {
    logger = new SyslogLogger({
      path: config.syslogSocket, ident, pid, clock: systemClock,
      send: (path, data) => getNative().unixDgramSend(path, data),
    });
  } catch {
    logger = nullLogger;
  }
  const hostname = osHostname();
  const registry = new DotlockRegistry();
  const locking = createMailboxLocking({
    registry, host: dotlockHostFromProcess(process, hostname), timeoutMs: config.lockTimeoutS * 1000, logger,
    writeOrder: config.lockOrderWrite, readOrder: config.lockOrderRead,
  });
  installExitHandlers(registry, logger, service);
  const server: Server = {
    service, config, logger, clock: systemClock, hostname, pid, registry, locking,
    native: getNative,
    driver: (username) => new MboxDriver({
      env: { logger, clock: systemClock, hostname, username }, locking, journalDir: config.journalDir,
      stepSync: config.rewriteSync === 'step',
    }),
  };
  if (error) logger.log('err', `configuration: ${error}`);
  return { server, error };
}

function installExitHandlers(registry: DotlockRegistry, logger: Logger, service: string): void {
  process.on('exit', () => registry.releaseAllSync());
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.on(sig, () => {
      registry.releaseAllSync();
      process.exit(1);
    });
  }
  // A client that goes away while we write: end quietly, nothing on fd 2.
  process.on('SIGPIPE', () => {
    registry.releaseAllSync();
    process.exit(0);
  });
  // The last resort, for a fault outside every session's own error handling (which answers and goes on): one log
  // line (no multi-line stack), the locks released, the client told (onFatal, through sessionSink), then exit.
  process.on('uncaughtException', (e) => {
    logger.log('err', `${service}: fatal: ${describeError(e)}`);
    registry.releaseAllSync();
    const words = lastWords;
    lastWords = null;
    if (words === null) process.exit(1);
    setTimeout(() => process.exit(1), 1000).unref();
    words().then(() => process.exit(1), () => process.exit(1));
  });
}

let lastWords: (() => Promise<void>) | null = null;

/**
 * The session's response sink on `output`, with the last-resort goodbye (`fatal`, a whole line) registered; null
 * when the configuration is broken, after telling the client `config` and ending the output.
 */
export async function sessionSink(output: Writable, texts: { fatal: string; config: string },
  configError: string | null): Promise<ResponseSink | null> {
  const sink = new ResponseSink(output);
  onFatal(async () => {
    sink.write(`${texts.fatal}\r\n`);
    await sink.end();
  });
  if (configError === null) return sink;
  sink.write(`${texts.config}\r\n`);
  await sink.end();
  return null;
}

/**
 * A short name for this connection in log lines and `[SERVERBUG]` ids: the pid and the start time (base 36, four
 * digits: about 28 minutes before it repeats, enough to tell apart two sessions that had the same pid).
 */
export function sessionId(server: Server): string {
  return `${server.pid}-${(server.clock.now() % 36 ** 4).toString(36).padStart(4, '0')}`;
}

/**
 * What to tell the client if the process must end on an error nothing else caught (`* BYE`, `-ERR`): given by the
 * server once its response sink exists. Called at most once, and given a second to be written.
 */
function onFatal(words: () => Promise<void>): void {
  lastWords = words;
}

/** Running as root (started by inetd): a login is needed. Otherwise the user running us is logged in already. */
export function runningAsRoot(): boolean {
  return (process.getuid?.() ?? 0) === 0;
}

/** The account of the user running us (PREAUTH mode). */
export function currentAccount(): Account {
  const u = userInfo();
  // A login shell (ssh, a tunnel) sets HOME; it wins over the passwd entry, as for the user's own programs.
  const home = process.env.HOME || u.homedir;
  return { name: u.username, uid: u.uid, gid: u.gid, gecos: '', home, shell: u.shell ?? '' };
}

export interface Authentication {
  readonly checker: PasswordChecker;
  readonly accounts: AccountSource;
  /** cram-md5.pwd when present and safe (APOP and CRAM-MD5 on), else null. */
  readonly cram: CramSecrets | null;
  readonly guard: LoginGuard;
  /** Plaintext logins allowed now: TLS active, the client on loopback, or configured. */
  plaintextAllowed(tlsActive: boolean): boolean;
}

/** The authentication sources the configuration names, for PAM service `pamService`. Call while still root. */
export function authentication(server: Server, conn: Connection): Authentication {
  const c = server.config;
  const accounts = passwdAccounts(c.passwdFile);
  const system: PasswordChecker = c.authChecker === 'pam'
    ? new PamPasswordChecker({ pam: (service, user, password, rhost) => server.native().pamAuthenticate(service, user, password, rhost), accounts })
    : new SystemPasswordChecker({
      passwdPath: c.passwdFile, shadowPath: c.shadowFile, clock: server.clock,
      crypt: (phrase, setting) => server.native().crypt(phrase, setting),
    });
  const loaded = loadCramMd5(c.cramMd5File, {
    requireRootOwned: true, getAccount: accounts, log: (m) => server.logger.log('warning', m),
  });
  const cram = loaded === null || loaded === 'refused' ? null : loaded;
  const inner = cram
    ? new CramMd5AwareChecker({ cram, system, accounts, plaintext: c.cramMd5OverridesPlaintext ? 'cram-md5-pwd' : 'system' })
    : system;
  // UW: while /etc/nologin exists, nobody logs in (its text is for the log, not the client).
  const checker: PasswordChecker = {
    async check(user, password, ctx) {
      if (existsSync(c.nologinFile)) {
        server.logger.log('notice', `Login disabled user=${user} host=${conn.clientHost} (${c.nologinFile} exists)`);
        return { ok: false, reason: 'unavailable', detail: 'logins disabled' };
      }
      return inner.check(user, password, ctx);
    },
  };
  const guard = new LoginGuard({
    sleep: (ms) => sleep(ms).then(() => undefined), failureDelayMs: c.loginFailureDelayMs, maxFailures: c.maxLoginFailures,
  });
  return {
    checker, accounts, cram, guard,
    plaintextAllowed: (tls) => plaintextAllowed({ tls, remoteIsLoopback: conn.loopback, allowPlaintextWithoutTls: c.allowPlaintextWithoutTls }),
  };
}

/**
 * Becomes `account`: supplementary groups (initgroups), gid, uid, then the home directory. Throws if any step
 * fails, and the caller ends the session: nothing of the user's may be touched with the wrong identity.
 */
export function dropPrivileges(account: Account): void {
  if (account.uid === 0) throw new Error('refusing to run a session as root');
  // process.initgroups exists on POSIX Node, though @types/node does not declare it.
  const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
  if (!proc.initgroups || !proc.setgid || !proc.setuid) throw new Error('this platform cannot change the process identity');
  proc.initgroups(account.name, account.gid);
  proc.setgid(account.gid);
  proc.setuid(account.uid);
  if ((process.getuid?.() ?? -1) !== account.uid || (process.getgid?.() ?? -1) !== account.gid) {
    throw new Error(`privileges not dropped to ${account.name}`);
  }
  try {
    process.chdir(account.home);
  } catch {
    process.chdir('/');
  }
}

export const randomBytes = (n: number): Buffer => systemRandom.bytes(n);

/**
 * The connection's byte streams: with implicit TLS (imaps, pop3s) the handshake comes first, and without a usable
 * certificate there is no session at all (null: logged, socket closed). Otherwise the plain streams.
 */
export async function sessionStreams(server: Server, conn: Connection, flags: Flags, service: ServiceName,
  configBroken: boolean): Promise<{ input: Readable; output: Writable; tls: boolean } | null> {
  const sslService = service === 'imapd' ? 'imaps' : 'pop3s';
  if (configBroken || !conn.socket || !wantsImplicitTls(flags, sslService, conn.localPort)) {
    return { input: conn.input, output: conn.output, tls: false };
  }
  try {
    const options = createTlsOptions(server.config, service);
    if (!options) throw new Error(`no certificate (${server.config.tlsCert ?? 'default'}) for ${sslService}`);
    const tls = await upgradeToTls(conn.socket, options);
    return { input: tls, output: tls, tls: true };
  } catch (e) {
    server.logger.log('err', `${sslService}: TLS failed host=${conn.clientHost}: ${(e as Error).message}`);
    conn.socket.destroy();
    return null;
  }
}

/** The login steps IMAP and POP3 share: plaintext policy, SASL mechanisms, password checks, STARTTLS/STLS. */
export interface LoginFlow {
  plaintextAllowed(): boolean;
  mechanisms(): readonly string[];
  login(user: string, password: Secret): Promise<AuthResult>;
  sasl(mechanism: string): SaslExchange | null;
  loginFailed(): Promise<boolean>;
  /** STARTTLS/STLS while it can still be offered, else null. */
  readonly tls: { start(): Promise<void> } | null;
  readonly ctx: LoginContext;
}

/**
 * Builds the login flow for a session reading `input` and writing `sink`. Reads the TLS key now (call while
 * root). `tlsActive`: the connection is already encrypted (implicit TLS).
 */
export function loginFlow(server: Server, conn: Connection, auth: Authentication, service: 'imap' | 'pop',
  input: LineInput, sink: ResponseSink, tlsActive: boolean): LoginFlow {
  let encrypted = tlsActive;
  let options = null;
  try {
    options = conn.socket && !encrypted ? createTlsOptions(server.config, service === 'imap' ? 'imapd' : 'ipop3d') : null;
  } catch (e) {
    server.logger.log('err', `TLS not offered: ${(e as Error).message}`);
  }
  const ctx: LoginContext = { service, rhost: conn.remoteAddress ?? '' };
  const complete = async (step: SaslStep): Promise<SaslStepResult> => {
    if (step.kind === 'challenge') return step;
    if (step.kind === 'fail') return { kind: 'fail', reason: step.reason };
    return {
      kind: 'done', authcid: step.authcid,
      result: await completeSaslLogin(step, { checker: auth.checker, accounts: auth.accounts, ctx }),
    };
  };
  const socket = conn.socket;
  const tlsOptions = options;
  const starter = tlsOptions && socket ? {
    async start(): Promise<void> {
      const tlsSocket = await upgradeToTls(socket, tlsOptions);
      encrypted = true;
      input.switchTo(tlsSocket);
      await sink.switchTo(tlsSocket);
    },
  } : null;
  return {
    ctx,
    plaintextAllowed: () => auth.plaintextAllowed(encrypted),
    mechanisms: () => saslMechanismNames(auth.cram !== null).filter((m) => m === 'CRAM-MD5' || auth.plaintextAllowed(encrypted)),
    async login(user, password) {
      if (auth.guard.screen([user]) === 'disconnect') return { ok: false, reason: 'unavailable', detail: 'too many failures' };
      return auth.checker.check(user, password, ctx);
    },
    sasl(mechanism) {
      const m = createSaslMechanism(mechanism, {
        ...(auth.cram ? { cram: { secrets: auth.cram, random: randomBytes, clock: server.clock, hostname: server.hostname } } : {}),
      });
      if (!m || (m.plaintext && !auth.plaintextAllowed(encrypted))) return null;
      return { start: (initial) => complete(m.start(initial)), respond: (data) => complete(m.respond(data)) };
    },
    async loginFailed() {
      return (await auth.guard.failed()) === 'disconnect';
    },
    get tls() {
      return encrypted ? null : starter;
    },
  };
}
