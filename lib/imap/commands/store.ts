// store = "STORE" SP sequence-set SP store-att-flags  (RFC 3501 §9)
// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags  (RFC 4466 §2.5)
// store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer  (RFC 7162 §7)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8). No untagged EXPUNGE while it runs (RFC 3501 §7.4.1). With
 * UNCHANGEDSINCE (RFC 7162 §3.1.3) only the messages not changed since the given mod-sequence are stored, tested
 * and stored in one step under the mailbox's write locks; the others are named in the tagged OK's [MODIFIED].
 */
import type { StoreAtt } from '../../wire/parser.js';
import type { SequenceArg } from '../../values/sequence.js';
import type { OpenMailbox } from '../../mailbox/driver.js';
import { flagsFetch } from '../responses.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { no } from '../errors.js';
import { splitFlags } from './shared/flags.js';
import { resolveSet } from './shared/sequence.js';
import { condstoreOn, enableCondstore } from './shared/condstore.js';

interface StoreArgs {
  readonly set: SequenceArg;
  readonly att: StoreAtt;
  /** UNCHANGEDSINCE's mod-sequence (0 included); null for an unconditional STORE. */
  readonly unchangedSince: number | null;
}

function storeSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID STORE' : 'STORE', states: ['selected'], expungeSafe: false,
    parse(a): StoreArgs {
      a.sp();
      const set = a.seqSetOrSaved();
      a.sp();
      let unchangedSince: number | null = null;
      if (a.lookingAt('(')) {
        unchangedSince = a.storeModifiers().unchangedSince;
        a.sp();
      }
      const att = a.storeAtt();
      a.end();
      return { set, att, unchangedSince };
    },
    async run(ctx: SelectedContext, args: StoreArgs) {
      const sel = ctx.selected;
      const conditional = args.unchangedSince !== null;
      if (conditional) enableCondstore(ctx);
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const box = sel.box;
      const seqs = resolveSet(sel, args.set, uid);
      const { bits, keywords } = splitFlags(args.att.flags);
      let stored = seqs;
      if (args.unchangedSince === null) await storeAll(box, seqs, args.att.op, bits, keywords);
      else {
        const modified = await box.storeUnchangedSince(seqs, args.unchangedSince, args.att.op, bits, keywords);
        if (modified.length) {
          const failed = new Set(modified);
          stored = seqs.filter((seq) => !failed.has(seq));
          const ids = modified.map((seq) => (uid ? box.meta(seq).uid : seq));
          ctx.okWith('Conditional STORE failed', (b) => b.raw('MODIFIED ').seqSet(ids));
        }
      }
      // .SILENT: flags another session changed meanwhile are still reported, after the command (RFC 7162 §3.2); a
      // conditional STORE still tells the new mod-sequences of what it stored (§3.1.3), without the flags.
      if (args.att.silent && !conditional) return;
      if (!args.att.silent) box.flagsShown(stored);
      // What else changed comes first: a keyword this STORE defined is announced (FLAGS, PERMANENTFLAGS) before the
      // FETCH responses that show it, as Dovecot does. No expunge is sent during a STORE (RFC 3501 §7.4.1).
      if (!(await ctx.session.reportUpdates(false))) return;
      // Once CONDSTORE is on, a STORE's FETCH responses carry UID and MODSEQ (RFC 7162 §3.1).
      const cs = condstoreOn(ctx);
      const show = { uid: uid || cs, modseq: cs, flags: !args.att.silent, recent: !ctx.session.rev2 };
      for (const seq of stored) {
        const m = box.meta(seq);
        ctx.untagged((b) => flagsFetch(b, seq, m, show));
      }
    },
  });
}

/**
 * An unconditional STORE, written through: the tagged OK (and the FETCH responses) say the flags are on disk. The
 * change is applied under the write lock to the flags on disk then, so what another session changed meanwhile is kept
 * and shown. A write that cannot be made (a full disk: NO [OVERQUOTA]) puts the flags in memory back as they are on
 * disk. Only this change and what was already pending are written (a single flag on a block with padding left is
 * patched in place), and a STORE on every message is the one rewrite CLOSE would otherwise have made.
 */
async function storeAll(box: OpenMailbox, seqs: readonly number[], op: StoreAtt['op'], bits: number,
  keywords: readonly string[]): Promise<void> {
  const undo = box.setFlags(seqs, op, bits, keywords);
  try {
    await box.checkpoint();
  } catch (e) {
    undo();
    throw e;
  }
}

export const store = storeSpec(false);
export const uidStore = storeSpec(true);
