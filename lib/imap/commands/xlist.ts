// xlist = "XLIST" SP mailbox SP list-mailbox  (Google's XLIST, before RFC 6154; RFC 3501 §9's list otherwise)
/**
 * XLIST: LIST as Gmail answered it for clients that predate RFC 6154 (old Outlook and Apple Mail): `* XLIST`
 * responses whose attributes add the special uses under XLIST's names (`\AllMail`, `\Spam` and `\Starred` for
 * RFC 6154's `\All`, `\Junk` and `\Flagged`; the others as RFC 6154 spells them) and `\Inbox` on INBOX.
 */
import type { SpecialUse } from '../../values/special-use.js';
import { defineAuthenticatedCommand } from '../command.js';
import { listArgs, sendListEntry, type ListArgs } from './shared/listing.js';

const XLIST_NAME: Readonly<Record<SpecialUse, string>> = {
  '\\All': '\\AllMail', '\\Archive': '\\Archive', '\\Drafts': '\\Drafts', '\\Flagged': '\\Starred',
  '\\Junk': '\\Spam', '\\Sent': '\\Sent', '\\Trash': '\\Trash',
};

export const xlist = defineAuthenticatedCommand({
  name: 'XLIST', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: listArgs,
  async run(ctx, args: ListArgs) {
    for (const e of await ctx.store.list(args.reference, args.pattern, { subscribedOnly: false })) {
      const extra = (e.uses ?? []).map((u) => XLIST_NAME[u]);
      sendListEntry(ctx, 'XLIST', e, e.name === 'INBOX' ? [...extra, '\\Inbox'] : extra);
    }
  },
});
