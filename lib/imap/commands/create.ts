// create = "CREATE" SP mailbox [create-params]  (RFC 4466 §2.2)
// create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"  (RFC 6154 §6)
/** CREATE (RFC 3501 §6.3.3), with CREATE-SPECIAL-USE's USE parameter (RFC 6154 §3). */
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
  },
});
