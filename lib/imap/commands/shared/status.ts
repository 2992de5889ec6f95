/** The STATUS response (RFC 3501 §7.2.4): sent by STATUS and, after each selectable mailbox, by LIST-STATUS. */
import type { StatusAtt } from '../../../wire/parser.js';
import type { AuthenticatedContext } from '../../command.js';
import { deletedTally, mailboxSize, type MailboxStatus } from '../../../mailbox/driver.js';
import { enableCondstore } from './condstore.js';
import { mailboxName, utf8On } from './mailbox-name.js';

/**
 * Queues `* STATUS mailbox (att value ...)` for `atts` (RFC 3501 §6.3.10, HIGHESTMODSEQ of RFC 7162 §3.1.2.2, which
 * turns CONDSTORE on, APPENDLIMIT of RFC 7889, SIZE of RFC 8438, MAILBOXID of RFC 8474 §4.3, DELETED and
 * DELETED-STORAGE of RFC 9208 §4.2). The selected mailbox answers from its open index
 * (its file may hold changes not yet written; its counts as SELECT makes them, OpenMailbox.tally); any other from
 * the store, which counts sizes only for SIZE. Throws what the store throws (MailboxError) before anything is
 * queued.
 */
export async function sendStatus(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[]): Promise<void> {
  if (atts.includes('HIGHESTMODSEQ')) enableCondstore(ctx);
  writeStatus(ctx, mailbox, atts, await statusValues(ctx, mailbox, atts));
}

/**
 * The values of STATUS's items: a number for each, and MAILBOXID's objectid (RFC 8474 §4.3) when the mailbox has
 * one.
 */
export type StatusValues = Readonly<Record<Exclude<StatusAtt, 'MAILBOXID'>, number> & { MAILBOXID?: string }>;

/** The values of STATUS's items for `mailbox` (as {@link sendStatus} tells them; NOTIFY compares them). */
export async function statusValues(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[]):
  Promise<StatusValues> {
  const size = atts.includes('SIZE');
  const deleted = atts.includes('DELETED') || atts.includes('DELETED-STORAGE');
  const sel = ctx.session.selected;
  let st: MailboxStatus;
  if (sel && ctx.store.sameMailbox(sel.name, mailbox)) {
    const box = sel.box;
    const { recent, unseen } = box.tally();
    st = {
      messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity,
      highestModseq: box.highestModseq(), ...(size ? { size: mailboxSize(box) } : {}),
      ...(box.mailboxId !== undefined ? { mailboxId: box.mailboxId } : {}),
      ...(deleted ? { deleted: deletedTally(box) } : {}),
    };
  } else {
    st = await ctx.store.status(mailbox, { size, deleted });
  }
  return {
    MESSAGES: st.messages, RECENT: st.recent, UIDNEXT: st.uidNext, UIDVALIDITY: st.uidValidity, UNSEEN: st.unseen,
    // A mod-sequence-value is positive: only an empty mailbox without a file has none yet.
    HIGHESTMODSEQ: Math.max(1, st.highestModseq),
    // RFC 7889: the largest message APPEND takes here; max_literal, the same for every mailbox.
    APPENDLIMIT: ctx.session.opts.maxLiteral,
    // RFC 8438: a number64, the messages' RFC822.SIZEs added up.
    SIZE: st.size ?? 0,
    // RFC 9208 §4.2.1-2: the messages flagged \Deleted, and their RFC822.SIZEs added up (what EXPUNGE would free,
    // for the STORAGE resource: QUOTA=RES-STORAGE asks for DELETED-STORAGE, §3.1).
    DELETED: st.deleted?.count ?? 0,
    'DELETED-STORAGE': st.deleted?.size ?? 0,
    ...(st.mailboxId !== undefined ? { MAILBOXID: st.mailboxId } : {}),
  };
}

/**
 * Queues `* STATUS mailbox (att value ...)` of `value`'s items `atts`; MAILBOXID (status-att-value =/ "MAILBOXID" SP
 * "(" objectid ")", RFC 8474 §7) is left out for a mailbox that has none.
 */
export function writeStatus(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[],
  value: StatusValues): void {
  const id = value.MAILBOXID;
  const shown = id === undefined ? atts.filter((a) => a !== 'MAILBOXID') : atts;
  ctx.untagged((b) => mailboxName(b.raw('STATUS '), mailbox, utf8On(ctx)).sp().list(shown, (l, a) =>
    (a === 'MAILBOXID' ? l.raw(`MAILBOXID (${id})`) : l.raw(a).sp().number(value[a]))));
}
