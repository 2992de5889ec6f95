// notify = "NOTIFY" SP (notify-set / notify-none)  (RFC 5465 §8)
// notify-set = "SET" [status-indicator] SP event-groups ; status-indicator = SP "STATUS"
// notify-none = "NONE" ; event-groups = event-group *(SP event-group)
// event-group = "(" filter-mailboxes SP events ")"
// filter-mailboxes = filter-mailboxes-selected / filter-mailboxes-other
// filter-mailboxes-selected = "selected" / "selected-delayed"
// filter-mailboxes-other = "inboxes" / "personal" / "subscribed" / ("subtree" SP one-or-more-mailbox) /
//                          ("mailboxes" SP one-or-more-mailbox)
// one-or-more-mailbox = mailbox / many-mailboxes ; many-mailboxes = "(" mailbox *(SP mailbox) ")"
// events = ("(" event *(SP event) ")") / "NONE"
// event = message-event / mailbox-event / user-event / event-ext
// message-event = ("MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]) / "MessageExpunge" / "FlagChange" /
//                 "AnnotationChange"
// mailbox-event = "MailboxName" / "SubscriptionChange" / "MailboxMetadataChange"
// user-event = "ServerMetadataChange" ; event-ext = atom
/**
 * NOTIFY's arguments (RFC 5465 §8), kept out of parser.ts (one rule set, one file) but built on its cursor. What the
 * grammar and §5/§6.1 make a BAD is thrown here as a ParseError; an event this server does not deliver (§3.1: a NO
 * with BADEVENT) is returned by name for the command to refuse.
 */
import { ParseError, type ArgCursor, type FetchAtt } from './parser.js';

/** The events RFC 5465 names, in its spelling; the client's spelling is matched without regard to case. */
const NOTIFY_EVENTS = [
  'MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange', 'MailboxName', 'SubscriptionChange',
  'MailboxMetadataChange', 'ServerMetadataChange',
] as const;

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange']);

/** An event as given: one of {@link NOTIFY_EVENTS} in its canonical spelling, or an event-ext atom as sent. */
interface NotifyEvent {
  readonly name: string;
  /** MessageNew's fetch attributes, when given. */
  readonly fetch?: readonly FetchAtt[];
}

type NotifyFilter =
  | { readonly kind: 'SELECTED' | 'SELECTED-DELAYED' | 'INBOXES' | 'PERSONAL' | 'SUBSCRIBED' }
  | { readonly kind: 'SUBTREE' | 'MAILBOXES'; readonly mailboxes: readonly string[] };

export interface NotifyGroup {
  readonly filter: NotifyFilter;
  /** The events; empty for NONE. */
  readonly events: readonly NotifyEvent[];
}

export type NotifyArgs =
  | { readonly kind: 'NONE' }
  | { readonly kind: 'SET'; readonly status: boolean; readonly groups: readonly NotifyGroup[] };

/** Event groups and mailboxes one command may name: bounds the parse (the store bounds what is watched). */
const MAX_GROUPS = 50;
const MAX_NAMES = 1000;

/** True for the events that concern messages (RFC 5465 §8's message-event). */
function isMessageEvent(name: string): boolean {
  return MESSAGE_EVENTS.has(name);
}

/** The arguments after `NOTIFY`, the command's end included. */
export function notifyArgs(a: ArgCursor): NotifyArgs {
  a.sp();
  const verb = a.atom().toUpperCase();
  if (verb === 'NONE') {
    a.end();
    return { kind: 'NONE' };
  }
  if (verb !== 'SET') throw new ParseError('Expected SET or NONE');
  a.sp();
  const status = a.maybeKeyword('STATUS');
  if (status) a.sp();
  const groups: NotifyGroup[] = [];
  let names = 0;
  do {
    const g = eventGroup(a);
    if (g.filter.kind === 'SUBTREE' || g.filter.kind === 'MAILBOXES') names += g.filter.mailboxes.length;
    if (groups.length >= MAX_GROUPS || names > MAX_NAMES) throw new ParseError('Too many event groups or mailboxes');
    groups.push(g);
  } while (a.maybeSp());
  a.end();
  checkGroups(groups);
  return { kind: 'SET', status, groups };
}

function eventGroup(a: ArgCursor): NotifyGroup {
  if (!a.eat('(')) throw new ParseError('Expected "(" opening an event group');
  const filter = filterMailboxes(a);
  a.sp();
  const events = eventList(a);
  if (!a.eat(')')) throw new ParseError('Expected ")" closing an event group');
  return { filter, events };
}

function filterMailboxes(a: ArgCursor): NotifyFilter {
  const kind = a.atom().toUpperCase();
  switch (kind) {
    case 'SELECTED': case 'SELECTED-DELAYED': case 'INBOXES': case 'PERSONAL': case 'SUBSCRIBED':
      return { kind };
    case 'SUBTREE': case 'MAILBOXES': {
      a.sp();
      const mailboxes: string[] = [];
      if (a.eat('(')) {
        do {
          mailboxes.push(a.mailbox());
          if (mailboxes.length > MAX_NAMES) throw new ParseError('Too many mailboxes');
        } while (a.maybeSp());
        if (!a.eat(')')) throw new ParseError('Expected ")" closing the mailbox list');
      } else mailboxes.push(a.mailbox());
      return { kind, mailboxes };
    }
    default:
      throw new ParseError(`Unknown mailbox filter ${kind.slice(0, 32)}`);
  }
}

function eventList(a: ArgCursor): NotifyEvent[] {
  if (a.maybeKeyword('NONE')) return [];
  if (!a.eat('(')) throw new ParseError('Expected "(" opening the events or NONE');
  const events: NotifyEvent[] = [];
  for (;;) {
    const given = a.atom();
    const name = NOTIFY_EVENTS.find((e) => e.toUpperCase() === given.toUpperCase()) ?? given;
    if (events.length >= NOTIFY_EVENTS.length * 2) throw new ParseError('Too many events');
    if (events.some((e) => e.name === name)) throw new ParseError(`Event ${name.slice(0, 32)} given twice`);
    if (name === 'MessageNew' && a.maybeSp()) {
      if (a.lookingAt('(')) {
        events.push({ name, fetch: a.fetchAtts() });
        if (a.maybeSp()) continue;
        break;
      }
      events.push({ name });
      continue;
    }
    events.push({ name });
    if (!a.maybeSp()) break;
  }
  if (!a.eat(')')) throw new ParseError('Expected ")" closing the events');
  return events;
}

/** RFC 5465 §5 and §6.1's rules on what may be asked together: each broken one is a tagged BAD. */
function checkGroups(groups: readonly NotifyGroup[]): void {
  const selected = groups.filter((g) => g.filter.kind === 'SELECTED' || g.filter.kind === 'SELECTED-DELAYED');
  // §6.1: only one of SELECTED and SELECTED-DELAYED, once.
  if (selected.length > 1) throw new ParseError('Only one SELECTED or SELECTED-DELAYED event group is allowed');
  for (const g of groups) {
    const has = (n: string): boolean => g.events.some((e) => e.name === n);
    // §5: MessageNew and MessageExpunge always together; FlagChange and AnnotationChange need both.
    if (has('MessageNew') !== has('MessageExpunge')) throw new ParseError('MessageNew and MessageExpunge go together');
    if ((has('FlagChange') || has('AnnotationChange')) && !has('MessageNew')) {
      throw new ParseError('FlagChange and AnnotationChange need MessageNew and MessageExpunge');
    }
    // §6.1: the selected mailbox's filters take message events only.
    if (selected.includes(g)) {
      const other = g.events.find((e) => !isMessageEvent(e.name) && NOTIFY_EVENTS.some((n) => n === e.name));
      if (other) throw new ParseError(`${other.name} is not a message event: not allowed with ${g.filter.kind}`);
    }
  }
}
