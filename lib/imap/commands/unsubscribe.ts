// unsubscribe = "UNSUBSCRIBE" SP mailbox  (RFC 3501 §9)
/** UNSUBSCRIBE (RFC 3501 §6.3.7). */
import { defineCommand } from '../session.js';
import { mailboxArg, storeOf } from './shared/selection.js';

export const unsubscribe = defineCommand({
  name: 'UNSUBSCRIBE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => storeOf(ctx).unsubscribe(mailbox),
});
