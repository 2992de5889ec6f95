/**
 * A message as POP3 serves it, compatible with UW ipop3d where clients can tell: UW's `Status:` line added to the
 * header (its octets counted in STAT, LIST and RETR sizes) and the unique id UIDL gives.
 */
import type { Maildrop } from './maildrop.js';
import type { Pop3Options } from './session.js';

const STATUS_LEN = 'Status: RO\r\n'.length;

/** Octets as sent: the message with CRLF, plus UW's Status: line when it is added (before dot-stuffing). */
export function servedSize(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'statusHeader'>): number {
  return drop.meta(i).size + (opts.statusHeader ? STATUS_LEN : 0);
}

/**
 * UIDL's unique id, written into `lines`: UW's `%08lx%08lx` of UIDVALIDITY and UID, or Dovecot's UID then
 * UIDVALIDITY in upper case.
 */
export function uniqueId(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'uidlFormat'>, lines: ListingLines): void {
  const uid = drop.meta(i).uid;
  if (opts.uidlFormat === 'uw') {
    lines.hex8(drop.uidValidity);
    lines.hex8(uid);
  } else {
    lines.hex8(uid, true);
    lines.hex8(drop.uidValidity, true);
  }
}

/** The header as RETR/TOP send it: UW's Status: line before the empty line ending the header. */
export async function servedHeader(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'statusHeader'>): Promise<Buffer> {
  const h = await drop.header(i);
  if (!opts.statusHeader) return h;
  const m = drop.meta(i);
  const status = `Status: ${m.flags & 1 ? 'R' : ' '}${m.recent ? ' ' : 'O'}\r\n`;
  const ends = h.length >= 2 && h[h.length - 2] === 0x0d && h[h.length - 1] === 0x0a;
  const blank = h.length >= 4 && h.subarray(h.length - 4).toString('latin1') === '\r\n\r\n';
  if (blank || (h.length === 2 && ends)) {
    return Buffer.concat([h.subarray(0, h.length - 2), Buffer.from(status, 'latin1'), Buffer.from('\r\n')]);
  }
  // No empty line after the header (a header-only message): end the header, then the status line.
  return Buffer.concat([h, Buffer.from(ends ? '' : '\r\n'), Buffer.from(status, 'latin1')]);
}

/**
 * The lines of LIST and UIDL written as bytes, into blocks of 64 KiB handed to the session as they fill: a listing
 * of 100,000 messages makes no string per line.
 */
export class ListingLines {
  private buf = Buffer.allocUnsafe(BLOCK);
  private len = 0;

  constructor(private readonly write: (b: Buffer) => void) {}

  /** Room for a line of up to LINE_MAX bytes. */
  private room(): void {
    if (this.len + LINE_MAX <= this.buf.length) return;
    this.flush();
  }

  text(t: string): void {
    this.room();
    this.len += this.buf.write(t, this.len, 'latin1');
  }

  /** A non-negative integer in decimal (a safe integer). */
  uint(n: number): void {
    this.room();
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const b = this.buf;
    let o = this.len + digits;
    this.len = o;
    do {
      const q = Math.floor(n / 10);
      b[--o] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** `n` as 8 hex digits (`%08lx`, or upper case). */
  hex8(n: number, upper = false): void {
    this.room();
    const a = upper ? 55 : 87;
    for (let k = 7; k >= 0; k--) {
      const d = (n >>> (4 * k)) & 15;
      this.buf[this.len++] = d < 10 ? 48 + d : a + d;
    }
  }

  byte(c: number): void {
    this.room();
    this.buf[this.len++] = c;
  }

  /** Ends a line. */
  crlf(): void {
    this.room();
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** Hands what is written to the session (a block is never reused: the session may keep it until it flushes). */
  flush(): void {
    if (this.len === 0) return;
    this.write(this.buf.subarray(0, this.len));
    this.buf = Buffer.allocUnsafe(BLOCK);
    this.len = 0;
  }
}

const BLOCK = 64 * 1024;
/** Longer than any line a listing writes (a message number, a space, a size or id of at most 20 characters). */
const LINE_MAX = 64;
