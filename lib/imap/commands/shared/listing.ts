/** What LIST, LSUB and XLIST share: RFC 3501's arguments and the response line. */
import type { ArgCursor } from '../../../wire/parser.js';
import type { ListEntry } from '../../../mailbox/store.js';
import { MailboxError } from '../../../mailbox/driver.js';
import type { AuthenticatedContext, CommandContext } from '../../command.js';
import { mailboxName, utf8On } from './mailbox-name.js';

/** The arguments of RFC 3501's LIST and LSUB: a reference and one pattern. */
export interface ListArgs {
  readonly reference: string;
  readonly pattern: string;
}

/** ` SP mailbox SP list-mailbox` and the end of the command (RFC 3501 §9's list and lsub). */
export function listArgs(a: ArgCursor): ListArgs {
  a.sp();
  const reference = a.mailbox();
  a.sp();
  const pattern = a.listMailbox();
  a.end();
  return { reference, pattern };
}

/**
 * Queues `* <verb> (attributes) "/" name`, the attributes being the entry's followed by `extra`, and RFC 5258's
 * CHILDINFO extended item when `childInfo` (`mailbox-list = "(" [mbx-list-flags] ")" SP ... mailbox
 * [SP mbox-list-extended]`, §6).
 */
export function sendListEntry(ctx: CommandContext, verb: 'LIST' | 'LSUB' | 'XLIST', e: ListEntry,
  extra: readonly string[] = [], childInfo = false): void {
  ctx.untagged((b) => {
    mailboxName(b.raw(`${verb} `).list([...e.attributes, ...extra], (l, a) => l.raw(a)).raw(' "/" '), e.name,
      utf8On(ctx));
    if (childInfo) b.raw(' ("CHILDINFO" ("SUBSCRIBED"))');
  });
}

/**
 * `* LIST (attributes) "/" name` of the one mailbox `name` (the selected one: RFC 9051 §6.3.2), with its special
 * uses, as LIST would list it. The name is looked up as a pattern and the entry naming it exactly taken, so a name
 * with `%` or `*` in it answers for itself only; INBOX in any case is INBOX. Names are never normalized here (RFC 9051
 * §5.1 allows that), so the name is the one the client sent and no OLDNAME item is ever owed (§6.3.9.7).
 */
export async function sendMailboxEntry(ctx: AuthenticatedContext, name: string): Promise<void> {
  const inbox = name.toUpperCase() === 'INBOX';
  // A name the lister refuses as a pattern (too many wildcards: LIMIT) is open all the same: it is sent bare.
  const entries = await ctx.store.list('', name, { subscribedOnly: false }).catch((e: unknown) => {
    if (e instanceof MailboxError) return [];
    throw e;
  });
  const e = entries.find((x) => (inbox ? x.name.toUpperCase() === 'INBOX' : x.name === name));
  sendListEntry(ctx, 'LIST', e ?? { name: inbox ? 'INBOX' : name, attributes: [] }, e?.uses ?? []);
}
