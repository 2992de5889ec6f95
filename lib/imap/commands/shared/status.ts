/** The STATUS response (RFC 3501 §7.2.4): sent by STATUS and, after each selectable mailbox, by LIST-STATUS. */
import type { StatusAtt } from '../../../wire/parser.js';
import type { AuthenticatedContext } from '../../command.js';
import { mailboxSize, type MailboxStatus } from '../../../mailbox/driver.js';
import { enableCondstore } from './condstore.js';
import { mailboxName, utf8On } from './mailbox-name.js';

/**
 * Queues `* STATUS mailbox (att value ...)` for `atts` (RFC 3501 §6.3.10, HIGHESTMODSEQ of RFC 7162 §3.1.2.2, which
 * turns CONDSTORE on, APPENDLIMIT of RFC 7889, SIZE of RFC 8438). The selected mailbox answers from its open index
 * (its file may hold changes not yet written; its counts as SELECT makes them, OpenMailbox.tally); any other from
 * the store, which counts sizes only for SIZE. Throws what the store throws (MailboxError) before anything is
 * queued.
 */
export async function sendStatus(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[]): Promise<void> {
  if (atts.includes('HIGHESTMODSEQ')) enableCondstore(ctx);
  writeStatus(ctx, mailbox, atts, await statusValues(ctx, mailbox, atts));
}

/** The values of STATUS's items for `mailbox` (as {@link sendStatus} tells them; NOTIFY compares them). */
export async function statusValues(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[]):
  Promise<Record<StatusAtt, number>> {
  const size = atts.includes('SIZE');
  const sel = ctx.session.selected;
  let st: MailboxStatus;
  if (sel && ctx.store.sameMailbox(sel.name, mailbox)) {
    const box = sel.box;
    const { recent, unseen } = box.tally();
    st = {
      messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity,
      highestModseq: box.highestModseq(), ...(size ? { size: mailboxSize(box) } : {}),
    };
  } else {
    st = await ctx.store.status(mailbox, { size });
  }
  return {
    MESSAGES: st.messages, RECENT: st.recent, UIDNEXT: st.uidNext, UIDVALIDITY: st.uidValidity, UNSEEN: st.unseen,
    // A mod-sequence-value is positive: only an empty mailbox without a file has none yet.
    HIGHESTMODSEQ: Math.max(1, st.highestModseq),
    // RFC 7889: the largest message APPEND takes here; max_literal, the same for every mailbox.
    APPENDLIMIT: ctx.session.opts.maxLiteral,
    // RFC 8438: a number64, the messages' RFC822.SIZEs added up.
    SIZE: st.size ?? 0,
  };
}

/** Queues `* STATUS mailbox (att value ...)` of `value`'s items `atts`. */
export function writeStatus(ctx: AuthenticatedContext, mailbox: string, atts: readonly StatusAtt[],
  value: Readonly<Record<StatusAtt, number>>): void {
  ctx.untagged((b) => mailboxName(b.raw('STATUS '), mailbox, utf8On(ctx)).sp()
    .list(atts, (l, a) => l.raw(a).sp().number(value[a])));
}
