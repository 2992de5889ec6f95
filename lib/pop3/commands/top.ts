/**
 * TOP msg n (RFC 1939 §7)
 *
 * The header (with UW's Status: line) and the first `n` lines of the body, dot-stuffed. Does not mark the message
 * seen (as UW).
 */
import { describeError } from '../../env/logger.js';
import { existingMessage } from '../args.js';
import { defineCommand, type TransactionContext } from '../command.js';
import { DotStuffer } from '../dot-stuff.js';
import { err, StreamBroken } from '../errors.js';
import { servedHeader } from '../served.js';

/** The first `lines` lines of message `i`'s body, dot-stuffed. */
async function topLines(ctx: TransactionContext, i: number, lines: number, stuffer: DotStuffer): Promise<void> {
  let left = lines;
  for await (const chunk of ctx.drop.text(i).chunks()) {
    let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let cut = -1;
    for (let p = b.indexOf(0x0a); p >= 0; p = b.indexOf(0x0a, p + 1)) {
      if (--left === 0) {
        cut = p + 1;
        break;
      }
    }
    if (cut >= 0) b = b.subarray(0, cut);
    ctx.write(stuffer.push(b));
    await ctx.maybeFlush();
    if (cut >= 0) break;
  }
}

export const top = defineCommand({
  name: 'TOP', states: ['transaction'],
  parse(a) {
    const m = /^\s*(\d{1,9})\s+(\d{1,9})\s*$/.exec(a.text);
    if (!m) throw err('Bad message number or line count argument');
    return { n: Number(m[1]), lines: Number(m[2]) };
  },
  async run(ctx, { n, lines }) {
    const i = existingMessage(ctx.drop, n);
    const header = await servedHeader(ctx.drop, i, ctx.opts);
    ctx.send('+OK Top of message follows');
    const stuffer = new DotStuffer();
    ctx.write(stuffer.push(header));
    if (lines > 0) {
      try {
        await topLines(ctx, i, lines, stuffer);
      } catch (e) {
        throw new StreamBroken(`TOP ${i} broke off: ${describeError(e)}`);
      }
    }
    ctx.write(stuffer.end());
  },
});
