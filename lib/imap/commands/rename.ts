// rename = "RENAME" SP mailbox SP mailbox  (RFC 3501 §9)
/** RENAME (RFC 3501 §6.3.5): a selected mailbox (or one under it) is left first. */
import { defineAuthenticatedCommand } from '../command.js';
import { leaveIfSelected } from './shared/selection.js';

export const rename = defineAuthenticatedCommand({
  name: 'RENAME', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const from = a.mailbox();
    a.sp();
    const to = a.mailbox();
    a.end();
    return { from, to };
  },
  async run(ctx, args: { from: string; to: string }) {
    await leaveIfSelected(ctx, args.from);
    await ctx.store.rename(args.from, args.to);
  },
});
