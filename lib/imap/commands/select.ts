// select = "SELECT" SP mailbox  (RFC 3501 §9)
/** SELECT (RFC 3501 §6.3.1): opens a mailbox read-write (read-only if it cannot be written). */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxArg, openMailbox } from './shared/selection.js';

export const select = defineAuthenticatedCommand({
  name: 'SELECT', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, name: string) => openMailbox(ctx, name, false),
});
