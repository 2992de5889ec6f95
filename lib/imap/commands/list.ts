// list = "LIST" SP mailbox SP list-mailbox  (RFC 3501 §9)
/** LIST (RFC 3501 §6.3.8), with CHILDREN's attributes (RFC 3348). */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxName } from './shared/mailbox-name.js';

export const list = defineAuthenticatedCommand({
  name: 'LIST', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const reference = a.mailbox();
    a.sp();
    const pattern = a.listMailbox();
    a.end();
    return { reference, pattern };
  },
  async run(ctx, args: { reference: string; pattern: string }) {
    const entries = await ctx.store.list(args.reference, args.pattern, { subscribedOnly: false });
    for (const e of entries) {
      ctx.untagged((b) => mailboxName(b.raw('LIST ').list(e.attributes, (l, a) => l.raw(a)).raw(' "/" '), e.name));
    }
  },
});
