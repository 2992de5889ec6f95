// command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy / fetch / store / uid / search  (RFC 3501 §9)
// uid-expunge = "UID" SP "EXPUNGE" SP sequence-set  (RFC 4315 §4)
/**
 * EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): the untagged EXPUNGEs (VANISHED once QRESYNC is on)
 * are the session's updates. Once QRESYNC is on, a tagged OK after something was removed carries the mailbox's new
 * HIGHESTMODSEQ (RFC 7162 §3.2.7, §3.2.9); CLOSE's never does (§3.2.8).
 */
import type { SequenceArg } from '../../values/sequence.js';
import { defineSelectedCommand } from '../command.js';
import { no } from '../errors.js';
import { tellHighestModseq } from './shared/qresync.js';
import { resolveSet } from './shared/sequence.js';

export const expunge = defineSelectedCommand({
  name: 'EXPUNGE', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const sel = ctx.selected;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    tellHighestModseq(ctx, 'EXPUNGE', (await sel.box.expunge()).length);
  },
});

export const uidExpunge = defineSelectedCommand({
  name: 'UID EXPUNGE', states: ['selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const set = a.seqSetOrSaved();
    a.end();
    return set;
  },
  async run(ctx, set: SequenceArg) {
    const sel = ctx.selected;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    const box = sel.box;
    const uids = new Set(resolveSet(sel, set, true).map((seq) => box.meta(seq).uid));
    tellHighestModseq(ctx, 'UID EXPUNGE', (await box.expunge(uids)).length);
  },
});
