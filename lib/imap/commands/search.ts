// search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)  (RFC 3501 §9)
// search = "SEARCH" [search-return-opts] SP search-program  (RFC 4466 §3)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8; ESEARCH RFC 4731). No untagged EXPUNGE while it runs (RFC 3501
 * §7.4.1).
 */
import type { SearchCommand } from '../../wire/parser.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { searchSelected } from './shared/search.js';

function searchSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID SEARCH' : 'SEARCH', states: ['selected'], expungeSafe: false,
    parse: (a) => a.search(),
    async run(ctx: SelectedContext, args: SearchCommand) {
      const sel = ctx.selected;
      const found = await searchSelected(sel.box, args.keys, args.charset, ctx.session.opts.clock.now());
      const ids = found.map((m) => (uid ? m.uid : m.seq));
      if (args.returnOpts === null) {
        ctx.untagged((b) => {
          b.raw('SEARCH');
          for (const i of ids) b.sp().number(i);
        });
        return;
      }
      // ESEARCH (RFC 4731): the requested aggregates of the result.
      const opts = args.returnOpts.length ? args.returnOpts : ['ALL'];
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
      });
    },
  });
}

export const search = searchSpec(false);
export const uidSearch = searchSpec(true);
