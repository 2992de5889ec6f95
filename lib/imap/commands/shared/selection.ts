/**
 * Selecting and leaving a mailbox: SELECT and EXAMINE open one (RFC 3501 §6.3.1-2), CLOSE and UNSELECT leave it
 * (§6.4.2, RFC 3691), DELETE and RENAME leave it first when they remove it.
 */
import type { ArgCursor, QresyncParam } from '../../../wire/parser.js';
import { highestModseq, mailboxFlags, okResponse, permanentFlags } from '../../responses.js';
import type { AuthenticatedContext, SelectedContext } from '../../command.js';
import { bad } from '../../errors.js';
import { condstoreOn } from './condstore.js';
import { sendMailboxEntry } from './listing.js';
import { resynchronize } from './qresync.js';

/** ` SP mailbox` and the end of the command: the arguments of CREATE, DELETE, (UN)SUBSCRIBE. */
export const mailboxArg = (a: ArgCursor): string => {
  a.sp();
  const name = a.mailbox();
  a.end();
  return name;
};

/** The arguments of SELECT and EXAMINE: the mailbox, whether the CONDSTORE parameter was given, QRESYNC's. */
export interface SelectArgs {
  readonly name: string;
  readonly condstore: boolean;
  readonly qresync: QresyncParam | null;
}

/** ` SP mailbox [SP "(" select-param *(SP select-param) ")"]` and the end of the command (RFC 4466 §2.1). */
export const selectArgs = (a: ArgCursor): SelectArgs => {
  a.sp();
  const name = a.mailbox();
  const params = a.maybeSp() ? a.selectParams() : { condstore: false, qresync: null };
  a.end();
  return { name, ...params };
};

/**
 * SELECT (or, readOnly, EXAMINE): closes what was selected, opens, and sends what RFC 3501 §6.3.1 asks (RFC 9051
 * §6.3.2 in an IMAP4rev2 session), and once
 * CONDSTORE is on (the parameter turns it on: RFC 7162 §3.1), the mailbox's HIGHESTMODSEQ (§3.1.2.1), and what a
 * QRESYNC parameter asks after it (§3.2.5).
 */
export async function openMailbox(ctx: AuthenticatedContext, args: SelectArgs, readOnly: boolean): Promise<void> {
  const name = args.name;
  // Refused before anything is closed: a BAD did nothing (RFC 7162 §3.2.5).
  if (args.qresync && !ctx.session.enabled.has('QRESYNC')) throw bad('QRESYNC parameter without ENABLE QRESYNC');
  if (args.condstore) ctx.enable('CONDSTORE');
  // Selecting another mailbox closes this one without expunging (RFC 3501 §6.3.1), whatever happens next: a SELECT
  // that fails leaves no mailbox selected. Flag changes are on disk already (STORE writes through); what close
  // may fail to write on a full disk is only a \Seen set by FETCH and which messages were \Recent.
  const old = ctx.unselect();
  if (old) {
    try {
      await old.box.close();
    } catch (e) {
      ctx.session.opts.logger.log('warning', `${old.name}: closed without writing its last changes: ${String(e)}`);
    }
    ctx.untagged((b) => okResponse(b, 'CLOSED', 'Previous mailbox closed'));
  }
  const box = await ctx.store.open(name, readOnly);
  ctx.select({ name, box, readOnly: box.readOnly, structures: new Map(), saved: null, contexts: new Map() });
  box.takeUpdates(true);
  const kw = box.keywords();
  ctx.untagged((b) => mailboxFlags(b, kw));
  ctx.untagged((b) => (box.readOnly ? permanentFlags(b, null, 'No permanent flags permitted')
    : permanentFlags(b, kw, 'Permanent flags')));
  // RFC 9051 §6.3.2: "The server MUST return a LIST response with the mailbox name", its attributes accurate; no
  // RECENT response and no UNSEEN code (neither is in IMAP4rev2, Appendix E).
  const rev2 = ctx.session.rev2;
  if (rev2) await sendMailboxEntry(ctx, name);
  ctx.untagged((b) => b.number(box.count()).raw(' EXISTS'));
  const { recent, firstUnseen: unseen } = box.tally();
  if (!rev2) ctx.untagged((b) => b.number(recent).raw(' RECENT'));
  if (unseen && !rev2) ctx.untagged((b) => b.raw('OK [UNSEEN ').number(unseen).raw('] First unseen message'));
  ctx.untagged((b) => b.raw('OK [UIDVALIDITY ').number(box.uidValidity).raw('] UID validity status'));
  ctx.untagged((b) => b.raw('OK [UIDNEXT ').number(box.uidNext()).raw('] Predicted next UID'));
  // RFC 8474 §4.2: "MUST return an untagged OK response with the MAILBOXID response code on all successful SELECT
  // and EXAMINE commands".
  const id = box.mailboxId;
  if (id !== undefined) ctx.untagged((b) => b.raw(`OK [MAILBOXID (${id})] Ok`));
  if (condstoreOn(ctx)) ctx.untagged((b) => okResponse(b, (c) => highestModseq(c, box), 'Highest'));
  if (args.qresync) resynchronize(ctx, box, args.qresync);
  ctx.okWith(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, (b) => b.raw(box.readOnly ? 'READ-ONLY' : 'READ-WRITE'));
}

/**
 * CLOSE and UNSELECT. Everything pending is written first (CLOSE: with the expunge); if that fails (a full disk:
 * NO [OVERQUOTA]) the mailbox stays selected with nothing lost, and the client may try again once there is room.
 * Then the mailbox is closed, which has nothing left to write and cannot fail.
 */
export async function closeSelected(ctx: SelectedContext, expunge: boolean): Promise<void> {
  const sel = ctx.selected;
  if (!sel.readOnly) {
    // CLOSE expunges silently: no untagged EXPUNGE responses (RFC 3501 §6.4.2).
    if (expunge) await sel.box.expunge();
    else await sel.box.checkpoint();
  }
  ctx.unselect();
  try {
    await sel.box.close();
  } catch (e) {
    ctx.session.opts.logger.log('warning', `${sel.name}: closed without writing its last changes: ${String(e)}`);
  }
}

/**
 * Before this session deletes or renames `mailbox`: when it is the selected mailbox or holds it (a parent),
 * the selection ends first (its pending changes written), and the client is told with `* OK [CLOSED]` (RFC 7162
 * §3.2.11) that it is back in the authenticated state. Another session that has it selected notices at its next
 * look and says BYE (RFC 2180 §3.3; ImapSession.reportUpdates).
 */
export async function leaveIfSelected(ctx: AuthenticatedContext, mailbox: string): Promise<void> {
  const sel = ctx.session.selected;
  const store = ctx.store;
  if (!sel) return;
  const holds = store.sameMailbox(sel.name, mailbox) ||
    (sel.name.length > mailbox.length && sel.name[mailbox.length] === '/' &&
      store.sameMailbox(sel.name.slice(0, mailbox.length), mailbox));
  if (!holds) return;
  ctx.unselect();
  ctx.untagged((b) => okResponse(b, 'CLOSED', 'Selected mailbox closed'));
  await sel.box.close();
}
