// id ::= "ID" SPACE id_params_list  (RFC 2971 §4)
/** ID (RFC 2971): the server's name and version; the client's fields are not used. */
import { defineCommand } from '../command.js';

export const id = defineCommand({
  name: 'ID', states: ['not-authenticated', 'authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    // The client's fields are read (and checked) but not used: UW logs nothing of them either.
    a.idParamsList();
    a.end();
    return null;
  },
  async run(ctx) {
    ctx.untagged((b) => b.raw('ID ').list(['name', 'uwimap-ts imapd', 'version', ctx.session.opts.version], (l, v) => l.string(v)));
  },
});
