// move = "MOVE" SP sequence-set SP mailbox  (RFC 6851 §5)
// uid = "UID" SP (copy / fetch / search / store / move)  (RFC 6851 §5)
/**
 * MOVE and UID MOVE (RFC 6851): COPY, then expunge exactly the moved messages from the source.
 *
 * RFC 6851 §4.3: the COPYUID of UIDPLUS goes out in an untagged OK *before* the EXPUNGE responses ("the server
 * SHOULD send ... COPYUID in an untagged OK before sending EXPUNGE or VANISHED responses"), since the client may
 * no longer know the source UIDs once the messages are gone. The expunges are the session's ordinary mailbox
 * updates, sent after run() because MOVE is expunge-safe; under QRESYNC they are VANISHED and the tagged OK names the
 * new HIGHESTMODSEQ, as EXPUNGE's does (RFC 7162 §3.2.9), so a client knows it has every change up to it.
 *
 * All or nothing (RFC 6851 §3.3: "the server MUST NOT ... leave the messages in both mailboxes" on failure, as far
 * as it can): the source is expunged while the copies are written but not yet committed to the destination, so a
 * source that cannot be expunged (a full disk) takes the copies back, and a NO leaves both mailboxes as they were.
 */
import { copyUid, okResponse } from '../responses.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { no } from '../errors.js';
import { type CopyArgs, copyMessages, parseCopyArgs } from './shared/copy.js';
import { tellHighestModseq } from './shared/qresync.js';
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
      const seqs = resolveSet(sel, args.set, uid);
      if (seqs.length === 0) return;
      // All or nothing, whatever is killed when: the copies commit in the same step as the messages leave this
      // mailbox (the driver's move: mbox/move-record.ts). If they cannot leave it (a full disk), the copies are taken
      // out again and the MOVE is a NO that changed nothing. (Two sessions moving between the same two mailboxes in
      // opposite directions at the same moment each wait for the other's lock until the lock timeout, then both
      // answer NO [INUSE] with nothing changed.)
      const sourceUids = seqs.map((q) => box.meta(q).uid);
      const r = await copyMessages(ctx, seqs, args.mailbox, { moveFrom: { box, uids: sourceUids } });
      ctx.untagged((b) => okResponse(b, (c) => copyUid(c, r), 'Moved UIDs.'));
      tellHighestModseq(ctx, uid ? 'UID MOVE' : 'MOVE', seqs.length);
    },
  });
}

export const move = moveSpec(false);
export const uidMove = moveSpec(true);
