/**
 * The bounds on what a client's literals may be (ARCHITECTURE.md rule 5): APPEND's message up to `max_literal`, any
 * other literal far less; under LITERAL- (RFC 7888 §5) no large non-synchronizing literal. The fragmentizer
 * (lib/wire/fragmentizer.ts) asks as each literal is announced; the session answers a refused one with what
 * {@link literalRefusal} says.
 */
import type { CommandPart, LiteralAnnouncement } from '../wire/fragmentizer.js';

/** What the session's options (ImapOptions) say of literals. */
interface LiteralOptions {
  readonly maxLiteral: number;
  readonly literalMinus: boolean;
}

/** APPEND literals above this size go to a spool file when a spool directory is configured. */
export const SPOOL_ABOVE = 1 << 20;

/**
 * The largest literal any command but APPEND may send (a password, a mailbox name, a SEARCH string): UW imapd's
 * MAXCLIENTLIT, "maximum non-APPEND client literal size". Only APPEND carries messages, up to `maxLiteral`; without
 * this bound `a SEARCH TEXT {200000000}` would be read into memory whole.
 */
const MAX_CLIENT_LITERAL = 10_000;

/** RFC 7888 §5: under LITERAL-, the largest non-synchronizing literal a client may send. */
const LITERAL_MINUS_MAX = 4096;

/**
 * True when the command whose first fragments are `soFar` carries a message: APPEND (`tag SP "APPEND" SP ...`), or
 * REPLACE and UID REPLACE (RFC 8508), whose literals are APPEND's (its TEXT parts too under CATENATE, RFC 4469).
 */
export function isAppend(soFar: readonly CommandPart[]): boolean {
  const first = soFar[0];
  return first !== undefined && /^[^ ]+ (?:APPEND|REPLACE|UID REPLACE) /i.test(first.bytes.toString('latin1', 0, 80));
}

/** The largest literal `a` may be (the fragmentizer's `maxLiteral`), or 'refuse'. */
export function literalLimit(a: LiteralAnnouncement, opts: LiteralOptions): number | 'refuse' {
  if (a.nonSync && opts.literalMinus && a.size > LITERAL_MINUS_MAX) return 'refuse';
  return isAppend(a.soFar) ? opts.maxLiteral : Math.min(opts.maxLiteral, MAX_CLIENT_LITERAL);
}

/**
 * Why a literal was refused, in the client's terms (the octets of a non-synchronizing one have been read and
 * dropped, or the session ends with BYE when there were too many to read; a synchronizing one was never invited).
 * RFC 7888 §5: a non-synchronizing literal over 4096 octets under LITERAL- is answered BAD, with TOOBIG (RFC 4469)
 * when the command is APPEND. RFC 7889: a message over APPENDLIMIT is answered NO [TOOBIG], before the client
 * sends it when its literal is synchronizing.
 */
export function literalRefusal(a: LiteralAnnouncement, opts: LiteralOptions):
    { status: 'BAD' | 'NO'; code: string | null; text: string } {
  const append = isAppend(a.soFar);
  if (a.nonSync && opts.literalMinus && a.size > LITERAL_MINUS_MAX) {
    return {
      status: 'BAD', code: append ? 'TOOBIG' : null,
      text: `Non-synchronizing literal over ${LITERAL_MINUS_MAX} octets (LITERAL-): send it as a synchronizing literal`,
    };
  }
  if (append && a.size > opts.maxLiteral) {
    return { status: 'NO', code: 'TOOBIG', text: `Message larger than the APPENDLIMIT of ${opts.maxLiteral} octets` };
  }
  return { status: 'BAD', code: null, text: 'Literal too large' };
}
