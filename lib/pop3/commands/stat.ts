/**
 * STAT (RFC 1939 §5)
 *
 * `+OK nn mm`: the messages not marked deleted and their size in octets as RETR would send them.
 */
import { defineCommand, noArgs } from '../command.js';
import { servedSize } from '../served.js';

export const stat = defineCommand({
  name: 'STAT', states: ['transaction'],
  parse: noArgs,
  run(ctx) {
    const { drop } = ctx;
    const s = drop.stat((i) => servedSize(drop, i, ctx.opts));
    ctx.send(`+OK ${s.count} ${s.octets}`);
  },
});
