/**
 * RSET (RFC 1939 §5)
 *
 * Unmarks every message marked deleted.
 */
import { defineCommand, noArgs } from '../command.js';

export const rset = defineCommand({
  name: 'RSET', states: ['transaction'],
  parse: noArgs,
  run(ctx) {
    ctx.drop.rset();
    ctx.send('+OK Reset state');
  },
});
