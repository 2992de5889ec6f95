/**
 * What imapd and ipop3d build at start-up, before the connection is served: the configuration, syslog, mailbox
 * locking and the mail driver ({@link startServer}), and the program's whole main ({@link serverMain}). Only bin/
 * touches `process`; the rest of the servers get what they need from here as plain values and functions.
 */
import { hostname as osHostname } from 'node:os';
import { DEFAULT_CONFIG, type Config, type ServiceName } from '../lib/env/config.js';
import { loadConfig } from '../lib/env/config-file.js';
import { systemClock, type Clock } from '../lib/env/env.js';
import { nullLogger, type Logger } from '../lib/env/logger.js';
import { SyslogLogger } from '../lib/env/syslog.js';
import { createMailboxLocking, type MailboxLocking } from '../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../lib/lock/dotlock-host.js';
import { ControlDir, expandControlDir } from '../lib/mailbox/control-dir.js';
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { accountDb, type AccountDb } from '../lib/auth/accounts.js';
import type { Account } from '../lib/auth/types.js';
import { loadNative, type Native } from '../lib/native/native.js';
import { checkBuild } from './build-check.js';
import { connection, sessionStreams, type Connection, type SessionStreams } from './connection.js';
import { parseFlags, type Flags } from './flags.js';
import { installExitHandlers, runMain } from './process.js';
import { processIdentity, type SessionIdentity } from './session-identity.js';

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
  /** Where accounts come from (`account_source`: NSS through the addon, or passwd_file and shadow_file). */
  readonly accounts: AccountDb;
  /**
   * The control directory of `account` (control_dir expanded), one per account in this process, so that its checks
   * and its warning happen once. Call only as the account (after the privilege drop): it is made on first use.
   */
  control(account: Pick<Account, 'name' | 'uid' | 'home'>): ControlDir;
  /** A mailbox driver for `account` (its name is written in `From ` lines of appended mail). */
  driver(account: Pick<Account, 'name' | 'uid' | 'home'>): MboxDriver;
}

/**
 * Loads the configuration and builds the server's parts. A broken configuration, or an installation this node
 * cannot run (bin/build-check.ts), is returned as `error` (logged), so the caller can answer `* BYE`/`-ERR` instead
 * of crashing. Dotlocks are released on exit,
 * on SIGTERM/SIGHUP/SIGINT, and when the client goes away (process.ts).
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
  const controls = new Map<string, ControlDir>();
  const control = (account: Pick<Account, 'name' | 'uid' | 'home'>): ControlDir => {
    let c = controls.get(account.name);
    if (!c) {
      c = new ControlDir({
        path: expandControlDir(config.controlDir, account), uid: account.uid, logger, legacyDir: config.journalDir,
      });
      controls.set(account.name, c);
    }
    return c;
  };
  const accounts = accountDb(config, {
    getpwnam: (name) => getNative().getpwnam(name),
    getpwuid: (uid) => getNative().getpwuid(uid),
    getspnam: (name) => getNative().getspnam(name),
  });
  const server: Server = {
    service, config, logger, clock: systemClock, hostname, pid, registry, locking,
    native: getNative,
    accounts,
    control,
    // Rewrite journals and append records go to the user's control directory when it is usable (nobody else can
    // take their names there), else to journal_dir; recovery looks in both (lib/mailbox/mbox/rewrite.ts). Called
    // after the privilege drop, so the directory is checked (and made) as the user.
    driver: (account) => {
      const c = control(account);
      return new MboxDriver({
        env: { logger, clock: systemClock, hostname, username: account.name }, locking,
        journalDir: c.dir() ?? config.journalDir, legacyJournalDir: config.journalDir,
        stepSync: config.rewriteSync === 'step', control: c,
      });
    },
  };
  if (error) {
    logger.log('err', `configuration: ${error}`);
  } else {
    // Run without the start-up snapshot, on another Node than the one it was built for (bin/build-check.ts).
    error = checkBuild(logger);
    if (error) logger.log('err', error);
  }
  return { server, error };
}

/**
 * A short name for this connection in log lines and `[SERVERBUG]` ids: the pid and the start time (base 36, four
 * digits: about 28 minutes before it repeats, enough to tell apart two sessions that had the same pid).
 */
export function sessionId(server: Server): string {
  return `${server.pid}-${(server.clock.now() % 36 ** 4).toString(36).padStart(4, '0')}`;
}

/**
 * Serves one connection to its end (bin/imapd-serve.ts, bin/ipop3d-serve.ts). `configError`: the configuration
 * could not be loaded (the client is told so and nothing else).
 */
export type Serve = (server: Server, conn: Connection, streams: SessionStreams, configError: string | null,
  identity: SessionIdentity) => Promise<void>;

/**
 * The main of imapd and ipop3d: flags, configuration, the connection and its streams (implicit TLS first), then
 * `serve` as the process's own identity (root logs a user in; a user is preauthenticated).
 */
export function serverMain(service: ServiceName, serve: Serve): void {
  runMain(async () => {
    const flags = parseFlags(process.argv.slice(2));
    const { server, error } = startServer(service, flags);
    const conn = connection();
    const streams = await sessionStreams(server, conn, flags, service, error !== null);
    if (!streams) return;
    await serve(server, conn, streams, error, processIdentity(server.config.spoolDir, server.accounts));
  });
}
