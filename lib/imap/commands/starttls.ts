// command-nonauth = login / authenticate / "STARTTLS"  (RFC 3501 §9)
/** STARTTLS (RFC 3501 §6.2.1). */
import { describeError } from '../../env/logger.js';
import { defineCommand } from '../command.js';
import { bad, no, ResponseSent } from '../errors.js';
import { type ImapSession } from '../session.js';

export const starttls = defineCommand({
  name: 'STARTTLS', states: ['not-authenticated'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const s: ImapSession = ctx.session;
    const tls = s.backend.tls;
    if (!tls) throw no('STARTTLS not available');
    if (s.input.buffered > 0) {
      // Commands pipelined after STARTTLS in plaintext must not run as if they came through TLS (RFC 3501 §6.2.1).
      s.end('commands pipelined after STARTTLS', 'Commands pipelined after STARTTLS');
      throw bad('STARTTLS must be the last command in a batch');
    }
    ctx.taggedOk('Begin TLS negotiation now');
    await s.out.flush();
    try {
      await tls.start();
    } catch (e) {
      // The client did not complete a handshake (plaintext where TLS was due, a bad certificate on its side): the
      // connection is neither plaintext nor TLS now, so nothing more can be said on it.
      s.opts.logger.log('notice', `STARTTLS negotiation failed host=${s.opts.clientHost}: ${describeError(e)}`);
      s.end('TLS negotiation failed', null);
      throw new ResponseSent();
    }
    ctx.tlsStarted();
    throw new ResponseSent();
  },
});
