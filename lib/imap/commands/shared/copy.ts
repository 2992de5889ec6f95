/** Copying messages of the selected mailbox to another mailbox: COPY and MOVE. */
import type { AppendMessage, AppendOptions } from '../../../mailbox/driver.js';
import { MailboxError } from '../../../mailbox/driver.js';
import type { SequenceArg } from '../../../values/sequence.js';
import type { ArgCursor } from '../../../wire/parser.js';
import type { SelectedContext } from '../../command.js';
import { no } from '../../errors.js';

/** What COPY and MOVE name: messages and a destination. */
export interface CopyArgs {
  readonly set: SequenceArg;
  readonly mailbox: string;
}

/** `SP sequence-set SP mailbox`, the arguments of COPY and MOVE (RFC 3501 §9, RFC 6851 §5; `$`: RFC 5182). */
export function parseCopyArgs(a: ArgCursor): CopyArgs {
  a.sp();
  const set = a.seqSetOrSaved();
  a.sp();
  const mailbox = a.mailbox();
  a.end();
  return { set, mailbox };
}

/**
 * Appends the messages `seqs` of the selected mailbox (in that order, with their flags and INTERNALDATE) to
 * `mailbox`, for COPY and MOVE. Returns the destination's UIDVALIDITY, the source UIDs and the new UIDs, in the
 * same order. Throws NO [TRYCREATE] when the mailbox does not exist, and NO for other storage failures (NO
 * [OVERQUOTA] for a full disk or quota); nothing was copied then (the store appends all or nothing). `opts` as for
 * MailStore.append (MOVE removes the source before the copies are committed).
 */
export async function copyMessages(
  ctx: SelectedContext,
  seqs: readonly number[],
  mailbox: string,
  opts?: AppendOptions,
): Promise<{ uidValidity: number; sourceUids: number[]; uids: number[] }> {
  const sel = ctx.selected;
  const store = ctx.store;
  const box = sel.box;
  const sourceUids = seqs.map((q) => box.meta(q).uid);
  async function* msgs(): AsyncIterable<AppendMessage> {
    for (const q of seqs) {
      const m = box.meta(q);
      yield { body: box.message(q), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
    }
  }
  try {
    if (store.sameMailbox(sel.name, mailbox)) {
      // Into the selected mailbox itself: through the open mailbox, which reads the messages under the lock it holds
      // for the append. (A mailbox selected with EXAMINE takes no changes, RFC 3501 §6.3.2.)
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      // Checked against the quota here as store.append checks (a MOVE frees what it takes: see UwMailStore.append).
      const uids = await box.append(opts?.moveFrom === undefined ? store.withinQuota(mailbox, msgs()) : msgs(), opts);
      return { uidValidity: box.uidValidity, sourceUids, uids };
    }
    const r = await store.append(mailbox, msgs(), opts);
    return { uidValidity: r.uidValidity, sourceUids, uids: r.uids };
  } catch (e) {
    if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
    throw e;
  }
}
