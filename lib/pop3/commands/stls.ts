/**
 * STLS (RFC 2595 §4)
 *
 * Offered while the connection is not encrypted and a certificate is configured. Commands pipelined after it in
 * plaintext end the session: they must not be taken as if they had come through TLS.
 */
import { describeError } from '../../env/logger.js';
import { defineCommand, noArgs } from '../command.js';
import { err } from '../errors.js';

export const stls = defineCommand({
  name: 'STLS', states: ['authorization'],
  parse: noArgs,
  async run(ctx) {
    const tls = ctx.backend.tls;
    if (!tls) throw err('STLS not available');
    if (ctx.inputPending()) {
      ctx.send('-ERR STLS must be the last command in a batch');
      ctx.finish('commands pipelined after STLS');
      return;
    }
    ctx.send('+OK Begin TLS negotiation');
    await ctx.flush();
    try {
      await tls.start();
    } catch (e) {
      // No handshake (plaintext where TLS was due): the connection is neither plaintext nor TLS now.
      ctx.opts.logger.log('notice', `STLS negotiation failed host=${ctx.opts.clientHost}: ${describeError(e)}`);
      ctx.finish('TLS negotiation failed');
      return;
    }
    ctx.tlsStarted();
  },
});
