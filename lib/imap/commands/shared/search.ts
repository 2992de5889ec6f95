/** The search SEARCH, SORT and THREAD share (RFC 5256 §3: their search criteria are SEARCH's). */
import type { InternalDate, OpenMailbox } from '../../../mailbox/driver.js';
import {
  compileSearch, searchMessages, SearchCharsetError, type SearchMessage, type SearchProgram,
} from '../../../mail/search.js';
import { summaryHeader } from '../../../mail/header.js';
import type { SearchKey } from '../../../values/search-key.js';
import type { ArgCursor } from '../../../wire/parser.js';
import { emailIdOf } from '../../email-id.js';
import { bad, no } from '../../errors.js';
import type { SelectedContext } from '../../command.js';
import { enableCondstore } from './condstore.js';
import { utf8On } from './mailbox-name.js';

/** The name the summary header is kept under (OpenMailbox.cached); a new cut (other fields) takes a new name. */
const SUMMARY_CACHE = 'mail.summary.1';

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
    /** Whether this command keeps the summaries it cuts: decided by the first message asked (see fields). */
    private readonly summary: { keep?: boolean },
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

  get modseq(): number {
    return this.box.meta(this.seq).modseq;
  }

  get saveDate(): InternalDate | undefined {
    return this.box.meta(this.seq).saveDate;
  }

  emailId(): Promise<string | null> {
    return emailIdOf(this.box, this.seq);
  }

  header(): Promise<Buffer> {
    return this.box.header(this.seq);
  }

  /**
   * The summary header (THREAD, SORT, most SEARCHes): kept by the mailbox from an earlier session, or cut now and
   * kept. SEARCH asks with `keep` false: it reads what THREAD kept, but otherwise reads the header as it always did
   * (cutting and keeping the summary of every message would make it a quarter slower; SORT keeps its keys instead:
   * see sortHeader and keepValue). THREAD keeps the summaries only where the mailbox keeps or wants them
   * (OpenMailbox.keepsAny): a first THREAD asks for them, and cuts nothing.
   */
  async fields(keep = true): Promise<Buffer> {
    const kept = this.box.cached(this.seq, SUMMARY_CACHE);
    // A copy: what the cache hands out is valid only until its next look-up, and a sort may hold field values.
    if (kept !== null) return Buffer.from(kept);
    const header = await this.box.header(this.seq);
    if (!keep) return header;
    if (this.summary.keep === undefined) {
      this.summary.keep = this.box.keepsAny(SUMMARY_CACHE);
      if (!this.summary.keep) this.box.wantKept(SUMMARY_CACHE);
    }
    if (!this.summary.keep) return header;
    const cut = summaryHeader(header);
    await this.box.keep(this.seq, SUMMARY_CACHE, cut);
    return cut;
  }

  body(): AsyncIterable<Uint8Array> {
    return this.box.text(this.seq).chunks();
  }

  /**
   * SORT's header: the summary kept (by THREAD), else the header's bytes as stored, read without a copy or the
   * serving (SORT's fields are not storage metadata, and its parsers take bare LF line ends).
   */
  async sortHeader(): Promise<Buffer> {
    const kept = this.box.cached(this.seq, SUMMARY_CACHE);
    return kept !== null ? Buffer.from(kept) : this.box.parseableHeader(this.seq);
  }

  /** SORT's keys kept with the message (lib/mail/sort.ts names and encodes them). */
  keptValue(name: string): Buffer | null {
    return this.box.cached(this.seq, name);
  }

  keepValue(name: string, value: Uint8Array): Promise<void> {
    return this.box.keep(this.seq, name, value);
  }

  keepsAny(name: string): boolean {
    return this.box.keepsAny(name);
  }

  wantKept(name: string): void {
    this.box.wantKept(name);
  }
}

function searchable(box: OpenMailbox): SearchMessage[] {
  const out: SearchMessage[] = [];
  const summary = {};
  for (let seq = 1; seq <= box.count(); seq++) out.push(new BoxMessage(box, seq, summary));
  return out;
}

/** The messages `seqs` of `box` as SEARCH and SORT see them (for RFC 5267 UPDATE, which looks at a few again). */
export function boxMessages(box: OpenMailbox, seqs: readonly number[]): SearchMessage[] {
  const summary = {};
  return seqs.map((seq) => new BoxMessage(box, seq, summary));
}

/**
 * The messages of the selected mailbox matching `keys` (ANDed), in sequence order, and whether a key was MODSEQ
 * (RFC 7162 §3.1.5: the command is then CONDSTORE-enabling, and SEARCH and SORT end their answer with the highest
 * mod-sequence found). `charset` is the command's CHARSET (null: US-ASCII); OLDER/YOUNGER count from the session
 * clock's now; `$` is the saved result as it is before this command (RFC 5182). Shared by SEARCH, SORT and THREAD (RFC 5256 §3: their search criteria are SEARCH's). Throws NO
 * [BADCHARSET] for a charset that cannot be decoded (RFC 3501 §6.4.4, RFC 5256 §3).
 */
export async function searchSelected(ctx: SelectedContext, keys: readonly SearchKey[], charset: string | null):
  Promise<{ messages: SearchMessage[]; usesModseq: boolean; program: SearchProgram }> {
  // Without CHARSET the strings are UTF-8 once names are (UTF8=ACCEPT or IMAP4rev2, whose strings may hold UTF-8:
  // RFC 9051 §9's QUOTED-CHAR); US-ASCII, of which UTF-8 is a superset, before.
  const utf8 = utf8On(ctx);
  // RFC 9755 §3 (RFC 6855 erratum 4029): once UTF8=ACCEPT is on the strings are UTF-8, and a charset that says
  // otherwise conflicts with that: BAD. UTF-8 named again does not conflict and is taken. IMAP4rev2 alone keeps
  // CHARSET as it was (RFC 9051 §6.4.4).
  if (ctx.session.enabled.has('UTF8=ACCEPT') && charset !== null && charset.toUpperCase() !== 'UTF-8') {
    throw bad(`CHARSET ${charset.slice(0, 40)} conflicts with UTF8=ACCEPT: search strings are UTF-8`);
  }
  let program;
  try {
    program = compileSearch(keys, charset ?? (utf8 ? 'UTF-8' : 'US-ASCII'), ctx.selected.saved);
  } catch (e) {
    if (e instanceof SearchCharsetError) throw no(`Unsupported charset ${charset}`, 'BADCHARSET (US-ASCII UTF-8)');
    throw e;
  }
  if (program.usesModseq) enableCondstore(ctx);
  const box = ctx.selected.box;
  const n = box.count();
  const now = ctx.session.opts.clock.now();
  const messages = await searchMessages(program, searchable(box), { maxSeq: n, maxUid: n ? box.meta(n).uid : 0, now });
  return { messages, usesModseq: program.usesModseq, program };
}

/**
 * search-criteria = charset 1*(SP search-key) (RFC 5256 §5): unlike SEARCH's optional `CHARSET x`, the charset is
 * required and bare. Returns the charset (an astring) and the keys, ANDed. For SORT and THREAD.
 */
export function searchCriteria(a: ArgCursor): { charset: string; keys: SearchKey[] } {
  const charset = a.astring().toString('latin1');
  a.sp();
  const keys = [a.searchKey()];
  while (a.maybeSp()) keys.push(a.searchKey());
  return { charset, keys };
}
