// unsubscribe = "UNSUBSCRIBE" SP mailbox  (RFC 3501 §9)
/** UNSUBSCRIBE (RFC 3501 §6.3.7). */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxArg } from './shared/selection.js';

export const unsubscribe = defineAuthenticatedCommand({
  name: 'UNSUBSCRIBE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => ctx.store.unsubscribe(mailbox),
});
