// status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"  (RFC 3501 §9)
// status-att =/ "HIGHESTMODSEQ"  (RFC 7162 §7)
/**
 * STATUS (RFC 3501 §6.3.10, HIGHESTMODSEQ of RFC 7162 §3.1.2.2); the selected mailbox answers from its open index.
 */
import type { StatusAtt } from '../../wire/parser.js';
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxName } from './shared/mailbox-name.js';
import { enableCondstore } from './shared/condstore.js';

export const status = defineAuthenticatedCommand({
  name: 'STATUS', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    a.sp();
    const atts = a.statusAtts();
    a.end();
    return { mailbox, atts };
  },
  async run(ctx, args: { mailbox: string; atts: StatusAtt[] }) {
    if (args.atts.includes('HIGHESTMODSEQ')) enableCondstore(ctx);
    const sel = ctx.session.selected;
    let st;
    if (sel && ctx.store.sameMailbox(sel.name, args.mailbox)) {
      // The selected mailbox: from the open index (its file may hold changes not yet written).
      const box = sel.box;
      let recent = 0;
      let unseen = 0;
      for (let seq = 1; seq <= box.count(); seq++) {
        const m = box.meta(seq);
        if (m.recent) recent++;
        if (!(m.flags & 1)) unseen++;
      }
      st = {
        messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity,
        highestModseq: box.highestModseq(),
      };
    } else {
      st = await ctx.store.status(args.mailbox);
    }
    const value: Record<StatusAtt, number> = {
      MESSAGES: st.messages, RECENT: st.recent, UIDNEXT: st.uidNext, UIDVALIDITY: st.uidValidity, UNSEEN: st.unseen,
      // A mod-sequence-value is positive: only an empty mailbox without a file has none yet.
      HIGHESTMODSEQ: Math.max(1, st.highestModseq),
    };
    ctx.untagged((b) => mailboxName(b.raw('STATUS '), args.mailbox).sp().list(args.atts, (l, a) => l.raw(a).sp().number(value[a])));
  },
});
