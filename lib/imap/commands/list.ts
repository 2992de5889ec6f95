// list = "LIST" SP mailbox SP list-mailbox  (RFC 3501 §9)
/** LIST (RFC 3501 §6.3.8), with CHILDREN's attributes (RFC 3348); LSUB (lsub.ts) is the same over subscriptions. */
import { defineAuthenticatedCommand, type Command } from '../command.js';
import { mailboxName } from './shared/mailbox-name.js';

/** LIST, or (subscribedOnly) LSUB: the grammar and the response are the same but for the name. */
export function listCommand(name: 'LIST' | 'LSUB', subscribedOnly: boolean): Command {
  return defineAuthenticatedCommand({
    name, states: ['authenticated', 'selected'], expungeSafe: true,
    parse(a) {
      a.sp();
      const reference = a.mailbox();
      a.sp();
      const pattern = a.listMailbox();
      a.end();
      return { reference, pattern };
    },
    async run(ctx, args: { reference: string; pattern: string }) {
      const entries = await ctx.store.list(args.reference, args.pattern, { subscribedOnly });
      for (const e of entries) {
        ctx.untagged((b) => mailboxName(b.raw(`${name} `).list(e.attributes, (l, a) => l.raw(a)).raw(' "/" '), e.name));
      }
    },
  });
}

export const list = listCommand('LIST', false);
