/**
 * MOVE and UID MOVE (RFC 6851): COPY, then expunge exactly the moved messages from the source.
 *
 * RFC 6851 §4.3: the COPYUID of UIDPLUS goes out in an untagged OK *before* the EXPUNGE responses ("the server
 * SHOULD send ... COPYUID in an untagged OK before sending EXPUNGE or VANISHED responses"), since the client may
 * no longer know the source UIDs once the messages are gone. The expunges are the session's ordinary mailbox
 * updates, sent after run() because MOVE is expunge-safe.
 */
import { Flag } from '../../mailbox/driver.js';
import type { SequenceSet } from '../../values/sequence.js';
import { no, type AnySpec, type CommandContext } from '../session.js';
import { compact, resolveSet } from './messages.js';
import { copyMessages } from './misc.js';

interface MoveArgs {
  readonly set: SequenceSet;
  readonly mailbox: string;
}

function moveSpec(uid: boolean): AnySpec {
  return {
    name: uid ? 'UID MOVE' : 'MOVE', states: ['selected'], expungeSafe: true,
    parse(a): MoveArgs {
      a.sp();
      const set = a.seqSet();
      a.sp();
      const mailbox = a.mailbox();
      a.end();
      return { set, mailbox };
    },
    async run(ctx: CommandContext, args: MoveArgs) {
      const sel = ctx.session.selected;
      if (!sel) return;
      // Checked before copying: a MOVE that cannot remove the source would be a COPY the client did not ask for.
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seqs = resolveSet(box, args.set, uid);
      if (seqs.length === 0) return;
      const r = await copyMessages(ctx, seqs, args.mailbox);
      ctx.untagged(`OK [COPYUID ${r.uidValidity} ${compact(r.sourceUids)} ${compact(r.uids)}] Moved UIDs.`);
      // The driver expunges \Deleted messages among the UIDs it is given, so mark exactly the moved ones; flags of
      // other messages, and the \Deleted of messages not moved, are untouched.
      const wasDeleted = seqs.filter((q) => box.meta(q).flags & Flag.Deleted);
      const marked = seqs.filter((q) => !wasDeleted.includes(q));
      try {
        box.setFlags(marked, 'add', Flag.Deleted, []);
        await box.expunge(new Set(r.sourceUids));
      } catch (e) {
        // The copies exist; leave the source as it was so the client sees a COPY and can retry the removal.
        try {
          box.setFlags(marked, 'remove', Flag.Deleted, []);
        } catch {
          // The flag change failed too (LIMIT); the original error is the one to report.
        }
        throw e;
      }
    },
  };
}

export const move = moveSpec(false);
export const uidMove = moveSpec(true);
