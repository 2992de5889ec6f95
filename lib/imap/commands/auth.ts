/** LOGIN, AUTHENTICATE, STARTTLS (RFC 3501 §6.2, RFC 4959 SASL-IR): not-authenticated state. */
import { Secret } from '../../auth/secret.js';
import { describeError } from '../../env/logger.js';
import type { AuthResult } from '../../auth/types.js';
import { decodeSaslResponse } from '../../auth/sasl-response.js';
import { bad, no, ResponseSent, type CommandContext, type ImapSession, defineCommand } from '../session.js';

async function finish(ctx: CommandContext, user: string, result: AuthResult, how: string): Promise<void> {
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
  s.store = store;
  s.user = result.account.name;
  s.state = 'authenticated';
  s.opts.logger.log('info', `${how === 'LOGIN' ? 'Login' : 'Authenticated'} user=${s.user} host=${s.opts.clientHost}`);
  for (const a of await s.backend.alerts()) ctx.untagged(`OK [ALERT] ${a}`);
  ctx.okWith(`${how === 'LOGIN' ? 'LOGIN' : 'AUTHENTICATE'} completed`, `CAPABILITY ${s.capabilities().join(' ')}`);
}

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
    await finish(ctx, args.user, result, 'LOGIN');
  },
});

export const authenticate = defineCommand({
  name: 'AUTHENTICATE', states: ['not-authenticated'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mechanism = a.atom().toUpperCase();
    let initial: Buffer | null = null;
    if (a.maybeSp()) initial = a.base64();
    a.end();
    return { mechanism, initial };
  },
  async run(ctx, args: { mechanism: string; initial: Buffer | null }) {
    const s = ctx.session;
    const ex = s.backend.mechanisms().includes(args.mechanism) ? s.backend.sasl(args.mechanism) : null;
    if (!ex) throw no(`Unsupported authentication mechanism ${args.mechanism}`);
    let step = await ex.start(args.initial);
    while (step.kind === 'challenge') {
      s.out.write(`+ ${step.data.toString('base64')}\r\n`);
      await s.out.flush();
      const line = await s.input.readLine();
      if (line === null) {
        s.end('client gone', null);
        throw new ResponseSent();
      }
      const data = decodeSaslResponse(line.toString('latin1').trim());
      if (data === 'cancel') throw bad('Authentication cancelled');
      if (data === 'malformed') throw bad('Invalid base64 in authentication response');
      step = await ex.respond(data);
    }
    if (step.kind === 'fail') {
      await finish(ctx, '', { ok: false, reason: 'bad-password', detail: step.reason }, args.mechanism);
      return;
    }
    await finish(ctx, step.result.ok ? step.result.account.name : step.authcid, step.result, args.mechanism);
  },
});

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
    s.out.write(`${ctx.tag} OK Begin TLS negotiation now\r\n`);
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
    s.tlsActive = true;
    throw new ResponseSent();
  },
});
