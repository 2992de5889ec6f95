// command-any =/ "ENABLE" 1*(SP capability)  (RFC 5161 §4)
/**
 * ENABLE (RFC 5161): CONDSTORE (RFC 7162 §3.1), QRESYNC (§3.2.3), which turns CONDSTORE on with it, and UTF8=ACCEPT
 * (RFC 9755 §3: mailbox names in UTF-8 both ways from the next command on, SEARCH strings in UTF-8).
 */
import { defineCommand } from '../command.js';

/** What ENABLE can turn on. */
const ENABLEABLE: ReadonlySet<string> = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT']);

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
    // QRESYNC implies CONDSTORE (RFC 7162 §3.2.3); only what the client named is listed as ENABLED.
    if (on.includes('QRESYNC')) ctx.enable('CONDSTORE');
    ctx.untagged((b) => {
      b.raw('ENABLED');
      for (const c of on) b.sp().atom(c);
    });
  },
});
