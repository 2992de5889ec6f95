/**
 * Splitting the client's byte stream into IMAP commands: find the line and literal boundaries first, parse later
 * (imap-codec's and Dovecot's rule). A command is a line; a line that ends in a literal marker — `{N}`, `{N+}`
 * (LITERAL+, RFC 2088 / RFC 7888) or `~{N}` / `~{N+}` (literal8, RFC 3516) — is followed by exactly N octets and
 * then the rest of the command, which is again a line that may end in a literal.
 *
 * RFC 3501 §7.5 / §9: literal = "{" number "}" CRLF *CHAR8
 * RFC 2088:           literal = "{" number ["+"] "}" CRLF *CHAR8
 * RFC 3516:           literal8 = "~{" number ["+"] "}" CRLF *OCTET
 *
 * Everything is bounded (line length by the byte source, literal size, total size, literal count). When a bound is
 * exceeded the command is thrown away *without losing sync*: a synchronizing literal is refused before the client
 * sends it (no "+" continuation, so the client sends nothing more for this command); a non-synchronizing literal
 * is already on its way, so its octets and the rest of the command are read and discarded. Either way the next
 * call starts at the next command.
 *
 * Two cases cannot keep sync, and are reported as fatal (the session says BYE and closes): an over-long line,
 * because the byte source throws it away whole and we cannot see whether it ended in a literal marker (if it did,
 * the literal's octets — say, a message being appended — would be read as commands: a smuggling hole); and a
 * refused non-synchronizing literal larger than `maxDiscard` (we will not read gigabytes to stay in sync).
 *
 * This module imports no Node API beyond Buffer; it reads through {@link CommandSource}, which lib/io's LineInput
 * satisfies.
 */
import { isTagChar } from './chars.js';

/**
 * The byte source the fragmentizer pulls from (lib/io/input.ts LineInput fits it). `readLine` returns a line
 * without its CRLF, or null at the end of input; when a line was too long it must consume it to its end and throw
 * an error whose `name` is 'LineTooLong'. `readBytes(n)` returns exactly n octets or throws (input closed).
 */
export interface CommandSource {
  readLine(): Promise<Buffer | null>;
  readBytes(n: number): Promise<Buffer>;
  /** Optional: 1 to `max` octets as soon as any are there, valid until the next read (used to stream to a spool). */
  readSome?(max: number): Promise<Buffer>;
}

/** One piece of a command: a run of text (line bytes, CRLF and literal markers removed) or a literal's octets. */
export type CommandPart =
  | { readonly kind: 'text'; readonly bytes: Buffer }
  | {
      readonly kind: 'literal';
      /** The octets; empty when they went to {@link spooled} instead. */
      readonly bytes: Buffer;
      /** The octets, when the limits' `spool` took them (a large APPEND): read them from here, not `bytes`. */
      readonly spooled?: SpooledLiteral;
      /** Sent as `{N+}`: no continuation request was made. */
      readonly nonSync: boolean;
      /** Sent as `~{N}` (RFC 3516 literal8): may contain NUL. */
      readonly binary: boolean;
    };

/**
 * A whole command as received. `parts` alternate text and literal and always start and end with a text part
 * (possibly empty): `a LOGIN {3}\r\nbob x\r\n` is [text "a LOGIN ", literal "bob", text " x"].
 */
export interface RawCommand {
  readonly parts: readonly CommandPart[];
  /** Total octets of text and literals (markers and CRLFs not counted). */
  readonly size: number;
}

/**
 * Somewhere outside memory to put a literal's octets as they arrive (a message being appended may be hundreds of
 * MB: lib/io/spool.ts writes it to an unlinked temporary file). The fragmentizer writes every octet, then calls
 * {@link finish}, or {@link discard} if the input failed part way.
 */
export interface LiteralSpool {
  write(chunk: Buffer): void;
  finish(): SpooledLiteral;
  discard(): void;
}

/** A literal's octets held by a {@link LiteralSpool}. */
export interface SpooledLiteral {
  readonly size: number;
  /** The octets, streamed, from the start, as often as asked; each chunk is valid until the next is asked for. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Frees what holds the octets. The command that received them is done with them. */
  release(): void;
}

/** What a bound check is told about the literal being announced. */
export interface LiteralAnnouncement {
  readonly size: number;
  readonly nonSync: boolean;
  readonly binary: boolean;
  /** The command up to the literal marker (the marker itself removed), e.g. to let APPEND take more than LOGIN. */
  readonly soFar: readonly CommandPart[];
}

export interface FragmentizerLimits {
  /** Largest literal accepted for this announcement, or 'refuse'. A literal of exactly this size is accepted. */
  maxLiteral(announced: LiteralAnnouncement): number | 'refuse';
  /** Largest total command size (text plus literal octets). */
  readonly maxCommand: number;
  /** Most literals in one command. */
  readonly maxLiterals: number;
  /** Largest refused non-synchronizing literal that is read and dropped to stay in sync; above it, fatal. */
  readonly maxDiscard: number;
  /**
   * Called before reading a synchronizing literal; the server must send (and flush) its "+ Ready for argument"
   * continuation request. Not called for non-synchronizing literals nor for refused ones.
   */
  onContinuation(): Promise<void>;
  /**
   * Where to put an accepted literal instead of memory, or null for memory (called after the bounds checks). The
   * octets of a literal given a spool never sit in memory more than a read at a time.
   */
  spool?(announced: LiteralAnnouncement): LiteralSpool | null;
}

/** Why a command was thrown away. Each maps to a BAD response; all leave the input at the next command. */
export type FragmentErrorCode = 'line-too-long' | 'literal-too-large' | 'command-too-large' | 'too-many-literals';

/**
 * A command that could not be received whole. Unless `fatal`, it has been consumed and the next
 * {@link readCommand} starts at the next command: answer `<tag> BAD <message>` (untagged `* BAD` when `tag` is
 * null, i.e. the first line could not be read). When `fatal`, sync with the client is lost or not worth keeping:
 * answer `* BYE <message>` and close the connection without reading further.
 */
export class CommandFragmentError extends Error {
  constructor(
    readonly code: FragmentErrorCode,
    readonly tag: string | null,
    text: string,
    readonly fatal: boolean = false,
    /** The literal refused, when a literal bound was exceeded: lets the receiver say why in its own terms. */
    readonly refused: LiteralAnnouncement | null = null,
  ) {
    super(text);
    this.name = 'CommandFragmentError';
  }
}

const CHUNK = 64 * 1024;
/** RFC 3501 number: an unsigned 32-bit integer. */
const MAX_NUMBER = 4294967295;

/** A literal marker found at the end of a line. */
interface Marker {
  /** Where the marker starts in the line (the text before it is kept). */
  readonly at: number;
  readonly size: number;
  readonly nonSync: boolean;
  readonly binary: boolean;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/**
 * The literal marker ending `line`, or null. Only the very end of a line can announce a literal: `{` is an
 * atom-special and a quoted string needs its closing quote, so a line ending in `{digits}` is a literal marker.
 * A marker whose number does not fit 32 bits is reported with size Infinity (it will be refused).
 */
export function literalMarker(line: Buffer): Marker | null {
  let end = line.length;
  if (line[end - 1] !== 0x7d /* } */) return null;
  end--;
  let nonSync = false;
  if (line[end - 1] === 0x2b /* + */) {
    nonSync = true;
    end--;
  }
  let start = end;
  while (isDigit(line[start - 1])) start--;
  if (start === end || line[start - 1] !== 0x7b /* { */) return null;
  const digits = line.toString('latin1', start, end);
  const n = digits.length > 10 ? Infinity : Number(digits);
  let at = start - 1;
  let binary = false;
  if (line[at - 1] === 0x7e /* ~ */) {
    binary = true;
    at--;
  }
  return { at, size: n > MAX_NUMBER ? Infinity : n, nonSync, binary };
}

/** The tag at the start of a command's first line, if it looks like one (RFC 3501 tag: ASTRING-CHARs but "+"). */
function tagOf(line: Buffer): string | null {
  const sp = line.indexOf(0x20);
  const tag = line.subarray(0, sp < 0 ? line.length : sp);
  return tag.length > 0 && tag.every(isTagChar) ? tag.toString('latin1') : null;
}

function isLineTooLong(e: unknown): boolean {
  return e instanceof Error && e.name === 'LineTooLong';
}

/** Reads and drops n octets in bounded steps (a huge LITERAL+ must not be held in memory). */
async function skip(source: CommandSource, n: number): Promise<void> {
  for (let left = n; left > 0; left -= Math.min(left, CHUNK)) await source.readBytes(Math.min(left, CHUNK));
}

/**
 * Reads the rest of a command that is being thrown away: every non-synchronizing literal is skipped; at a
 * synchronizing literal (which we will not invite) or at a line without a marker, the command is over. Resolves
 * false when sync could not be kept (a literal above `maxDiscard`, an over-long line): the caller must say BYE.
 */
async function discardRest(source: CommandSource, marker: Marker, maxDiscard: number): Promise<boolean> {
  let m: Marker | null = marker;
  while (m !== null && m.nonSync) {
    if (!Number.isFinite(m.size) || m.size > maxDiscard) return false;
    await skip(source, m.size);
    let line: Buffer | null;
    try {
      line = await source.readLine();
    } catch (e) {
      if (isLineTooLong(e)) return false;
      throw e;
    }
    if (line === null) return true;
    m = literalMarker(line);
  }
  return true;
}

/**
 * Reads the next command. Resolves null at the end of input (between commands). Throws
 * {@link CommandFragmentError} when a bound was exceeded (the command has been consumed, see the module comment),
 * and passes through the source's own errors (input closed: the session ends). Must not be called again before
 * the previous call settled.
 */
export async function readCommand(source: CommandSource, limits: FragmentizerLimits): Promise<RawCommand | null> {
  const parts: CommandPart[] = [];
  try {
    return await readParts(source, limits, parts);
  } catch (e) {
    // A command that is not returned cannot be released by its receiver: free its spooled literals here.
    for (const p of parts) if (p.kind === 'literal') p.spooled?.release();
    throw e;
  }
}

async function readParts(source: CommandSource, limits: FragmentizerLimits, parts: CommandPart[]): Promise<RawCommand | null> {
  let first: Buffer | null;
  try {
    first = await source.readLine();
  } catch (e) {
    if (isLineTooLong(e)) throw new CommandFragmentError('line-too-long', null, 'Command line too long', true);
    throw e;
  }
  if (first === null) return null;
  const tag = tagOf(first);
  let size = 0;
  let literals = 0;
  let line: Buffer = first;
  const fail = async (m: Marker | null, code: FragmentErrorCode, text: string,
    refused: LiteralAnnouncement | null = null): Promise<never> => {
    const inSync = m === null || (await discardRest(source, m, limits.maxDiscard));
    throw new CommandFragmentError(code, tag, text, !inSync, refused);
  };
  for (;;) {
    const m = literalMarker(line);
    const text = m === null ? line : line.subarray(0, m.at);
    parts.push({ kind: 'text', bytes: text });
    size += text.length;
    if (size > limits.maxCommand) await fail(m, 'command-too-large', 'Command too long');
    if (m === null) return { parts, size };

    literals++;
    let problem: [FragmentErrorCode, string] | null = null;
    const announced: LiteralAnnouncement = { size: m.size, nonSync: m.nonSync, binary: m.binary, soFar: parts };
    if (literals > limits.maxLiterals) {
      problem = ['too-many-literals', 'Too many literals in command'];
    } else {
      const max = limits.maxLiteral(announced);
      if (max === 'refuse' || m.size > max) problem = ['literal-too-large', 'Literal too large'];
      else if (size + m.size > limits.maxCommand) problem = ['command-too-large', 'Command too long'];
    }
    if (problem !== null) await fail(m, problem[0], problem[1], problem[0] === 'literal-too-large' ? announced : null);

    if (!m.nonSync) await limits.onContinuation();
    const spool = m.size > 0 ? (limits.spool?.(announced) ?? null) : null;
    if (spool !== null) {
      let spooled: SpooledLiteral;
      try {
        for (let left = m.size; left > 0;) {
          const n = Math.min(left, CHUNK);
          const piece = source.readSome ? await source.readSome(n) : await source.readBytes(n);
          spool.write(piece);
          left -= piece.length;
        }
        spooled = spool.finish();
      } catch (e) {
        spool.discard();
        throw e;
      }
      parts.push({ kind: 'literal', bytes: Buffer.alloc(0), spooled, nonSync: m.nonSync, binary: m.binary });
      size += m.size;
    } else {
      const bytes = await source.readBytes(m.size);
      parts.push({ kind: 'literal', bytes, nonSync: m.nonSync, binary: m.binary });
      size += bytes.length;
    }
    let next: Buffer | null;
    try {
      next = await source.readLine();
    } catch (e) {
      if (isLineTooLong(e)) throw new CommandFragmentError('line-too-long', tag, 'Command line too long', true);
      throw e;
    }
    // The input ended right after the literal: the command is what we have.
    if (next === null) {
      parts.push({ kind: 'text', bytes: Buffer.alloc(0) });
      return { parts, size };
    }
    line = next;
  }
}
