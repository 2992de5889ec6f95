/**
 * Random access to a mailbox's bytes. The scanner and the message readers see the file only through this, so
 * tests can hand them a Buffer, and a window of one byte proves results do not depend on where reads split.
 */
import { readSync } from 'node:fs';

export interface ByteSource {
  /** The number of bytes the source holds (the file size when the scan began). */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `position`: fewer at the end of the source, and possibly fewer elsewhere (a
   * window), but at least one byte when `position < size`. The caller owns the returned Buffer.
   */
  read(position: number, length: number): Buffer;
  /**
   * Like {@link read}, but the returned Buffer is only valid until the second-next call of `window` (two buffers
   * are used in turn): for a reader that holds at most the previous window while taking the next, so that scanning
   * a huge file leaves no garbage behind. Sources without it are read with {@link read}.
   */
  window?(position: number, length: number): Buffer;
}

/** A source over a Buffer already in memory (tests, small files). */
export class BufferSource implements ByteSource {
  constructor(
    private readonly data: Buffer,
    /** Largest slice handed out per read; 1 feeds a consumer one byte at a time. */
    private readonly maxRead = Number.MAX_SAFE_INTEGER,
  ) {}
  get size(): number {
    return this.data.length;
  }
  read(position: number, length: number): Buffer {
    const end = Math.min(this.data.length, position + Math.min(length, this.maxRead));
    return this.data.subarray(position, Math.max(position, end));
  }
}

/** A source over an open fd, read synchronously (each imapd/ipop3d process serves one client). */
export class FdSource implements ByteSource {
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}
  read(position: number, length: number): Buffer {
    return readAt(this.fd, position, Math.max(0, Math.min(length, this.size - position)));
  }

  private readonly windows: Buffer[] = [];
  private turn = 0;

  window(position: number, length: number): Buffer {
    const want = Math.max(0, Math.min(length, this.size - position));
    this.turn ^= 1;
    let buf = this.windows[this.turn];
    if (!buf || buf.length < want) {
      buf = Buffer.allocUnsafe(Math.max(want, buf?.length ?? 0));
      this.windows[this.turn] = buf;
    }
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, buf, got, want - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }
}

/** Reads `length` bytes at `position` of `fd` (fewer only at the end of the file), synchronously. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
