/**
 * Charsets to JS text: streaming decoders for MIME text parts, one-shot decoding for short byte strings (encoded
 * words, SEARCH arguments), and which charset names we know. Undeclared or "US-ASCII" text with 8-bit bytes is read
 * as UTF-8 where valid and ISO-8859-1 byte by byte elsewhere, as real mail needs.
 *
 * PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';

/** Bytes in some charset to JS text, chunk by chunk; a character split across chunks comes out whole. */
export interface CharsetStream {
  push(chunk: Uint8Array): string;
  end(): string;
}

/**
 * UTF-8 where the bytes are valid UTF-8, and each byte of an invalid sequence as its ISO-8859-1 character. Used for
 * text that claims US-ASCII (or claims nothing) yet carries 8-bit bytes, which real mail does in both common
 * encodings: a valid UTF-8 sequence is almost never an accident in Latin-1 text, so this guesses right either way.
 */
class Utf8OrLatin1Stream implements CharsetStream {
  /** The first bytes of a UTF-8 sequence cut by the chunk end (at most 3). */
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): string {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.pending = Buffer.alloc(0);
    return this.decode(buf, false);
  }

  end(): string {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return this.decode(rest, true);
  }

  private decode(buf: Buffer, final: boolean): string {
    if (isAscii(buf)) return buf.toString('latin1');
    const parts: string[] = [];
    let runStart = 0;
    let i = 0;
    while (i < buf.length) {
      const b = buf[i] ?? 0;
      if (b < 0x80) {
        i++;
        continue;
      }
      const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
      let valid = len > 0;
      let complete = true;
      for (let k = 1; valid && k < len; k++) {
        if (i + k >= buf.length) {
          complete = false;
          break;
        }
        const c = buf[i + k] ?? 0;
        if ((c & 0xc0) !== 0x80) valid = false;
        // Overlong three/four byte forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629 §3).
        if (k === 1 && ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f))) {
          valid = false;
        }
      }
      if (valid && !complete && !final) {
        parts.push(buf.toString('utf8', runStart, i));
        this.pending = Buffer.from(buf.subarray(i));
        return parts.join('');
      }
      if (valid && complete) {
        i += len;
        continue;
      }
      parts.push(buf.toString('utf8', runStart, i), String.fromCharCode(b));
      i++;
      runStart = i;
    }
    parts.push(buf.toString('utf8', runStart, buf.length));
    return parts.join('');
  }
}

class WhatwgStream implements CharsetStream {
  constructor(private readonly decoder: InstanceType<typeof TextDecoder>) {}
  push(chunk: Uint8Array): string {
    return this.decoder.decode(chunk, { stream: true });
  }
  end(): string {
    return this.decoder.decode();
  }
}

class Latin1Stream implements CharsetStream {
  push(chunk: Uint8Array): string {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
  }
  end(): string {
    return '';
  }
}

/** Names meaning "no real charset": decoded as UTF-8 with a per-byte ISO-8859-1 fallback. */
const ASCII_NAMES = new Set(['', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'us', 'unknown-8bit', 'x-unknown']);

function textDecoderFor(name: string, keepBom = false): InstanceType<typeof TextDecoder> | undefined {
  try {
    return new TextDecoder(name, { fatal: false, ignoreBOM: keepBom });
  } catch {
    return undefined;
  }
}

/**
 * True when {@link charsetStream} knows `name` by itself (not through a fallback): US-ASCII and every label of the
 * WHATWG Encoding Standard that this Node's TextDecoder supports. Used to answer SEARCH CHARSET with NO [BADCHARSET].
 */
export function isKnownCharset(name: string): boolean {
  const n = name.trim().toLowerCase();
  return ASCII_NAMES.has(n) || textDecoderFor(n) !== undefined;
}

/**
 * A decoder from the charset `name` (a MIME charset parameter; case-insensitive; undefined when absent) to text.
 *
 * - Absent, US-ASCII and unknown-8bit: UTF-8 where valid, else each byte as ISO-8859-1 (8-bit bytes in "ASCII" mail
 *   are common, in both encodings).
 * - A WHATWG label (utf-8, iso-8859-x, windows-125x, koi8-r, gbk, shift_jis, iso-2022-jp, ...): TextDecoder in
 *   streaming mode, malformed bytes becoming U+FFFD. Note WHATWG maps the label iso-8859-1 to windows-1252, which
 *   agrees on every printable ISO-8859-1 character and gives 0x80-0x9F their usual (mis)use.
 * - Anything else: each byte as its ISO-8859-1 character, so ASCII words in the text still match.
 * With `keepBom`, a byte order mark at the start is the character U+FEFF rather than dropped (for decoding pieces
 * of a text one at a time, where a piece's start is not the text's).
 */
export function charsetStream(name: string | undefined, keepBom = false): CharsetStream {
  const n = (name ?? '').trim().toLowerCase();
  if (ASCII_NAMES.has(n)) return new Utf8OrLatin1Stream();
  const d = textDecoderFor(n, keepBom);
  return d !== undefined ? new WhatwgStream(d) : new Latin1Stream();
}

/** Decodes a whole (small) byte string in one charset, as {@link charsetStream} would. */
export function decodeCharset(bytes: Uint8Array, name: string | undefined): string {
  const n = (name ?? '').trim().toLowerCase();
  if (!ASCII_NAMES.has(n)) {
    // One-shot decoding resets a TextDecoder: one per charset serves every call (making one costs more than
    // decoding an encoded word, and SEARCH decodes those in every header).
    let d = ONE_SHOT.get(n);
    if (d === undefined) {
      d = textDecoderFor(n) ?? null;
      if (ONE_SHOT.size >= 64) ONE_SHOT.clear();
      ONE_SHOT.set(n, d);
    }
    return d !== null ? d.decode(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
  const s = charsetStream(name);
  return s.push(bytes) + s.end();
}

/** {@link decodeCharset}'s decoders by charset name (null: not a WHATWG label), bounded: cleared when full. */
const ONE_SHOT = new Map<string, InstanceType<typeof TextDecoder> | null>();

/**
 * Whether every byte below 0x80 means its ASCII character in charset `name` and a run of such bytes decodes alone
 * (no shift states): then text made only of them folds by plain upper-casing, without decoding. True for the
 * charsets of nearly all mail: none given, US-ASCII, UTF-8, ISO-8859-x, windows-125x, KOI8; false for UTF-16/32
 * and the ISO-2022 family (7-bit bytes that mean other characters).
 */
export function asciiCompatible(name: string | undefined): boolean {
  const n = (name ?? '').trim().toLowerCase();
  return ASCII_NAMES.has(n) || /^(utf-?8|iso[-_]?8859-\d+|latin-?\d|l\d|windows-12\d\d|cp12\d\d|koi8-[ru])$/.test(n);
}
