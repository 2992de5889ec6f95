/**
 * Random access to a mailbox's bytes. The scanner and the message readers see the file only through this, so
 * tests can hand them a Buffer, and a window of one byte proves results do not depend on where reads split.
 *
 * Also the one "read fully at offset" loop of the mailbox code ({@link fill}): a pread may return fewer bytes than
 * asked (a signal, a network filesystem), so every reader of the file goes on until the count is in or the file
 * ends. EINTR is retried below us (libuv); any other error is thrown as it comes.
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
    return buf.subarray(0, readInto(this.fd, buf, 0, want, position));
  }
}

/**
 * The loop: calls `readSome` (one pread-like step into `buf` at `offset`) until `length` bytes are in or it returns
 * 0 (the end); returns how many bytes are in.
 */
function fill(
  readSome: (buf: Buffer, offset: number, length: number, position: number) => number,
  buf: Buffer, offset: number, length: number, position: number,
): number {
  let got = 0;
  while (got < length) {
    const n = readSome(buf, offset + got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Reads `length` bytes at `position` of `fd` into `buf` at `offset`; returns the count (fewer only at the end). */
export function readInto(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  return fill((b, o, l, p) => readSync(fd, b, o, l, p), buf, offset, length, position);
}

/** Like {@link readInto}, but the file ending first is an error (for bytes known to be there: journals, plans). */
export function preadFully(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  const got = readInto(fd, buf, offset, length, position);
  if (got < length) throw new Error(`short read at ${position + got}`);
}

/** Reads `length` bytes at `position` of `fd` (fewer only at the end of the file), synchronously. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  const got = readInto(fd, buf, 0, length, position);
  return got === length ? buf : buf.subarray(0, got);
}

/** Like {@link readAt}, but the file ending first is an error. */
export function readExactly(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  preadFully(fd, buf, 0, length, position);
  return buf;
}

/** `length` bytes of `src` at `position` (fewer only at its end), however the source splits its reads. */
export function readFully(src: ByteSource, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, src.size - position)));
  const got = fill((b, o, l, p) => src.read(p, l).copy(b, o), buf, 0, buf.length, position);
  return buf.subarray(0, got);
}
