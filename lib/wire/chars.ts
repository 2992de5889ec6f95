/**
 * Character classes of RFC 3501 §9, shared by the fragmentizer, the parser and the encoder. Each takes one octet
 * (or -1 for "none") and says whether it belongs to the class.
 */

/**
 * ATOM-CHAR = <any CHAR except atom-specials>
 * atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
 */
export function isAtomChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x28 && c !== 0x29 && c !== 0x7b && c !== 0x25 && c !== 0x2a && c !== 0x22
    && c !== 0x5c && c !== 0x5d;
}

/** ASTRING-CHAR = ATOM-CHAR / resp-specials */
export const isAstringChar = (c: number): boolean => isAtomChar(c) || c === 0x5d;

/** list-char = ATOM-CHAR / list-wildcards / resp-specials */
export const isListChar = (c: number): boolean => isAstringChar(c) || c === 0x25 || c === 0x2a;

/** tag = 1*<any ASTRING-CHAR except "+"> */
export const isTagChar = (c: number): boolean => isAstringChar(c) && c !== 0x2b;

/** DIGIT */
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
