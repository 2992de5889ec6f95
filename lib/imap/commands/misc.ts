/** COPY and UID COPY (RFC 3501 §6.4.7, COPYUID of RFC 4315), ID (RFC 2971), ENABLE (RFC 5161), IDLE (RFC 2177). */
import type { AppendMessage, AppendOptions } from '../../mailbox/driver.js';
import { MailboxError } from '../../mailbox/driver.js';
import type { SequenceSet } from '../../values/sequence.js';
import { bad, no, ResponseSent, type CommandContext, defineCommand, type Command } from '../session.js';
import { compact, resolveSet } from './messages.js';

/**
 * Appends the messages `seqs` of the selected mailbox (in that order, with their flags and INTERNALDATE) to
 * `mailbox`, for COPY and MOVE. Returns the destination's UIDVALIDITY, the source UIDs and the new UIDs, in the
 * same order. Throws NO [TRYCREATE] when the mailbox does not exist, and NO for other storage failures (NO
 * [OVERQUOTA] for a full disk or quota); nothing was copied then (the store appends all or nothing). `opts` as for
 * MailStore.append (MOVE removes the source before the copies are committed).
 */
export async function copyMessages(
  ctx: CommandContext,
  seqs: readonly number[],
  mailbox: string,
  opts?: AppendOptions,
): Promise<{ uidValidity: number; sourceUids: number[]; uids: number[] }> {
  const s = ctx.session;
  const sel = s.selected;
  if (!sel || !s.store) throw no('No mailbox selected');
  const box = sel.box;
  const sourceUids = seqs.map((q) => box.meta(q).uid);
  async function* msgs(): AsyncIterable<AppendMessage> {
    for (const q of seqs) {
      const m = box.meta(q);
      yield { body: box.message(q), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
    }
  }
  try {
    if (s.store.sameMailbox(sel.name, mailbox)) {
      // Into the selected mailbox itself: through the open mailbox, which reads the messages under the lock it holds
      // for the append. (A mailbox selected with EXAMINE takes no changes, RFC 3501 §6.3.2.)
      if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
      const uids = await box.append(msgs(), opts);
      return { uidValidity: box.uidValidity, sourceUids, uids };
    }
    const r = await s.store.append(mailbox, msgs(), opts);
    return { uidValidity: r.uidValidity, sourceUids, uids: r.uids };
  } catch (e) {
    if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
    throw e;
  }
}

function copySpec(uid: boolean): Command {
  return defineCommand({
    name: uid ? 'UID COPY' : 'COPY', states: ['selected'], expungeSafe: true,
    parse(a) {
      a.sp();
      const set = a.seqSet();
      a.sp();
      const mailbox = a.mailbox();
      a.end();
      return { set, mailbox };
    },
    async run(ctx: CommandContext, args: { set: SequenceSet; mailbox: string }) {
      const sel = ctx.session.selected;
      if (!sel) return;
      const seqs = resolveSet(sel.box, args.set, uid);
      if (seqs.length === 0) return;
      const r = await copyMessages(ctx, seqs, args.mailbox);
      ctx.okWith('COPY completed', `COPYUID ${r.uidValidity} ${compact(r.sourceUids)} ${compact(r.uids)}`);
    },
  });
}

export const copy = copySpec(false);
export const uidCopy = copySpec(true);

export const id = defineCommand({
  name: 'ID', states: ['not-authenticated', 'authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    // The client's fields are read (and checked) but not used: UW logs nothing of them either.
    a.idParamsList();
    a.end();
    return null;
  },
  async run(ctx) {
    ctx.untagged(`ID ("name" "uwimap-ts imapd" "version" "${ctx.session.opts.version}")`);
  },
});

export const enable = defineCommand({
  name: 'ENABLE', states: ['authenticated'], expungeSafe: true,
  parse(a) {
    const caps: string[] = [];
    // enable ::= "ENABLE" 1*(SP capability) (RFC 5161 §3)
    do {
      a.sp();
      caps.push(a.atom().toUpperCase());
    } while (!a.atEnd());
    return caps;
  },
  async run(ctx, caps: string[]) {
    // Nothing this server offers is enabled this way yet (CONDSTORE, QRESYNC, UTF8=ACCEPT are not supported):
    // RFC 5161 says to answer with the subset enabled, here none.
    void caps;
    ctx.untagged('ENABLED');
  },
});

/** IDLE's poll: the only way to notice changes when the file cannot be watched, and a safety net when it can. */
const IDLE_POLL_MS = 2000;
const IDLE_WATCHED_POLL_MS = 15000;

/**
 * IDLE: report changes to the selected mailbox as they happen until the client sends DONE. The mailbox tells us
 * when it may have changed (OpenMailbox.notifyChanges: inotify for an mbox file), so new mail from a delivery agent
 * shows within a moment of its writing, not after UW's 60 s poll; where storage cannot push changes (a network
 * filesystem, no inotify watches left) the mailbox is polled every two seconds, and a slow poll stays on beside a
 * live watch for changes it cannot see (a mailbox replaced by rename).
 */
export const idle = defineCommand({
  name: 'IDLE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const s = ctx.session;
    s.out.write('+ idling\r\n');
    await s.out.flush();
    let done = false;
    // Settled (never rejected) so that a failed read (a line over the limit) is seen after the loop, not unhandled.
    const reading: Promise<{ line: Buffer | null } | { error: unknown }> = s.input.readLine().then(
      (line) => ({ line }),
      (error: unknown) => ({ error }),
    ).finally(() => {
      done = true;
    });
    let wake: (() => void) | null = null;
    const changes = s.selected?.box.notifyChanges(() => wake?.()) ?? null;
    // The autologout timer runs on in IDLE (RFC 2177: clients re-issue IDLE at least every 29 minutes).
    const deadline = s.opts.clock.now() + s.opts.idleTimeoutS * 1000;
    try {
      while (!done && s.state !== 'logout') {
        let timer: NodeJS.Timeout | null = null;
        const left = deadline - s.opts.clock.now();
        if (left <= 0) {
          s.autologout();
          break;
        }
        const tick = new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, Math.min(left, changes?.live ? IDLE_WATCHED_POLL_MS : IDLE_POLL_MS));
        });
        await Promise.race([reading, tick]);
        if (timer !== null) clearTimeout(timer);
        wake = null;
        if (done) break;
        await s.reportUpdates(true);
        await s.out.flush();
      }
    } finally {
      changes?.stop();
    }
    // Ended by autologout or a vanished mailbox: the BYE is out; no tagged reply follows it.
    if (!done) throw new ResponseSent();
    const r = await reading;
    if ('error' in r) throw r.error;
    const line = r.line;
    if (line === null) {
      s.end('client gone', null);
      throw new ResponseSent();
    }
    if (line.toString('latin1').trim().toUpperCase() !== 'DONE') throw bad('Expected DONE');
  },
});
