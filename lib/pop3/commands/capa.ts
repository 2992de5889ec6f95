/**
 * CAPA (RFC 2449 §5)
 *
 * The capabilities as they stand now: USER, SASL and STLS only before login, and only those this connection may
 * use (no plaintext mechanisms without TLS from another host).
 */
import { defineCommand, noArgs } from '../command.js';

export const capa = defineCommand({
  name: 'CAPA', states: ['authorization', 'transaction'],
  parse: noArgs,
  run(ctx) {
    const { backend } = ctx;
    const before = ctx.state === 'authorization';
    ctx.send('+OK Capability list follows:');
    ctx.send('TOP');
    ctx.send('UIDL');
    if (before && backend.plaintextAllowed()) ctx.send('USER');
    const mechs = backend.mechanisms();
    if (before && mechs.length) ctx.send(`SASL ${mechs.join(' ')}`);
    if (before && backend.tls) ctx.send('STLS');
    ctx.send('RESP-CODES');
    ctx.send('AUTH-RESP-CODE');
    ctx.send('PIPELINING');
    ctx.send(`IMPLEMENTATION uwimap-ts ${ctx.opts.version}`);
    ctx.send('.');
  },
});
