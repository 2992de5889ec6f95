// create = "CREATE" SP mailbox  (RFC 3501 §9)
/** CREATE (RFC 3501 §6.3.3). */
import { defineCommand } from '../session.js';
import { mailboxArg, storeOf } from './shared/selection.js';

export const create = defineCommand({
  name: 'CREATE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, mailbox: string) => storeOf(ctx).create(mailbox),
});
