// authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)  (RFC 4959 §7)
/** AUTHENTICATE (RFC 3501 §6.2.2) with an initial response (SASL-IR, RFC 4959). */
import { decodeSaslResponse } from '../../auth/sasl-response.js';
import { defineCommand } from '../command.js';
import { bad, no, ResponseSent } from '../errors.js';
import { finishLogin } from './shared/login.js';

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
      const challenge = step.data.toString('base64');
      ctx.continuation((b) => b.raw(challenge));
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
      await finishLogin(ctx, '', { ok: false, reason: 'bad-password', detail: step.reason }, args.mechanism);
      return;
    }
    await finishLogin(ctx, step.result.ok ? step.result.account.name : step.authcid, step.result, args.mechanism);
  },
});
