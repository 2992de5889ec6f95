/**
 * DELE msg (RFC 1939 §5)
 *
 * Marks the message deleted; it goes at QUIT (the UPDATE state), and RSET unmarks it.
 */
import { existingMessage, messageNumber } from '../args.js';
import { defineCommand } from '../command.js';

export const dele = defineCommand({
  name: 'DELE', states: ['transaction'],
  parse: messageNumber,
  run(ctx, n) {
    ctx.drop.dele(existingMessage(ctx.drop, n));
    ctx.send('+OK Message deleted');
  },
});
