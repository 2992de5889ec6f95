/**
 * What POP3 commands throw (docs/ARCHITECTURE.md rule 7). The session's dispatch is the one place that turns a
 * thrown value into a reply: {@link Pop3Error} is the `-ERR` it names (counted towards the bad-command limit),
 * {@link StreamBroken} ends the connection, and anything else is `-ERR [SYS/TEMP] Internal error, id ...` with the
 * detail in the log only.
 */

/** A command refused: `-ERR <text>`, counted as a bad command. `text` goes to the client, so it names no path. */
export class Pop3Error extends Error {}

/** Shorthand for commands and their argument parsers: `throw err('No such message')`. */
export const err = (text: string): Pop3Error => new Pop3Error(text);

/**
 * Part of a multi-line response is out and the rest cannot follow (a read failed mid-message): the only safe end
 * is to close the connection without the terminating dot, so the client cannot take a cut-off message as whole.
 * `message` is for the log, never for the client.
 */
export class StreamBroken extends Error {}
