/**
 * STORE and SEARCH with their UID forms (RFC 3501 §6.4.4, §6.4.6, §6.4.8; ESEARCH RFC 4731). Neither allows
 * untagged EXPUNGE responses while it runs (RFC 3501 §7.4.1).
 */
import { Flag, type InternalDate, type OpenMailbox } from '../../mailbox/driver.js';
import { compileSearch, searchMessages, SearchCharsetError, type SearchMessage } from '../../mail/search.js';
import type { SearchKey } from '../../values/search-key.js';
import type { SearchCommand, StoreAtt } from '../../wire/parser.js';
import type { SequenceSet } from '../../values/sequence.js';
import { bad, flagsOf, no, type CommandContext, defineCommand, type Command } from '../session.js';

/**
 * The sequence numbers a set names, by message number or (uid) by UID; UIDs that do not exist are skipped. Throws
 * BAD for a message number above the count, which in an empty mailbox is every one, `*` included (RFC 3501 §9
 * seq-number: "The server should respond with a tagged BAD response to a command that uses a message sequence number
 * greater than the number of messages in the selected mailbox. This includes "*" if the selected mailbox is empty").
 */
export function resolveSet(box: OpenMailbox, set: SequenceSet, uid: boolean): number[] {
  const n = box.count();
  if (!uid) {
    if (n === 0 || set.exceeds(n)) throw bad('Invalid message sequence number');
    return [...set.numbers(n)];
  }
  const maxUid = n ? box.meta(n).uid : 0;
  const out: number[] = [];
  for (const [first, last] of set.ranges(maxUid)) {
    for (let seq = 1; seq <= n; seq++) {
      const u = box.meta(seq).uid;
      if (u >= first && u <= last) out.push(seq);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

const SYSTEM: Record<string, number> = {
  '\\SEEN': Flag.Seen, '\\ANSWERED': Flag.Answered, '\\FLAGGED': Flag.Flagged, '\\DELETED': Flag.Deleted,
  '\\DRAFT': Flag.Draft,
};

/** System flag bits and keywords of a flag list (\Recent cannot be stored: RFC 3501 §2.3.2). */
export function splitFlags(flags: readonly string[]): { bits: number; keywords: string[] } {
  let bits = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    const b = SYSTEM[f.toUpperCase()];
    if (b !== undefined) bits |= b;
    else if (f.startsWith('\\')) {
      if (f.toUpperCase() !== '\\RECENT') throw bad(`Unknown system flag ${f}`);
    } else keywords.push(f);
  }
  return { bits, keywords };
}

function storeSpec(uid: boolean): Command {
  return defineCommand({
    name: uid ? 'UID STORE' : 'STORE', states: ['selected'], expungeSafe: false,
    parse(a) {
      a.sp();
      const set = a.seqSet();
      a.sp();
      const att = a.storeAtt();
      a.end();
      return { set, att };
    },
    async run(ctx: CommandContext, args: { set: SequenceSet; att: StoreAtt }) {
      const sel = ctx.session.selected;
      if (!sel) return;
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seqs = resolveSet(box, args.set, uid);
      const { bits, keywords } = splitFlags(args.att.flags);
      const undo = box.setFlags(seqs, args.att.op, bits, keywords);
      // Written through: the tagged OK (and the FETCH responses) say the flags are on disk. A write that cannot be
      // made (a full disk: NO [OVERQUOTA]) puts the flags in memory back as they are on disk. Only this change and
      // what was already pending are written (a single flag on a block with padding left is patched in place), and
      // a STORE on every message is the one rewrite CLOSE would otherwise have made.
      try {
        await box.checkpoint();
      } catch (e) {
        undo();
        throw e;
      }
      if (args.att.silent) return;
      for (const seq of seqs) {
        const m = box.meta(seq);
        ctx.untagged(`${seq} FETCH (${uid ? `UID ${m.uid} ` : ''}FLAGS (${flagsOf(m.flags, m.keywords, m.recent)}))`);
      }
    },
  });
}

export const store = storeSpec(false);
export const uidStore = storeSpec(true);

/**
 * A message of the selected mailbox as SEARCH sees them (also what SORT and THREAD need of a message): a box and a
 * sequence number, everything else read from the index when asked (a size only for LARGER/SMALLER, since sizing
 * reads the body). Two fields an object, so a search over 100,000 messages costs a few MB, not a property
 * dictionary per message.
 */
class BoxMessage implements SearchMessage {
  constructor(
    private readonly box: OpenMailbox,
    readonly seq: number,
  ) {}

  get uid(): number {
    return this.box.meta(this.seq).uid;
  }

  get flags(): number {
    return this.box.meta(this.seq).flags;
  }

  get keywords(): readonly string[] {
    return this.box.meta(this.seq).keywords;
  }

  get recent(): boolean {
    return this.box.meta(this.seq).recent;
  }

  get internalDate(): InternalDate {
    return this.box.meta(this.seq).internalDate;
  }

  get size(): number {
    return this.box.meta(this.seq).size;
  }

  header(): Promise<Buffer> {
    return this.box.header(this.seq);
  }

  body(): AsyncIterable<Uint8Array> {
    return this.box.text(this.seq).chunks();
  }
}

function searchable(box: OpenMailbox): SearchMessage[] {
  const out: SearchMessage[] = [];
  for (let seq = 1; seq <= box.count(); seq++) out.push(new BoxMessage(box, seq));
  return out;
}

/**
 * The messages of `box` matching `keys` (ANDed), in sequence order. `charset` is the command's CHARSET (null:
 * US-ASCII); `now` is the session clock's time, for OLDER/YOUNGER. Shared by SEARCH, SORT and THREAD (RFC 5256 §3:
 * their search criteria are SEARCH's). Throws NO [BADCHARSET] for a charset that cannot be decoded (RFC 3501 §6.4.4, RFC 5256 §3).
 */
export async function searchSelected(box: OpenMailbox, keys: readonly SearchKey[], charset: string | null,
  now: number): Promise<SearchMessage[]> {
  let program;
  try {
    program = compileSearch(keys, charset ?? 'US-ASCII');
  } catch (e) {
    if (e instanceof SearchCharsetError) throw no(`Unsupported charset ${charset}`, 'BADCHARSET (US-ASCII UTF-8)');
    throw e;
  }
  const n = box.count();
  return searchMessages(program, searchable(box), { maxSeq: n, maxUid: n ? box.meta(n).uid : 0, now });
}

function searchSpec(uid: boolean): Command {
  return defineCommand({
    name: uid ? 'UID SEARCH' : 'SEARCH', states: ['selected'], expungeSafe: false,
    parse: (a) => a.search(),
    async run(ctx: CommandContext, args: SearchCommand) {
      const sel = ctx.session.selected;
      if (!sel) return;
      const found = await searchSelected(sel.box, args.keys, args.charset, ctx.session.opts.clock.now());
      const ids = found.map((m) => (uid ? m.uid : m.seq));
      if (args.returnOpts === null) {
        ctx.untagged(`SEARCH${ids.map((i) => ` ${i}`).join('')}`);
        return;
      }
      // ESEARCH (RFC 4731): the requested aggregates of the result.
      const opts = args.returnOpts.length ? args.returnOpts : ['ALL'];
      let text = `ESEARCH (TAG "${ctx.tag}")${uid ? ' UID' : ''}`;
      if (ids.length) {
        if (opts.includes('MIN')) text += ` MIN ${Math.min(...ids)}`;
        if (opts.includes('MAX')) text += ` MAX ${Math.max(...ids)}`;
        if (opts.includes('ALL')) text += ` ALL ${compact(ids)}`;
      }
      if (opts.includes('COUNT')) text += ` COUNT ${ids.length}`;
      ctx.untagged(text);
    },
  });
}

/** A sorted list of numbers as a compact sequence set (`1:3,7`). */
export function compact(ids: readonly number[]): string {
  const s = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] as number) === (s[j] as number) + 1) j++;
    parts.push(j > i ? `${s[i]}:${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export const search = searchSpec(false);
export const uidSearch = searchSpec(true);
