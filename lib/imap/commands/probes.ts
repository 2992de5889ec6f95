/**
 * Commands of IMAP extensions this server does not have (the IANA IMAP capabilities registry's commands), which
 * clients send to find out whether a server has them, often without looking at CAPABILITY first (a GETQUOTAROOT
 * after every SELECT, a GETMETADATA at login). They are answered BAD like any unknown command, with the
 * extension named, but are not protocol errors: they do not count toward max_bad_commands, which is there to end a
 * session that sends garbage. The one list of them; a command added to the table is taken out of it.
 */

/** Command name (as the session forms it: `UID X` for UID commands) → the extension that defines it. */
const PROBES: ReadonlyMap<string, string> = new Map([
  // ACL (RFC 2086, RFC 4314)
  ['SETACL', 'ACL'], ['DELETEACL', 'ACL'], ['GETACL', 'ACL'], ['LISTRIGHTS', 'ACL'], ['MYRIGHTS', 'ACL'],
  // ANNOTATE-EXPERIMENT-1 (RFC 5257)
  ['GETANNOTATION', 'ANNOTATE-EXPERIMENT-1'], ['SETANNOTATION', 'ANNOTATE-EXPERIMENT-1'],
  // URLAUTH (RFC 4467)
  ['GENURLAUTH', 'URLAUTH'], ['RESETKEY', 'URLAUTH'], ['URLFETCH', 'URLAUTH'],
  // LANGUAGE (RFC 5255), CONVERT (RFC 5259), MULTISEARCH (RFC 7377)
  ['LANGUAGE', 'LANGUAGE'], ['CONVERT', 'CONVERT'], ['UID CONVERT', 'CONVERT'],
  ['ESEARCH', 'MULTISEARCH'],
  // UNAUTHENTICATE (RFC 8437) stays a probe on purpose: it returns the session to the not-authenticated state so
  // that another user may log in, and RFC 8437 §2 has it advertised only where that can work. Logged in as root,
  // imapd gives up root for the user's uid before it touches any mail (bin/session-identity.ts), as UW does, so the
  // process can never become another user; PREAUTH sessions are their user from the start.
  ['UNAUTHENTICATE', 'UNAUTHENTICATE'],
  // MAILBOX-REFERRALS (RFC 2193)
  ['RLIST', 'MAILBOX-REFERRALS'], ['RLSUB', 'MAILBOX-REFERRALS'],
]);

/** The extension whose command `name` (upper case) is, when it is one this server does not have; else undefined. */
export function probedExtension(name: string): string | undefined {
  return PROBES.get(name);
}
