// subscribe = "SUBSCRIBE" SP mailbox  (RFC 3501 §9)
/** SUBSCRIBE (RFC 3501 §6.3.6). */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxArg } from './shared/selection.js';

export const subscribe = defineAuthenticatedCommand({
  name: 'SUBSCRIBE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => ctx.store.subscribe(mailbox),
});
