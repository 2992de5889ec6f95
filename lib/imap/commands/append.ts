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
  /** `binary`: sent as a literal8 (RFC 3516 `~{n}`). */
  messages: { flags: string[]; date: DateTime | null; bytes: Buffer; binary: boolean; spooled?: SpooledLiteral }[];
}

/**
 * Whether `bytes` survive a mail store unchanged. Stores serve messages with CRLF line ends (OpenMailbox.header and
 * text), so a lone LF comes back as CRLF; for a literal8 that is a change to binary content, which RFC 3516 §4.4
 * forbids: "any such transformation MUST NOT result in a loss of data. If the destination mailbox does not support
 * the storage of binary content, the server MUST fail the request and issue a "NO" response that contains the
 * "UNKNOWN-CTE" extended response code." NUL and lone CR are kept as they are.
 */
function storableBinary(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (i === 0 || bytes[i - 1] !== 0x0d) return false;
  }
  return true;
}

/**
 * APPEND (RFC 3501 §6.3.11), MULTIAPPEND (RFC 3502) when several messages follow, each a literal or (BINARY,
 * RFC 3516 §4.4) a literal8.
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
      const { bytes, binary, spooled } = a.literal8();
      messages.push(spooled !== undefined ? { flags, date, bytes, binary, spooled } : { flags, date, bytes, binary });
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
      if (m.binary && (m.spooled !== undefined ? m.spooled.bareLineFeed : !storableBinary(m.bytes))) {
        throw no('Binary content with bare line feeds cannot be stored without change', 'UNKNOWN-CTE');
      }
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
