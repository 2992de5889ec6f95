// search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)  (RFC 3501 §9)
// search = "SEARCH" [search-return-opts] SP search-program  (RFC 4466 §3)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8; ESEARCH RFC 4731; the MODSEQ key of RFC 7162 §3.1.5). No
 * untagged EXPUNGE while it runs (RFC 3501 §7.4.1).
 */
import type { SearchCommand } from '../../wire/parser.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { searchSelected } from './shared/search.js';
import { highestOf } from './shared/condstore.js';

function searchSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID SEARCH' : 'SEARCH', states: ['selected'], expungeSafe: false,
    parse: (a) => a.search(),
    async run(ctx: SelectedContext, args: SearchCommand) {
      const { messages: found, usesModseq } = await searchSelected(ctx, args.keys, args.charset);
      const ids = found.map((m) => (uid ? m.uid : m.seq));
      if (args.returnOpts === null) {
        // mailbox-data =/ "SEARCH" [1*(SP nz-number) SP search-sort-mod-seq] when MODSEQ was a key (RFC 7162 §7)
        const high = usesModseq ? highestOf(found) : null;
        ctx.untagged((b) => {
          b.raw('SEARCH');
          for (const i of ids) b.sp().number(i);
          if (high !== null) b.raw(' (MODSEQ ').number(high).raw(')');
        });
        return;
      }
      // ESEARCH (RFC 4731): the requested aggregates of the result, and after a MODSEQ key the highest mod-sequence
      // of the messages they name (RFC 7162 §3.1.5: of all found, or of the MIN and MAX messages when only those were
      // asked for).
      const opts = args.returnOpts.length ? args.returnOpts : ['ALL'];
      const named = opts.includes('ALL') || opts.includes('COUNT') || opts.includes('SAVE') ? found
        : found.filter((_, i) => (opts.includes('MIN') && i === 0) || (opts.includes('MAX') && i === found.length - 1));
      const high = usesModseq ? highestOf(named) : null;
      ctx.untagged((b) => {
        // search-correlator = SP "(" "TAG" SP tag-string ")" (RFC 4466 §2.6.2)
        b.raw('ESEARCH (TAG ').string(ctx.tag).raw(')');
        if (uid) b.raw(' UID');
        if (ids.length) {
          if (opts.includes('MIN')) b.raw(' MIN ').number(Math.min(...ids));
          if (opts.includes('MAX')) b.raw(' MAX ').number(Math.max(...ids));
          if (opts.includes('ALL')) b.raw(' ALL ').seqSet(ids);
        }
        if (opts.includes('COUNT')) b.raw(' COUNT ').number(ids.length);
        if (high !== null) b.raw(' MODSEQ ').number(high);
      });
    },
  });
}

export const search = searchSpec(false);
export const uidSearch = searchSpec(true);
