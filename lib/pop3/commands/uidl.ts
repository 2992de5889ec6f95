/**
 * UIDL [msg] (RFC 1939 §7)
 *
 * One message's unique id (`+OK msg id`), or every message not marked deleted as a multi-line listing; the id is
 * UW's by default (see ../served.ts uniqueId).
 */
import { defineCommand } from '../command.js';
import { uniqueId, uniqueIdLines } from '../served.js';
import { listing, optionalMessage } from './list.js';

export const uidl = defineCommand({
  name: 'UIDL', states: ['transaction'],
  parse: optionalMessage,
  run: (ctx, n) => listing(ctx, n, 'Unique-ID listing follows', (i) => uniqueId(ctx.drop, i, ctx.opts),
    () => uniqueIdLines(ctx.drop, ctx.opts)),
});
