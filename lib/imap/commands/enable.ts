// command-any =/ "ENABLE" 1*(SP capability)  (RFC 5161 §4)
/**
 * ENABLE (RFC 5161): CONDSTORE (RFC 7162 §3.1), QRESYNC (§3.2.3), which turns CONDSTORE on with it, UTF8=ACCEPT
 * (RFC 9755 §3: mailbox names in UTF-8 both ways from the next command on, SEARCH strings in UTF-8) and IMAP4rev2
 * (RFC 9051 §6.3.1: its rules from the next command on; ImapSession.rev2 says which).
 */
import { defineCommand } from '../command.js';

/** What ENABLE can turn on, by its name in upper case (capability names are case-insensitive, RFC 3501 §7.2.1). */
const ENABLEABLE: ReadonlyMap<string, string> = new Map(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4rev2']
  .map((c) => [c.toUpperCase(), c]));

export const enable = defineCommand({
  name: 'ENABLE', states: ['authenticated'], expungeSafe: true,
  parse(a) {
    const caps: string[] = [];
    // enable ::= "ENABLE" 1*(SP capability) (RFC 5161 §3)
    do {
      a.sp();
      const c = a.atom();
      caps.push(ENABLEABLE.get(c.toUpperCase()) ?? c);
    } while (!a.atEnd());
    return caps;
  },
  async run(ctx, caps: string[]) {
    // RFC 5161 §3.1: ENABLED lists what this command turned on; unknown names and ones already on are left out.
    const on = caps.filter((c, i) => ENABLEABLE.has(c.toUpperCase()) && caps.indexOf(c) === i && ctx.enable(c));
    // QRESYNC implies CONDSTORE (RFC 7162 §3.2.3); only what the client named is listed as ENABLED.
    if (on.includes('QRESYNC')) ctx.enable('CONDSTORE');
    ctx.untagged((b) => {
      b.raw('ENABLED');
      for (const c of on) b.sp().atom(c);
    });
  },
});
