/**
 * CONDSTORE (RFC 7162 §3.1): the session turns it on at the first CONDSTORE-enabling command (ENABLE CONDSTORE,
 * SELECT/EXAMINE (CONDSTORE), FETCH with MODSEQ or CHANGEDSINCE, STORE with UNCHANGEDSINCE, SEARCH with MODSEQ,
 * STATUS with HIGHESTMODSEQ), and from then on reports mod-sequences in what it sends about flags.
 */
import type { CommandContext } from '../../command.js';
import { highestModseq, okResponse } from '../../responses.js';

/** Whether CONDSTORE is on for this session. */
export function condstoreOn(ctx: CommandContext): boolean {
  return ctx.session.enabled.has('CONDSTORE');
}

/**
 * A CONDSTORE-enabling command other than SELECT/EXAMINE runs: when it is the first and a mailbox is selected, the
 * client learns the mailbox's HIGHESTMODSEQ now (RFC 7162 §3.1), as a SELECT would have told it.
 */
export function enableCondstore(ctx: CommandContext): void {
  if (!ctx.enable('CONDSTORE')) return;
  const sel = ctx.session.selected;
  if (sel) ctx.untagged((b) => okResponse(b, (c) => highestModseq(c, sel.box), 'Highest'));
}

/** The highest mod-sequence among `messages` (RFC 7162 §3.1.5's `(MODSEQ n)`); null when there are none. */
export function highestOf(messages: readonly { readonly modseq: number }[]): number | null {
  let high: number | null = null;
  for (const m of messages) if (high === null || m.modseq > high) high = m.modseq;
  return high;
}
