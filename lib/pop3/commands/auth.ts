/**
 * AUTH mechanism [initial-response] (RFC 5034 §4)
 *
 *     auth-command = "AUTH" SP sasl-mech [SP initial-response] *(CRLF [base64]) [CRLF cancel-response] CRLF
 *
 * Without a mechanism (not in RFC 5034; UW answers it, and some clients ask it): the mechanisms offered now, as a
 * multi-line response. Challenges go out as `+ base64`; the client answers each with a base64 line or `*`.
 */
import { decodeInitialResponse, decodeSaslResponse } from '../../auth/sasl-response.js';
import { defineCommand } from '../command.js';
import { err } from '../errors.js';
import { completeLogin } from './complete-login.js';

export const auth = defineCommand({
  name: 'AUTH', states: ['authorization'],
  // A bad initial response is answered only once the mechanism is known to be offered: kept, refused in run.
  parse(a) {
    const parts = a.text.trim().split(/\s+/).filter(Boolean);
    const mechanism = parts[0]?.toUpperCase() ?? null;
    const ir = parts[1];
    return { mechanism, initial: ir === undefined ? null : decodeInitialResponse(ir) };
  },
  async run(ctx, { mechanism, initial }) {
    const { backend } = ctx;
    if (mechanism === null) {
      ctx.send('+OK Supported authentication mechanisms:');
      for (const m of backend.mechanisms()) ctx.send(m);
      ctx.send('.');
      return;
    }
    const ex = backend.mechanisms().includes(mechanism) ? backend.sasl(mechanism) : null;
    if (!ex) throw err('Unsupported authentication mechanism');
    if (initial === 'malformed') throw err('Bad initial response');
    let step = await ex.start(initial);
    while (step.kind === 'challenge') {
      ctx.send(`+ ${step.data.toString('base64')}`);
      await ctx.flush();
      const line = await ctx.readLine();
      if (line === null) return;
      const data = decodeSaslResponse(line.trim());
      if (data === 'cancel') throw err('Authentication cancelled');
      if (data === 'malformed') throw err('Bad base64 in authentication');
      step = await ex.respond(data);
    }
    if (step.kind === 'fail') {
      ctx.send('-ERR [AUTH] Authentication failed');
      ctx.opts.logger.log('info', `AUTHENTICATE ${mechanism} failure host=${ctx.opts.clientHost}`);
      if (await backend.loginFailed('', mechanism)) ctx.finish('too many login failures');
      return;
    }
    await completeLogin(ctx, step.result.ok ? step.result.account.name : step.authcid, step.result, mechanism,
      'Bad authentication');
  },
});
