// login = "LOGIN" SP userid SP password  (RFC 3501 §9)
/** LOGIN (RFC 3501 §6.2.3): not-authenticated state, plaintext only where allowed. */
import { Secret } from '../../auth/secret.js';
import { defineCommand } from '../command.js';
import { no } from '../errors.js';
import { finishLogin } from './shared/login.js';

export const login = defineCommand({
  name: 'LOGIN', states: ['not-authenticated'], expungeSafe: true,
  parse(a) {
    a.sp();
    const user = a.astring();
    a.sp();
    const password = a.astring();
    a.end();
    return { user: user.toString('utf8'), password };
  },
  async run(ctx, args: { user: string; password: Buffer }) {
    const s = ctx.session;
    if (!s.backend.plaintextAllowed()) throw no('Plaintext login disallowed without TLS', 'PRIVACYREQUIRED');
    const result = await s.backend.login(args.user, new Secret(args.password));
    args.password.fill(0);
    await finishLogin(ctx, args.user, result, 'LOGIN');
  },
});
