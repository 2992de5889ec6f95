/**
 * mailtool's commands on mailboxes as a user's sessions see them, through the mail store an IMAP session of the
 * user has (bin/user-store.ts: UW's names and rules over the mbox driver, the same locks): `create`, `delete`,
 * `rename`, `status`, `copy`, `move`, `expunge` and `flags`. Each is what the IMAP command of that name does, so
 * nothing of the storage is done twice here: the store creates, deletes, renames and appends (a MOVE all or
 * nothing, whatever is killed when), the open mailbox changes flags and expunges with its journaled rewrite.
 */
import { existsSync } from 'node:fs';
import type { AppendMessage, MailboxStatus, OpenMailbox } from '../lib/mailbox/driver.js';
import type { MboxMailbox } from '../lib/mailbox/mbox/mbox-driver.js';
import { Flag, MailboxError } from '../lib/mailbox/driver.js';
import { SequenceSet, type SeqRange } from '../lib/values/sequence.js';
import { isAtomChar } from '../lib/wire/chars.js';
import type { Context, Mailbox } from './mailtool-context.js';
import { flagNames, NO_UIDVALIDITY, sayWarnings } from './mailtool-mail.js';
import { EX_DATAERR, EX_OK, EX_USAGE, exitFor, ToolError } from './mailtool-exit.js';

function mailboxAt(ctx: Context, i: number, what: string): Mailbox {
  const m = ctx.mailboxes[i];
  if (m === undefined) throw new ToolError(`${what}: which mailbox?`, EX_USAGE);
  return m;
}

/** A missing mailbox to read: the store would make a missing INBOX (as a session's SELECT does), we say it. */
function mustExist(m: Mailbox): void {
  if (m.inbox && !existsSync(m.path)) throw new MailboxError('NONEXISTENT', `${m.arg}: no such mailbox (no mail delivered yet)`);
}

/**
 * Opens a mailbox to work on, through the driver a session's store opens it with (same locks, same recovery of
 * interrupted writes), but without claiming its messages' \Recent: an administrator's command is not a session,
 * and the user's next session must still see their new mail as new.
 */
async function openBox(ctx: Context, m: Mailbox, readOnly: boolean): Promise<MboxMailbox> {
  mustExist(m);
  if (m.dir) throw new MailboxError('NOTMAILBOX', `${m.arg}: a directory name, not a mailbox`);
  return ctx.driver.openMbox(m.path, readOnly, false);
}

/**
 * `create`: a mailbox (a directory when the name ends with `/`), made as CREATE makes it, with UW's pseudo-message
 * so that its UIDVALIDITY holds from the start. INBOX (the spool file): made when missing, by root for the user
 * (bin/mailtool-owner.ts) or by the user where they can; ALREADYEXISTS when it is there.
 */
export async function create(ctx: Context): Promise<number> {
  const m = mailboxAt(ctx, 0, 'create');
  if (!m.inbox) {
    await ctx.store.create(m.name);
  } else if (!ctx.created.has(0)) {
    if (existsSync(m.path)) throw new MailboxError('ALREADYEXISTS', `${m.arg}: mailbox already exists`);
    await ctx.driver.create(m.path);
  }
  sayWarnings(ctx);
  return EX_OK;
}

/** `delete`: as DELETE (INBOX is refused; a directory only when empty). */
export async function remove(ctx: Context): Promise<number> {
  await ctx.store.delete(mailboxAt(ctx, 0, 'delete').name);
  return EX_OK;
}

/**
 * `rename`: as RENAME (the target must not exist; its missing directories are made); INBOX's messages move to the
 * new mailbox and INBOX stays, empty (RFC 3501 §6.3.5).
 */
export async function rename(ctx: Context): Promise<number> {
  const from = mailboxAt(ctx, 0, 'rename');
  const to = mailboxAt(ctx, 1, 'rename');
  mustExist(from);
  await ctx.store.rename(from.name, to.name);
  sayWarnings(ctx);
  return EX_OK;
}

/** What `status --json` prints of one mailbox. */
function statusJson(m: Mailbox, s: MailboxStatus): object {
  return {
    mailbox: m.arg, messages: s.messages, recent: s.recent, unseen: s.unseen, uidnext: s.uidNext,
    uidvalidity: s.uidValidityUnset ? null : s.uidValidity, highestmodseq: s.uidValidityUnset ? null : s.highestModseq,
    size: s.size ?? 0,
    deleted: s.deleted?.count ?? 0, deleted_size: s.deleted?.size ?? 0,
  };
}

function statusText(m: Mailbox, s: MailboxStatus): string {
  const n = s.messages;
  const deleted = s.deleted?.count ?? 0;
  return `${m.arg}: ${n} message${n === 1 ? '' : 's'} (${s.recent} recent, ${s.unseen} unseen), ${s.size ?? 0} octets` +
    (deleted ? `, ${deleted} deleted (${s.deleted?.size ?? 0} octets)` : '') + '\n' +
    // Without a UIDVALIDITY the mailbox keeps no MODSEQ counter either: the number would change at each look.
    (s.uidValidityUnset ? `${NO_UIDVALIDITY}, next UID ${s.uidNext}\n` :
      `UIDVALIDITY ${s.uidValidity}, next UID ${s.uidNext}, HIGHESTMODSEQ ${s.highestModseq}\n`);
}

/**
 * `status`: STATUS's counts of each mailbox (messages, recent, unseen, next UID, UIDVALIDITY, HIGHESTMODSEQ, size,
 * deleted), read-only. A mailbox that fails is said and the others still go; the status is the last failure's.
 */
export async function status(ctx: Context, json: boolean): Promise<number> {
  if (ctx.mailboxes.length === 0) throw new ToolError('status: which mailbox?', EX_USAGE);
  let code = EX_OK;
  for (const m of ctx.mailboxes) {
    try {
      mustExist(m);
      const s = await ctx.store.status(m.name, { size: true, deleted: true });
      process.stdout.write(json ? JSON.stringify(statusJson(m, s)) + '\n' : statusText(m, s));
    } catch (e) {
      process.stderr.write(`mailtool: ${m.arg}: ${e instanceof Error ? e.message : String(e)}\n`);
      code = exitFor(e, 'read');
    }
  }
  sayWarnings(ctx);
  return code;
}

const SEQ_NUMBER = /^(?:[1-9][0-9]{0,9}|\*)$/;

/** An IMAP sequence set as written on the command line (`1:3,7,9:*`). Throws a usage error for anything else. */
export function parseSet(text: string): SequenceSet {
  const items: SeqRange[] = [];
  for (const part of text.split(',')) {
    const ends = part.split(':');
    if (ends.length > 2 || !ends.every((e) => SEQ_NUMBER.test(e))) {
      throw new ToolError(`not a message set: ${JSON.stringify(text)} (numbers, ranges a:b and * between commas)`, EX_USAGE);
    }
    const n = ends.map((e) => (e === '*' ? '*' : Number(e)));
    items.push({ first: n[0] ?? '*', last: n[1] ?? n[0] ?? '*' });
  }
  try {
    return SequenceSet.of(items);
  } catch {
    throw new ToolError(`not a message set: ${JSON.stringify(text)} (numbers go from 1 to 4294967295)`, EX_USAGE);
  }
}

/**
 * The messages a set names (message numbers; with `uid`, UIDs, those that do not exist skipped), ascending. A
 * message number above the count is an error (IMAP answers it BAD; 65 here), as it is in an empty mailbox.
 */
function selected(box: OpenMailbox, set: SequenceSet | null, uid: boolean): number[] {
  const n = box.count();
  const out: number[] = [];
  if (set === null) {
    for (let q = 1; q <= n; q++) out.push(q);
    return out;
  }
  if (!uid) {
    if (n === 0 || set.exceeds(n)) {
      throw new ToolError(`no message ${set.toString()} (the mailbox has ${n} message${n === 1 ? '' : 's'})`, EX_DATAERR);
    }
    for (const q of set.numbers(n)) out.push(q);
    return out;
  }
  const uids = box.uids();
  const maxUid = n ? (uids[n - 1] ?? 0) : 0;
  const has = set.matcher(maxUid);
  for (let q = 1; q <= n; q++) if (has(uids[q - 1] ?? 0)) out.push(q);
  return out;
}

/** A set for messages: `1:3` for [1, 2, 3]; '' when there is none. */
function setText(ns: readonly number[]): string {
  return SequenceSet.fromNumbers(ns)?.toString() ?? '';
}

/** Where a command's messages are: a message set, by UID or number, or all of them (null). */
export interface Selection {
  readonly set: SequenceSet | null;
  readonly uid: boolean;
}

/**
 * `copy` and `move`: the messages selected in the first mailbox, with their flags, keywords and internal dates,
 * appended to the second as COPY and MOVE append them (a move all or nothing: the messages leave the source in the
 * step that commits the copies). A missing destination is made first, as UW's `mailutil copy` makes it.
 */
export async function copy(ctx: Context, sel: Selection, move: boolean, json: boolean): Promise<number> {
  const what = move ? 'move' : 'copy';
  const src = mailboxAt(ctx, 0, what);
  const dst = mailboxAt(ctx, 1, what);
  const same = ctx.store.sameMailbox(src.name, dst.name);
  if (same && move) throw new ToolError(`${what}: ${src.arg} and ${dst.arg} are the same mailbox`, EX_USAGE);
  let made = false;
  if (!dst.inbox && !existsSync(dst.path)) {
    await ctx.store.create(dst.name);
    made = true;
  }
  const box = await openBox(ctx, src, !(move || same));
  let result: { uidValidity: number; from: number[]; uids: number[] };
  try {
    const seqs = selected(box, sel.set, sel.uid);
    const from = seqs.map((q) => box.meta(q).uid);
    async function* msgs(): AsyncIterable<AppendMessage> {
      for (const q of seqs) {
        const m = box.meta(q);
        yield { body: box.message(q), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
      }
    }
    if (seqs.length === 0) {
      result = { uidValidity: box.uidValidity, from, uids: [] };
    } else if (same) {
      // Into the mailbox itself: through the open mailbox, which reads the messages under the lock it holds for the
      // append (a second open of it would wait for that lock), as COPY into the selected mailbox does.
      const uids = await box.append(ctx.store.withinQuota(dst.name, msgs()));
      result = { uidValidity: box.uidValidity, from, uids };
    } else {
      const r = await ctx.store.append(dst.name, msgs(), move ? { moveFrom: { box, uids: from } } : undefined);
      result = { uidValidity: r.uidValidity, from, uids: r.uids };
    }
  } finally {
    await box.close();
  }
  const n = result.from.length;
  if (json) {
    process.stdout.write(JSON.stringify({ created: made, uidvalidity: result.uidValidity, source_uids: result.from, uids: result.uids }) + '\n');
  } else {
    process.stdout.write(`${move ? 'moved' : 'copied'} ${n} message${n === 1 ? '' : 's'} from ${src.arg} to ${dst.arg}` +
      (made ? ' (created)' : '') +
      (n ? `: UIDs ${setText(result.from)} are ${setText(result.uids)} there (UIDVALIDITY ${result.uidValidity})` : '') + '\n');
  }
  sayWarnings(ctx);
  return EX_OK;
}

/** `expunge`: as EXPUNGE (UID EXPUNGE with a set): the messages flagged \Deleted leave the mailbox. */
export async function expunge(ctx: Context, sel: Selection, json: boolean): Promise<number> {
  const m = mailboxAt(ctx, 0, 'expunge');
  const box = await openBox(ctx, m, false);
  let gone: number[];
  try {
    const uids = sel.set === null ? undefined : new Set(selected(box, sel.set, sel.uid).map((q) => box.meta(q).uid));
    gone = uids !== undefined && uids.size === 0 ? [] : await box.expunge(uids);
  } finally {
    await box.close();
  }
  if (json) process.stdout.write(JSON.stringify({ expunged: gone }) + '\n');
  else process.stdout.write(`expunged ${gone.length} message${gone.length === 1 ? '' : 's'} from ${m.arg}${gone.length ? ` (UIDs ${setText(gone)})` : ''}\n`);
  sayWarnings(ctx);
  return EX_OK;
}

const SYSTEM_FLAGS: Record<string, number> = {
  '\\SEEN': Flag.Seen, '\\ANSWERED': Flag.Answered, '\\FLAGGED': Flag.Flagged, '\\DELETED': Flag.Deleted,
  '\\DRAFT': Flag.Draft,
};

/**
 * Flags as given on the command line: system flags (`\Seen`, any case) and keywords (IMAP atoms). Throws a usage
 * error for `\Recent` (no session stores it, RFC 3501 §2.3.2), another name starting with `\`, or a keyword that is
 * not an atom.
 */
export function parseFlags(list: readonly string[]): { bits: number; keywords: string[] } {
  let bits = 0;
  const keywords: string[] = [];
  for (const f of list.flatMap((l) => l.split(/[\s,]+/)).filter((f) => f !== '')) {
    const b = SYSTEM_FLAGS[f.toUpperCase()];
    if (b !== undefined) bits |= b;
    else if (f.startsWith('\\')) throw new ToolError(`${f}: not a flag that can be set (\\Seen \\Answered \\Flagged \\Deleted \\Draft, or a keyword)`, EX_USAGE);
    else if (![...Buffer.from(f, 'utf8')].every(isAtomChar)) throw new ToolError(`${JSON.stringify(f)}: a keyword is an IMAP atom (no spaces, ()[]{}%*"\\)`, EX_USAGE);
    else keywords.push(f);
  }
  return { bits, keywords };
}

/** What `flags` does: flags to add, to remove, or the list that replaces them all (STORE's +FLAGS, -FLAGS, FLAGS). */
export interface FlagChange {
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly replace: readonly string[] | null;
}

/** `flags`: as STORE on the selected messages; the flags they then have are printed with --json. */
export async function flags(ctx: Context, sel: Selection, change: FlagChange, json: boolean): Promise<number> {
  const m = mailboxAt(ctx, 0, 'flags');
  const add = parseFlags(change.add);
  const remove = parseFlags(change.remove);
  const replace = change.replace === null ? null : parseFlags(change.replace);
  if (replace === null && change.add.length === 0 && change.remove.length === 0) {
    throw new ToolError('flags: nothing to do (give --add, --remove or --replace)', EX_USAGE);
  }
  if (replace !== null && (change.add.length || change.remove.length)) {
    throw new ToolError('flags: --replace sets every flag; it goes without --add and --remove', EX_USAGE);
  }
  const box = await openBox(ctx, m, false);
  let shown: { uid: number; flags: string[] }[];
  try {
    const seqs = selected(box, sel.set, sel.uid);
    if (seqs.length) {
      if (replace !== null) box.setFlags(seqs, 'replace', replace.bits, replace.keywords);
      if (add.bits || add.keywords.length) box.setFlags(seqs, 'add', add.bits, add.keywords);
      if (remove.bits || remove.keywords.length) box.setFlags(seqs, 'remove', remove.bits, remove.keywords);
      await box.checkpoint();
    }
    shown = seqs.map((q) => {
      const meta = box.meta(q);
      return { uid: meta.uid, flags: flagNames(meta.flags, meta.keywords) };
    });
  } finally {
    await box.close();
  }
  if (json) process.stdout.write(JSON.stringify({ messages: shown }) + '\n');
  else process.stdout.write(`flags changed on ${shown.length} message${shown.length === 1 ? '' : 's'} in ${m.arg}\n`);
  sayWarnings(ctx);
  return EX_OK;
}
