// select = "SELECT" SP mailbox  (RFC 3501 §9)
// select = "SELECT" SP mailbox [select-params]  (RFC 4466 §2.1; select-param =/ "CONDSTORE" / "QRESYNC" ..., RFC 7162 §7)
/** SELECT (RFC 3501 §6.3.1): opens a mailbox read-write (read-only if it cannot be written). */
import { defineAuthenticatedCommand } from '../command.js';
import { openMailbox, selectArgs, type SelectArgs } from './shared/selection.js';

export const select = defineAuthenticatedCommand({
  name: 'SELECT', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: selectArgs,
  run: (ctx, args: SelectArgs) => openMailbox(ctx, args, false),
});
