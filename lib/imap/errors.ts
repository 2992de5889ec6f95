/**
 * The one place where an error becomes an IMAP reply (docs/ARCHITECTURE.md rule 7; go-imap's server does the same).
 * Commands throw what they mean ({@link CommandResult} through `no()`/`bad()`, a ParseError from the argument
 * parser, a MailboxError from storage, LineTooLong from a line they read themselves) and never format a reply for
 * a failure; the session asks {@link replyFor} what to send. Anything not foreseen is `NO [SERVERBUG]` with a
 * short id that the log line carries too, and the session goes on: only a stream that can no longer be trusted
 * (a literal cut short mid-response) or the client going away ends it.
 *
 * Texts sent to the client name no path, internal message or stack (they could reveal the server's layout);
 * the log line has the detail.
 */
import { InputClosed, LineTooLong } from '../io/input.js';
import { MailboxError } from '../mailbox/driver.js';
import { ParseError } from '../wire/parser.js';

/** A response code and text for a tagged or untagged status response. */
export class CommandResult extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    text: string,
    readonly code: string | null = null,
  ) {
    super(text);
  }
}

/** Thrown by a command that has written its own tagged response (STARTTLS, before the handshake). */
export class ResponseSent extends Error {}

/**
 * The response stream can no longer be trusted (part of a literal was sent and the rest cannot be): the
 * connection must end. `message` is for the log, never for the client.
 */
export class StreamBroken extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamBroken';
  }
}

/** Shorthands for commands: `throw no('...')`. */
export const no = (text: string, code: string | null = null): CommandResult => new CommandResult('NO', text, code);
export const bad = (text: string, code: string | null = null): CommandResult => new CommandResult('BAD', text, code);

/** A MailboxError as the tagged NO a client understands (RFC 5530 codes). The message names no path. */
function mailboxNo(e: MailboxError): CommandResult {
  switch (e.code) {
    case 'NONEXISTENT': return no('Mailbox does not exist', 'NONEXISTENT');
    case 'ALREADYEXISTS': return no('Mailbox already exists', 'ALREADYEXISTS');
    case 'INUSE': return no('Mailbox is locked by another process', 'INUSE');
    case 'NOPERM': return no('Permission denied', 'NOPERM');
    // RFC 9051 §7.1 (RFC 5530 has no code for it): a client may delete the inferiors first.
    case 'HASCHILDREN': return no('Mailbox has inferior hierarchical names', 'HASCHILDREN');
    case 'LIMIT': return no(e.message, 'LIMIT');
    case 'USEATTR': return no(e.message, 'USEATTR');
    case 'EXPUNGED': return no('A message the command names has been expunged', 'EXPUNGEISSUED');
    case 'READONLY': return no('Mailbox is read-only', 'READ-ONLY');
    case 'NOTMAILBOX': return no('Not a mailbox', 'CANNOT');
    case 'OVERQUOTA': return no('Not enough disk space or quota', 'OVERQUOTA');
    case 'CORRUPT': return no('Mailbox changed under the command; try again', 'UNAVAILABLE');
    case 'IO': return no('Mailbox cannot be read or written now', 'UNAVAILABLE');
  }
}

/** What the session does about an error thrown by a command (or while reading one). */
export type Reply =
  /** A tagged NO/BAD; `log` (when set) is the detail for syslog, `internal` marks a SERVERBUG. */
  | { readonly kind: 'tagged'; readonly status: 'NO' | 'BAD'; readonly code: string | null; readonly text: string;
    readonly internal: boolean }
  /** The command already answered (STARTTLS). */
  | { readonly kind: 'sent' }
  /** The client is gone: nothing can be sent. */
  | { readonly kind: 'gone' }
  /** The stream is out of sync: `* BYE` and end. */
  | { readonly kind: 'fatal'; readonly detail: string };

/**
 * Maps any thrown value to the reply. `serverBugId` is called only for errors nobody foresaw; its id goes into
 * the client's text so that an administrator can find the log line.
 */
export function replyFor(e: unknown, serverBugId: () => string): Reply {
  if (e instanceof CommandResult) return { kind: 'tagged', status: e.status, code: e.code, text: e.message, internal: false };
  if (e instanceof ParseError) return { kind: 'tagged', status: 'BAD', code: null, text: e.message, internal: false };
  if (e instanceof LineTooLong) return { kind: 'tagged', status: 'BAD', code: null, text: 'Line too long', internal: false };
  if (e instanceof MailboxError) {
    const r = mailboxNo(e);
    return { kind: 'tagged', status: 'NO', code: r.code, text: r.message, internal: false };
  }
  if (e instanceof ResponseSent) return { kind: 'sent' };
  if (e instanceof InputClosed) return e.unreadable ? { kind: 'fatal', detail: 'Compressed input could not be inflated' } : { kind: 'gone' };
  if (e instanceof StreamBroken) return { kind: 'fatal', detail: e.message };
  return { kind: 'tagged', status: 'NO', code: 'SERVERBUG', text: `Internal error, id ${serverBugId()}`, internal: true };
}
