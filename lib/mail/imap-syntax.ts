/**
 * A tiny IMAP value encoder for the mail layer (ENVELOPE, BODY, BODYSTRUCTURE), until lib/wire's encoder takes over.
 *
 * RFC 3501 §4.3 and §9: `string = quoted / literal`; `quoted = DQUOTE *QUOTED-CHAR DQUOTE`;
 * `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials`; `literal = "{" number "}" CRLF
 * *CHAR8`. `nstring = string / nil`.
 *
 * The choice between quoted and literal follows Dovecot 2.3 byte for byte (our oracle, see test/fixtures/mime):
 * a string goes out quoted only when every byte is a plain 7-bit TEXT-CHAR that needs no escaping; a `"`, `\`,
 * CR, LF, NUL or any 8-bit byte makes it a literal. Clients then never have to unescape anything.
 */

/** An IMAP atom written as is (NIL is {@link ImapValue} `null`, not an atom). */
export interface ImapAtom { readonly atom: string }

/**
 * Values written one after the other with no space and no parentheses of their own. RFC 3501 §9 writes
 * `body-type-mpart = 1*body SP media-subtype` and `env-from = "(" 1*address ")" / nil`: the bodies of a multipart
 * and the addresses of a list follow each other with no space between them (`(a)(b)`), as UW and Dovecot send them.
 */
export interface ImapAdjacent { readonly adjacent: readonly ImapValue[] }

/**
 * A value to encode: null is NIL, a number an IMAP number, a Uint8Array an IMAP string (quoted or literal as above),
 * an {@link ImapAtom} an atom, an array a parenthesised list (elements separated by one space), an
 * {@link ImapAdjacent} its elements with nothing between them.
 */
export type ImapValue = null | number | Uint8Array | ImapAtom | ImapAdjacent | readonly ImapValue[];

/** True if `b` may be sent as a quoted string under the rule above. */
export function quotable(b: Uint8Array): boolean {
  for (const c of b) {
    if (c === 0x22 || c === 0x5c || c === 0x0d || c === 0x0a || c === 0 || c >= 0x80) return false;
  }
  return true;
}

const NIL = Buffer.from('NIL');
const SP = Buffer.from(' ');
const LP = Buffer.from('(');
const RP = Buffer.from(')');
const DQ = Buffer.from('"');

/** Appends the encoding of `v` to `out` (pieces, concatenated by the caller). Never throws. */
export function encodeImapInto(v: ImapValue, out: Buffer[]): void {
  if (v === null) { out.push(NIL); return; }
  if (typeof v === 'number') { out.push(Buffer.from(String(Math.trunc(v)))); return; }
  if (v instanceof Uint8Array) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (quotable(b)) out.push(DQ, b, DQ);
    else out.push(Buffer.from(`{${b.length}}\r\n`), b);
    return;
  }
  if (Array.isArray(v)) {
    out.push(LP);
    v.forEach((x: ImapValue, i: number) => {
      if (i > 0) out.push(SP);
      encodeImapInto(x, out);
    });
    out.push(RP);
    return;
  }
  if ('adjacent' in v) {
    for (const x of v.adjacent) encodeImapInto(x, out);
    return;
  }
  if ('atom' in v) out.push(Buffer.from(v.atom, 'latin1'));
}

/** The encoding of `v` as one Buffer. */
export function encodeImap(v: ImapValue): Buffer {
  const out: Buffer[] = [];
  encodeImapInto(v, out);
  return Buffer.concat(out);
}

/** `nstring` from optional bytes: null or undefined is NIL. */
export function nstring(b: Uint8Array | null | undefined): ImapValue {
  return b === null || b === undefined ? null : b;
}

/** An IMAP string from JS text (encoded UTF-8; callers pass ASCII). */
export function str(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
