// copy = "COPY" SP sequence-set SP mailbox  (RFC 3501 §9)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/** COPY and UID COPY (RFC 3501 §6.4.7, §6.4.8), answered with COPYUID (RFC 4315). */
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { type CopyArgs, copyMessages, parseCopyArgs } from './shared/copy.js';
import { copyUid } from '../responses.js';
import { resolveSet } from './shared/sequence.js';

function copySpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID COPY' : 'COPY', states: ['selected'], expungeSafe: true,
    parse: parseCopyArgs,
    async run(ctx: SelectedContext, args: CopyArgs) {
      const sel = ctx.selected;
      const seqs = resolveSet(sel, args.set, uid);
      if (seqs.length === 0) return;
      const r = await copyMessages(ctx, seqs, args.mailbox);
      ctx.okWith('COPY completed', (b) => copyUid(b, r));
    },
  });
}

export const copy = copySpec(false);
export const uidCopy = copySpec(true);
