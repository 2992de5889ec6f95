// move = "MOVE" SP sequence-set SP mailbox  (RFC 6851 §5)
// uid = "UID" SP (copy / fetch / search / store / move)  (RFC 6851 §5)
/**
 * MOVE and UID MOVE (RFC 6851): COPY, then expunge exactly the moved messages from the source.
 *
 * RFC 6851 §4.3: the COPYUID of UIDPLUS goes out in an untagged OK *before* the EXPUNGE responses ("the server
 * SHOULD send ... COPYUID in an untagged OK before sending EXPUNGE or VANISHED responses"), since the client may
 * no longer know the source UIDs once the messages are gone. The expunges are the session's ordinary mailbox
 * updates, sent after run() because MOVE is expunge-safe.
 *
 * All or nothing (RFC 6851 §3.3: "the server MUST NOT ... leave the messages in both mailboxes" on failure, as far
 * as it can): the source is expunged while the copies are written but not yet committed to the destination, so a
 * source that cannot be expunged (a full disk) takes the copies back, and a NO leaves both mailboxes as they were.
 */
import { Flag } from '../../mailbox/driver.js';
import { copyUid, okResponse } from '../responses.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { no } from '../errors.js';
import { type CopyArgs, copyMessages, parseCopyArgs } from './shared/copy.js';
import { resolveSet } from './shared/sequence.js';

function moveSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID MOVE' : 'MOVE', states: ['selected'], expungeSafe: true,
    parse: parseCopyArgs,
    async run(ctx: SelectedContext, args: CopyArgs) {
      const sel = ctx.selected;
      // Checked before copying: a MOVE that cannot remove the source would be a COPY the client did not ask for.
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seqs = resolveSet(box, args.set, uid);
      if (seqs.length === 0) return;
      // The driver expunges \Deleted messages among the UIDs it is given, so mark exactly the moved ones; flags of
      // other messages, and the \Deleted of messages not moved, are untouched. If the expunge fails (a full disk:
      // its dotlock or journal cannot be written), the marks are taken back and memory agrees with the file again.
      const removeSource = async (sourceUids: readonly number[]): Promise<void> => {
        const marked = seqs.filter((q) => !(box.meta(q).flags & Flag.Deleted));
        const undo = box.setFlags(marked, 'add', Flag.Deleted, []);
        try {
          await box.expunge(new Set(sourceUids));
        } catch (e) {
          undo();
          throw e;
        }
      };
      const sourceUids = seqs.map((q) => box.meta(q).uid);
      // The source is expunged while the destination is still locked, with the copies written but not committed: if
      // the source cannot be expunged, the copies are taken out again and the MOVE is a NO that changed nothing.
      // (Into the selected mailbox itself, the append and the expunge are one locked operation of the open mailbox.
      // Two sessions moving between the same two mailboxes in opposite directions at the same moment each wait for
      // the other's lock until the lock timeout, then both answer NO [INUSE] with nothing changed.)
      const r = await copyMessages(ctx, seqs, args.mailbox, { beforeCommit: () => removeSource(sourceUids) });
      ctx.untagged((b) => okResponse(b, (c) => copyUid(c, r), 'Moved UIDs.'));
    },
  });
}

export const move = moveSpec(false);
export const uidMove = moveSpec(true);
