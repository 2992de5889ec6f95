/**
 * mailtool's commands on one mbox file as a file: `check` (read it as a session would and say what it holds and
 * what is wrong with it) and `append` (a delivery).
 */
import { readFileSync } from 'node:fs';
import type { AppendMessage, InternalDate } from '../lib/mailbox/driver.js';
import { MailboxError, SYSTEM_FLAG_NAMES } from '../lib/mailbox/driver.js';
import { parseFromLine } from '../lib/mailbox/mbox/from-line.js';
import { systemClock } from '../lib/env/env.js';
import { problems, type Context } from './mailtool-context.js';
import { EX_DATAERR, EX_NOINPUT, EX_OK, EX_PROBLEMS, EX_USAGE, ToolError } from './mailtool-exit.js';

/** The IMAP names of a message's flags, system flags first. */
export function flagNames(flags: number, keywords: readonly string[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of SYSTEM_FLAG_NAMES) if (flags & bit) out.push(name);
  return out.concat(keywords);
}

/** What is said of a mailbox that has no UIDVALIDITY yet, in place of one. */
export const NO_UIDVALIDITY = 'UIDVALIDITY none yet (given when a session first opens the mailbox read-write)';

/** Storage's warnings that are not the command's answer (a journal finished, UID data lost): said on stderr. */
export function sayWarnings(ctx: Context): void {
  for (const p of problems(ctx.logger)) process.stderr.write(`mailtool: warning: ${p}\n`);
}

/**
 * `check`: the mailbox read as a session reads it (read-only: nothing is written, a UIDVALIDITY is not given to a
 * mailbox that has none), its counts, and every problem met while reading (a metadata header that cannot be read,
 * a UID out of order, a keyword dropped), each a `problem:` line on stderr; exit 1 when there is one.
 */
export async function check(ctx: Context, json: boolean): Promise<number> {
  const m0 = ctx.mailboxes[0];
  if (m0 === undefined) throw new ToolError('check: which mailbox?', EX_USAGE);
  const box = await ctx.driver.openMbox(m0.path, true);
  try {
    const n = box.count();
    const validity = box.uidValidityStored ? box.uidValidity : null;
    if (json) {
      const messages = [];
      for (let seq = 1; seq <= n; seq++) {
        const m = box.meta(seq);
        messages.push({ uid: m.uid, flags: flagNames(m.flags, m.keywords), size: m.size });
      }
      process.stdout.write(JSON.stringify({ uidvalidity: validity, uidnext: box.uidNext(), messages }) + '\n');
    } else {
      let recent = 0;
      let bytes = 0;
      for (let seq = 1; seq <= n; seq++) {
        const m = box.meta(seq);
        if (m.recent) recent++;
        bytes += m.size;
      }
      const unseen = box.tally().unseen;
      process.stdout.write(
        `${m0.arg}: ${n} message${n === 1 ? '' : 's'} (${recent} recent, ${unseen} unseen), ${bytes} octets\n` +
        `${validity === null ? NO_UIDVALIDITY : `UIDVALIDITY ${validity}`}, next UID ${box.uidNext()}` +
        (box.keywords().length ? `, keywords: ${box.keywords().join(' ')}` : '') + '\n');
    }
  } finally {
    await box.close();
  }
  const found = problems(ctx.logger);
  for (const p of found) process.stderr.write(`problem: ${p}\n`);
  return found.length ? EX_PROBLEMS : EX_OK;
}

/** One message read for `append`, before the privilege drop (the files are the invoking user's). */
export interface Input {
  readonly data: Buffer;
  readonly what: string;
}

/** Reads the messages to append: each file, or standard input. Throws ToolError 66 (one cannot be read), 65 (empty). */
export async function readInputs(files: readonly string[]): Promise<Input[]> {
  let inputs: Input[];
  try {
    inputs = files.length ? files.map((f) => ({ data: readFileSync(f), what: f })) : [{ data: await readStdin(), what: 'standard input' }];
  } catch (e) {
    throw new ToolError(`cannot read the message: ${e instanceof Error ? e.message : String(e)}`, EX_NOINPUT);
  }
  for (const i of inputs) if (i.data.length === 0) throw new ToolError(`refusing an empty message (${i.what})`, EX_DATAERR);
  return inputs;
}

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of process.stdin) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/**
 * The `From ` line's sender that `-f` gives: a return path as an MTA passes it (`<>` and empty are the null sender,
 * MAILER-DAEMON's; angle brackets are dropped). Throws a usage error for control characters, which would break the
 * line, and for more than 1,000 octets.
 */
export function envelopeSender(f: string): string {
  const s = f.replace(/^<(.*)>$/, '$1');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) throw new ToolError('-f: control characters in the sender', EX_USAGE);
  if (Buffer.byteLength(s) > 1000) throw new ToolError('-f: the sender is longer than 1000 octets', EX_USAGE);
  return s === '' ? 'MAILER-DAEMON' : s;
}

/**
 * One message from a file: a leading `From ` line (the mbox envelope, as formail -s leaves it) gives the date and
 * the sender, and is not stored; `sender` (-f) wins over the line's.
 */
function messageFrom(data: Buffer, sender: string | undefined): AppendMessage {
  let body = data;
  let internalDate: InternalDate | undefined;
  let lineSender: string | undefined;
  if (data.subarray(0, 5).toString('latin1') === 'From ') {
    let e = data.indexOf(0x0a);
    if (e < 0) e = data.length;
    const d = parseFromLine(data, 0, e, (t) => systemClock.zoneAt(t));
    if (d) {
      internalDate = d;
      lineSender = /^From ([^ \t]+)/.exec(data.toString('latin1', 0, e))?.[1];
      body = data.subarray(Math.min(data.length, e + 1));
    }
  }
  const b = body;
  const who = sender ?? lineSender;
  return {
    body: { size: b.length, async *chunks() { yield b; } },
    flags: 0,
    keywords: [],
    ...(internalDate ? { internalDate } : {}),
    ...(who !== undefined ? { sender: who } : {}),
  };
}

/**
 * `append`: a delivery, under the delivery locks, of every input; `withUids` gives them UIDs at once (reading the
 * whole mailbox, as IMAP APPEND) and prints them. A missing mailbox is made (its spool file by root, for the user:
 * see bin/mailtool-owner.ts). Failures are thrown as MailboxError or ToolError (the caller maps them to sysexits).
 */
export async function append(ctx: Context, inputs: readonly Input[], withUids: boolean, sender: string | undefined): Promise<number> {
  const m0 = ctx.mailboxes[0];
  if (m0 === undefined) throw new ToolError('append: which mailbox?', EX_USAGE);
  const msgs = inputs.map((i) => messageFrom(i.data, sender));
  async function* it(): AsyncIterable<AppendMessage> {
    yield* msgs;
  }
  if (withUids) {
    // As IMAP APPEND to INBOX: a missing mailbox is made first (with UW's pseudo-message, so its UIDVALIDITY holds).
    try {
      await ctx.driver.create(m0.path);
    } catch (e) {
      if (!(e instanceof MailboxError && e.code === 'ALREADYEXISTS')) throw e;
    }
    const r = await ctx.driver.append(m0.path, it());
    process.stdout.write(`appended UIDVALIDITY ${r.uidValidity} UIDs ${r.uids.join(',')}\n`);
  } else {
    await ctx.driver.deliver(m0.path, it());
  }
  sayWarnings(ctx);
  return EX_OK;
}
