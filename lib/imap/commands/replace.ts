// replace = "REPLACE" SP seq-number SP mailbox append-message  (RFC 8508, formal syntax)
// uid-replace = "UID" SP replace  (RFC 8508, formal syntax)
/**
 * REPLACE and UID REPLACE (RFC 8508): an APPEND of a new message (flags, date, a literal, or with CATENATE its
 * parts) to a mailbox, and the expunge of one message of the selected mailbox, in one step.
 *
 * One step as MOVE's: the append carries the old message's UID as a move would (AppendOptions.moveFrom, whole), so
 * the new message is committed in the same step as the old one leaves the selected mailbox, whatever is killed
 * when (mbox/move-record.ts); if the old one cannot leave (a full disk), or is found gone under the locks, the new
 * one is taken out again and the NO leaves both mailboxes as they were. The target may be the selected mailbox
 * itself: the append then goes through the open mailbox, which holds its lock for both.
 *
 * Responses as MOVE's (RFC 6851 §4.3): APPENDUID (RFC 4315) in an untagged OK, sent before the EXPUNGE (VANISHED
 * under QRESYNC, RFC 7162 §3.2.10) that the session's updates tell after the command, with the EXISTS of the new
 * message first when it went to the selected mailbox; under QRESYNC the tagged OK names the new HIGHESTMODSEQ
 * (RFC 7162 §3.2.7), as EXPUNGE's does.
 *
 * Errors: a selected mailbox open read-only (EXAMINE) takes no REPLACE, NO [READ-ONLY]; a message number above the
 * count is BAD, as for every command (RFC 3501 §9 seq-number); a UID that names no message is NO [NONEXISTENT]; a
 * target that does not exist, NO [TRYCREATE], as for APPEND; a message over max_literal, NO [TOOBIG]; a bad
 * CATENATE URL, NO [BADURL] (RFC 4469 §4, which REPLACE takes as APPEND does: RFC 8508). Nothing is changed by
 * any of them.
 */
import { MailboxError } from '../../mailbox/driver.js';
import { SequenceSet, type SeqNumber } from '../../values/sequence.js';
import type { AppendMessageArg } from '../../wire/parser.js';
import { type Command, defineSelectedCommand, type SelectedContext } from '../command.js';
import { no } from '../errors.js';
import { okResponse } from '../responses.js';
import { AppendMessages } from './shared/append-message.js';
import { tellHighestModseq } from './shared/qresync.js';
import { resolveSet } from './shared/sequence.js';

interface ReplaceArgs {
  readonly target: SeqNumber;
  readonly mailbox: string;
  readonly message: AppendMessageArg;
}

function replaceSpec(uid: boolean): Command {
  const name = uid ? 'UID REPLACE' : 'REPLACE';
  return defineSelectedCommand({
    name, states: ['selected'], expungeSafe: true,
    parse(a) {
      a.sp();
      const target = a.seqNumber();
      a.sp();
      const mailbox = a.mailbox();
      a.sp();
      const message = a.appendMessage();
      a.end();
      return { target, mailbox, message };
    },
    async run(ctx: SelectedContext, args: ReplaceArgs) {
      const sel = ctx.selected;
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seq = resolveSet(sel, SequenceSet.range(args.target), uid)[0];
      if (seq === undefined) throw no('No message with that UID', 'NONEXISTENT');
      const oldUid = box.meta(seq).uid;
      const built = new AppendMessages(ctx);
      try {
        const [msg] = await built.build([args.message]);
        if (msg === undefined) throw new Error('no message built');
        // The new message counts against the quota before the old one leaves, as any save (a REPLACE near the limit
        // can be refused though it would free as much as it takes: the usage is what is on disk now); MOVE is not
        // checked, since it only moves what is counted already.
        const msgs = ctx.store.withinQuota(args.mailbox, (async function* () {
          yield msg;
        })());
        const opts = { moveFrom: { box, uids: [oldUid], whole: true } };
        let uidValidity: number;
        let uids: number[];
        try {
          if (ctx.store.sameMailbox(sel.name, args.mailbox)) {
            uids = await box.append(msgs, opts);
            uidValidity = box.uidValidity;
          } else {
            ({ uidValidity, uids } = await ctx.store.append(args.mailbox, msgs, opts));
          }
        } catch (e) {
          if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
          // EXPUNGED: the old message went (another session expunged it) before the locks were had; nothing was
          // appended, and the session's updates tell the expunge before the NO [EXPUNGEISSUED].
          throw e;
        }
        ctx.untagged((b) => okResponse(b, (c) => c.raw('APPENDUID ').number(uidValidity).sp().seqSet(uids),
          'Replacement Message ID assigned'));
        tellHighestModseq(ctx, name, 1);
      } finally {
        built.release();
      }
    },
  });
}

export const replace = replaceSpec(false);
export const uidReplace = replaceSpec(true);
