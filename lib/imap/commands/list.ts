// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]  (RFC 5258 §6)
/**
 * LIST (RFC 3501 §6.3.8) with LIST-EXTENDED (RFC 5258: selection and return options, several patterns, CHILDINFO),
 * LIST-STATUS (RFC 5819), SPECIAL-USE (RFC 6154: the selection option, and the attributes) and CHILDREN's
 * attributes (RFC 3348, which the store always gives: directories `\HasChildren` or `\HasNoChildren`, mailbox files
 * `\NoInferiors`, which implies `\HasNoChildren`, RFC 5258 §4). Without options it answers as RFC 3501's LIST, with
 * the special uses of the mailboxes that have one.
 */
import type { ListReturnOpts, ListSelectOpts } from '../../wire/parser.js';
import { MailboxError } from '../../mailbox/driver.js';
import { defineAuthenticatedCommand } from '../command.js';
import { sendListEntry } from './shared/listing.js';
import { sendStatus } from './shared/status.js';

interface ListCommandArgs {
  readonly select: ListSelectOpts | null;
  readonly reference: string;
  readonly patterns: readonly string[];
  readonly ret: ListReturnOpts | null;
}

export const list = defineAuthenticatedCommand({
  name: 'LIST', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    let select: ListSelectOpts | null = null;
    if (a.lookingAt('(')) {
      select = a.listSelectOpts();
      a.sp();
    }
    const reference = a.mailbox();
    a.sp();
    const patterns = a.mboxOrPat();
    const ret = a.maybeSp() ? a.listReturnOpts() : null;
    a.end();
    return { select, reference, patterns, ret };
  },
  async run(ctx, args: ListCommandArgs) {
    const { select, ret } = args;
    const entries = await ctx.store.list(args.reference, args.patterns, {
      subscribedOnly: false,
      selectSubscribed: select?.subscribed === true,
      recursiveMatch: select?.recursiveMatch === true,
      // The SUBSCRIBED selection option implies the SUBSCRIBED return option (RFC 5258 §3.1).
      markSubscribed: ret?.subscribed === true,
      selectSpecialUse: select?.specialUse === true,
    });
    const atts = ret?.status ?? null;
    for (const e of entries) {
      // Special uses are sent whether or not RETURN (SPECIAL-USE) asked for them, as Dovecot does (RFC 6154 §2
      // allows it): clients that predate LIST-EXTENDED learn them from a plain LIST.
      sendListEntry(ctx, 'LIST', e, e.uses ?? [], e.childSubscribed === true);
      // RFC 5819 §2: a STATUS response after the LIST response of each selectable mailbox; none for \Noselect or
      // \NonExistent ones, and one whose status cannot be had is left out rather than failing the LIST.
      if (atts === null || e.attributes.includes('\\Noselect') || e.attributes.includes('\\NonExistent')) continue;
      try {
        await sendStatus(ctx, e.name, atts);
      } catch (err) {
        if (!(err instanceof MailboxError)) throw err;
      }
    }
  },
});
