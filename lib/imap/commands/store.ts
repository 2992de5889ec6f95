// store = "STORE" SP sequence-set SP store-att-flags  (RFC 3501 §9)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8). No untagged EXPUNGE while it runs (RFC 3501 §7.4.1).
 */
import type { StoreAtt } from '../../wire/parser.js';
import type { SequenceSet } from '../../values/sequence.js';
import { flagsFetch } from '../responses.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { no } from '../errors.js';
import { splitFlags } from './shared/flags.js';
import { resolveSet } from './shared/sequence.js';

function storeSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID STORE' : 'STORE', states: ['selected'], expungeSafe: false,
    parse(a) {
      a.sp();
      const set = a.seqSet();
      a.sp();
      const att = a.storeAtt();
      a.end();
      return { set, att };
    },
    async run(ctx: SelectedContext, args: { set: SequenceSet; att: StoreAtt }) {
      const sel = ctx.selected;
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seqs = resolveSet(box, args.set, uid);
      const { bits, keywords } = splitFlags(args.att.flags);
      const undo = box.setFlags(seqs, args.att.op, bits, keywords);
      // Written through: the tagged OK (and the FETCH responses) say the flags are on disk. The change is applied
      // under the write lock to the flags on disk then, so what another session changed meanwhile is kept and shown.
      // A write that cannot be made (a full disk: NO [OVERQUOTA]) puts the flags in memory back as they are on
      // disk. Only this change and what was already pending are written (a single flag on a block with padding
      // left is patched in place), and a STORE on every message is the one rewrite CLOSE would otherwise have made.
      try {
        await box.checkpoint();
      } catch (e) {
        undo();
        throw e;
      }
      // .SILENT: flags another session changed meanwhile are still reported, after the command (RFC 7162 §3.2).
      if (args.att.silent) return;
      box.flagsShown(seqs);
      // What else changed comes first: a keyword this STORE defined is announced (FLAGS, PERMANENTFLAGS) before the
      // FETCH responses that show it, as Dovecot does. No expunge is sent during a STORE (RFC 3501 §7.4.1).
      if (!(await ctx.session.reportUpdates(false))) return;
      for (const seq of seqs) {
        const m = box.meta(seq);
        ctx.untagged((b) => flagsFetch(b, seq, uid ? m.uid : null, m));
      }
    },
  });
}

export const store = storeSpec(false);
export const uidStore = storeSpec(true);
