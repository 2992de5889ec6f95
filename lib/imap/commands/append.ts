// append = "APPEND" SP mailbox 1*append-message  (RFC 3502, formal syntax)
// append-message = [SP flag-list] [SP date-time] SP literal  (RFC 3502, formal syntax)
// append =/ "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal8  (RFC 3516 §7)
import type { AppendMessage } from '../../mailbox/driver.js';
import { MailboxError } from '../../mailbox/driver.js';
import type { DateTime } from '../../wire/parser.js';
import type { SpooledLiteral } from '../../wire/fragmentizer.js';
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';
import { splitFlags } from './shared/flags.js';

interface AppendArgs {
  mailbox: string;
  messages: { flags: string[]; date: DateTime | null; bytes: Buffer; spooled?: SpooledLiteral }[];
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
 */
export const append = defineAuthenticatedCommand({
  name: 'APPEND', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    const messages: AppendArgs['messages'] = [];
    while (a.maybeSp()) {
      let flags: string[] = [];
      let date: DateTime | null = null;
      if (a.lookingAt('(')) {
        flags = a.flagList();
        a.sp();
      }
      if (a.lookingAt('"')) {
        date = a.dateTime();
        a.sp();
      }
      // A literal or a literal8: both are stored the same way (see above).
      const { bytes, spooled } = a.literal8();
      messages.push(spooled !== undefined ? { flags, date, bytes, spooled } : { flags, date, bytes });
    }
    a.end();
    return { mailbox, messages };
  },
  async run(ctx, args: AppendArgs) {
    if (args.messages.length === 0) throw no('APPEND without a message');
    const msgs: AppendMessage[] = args.messages.map((m) => {
      const { bits, keywords } = splitFlags(m.flags);
      const b = m.bytes;
      const spooled = m.spooled;
      return {
        // A large message streams from its spool file (lib/io/spool.ts), never whole in memory.
        body: spooled !== undefined
          ? { size: spooled.size, chunks: () => spooled.chunks() }
          : { size: b.length, async *chunks() { yield b; } },
        flags: bits, keywords,
        ...(m.date ? { internalDate: { time: m.date.epochMs, zone: m.date.zoneMinutes } } : {}),
      };
    });
    // Checked for every message before any is stored: MULTIAPPEND is all or nothing (RFC 3502 §6.3.11).
    for (const m of args.messages) {
      if (m.spooled === undefined && m.bytes.length === 0) throw no('Empty message');
    }
    async function* each(): AsyncIterable<AppendMessage> {
      yield* msgs;
    }
    let r;
    try {
      r = await ctx.store.append(args.mailbox, each());
    } catch (e) {
      if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
      throw e;
    }
    ctx.okWith('APPEND completed', (b) => b.raw('APPENDUID ').number(r.uidValidity).sp().seqSet(r.uids));
  },
});
