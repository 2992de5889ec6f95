// delete = "DELETE" SP mailbox  (RFC 3501 §9)
/** DELETE (RFC 3501 §6.3.4): a selected mailbox (or one under it) is left first. */
import { defineAuthenticatedCommand } from '../command.js';
import { leaveIfSelected, mailboxArg } from './shared/selection.js';

export const del = defineAuthenticatedCommand({
  name: 'DELETE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  async run(ctx, mailbox: string) {
    await leaveIfSelected(ctx, mailbox);
    await ctx.store.delete(mailbox);
  },
});
