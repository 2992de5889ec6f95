// command-any = "CAPABILITY" / "LOGOUT" / "NOOP" / x-command  (RFC 3501 §9)
/** CAPABILITY (RFC 3501 §6.1.1): valid in every state. */
import { capabilityData } from '../responses.js';
import { defineCommand } from '../command.js';

export const capability = defineCommand({
  name: 'CAPABILITY', states: ['not-authenticated', 'authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    ctx.untagged((b) => capabilityData(b, ctx.session.capabilities()));
  },
});
