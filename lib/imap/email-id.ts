/**
 * RFC 8474's EMAILID: `M` and the first 32 hex digits of SHA-256 of the message as it is served (FETCH BODY[]).
 *
 * §5.1 defines the id as one that "uniquely identifies the content of a single message", and asks that it survive
 * COPY and MOVE. In an mbox a message is bytes in a file, with nothing beside them that moves when they do (mutt
 * and Pine copy and move messages between files too); its content is the one thing every copy shares. So the id is
 * a digest of that content: stable across sessions, the same in every mailbox a message is copied or moved to by
 * anyone, and never given to a different message (128 bits of SHA-256). The served form leaves out the mbox's own
 * metadata (`Status:`, `X-Status:`, `X-Keywords:`, `X-UID:`), which flag changes rewrite, so the id does not change
 * with flags. Two APPENDs of the same bytes get one id: they are identical content, which is what the id names.
 * Hex, not base64: §8.1 asks that ids not differ only in case. A client learns only ids of messages it can read,
 * so the digest tells it nothing it could not work out itself.
 *
 * Working it out reads the whole message; it is then kept with the message in the mailbox's field cache
 * (OpenMailbox.keep), so a later FETCH or SEARCH EMAILID of it reads no body.
 */
import { createHash } from 'node:crypto';
import type { OpenMailbox } from '../mailbox/driver.js';

/** The name the id is kept under (OpenMailbox.cached); another derivation takes another name. */
const KEPT = 'imap.emailid.1';

/** The EMAILID of message `seq` of `box` (see the module comment). */
export async function emailIdOf(box: OpenMailbox, seq: number): Promise<string> {
  const kept = box.cached(seq, KEPT);
  if (kept !== null) return kept.toString('latin1');
  const h = createHash('sha256');
  for await (const c of box.message(seq).chunks()) h.update(c);
  const id = `M${h.digest('hex').slice(0, 32)}`;
  await box.keep(seq, KEPT, Buffer.from(id, 'latin1'));
  return id;
}
