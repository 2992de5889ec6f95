/**
 * LIST [msg] (RFC 1939 §5)
 *
 * One message's size (`+OK msg size`), or every message not marked deleted as a multi-line listing. UIDL
 * answers in the same two forms ({@link listing}).
 */
import { existingMessage, messageNumber, type Pop3Args } from '../args.js';
import { defineCommand, type TransactionContext } from '../command.js';
import { numberedLineBlocks } from '../../io/numbered-lines.js';
import { type ListingValues, servedSize, servedSizeLines } from '../served.js';

/** `[msg]`: a message number, or null for all of them. */
export function optionalMessage(a: Pop3Args): number | null {
  return a.empty ? null : messageNumber(a);
}

/**
 * LIST and UIDL: one message (`+OK n value`, the value `one(i)`), or every message not marked deleted as a listing
 * titled `title`, of the values `all()`.
 */
export async function listing(ctx: TransactionContext, n: number | null, title: string, one: (i: number) => string, all: () => ListingValues): Promise<void> {
  const { drop } = ctx;
  if (n !== null) {
    const i = existingMessage(drop, n);
    ctx.send(`+OK ${i} ${one(i)}`);
    return;
  }
  ctx.send(`+OK ${title}`);
  for (const b of numberedLineBlocks({ ...all(), skip: drop.deletedMarks() })) {
    ctx.write(b);
    await ctx.maybeFlush();
  }
  ctx.send('.');
}

export const list = defineCommand({
  name: 'LIST', states: ['transaction'],
  parse: optionalMessage,
  run: (ctx, n) => listing(ctx, n, 'Mailbox scan listing follows', (i) => String(servedSize(ctx.drop, i, ctx.opts)),
    () => servedSizeLines(ctx.drop, ctx.opts)),
});
