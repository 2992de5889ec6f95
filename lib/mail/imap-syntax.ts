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
interface ImapAtom { readonly atom: string }

/**
 * Values written one after the other with no space and no parentheses of their own. RFC 3501 §9 writes
 * `body-type-mpart = 1*body SP media-subtype` and `env-from = "(" 1*address ")" / nil`: the bodies of a multipart
 * and the addresses of a list follow each other with no space between them (`(a)(b)`), as UW and Dovecot send them.
 */
interface ImapAdjacent { readonly adjacent: readonly ImapValue[] }

/**
 * A value to encode: null is NIL, a number an IMAP number, a Uint8Array an IMAP string (quoted or literal as above),
 * an {@link ImapAtom} an atom, an array a parenthesised list (elements separated by one space), an
 * {@link ImapAdjacent} its elements with nothing between them.
 */
export type ImapValue = null | number | Uint8Array | ImapAtom | ImapAdjacent | readonly ImapValue[];

/** 1 for each byte that may stand in a quoted string under the rule above. Read only. */
export const QUOTABLE: Readonly<Uint8Array> = (() => {
  const t = new Uint8Array(256);
  for (let c = 1; c < 0x80; c++) t[c] = c === 0x22 || c === 0x5c || c === 0x0d || c === 0x0a ? 0 : 1;
  return t;
})();

/** True if `b` may be sent as a quoted string under the rule above. */
function quotable(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (QUOTABLE[b[i] as number] === 0) return false;
  return true;
}

/**
 * A growing output buffer: the encoder writes every piece straight into it instead of collecting small Buffers to
 * concatenate (an ENVELOPE or BODYSTRUCTURE is dozens of pieces, and FETCH writes one per message). A writer is
 * meant to be reused: {@link view} hands out its bytes without a copy, valid until the next write or reset.
 */
export class ByteWriter {
  /** The storage; bytes [0, {@link length}) are written. Replaced (never shrunk) when it has to grow. */
  buf = Buffer.allocUnsafe(512);
  length = 0;

  /** Makes room for `n` more bytes, so that `buf[length .. length + n)` may be written directly. */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.length++] = c;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Bytes [s, e) of `src` (short runs are copied byte by byte: cheaper than making a view to `set`). */
  range(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (n <= 0) return;
    this.room(n);
    const buf = this.buf;
    let o = this.length;
    if (n < 64) {
      for (let i = s; i < e; i++) buf[o++] = src[i] as number;
    } else {
      buf.set(src.subarray(s, e), o);
      o += n;
    }
    this.length = o;
  }

  /** ASCII/latin1 text (short text is copied in a loop: Buffer#write costs more than the copy for a few bytes). */
  text(t: string): void {
    const n = t.length;
    this.room(n);
    if (n > 32) {
      this.length += this.buf.write(t, this.length, 'latin1');
      return;
    }
    const buf = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) buf[o++] = t.charCodeAt(i);
    this.length = o;
  }

  /** A non-negative integer in decimal (a safe integer; anything else goes through String()). */
  uint(n: number): void {
    if (n < 0 || n > 0xffffffff || n !== Math.floor(n)) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    this.room(digits);
    let o = this.length + digits;
    this.length = o;
    do {
      this.buf[--o] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /** Copies bytes [s, e) already written to the end (ENVELOPE's sender and reply-to default to its from). */
  again(s: number, e: number): void {
    this.room(e - s);
    if (e - s < 64) {
      const buf = this.buf;
      let o = this.length;
      for (let i = s; i < e; i++) buf[o++] = buf[i] as number;
      this.length = o;
      return;
    }
    this.buf.copy(this.buf, this.length, s, e);
    this.length += e - s;
  }

  /** The bytes written, not copied: valid until the next write or {@link reset}. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets what was written (the storage is kept). */
  reset(): void {
    this.length = 0;
  }

  /** Gives back storage grown past 64 KiB (one huge response should not stay in memory); call when empty. */
  shrink(): void {
    if (this.length === 0 && this.buf.length > 64 * 1024) this.buf = Buffer.allocUnsafe(512);
  }

  /** The bytes written, copied out (the writer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

/** Appends the encoding of `v` to `w`. Never throws. */
export function writeImap(v: ImapValue, w: ByteWriter): void {
  encodeInto(v, w);
}

function encodeInto(v: ImapValue, w: ByteWriter): void {
  if (v === null) {
    w.text('NIL');
  } else if (typeof v === 'number') {
    w.text(String(Math.trunc(v)));
  } else if (v instanceof Uint8Array) {
    if (quotable(v)) {
      w.byte(0x22);
      w.bytes(v);
      w.byte(0x22);
    } else {
      w.text(`{${v.length}}\r\n`);
      w.bytes(v);
    }
  } else if (Array.isArray(v)) {
    w.byte(0x28);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) w.byte(0x20);
      encodeInto(v[i] as ImapValue, w);
    }
    w.byte(0x29);
  } else if ('adjacent' in v) {
    for (const x of v.adjacent) encodeInto(x, w);
  } else if ('atom' in v) {
    w.text(v.atom);
  }
}

const shared = new ByteWriter();

/** The encoding of `v` as one Buffer. Never throws. */
export function encodeImap(v: ImapValue): Buffer {
  shared.length = 0;
  encodeInto(v, shared);
  return shared.take();
}

