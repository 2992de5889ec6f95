/**
 * APOP name digest (RFC 1939 §7)
 *
 * `digest` is the MD5 of the greeting's timestamp and the shared secret, 32 hex digits. Offered only when the
 * greeting carries a timestamp (cram-md5.pwd is present and safe).
 */
import { defineCommand } from '../command.js';
import { err } from '../errors.js';
import { completeLogin } from './complete-login.js';

export const apop = defineCommand({
  name: 'APOP', states: ['authorization'],
  // Malformed arguments are answered after "Not supported" when APOP is off: null here, refused in run.
  parse(a) {
    const m = /^(\S+) ([0-9a-fA-F]{32})$/.exec(a.utf8.trim());
    return m ? { name: m[1] as string, digest: (m[2] as string).toLowerCase() } : null;
  },
  async run(ctx, args) {
    if (!ctx.backend.apopStamp) throw err('Not supported');
    if (!args) throw err('Missing APOP argument');
    const result = await ctx.backend.apop(args.name, args.digest);
    await completeLogin(ctx, args.name, result, 'APOP', 'Bad APOP');
  },
});
