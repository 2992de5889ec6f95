// rename = "RENAME" SP mailbox SP mailbox  (RFC 3501 §9)
/** RENAME (RFC 3501 §6.3.5): a selected mailbox (or one under it) is left first. */
import { defineCommand } from '../session.js';
import { leaveIfSelected, storeOf } from './shared/selection.js';

export const rename = defineCommand({
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
    await storeOf(ctx).rename(args.from, args.to);
  },
});
