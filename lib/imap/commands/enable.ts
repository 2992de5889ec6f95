// command-any =/ "ENABLE" 1*(SP capability)  (RFC 5161 §4)
/** ENABLE (RFC 5161). */
import { defineCommand } from '../command.js';

export const enable = defineCommand({
  name: 'ENABLE', states: ['authenticated'], expungeSafe: true,
  parse(a) {
    const caps: string[] = [];
    // enable ::= "ENABLE" 1*(SP capability) (RFC 5161 §3)
    do {
      a.sp();
      caps.push(a.atom().toUpperCase());
    } while (!a.atEnd());
    return caps;
  },
  async run(ctx, caps: string[]) {
    // Nothing this server offers is enabled this way yet (CONDSTORE, QRESYNC, UTF8=ACCEPT are not supported):
    // RFC 5161 says to answer with the subset enabled, here none.
    void caps;
    ctx.untagged((b) => b.raw('ENABLED'));
  },
});
