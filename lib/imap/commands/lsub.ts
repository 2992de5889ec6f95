// lsub = "LSUB" SP mailbox SP list-mailbox  (RFC 3501 §9)
/** LSUB (RFC 3501 §6.3.9): the subscribed names, as the store's subscription view gives them. */
import { defineAuthenticatedCommand } from '../command.js';
import { listArgs, sendListEntry, type ListArgs } from './shared/listing.js';

export const lsub = defineAuthenticatedCommand({
  name: 'LSUB', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: listArgs,
  async run(ctx, args: ListArgs) {
    for (const e of await ctx.store.list(args.reference, args.pattern, { subscribedOnly: true })) sendListEntry(ctx, 'LSUB', e);
  },
});
