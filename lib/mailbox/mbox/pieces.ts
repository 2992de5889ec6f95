/**
 * The new content of a rewrite, as a list of pieces: old bytes copied from an offset, or new bytes. Kept in typed
 * arrays and one byte buffer rather than an object (and a Buffer) per piece: an expunge or a STORE on 100,000
 * messages makes some 200,000 pieces, and as objects they cost tens of megabytes and much garbage collection.
 */

/** One piece, as callers outside the driver (tests) write them. */
export type Piece = { readonly src: number; readonly len: number } | { readonly data: Buffer };

export class PieceList {
  /** Old offset for a copy; for new bytes, -1 - their offset in {@link data}. */
  src: Float64Array;
  len: Float64Array;
  count = 0;
  /** The new bytes of all data pieces, back to back. */
  data: Buffer;
  dataLen = 0;
  /** Length of the new content. */
  size = 0;

  constructor(capacity = 1024) {
    this.src = new Float64Array(capacity);
    this.len = new Float64Array(capacity);
    this.data = Buffer.allocUnsafe(Math.max(64, capacity * 64));
  }

  static from(pieces: readonly Piece[]): PieceList {
    const l = new PieceList(Math.max(16, pieces.length));
    for (const p of pieces) {
      if ('data' in p) l.bytes(p.data);
      else l.copy(p.src, p.len);
    }
    return l;
  }

  /** Old bytes [src, src + len); merged into the piece before when that ends where this starts. */
  copy(src: number, len: number): void {
    if (len <= 0) return;
    const i = this.count - 1;
    if (i >= 0 && (this.src[i] as number) >= 0 && (this.src[i] as number) + (this.len[i] as number) === src) {
      this.len[i] = (this.len[i] as number) + len;
    } else {
      this.push(src, len);
    }
    this.size += len;
  }

  bytes(b: Uint8Array): void {
    if (b.length === 0) return;
    const at = this.reserve(b.length);
    this.data.set(b, at);
    this.addData(at, b.length);
  }

  /** New bytes given as a latin1 string (the metadata blocks). */
  latin1(s: string): void {
    if (s.length === 0) return;
    const at = this.reserve(s.length);
    this.data.write(s, at, s.length, 'latin1');
    this.addData(at, s.length);
  }

  isData(i: number): boolean {
    return (this.src[i] as number) < 0;
  }

  /** Offset in {@link data} of data piece `i`. */
  dataOffset(i: number): number {
    return -1 - (this.src[i] as number);
  }

  /** The bytes of data piece `i` (a view). */
  dataOf(i: number): Buffer {
    const at = this.dataOffset(i);
    return this.data.subarray(at, at + (this.len[i] as number));
  }

  private addData(at: number, n: number): void {
    this.push(-1 - at, n);
    this.dataLen = at + n;
    this.size += n;
  }

  private reserve(n: number): number {
    if (this.dataLen + n > this.data.length) {
      const d = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.dataLen + n));
      this.data.copy(d, 0, 0, this.dataLen);
      this.data = d;
    }
    return this.dataLen;
  }

  private push(src: number, len: number): void {
    if (this.count === this.src.length) {
      const s = new Float64Array(this.count * 2);
      s.set(this.src);
      this.src = s;
      const l = new Float64Array(this.count * 2);
      l.set(this.len);
      this.len = l;
    }
    this.src[this.count] = src;
    this.len[this.count] = len;
    this.count++;
  }
}
