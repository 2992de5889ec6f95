/**
 * RPOP user (RFC 1081, since removed from POP3)
 *
 * Trusted the client's privileged port instead of a password: refused with UW's answer. After login it is not
 * even known (as in UW).
 */
import { defineCommand, noArgs } from '../command.js';
import { err } from '../errors.js';

export const rpop = defineCommand({
  name: 'RPOP', states: ['authorization'], unknownElsewhere: true,
  parse: noArgs,
  run() {
    throw err('Nice try, bunkie');
  },
});
