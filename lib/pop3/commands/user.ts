/**
 * USER name (RFC 1939 §7)
 *
 * Names the mailbox for the PASS that follows. Refused without TLS where plaintext logins are not allowed.
 */
import { defineCommand } from '../command.js';
import { err } from '../errors.js';

export const user = defineCommand({
  name: 'USER', states: ['authorization'],
  // The user name as UTF-8, as passwd holds it.
  parse: (a) => a.utf8.trim(),
  run(ctx, name) {
    if (!ctx.backend.plaintextAllowed()) throw err('[AUTH] Plaintext logins are not allowed without TLS');
    if (!name) throw err('Missing username argument');
    ctx.userGiven(name);
    ctx.send('+OK User name accepted, password please');
  },
});
