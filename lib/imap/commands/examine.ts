// examine = "EXAMINE" SP mailbox  (RFC 3501 §9)
/** EXAMINE (RFC 3501 §6.3.2): SELECT, read-only. */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxArg, openMailbox } from './shared/selection.js';

export const examine = defineAuthenticatedCommand({
  name: 'EXAMINE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, name: string) => openMailbox(ctx, name, true),
});
