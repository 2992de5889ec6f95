/** The end of a login, by LOGIN or AUTHENTICATE (RFC 3501 §6.2.2-3). */
import type { AuthResult } from '../../../auth/types.js';
import { capabilityData, okResponse } from '../../responses.js';
import type { CommandContext } from '../../command.js';
import { no } from '../../errors.js';

/**
 * A failed login is logged, delayed (and may end the session) and answered NO [AUTHENTICATIONFAILED]; a successful
 * one opens the user's store, enters the authenticated state and answers with the new CAPABILITY.
 */
export async function finishLogin(ctx: CommandContext, user: string, result: AuthResult, how: string): Promise<void> {
  const s = ctx.session;
  if (!result.ok) {
    s.opts.logger.log('info', `Login failed user=${user} auth=${how} host=${s.opts.clientHost}`);
    if (await s.backend.loginFailed(user, how)) {
      s.end('too many login failures', 'Too many login failures');
      throw no('Authentication failed', 'AUTHENTICATIONFAILED');
    }
    throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  let store;
  try {
    store = await s.backend.openStore(result);
  } catch (e) {
    s.opts.logger.log('err', `Login refused user=${result.account.name} host=${s.opts.clientHost}: ${(e as Error).message}`);
    throw no('Login refused', 'UNAVAILABLE');
  }
  ctx.loggedIn(result.account.name, store);
  s.opts.logger.log('info', `${how === 'LOGIN' ? 'Login' : 'Authenticated'} user=${s.user} host=${s.opts.clientHost}`);
  for (const a of await s.backend.alerts()) ctx.untagged((b) => okResponse(b, 'ALERT', a));
  const caps = s.capabilities();
  ctx.okWith(`${how === 'LOGIN' ? 'LOGIN' : 'AUTHENTICATE'} completed`, (b) => capabilityData(b, caps));
}
