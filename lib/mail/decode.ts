/**
 * Streaming decoders for SEARCH: Content-Transfer-Encodings (RFC 2045 §6.7 quoted-printable, §6.8 base64), charsets
 * to JS text, RFC 2047 encoded words in header fields, and a case-insensitive substring matcher that finds needles
 * straddling chunk boundaries.
 *
 * RFC 3501 §6.4.4: "[MIME-IMB] content transfer encodings, and [MIME-HDRS] strings in [RFC-2822]/[MIME-IMB] headers,
 * MUST be decoded before comparing text in a [CHARSET] other than US-ASCII." We decode always (UW and Dovecot do too),
 * so an ASCII search also finds words inside base64 parts.
 *
 * Everything here is chunk by chunk with bounded carry-over state: a message body is never held whole, and never
 * decoded into one JS string. PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';

/** A Content-Transfer-Encoding decoder. Not reusable: after {@link end} the object is spent. */
export interface ContentDecoder {
  /** Decodes one chunk; returns the bytes ready so far (possibly none). The chunk is not retained. */
  push(chunk: Uint8Array): Buffer[];
  /** Flushes what was held back at the end of the data (a partial base64 quantum, a lone `=`). */
  end(): Buffer[];
}

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const EQ = 0x3d;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  // Lower case is not legal (RFC 2045 §6.7 (1) "uppercase letters must be used") but §6.7 note (2) invites robust
  // decoders, and real mail has it.
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}

/** Whitespace runs are held to see if they end a line; past this they cannot be transport padding worth dropping. */
const MAX_HELD_WHITESPACE = 1024;
/** Hex digit values by byte (upper and lower case), -1 for the rest. */
const HEX: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 256; c++) t[c] = hexValue(c);
  return t;
})();

/**
 * RFC 2045 §6.7 quoted-printable, decoded chunk by chunk.
 *
 * - `=XX` is the octet XX (upper or lower case hex).
 * - Rule (5) soft line breaks: "an equal sign as the last character on a encoded line" — `=` then CRLF (or a bare
 *   LF, since mbox stores LF). Whitespace between the `=` and the line end is accepted: it is transport padding.
 * - Rule (3): "any trailing white space on a line must be deleted, as it will necessarily have been added by
 *   intermediate transport agents" — whitespace just before a line break (or the end) is dropped.
 * - A `=` not followed by two hex digits or a line break is kept literally, as the §6.7 note on robustness suggests.
 * Line breaks themselves pass through as they are.
 */
export class QuotedPrintableDecoder implements ContentDecoder {
  /** 'text'; 'eq' after `=`; 'hex' after `=X`; 'eqws' after `=` + whitespace; 'eqcr' after `=`[ws] CR. */
  private mode: 'text' | 'eq' | 'hex' | 'eqws' | 'eqcr' = 'text';
  /** Raw bytes not yet decided: a whitespace run (text mode) or the `=` sequence (eq, hex, eqws). */
  private held = new Uint8Array(16); // grown when a longer run is held (rare); a decoder is made per part
  private heldLen = 0;

  push(chunk: Uint8Array): Buffer[] {
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out = Buffer.allocUnsafe(chunk.length + this.heldLen);
    let n = 0;
    const len = data.length;
    for (let i = 0; i < len; i++) {
      if (this.mode === 'text' && this.heldLen === 0) {
        // Fast path, in text with nothing held: the bytes that decide at once are done here (most of a
        // quoted-printable body). The inner loop copies printable bytes and spaces; line ends and other controls are
        // copied, `=XX` escapes and `=` LF / `=` CRLF soft breaks decoded. Whitespace is copied as it comes and taken
        // back at a line end (rule (3)): `keep` is where the output ends with nothing that could be trailing
        // whitespace after it (whitespace before a `=` is text; a decoded =20 is no whitespace to drop). Where the
        // state machine would have held a run longer than it holds, it had sent all but the last (length mod 1025)
        // bytes: the same is kept. A run at the chunk's end is handed to the state machine's hold. It stops, for the
        // state machine below, at a `=` that is none of the above and at a `=` too near the chunk's end. Each step is
        // the state machine's own (test/unit/search-decode.test.ts compares the two on arbitrary input, chunked and
        // byte by byte).
        let j = i;
        let keep = n;
        for (;;) {
          let c = 0;
          while (j < len && (c = data[j] ?? 0) >= SP && c !== EQ) {
            out[n++] = c;
            j++;
          }
          if (j >= len) break;
          if (c === CR || c === LF) {
            let k = n;
            while (k > keep && (out[k - 1] === SP || out[k - 1] === HT)) k--;
            const m = n - k;
            n = m > MAX_HELD_WHITESPACE ? n - (m % (MAX_HELD_WHITESPACE + 1)) : k;
            out[n++] = c;
            j++;
            keep = n;
          } else if (c === HT) {
            out[n++] = c;
            j++;
          } else if (c === EQ) {
            keep = n; // whitespace before a `=` is text
            if (j + 2 >= len) break;
            const c1 = data[j + 1] ?? 0;
            const c2 = data[j + 2] ?? 0;
            const hi = HEX[c1] ?? -1;
            const lo = HEX[c2] ?? -1;
            if (hi >= 0 && lo >= 0) {
              out[n++] = (hi << 4) | lo;
              j += 3;
              keep = n;
            } else if (c1 === LF) {
              j += 2;
            } else if (c1 === CR && c2 === LF) {
              j += 3;
            } else {
              break;
            }
          } else {
            out[n++] = c;
            j++;
            keep = n;
          }
        }
        if (j >= len && n > keep) {
          // The chunk ends in whitespace: held (all but the bytes a hold of this length would have sent).
          let k = n;
          while (k > keep && (out[k - 1] === SP || out[k - 1] === HT)) k--;
          const held = (n - k) % (MAX_HELD_WHITESPACE + 1);
          n -= held;
          this.heldLen = 0;
          for (let h = 0; h < held; h++) this.hold(data[len - held + h] ?? 0);
        }
        i = j;
        if (i >= len) break;
      }
      const b = data[i] ?? 0;
      switch (this.mode) {
        case 'text':
          if (b === SP || b === HT) {
            this.hold(b);
            if (this.heldLen > MAX_HELD_WHITESPACE) n = this.flushHeld(out, n);
          } else if (b === CR || b === LF) {
            this.heldLen = 0; // trailing whitespace: rule (3)
            out[n++] = b;
          } else if (b === EQ) {
            n = this.flushHeld(out, n);
            this.hold(b);
            this.mode = 'eq';
          } else {
            if (this.heldLen > 0) n = this.flushHeld(out, n);
            out[n++] = b;
          }
          break;
        case 'eq':
          if (hexValue(b) >= 0) {
            this.hold(b);
            this.mode = 'hex';
          } else if (b === SP || b === HT) {
            this.hold(b);
            this.mode = 'eqws';
          } else if (b === CR) {
            this.heldLen = 0;
            this.mode = 'eqcr';
          } else if (b === LF) {
            this.heldLen = 0;
            this.mode = 'text';
          } else {
            n = this.flushHeld(out, n);
            this.mode = 'text';
            i--; // reprocess b as text
          }
          break;
        case 'hex': {
          const lo = hexValue(b);
          if (lo >= 0) {
            out[n++] = (hexValue(this.held[1] ?? 0) << 4) | lo;
            this.heldLen = 0;
            this.mode = 'text';
          } else {
            n = this.flushHeld(out, n);
            this.mode = 'text';
            i--;
          }
          break;
        }
        case 'eqws':
          if (b === SP || b === HT) {
            this.hold(b);
            if (this.heldLen > MAX_HELD_WHITESPACE) {
              n = this.flushHeld(out, n);
              this.mode = 'text';
            }
          } else if (b === CR) {
            this.heldLen = 0;
            this.mode = 'eqcr';
          } else if (b === LF) {
            this.heldLen = 0;
            this.mode = 'text';
          } else {
            n = this.flushHeld(out, n);
            this.mode = 'text';
            i--;
          }
          break;
        case 'eqcr':
          this.mode = 'text';
          if (b !== LF) i--; // a soft break ended by a bare CR: the byte after it is text
          break;
      }
    }
    return n > 0 ? [out.subarray(0, n)] : [];
  }

  /** Appends `b` to the held bytes. */
  private hold(b: number): void {
    if (this.heldLen >= this.held.length) {
      const bigger = new Uint8Array(Math.min(MAX_HELD_WHITESPACE + 4, this.held.length * 4));
      bigger.set(this.held);
      this.held = bigger;
    }
    this.held[this.heldLen++] = b;
  }

  /** Copies the held bytes to out[n...]; returns the new n. */
  private flushHeld(out: Buffer, n: number): number {
    for (let h = 0; h < this.heldLen; h++) out[n++] = this.held[h] ?? 0;
    this.heldLen = 0;
    return n;
  }

  end(): Buffer[] {
    // A whitespace run or `=`[ws] at the very end is a trailing-whitespace / soft break at the last line: dropped.
    // `=X` at the end is not an escape: kept literally.
    const rest = this.mode === 'hex' ? Buffer.from(this.held.subarray(0, this.heldLen)) : Buffer.alloc(0);
    this.heldLen = 0;
    this.mode = 'text';
    return rest.length > 0 ? [rest] : [];
  }
}

const BASE64_VALUES: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * RFC 2045 §6.8 base64, decoded chunk by chunk. "Any characters outside of the base64 alphabet are to be ignored in
 * base64-encoded data" (line breaks, stray spaces). A `=` ends the current quantum ("the final quantum ... padded");
 * data after it is decoded as a new run, which is how concatenated base64 blobs in the wild come out right. A partial
 * quantum at the end (unpadded) yields the bytes it fully determines; a single leftover character yields none.
 */
export class Base64Decoder implements ContentDecoder {
  private acc = 0;
  private count = 0;

  push(chunk: Uint8Array): Buffer[] {
    const out = Buffer.allocUnsafe(Math.floor(((chunk.length + this.count) * 3) / 4) + 3);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      const v = BASE64_VALUES[b] ?? -1;
      if (v < 0) {
        if (b === EQ && this.count >= 2) n = this.flushPartial(out, n);
        else if (b === EQ) this.reset();
        continue;
      }
      this.acc = (this.acc << 6) | v;
      if (++this.count === 4) {
        out[n++] = (this.acc >> 16) & 0xff;
        out[n++] = (this.acc >> 8) & 0xff;
        out[n++] = this.acc & 0xff;
        this.reset();
      }
    }
    return n > 0 ? [out.subarray(0, n)] : [];
  }

  end(): Buffer[] {
    const out = Buffer.allocUnsafe(3);
    const n = this.count >= 2 ? this.flushPartial(out, 0) : 0;
    this.reset();
    return n > 0 ? [out.subarray(0, n)] : [];
  }

  /** Emits the 1 or 2 bytes of a 2- or 3-character quantum and starts a new one. */
  private flushPartial(out: Buffer, n: number): number {
    if (this.count === 2) {
      out[n++] = (this.acc >> 4) & 0xff;
    } else if (this.count === 3) {
      out[n++] = (this.acc >> 10) & 0xff;
      out[n++] = (this.acc >> 2) & 0xff;
    }
    this.reset();
    return n;
  }

  private reset(): void {
    this.acc = 0;
    this.count = 0;
  }
}

/** 7bit, 8bit, binary, and unknown encodings: the bytes as they are. */
class IdentityDecoder implements ContentDecoder {
  push(chunk: Uint8Array): Buffer[] {
    return chunk.length > 0 ? [Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)] : [];
  }
  end(): Buffer[] {
    return [];
  }
}

/**
 * The decoder for a Content-Transfer-Encoding value (case-insensitive, surrounding whitespace ignored). RFC 2045
 * §6.4: "Any entity with an unrecognized Content-Transfer-Encoding must be treated as if it has a Content-Type of
 * application/octet-stream" — for searching we rather look at the raw bytes than skip the part, so unknown encodings
 * (and x-uuencode) get the identity decoder. Returns a fresh decoder on each call.
 */
export function contentDecoder(encoding: string | undefined): ContentDecoder {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'quoted-printable':
      return new QuotedPrintableDecoder();
    case 'base64':
      return new Base64Decoder();
    default:
      return new IdentityDecoder();
  }
}

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

/** Code points whose full upper-casing is not their titlecase in the sense of {@link unicodeCasemap}. */
const NOT_UPPERED = /[\u00df\u10d0-\u10fa\u10fd-\u10ff]/;
const UPPERED_RUNS = /[^\u00df\u10d0-\u10fa\u10fd-\u10ff]+/g;

function titlecase(text: string): string {
  return NOT_UPPERED.test(text) ? text.replace(UPPERED_RUNS, (w) => w.toUpperCase()) : text.toUpperCase();
}

/**
 * The "titlecased canonicalized" form of `text` under the i;unicode-casemap comparator (RFC 5051 §2), the comparator
 * of I18NLEVEL=1 (RFC 5255 §4.3) for SEARCH substring matching and SORT ordering (compare the UTF-8 octets of the
 * results, as i;octet): step 2a, each code point's titlecase property; step 2b, its full compatibility decomposition
 * (NFKD); then, our addition, titlecase once more. RFC 5051 titlecases only before decomposing, so a compatibility
 * character decomposes to lower-case letters (ﬁ to "fi", ǅ to "Dž") that "FI"/"fi" and "DŽ" never meet; with the
 * last pass ﬁ = fi = FI, as a user expects.
 *
 * JS has no titlecase, but with the final pass the native, context-free toUpperCase() gives the same result for
 * every code point (test/unit/search-decode.test.ts checks all of them against a per-code-point titlecase), with two
 * exceptions kept as they are: ß, whose full upper-casing "SS" is no single-code-point mapping in UnicodeData.txt, and
 * Georgian Mkhedruli, which upper-cases to Mtavruli but titlecases to itself. Where toUpperCase() expands a code point
 * otherwise (ligatures, ŉ, ǰ, Greek with ypogegrammeni) NFKD and the final pass reach the same letters; digraphs
 * (Ǆ ǅ ǆ) end as "DZ" + caron either way. Native calls only: about 8x toLowerCase() on non-ASCII text (NFKD dominates), ASCII text as fast.
 */
export function unicodeCasemap(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toUpperCase();
  // NFKD leaves ASCII as it is and never reorders across it (ASCII characters are starters without decompositions),
  // so decomposing only the non-ASCII runs gives the same string without running ICU over the ASCII bulk of most
  // mail; and the last titlecase pass leaves ASCII (already upper case) alone. A SEARCH TEXT over a large mailbox
  // spends most of its time here.
  return titlecase(text).replace(NON_ASCII_RUNS, (run) => titlecase(run.normalize('NFKD')));
}

// eslint-disable-next-line no-control-regex
const NON_ASCII_RUNS = /[^\x00-\x7f]+/g;

/**
 * Case folding for SEARCH matching: {@link unicodeCasemap} (i;unicode-casemap, RFC 5051). Both needle and haystack
 * go through this, then a plain substring test decides. Unlike lower-casing it is context-free (final sigma ς and σ
 * both become Σ), so a chunk edge never changes the result.
 */
export function foldCase(text: string): string {
  return unicodeCasemap(text);
}

/** One text stream of a {@link NeedleSet}. */
export interface TextStream {
  push(text: string): boolean;
  pushFolded(folded: string): boolean;
}

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

/**
 * A set of needles searched for in one or more text streams. `found[i]` turns true once needle i has been seen in
 * any stream. Each {@link stream} is matched on its own (a match may straddle that stream's chunks, never two
 * streams: two MIME parts are not one text). An empty needle is found at once (RFC 3501: "a message matches the key
 * if the string is a substring of the field", and "" is a substring of everything).
 */
export class NeedleSet {
  readonly needles: readonly string[];
  readonly found: boolean[];
  private readonly carryLength: number;
  private remaining: number;

  /** Whether every needle is ASCII once folded (what {@link AsciiNeedleScanner} needs). */
  readonly ascii: boolean;

  /** `needles` must already be folded with {@link foldCase}. */
  constructor(needles: readonly string[]) {
    this.needles = needles;
    this.found = needles.map((n) => n.length === 0);
    this.remaining = this.found.filter((f) => !f).length;
    this.carryLength = Math.max(0, ...needles.map((n) => n.length - 1));
    // eslint-disable-next-line no-control-regex
    this.ascii = needles.every((n) => /^[\x00-\x7f]*$/.test(n));
  }

  /** True when every needle has been found; feeding more text cannot change anything. */
  get done(): boolean {
    return this.remaining === 0;
  }

  /** Records needle `i` as found. */
  markFound(i: number): void {
    if (this.found[i] === false) {
      this.found[i] = true;
      this.remaining--;
    }
  }

  /**
   * A fresh text stream. Push unfolded text, or text already folded with {@link foldCase} (`pushFolded`); returns
   * true when this push found a needle not found before.
   */
  stream(): TextStream {
    let carry = '';
    const pushFolded = (folded: string): boolean => {
      if (this.remaining === 0 || folded.length === 0) return false;
      const hay = carry + folded;
      let newly = false;
      for (let i = 0; i < this.needles.length; i++) {
        if (!this.found[i] && hay.includes(this.needles[i] ?? '')) {
          this.found[i] = true;
          this.remaining--;
          newly = true;
        }
      }
      // Keep enough tail for a needle that starts in this chunk and ends in the next. Slicing by UTF-16 units may
      // split a surrogate pair in the carry, but the carry is only ever prefixed to more text, so the pair is whole
      // again in the next haystack when it matters (a needle can only match across it if it contains the pair).
      carry = this.carryLength > 0 ? hay.slice(-this.carryLength) : '';
      return newly;
    };
    return {
      push: (text: string): boolean => (this.remaining === 0 || text.length === 0 ? false : pushFolded(foldCase(text))),
      pushFolded,
    };
  }

  /** Marks needles found in a single complete text (no streaming). */
  matchText(text: string): boolean {
    return this.stream().push(text);
  }
}

/**
 * A non-ASCII run decoded and folded; `joins` when it may be part of an ASCII needle's match (see below): its folded
 * text has an ASCII character, or is empty. `left` / `right`: a match may also extend past its start / end, since its
 * folded text starts / ends with an ASCII character (or is empty); é folds to E + U+0301, so a match can end in its
 * E but not go on past the accent.
 */
interface FoldedRun {
  readonly text: string;
  readonly joins: boolean;
  readonly left: boolean;
  readonly right: boolean;
}

function foldedRun(folded: string): FoldedRun {
  const n = folded.length;
  return {
    text: folded,
    joins: n === 0 || HAS_ASCII.test(folded),
    left: n === 0 || folded.charCodeAt(0) < 0x80,
    right: n === 0 || folded.charCodeAt(n - 1) < 0x80,
  };
}

/** {@link AsciiNeedleScanner}'s folded runs, per charset name (bounded: cleared when full). */
const FOLDS = new Map<string, Map<string, FoldedRun>>();

// eslint-disable-next-line no-control-regex
const HAS_ASCII = /[\x00-\x7f]/;
const NON_ASCII_BYTES = /[\x80-\xff]+/g;

/**
 * A pattern for `needle` (upper-case ASCII, as {@link foldCase} leaves an ASCII string) matching exactly where the
 * text with its ASCII letters upper-cased holds it. The `i` flag without `u` canonicalizes by upper-casing but never
 * maps a character above U+007F to an ASCII one (ECMA-262 Canonicalize: not ı to I, ſ to S, nor the Kelvin sign to
 * K): so a-z meet A-Z and nothing else does. Every character is escaped (`\xHH`).
 */
export function asciiPattern(needle: string): RegExp {
  let src = '';
  for (let i = 0; i < needle.length; i++) src += '\\x' + needle.charCodeAt(i).toString(16).padStart(2, '0');
  return new RegExp(src, 'i');
}

const EMPTY = Buffer.alloc(0);

/** A folded ASCII needle as bytes, and the byte to look for first: see {@link asciiBytesInclude}. */
interface ByteNeedle {
  readonly bytes: Uint8Array;
  /** Where in the needle the anchor is: its rarest character in mail text (by English letter frequency). */
  readonly at: number;
  /** The anchor as upper and lower case bytes (the same byte when it is no letter). */
  readonly upper: number;
  readonly lower: number;
  /** The anchor as a (folded) character. */
  readonly char: string;
}

/** Letters from the most to the least frequent in English text: how rare a needle's letter is as an anchor. */
const LETTER_ORDER = 'ETAOINSHRDLCUMWFGYPBVKJXQZ';

/** {@link byteNeedle}'s results (a search has a needle or two; bounded: cleared when full). */
const BYTE_NEEDLES = new Map<string, ByteNeedle>();

function byteNeedle(needle: string): ByteNeedle {
  let nd = BYTE_NEEDLES.get(needle);
  if (nd === undefined) {
    nd = makeByteNeedle(needle);
    if (BYTE_NEEDLES.size >= 64) BYTE_NEEDLES.clear();
    BYTE_NEEDLES.set(needle, nd);
  }
  return nd;
}

function makeByteNeedle(needle: string): ByteNeedle {
  const bytes = Buffer.from(needle, 'latin1');
  let at = 0;
  let best = -2;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] ?? 0;
    const letter = LETTER_ORDER.indexOf(String.fromCharCode(c));
    // Space is the commonest byte of text; digits and punctuation are about as rare as the middle letters.
    const rank = c === SP ? -1 : letter >= 0 ? letter : 12;
    if (rank > best) {
      best = rank;
      at = i;
    }
  }
  const upper = bytes[at] ?? 0;
  const lower = upper >= 0x41 && upper <= 0x5a ? upper | 0x20 : upper;
  return { bytes, at, upper, lower, char: String.fromCharCode(upper) };
}

/**
 * Whether `data` with its ASCII letters upper-cased holds the needle (folded ASCII, so upper case): each place where
 * the anchor byte occurs (in either case, found by indexOf) is compared in place. No copy of the data is made; the
 * anchor is the needle's rarest letter, so few places are compared.
 */
function asciiBytesInclude(data: Buffer, nd: ByteNeedle): boolean {
  const len = nd.bytes.length;
  if (len === 0) return true;
  const last = data.length - len;
  for (let pass = 0; pass < (nd.lower === nd.upper ? 1 : 2); pass++) {
    const anchor = pass === 0 ? nd.upper : nd.lower;
    for (let k = data.indexOf(anchor, nd.at); k >= 0; k = data.indexOf(anchor, k + 1)) {
      const p = k - nd.at;
      if (p > last) break;
      let i = 0;
      while (i < len && ASCII_UPPER[data[p + i] ?? 0] === nd.bytes[i]) i++;
      if (i === len) return true;
    }
  }
  return false;
}

/** ASCII upper-casing of one byte (a-z to A-Z, everything else as it is). */
const ASCII_UPPER = new Uint8Array(256).map((_, c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));

/**
 * The same answer as decoding a text part with {@link charsetStream}, folding it with {@link foldCase} and looking
 * for the needles in it ({@link NeedleSet.stream}), for needles that are ASCII once folded (nearly every search) in
 * an {@link asciiCompatible} charset, at a fraction of the cost: decoding and i;unicode-casemap are what a SEARCH
 * TEXT over a large mailbox spends its time on.
 *
 * How it stays exact. ASCII bytes are ASCII characters in these charsets, and folding leaves them upper-cased and in
 * place; so a needle found in the ASCII-upper-cased bytes is in the folded text (looked for in place: see
 * {@link asciiBytesInclude}). A match that is not made of ASCII bytes alone
 * must use a character of some non-ASCII run (characters like é, ﬁ or Ｋ fold to ASCII letters), and extends at
 * most longest needle − 1 folded characters before and after that run's folded text: so each run is decoded and
 * folded with that much context on both sides, counted in whole runs (a run's folded text is as long as it is) and
 * ASCII bytes (one character each), so that no character is cut. Folding a window that starts and ends at ASCII
 * characters gives exactly the corresponding piece of the folded whole (ASCII characters are starters: NFKD neither
 * reorders nor composes across them), and decoding such a window gives exactly its piece of the text (the decoders
 * carry no state across ASCII). A run whose folded text has no ASCII character (日本語, emoji, most Cyrillic) cannot
 * be part of a match of an ASCII needle, so it needs no window of its own: only runs that fold to some ASCII (or to
 * nothing) do. Each run is decoded alone, keeping a byte order mark as the character U+FEFF (in the stream only a
 * leading one is dropped, where nothing precedes it to join). Bytes that could still be cut (a run at the end of a
 * chunk) wait for the next chunk.
 */
export class AsciiNeedleScanner {
  private readonly needles: { index: number; text: string; bytes: ByteNeedle }[];
  /** Bytes kept from one chunk for the next: enough for {@link reach} characters before what is not scanned yet. */
  private readonly context: number;
  /** Folded characters (UTF-16 units) a match may extend on either side of a run it uses: the longest needle - 1. */
  private readonly reach: number;
  private readonly charset: string | undefined;
  /** One decoder for every run, made at the first run not in the cache: each is decoded whole (push, then end). */
  private decoder: CharsetStream | null = null;
  private tail: Buffer = EMPTY;

  constructor(
    private readonly set: NeedleSet,
    charset: string | undefined,
  ) {
    this.needles = set.needles.map((n, index) => ({ index, text: n, bytes: byteNeedle(n) }));
    const longest = Math.max(0, ...this.needles.map((n) => n.text.length));
    // A character is at most 4 bytes: this many bytes hold at least longest - 1 characters.
    this.context = 4 * Math.max(0, longest - 1);
    this.reach = Math.max(0, longest - 1);
    this.charset = charset;
    const key = (charset ?? '').trim().toLowerCase();
    let folds = FOLDS.get(key);
    if (folds === undefined) {
      if (FOLDS.size >= 16) FOLDS.clear();
      folds = new Map();
      FOLDS.set(key, folds);
    }
    this.folds = folds;
  }

  /**
   * Scans the next chunk. A view of its last bytes is kept until the next push or end (what a match or a cut
   * character may still span), so the caller must not change the chunk meanwhile: the decoders and the body
   * server hand out fresh buffers.
   */
  push(chunk: Buffer): void {
    if (this.set.done || chunk.length === 0) return;
    this.scan(this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk, false);
  }

  end(): void {
    // Only a run cut by the last chunk's end is left to look at: everything before it has been (a window reaching
    // the end of the data has met the end of the text).
    if (!this.set.done && this.openRun) this.scan(this.tail, true);
    this.tail = EMPTY;
    this.openRun = false;
  }

  /** The last chunk ended inside a non-ASCII run (kept in {@link tail} for the next chunk or the end). */
  private openRun = false;

  /**
   * Folded runs by their bytes, shared by the scanners of a search (one per text part) and kept per charset: mail
   * repeats its names and words, and folding is what costs here.
   */
  private readonly folds: Map<string, FoldedRun>;

  /** The run text[a, b) (the latin1 string of data[a, b)) decoded and folded alone, from the cache. */
  // The chunk being scanned, its latin1 text, its runs ([start, end) pairs) and their folds as first asked: for
  // fold, leftEdge and rightEdge during one scan.
  private data: Buffer = EMPTY;
  private text = '';
  private runs: number[] = [];
  private runFolds: (FoldedRun | undefined)[] = [];

  /** Run q (an index into runs) decoded and folded alone, from the cache. */
  private fold(q: number): FoldedRun {
    let f = this.runFolds[q >> 1];
    if (f === undefined) {
      const a = this.runs[q] ?? 0;
      const b = this.runs[q + 1] ?? 0;
      const key = this.text.slice(a, b);
      f = this.folds.get(key);
      if (f === undefined) {
        const d = (this.decoder ??= charsetStream(this.charset, true));
        f = foldedRun(foldCase(d.push(this.data.subarray(a, b)) + d.end()));
        if (this.folds.size >= 4096) this.folds.clear();
        this.folds.set(key, f);
      }
      this.runFolds[q >> 1] = f;
    }
    return f;
  }

  /**
   * Where the window around run `r` starts: {@link reach} folded characters before the run (an ASCII byte is one,
   * a run as many as its folded text has), or the data's start, or sooner where no match can cross (see
   * {@link FoldedRun}). Always at an ASCII byte or a run's edge.
   */
  private leftEdge(r: number): number {
    return windowLeft(this.runs, this.reach, r, (q) => this.fold(q));
  }

  /** Where the window around run `r` ends: as {@link leftEdge}, after the run, and never past `limit`. */
  private rightEdge(r: number, usable: number, limit: number): number {
    return windowRight(this.runs, this.reach, r, usable, limit, (q) => this.fold(q));
  }

  /**
   * Whether the folded text of data[ws, we) (whose runs start at run `q`) may hold needle `nd`: a match holds the
   * needle's anchor character, which comes from an ASCII byte (in either case) or from a run's folded text.
   */
  private hasAnchor(nd: ByteNeedle, ws: number, we: number, q: number, usable: number): boolean {
    const data = this.data;
    for (let k = ws; k < we; k++) {
      const c = data[k];
      if (c === nd.upper || c === nd.lower) return true;
    }
    for (; q < usable && (this.runs[q] ?? we) < we; q += 2) {
      if (this.fold(q).text.includes(nd.char)) return true;
    }
    return false;
  }

  private scan(data: Buffer, final: boolean): void {
    const n = data.length;
    for (const nd of this.needles) {
      if (!this.set.found[nd.index] && asciiBytesInclude(data, nd.bytes)) this.set.markFound(nd.index);
    }
    if (isAscii(data)) {
      this.tail = final ? EMPTY : data.subarray(Math.max(0, n - this.context));
      this.openRun = false;
      return;
    }
    // The latin1 text of the bytes, to find and fold non-ASCII runs by (ASCII bytes need neither).
    const text = data.toString('latin1');
    // The non-ASCII runs, as [start, end) pairs.
    const runs: number[] = [];
    NON_ASCII_BYTES.lastIndex = 0;
    for (let m = NON_ASCII_BYTES.exec(text); m !== null; m = NON_ASCII_BYTES.exec(text)) {
      runs.push(m.index, m.index + m[0].length);
    }
    this.data = data;
    this.text = text;
    this.runs = runs;
    this.runFolds = [];
    // A run touching the end may be a character cut by the chunk's end: it is looked at with the next chunk.
    const open = !final && runs.length > 0 && runs[runs.length - 1] === n;
    const usable = open ? runs.length - 2 : runs.length;
    // Where the bytes end that may be folded now: the open run is not.
    const limit = open ? (runs[usable] ?? n) : n;
    for (let r = 0; r < usable && !this.set.done; r += 2) {
      if (!this.fold(r).joins) continue;
      const ws = this.leftEdge(r);
      let we = this.rightEdge(r, usable, limit);
      // Merge the runs this window reaches into it (each lies in it whole), with the right context of those that join.
      while (r + 2 < usable && (runs[r + 2] ?? n) < we) {
        r += 2;
        if (this.fold(r).joins) we = Math.max(we, this.rightEdge(r, usable, limit));
      }
      let q = r;
      while (q >= 2 && (runs[q - 1] ?? 0) > ws) q -= 2;
      // Only windows that may hold a needle are folded (most hold no needle's rarest letter).
      let relevant = false;
      for (const nd of this.needles) {
        if (!this.set.found[nd.index] && this.hasAnchor(nd.bytes, ws, we, q, usable)) relevant = true;
      }
      if (!relevant) continue;
      // The window folded: ASCII stretches upper-cased, the runs in it from the cache.
      let folded = '';
      let j = ws;
      for (; q < usable && (runs[q] ?? n) < we; q += 2) {
        const a = runs[q] ?? 0;
        folded += text.slice(j, a).toUpperCase() + this.fold(q).text;
        j = runs[q + 1] ?? 0;
      }
      folded += text.slice(j, we).toUpperCase();
      for (const nd of this.needles) {
        if (!this.set.found[nd.index] && folded.includes(nd.text)) this.set.markFound(nd.index);
      }
    }
    this.data = EMPTY;
    this.text = '';
    this.runs = [];
    this.runFolds = [];
    // Keep what a match or a cut character could still span: the open run and the context before it, or the
    // context before the end.
    let from = limit - this.context;
    from = Math.max(0, from);
    while (from > 0 && (data[from - 1] ?? 0) >= 0x80) from--;
    // A view, not a copy: the chunks given to push are not written to afterwards (each is a fresh buffer).
    this.tail = final ? EMPTY : data.subarray(from);
    this.openRun = open;
  }
}

/**
 * Text of a SEARCH string argument, decoded from the command's CHARSET and case-folded. RFC 3501: "US-ASCII MUST be
 * supported"; 8-bit bytes under US-ASCII are taken as UTF-8 (else ISO-8859-1), the lenient reading clients that
 * forget CHARSET expect. Throws RangeError for a charset {@link isKnownCharset} rejects; the caller answers
 * NO [BADCHARSET].
 */
export function searchNeedle(value: Uint8Array, charset: string): string {
  if (!isKnownCharset(charset)) throw new RangeError(`unsupported search charset ${charset}`);
  return foldCase(decodeCharset(value, charset));
}

/** One header field as found: lower-cased name and the raw value after the colon (folding line breaks kept). */
export interface HeaderField {
  readonly name: string;
  readonly value: Buffer;
}

/** A field name {@link splitHeader} did not make because it is not wanted (never a real name: it has a colon). */
const SKIPPED = ':';

/**
 * Splits an RFC 5322 header block into fields. Lines starting with SP or HT continue the previous field (§2.2.3
 * folding). The field name is what precedes the first colon, with trailing whitespace dropped (obs-optional allows
 * `Subject :`). Lines without a colon (an mbox `From ` line, garbage) are skipped. Stops at the first empty line.
 * The values share memory with `header`. With `only`, just the fields of those (lower-case ASCII) names.
 */
export function splitHeader(header: Buffer, only?: ReadonlySet<string>): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = 0;
  let name: string | undefined;
  let valueStart = 0;
  let valueEnd = 0;
  // With `only` (lower-case ASCII names): the fields not named in it are left out, most without making their name
  // (SORT and THREAD read a few fields of every message). A field left out still takes its continuation lines.
  let firsts: Set<number> | null = null;
  if (only !== undefined) {
    firsts = new Set();
    for (const n of only) firsts.add(n.charCodeAt(0));
  }
  const finish = (): void => {
    if (name !== undefined && name !== SKIPPED && (only === undefined || only.has(name))) {
      fields.push({ name, value: header.subarray(valueStart, valueEnd) });
    }
    name = undefined;
  };
  while (pos < header.length) {
    let eol = header.indexOf(LF, pos);
    if (eol < 0) eol = header.length;
    const lineEnd = eol > pos && header[eol - 1] === CR ? eol - 1 : eol;
    const next = eol + 1;
    if (lineEnd === pos) break; // the empty line that ends the header
    const first = header[pos];
    if ((first === SP || first === HT) && name !== undefined) {
      valueEnd = lineEnd;
    } else {
      finish();
      const colon = header.indexOf(0x3a, pos);
      if (colon >= 0 && colon < lineEnd) {
        const c = first ?? 0;
        // A wanted name (ASCII) starts with the lower case of this byte, or it is not wanted.
        name = firsts !== null && !firsts.has(c >= 0x41 && c <= 0x5a ? c | 0x20 : c)
          ? SKIPPED
          : header.toString('latin1', pos, colon).trimEnd().toLowerCase();
        valueStart = colon + 1;
        valueEnd = lineEnd;
      }
    }
    pos = next;
  }
  finish();
  return fields;
}

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
function headerPieces(s: string, text: (a: number, b: number) => void, words: (decoded: string) => void): void {
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

/**
 * Whether the header block `raw` (bytes as served) holds the folded ASCII `needle` as {@link decodeHeaderValue} and
 * {@link foldCase} would show it, for a needle without whitespace or line ends (see {@link headerNeedleRaw}): when
 * the block has no encoded word its bytes are searched as they are, as a text part in no charset is
 * ({@link AsciiNeedleScanner}): unfolding only removes line ends before whitespace, which such a needle cannot span.
 * Otherwise the block is decoded and searched ({@link foldedIncludesAscii}).
 */
export function headerIncludesAscii(raw: Buffer, needle: string, pattern: RegExp = asciiPattern(needle)): boolean {
  if (raw.indexOf(ENCODED_WORD_START) < 0) {
    const set = new NeedleSet([needle]);
    const scanner = new AsciiNeedleScanner(set, undefined);
    scanner.push(raw);
    scanner.end();
    return set.found[0] === true;
  }
  // Decoded without unfolding: the needle cannot span a folding line break either way.
  if (!isAscii(raw)) return foldedIncludesAscii(decodeHeaderValue(raw, false), needle, pattern);
  // ASCII bytes (the usual header): a match within a stretch of plain text is in the bytes as they are, so each
  // stretch is searched in place; a match that uses decoded words reaches at most needle.length - 1 characters
  // into the stretches around them, so only the decoded words with that much of each stretch are folded, cut
  // stretches closed by U+FFFF (no ASCII needle matches across it, and it folds to itself).
  const s = raw.toString('latin1');
  const nd = byteNeedle(needle);
  const reach = needle.length - 1;
  const near: string[] = [];
  let found = false;
  headerPieces(
    s,
    (a, b) => {
      if (found) return;
      if (asciiBytesInclude(raw.subarray(a, b), nd)) found = true;
      else near.push(b - a > 2 * reach + 1 ? s.slice(a, a + reach) + '\uffff' + s.slice(b - reach, b) : s.slice(a, b));
    },
    (decoded) => near.push(decoded),
  );
  return found || foldedIncludesAscii(near.join(''), needle, pattern);
}

const ENCODED_WORD_START = Buffer.from('=?');

/** Whether {@link headerIncludesAscii} may be asked for `needle` (folded): ASCII, without SP, HT, CR or LF. */
export function headerNeedleRaw(needle: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x08\x0b\x0c\x0e-\x1f\x21-\x7f]*$/.test(needle);
}

/** Folded non-ASCII runs of JS text, for {@link foldedIncludesAscii} (bounded: cleared when full). */
const TEXT_FOLDS = new Map<string, FoldedRun>();

// eslint-disable-next-line no-control-regex
const NON_ASCII_UNITS = /[^\x00-\x7f]+/g;

function foldTextRun(run: string): FoldedRun {
  let f = TEXT_FOLDS.get(run);
  if (f === undefined) {
    const folded = foldCase(run);
    f = foldedRun(folded);
    if (TEXT_FOLDS.size >= 4096) TEXT_FOLDS.clear();
    TEXT_FOLDS.set(run, f);
  }
  return f;
}

/**
 * Where the window around non-ASCII run `r` starts (runs: start/end offsets in pairs): `reach` folded characters
 * before the run (an ASCII unit counts one, a run its folded length), or the start, or sooner where no match can
 * cross a run's edge (see {@link FoldedRun}). Always at an ASCII unit or a run's edge. Shared by the byte scanner
 * and the decoded-text search.
 */
function windowLeft(runs: readonly number[], reach: number, r: number, fold: (q: number) => FoldedRun): number {
  let need = reach;
  let pos = runs[r] ?? 0;
  if (!fold(r).left) return pos;
  for (let q = r - 2; need > 0; q -= 2) {
    const gap = q >= 0 ? (runs[q + 1] ?? 0) : 0;
    if (pos - gap >= need) return pos - need;
    need -= pos - gap;
    pos = gap;
    if (q < 0) break;
    const f = fold(q);
    if (!f.right) break;
    pos = runs[q] ?? 0;
    need -= f.text.length;
  }
  return pos;
}

/** As {@link windowLeft}, after the run: runs at or past index `usable` do not count, and never past `limit`. */
function windowRight(runs: readonly number[], reach: number, r: number, usable: number, limit: number,
  fold: (q: number) => FoldedRun): number {
  let need = reach;
  let pos = runs[r + 1] ?? 0;
  if (!fold(r).right) return pos;
  for (let q = r + 2; need > 0; q += 2) {
    const gap = q < usable ? (runs[q] ?? 0) : limit;
    if (gap - pos >= need) return pos + need;
    need -= gap - pos;
    pos = gap;
    if (q >= usable) break;
    const f = fold(q);
    if (!f.left) break;
    pos = runs[q + 1] ?? 0;
    need -= f.text.length;
  }
  return pos;
}

/**
 * Whether `foldCase(text)` contains `needle`, a needle that is ASCII once folded (as {@link foldCase} left it),
 * without folding the whole text: the reasoning of {@link AsciiNeedleScanner}, on text already decoded. ASCII
 * characters fold to their upper case in place, so the needle is first looked for among them by a case-insensitive
 * pattern; a match that uses folded non-ASCII characters lies within needle.length - 1 folded characters of a
 * non-ASCII run whose folded text has an ASCII character, so only windows around such runs are folded and searched.
 * Folding a run alone gives its piece of the folded whole (toUpperCase is context-free, and NFKD neither reorders nor
 * composes across ASCII characters). SEARCH TEXT folds every header this way (test/unit/search-decode.test.ts
 * compares it with folding the whole). `pattern` is {@link asciiPattern} of the needle; `ascii` true promises the
 * text is ASCII (the caller knows it cheaper than a scan of the text).
 */
export function foldedIncludesAscii(text: string, needle: string, pattern: RegExp = asciiPattern(needle), ascii = false): boolean {
  if (needle.length === 0 || pattern.test(text)) return true;
  if (ascii) return false;
  const runs: number[] = [];
  NON_ASCII_UNITS.lastIndex = 0;
  for (let m = NON_ASCII_UNITS.exec(text); m !== null; m = NON_ASCII_UNITS.exec(text)) runs.push(m.index, m.index + m[0].length);
  const n = text.length;
  const count = runs.length;
  const reach = needle.length - 1;
  const fold = (q: number): FoldedRun => foldTextRun(text.slice(runs[q] ?? 0, runs[q + 1] ?? 0));
  // The window edges: `reach` folded characters from run r's edge (an ASCII character counts one, a run its folded
  // length), or the text's edge, or sooner where no match can cross (FoldedRun); always at an ASCII character or a
  // run's edge.
  const left = (r: number): number => windowLeft(runs, reach, r, fold);
  const right = (r: number): number => windowRight(runs, reach, r, count, n, fold);
  for (let r = 0; r < count; r += 2) {
    if (!fold(r).joins) continue;
    const ws = left(r);
    let we = right(r);
    while (r + 2 < count && (runs[r + 2] ?? n) < we) {
      r += 2;
      if (fold(r).joins) we = Math.max(we, right(r));
    }
    let q = r;
    while (q >= 2 && (runs[q - 1] ?? 0) > ws) q -= 2;
    let folded = '';
    let j = ws;
    for (; q < count && (runs[q] ?? n) < we; q += 2) {
      folded += text.slice(j, runs[q]).toUpperCase() + fold(q).text;
      j = runs[q + 1] ?? 0;
    }
    folded += text.slice(j, we).toUpperCase();
    if (folded.includes(needle)) return true;
  }
  return false;
}
