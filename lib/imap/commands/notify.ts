// notify = "NOTIFY" SP (notify-set / notify-none)  (RFC 5465 §8; the rest of its grammar in lib/wire/notify-args.ts)
/**
 * NOTIFY (RFC 5465 §3.1): NOTIFY NONE ends the notifications, NOTIFY SET replaces them (lib/imap/notify.ts does the
 * work). An event this server does not deliver is refused with NO [BADEVENT (the ones it does)] (§3.1, §5.6, §5.7:
 * no ANNOTATE or METADATA here); a SET asking for too many mailboxes with NO [NOTIFICATIONOVERFLOW]. A refused SET
 * leaves the notifications as they were. A successful SET is an implicit NOOP (§3.1): the session's report after
 * the command sends the selected mailbox's changes.
 */
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';
import { Notifier, NotifyOverflow } from '../notify.js';
import { notifyArgs, type NotifyArgs } from '../../wire/notify-args.js';

/** The events delivered, as BADEVENT lists them. */
const SUPPORTED = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange'];

export const notify = defineAuthenticatedCommand({
  name: 'NOTIFY', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: (a) => notifyArgs(a),
  async run(ctx, args: NotifyArgs) {
    const s = ctx.session;
    if (args.kind === 'NONE') {
      s.setNotifications(null);
      return;
    }
    if (args.groups.some((g) => g.events.some((e) => !SUPPORTED.includes(e.name)))) {
      throw no(`Events supported: ${SUPPORTED.join(' ')}`, `BADEVENT (${SUPPORTED.join(' ')})`);
    }
    let n: Notifier;
    try {
      n = await Notifier.start(ctx, args.groups, args.status, () => {
        if (s.notifications === n) s.setNotifications(null);
      });
    } catch (e) {
      if (e instanceof NotifyOverflow) throw no('Too many mailboxes to watch', 'NOTIFICATIONOVERFLOW');
      throw e;
    }
    s.setNotifications(n);
  },
});
