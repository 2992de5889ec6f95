/**
 * RFC 5256 §3 THREAD: ORDEREDSUBJECT and REFERENCES, and the §4 response syntax. PURE.
 *
 * ```
 * thread-list     = "(" (thread-members / thread-nested) ")"
 * thread-members  = nz-number *(SP nz-number) [SP thread-nested]
 * thread-nested   = 2*thread-list
 * ```
 * Dates are RFC 5256 §2.2 sent dates (Date:, else INTERNALDATE); ties go to the lower sequence number. RFC 5256
 * REFERENCES step 6 says to fall back to sequence order "if either of the Date: headers used in a comparison can not
 * be parsed"; we use the §2.2 sent date (INTERNALDATE fallback) instead, as Dovecot does, so that one message with a
 * broken Date: does not make sibling order intransitive.
 */
import type { InternalDate } from '../values/dates.js';
import { baseSubject, unicodeCasemapKey } from './base-subject.js';
import { FieldSet, fieldValues } from './header.js';
import { sentTime } from './sort.js';

/** What THREAD needs of a message. header() is called once per message. */
export interface ThreadMessage {
  readonly seq: number;
  readonly internalDate: InternalDate;
  header(): Promise<Buffer>;
  /** The header cut down to SUMMARY_FIELDS (header.ts), which hold every field threading reads: asked for when given. */
  fields?(): Promise<Buffer>;
}

/** A node of a thread tree; `message` is undefined for a dummy (a message referred to but not in the mailbox). */
export interface ThreadNode<M> {
  readonly message: M | undefined;
  readonly children: readonly ThreadNode<M>[];
}

interface Info<M> {
  readonly msg: M;
  readonly seq: number;
  readonly sent: number;
  readonly subjectKey: string;
  readonly isReply: boolean;
  readonly messageId: string | undefined;
  readonly references: readonly string[];
}

/** `msg-id = "<" id-left "@" id-right ">"`, leniently: anything non-empty between angle brackets, spaces removed. */
function messageIds(v: Uint8Array | undefined): string[] {
  if (v === undefined) return [];
  const s = Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1');
  const out: string[] = [];
  for (const m of s.matchAll(/<([^<>]*)>/g)) {
    const id = (m[1] ?? '').replace(/[\s]+/g, '');
    if (id.length > 0) out.push(id);
  }
  return out;
}

/** The fields THREAD reads (the first of each name), in the order {@link fieldValues} gives their values. */
const THREAD_FIELDS = new FieldSet(['subject', 'references', 'in-reply-to', 'message-id', 'date']);

async function infos<M extends ThreadMessage>(msgs: readonly M[]): Promise<Info<M>[]> {
  const out: Info<M>[] = [];
  const scratch = new Int32Array(2 * THREAD_FIELDS.size);
  for (const msg of msgs) {
    const [subject, refs, inReplyTo, messageId, date] = fieldValues(THREAD_FIELDS, await (msg.fields?.() ?? msg.header()), scratch);
    const base = baseSubject(subject ?? '');
    let references = messageIds(refs ?? undefined);
    // RFC 5256 REFERENCES step 1: "If a message does not have a References header line, or the References header
    // line does not contain any valid Message IDs, then use the first (if any) valid Message ID found in the
    // In-Reply-To header line as the only member of the References list."
    if (references.length === 0) references = messageIds(inReplyTo ?? undefined).slice(0, 1);
    out.push({
      msg,
      seq: msg.seq,
      sent: sentTime(date ?? null, msg.internalDate),
      subjectKey: unicodeCasemapKey(base.subject).toString('utf8'),
      isReply: base.isReplyOrForward,
      messageId: messageIds(messageId ?? undefined)[0],
      references,
    });
  }
  return out;
}

function byDate<M>(a: Info<M>, b: Info<M>): number {
  return a.sent - b.sent || a.seq - b.seq;
}

/**
 * THREAD=ORDEREDSUBJECT: "sorts the messages by base subject and then by the sent date. The messages are then split
 * into separate threads, with each thread containing messages with the same extracted subject text. Finally, the
 * threads are sorted by the sent date of the first message in the thread." The first message is the parent, "and
 * the subsequent messages are children of the first message" (siblings, not a chain).
 */
export async function threadOrderedSubject<M extends ThreadMessage>(msgs: readonly M[]): Promise<ThreadNode<M>[]> {
  const groups = new Map<string, Info<M>[]>();
  for (const i of await infos(msgs)) {
    const g = groups.get(i.subjectKey);
    if (g === undefined) groups.set(i.subjectKey, [i]);
    else g.push(i);
  }
  const threads = [...groups.values()].map((g) => g.sort(byDate));
  threads.sort((a, b) => byDate(a[0] as Info<M>, b[0] as Info<M>));
  return threads.map(([first, ...rest]) => ({
    message: first?.msg,
    children: rest.map((r) => ({ message: r.msg, children: [] })),
  }));
}

interface Container<M> {
  info: Info<M> | undefined;
  parent: Container<M> | undefined;
  children: Container<M>[];
}

function newContainer<M>(info?: Info<M>): Container<M> {
  return { info, parent: undefined, children: [] };
}

/** True when `a` is `b` or one of its ancestors. */
function isAncestorOrSelf<M>(a: Container<M>, b: Container<M>): boolean {
  for (let c: Container<M> | undefined = b; c !== undefined; c = c.parent) if (c === a) return true;
  return false;
}

function link<M>(parent: Container<M>, child: Container<M>): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink<M>(child: Container<M>): void {
  const p = child.parent;
  if (p === undefined) return;
  p.children = p.children.filter((c) => c !== child);
  child.parent = undefined;
}

/**
 * RFC 5256 REFERENCES step 4: "Prune dummy messages from the thread tree. Traverse each thread under the root, and
 * delete any dummy message with no children. If a dummy has children, delete the dummy and promote its children to
 * the dummy's level, unless the dummy is at the root level and has more than one child."
 */
function prune<M>(list: readonly Container<M>[], parent: Container<M> | undefined): Container<M>[] {
  const out: Container<M>[] = [];
  for (const c of list) {
    c.children = prune(c.children, c);
    if (c.info !== undefined) {
      out.push(c);
    } else if (c.children.length > 0 && (parent !== undefined || c.children.length === 1)) {
      for (const ch of c.children) {
        ch.parent = parent;
        out.push(ch);
      }
    } else if (c.children.length > 0) {
      out.push(c);
    }
  }
  return out;
}

/** The message that stands for a thread root: itself, or a dummy's first child. */
function representative<M>(c: Container<M>): Info<M> | undefined {
  return c.info ?? c.children[0]?.info;
}

/** RFC 5256 REFERENCES step 6: siblings by sent date; "a dummy message ... use its first child for sorting". */
function sortTree<M>(list: Container<M>[]): void {
  for (const c of list) sortTree(c.children);
  list.sort((a, b) => {
    const x = representative(a);
    const y = representative(b);
    return x === undefined || y === undefined ? 0 : byDate(x, y);
  });
}

/**
 * THREAD=REFERENCES, RFC 5256 §3 steps 1 to 6: link messages by Message-ID, References and In-Reply-To (a message
 * without a Message-ID, or with one already taken, gets a unique one); gather the root set; prune dummies; merge
 * root threads by base subject; sort siblings by sent date.
 */
export async function threadReferences<M extends ThreadMessage>(msgs: readonly M[]): Promise<ThreadNode<M>[]> {
  const table = new Map<string, Container<M>>();
  const all: Container<M>[] = [];
  const lookup = (id: string): Container<M> => {
    let c = table.get(id);
    if (c === undefined) {
      c = newContainer<M>();
      table.set(id, c);
      all.push(c);
    }
    return c;
  };
  for (const info of await infos(msgs)) {
    // Step 1A: the message's own container.
    let own: Container<M>;
    const existing = info.messageId === undefined ? undefined : table.get(info.messageId);
    if (info.messageId !== undefined && (existing === undefined || existing.info === undefined)) {
      own = lookup(info.messageId);
      own.info = info;
    } else {
      own = newContainer(info); // no Message-ID, or a duplicate: a unique one
      all.push(own);
    }
    // Step 1B: "For each element in the message's References field ... link the References field's Message IDs
    // together in the order implied by the References header ... If they are already linked don't change the
    // existing links. Do not add a link if adding that link would introduce a loop."
    let prev: Container<M> | undefined;
    for (const ref of info.references) {
      const c = lookup(ref);
      if (prev !== undefined && c.parent === undefined && !isAncestorOrSelf(c, prev)) link(prev, c);
      prev = c;
    }
    // Step 1C: "Create a parent/child link between the last reference (or NIL if there are no references) and the
    // current message. If the current message already has a parent, it is probably the result of a truncated
    // References header line, so break the current parent/child link before creating the new correct one. As in
    // step 1.B, do not create the parent/child link if creating that link would introduce a loop."
    // In that order: the old link is broken first, so a message whose last reference is its own descendant ends
    // up a root, not left under the parent an earlier message's References gave it (Dovecot 2.3 does the same).
    unlink(own);
    if (prev !== undefined && !isAncestorOrSelf(own, prev)) link(prev, own);
  }
  // Step 2: the root set; step 3: the id table is no longer needed.
  let roots = prune(
    all.filter((c) => c.parent === undefined),
    undefined,
  );

  // Step 5: gather together messages under the root that have the same base subject text.
  const subjects = new Map<string, Container<M>>();
  for (const r of roots) {
    const rep = representative(r);
    if (rep === undefined || rep.subjectKey === '') continue;
    const t = subjects.get(rep.subjectKey);
    const tRep = t === undefined ? undefined : representative(t);
    if (
      t === undefined ||
      (r.info === undefined && t.info !== undefined) ||
      (tRep !== undefined && tRep.isReply && !rep.isReply && r.info !== undefined)
    ) {
      subjects.set(rep.subjectKey, r);
    }
  }
  const removed = new Set<Container<M>>();
  for (const r of [...roots]) {
    const rep = representative(r);
    if (rep === undefined || rep.subjectKey === '') continue;
    const t = subjects.get(rep.subjectKey);
    if (t === undefined || t === r || removed.has(r)) continue;
    if (t.info === undefined && r.info === undefined) {
      // "If both messages are dummies, append the current message's children to the children of the message in
      // the subject table (the children of both messages become siblings), and then delete the current message."
      for (const ch of r.children) link(t, ch);
      r.children = [];
      removed.add(r);
    } else if (t.info === undefined && r.info !== undefined) {
      // "If the message in the subject table is a dummy and the current message is not, make the current message
      // a child of the message in the subject table (a sibling of its children)."
      link(t, r);
      removed.add(r);
    } else if (r.info !== undefined && t.info !== undefined && r.info.isReply && !t.info.isReply) {
      // "If the current message is a reply or forward and the message in the subject table is not, make the
      // current message a child of the message in the subject table (a sibling of its children)."
      link(t, r);
      removed.add(r);
    } else {
      // "Otherwise, create a new dummy message and make both the current message and the message in the subject
      // table children of the dummy. Then replace the message in the subject table with the dummy message."
      const dummy = newContainer<M>();
      roots = roots.map((x) => (x === t ? dummy : x));
      link(dummy, t);
      link(dummy, r);
      removed.add(r);
      subjects.set(rep.subjectKey, dummy);
    }
  }
  roots = roots.filter((r) => !removed.has(r));
  for (const r of roots) r.parent = undefined;

  // Step 6.
  sortTree(roots);
  const freeze = (c: Container<M>): ThreadNode<M> => ({ message: c.info?.msg, children: c.children.map(freeze) });
  return roots.map(freeze);
}

/**
 * Renders threads in the RFC 5256 §4 syntax: `(2)(3 6 (4 23)(44 7 96))`; a dummy contributes no number
 * (`((3)(5))`). `id` gives the number to print (the sequence number, or the UID for UID THREAD).
 */
export function renderThreads<M>(roots: readonly ThreadNode<M>[], id: (m: M) => number): string {
  const inline = (n: ThreadNode<M>): string => {
    const head = n.message === undefined ? [] : [String(id(n.message))];
    const [only, ...more] = n.children;
    if (only !== undefined && more.length === 0) return [...head, inline(only)].join(' ');
    if (only !== undefined) head.push(n.children.map((c) => '(' + inline(c) + ')').join(''));
    return head.join(' ');
  };
  return roots.map((r) => '(' + inline(r) + ')').join('');
}
