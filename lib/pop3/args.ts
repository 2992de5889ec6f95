/**
 * POP3 command arguments (RFC 1939 §3): what follows the keyword and its space, as bytes and as text, and the
 * message-number argument most TRANSACTION commands take. Pure: parsing never looks at the maildrop; whether a
 * number names a message is decided when the command runs ({@link existingMessage}).
 */
import type { Maildrop } from './maildrop.js';
import { err } from './errors.js';

/** The arguments of one command line: everything after the keyword's space (empty when there is none). */
export class Pop3Args {
  constructor(
    /** The exact bytes (PASS takes the password as sent). */
    readonly bytes: Buffer,
  ) {}

  /** The bytes as text, one character per octet. */
  get text(): string {
    return this.bytes.toString('latin1');
  }

  /** The bytes as UTF-8 (user names, as passwd holds them). */
  get utf8(): string {
    return this.bytes.toString('utf8');
  }

  /** True when there is nothing but white space. */
  get empty(): boolean {
    return this.text.trim() === '';
  }
}

/**
 * `msg` (RFC 1939 §5): a message number. Missing is an error now; anything that is not a number of at most nine
 * digits is NaN, which {@link existingMessage} answers like a number out of range ("No such message").
 */
export function messageNumber(args: Pop3Args): number {
  const t = args.text.trim();
  if (!t) throw err('Missing message number argument');
  return /^\d{1,9}$/.test(t) ? Number(t) : NaN;
}

/** `n` when it names a message of the maildrop not marked deleted; else the command is refused. */
export function existingMessage(drop: Maildrop, n: number): number {
  if (!drop.valid(n)) throw err('No such message');
  return n;
}
