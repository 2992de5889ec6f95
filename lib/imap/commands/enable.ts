// command-any =/ "ENABLE" 1*(SP capability)  (RFC 5161 §4)
/** ENABLE (RFC 5161): CONDSTORE (RFC 7162 §3.1) is the one capability that can be enabled. */
import { defineCommand } from '../command.js';

/** What ENABLE can turn on. */
const ENABLEABLE: ReadonlySet<string> = new Set(['CONDSTORE']);

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
    // RFC 5161 §3.1: ENABLED lists what this command turned on; unknown names and ones already on are left out.
    const on = caps.filter((c, i) => ENABLEABLE.has(c) && caps.indexOf(c) === i && ctx.enable(c));
    ctx.untagged((b) => {
      b.raw('ENABLED');
      for (const c of on) b.sp().atom(c);
    });
  },
});
