/**
 * STAT (RFC 1939 §5)
 *
 * `+OK nn mm`: the messages not marked deleted and their size in octets as RETR would send them.
 */
import { defineCommand, noArgs } from '../command.js';
import { servedTotal } from '../served.js';

export const stat = defineCommand({
  name: 'STAT', states: ['transaction'],
  parse: noArgs,
  run(ctx) {
    const s = servedTotal(ctx.drop, ctx.opts);
    ctx.send(`+OK ${s.count} ${s.octets}`);
  },
});
