/**
 * LAST (RFC 1460, since removed from POP3; UW still answers it)
 *
 * `+OK n`: the highest message number accessed (seen before the session, or read or deleted in it).
 */
import { defineCommand, noArgs } from '../command.js';

export const last = defineCommand({
  name: 'LAST', states: ['transaction'],
  parse: noArgs,
  run: (ctx) => ctx.send(`+OK ${ctx.drop.lastAccessed}`),
});
