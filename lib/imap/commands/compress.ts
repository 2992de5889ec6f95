// command-auth =/ compress ; compress = "COMPRESS" SP algorithm ; algorithm = "DEFLATE"  (RFC 4978 §5)
/**
 * COMPRESS DEFLATE (RFC 4978): from the CRLF that ends the tagged OK on, both directions are raw DEFLATE streams
 * (lib/io/compress.ts), under the protocol and over TLS when STARTTLS came first. BAD for another algorithm, when
 * compression is on already, and when commands came after COMPRESS before its answer (§3: "The client MUST NOT send
 * any further commands until it has seen the result of COMPRESS"): whether they are compressed cannot be known,
 * so compression is not turned on and they are read as they are. No TLS compression is ever negotiated here
 * (Node's OpenSSL has it off), so the NO [COMPRESSIONACTIVE] case does not arise.
 */
import { deflating, inflating } from '../../io/compress.js';
import { defineAuthenticatedCommand } from '../command.js';
import { bad, ResponseSent } from '../errors.js';

export const compress = defineAuthenticatedCommand({
  name: 'COMPRESS', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const algorithm = a.atom().toUpperCase();
    a.end();
    return { algorithm };
  },
  async run(ctx, args: { algorithm: string }) {
    const s = ctx.session;
    if (args.algorithm !== 'DEFLATE') throw bad(`Unknown compression algorithm ${args.algorithm.slice(0, 40)}`);
    if (s.compressed) throw bad('COMPRESS is active already');
    if (s.input.buffered > 0) throw bad('COMPRESS must be the last command until its answer: compression not turned on');
    // Input first: whatever the client sends once it sees the OK is compressed, and may arrive before the flush
    // below returns.
    s.input.wrap(inflating);
    ctx.compressionStarted();
    ctx.taggedOk('DEFLATE active');
    await s.out.wrap(deflating);
    throw new ResponseSent();
  },
});
