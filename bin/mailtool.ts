/**
 * mailtool: an administrator's tool for mbox files, in the spirit of UW's mailutil.
 *
 *   mailtool check PATH [--json]        message count, UIDVALIDITY, next UID, problems found (read-only)
 *   mailtool append PATH [FILE...]      append messages from files (or stdin), under a delivery agent's locks
 *
 * It reads the servers' configuration file, by their loader (lib/env/config-file.ts): `-c FILE` / `--config FILE`,
 * else /etc/uwimap-ts.conf, which may be missing (the built-in defaults then). So journal_dir, control_dir (where
 * journals, append records and the UIDVALIDITY counter live), lock_timeout_s, the lock orders, rewrite_sync and
 * passwd_file are the servers' own; --journal-dir, --control-dir and --lock-timeout override the file.
 *
 * Exit status: 0 success, 1 `check` found problems, 2 usage. `append` exits with the sysexits.h codes a mail
 * transfer agent acts on (see {@link appendExit}): 75 (EX_TEMPFAIL) keeps the mail queued to try again, the
 * others bounce it. A configuration that cannot be used (a file named with -c that is missing, a bad key or value)
 * is said on stderr, every problem with its line, and exits 75 from both commands: the servers answer it as a
 * temporary failure too, and a delivery should wait in the queue while the administrator mends the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { AppendMessage, InternalDate } from '../lib/mailbox/driver.js';
import { MailboxError, SYSTEM_FLAG_NAMES } from '../lib/mailbox/driver.js';
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir, expandControlDir } from '../lib/mailbox/control-dir.js';
import { ConfigError, formatProblem, withOverrides, type Config } from '../lib/env/config.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../lib/env/config-file.js';
import { lookupAccountByUid } from '../lib/auth/passwd.js';
import { parseFromLine } from '../lib/mailbox/mbox/from-line.js';
import { MemoryLogger, type Logger } from '../lib/env/logger.js';
import { systemClock } from '../lib/env/env.js';
import { createMailboxLocking } from '../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../lib/lock/dotlock-host.js';

/** sysexits.h: what `append` exits with. */
const EX_DATAERR = 65;
const EX_NOINPUT = 66;
const EX_CANTCREAT = 73;
const EX_TEMPFAIL = 75;
const EX_NOPERM = 77;

/**
 * The exit status of a failed `append`, for a delivery agent (Postfix's local and pipe, Exim, procmail): only
 * EX_TEMPFAIL keeps the mail queued for another try, every other code bounces it. So everything that passes is
 * 75: a full disk or quota (OVERQUOTA), a lock held too long (INUSE), I/O errors, a mailbox changed under us, and
 * anything unexpected (a bug must not bounce mail). What retrying cannot mend bounces: a mailbox that cannot be
 * created or is not a mailbox (73, EX_CANTCREAT), permission (77, EX_NOPERM), a message that cannot be stored
 * (65, EX_DATAERR: an empty one, a header over 1 MB). (67, EX_NOUSER, would say the recipient does not exist:
 * mailtool is given a path, not a user, and cannot tell.)
 */
function appendExit(e: unknown): number {
  if (!(e instanceof MailboxError)) return EX_TEMPFAIL;
  switch (e.code) {
    case 'NONEXISTENT':
    case 'NOTMAILBOX':
    case 'ALREADYEXISTS':
      return EX_CANTCREAT;
    case 'NOPERM':
    case 'HASCHILDREN':
    case 'READONLY':
      return EX_NOPERM;
    case 'LIMIT':
    case 'USEATTR':
      return EX_DATAERR;
    case 'OVERQUOTA':
    case 'INUSE':
    case 'CORRUPT':
    case 'EXPUNGED':
    case 'IO':
      return EX_TEMPFAIL;
  }
}
/** As imapd and ipop3d announce it. Given here: yargs would look for a package.json from the working directory. */
const VERSION = '2007f.ts-0.1';

/**
 * What the commands run with: the configuration the servers read (their file, then this command line's overrides)
 * and the control directory template, '' when `--control-dir ''` asked for none (a configuration file cannot).
 */
interface Settings {
  readonly config: Config;
  readonly controlDir: string;
}

/** The options that override the configuration file, as yargs gives them (absent: the file's value). */
interface OverrideOptions {
  readonly config: string | undefined;
  readonly 'lock-timeout': number | undefined;
  readonly 'journal-dir': string | undefined;
  readonly 'control-dir': string | undefined;
}

/** A configuration that cannot be used: said on stderr, and the exit status. */
class SettingsError extends Error {
  constructor(readonly problems: readonly string[], readonly exitCode: number) {
    super(problems.join('; '));
  }
}

/**
 * The configuration file (loaded as the servers load theirs: lib/env/config-file.ts's loadConfig, `-c FILE` or the
 * default file, which may be missing) with the command line's overrides, checked by the file's rules (withOverrides).
 * Throws SettingsError: 75 for the file (the servers answer a broken configuration as a temporary failure, and a
 * delivery agent keeps the mail queued on 75 while the file is mended), 2 for a bad option.
 */
function settings(argv: OverrideOptions): Settings {
  let file: Config;
  try {
    file = loadConfig(argv.config ?? null);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new SettingsError(e.problems.map((p) => `configuration: ${formatProblem(p)}`), EX_TEMPFAIL);
  }
  const none = argv['control-dir'] === '';
  try {
    const config = withOverrides(file, {
      ...(argv['lock-timeout'] !== undefined ? { lockTimeoutS: argv['lock-timeout'] } : {}),
      ...(argv['journal-dir'] !== undefined ? { journalDir: argv['journal-dir'] } : {}),
      ...(argv['control-dir'] !== undefined && !none ? { controlDir: argv['control-dir'] } : {}),
    });
    return { config, controlDir: none ? '' : config.controlDir };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The file's key names mean nothing here: name the options.
    const option = (m: string): string => m.replace(/^lock_timeout_s:/, '--lock-timeout:')
      .replace(/^journal_dir:/, '--journal-dir:').replace(/^control_dir:/, '--control-dir:');
    throw new SettingsError(e.problems.map((p) => option(p.message)), 2);
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
 * The control directory for `check`, which only reads: \Recent claims are read (and none written, as in any
 * read-only open), but a mailbox that has no UIDVALIDITY yet is shown the clock's second (UW's kind of value), rather
 * than spending a value of the user's counter on a mailbox that is not written.
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
 * expanded with the owner's passwd entry, looked up by the file's uid in passwd_file) when this process can use it,
 * else journal_dir. Recovery looks in both. The cases (control-dir.ts's module comment):
 * - run as the owner (the usual delivery): the directory is checked, made if missing, and used for everything,
 *   a new mailbox's UIDVALIDITY from its counter as the servers take it (not by `check`, `reading`: see
 *   {@link ReadingControlDir});
 * - run as root on another user's mailbox: an existing directory that passes the checks is looked in for journals
 *   to finish (they are the user's files; finishing them creates nothing), but our own go to journal_dir, so that
 *   no root-owned file is left in the user's directory, and a missing directory is not made (nor the counter:
 *   UIDVALIDITY from the clock);
 * - anyone else (a delivery agent running as another user, writing a group-writable spool file): the owner's 0700
 *   directory is out of reach, so journal_dir only, as before.
 * A mailbox not made yet belongs to us once made: as the owner.
 */
function places(path: string, { config, controlDir }: Settings, reading: boolean): Places {
  const legacy = config.journalDir;
  const me = process.getuid?.() ?? -1;
  let owner = me;
  try {
    owner = statSync(path).uid;
  } catch {
    // Not there yet: made by us.
  }
  if (controlDir === '' || (owner !== me && me !== 0)) return { journalDir: legacy };
  let account: { name: string; home: string } | undefined;
  try {
    if (owner === me) {
      const u = userInfo();
      account = { name: u.username, home: u.homedir };
    } else {
      account = lookupAccountByUid(config.passwdFile, owner);
    }
  } catch {
    account = undefined;
  }
  if (account === undefined) return { journalDir: legacy };
  // A control directory that cannot be used is a note, not a problem of the mailbox: `check` stays 0 and a
  // delivery goes on with journal_dir (a user without a home, such as nobody, has none).
  const control = new (reading ? ReadingControlDir : ControlDir)({
    path: expandControlDir(controlDir, account), uid: owner, logger: notes, create: owner === me,
  });
  const dir = control.dir();
  if (dir === null) return { journalDir: legacy };
  return owner === me ? { journalDir: dir, legacyJournalDir: legacy, control } : { journalDir: legacy, legacyJournalDir: dir };
}

function makeDriver(logger: MemoryLogger, { config }: Settings, where: Places): {
  driver: MboxDriver; registry: DotlockRegistry;
} {
  const registry = new DotlockRegistry();
  const host = dotlockHostFromProcess(process, hostname());
  const locking = createMailboxLocking({
    registry, host, timeoutMs: config.lockTimeoutS * 1000, logger, clock: systemClock,
    writeOrder: config.lockOrderWrite, readOrder: config.lockOrderRead,
  });
  let username = 'MAILER-DAEMON';
  try {
    username = userInfo().username;
  } catch {
    /* no passwd entry: keep the default */
  }
  const driver = new MboxDriver({
    env: { logger, clock: systemClock, hostname: hostname(), username },
    locking,
    journalDir: where.journalDir,
    ...(where.legacyJournalDir !== undefined ? { legacyJournalDir: where.legacyJournalDir } : {}),
    ...(where.control !== undefined ? { control: where.control } : {}),
    stepSync: config.rewriteSync === 'step',
  });
  return { driver, registry };
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

function flagNames(flags: number, keywords: readonly string[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of SYSTEM_FLAG_NAMES) if (flags & bit) out.push(name);
  return out.concat(keywords);
}

async function check(path: string, json: boolean, set: Settings): Promise<number> {
  const logger = new MemoryLogger();
  const { driver, registry } = makeDriver(logger, set, places(path, set, true));
  guardExit(registry);
  const box = await driver.open(path, { readOnly: true });
  try {
    const n = box.count();
    if (json) {
      const messages = [];
      for (let seq = 1; seq <= n; seq++) {
        const m = box.meta(seq);
        messages.push({ uid: m.uid, flags: flagNames(m.flags, m.keywords), size: m.size });
      }
      process.stdout.write(JSON.stringify({ uidvalidity: box.uidValidity, uidnext: box.uidNext(), messages }) + '\n');
    } else {
      let recent = 0;
      let unseen = 0;
      let bytes = 0;
      for (let seq = 1; seq <= n; seq++) {
        const m = box.meta(seq);
        if (m.recent) recent++;
        if (!(m.flags & 1)) unseen++;
        bytes += m.size;
      }
      process.stdout.write(
        `${path}: ${n} message${n === 1 ? '' : 's'} (${recent} recent, ${unseen} unseen), ${bytes} octets\n` +
        `UIDVALIDITY ${box.uidValidity}, next UID ${box.uidNext()}` +
        (box.keywords().length ? `, keywords: ${box.keywords().join(' ')}` : '') + '\n');
    }
    const problems = logger.lines.filter((l) => l.level === 'warning' || l.level === 'err');
    for (const p of problems) process.stderr.write(`problem: ${p.message}\n`);
    return problems.length ? 1 : 0;
  } finally {
    await box.close();
  }
}

/** One message from a file: a leading `From ` line (mbox envelope) gives the date and is not stored. */
function messageFrom(data: Buffer): AppendMessage {
  let body = data;
  let internalDate: InternalDate | undefined;
  if (data.subarray(0, 5).toString('latin1') === 'From ') {
    let e = data.indexOf(0x0a);
    if (e < 0) e = data.length;
    const d = parseFromLine(data, 0, e, (t) => systemClock.zoneAt(t));
    if (d) {
      internalDate = d;
      body = data.subarray(Math.min(data.length, e + 1));
    }
  }
  const b = body;
  return {
    body: { size: b.length, async *chunks() { yield b; } },
    flags: 0,
    keywords: [],
    ...(internalDate ? { internalDate } : {}),
  };
}

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of process.stdin) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function append(path: string, files: string[], withUids: boolean, set: Settings): Promise<number> {
  const logger = new MemoryLogger();
  const { driver, registry } = makeDriver(logger, set, places(path, set, false));
  guardExit(registry);
  let inputs: Buffer[];
  try {
    inputs = files.length ? files.map((f) => readFileSync(f)) : [await readStdin()];
  } catch (e) {
    process.stderr.write(`mailtool: cannot read the message: ${e instanceof Error ? e.message : String(e)}\n`);
    return EX_NOINPUT;
  }
  const msgs = inputs.map(messageFrom);
  for (const m of msgs) {
    if (m.body.size === 0) {
      process.stderr.write('mailtool: refusing an empty message\n');
      return EX_DATAERR;
    }
  }
  async function* it(): AsyncIterable<AppendMessage> {
    yield* msgs;
  }
  try {
    if (withUids) {
      const r = await driver.append(path, it());
      process.stdout.write(`appended UIDVALIDITY ${r.uidValidity} UIDs ${r.uids.join(',')}\n`);
    } else {
      await driver.deliver(path, it());
    }
  } catch (e) {
    process.stderr.write(`mailtool: ${e instanceof MailboxError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return appendExit(e);
  }
  return 0;
}

/** Runs a command with its {@link settings}; a configuration that cannot be used is said, and its status returned. */
async function withSettings(argv: OverrideOptions, run: (set: Settings) => Promise<number>): Promise<number> {
  let set: Settings;
  try {
    set = settings(argv);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    for (const p of e.problems) process.stderr.write(`mailtool: ${p}\n`);
    return e.exitCode;
  }
  return run(set);
}

async function main(): Promise<number> {
  let code = 0;
  await yargs(hideBin(process.argv))
    .scriptName('mailtool')
    .version(VERSION)
    .usage('$0 <command> [options]')
    .epilogue(`Settings not given as options come from the configuration file imapd and ipop3d read ` +
      `(${DEFAULT_CONFIG_FILE} unless -c names another; a missing default file means the built-in defaults): ` +
      'journal_dir, control_dir, lock_timeout_s, lock_order_write, lock_order_read, rewrite_sync, passwd_file.')
    .option('config', {
      alias: 'c', type: 'string', requiresArg: true,
      describe: `the servers' configuration file (default ${DEFAULT_CONFIG_FILE}, optional); a file named here must exist`,
    })
    .option('lock-timeout', { type: 'number', requiresArg: true, describe: 'seconds to wait for mailbox locks (default: lock_timeout_s, 60)' })
    .option('journal-dir', { type: 'string', requiresArg: true, describe: 'shared directory for journals when the control directory cannot be used, also searched for old ones (default: journal_dir, /var/tmp)' })
    .option('control-dir', {
      type: 'string',
      describe: "the mailbox owner's control directory, for journals and the UIDVALIDITY counter (%h home, %u name; " +
        "empty: none; default: control_dir, %h/.uwimap-ts)",
    })
    .command('check <path>', 'report message count, UIDVALIDITY, next UID and problems', (y) =>
      y.positional('path', { type: 'string', demandOption: true })
        .option('json', { type: 'boolean', default: false, describe: 'print {"uidvalidity","uidnext","messages"}' }),
    async (argv) => {
      code = await withSettings(argv, (set) => check(argv.path, argv.json, set));
    })
    .command('append <path> [files..]', 'append messages from files (or stdin) as a delivery agent does', (y) =>
      y.positional('path', { type: 'string', demandOption: true })
        .positional('files', { type: 'string', array: true, default: [] as string[] })
        .option('uid', { type: 'boolean', default: false, describe: 'give UIDs at once (reads the whole mailbox)' }),
    async (argv) => {
      code = await withSettings(argv, (set) => append(argv.path, argv.files ?? [], argv.uid, set));
    })
    .demandCommand(1)
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`mailtool: ${msg}\n`);
      process.exit(2);
    })
    .parseAsync();
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof MailboxError) {
      process.stderr.write(`mailtool: ${e.message}\n`);
      process.exitCode = e.code === 'INUSE' ? EX_TEMPFAIL : 1;
    } else {
      process.stderr.write(`mailtool: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
