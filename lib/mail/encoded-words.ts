/**
 * RFC 2047 encoded words: a header field value as text, for SEARCH, SORT and THREAD.
 *
 * PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';
import { decodeCharset } from './charset.js';
import { hexValue } from './cte.js';

const EQ = 0x3d;

/** RFC 2047 §2: `encoded-word = "=?" charset "?" encoding "?" encoded-text "?="`, charset possibly `*lang` (RFC 2231). */
const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function decodeEncodedText(encoding: string, text: string): Buffer {
  if (encoding === 'b' || encoding === 'B') return Buffer.from(text, 'base64');
  // RFC 2047 §4.2: "_" is SPACE, "=XX" an octet; everything else stands for itself.
  const bytes = Buffer.from(text.replaceAll('_', ' '), 'latin1');
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    const hi = b === EQ ? hexValue(bytes[i + 1] ?? 0) : -1;
    const lo = hi >= 0 ? hexValue(bytes[i + 2] ?? 0) : -1;
    if (lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/**
 * A header field value as text: unfolded (RFC 5322 §2.2.3: "removing any CRLF that is immediately followed by WSP"),
 * RFC 2047 encoded words decoded in their charsets, other bytes as UTF-8 with an ISO-8859-1 fallback.
 *
 * RFC 2047 §6.2: "any 'linear-white-space' that separates a pair of adjacent 'encoded-word's is ignored", so such
 * whitespace is dropped; adjacent words in the same charset are joined as bytes before decoding, since senders split
 * multi-byte characters across words. Encoded words are recognised anywhere (not only as whole atoms), as UW and
 * Dovecot do, because real mailers put them inside quoted strings.
 *
 * With `unfold` false, folding line breaks are kept (each is text then): the same text but for those CRLFs, for
 * callers that only look for what cannot span them.
 */
export function decodeHeaderValue(raw: Uint8Array, unfold = true): string {
  const latin1 = Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1');
  const s = unfold ? latin1.replace(/\r?\n(?=[ \t])/g, '') : latin1;
  // Most fields (and most whole headers) have no encoded word: the text as it is.
  const ascii = isAscii(raw);
  if (!s.includes('=?')) return ascii ? s : latin1Text(s);
  const parts: string[] = [];
  headerPieces(
    s,
    (a, b) => parts.push(ascii ? s.slice(a, b) : latin1Text(s.slice(a, b))),
    (text) => parts.push(text),
  );
  return parts.join('');
}

/**
 * {@link decodeHeaderValue}'s reading of `s` (latin1 text, unfolded or not) in order: `text(a, b)` for each stretch
 * s[a, b) of plain text, `words(decoded)` for each group of adjacent encoded words (RFC 2047 §6.2: the whitespace
 * between them is dropped; adjacent words in one charset are joined as bytes before decoding).
 */
export function headerPieces(s: string, text: (a: number, b: number) => void, words: (decoded: string) => void): void {
  let last = 0;
  let pendingCharset: string | undefined;
  let pendingBytes: Buffer[] = [];
  const flushWords = (): void => {
    if (pendingCharset !== undefined) words(decodeCharset(Buffer.concat(pendingBytes), pendingCharset));
    pendingCharset = undefined;
    pendingBytes = [];
  };
  // Every encoded word starts `=?`: the pattern is tried where one does (as a global search would find them).
  for (let at = s.indexOf('=?'); at >= 0; at = s.indexOf('=?', at + 1)) {
    ENCODED_WORD_AT.lastIndex = at;
    const m = ENCODED_WORD_AT.exec(s);
    if (m === null) continue;
    const between = s.slice(last, at);
    const charset = (m[1] ?? '').split('*')[0] ?? '';
    const bytes = decodeEncodedText(m[2] ?? 'q', m[3] ?? '');
    const adjacent = pendingCharset !== undefined && /^[ \t\r\n]*$/.test(between);
    if (adjacent && pendingCharset === charset.toLowerCase()) {
      pendingBytes.push(bytes);
    } else {
      flushWords();
      if (!adjacent) text(last, at);
      pendingCharset = charset.toLowerCase();
      pendingBytes = [bytes];
    }
    last = at + m[0].length;
    at = last - 1;
  }
  flushWords();
  text(last, s.length);
}

/** {@link ENCODED_WORD}, anchored where lastIndex says. */
const ENCODED_WORD_AT = new RegExp(ENCODED_WORD.source, 'y');

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Header bytes held as a latin1 string, as text: as they are when ASCII, else decoded as `decodeCharset(.., undefined)`. */
function latin1Text(s: string): string {
  return ASCII_ONLY.test(s) ? s : decodeCharset(Buffer.from(s, 'latin1'), undefined);
}
