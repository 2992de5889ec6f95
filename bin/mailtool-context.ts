/**
 * What a mailtool command runs with: the servers' configuration (their file, then the command line's overrides),
 * the user it acts as (bin/mailtool-owner.ts: root becomes the mailbox's owner), the mailboxes named on the command
 * line resolved as that user's session would resolve them, and the mbox driver and mail store a session of that
 * user has (bin/user-store.ts), with the servers' locks and control directory.
 *
 * Mailboxes are named by path (relative to the working directory), or with `-u USER` by the names an IMAP session
 * of USER uses (INBOX, `Mail/x` under the home directory), resolved by UW's rules as imapd resolves them. A path
 * that is the acting user's INBOX (their spool file) is taken as INBOX, so that INBOX's rules hold for it too
 * (RENAME moves its messages out, it cannot be deleted).
 */
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { ControlDir, expandControlDir } from '../lib/mailbox/control-dir.js';
import { ConfigError, formatProblem, withOverrides, type Config } from '../lib/env/config.js';
import { loadConfig } from '../lib/env/config-file.js';
import type { Account } from '../lib/auth/types.js';
import { MemoryLogger, type Logger } from '../lib/env/logger.js';
import { systemClock } from '../lib/env/env.js';
import { createMailboxLocking } from '../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../lib/lock/dotlock-host.js';
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { isInbox, UwNames } from '../lib/mailbox/uw-names.js';
import type { UwMailStore } from '../lib/mailbox/uw-store.js';
import { accountByUid } from './mailtool-accounts.js';
import { become, createSpoolFile, whoActs, type Acting } from './mailtool-owner.js';
import { EX_TEMPFAIL, EX_USAGE, ToolError } from './mailtool-exit.js';
import { userStore } from './user-store.js';

/**
 * The configuration the command runs with and the control directory template, '' when `--control-dir ''` asked
 * for none (a configuration file cannot).
 */
interface Settings {
  readonly config: Config;
  readonly controlDir: string;
}

/** The options every command takes, as yargs gives them (absent: the file's value). */
export interface CommonOptions {
  readonly config: string | undefined;
  /** A string, checked here: yargs would turn `abc` into NaN, and the message would say NaN. */
  readonly 'lock-timeout': string | undefined;
  readonly 'journal-dir': string | undefined;
  readonly 'control-dir': string | undefined;
  readonly user: string | undefined;
}

/**
 * The configuration file (loaded as the servers load theirs: lib/env/config-file.ts's loadConfig, `-c FILE` or the
 * default file, which may be missing) with the command line's overrides, checked by the file's rules (withOverrides).
 * Throws ToolError: 75 for the file (the servers answer a broken configuration as a temporary failure, and a
 * delivery agent keeps the mail queued on 75 while the file is mended), 64 for a bad option; each problem a line.
 */
function settings(argv: CommonOptions): Settings {
  let file: Config;
  try {
    file = loadConfig(argv.config ?? null);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ToolError(e.problems.map((p) => `configuration: ${formatProblem(p)}`).join('\nmailtool: '), EX_TEMPFAIL);
  }
  const none = argv['control-dir'] === '';
  const timeout = argv['lock-timeout'];
  if (timeout !== undefined && !/^[0-9]{1,9}$/.test(timeout)) {
    throw new ToolError(`--lock-timeout: expected a whole number of seconds, got ${JSON.stringify(timeout)}`, EX_USAGE);
  }
  try {
    const config = withOverrides(file, {
      ...(timeout !== undefined ? { lockTimeoutS: Number(timeout) } : {}),
      ...(argv['journal-dir'] !== undefined ? { journalDir: argv['journal-dir'] } : {}),
      ...(argv['control-dir'] !== undefined && !none ? { controlDir: argv['control-dir'] } : {}),
    });
    return { config, controlDir: none ? '' : config.controlDir };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The file's key names mean nothing here: name the options.
    const option = (m: string): string => m.replace(/^lock_timeout_s:/, '--lock-timeout:')
      .replace(/^journal_dir:/, '--journal-dir:').replace(/^control_dir:/, '--control-dir:');
    throw new ToolError(e.problems.map((p) => option(p.message)).join('\nmailtool: '), EX_USAGE);
  }
}

/**
 * Where this process writes journals and append records, the other place recovery looks (rewrite.ts), and the
 * control directory whose other files (the UIDVALIDITY counter, \Recent claims) it uses, only as their owner.
 */
interface Places {
  readonly journalDir: string;
  readonly legacyJournalDir?: string;
  readonly control?: ControlDir;
}

/**
 * The control directory for commands that only read (check, status): \Recent claims are read (and none written, as
 * in any read-only open), and a mailbox that has no UIDVALIDITY yet is shown none (see MboxMailbox's
 * uidValidityStored) rather than spending a value of the user's counter on a mailbox that is not written.
 */
class ReadingControlDir extends ControlDir {
  override nextUidValidity(nowS: number, floor = 0): Promise<number> {
    return Promise.resolve(Math.max(nowS, floor));
  }
}

/** Notes (not problems of the mailbox) go to stderr as they come. */
const notes: Logger = { log: (_level, message) => process.stderr.write(`note: ${message}\n`) };

/**
 * Where journals go for the mailbox at `path`: the control directory of the mailbox's owner (control_dir,
 * expanded with the owner's passwd entry, looked up by the file's uid as the servers look accounts up) when this process can use it,
 * else journal_dir. Recovery looks in both. The cases (control-dir.ts's module comment):
 * - run as the owner (the usual delivery, and root once it has become the owner): the directory is checked, made if
 *   missing, and used for everything, a new mailbox's UIDVALIDITY from its counter as the servers take it (not by
 *   commands that only read, `reading`: see {@link ReadingControlDir});
 * - run as root on a mailbox of a uid with no account (root stays root then, see bin/mailtool-owner.ts): an existing
 *   directory that passes the checks is looked in for journals to finish (they are the user's files; finishing them
 *   creates nothing), but our own go to journal_dir, so that no root-owned file is left in the user's directory,
 *   and a missing directory is not made (nor the counter: UIDVALIDITY from the clock);
 * - anyone else (a delivery agent running as another user, writing a group-writable spool file): the owner's 0700
 *   directory is out of reach, so journal_dir only, as before.
 * A mailbox not made yet belongs to us once made: as the owner.
 */
function places(path: string, { config, controlDir }: Settings, reading: boolean, me: Account): Places {
  const legacy = config.journalDir;
  const uid = process.getuid?.() ?? -1;
  let owner = uid;
  try {
    owner = statSync(path).uid;
  } catch {
    // Not there yet: made by us.
  }
  if (controlDir === '' || (owner !== uid && uid !== 0)) return { journalDir: legacy };
  let account: { name: string; home: string } | undefined;
  try {
    account = owner === uid ? me : accountByUid(config, owner);
  } catch {
    account = undefined;
  }
  if (account === undefined) return { journalDir: legacy };
  // A control directory that cannot be used is a note, not a problem of the mailbox: `check` stays 0 and a
  // delivery goes on with journal_dir (a user without a home, such as nobody, has none).
  const control = new (reading ? ReadingControlDir : ControlDir)({
    path: expandControlDir(controlDir, account), uid: owner, logger: notes, create: owner === uid,
  });
  const dir = control.dir();
  if (dir === null) return { journalDir: legacy };
  return owner === uid ? { journalDir: dir, legacyJournalDir: legacy, control } : { journalDir: legacy, legacyJournalDir: dir };
}

/** Releases our dotlocks if the process is told to stop, so none is left behind. */
function guardExit(registry: DotlockRegistry): void {
  process.on('exit', () => registry.releaseAllSync());
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.on(sig, () => {
      registry.releaseAllSync();
      process.exit(128 + (sig === 'SIGHUP' ? 1 : sig === 'SIGINT' ? 2 : 15));
    });
  }
}

/** A mailbox named on the command line: the name the store takes and the file it is. */
export interface Mailbox {
  /** As given on the command line (for messages). */
  readonly arg: string;
  /** The store's name: `INBOX`, an absolute path (path mode), or the user's name for it (`-u`). */
  readonly name: string;
  readonly path: string;
  readonly inbox: boolean;
  /** The name ended with `/`: a directory is meant. */
  readonly dir: boolean;
}

/** What a command works with, once {@link prepare}d. */
export interface Context {
  readonly config: Config;
  readonly acting: Acting;
  /** What storage logged while the command ran: warnings and errors are problems found in the mailbox. */
  readonly logger: MemoryLogger;
  readonly driver: MboxDriver;
  readonly store: UwMailStore;
  readonly mailboxes: readonly Mailbox[];
  /** Indexes of the mailboxes {@link prepare} made (spool files root made for the user). */
  readonly created: ReadonlySet<number>;
}

/** What a command asks of {@link prepare}. */
export interface Wanted {
  /** The mailbox arguments, in order (the first decides whose they are, run as root without -u). */
  readonly mailboxes: readonly string[];
  /** The command only reads (check, status): no UIDVALIDITY is given to a mailbox that has none. */
  readonly reading: boolean;
  /** Indexes into `mailboxes` of those the command makes when missing (append's, a copy's destination). */
  readonly creates?: readonly number[];
  /** Runs as the invoking user, after the settings are checked (append reads its messages then). */
  readonly beforeDrop?: () => Promise<void>;
}

/**
 * Loads the settings, finds who the command acts as and becomes them (making a missing spool file it is to create
 * first, as root), and builds the driver and store. Throws ToolError for what stops the command before it starts.
 */
export async function prepare(argv: CommonOptions, wanted: Wanted): Promise<Context> {
  const set = settings(argv);
  const config = set.config;
  const byName = argv.user !== undefined;
  const cwd = process.cwd();
  // Paths are made absolute now: the privilege drop changes the working directory to the user's home.
  const given = wanted.mailboxes.map((arg) => {
    if (arg === '') throw new ToolError('an empty mailbox name', EX_USAGE);
    return byName ? arg : resolvePath(cwd, arg) + (arg.endsWith('/') && arg !== '/' ? '/' : '');
  });
  const acting = whoActs(config, argv.user, byName ? null : given[0]?.replace(/\/$/, '') ?? null,
    (t) => notes.log('notice', t));
  const names = new UwNames({
    home: acting.account.home, inboxPath: acting.inboxPath, allowOutsideHome: byName ? config.allowMailboxPathsOutsideHome : true,
    homeOf: undefined,
  });
  const mailboxes = wanted.mailboxes.map((arg, i): Mailbox => {
    const g = given[i] as string;
    const name = !byName && g === acting.inboxPath ? 'INBOX' : g;
    // A name the store refuses (outside the home, `..`, a lock file's) throws its NOPERM, as IMAP answers it.
    const r = names.resolve(name);
    return { arg, name, path: r.path, inbox: r.inbox || isInbox(name), dir: r.dir };
  });
  await wanted.beforeDrop?.();
  const created = new Set<number>();
  for (const i of wanted.creates ?? []) {
    const m = mailboxes[i];
    if (m !== undefined && createSpoolFile(m.path, acting, config)) created.add(i);
  }
  become(acting);

  const logger = new MemoryLogger();
  const first = mailboxes[0]?.path ?? acting.inboxPath;
  const where = places(first, set, wanted.reading, acting.account);
  const registry = new DotlockRegistry();
  guardExit(registry);
  const locking = createMailboxLocking({
    registry, host: dotlockHostFromProcess(process, hostname()), timeoutMs: config.lockTimeoutS * 1000, logger,
    clock: systemClock, writeOrder: config.lockOrderWrite, readOrder: config.lockOrderRead,
  });
  const driver = new MboxDriver({
    env: { logger, clock: systemClock, hostname: hostname(), username: acting.account.name },
    locking,
    journalDir: where.journalDir,
    ...(where.legacyJournalDir !== undefined ? { legacyJournalDir: where.legacyJournalDir } : {}),
    ...(where.control !== undefined ? { control: where.control } : {}),
    stepSync: config.rewriteSync === 'step',
  });
  const store = userStore({
    config, account: acting.account, inboxPath: acting.inboxPath, driver, control: where.control ?? null,
    ...(byName ? {} : { allowOutsideHome: true }),
  });
  return { config, acting, logger, driver, store, mailboxes, created };
}

/** The problems storage logged (warnings and errors), each once (an open may scan twice and say it twice). */
export function problems(logger: MemoryLogger): string[] {
  return [...new Set(logger.lines.filter((l) => l.level === 'warning' || l.level === 'err').map((l) => l.message))];
}
