/**
 * mailtool: an administrator's tool for mbox mailboxes, in the spirit of UW's mailutil and Dovecot's doveadm.
 *
 *   mailtool check MAILBOX [--json]              counts, UIDVALIDITY, next UID, problems found (read-only)
 *   mailtool append MAILBOX [FILE...]            a delivery (-f SENDER; --uid gives UIDs at once)
 *   mailtool create MAILBOX | delete MAILBOX | rename FROM TO
 *   mailtool status MAILBOX... [--json]          STATUS's counts
 *   mailtool copy|move FROM TO [SET] [--uid]     with flags and internal dates
 *   mailtool expunge MAILBOX [SET] [--uid]
 *   mailtool flags MAILBOX SET [--uid] --add F / --remove F / --replace F
 *
 * Mailboxes are paths, or with `-u USER` the names USER's IMAP sessions use; run as root, mailtool becomes the
 * mailboxes' owner (bin/mailtool-owner.ts). It reads the servers' configuration file, by their loader
 * (bin/mailtool-context.ts): `-c FILE` / `--config FILE`, else /etc/uwimap-ts.conf, which may be missing.
 *
 * Exit status: sysexits.h's codes (bin/mailtool-exit.ts): 0 success, 1 `check` found problems, 64 usage, 65 to 77
 * what went wrong (75, EX_TEMPFAIL, keeps a delivery queued: a full disk, a lock held too long, a configuration that
 * cannot be used). Every failure is one `mailtool: ...` line (or more) on stderr.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { MailboxError } from '../lib/mailbox/driver.js';
import { DEFAULT_CONFIG_FILE } from '../lib/env/config-file.js';
import { prepare, type CommonOptions, type Context, type Wanted } from './mailtool-context.js';
import { append, check, envelopeSender, readInputs, type Input } from './mailtool-mail.js';
import { copy, create, expunge, flags, parseSet, remove, rename, status, type Selection } from './mailtool-admin.js';
import {
  EX_SOFTWARE, EX_TEMPFAIL, EX_USAGE, exitFor, ToolError, usage, type MailboxRole,
} from './mailtool-exit.js';

/** As imapd and ipop3d announce it. Given here: yargs would look for a package.json from the working directory. */
const VERSION = '2007f.ts-0.1';

/** Each command's synopsis, for its usage errors. */
const SYNOPSIS: Record<string, string> = {
  check: 'check [options] MAILBOX',
  append: 'append [options] MAILBOX [FILE...]',
  create: 'create [options] MAILBOX',
  delete: 'delete [options] MAILBOX',
  rename: 'rename [options] FROM TO',
  status: 'status [options] MAILBOX...',
  copy: 'copy [options] FROM TO [SET]',
  move: 'move [options] FROM TO [SET]',
  expunge: 'expunge [options] MAILBOX [SET]',
  flags: 'flags [options] MAILBOX SET (--add FLAG | --remove FLAG | --replace FLAG)...',
};

/** A positional argument the command needs, or a usage error naming it. */
function need(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw usage(`${command}: missing ${name}\nusage: mailtool ${SYNOPSIS[command] ?? command}`);
  }
  return value;
}

/**
 * Runs one command: the context prepared (settings, the user, the driver and store), the command, and every
 * failure said on stderr and turned into the exit status (exitFor; `role` is what the first mailbox is to the
 * command; `unexpected` the status of a fault that is not a mailbox's: a delivery's is 75, so that mail is never
 * bounced for a bug).
 */
async function run(argv: CommonOptions, wanted: Wanted, role: MailboxRole, command: (ctx: Context) => Promise<number>,
  unexpected = EX_SOFTWARE): Promise<number> {
  try {
    return await command(await prepare(argv, wanted));
  } catch (e) {
    if (e instanceof ToolError || e instanceof MailboxError) process.stderr.write(`mailtool: ${e.message}\n`);
    else process.stderr.write(`mailtool: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return exitFor(e, role, unexpected);
  }
}

/** A command's optional message set (`--uid`: of UIDs). */
function selection(set: string | undefined, uid: boolean): Selection {
  return { set: set === undefined ? null : parseSet(set), uid };
}

/** What yargs says of a bad command line, said plainly (it counts positionals before it notices an unknown option). */
function plain(msg: string, args: readonly string[], commands: readonly string[]): string {
  const list = (m: string): string[] => m.slice(m.indexOf(':') + 1).split(',').map((s) => s.trim()).filter(Boolean);
  const option = (n: string): string => (n.length === 1 ? `-${n}` : `--${n}`);
  if (/^Unknown arguments?:/.test(msg)) return `unknown option ${list(msg).map(option).join(', ')}`;
  if (/^Unknown commands?:/.test(msg)) {
    const first = list(msg)[0];
    if (first !== undefined && !args.some((a) => commands.includes(a))) {
      return `unknown command "${first}" (commands: ${commands.join(', ')})`;
    }
    return `unexpected argument${list(msg).length > 1 ? 's' : ''} ${list(msg).map((a) => `"${a}"`).join(', ')}`;
  }
  const following = /^Not enough arguments following: (.*)$/.exec(msg);
  if (following) return `option ${option(following[1] ?? '')} needs a value`;
  return msg;
}

async function main(): Promise<number> {
  const args = hideBin(process.argv);
  let code = 0;
  const global = (y: Argv) => y
    .option('config', {
      alias: 'c', type: 'string', requiresArg: true,
      describe: `the servers' configuration file (default ${DEFAULT_CONFIG_FILE}, optional); a file named here must exist`,
    })
    .option('user', {
      alias: 'u', type: 'string', requiresArg: true,
      describe: "mailboxes are this user's names (INBOX, folders under the home), as imapd resolves them; root acts as the user",
    })
    .option('lock-timeout', { type: 'string', requiresArg: true, describe: 'seconds to wait for mailbox locks (default: lock_timeout_s, 60)' })
    .option('journal-dir', { type: 'string', requiresArg: true, describe: 'shared directory for journals when the control directory cannot be used, also searched for old ones (default: journal_dir, /var/tmp)' })
    .option('control-dir', {
      type: 'string',
      describe: "the mailbox owner's control directory, for journals and the UIDVALIDITY counter (%h home, %u name; " +
        "empty: none; default: control_dir, %h/.uwimap-ts)",
    });
  const str = { type: 'string' } as const;
  const json = { type: 'boolean', default: false, describe: 'print JSON (one object a line)' } as const;
  const uidSet = { type: 'boolean', default: false, describe: 'SET names UIDs, not message numbers' } as const;
  const base = global(yargs(args));
  const copyArgs = (y: typeof base) => y.positional('from', str).positional('to', str).positional('set', str)
    .option('uid', uidSet).option('json', { ...json, describe: 'print {"created","uidvalidity","source_uids","uids"}' });
  const copyOrMove = (a: CommonOptions & { from?: string; to?: string; set?: string; uid: boolean; json: boolean },
    move: boolean): Promise<number> => {
    const cmd = move ? 'move' : 'copy';
    const from = need(cmd, 'FROM', a.from);
    const to = need(cmd, 'TO', a.to);
    const sel = selection(a.set, a.uid);
    return run(a, { mailboxes: [from, to], reading: false, creates: [1] }, 'read', (ctx) => copy(ctx, sel, move, a.json));
  };
  const cli = base
    .scriptName('mailtool')
    .version(VERSION)
    .usage('$0 <command> [options]')
    .epilogue('MAILBOX is a path, or with -u USER one of USER\'s mailbox names. SET is an IMAP message set (1:3,7,9:*). ' +
      `Settings not given as options come from the configuration file imapd and ipop3d read (${DEFAULT_CONFIG_FILE} ` +
      'unless -c names another; a missing default file means the built-in defaults). See mailtool(8).')
    .command('check [mailbox]', 'report message count, UIDVALIDITY, next UID and problems (read-only)',
      (y) => y.positional('mailbox', str).option('json', { ...json, describe: 'print {"uidvalidity","uidnext","messages"}' }),
      async (a) => {
        const box = need('check', 'MAILBOX', a.mailbox);
        code = await run(a, { mailboxes: [box], reading: true }, 'read', (ctx) => check(ctx, a.json));
      })
    .command('append [mailbox] [files..]', 'append messages from files (or stdin) as a delivery agent does', (y) => y
      .positional('mailbox', str)
      .positional('files', { type: 'string', array: true, default: [] as string[] })
      .option('uid', { type: 'boolean', default: false, describe: 'give UIDs at once (reads the whole mailbox)' })
      .option('from', { alias: 'f', type: 'string', requiresArg: true, describe: "the envelope sender for the From_ line (default: a file's own From_ line, else the user)" }),
    async (a) => {
      const box = need('append', 'MAILBOX', a.mailbox);
      let inputs: Input[] = [];
      code = await run(a, {
        mailboxes: [box], reading: false, creates: [0],
        beforeDrop: async () => {
          inputs = await readInputs(a.files ?? []);
        },
      }, 'write', (ctx) => append(ctx, inputs, a.uid, a.from === undefined ? undefined : envelopeSender(a.from)), EX_TEMPFAIL);
    })
    .command('create [mailbox]', 'create a mailbox (a directory when it ends with /)', (y) => y.positional('mailbox', str), async (a) => {
      const box = need('create', 'MAILBOX', a.mailbox);
      code = await run(a, { mailboxes: [box], reading: false, creates: [0] }, 'write', create);
    })
    .command('delete [mailbox]', 'delete a mailbox (a directory only when empty; never INBOX)', (y) => y.positional('mailbox', str), async (a) => {
      const box = need('delete', 'MAILBOX', a.mailbox);
      code = await run(a, { mailboxes: [box], reading: false }, 'read', remove);
    })
    .command('rename [from] [to]', "rename a mailbox (INBOX: its messages move, it stays)", (y) => y.positional('from', str).positional('to', str), async (a) => {
      const from = need('rename', 'FROM', a.from);
      const to = need('rename', 'TO', a.to);
      code = await run(a, { mailboxes: [from, to], reading: false }, 'read', rename);
    })
    .command('status [mailboxes..]', "STATUS's counts: messages, recent, unseen, next UID, UIDVALIDITY, size",
      (y) => y.positional('mailboxes', { type: 'string', array: true, default: [] as string[] }).option('json', json),
      async (a) => {
        const boxes = a.mailboxes ?? [];
        need('status', 'MAILBOX', boxes[0]);
        code = await run(a, { mailboxes: boxes, reading: true }, 'read', (ctx) => status(ctx, a.json));
      })
    .command('copy [from] [to] [set]', 'copy messages (all, or SET) with their flags and internal dates', copyArgs,
      async (a) => {
        code = await copyOrMove(a, false);
      })
    .command('move [from] [to] [set]', 'move messages: copied, then gone from FROM in the same step', copyArgs,
      async (a) => {
        code = await copyOrMove(a, true);
      })
    .command('expunge [mailbox] [set]', 'remove the messages flagged \\Deleted (only those in SET if given)',
      (y) => y.positional('mailbox', str).positional('set', str).option('uid', uidSet).option('json', json),
      async (a) => {
        const box = need('expunge', 'MAILBOX', a.mailbox);
        const sel = selection(a.set, a.uid);
        code = await run(a, { mailboxes: [box], reading: false }, 'read', (ctx) => expunge(ctx, sel, a.json));
      })
    .command('flags [mailbox] [set]', 'add, remove or replace flags of messages', (y) => y
      .positional('mailbox', str).positional('set', str)
      .option('uid', uidSet)
      .option('add', { type: 'string', array: true, requiresArg: true, describe: 'flags to add (\\Seen, \\Flagged, ..., keywords)' })
      .option('remove', { type: 'string', array: true, requiresArg: true, describe: 'flags to remove' })
      .option('replace', { type: 'string', array: true, describe: 'the flags the messages are to have, all others removed' })
      .option('json', { ...json, describe: 'print the messages\' flags afterwards' }),
    async (a) => {
      const box = need('flags', 'MAILBOX', a.mailbox);
      const set = need('flags', 'SET', a.set);
      const sel = selection(set, a.uid);
      code = await run(a, { mailboxes: [box], reading: false }, 'read',
        (ctx) => flags(ctx, sel, { add: a.add ?? [], remove: a.remove ?? [], replace: a.replace ?? null }, a.json));
    })
    .demandCommand(1, 'no command given')
    .strict()
    .strictCommands()
    .help();
  const commands = Object.keys(SYNOPSIS);
  cli.fail((msg: string | null, err: Error | null) => {
    // yargs's own complaints come as YErrors (or as a message alone); anything else is a fault of ours.
    if (err && !(err instanceof ToolError) && err.name !== 'YError') throw err;
    const said = msg ?? err?.message ?? '';
    const text = err instanceof ToolError ? err.message : said === 'no command given' ?
      `no command given (commands: ${commands.join(', ')})` : plain(said, args, commands);
    process.stderr.write(`mailtool: ${text}\nTry 'mailtool --help' for more information.\n`);
    process.exit(EX_USAGE);
  });
  await cli.parseAsync();
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mailtool: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = EX_SOFTWARE;
  },
);
