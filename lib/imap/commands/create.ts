// create = "CREATE" SP mailbox [create-params]  (RFC 4466 §2.2)
// create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"  (RFC 6154 §6)
/**
 * CREATE (RFC 3501 §6.3.3), with CREATE-SPECIAL-USE's USE parameter (RFC 6154 §3), answered with the new mailbox's
 * MAILBOXID (RFC 8474 §4.1).
 */
import { specialUse, type SpecialUse } from '../../values/special-use.js';
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';

export const create = defineAuthenticatedCommand({
  name: 'CREATE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    const use = a.maybeSp() ? a.createParams().use : [];
    a.end();
    return { mailbox, use };
  },
  async run(ctx, args: { mailbox: string; use: readonly string[] }) {
    const uses: SpecialUse[] = [];
    for (const attr of args.use) {
      const u = specialUse(attr);
      // RFC 6154 §3: a use the server does not know is refused with USEATTR, and nothing is created.
      if (u === null) throw no(`Unknown special use ${attr.slice(0, 40)}`, 'USEATTR');
      if (!uses.includes(u)) uses.push(u);
    }
    await ctx.store.create(args.mailbox, { uses });
    // RFC 8474 §4.1: "A server advertising the OBJECTID capability MUST include the MAILBOXID response code in the
    // tagged OK response to all successful CREATE commands." A name that made a directory (`foo/`) is no mailbox
    // and has none; nor does one that cannot be looked at now: the mailbox is made, and the OK must say so.
    const id = await ctx.store.status(args.mailbox).then((st) => st.mailboxId, () => undefined);
    if (id !== undefined) ctx.okWith('CREATE completed', (b) => b.raw(`MAILBOXID (${id})`));
  },
});
