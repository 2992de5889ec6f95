/** What LIST, LSUB and XLIST share: RFC 3501's arguments and the response line. */
import type { ArgCursor } from '../../../wire/parser.js';
import type { ListEntry } from '../../../mailbox/store.js';
import type { CommandContext } from '../../command.js';
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
