/** Mailbox names in responses (LIST, LSUB, XLIST, STATUS, QUOTAROOT). */
import type { ResponseBuilder } from '../../../wire/encode.js';
import { decodeMutf7, isMutf7 } from '../../../wire/mutf7.js';
import type { CommandContext } from '../../command.js';

/** Whether mailbox names go both ways in UTF-8: the session enabled UTF8=ACCEPT (RFC 9755) or IMAP4rev2 (RFC 9051). */
export function utf8On(ctx: CommandContext): boolean {
  return ctx.session.utf8Names;
}

/**
 * A mailbox name as LIST sends it (`mailbox = "INBOX" / astring`, always as a string here, as UW does): quoted, or
 * a literal when the encoder's rule cannot quote it. The name's characters are its octets (modified UTF-7 or
 * latin1, as the store gives them). Under UTF8=ACCEPT (`utf8`) a modified UTF-7 name goes as the UTF-8 it stands
 * for (RFC 9755 §3); a name that is not modified UTF-7 (a file another program named with 8-bit octets) goes as
 * its octets, since no UTF-8 form of it would lead back to it.
 */
export function mailboxName(b: ResponseBuilder, name: string, utf8: boolean): ResponseBuilder {
  if (utf8 && name.includes('&') && isMutf7(name)) return b.utf8String(Buffer.from(decodeMutf7(name), 'utf8'));
  return b.string(Buffer.from(name, 'latin1'));
}
