// idle ::= "IDLE" CRLF "DONE"  (RFC 2177 §4)
import { defineAuthenticatedCommand } from '../command.js';
import { bad, ResponseSent } from '../errors.js';

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
export const idle = defineAuthenticatedCommand({
  name: 'IDLE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const s = ctx.session;
    ctx.continuation((b) => b.text('idling'));
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
    // NOTIFY's other mailboxes are told in IDLE too (RFC 5465 §4); the selected one is IDLE's own.
    const notifier = s.notifications;
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
        await Promise.race([reading, tick, ...(notifier ? [notifier.changed()] : [])]);
        if (timer !== null) clearTimeout(timer);
        wake = null;
        if (done) break;
        await s.reportUpdates(true);
        if (s.notifications === notifier) await notifier?.deliver(true);
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
