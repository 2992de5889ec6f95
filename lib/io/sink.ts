/**
 * Writing to the client: every byte goes through one ResponseSink (house rule 2: nothing else may write to fd 1 or
 * 2, which under inetd are the socket).
 *
 * Writes are gathered and sent in as few write() calls as possible (house rule 5a: a reply written in several
 * small pieces stalls on the client's delayed ACKs), in order, and bodies are streamed with back-pressure: when the
 * socket's buffer is full, {@link ResponseSink.flush} waits for 'drain', so a slow client slows us down instead of
 * filling our memory.
 */
import type { Writable } from 'node:stream';

/** Gathered bytes beyond which a flush happens by itself (a large body streams in pieces of about this size). */
const HIGH_WATER = 64 * 1024;
/**
 * Writes up to this size are copied into one gathering buffer (a FETCH response is many small pieces: copying
 * them once is cheaper than keeping a Buffer per piece and concatenating); larger ones are queued as they are.
 */
const SMALL = 4 * 1024;

export class ResponseSink {
  private parts: Buffer[] = [];
  private size = 0;
  /**
   * The gathering buffer: bytes [tailStart, tailLen) are written but not yet in {@link parts}. Never reused once
   * handed to the socket (which may hold it until written): a flush starts a new one.
   */
  private tail: Buffer | null = null;
  private tailStart = 0;
  private tailLen = 0;
  private broken: unknown = null;
  /** Bytes handed to the socket so far (for the session's closing log line). */
  written = 0;

  constructor(private out: Writable) {
    out.on('error', (e: unknown) => {
      this.broken = e;
    });
  }

  /** True once writing failed (the client went away). */
  get closed(): boolean {
    return this.broken !== null || this.out.destroyed;
  }

  /** Queues bytes (strings are latin1: protocol text is ASCII; message bytes come as Buffers). */
  write(data: Buffer | Uint8Array | string): void {
    const n = data.length;
    if (n === 0) return;
    if (n > SMALL) {
      this.seal();
      this.parts.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data.buffer, data.byteOffset, n));
      this.size += n;
      return;
    }
    if (this.tail === null || this.tailLen + n > this.tail.length) {
      this.seal();
      this.tail = Buffer.allocUnsafe(HIGH_WATER + SMALL);
      this.tailStart = 0;
      this.tailLen = 0;
    }
    if (typeof data === 'string') this.tail.write(data, this.tailLen, 'latin1');
    else this.tail.set(data, this.tailLen);
    this.tailLen += n;
    this.size += n;
  }

  /**
   * Queues a copy of `data`: the caller may change or reuse its buffer as soon as this returns ({@link write} keeps
   * a large Buffer by reference until it is flushed).
   */
  writeCopy(data: Uint8Array): void {
    if (data.length > SMALL) {
      this.seal();
      this.parts.push(Buffer.from(data));
      this.size += data.length;
      return;
    }
    this.write(data);
  }

  /** Moves the gathered bytes into {@link parts}, keeping their order with the large writes. */
  private seal(): void {
    if (this.tail !== null && this.tailLen > this.tailStart) {
      this.parts.push(this.tail.subarray(this.tailStart, this.tailLen));
      this.tailStart = this.tailLen;
    }
  }

  /** Whether enough is queued for {@link maybeFlush} to flush: a loop that writes without awaiting asks first. */
  get full(): boolean {
    return this.size >= HIGH_WATER;
  }

  /** Queued bytes not yet handed to the socket. */
  get pending(): number {
    return this.size;
  }

  /**
   * Hands everything queued to the socket in one go (one write, or corked writes that leave as one writev), and
   * waits for 'drain' if the socket's buffer is full.
   * Resolves (never rejects) when the client is gone; check {@link closed}.
   */
  async flush(): Promise<void> {
    this.seal();
    this.tail = null;
    if (this.size === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const parts = this.parts;
    this.written += this.size;
    this.parts = [];
    this.size = 0;
    let ok = true;
    if (parts.length === 1) {
      ok = this.out.write(parts[0] as Buffer);
    } else {
      // Several pieces (a reply's lines, then a block of a listing or of FETCH responses): handed over together,
      // without a copy, and sent in one go (writev, on a socket or pipe).
      this.out.cork();
      for (const p of parts) ok = this.out.write(p);
      this.out.uncork();
    }
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.out.off('drain', done);
          this.out.off('close', done);
          this.out.off('error', done);
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('close', done);
        this.out.on('error', done);
      });
    }
  }

  /** Flushes when enough is gathered: for streaming large bodies between queued writes. */
  async maybeFlush(): Promise<void> {
    if (this.size >= HIGH_WATER) await this.flush();
  }

  /** Writes to a new stream from now on (after STARTTLS). Anything queued is flushed to the old one first. */
  async switchTo(out: Writable): Promise<void> {
    await this.flush();
    this.out = out;
    this.broken = null;
    out.on('error', (e: unknown) => {
      this.broken = e;
    });
  }

  /**
   * Writes through `through(out)` from now on, `out` being the stream written so far (COMPRESS: the responses
   * deflated). What is queued goes to `out` first, as it is.
   */
  async wrap(through: (out: Writable) => Writable): Promise<void> {
    await this.flush();
    await this.switchTo(through(this.out));
  }

  /** Flushes and ends the stream. */
  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
