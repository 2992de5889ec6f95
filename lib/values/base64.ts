/** Base64 as SASL carries it (RFC 4422 §3: the protocols' encoding of challenges and responses). */

/**
 * The octets of canonical base64 text (RFC 4648 §4 with padding, no whitespace), or null when it is not: a wrong
 * length, misplaced "=", or non-zero leftover bits. The one base64 decoder of SASL exchanges (AUTHENTICATE and AUTH lines,
 * initial responses: lib/auth/sasl.ts), where a lenient decoder would let two different texts mean the same
 * credentials.
 */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const b = Buffer.from(text, 'base64');
  return b.toString('base64') === text ? b : null;
}
