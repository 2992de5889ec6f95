/**
 * Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64), chunk by chunk with bounded
 * carry-over state: a message body is never held whole. SEARCH decodes every text part (RFC 3501 §6.4.4: "[MIME-IMB]
 * content transfer encodings ... MUST be decoded before comparing text"; we decode always, as UW and Dovecot do, so
 * an ASCII search also finds words inside base64 parts); FETCH BINARY decodes the same way.
 *
 * PURE: no fs, net or process.
 */
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

/** The value of a hex digit (either case), or -1. */
export function hexValue(b: number): number {
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
        case 'eq':
        case 'eqws':
          // After `=` a hex digit starts an escape; otherwise both read on as a soft break with transport padding.
          if (this.mode === 'eq' && hexValue(b) >= 0) {
            this.hold(b);
            this.mode = 'hex';
          } else if (b === SP || b === HT) {
            this.hold(b);
            this.mode = 'eqws';
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
            i--; // reprocess b as text
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

