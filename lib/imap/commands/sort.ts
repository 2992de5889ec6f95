// sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria  (RFC 5256 §5)
// extended-sort = ["UID" SP] "SORT" search-return-opts SP sort-criteria SP search-criteria  (RFC 5267 §5)
/**
 * SORT and UID SORT (RFC 5256 §3): the messages matching SEARCH criteria, in the order of the sort criteria,
 * answered as `* SORT n n n` (message numbers, or UIDs for UID SORT). Like SEARCH, no untagged EXPUNGE while it runs
 * (RFC 3501 §7.4.1: the response names messages by number). A MODSEQ key adds `(MODSEQ n)`, as to SEARCH (RFC
 * 7162 §3.1.5). With RETURN options (ESORT, RFC 5267 §3) the answer is an ESEARCH response instead, in the sort
 * order (shared/esearch.ts), and SAVE keeps the result as SEARCH's does (RFC 5182). CONTEXT=SORT (RFC 5267 §4):
 * PARTIAL pages through the sorted result, and UPDATE keeps it, telling the client where messages join or leave
 * it (shared/context.ts).
 */
import type { SearchKey } from '../../values/search-key.js';
import { sortMessages, type SortCriterion, type SortKeyName } from '../../mail/sort.js';
import { ParseError, type ArgCursor, type SearchReturn } from '../../wire/parser.js';
import { defineSelectedCommand, type Command, type SelectedContext } from '../command.js';
import { searchCriteria, searchSelected } from './shared/search.js';
import { highestOf } from './shared/condstore.js';
import { answerReturn, checkReturn, savingOnFailure } from './shared/esearch.js';

const SORT_KEYS: readonly SortKeyName[] = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'];

/**
 * ```
 * sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"
 * sort-criterion = ["REVERSE" SP] sort-key
 * sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"
 * sort-key =/ "DISPLAYFROM" / "DISPLAYTO"                                      (RFC 5957 §5)
 * ```
 * The parenthesised list of atoms is read with the cursor's flag-list rule (the same grammar for atoms); a
 * `\name` there is no sort key and is refused like any unknown name. Throws ParseError (BAD).
 */
function sortCriteria(a: ArgCursor): SortCriterion[] {
  if (!a.lookingAt('(')) throw new ParseError('Expected "(" opening sort criteria');
  const words = a.flagList().map((w) => w.toUpperCase());
  if (words.length === 0) throw new ParseError('Empty sort criteria');
  const out: SortCriterion[] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i] as string;
    const reverse = w === 'REVERSE';
    if (reverse) {
      w = words[++i] ?? '';
      if (w === '') throw new ParseError('REVERSE without a sort key');
    }
    const key = SORT_KEYS.find((k) => k === w);
    if (key === undefined) throw new ParseError(`Unknown sort key ${w.slice(0, 32)}`);
    out.push({ key, reverse });
  }
  return out;
}

interface SortArgs {
  /** ESORT's RETURN options (RFC 5267 §3); null for a plain SORT. */
  readonly returnOpts: SearchReturn | null;
  readonly criteria: readonly SortCriterion[];
  readonly charset: string;
  readonly keys: readonly SearchKey[];
}

function sortSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID SORT' : 'SORT', states: ['selected'], expungeSafe: false,
    parse(a): SortArgs {
      a.sp();
      const returnOpts = a.searchReturnOpts();
      if (returnOpts !== null) a.sp();
      const criteria = sortCriteria(a);
      a.sp();
      const { charset, keys } = searchCriteria(a);
      a.end();
      return { returnOpts, criteria, charset, keys };
    },
    async run(ctx: SelectedContext, args: SortArgs) {
      checkReturn(ctx, args.returnOpts);
      const { found, sorted } = await savingOnFailure(ctx, args.returnOpts, async () => {
        const f = await searchSelected(ctx, args.keys, args.charset);
        return { found: f, sorted: await sortMessages(f.messages, args.criteria) };
      });
      if (args.returnOpts !== null) {
        answerReturn(ctx, uid, args.returnOpts, { messages: sorted, usesModseq: found.usesModseq, program: found.program,
          keys: args.keys, criteria: args.criteria });
        return;
      }
      // sort-data = "SORT" [1*(SP nz-number) SP search-sort-mod-seq] when MODSEQ was a key (RFC 7162 §3.1.5, §7)
      const high = found.usesModseq ? highestOf(sorted) : null;
      ctx.untagged((b) => {
        b.raw('SORT');
        for (const m of sorted) b.sp().number(uid ? m.uid : m.seq);
        if (high !== null) b.raw(' (MODSEQ ').number(high).raw(')');
      });
    },
  });
}

export const sort = sortSpec(false);
export const uidSort = sortSpec(true);
