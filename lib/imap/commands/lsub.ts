// lsub = "LSUB" SP mailbox SP list-mailbox  (RFC 3501 §9)
/** LSUB (RFC 3501 §6.3.9): LIST of the subscribed names. */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxName } from './shared/mailbox-name.js';

export const lsub = defineAuthenticatedCommand({
  name: 'LSUB', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const reference = a.mailbox();
    a.sp();
    const pattern = a.listMailbox();
    a.end();
    return { reference, pattern };
  },
  async run(ctx, args: { reference: string; pattern: string }) {
    const entries = await ctx.store.list(args.reference, args.pattern, { subscribedOnly: true });
    for (const e of entries) {
      ctx.untagged((b) => mailboxName(b.raw('LSUB ').list(e.attributes, (l, a) => l.raw(a)).raw(' "/" '), e.name));
    }
  },
});
