// thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria  (RFC 5256 §5)
/**
 * THREAD and UID THREAD (RFC 5256 §3): the messages matching SEARCH criteria, grouped into threads by ORDEREDSUBJECT
 * or REFERENCES, answered as `* THREAD (1 2)(3 (4)(5))` (message numbers, or UIDs for UID THREAD). No untagged
 * EXPUNGE while it runs (RFC 3501 §7.4.1: the response names messages by number).
 */
import type { SearchKey } from '../../values/search-key.js';
import type { SearchMessage } from '../../mail/search.js';
import { renderThreads, threadOrderedSubject, threadReferences, type ThreadNode } from '../../mail/thread.js';
import { ParseError, type ArgCursor } from '../../wire/parser.js';
import { defineSelectedCommand, type Command, type SelectedContext } from '../command.js';
import { searchCriteria, searchSelected } from './shared/search.js';

export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

/** The algorithms advertised as THREAD=<name>, in CAPABILITY order. */
export const THREAD_ALGORITHMS: readonly ThreadAlgorithm[] = ['ORDEREDSUBJECT', 'REFERENCES'];

/** thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext; an algorithm we do not have is a BAD. */
function threadAlg(a: ArgCursor): ThreadAlgorithm {
  const w = a.atom().toUpperCase();
  const alg = THREAD_ALGORITHMS.find((x) => x === w);
  if (alg === undefined) throw new ParseError(`Unknown threading algorithm ${w.slice(0, 32)}`);
  return alg;
}

interface ThreadArgs {
  readonly algorithm: ThreadAlgorithm;
  readonly charset: string;
  readonly keys: readonly SearchKey[];
}

function threadSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID THREAD' : 'THREAD', states: ['selected'], expungeSafe: false,
    parse(a): ThreadArgs {
      a.sp();
      const algorithm = threadAlg(a);
      a.sp();
      const { charset, keys } = searchCriteria(a);
      a.end();
      return { algorithm, charset, keys };
    },
    async run(ctx: SelectedContext, args: ThreadArgs) {
      const found = (await searchSelected(ctx, args.keys, args.charset)).messages;
      const roots: ThreadNode<SearchMessage>[] =
        args.algorithm === 'REFERENCES' ? await threadReferences(found) : await threadOrderedSubject(found);
      // thread-data = "THREAD" [SP 1*thread-list]: a bare THREAD when nothing matched.
      const text = renderThreads(roots, (m) => (uid ? m.uid : m.seq));
      ctx.untagged((b) => (text ? b.raw('THREAD ').raw(text) : b.raw('THREAD')));
    },
  });
}

export const thread = threadSpec(false);
export const uidThread = threadSpec(true);
