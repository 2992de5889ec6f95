// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")  (RFC 3501 §9)
// fetch =/ the same [fetch-modifiers]; fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"  (RFC 4466 §2.4)
// fetch-modifier =/ chgsince-fetch-mod ; chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value  (RFC 7162 §7)
// fetch-modifier =/ rexpunges-fetch-mod ; rexpunges-fetch-mod = "VANISHED"  (RFC 7162 §7; UID FETCH only)
// uid = "UID" SP (copy / fetch / search / store)  (RFC 3501 §9)
/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8): no untagged EXPUNGE while they run (§7.4.1). CHANGEDSINCE (RFC 7162
 * §3.1.4.1) answers only for the messages changed after the given mod-sequence, with MODSEQ among the items; with
 * VANISHED (§3.2.6, QRESYNC on) a UID FETCH first tells which UIDs of its set were expunged after it.
 */
import { type FetchAtt, ParseError } from '../../wire/parser.js';
import type { SequenceArg } from '../../values/sequence.js';
import { MailboxError } from '../../mailbox/driver.js';
import { flushKept, keptPlan, writeFetchKept, writeKeptRun } from '../fetch-kept.js';
import { FetchError, writeFetch } from '../fetch-writer.js';
import { type SelectedContext, defineSelectedCommand, type Command } from '../command.js';
import { bad, no } from '../errors.js';
import { resolveRanges } from './shared/sequence.js';
import { condstoreOn, enableCondstore } from './shared/condstore.js';
import { qresyncOn, sendVanishedSince } from './shared/qresync.js';

interface FetchArgs {
  readonly set: SequenceArg;
  readonly atts: readonly FetchAtt[];
  /** CHANGEDSINCE's mod-sequence, null when not given. */
  readonly changedSince: number | null;
  /** VANISHED: the UIDs of the set expunged since changedSince come first. */
  readonly vanished: boolean;
}

/** MIME trees kept per selected mailbox (clients fetch BODYSTRUCTURE, then parts of the same few messages). */
const STRUCTURES_KEPT = 256;

function fetchSpec(uid: boolean): Command {
  return defineSelectedCommand({
    name: uid ? 'UID FETCH' : 'FETCH', states: ['selected'], expungeSafe: false,
    parse(a) {
      a.sp();
      const set = a.seqSetOrSaved();
      a.sp();
      let atts = a.fetchAtts();
      const { changedSince, vanished } = a.maybeSp() ? a.fetchModifiers() : { changedSince: null, vanished: false };
      a.end();
      // Message numbers of expunged messages mean nothing: VANISHED is for UID FETCH (RFC 7162 §3.2.6).
      if (vanished && !uid) throw new ParseError('VANISHED is for UID FETCH');
      // CHANGEDSINCE implies the MODSEQ item (RFC 7162 §3.1.4.1).
      if (changedSince !== null && !atts.some((x) => x.kind === 'MODSEQ')) atts = [...atts, { kind: 'MODSEQ' }];
      return { set, atts, changedSince, vanished };
    },
    async run(ctx: SelectedContext, args: FetchArgs) {
      const sel = ctx.selected;
      if (args.vanished) {
        if (!qresyncOn(ctx)) throw bad('VANISHED without ENABLE QRESYNC');
        // "$" holds no expunged message (RFC 5182 §2.1: they leave it), so none of it can have vanished.
        if (args.set !== '$') sendVanishedSince(ctx, sel.box, args.changedSince ?? 0, args.set);
      }
      if (args.atts.some((x) => x.kind === 'MODSEQ')) enableCondstore(ctx);
      let seen = false;
      // Items all known without reading the mailbox: written in one loop, a message at a time awaiting nothing
      // until the output is to be flushed (fetch-kept.ts); a message whose values are not kept goes the long way.
      const plan = keptPlan(args.atts, { uid, recent: !ctx.session.rev2 });
      const out = ctx.session.out;
      try {
        for (const [first, last] of resolveRanges(sel, args.set, uid)) {
          for (let seq = first; seq <= last; seq++) {
            if (args.changedSince !== null && sel.box.meta(seq).modseq <= args.changedSince) continue;
            if (plan !== null) {
              // Messages in a row whose one value is kept (FETCH 1:* BODYSTRUCTURE), else this one's kept items.
              const n = writeKeptRun(out, sel.box, seq, last, plan);
              if (n > 0 || writeFetchKept(out, sel.box, seq, plan)) {
                seq += Math.max(n, 1) - 1;
                if (out.full) await out.flush();
                continue;
              }
            }
            flushKept(out);
            if (await fetchOne(ctx, seq, args.atts, uid)) seen = true;
          }
        }
      } finally {
        flushKept(out);
        // An implicit \Seen (a body fetched without PEEK) is written at the end of the command, as a STORE's is, so
        // other sessions and programs see it at once (under CONDSTORE each was written before its response: see
        // fetch-writer.ts). The data was sent: a write that fails (a full disk) is logged, and the change stays
        // pending for the session's next write.
        if (seen) {
          await sel.box.checkpoint().catch((e: unknown) => {
            ctx.session.opts.logger.log('warning', `${sel.name}: \\Seen set by FETCH not written yet: ${String(e)}`);
          });
        }
      }
    },
  });
}

/** One message's FETCH response; true when it set \Seen. */
async function fetchOne(ctx: SelectedContext, seq: number, atts: readonly FetchAtt[], uid: boolean): Promise<boolean> {
  const sel = ctx.selected;
  let seenSet: boolean;
  try {
    const opts = {
      uid, markSeen: !sel.readOnly, recent: !ctx.session.rev2, structureCache: sel.structures, condstore: condstoreOn(ctx),
    };
    seenSet = (await writeFetch(ctx.session.out, sel.box, seq, atts, opts)).seenSet;
  } catch (e) {
    // Nothing of this message was queued for these (writeFetch computes every value first).
    if (e instanceof FetchError) throw no('Unknown Content-Transfer-Encoding', 'UNKNOWN-CTE');
    if (e instanceof MailboxError && e.code === 'CORRUPT') {
      ctx.untagged((b) => b.raw('NO Message ').number(seq).raw(' was expunged by another session'));
      return false;
    }
    // Anything else, a literal cut short or overrun (StreamBroken) included, is for the session's error map.
    throw e;
  }
  await ctx.session.out.maybeFlush();
  // Keep the most recently parsed structures only: FETCH 1:* BODYSTRUCTURE of 100,000 messages must not hold
  // 100,000 MIME trees (Map keeps insertion order: the oldest go first).
  if (sel.structures.size > STRUCTURES_KEPT) {
    for (const key of sel.structures.keys()) {
      if (sel.structures.size <= STRUCTURES_KEPT) break;
      sel.structures.delete(key);
    }
  }
  return seenSet;
}

export const fetch = fetchSpec(false);
export const uidFetch = fetchSpec(true);
