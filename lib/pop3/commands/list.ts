/**
 * LIST [msg] (RFC 1939 §5)
 *
 * One message's size (`+OK msg size`), or every message not marked deleted as a multi-line listing. UIDL
 * answers in the same two forms ({@link listing}).
 */
import { existingMessage, messageNumber, type Pop3Args } from '../args.js';
import { defineCommand, type TransactionContext } from '../command.js';
import { ListingLines, servedSize } from '../served.js';

/** `[msg]`: a message number, or null for all of them. */
export function optionalMessage(a: Pop3Args): number | null {
  return a.empty ? null : messageNumber(a);
}

/** LIST and UIDL: one message (`+OK n value`), or every message not deleted as a listing titled `title`. */
export function listing(ctx: TransactionContext, n: number | null, title: string, value: (lines: ListingLines, i: number) => void): void {
  const { drop } = ctx;
  const lines = new ListingLines((b) => ctx.write(b));
  if (n !== null) {
    const i = existingMessage(drop, n);
    lines.text('+OK ');
    lines.uint(i);
    lines.byte(0x20);
    value(lines, i);
    lines.crlf();
    lines.flush();
    return;
  }
  ctx.send(`+OK ${title}`);
  for (let i = 1; i <= drop.count; i++) {
    if (!drop.valid(i)) continue;
    lines.uint(i);
    lines.byte(0x20);
    value(lines, i);
    lines.crlf();
  }
  lines.text('.\r\n');
  lines.flush();
}

export const list = defineCommand({
  name: 'LIST', states: ['transaction'],
  parse: optionalMessage,
  run: (ctx, n) => listing(ctx, n, 'Mailbox scan listing follows', (lines, i) => lines.uint(servedSize(ctx.drop, i, ctx.opts))),
});
