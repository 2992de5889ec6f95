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
    if (d === null) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    return d.encoding === 'windows-1252' ? cp1252(bytes) : d.decode(bytes);
  }
  const s = charsetStream(name);
  return s.push(bytes) + s.end();
}

/**
 * windows-1252, which WHATWG also names latin1, iso-8859-1 and us-ascii: Node 20's one-shot TextDecoder.decode gives
 * ISO-8859-1 for it (C1 controls instead of curly quotes and the euro sign; its streaming mode is right), so
 * {@link decodeCharset} applies windows-1252's 0x80-0x9F row itself.
 */
function cp1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return C1.test(latin1) ? latin1.replace(C1_ALL, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? c) : latin1;
}

const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;

/** The characters of windows-1252 for bytes 0x80-0x9F (undefined positions map to the C1 control, as WHATWG says). */
const CP1252_C1 = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

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
