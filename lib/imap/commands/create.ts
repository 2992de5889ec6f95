// create = "CREATE" SP mailbox  (RFC 3501 §9)
/** CREATE (RFC 3501 §6.3.3). */
import { defineAuthenticatedCommand } from '../command.js';
import { mailboxArg } from './shared/selection.js';

export const create = defineAuthenticatedCommand({
  name: 'CREATE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => ctx.store.create(mailbox),
});
