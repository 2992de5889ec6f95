/** Mailbox names in responses (LIST, LSUB, XLIST, STATUS). */
import type { ResponseBuilder } from '../../../wire/encode.js';

/**
 * A mailbox name as LIST sends it (`mailbox = "INBOX" / astring`, always as a string here, as UW does): quoted, or
 * a literal when the encoder's rule cannot quote it. The name's characters are its octets (modified UTF-7 or
 * latin1, as the store gives them).
 */
export function mailboxName(b: ResponseBuilder, name: string): ResponseBuilder {
  return b.string(Buffer.from(name, 'latin1'));
}
