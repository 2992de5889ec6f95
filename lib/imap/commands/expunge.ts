// command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy / fetch / store / uid / search  (RFC 3501 §9)
// uid-expunge = "UID" SP "EXPUNGE" SP sequence-set  (RFC 4315 §4)
/** EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): the untagged EXPUNGEs are the session's updates. */
import type { SequenceSet } from '../../values/sequence.js';
import { defineSelectedCommand } from '../command.js';
import { no } from '../errors.js';

export const expunge = defineSelectedCommand({
  name: 'EXPUNGE', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const sel = ctx.selected;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    await sel.box.expunge();
  },
});

export const uidExpunge = defineSelectedCommand({
  name: 'UID EXPUNGE', states: ['selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const set = a.seqSet();
    a.end();
    return set;
  },
  async run(ctx, set: SequenceSet) {
    const sel = ctx.selected;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    const box = sel.box;
    const maxUid = box.count() ? box.meta(box.count()).uid : 0;
    const uids = new Set<number>();
    for (let seq = 1; seq <= box.count(); seq++) {
      const uid = box.meta(seq).uid;
      if (set.has(uid, maxUid)) uids.add(uid);
    }
    await box.expunge(uids);
  },
});
