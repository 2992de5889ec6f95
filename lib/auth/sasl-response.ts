/**
 * The client's side of a SASL exchange as IMAP and POP3 carry it (RFC 4422 §4: base64 lines, `*` to cancel, `=` for
 * an empty initial response): decoded here once for both protocols, before a mechanism (sasl.ts) sees the octets.
 * Pure, and allowed to the protocol layers (docs/ARCHITECTURE.md).
 */
import { decodeBase64Strict } from '../values/base64.js';

/**
 * Decodes one client response line (without CRLF) of an exchange in progress: `*` is a cancel (RFC 3501 §6.2.2,
 * RFC 5034 §4); otherwise it must be padded base64 with nothing else, as UW insisted (length a multiple of 4).
 * An empty line is an empty response.
 */
export function decodeSaslResponse(line: string): Buffer | 'cancel' | 'malformed' {
  if (line === '*') return 'cancel';
  return decodeBase64Strict(line) ?? 'malformed';
}

/** Decodes an initial response argument: `=` is an empty response (RFC 4959 §3, RFC 5034 §4), else base64. */
export function decodeInitialResponse(arg: string): Buffer | 'malformed' {
  if (arg === '=') return Buffer.alloc(0);
  if (arg === '') return 'malformed';
  return decodeBase64Strict(arg) ?? 'malformed';
}
