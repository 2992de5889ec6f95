/**
 * PASS string (RFC 1939 §7)
 *
 * The password for the name USER gave, as the exact bytes sent (spaces included).
 */
import { Secret } from '../../auth/secret.js';
import { defineCommand } from '../command.js';
import { err } from '../errors.js';
import { completeLogin } from './complete-login.js';

export const pass = defineCommand({
  name: 'PASS', states: ['authorization'],
  parse: (a) => new Secret(a.bytes),
  async run(ctx, password) {
    if (!ctx.backend.plaintextAllowed()) throw err('[AUTH] Plaintext logins are not allowed without TLS');
    const name = ctx.takeUser();
    if (name === null) throw err('USER first');
    const result = await ctx.backend.login(name, password);
    await completeLogin(ctx, name, result, 'LOGIN', 'Bad login');
  },
});
