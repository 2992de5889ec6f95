// command-any = "CAPABILITY" / "LOGOUT" / "NOOP" / x-command  (RFC 3501 §9)
import { defineCommand } from '../command.js';

/** NOOP: nothing, but the mailbox updates go out after it (the session sends them). */
export const noop = defineCommand({
  name: 'NOOP', states: ['not-authenticated', 'authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run() {},
});
