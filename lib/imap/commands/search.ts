// search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)  (RFC 3501 §9)
// search = "SEARCH" [search-return-opts] SP search-program  (RFC 4466 §3)
// search-return-opt =/ "SAVE" ; sequence-set =/ seq-last-command  (RFC 5182 §3)
// search-return-opt =/ modifier-context / modifier-partial / modifier-update  (RFC 5267 §5)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8; ESEARCH RFC 4731; SAVE and `$` RFC 5182; the MODSEQ key of RFC
 * 7162 §3.1.5; CONTEXT=SEARCH's PARTIAL and UPDATE, RFC 5267 §4; IMAP4rev2's, RFC 9051 §6.4.4, always ESEARCH). No
 * untagged EXPUNGE while it runs (RFC 3501 §7.4.1).
 */
import type { SearchCommand, SearchReturn } from '../../wire/parser.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { searchSelected } from './shared/search.js';
import { highestOf } from './shared/condstore.js';
import { answerReturn, checkReturn, savingOnFailure } from './shared/esearch.js';

const ALL_RETURN: SearchReturn = { opts: ['ALL'], partial: null };

function searchSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID SEARCH' : 'SEARCH', states: ['selected'], expungeSafe: false,
    parse(a) {
      const args = a.search();
      // `SEARCH ALL 1-Dec-2026` is a syntax error, not a search of ALL and message 1.
      a.end();
      return args;
    },
    async run(ctx: SelectedContext, args: SearchCommand) {
      // IMAP4rev2 answers SEARCH with ESEARCH only (RFC 9051 §6.4.4, §7.3.4): no RETURN is RETURN (ALL).
      const ret = args.returnOpts ?? (ctx.session.rev2 ? ALL_RETURN : null);
      checkReturn(ctx, ret);
      const { messages: found, usesModseq, program } = await savingOnFailure(ctx, ret,
        () => searchSelected(ctx, args.keys, args.charset));
      if (ret !== null) {
        answerReturn(ctx, uid, ret, { messages: found, usesModseq, program, keys: args.keys, criteria: null });
        return;
      }
      // mailbox-data =/ "SEARCH" [1*(SP nz-number) SP search-sort-mod-seq] when MODSEQ was a key (RFC 7162 §7)
      const high = usesModseq ? highestOf(found) : null;
      ctx.untagged((b) => {
        b.raw('SEARCH');
        for (const m of found) b.sp().number(uid ? m.uid : m.seq);
        if (high !== null) b.raw(' (MODSEQ ').number(high).raw(')');
      });
    },
  });
}

export const search = searchSpec(false);
export const uidSearch = searchSpec(true);
