// append = "APPEND" SP mailbox 1*append-message  (RFC 3502, formal syntax)
// append-message = [SP flag-list] [SP date-time] SP literal  (RFC 3502, formal syntax)
// append =/ "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal8  (RFC 3516 §7)
// append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")"  (RFC 4469 §5)
import { MailboxError } from '../../mailbox/driver.js';
import type { AppendMessageArg } from '../../wire/parser.js';
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';
import { AppendMessages } from './shared/append-message.js';

interface AppendArgs {
  mailbox: string;
  messages: AppendMessageArg[];
}

/**
 * APPEND (RFC 3501 §6.3.11), MULTIAPPEND (RFC 3502) when several messages follow, each a literal or (BINARY,
 * RFC 3516 §4.4) a literal8.
 *
 * A literal8 is stored as a literal of the same bytes would be. RFC 3516 §4.4 lets a server transform what it
 * stores, but "any such transformation MUST NOT result in a loss of data"; the mail store keeps NUL, 8-bit octets
 * and a lone CR inside a line as they are, and keeps every line end as a line end: an mbox stores lines with LF and
 * serves them with CRLF (lib/mailbox/mbox/render.ts MessageStorer, BodyServer), so a bare LF comes back as CRLF, as
 * it does from a plain literal and as Dovecot does. RFC822.SIZE and BINARY.SIZE count the served octets. A message
 * is text in lines (RFC 5322 §2.1), and a binary body part's line ends are not data the client can expect back bare,
 * so no literal8 is refused with NO [UNKNOWN-CTE]. Literal or literal8, one CR right before a line end ("a\r\r\n")
 * or at the very end of the message is taken as part of the line end and not served back.
 *
 * CATENATE (RFC 4469): a message may instead be put together from TEXT literals and URLs of messages or parts
 * already here (shared/append-message.ts). The octets a URL names are copied as FETCH BODY.PEEK would send them,
 * unchanged; a TEXT's are taken as APPEND's own literal's would be, NUL included (as the paragraph above), and so
 * is a TEXT literal8. A message with a part that cannot be had answers NO [BADURL], one over max_literal
 * NO [TOOBIG] (RFC 4469 §4), with nothing stored.
 */
export const append = defineAuthenticatedCommand({
  name: 'APPEND', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    const messages: AppendMessageArg[] = [];
    while (a.maybeSp()) messages.push(a.appendMessage());
    a.end();
    return { mailbox, messages };
  },
  async run(ctx, args: AppendArgs) {
    if (args.messages.length === 0) throw no('APPEND without a message');
    const built = new AppendMessages(ctx);
    try {
      // Every message is checked, and every URL read, before any is stored: MULTIAPPEND is all or nothing
      // (RFC 3502 §6.3.11), and so is a CATENATE whose URL is bad (RFC 4469 §3).
      const msgs = await built.build(args.messages);
      let r;
      try {
        r = await ctx.store.append(args.mailbox, (async function* () {
          yield* msgs;
        })());
      } catch (e) {
        if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
        throw e;
      }
      ctx.okWith('APPEND completed', (b) => b.raw('APPENDUID ').number(r.uidValidity).sp().seqSet(r.uids));
    } finally {
      built.release();
    }
  },
});
