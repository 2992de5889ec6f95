// examine = "EXAMINE" SP mailbox  (RFC 3501 §9)
// examine = "EXAMINE" SP mailbox [select-params]  (RFC 4466 §2.1; select-param =/ "CONDSTORE" / "QRESYNC" ..., RFC 7162 §7)
/** EXAMINE (RFC 3501 §6.3.2): SELECT, read-only. */
import { defineAuthenticatedCommand } from '../command.js';
import { openMailbox, selectArgs, type SelectArgs } from './shared/selection.js';

export const examine = defineAuthenticatedCommand({
  name: 'EXAMINE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: selectArgs,
  run: (ctx, args: SelectArgs) => openMailbox(ctx, args, true),
});
