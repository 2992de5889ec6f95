// subscribe = "SUBSCRIBE" SP mailbox  (RFC 3501 §9)
/** SUBSCRIBE (RFC 3501 §6.3.6). */
import { defineCommand } from '../session.js';
import { mailboxArg, storeOf } from './shared/selection.js';

export const subscribe = defineCommand({
  name: 'SUBSCRIBE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => storeOf(ctx).subscribe(mailbox),
});
