/**
 * The answer of a SEARCH or SORT given RETURN options: the ESEARCH response (RFC 4731 for SEARCH, RFC 5267 §3 for
 * SORT's ESORT form), SAVE, which keeps the result as the session's "$" (RFC 5182), and RFC 5267 §4's PARTIAL and
 * UPDATE.
 */
import type { SearchMessage, SearchProgram } from '../../../mail/search.js';
import type { SortCriterion } from '../../../mail/sort.js';
import type { SearchKey } from '../../../values/search-key.js';
import { SequenceSet } from '../../../values/sequence.js';
import { ParseError, type SearchReturn, type SearchReturnOpt } from '../../../wire/parser.js';
import type { SelectedContext } from '../../command.js';
import { bad, CommandResult } from '../../errors.js';
import { highestOf } from './condstore.js';
import { startUpdates } from './context.js';

/**
 * Runs the search (and sort) of a command whose RETURN options are `opts` (null: none). When SAVE is among them and
 * the work fails with anything but BAD, the saved result is emptied before the failure is answered (RFC 5182 §2.1:
 * "A SEARCH command with the SAVE result option that caused the server to return the NO tagged response sets the
 * value of the search result variable to the empty sequence"; one answered BAD, or without SAVE, changes nothing).
 */
export async function savingOnFailure<T>(ctx: SelectedContext, ret: SearchReturn | null,
  work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const isBad = e instanceof ParseError || (e instanceof CommandResult && e.status === 'BAD');
    if (ret?.opts.includes('SAVE') && !isBad) ctx.selected.saved = null;
    throw e;
  }
}

/**
 * What a command whose RETURN options are `ret` may refuse before it searches: UPDATE under a tag that already names
 * an updating context "SHALL result in the server rejecting the searching command with a BAD response" (RFC 5267
 * §4.3); a BAD changes no saved result (RFC 5182 §2.1).
 */
export function checkReturn(ctx: SelectedContext, ret: SearchReturn | null): void {
  if (ret?.opts.includes('UPDATE') && ctx.selected.contexts.has(ctx.tag)) throw bad('Tag reuse');
}

/** What a searching command found, for {@link answerReturn}. */
export interface Found {
  /** In the command's order: ascending for SEARCH, the sort order for SORT. */
  readonly messages: readonly SearchMessage[];
  readonly usesModseq: boolean;
  readonly program: SearchProgram;
  readonly keys: readonly SearchKey[];
  /** SORT's criteria; null for SEARCH. */
  readonly criteria: readonly SortCriterion[] | null;
}

/**
 * Answers with RETURN options `ret` for `f`, in the command's order: ascending for SEARCH, the sort order for SORT
 * (RFC 5267 §3.1: MIN and MAX are "the lowest/highest sorted message", the first and the last in that order, as
 * Dovecot does; ALL lists them in that order, and so does PARTIAL, §4.4). For SEARCH the first is the lowest, so the
 * same rules give RFC 4731's. A MODSEQ key ends the response with the highest mod-sequence of what it names (RFC 7162
 * §3.1.5: of MIN and MAX alone when only they were asked for).
 *
 * What the response names, and SAVE keeps as UIDs: every message found; only the MIN and MAX ones when those were
 * asked for without ALL or COUNT (RFC 5182 §2.4); with PARTIAL and without COUNT, the messages PARTIAL returns and
 * those of MIN and MAX (RFC 9394 §3.2, which holds for a CONTEXT=SEARCH server). SAVE alone sends no ESEARCH
 * response; UPDATE or CONTEXT without any option that returns data sends one with the correlator alone.
 *
 * PARTIAL first:last returns the results at those positions, "the first result is 1", as `PARTIAL (first:last set)`
 * with the range as given and NIL when none is there (RFC 5267 §4.4). UPDATE starts an updating context
 * (shared/context.ts), or says `* NO [NOUPDATE "tag"]` when it cannot, and answers the rest all the same (§4.3.1:
 * "Other return options specified SHALL still be honoured"). CONTEXT is a hint, which this server does not need
 * (§4.2: "Servers MAY ignore this return option").
 */
export function answerReturn(ctx: SelectedContext, uid: boolean, ret: SearchReturn, f: Found): void {
  const has = (o: SearchReturnOpt): boolean => ret.opts.includes(o);
  const found = f.messages;
  const first = found[0];
  const last = found[found.length - 1];
  const ends = [...(has('MIN') && first ? [first] : []), ...(has('MAX') && last && last !== first ? [last] : [])];
  const p = ret.partial;
  const window = p === null ? [] : found.slice(Math.min(p.first, p.last) - 1, Math.max(p.first, p.last));
  const named = has('ALL') || has('COUNT') ? found
    : p !== null ? [...new Set([...window, ...ends])]
      : has('MIN') || has('MAX') ? ends : found;
  if (has('SAVE')) ctx.selected.saved = SequenceSet.fromNumbers(named.map((m) => m.uid));
  if (has('UPDATE')) {
    const why = startUpdates(ctx.selected, ctx.tag, uid, f.criteria, f.keys, f.program, found);
    if (why !== null) ctx.untagged((b) => b.raw('NO [NOUPDATE ').string(ctx.tag).raw('] ').text(why));
  }
  if (ret.opts.every((o) => o === 'SAVE')) return;
  const id = (m: SearchMessage): number => (uid ? m.uid : m.seq);
  const high = f.usesModseq ? highestOf(named) : null;
  ctx.untagged((b) => {
    // search-correlator = SP "(" "TAG" SP tag-string ")" (RFC 4466 §2.6.2)
    b.raw('ESEARCH (TAG ').string(ctx.tag).raw(')');
    if (uid) b.raw(' UID');
    if (first && last) {
      if (has('MIN')) b.raw(' MIN ').number(id(first));
      if (has('MAX')) b.raw(' MAX ').number(id(last));
      if (has('ALL')) b.raw(' ALL ').orderedSet(found.map(id));
    }
    // ret-data-partial = "PARTIAL" SP "(" partial-range SP partial-results ")"; partial-results = sequence-set / "NIL"
    if (p !== null) {
      b.raw(' PARTIAL (').number(p.first).raw(':').number(p.last).sp();
      if (window.length) b.orderedSet(window.map(id));
      else b.raw('NIL');
      b.raw(')');
    }
    if (has('COUNT')) b.raw(' COUNT ').number(found.length);
    if (high !== null) b.raw(' MODSEQ ').number(high);
  });
}
