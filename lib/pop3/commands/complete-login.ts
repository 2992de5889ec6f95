/**
 * Not a command: the end of a login, whichever command made it (PASS, APOP, AUTH). A failure is answered
 * `-ERR [AUTH]` and may end the session (too many); a success opens the maildrop (the backend drops privileges
 * first) and enters the TRANSACTION state, or ends the session when the maildrop cannot be opened (RFC 2449 §8
 * response codes).
 */
import type { AuthResult } from '../../auth/types.js';
import { MailboxError } from '../../mailbox/driver.js';
import type { AuthorizationContext } from '../command.js';

/**
 * `name`: the user as the client gave it (for the failure log line); `how`: LOGIN, APOP or the SASL mechanism;
 * `failText`: the -ERR text of a failure.
 */
export async function completeLogin(ctx: AuthorizationContext, name: string, result: AuthResult, how: string,
  failText: string): Promise<void> {
  const { logger, clientHost } = ctx.opts;
  if (!result.ok) {
    ctx.send(`-ERR [AUTH] ${failText}`);
    logger.log('info', `Login failed user=${name} auth=${how} host=${clientHost}`);
    if (await ctx.backend.loginFailed(name, how)) {
      ctx.send('-ERR Too many login failures, goodbye');
      ctx.finish('too many login failures');
    }
    return;
  }
  const account = result.account.name;
  let drop;
  try {
    drop = await ctx.backend.openMaildrop(result);
  } catch (e) {
    const inUse = e instanceof MailboxError && e.code === 'INUSE';
    const code = inUse ? '[IN-USE] ' :
      e instanceof MailboxError && (e.code === 'NOPERM' || e.code === 'NOTMAILBOX') ? '[SYS/PERM] ' : '[SYS/TEMP] ';
    ctx.send(`-ERR ${code}${inUse ? 'Mailbox in use by another POP3 session' : "Can't open mailbox"}`);
    logger.log('info', `Error opening or locking INBOX user=${account} host=${clientHost}: ${(e as Error).message}`);
    ctx.loginAborted(account, inUse ? 'mailbox in use' : 'cannot open mailbox');
    return;
  }
  ctx.loggedIn(account, drop);
  // UW's lines: "Login user=", "APOP user=", "Auth user=" (SASL).
  const verb = how === 'LOGIN' ? 'Login' : how === 'APOP' ? 'APOP' : 'Auth';
  logger.log('info', `${verb} user=${account} host=${clientHost} nmsgs=${drop.count}/${drop.count}`);
  ctx.send(`+OK Mailbox open, ${drop.count} messages`);
}
