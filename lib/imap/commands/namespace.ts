// Namespace_Command = "NAMESPACE"  (RFC 2342 §6)
/** NAMESPACE (RFC 2342). */
import { defineAuthenticatedCommand } from '../command.js';

export const namespace = defineAuthenticatedCommand({
  name: 'NAMESPACE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    // UW: personal namespace "" with "/" (the home directory); no other users' or shared namespaces offered.
    ctx.untagged((b) => b.raw('NAMESPACE ((').string('').sp().string('/').raw(')) NIL NIL'));
  },
});
