/**
 * The answer of a SEARCH or SORT given RETURN options: the ESEARCH response (RFC 4731 for SEARCH, RFC 5267 §3 for
 * SORT's ESORT form), and SAVE, which keeps the result as the session's "$" (RFC 5182).
 */
import type { SearchMessage } from '../../../mail/search.js';
import { SequenceSet } from '../../../values/sequence.js';
import { ParseError, type SearchReturnOpt } from '../../../wire/parser.js';
import type { SelectedContext } from '../../command.js';
import { CommandResult } from '../../errors.js';
import { highestOf } from './condstore.js';

/**
 * Runs the search (and sort) of a command whose RETURN options are `opts` (null: none). When SAVE is among them and
 * the work fails with anything but BAD, the saved result is emptied before the failure is answered (RFC 5182 §2.1:
 * "A SEARCH command with the SAVE result option that caused the server to return the NO tagged response sets the
 * value of the search result variable to the empty sequence"; one answered BAD, or without SAVE, changes nothing).
 */
export async function savingOnFailure<T>(ctx: SelectedContext, opts: readonly SearchReturnOpt[] | null,
  work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const isBad = e instanceof ParseError || (e instanceof CommandResult && e.status === 'BAD');
    if (opts?.includes('SAVE') && !isBad) ctx.selected.saved = null;
    throw e;
  }
}

/**
 * Answers with RETURN options `opts` for `found`, in the command's order: ascending for SEARCH, the sort order for
 * SORT (RFC 5267 §3.1: MIN and MAX are "the lowest/highest sorted message", taken here as the first and the last in
 * that order, as Dovecot does; ALL lists them in that order). For SEARCH the first is the lowest, so the same rules
 * give RFC 4731's. `usesModseq`: a MODSEQ key was given, and the response ends with the highest mod-sequence of
 * what it names (RFC 7162 §3.1.5: of MIN and MAX alone when only they were asked for).
 *
 * SAVE keeps, as UIDs, every message found, or only the MIN and MAX ones when those were asked for without ALL or
 * COUNT (RFC 5182 §2.4). SAVE alone sends no ESEARCH response; otherwise it changes nothing in it.
 */
export function answerReturn(ctx: SelectedContext, uid: boolean, opts: readonly SearchReturnOpt[],
  found: readonly SearchMessage[], usesModseq: boolean): void {
  const has = (o: SearchReturnOpt): boolean => opts.includes(o);
  const first = found[0];
  const last = found[found.length - 1];
  const ends = [...(has('MIN') && first ? [first] : []), ...(has('MAX') && last && last !== first ? [last] : [])];
  const named = has('ALL') || has('COUNT') || !(has('MIN') || has('MAX')) ? found : ends;
  if (has('SAVE')) ctx.selected.saved = SequenceSet.fromNumbers(named.map((m) => m.uid));
  if (opts.every((o) => o === 'SAVE')) return;
  const id = (m: SearchMessage): number => (uid ? m.uid : m.seq);
  const high = usesModseq ? highestOf(named) : null;
  ctx.untagged((b) => {
    // search-correlator = SP "(" "TAG" SP tag-string ")" (RFC 4466 §2.6.2)
    b.raw('ESEARCH (TAG ').string(ctx.tag).raw(')');
    if (uid) b.raw(' UID');
    if (first && last) {
      if (has('MIN')) b.raw(' MIN ').number(id(first));
      if (has('MAX')) b.raw(' MAX ').number(id(last));
      if (has('ALL')) b.raw(' ALL ').orderedSet(found.map(id));
    }
    if (has('COUNT')) b.raw(' COUNT ').number(found.length);
    if (high !== null) b.raw(' MODSEQ ').number(high);
  });
}
