// command-any = "CAPABILITY" / "LOGOUT" / "NOOP" / x-command  (RFC 3501 §9)
/** LOGOUT (RFC 3501 §6.1.3): valid in every state. */
import { MailboxError } from '../../mailbox/driver.js';
import { defineCommand } from '../command.js';

export const logout = defineCommand({
  name: 'LOGOUT', states: ['not-authenticated', 'authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const s = ctx.session;
    const sel = ctx.unselect();
    if (sel) {
      // LOGOUT always logs out (RFC 3501 §6.1.3: BYE, then OK). What the mailbox still had to write is written now;
      // if that fails (a full disk: the dotlock or a rewrite), the mailbox is closed all the same and the client
      // told in an untagged NO. Flag changes are on disk already (STORE writes through): what is lost then is a
      // \Seen set by FETCH and which messages were \Recent. (close() closes the mailbox even when it throws, so
      // a session that stayed would be left with a closed mailbox selected.)
      try {
        await sel.box.close();
      } catch (e) {
        s.opts.logger.log('warning', `${sel.name}: closed at logout without writing its last changes: ${String(e)}`);
        ctx.untagged((b) => (e instanceof MailboxError && e.code === 'OVERQUOTA'
          ? b.raw('NO [OVERQUOTA] Not enough disk space or quota to save the last changes')
          : b.raw('NO Could not save the last changes to the mailbox')));
      }
    }
    s.end('logout', 'IMAP4rev1 server terminating connection');
    ctx.okWith('LOGOUT completed');
  },
});
