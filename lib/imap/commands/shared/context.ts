/**
 * RFC 5267 §4.3's updating contexts: a SEARCH or SORT given RETURN (UPDATE) goes on telling the client how its
 * result changes, as unsolicited `ESEARCH (TAG "t") ADDTO (...)` / `REMOVEFROM (...)`, until CANCELUPDATE names it or
 * the mailbox is no longer selected. The contexts belong to the selection (Selected.contexts).
 *
 * Changes are worked out from the session's own change reporting, never by watching anything: the session's
 * reportUpdates (after every command, and in IDLE whenever the mailbox says it may have changed) calls
 * {@link expungedFromContexts} before it tells each expunge, and {@link refreshContexts} once it has told the rest
 * (EXISTS included). Which messages to look at again comes from the index: a message whose flags changed has a new
 * MODSEQ (RFC 7162; every message has one here), a new message a UID above those the context has seen, so only those
 * are searched again, whoever changed them (this session's STORE, another session, a delivery). A program whose
 * answer can change without its message changing (message numbers, `*`) is searched over every message instead.
 */
import type { OpenMailbox } from '../../../mailbox/driver.js';
import { searchMessages, type SearchMessage, type SearchProgram } from '../../../mail/search.js';
import { sortMessages, type SortCriterion } from '../../../mail/sort.js';
import type { SearchKey } from '../../../values/search-key.js';
import type { SequenceArg } from '../../../values/sequence.js';
import type { ResponseBuilder } from '../../../wire/encode.js';
import type { Selected } from '../../command.js';
import { boxMessages } from './search.js';

/**
 * How many updating contexts one selection keeps. RFC 5267 §4.3.1: "Servers MUST provide at least one updating
 * context per client, and SHOULD provide more"; each costs a UID per message it holds and a search of the messages
 * that change, so a few, not one per command a client cares to send. Past it, UPDATE is refused with NOUPDATE.
 */
const MAX_UPDATE_CONTEXTS = 5;

/** One updating context. */
export interface UpdateContext {
  /** The searching command's tag: the correlator of its updates, and what CANCELUPDATE names. */
  readonly tag: string;
  /** UID SEARCH or UID SORT: updates name UIDs; else message numbers (§4.3.2). */
  readonly uid: boolean;
  /** SORT's criteria (updates carry positions in that order); null for SEARCH (mailbox order, position 0). */
  readonly criteria: readonly SortCriterion[] | null;
  /** The compiled search, "$" as it was when the command ran. */
  readonly program: SearchProgram;
  /** Whether the answer for a message can change without the message changing: search it all again each time. */
  readonly volatile: boolean;
  /** The result the client holds: UIDs, in the context's order. */
  results: number[];
  /** The HIGHESTMODSEQ and the highest UID and count the results were last worked out against. */
  seenModseq: number;
  seenUid: number;
  seenCount: number;
}

type Write = (build: (b: ResponseBuilder) => void) => void;

/**
 * Why updates of `keys` cannot be kept, or null when they can. OLDER and YOUNGER (RFC 5032) move with the clock
 * alone, and no change of the mailbox would say when a message's answer flips: such a context is refused with
 * NOUPDATE (§4.3.1 lets a server refuse) rather than kept wrong.
 */
function refusal(keys: readonly SearchKey[]): string | null {
  return keys.some((k) => someKey(k, (x) => x.key === 'OLDER' || x.key === 'YOUNGER'))
    ? 'Results that change with time alone are not updated' : null;
}

function someKey(k: SearchKey, test: (k: SearchKey) => boolean): boolean {
  if (test(k)) return true;
  switch (k.key) {
    case 'NOT': return someKey(k.operand, test);
    case 'OR': return someKey(k.left, test) || someKey(k.right, test);
    case 'AND': return k.operands.some((o) => someKey(o, test));
    default: return false;
  }
}

/** A message-number set, or a set with `*`, names other messages as the mailbox changes. */
function volatileSet(set: SequenceArg): boolean {
  return set !== '$' && set.items.some((r) => r.first === '*' || r.last === '*');
}

function isVolatile(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => someKey(k, (x) => x.key === 'SEQ' || (x.key === 'UID' && volatileSet(x.set))));
}

/**
 * Starts updates for the command `tag` whose result is `found` (in its order): null when started, else why not
 * (the text of the untagged `NO [NOUPDATE "tag"]`, §4.3.1). The caller has already refused a tag in use (BAD).
 */
export function startUpdates(sel: Selected, tag: string, uid: boolean, criteria: readonly SortCriterion[] | null,
  keys: readonly SearchKey[], program: SearchProgram, found: readonly SearchMessage[]): string | null {
  const why = refusal(keys);
  if (why !== null) return why;
  if (sel.contexts.size >= MAX_UPDATE_CONTEXTS) return `Too many updating contexts (at most ${MAX_UPDATE_CONTEXTS})`;
  const box = sel.box;
  const n = box.count();
  sel.contexts.set(tag, {
    tag, uid, criteria, program, volatile: isVolatile(keys), results: found.map((m) => m.uid),
    seenModseq: box.highestModseq(), seenUid: n ? box.meta(n).uid : 0, seenCount: n,
  });
  return null;
}

/** `* ESEARCH (TAG "t") [UID]` and the context's return data. */
function esearch(write: Write, c: UpdateContext, data: (b: ResponseBuilder) => void): void {
  write((b) => {
    b.raw('ESEARCH (TAG ').string(c.tag).raw(')');
    if (c.uid) b.raw(' UID');
    data(b);
  });
}

/**
 * The message `uid` (number `seq` as the client knows it now) is about to be told expunged: each context that holds
 * it says REMOVEFROM first, "prior to the expunge notification itself, in order that those sequence numbers remain
 * valid" (§4.3.4).
 */
export function expungedFromContexts(sel: Selected, uid: number, seq: number, write: Write): void {
  for (const c of sel.contexts.values()) {
    const at = c.results.indexOf(uid);
    if (at < 0) continue;
    c.results.splice(at, 1);
    const pos = c.criteria === null ? 0 : at + 1;
    esearch(write, c, (b) => b.raw(' REMOVEFROM (').number(pos).sp().number(c.uid ? uid : seq).raw(')'));
  }
}

/**
 * Tells each context's changes since it last looked: messages that left its result (REMOVEFROM) and messages that
 * joined it (ADDTO), after the EXISTS that made new ones known (§4.3.3). SEARCH's updates are in mailbox order at
 * position 0 (§4.3.3, §4.3.4: "servers are RECOMMENDED to order the result update into mailbox order"); SORT's
 * carry positions, so that the client's list stays in the requested order (§4.3.2): removals first, each run at its
 * position in the list as it is then, then insertions, each run at the position it takes in the new list, in
 * ascending order, so that every pair applies to the list the pairs before it left.
 */
export async function refreshContexts(sel: Selected, now: number, write: Write): Promise<void> {
  if (sel.contexts.size === 0) return;
  const box = sel.box;
  const n = box.count();
  const top = n ? box.meta(n).uid : 0;
  const modseq = box.highestModseq();
  for (const c of sel.contexts.values()) {
    if (c.seenModseq === modseq && c.seenUid === top && c.seenCount === n) continue;
    const seqs: number[] = [];
    for (let seq = 1; seq <= n; seq++) {
      const m = box.meta(seq);
      if (c.volatile || m.modseq > c.seenModseq || m.uid > c.seenUid) seqs.push(seq);
    }
    const matched = new Set((await searchMessages(c.program, boxMessages(box, seqs), { maxSeq: n, maxUid: top, now }))
      .map((m) => m.uid));
    const held = new Set(c.results);
    const removed: number[] = [];
    const added: number[] = [];
    for (const seq of seqs) {
      const uid = box.meta(seq).uid;
      if (held.has(uid) && !matched.has(uid)) removed.push(uid);
      else if (!held.has(uid) && matched.has(uid)) added.push(uid);
    }
    c.seenModseq = modseq;
    c.seenUid = top;
    c.seenCount = n;
    if (removed.length === 0 && added.length === 0) continue;
    if (c.criteria === null) tellSearch(box, c, removed, added, write);
    else await tellSort(box, c, c.criteria, removed, added, write);
  }
}

/** The number the client knows message `uid` by in context `c`. */
function idOf(box: OpenMailbox, c: UpdateContext, uid: number): number {
  return c.uid ? uid : box.seqOf(uid) ?? 0;
}

function tellSearch(box: OpenMailbox, c: UpdateContext, removed: number[], added: number[], write: Write): void {
  esearch(write, c, (b) => {
    if (removed.length) b.raw(' REMOVEFROM (0 ').seqSet(removed.map((u) => idOf(box, c, u))).raw(')');
    if (added.length) b.raw(' ADDTO (0 ').seqSet(added.map((u) => idOf(box, c, u))).raw(')');
  });
  const gone = new Set(removed);
  c.results = c.results.filter((u) => !gone.has(u)).concat(added).sort((a, b) => a - b);
}

/** Runs of consecutive indexes of `at` (ascending): [first index, the UIDs of the run]. */
function runs(at: readonly number[], uidAt: (i: number) => number): Array<[number, number[]]> {
  const out: Array<[number, number[]]> = [];
  for (const i of at) {
    const last = out[out.length - 1];
    if (last !== undefined && i === last[0] + last[1].length) last[1].push(uidAt(i));
    else out.push([i, [uidAt(i)]]);
  }
  return out;
}

async function tellSort(box: OpenMailbox, c: UpdateContext, criteria: readonly SortCriterion[], removed: number[],
  added: number[], write: Write): Promise<void> {
  const gone = new Set(removed);
  const at = c.results.flatMap((u, i) => (gone.has(u) ? [i] : []));
  const removals = runs(at, (i) => c.results[i] ?? 0);
  const kept = c.results.filter((u) => !gone.has(u));
  // Messages keep their order among themselves (their keys do not change, and ties go by message number, which an
  // expunge does not reorder), so sorting what is kept with what joins places the new ones among the old.
  const seqs = kept.concat(added).flatMap((u) => {
    const seq = box.seqOf(u);
    return seq === undefined ? [] : [seq];
  });
  const list = (await sortMessages(boxMessages(box, seqs), criteria)).map((m) => m.uid);
  const fresh = new Set(added);
  const insertions = runs(list.flatMap((u, i) => (fresh.has(u) ? [i] : [])), (i) => list[i] ?? 0);
  esearch(write, c, (b) => {
    if (removals.length) {
      b.raw(' REMOVEFROM (');
      let before = 0;
      removals.forEach(([i, uids], k) => {
        if (k) b.sp();
        b.number(i + 1 - before).sp().orderedSet(uids.map((u) => idOf(box, c, u)));
        before += uids.length;
      });
      b.raw(')');
    }
    if (insertions.length) {
      b.raw(' ADDTO (');
      insertions.forEach(([i, uids], k) => {
        if (k) b.sp();
        b.number(i + 1).sp().orderedSet(uids.map((u) => idOf(box, c, u)));
      });
      b.raw(')');
    }
  });
  c.results = list;
}

/** Ends the updates of the contexts `tags` (CANCELUPDATE, §4.3.5): false, and nothing ended, when one is unknown. */
export function cancelUpdates(sel: Selected, tags: readonly string[]): boolean {
  if (!tags.every((t) => sel.contexts.has(t))) return false;
  for (const t of tags) sel.contexts.delete(t);
  return true;
}
