/** NOOP (RFC 1939 §5) */
import { defineCommand, noArgs } from '../command.js';

export const noop = defineCommand({
  name: 'NOOP', states: ['transaction'],
  parse: noArgs,
  run: (ctx) => ctx.send('+OK No-op to you too!'),
});
