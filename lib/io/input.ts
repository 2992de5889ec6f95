/**
 * Reading a client's commands: lines (and, for IMAP, literals of a known size) pulled from a byte stream on
 * demand. Nothing is read ahead of what the session asks for beyond one chunk, so a client that sends faster than
 * we answer is held back by TCP, not buffered in our memory.
 *
 * Every line is bounded: a line longer than `maxLine` is consumed to its end and reported as {@link LineTooLong},
 * so the session answers BAD/-ERR and stays in sync with the client.
 */
import type { Readable } from 'node:stream';

export class LineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`line longer than ${limit} octets`);
    this.name = 'LineTooLong';
  }
}

/** The peer closed the connection (or the stream failed) while we waited for input. */
export class InputClosed extends Error {
  constructor(cause?: unknown) {
    super('connection closed', { cause });
    this.name = 'InputClosed';
  }

  /** The client is still there, but what it sends cannot be read (see {@link InputUnreadable}). */
  get unreadable(): boolean {
    return this.cause instanceof InputUnreadable;
  }
}

/**
 * The client's bytes could not be decoded (a compressed stream that does not inflate): the input ends, but unlike a
 * hang-up the client may still read an answer, and is told why the session ends.
 */
export class InputUnreadable extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'InputUnreadable';
  }
}

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

export class LineInput {
  private buf: Buffer = EMPTY;
  private ended = false;
  private error: unknown = null;
  private waiter: (() => void) | null = null;
  /** Bytes read from the client so far (for the session's closing log line). */
  received = 0;
  private readonly onReadable = (): void => this.wake();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };
  private readonly onError = (e: unknown): void => {
    this.error = e;
    this.ended = true;
    this.wake();
  };

  constructor(
    private source: Readable,
    private readonly maxLine: number,
  ) {
    this.attach(source);
  }

  private attach(s: Readable): void {
    s.on('readable', this.onReadable);
    s.on('end', this.onEnd);
    s.on('close', this.onEnd);
    s.on('error', this.onError);
  }

  private detach(s: Readable): void {
    s.off('readable', this.onReadable);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onError);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Pulls one chunk into the buffer; resolves false at the end of input. */
  private async fill(): Promise<boolean> {
    for (;;) {
      const chunk = this.source.read() as Buffer | string | null;
      if (chunk !== null) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
        this.received += b.length;
        this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
        return true;
      }
      if (this.ended) return false;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** True when a whole line is already buffered (POP3 pipelining: more commands to answer before flushing). */
  hasLine(): boolean {
    return this.buf.indexOf(LF) >= 0;
  }

  /** Bytes received but not yet consumed. STARTTLS must refuse to proceed when there are any (RFC 3207 §4). */
  get buffered(): number {
    return this.buf.length;
  }

  /**
   * The next line without its CRLF (or bare LF), or null at the end of input. Throws {@link LineTooLong} after
   * consuming an over-long line, and {@link InputClosed} when the stream failed.
   */
  async readLine(): Promise<Buffer | null> {
    let scanned = 0;
    let discarding = false;
    for (;;) {
      const nl = this.buf.indexOf(LF, scanned);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl > 0 && this.buf[nl - 1] === CR ? nl - 1 : nl);
        this.buf = this.buf.subarray(nl + 1);
        if (discarding || line.length > this.maxLine) throw new LineTooLong(this.maxLine);
        return Buffer.from(line);
      }
      if (this.buf.length > this.maxLine) {
        // Too long already: drop what we have and keep discarding until the line ends.
        discarding = true;
        this.buf = EMPTY;
      }
      scanned = this.buf.length;
      if (!(await this.fill())) {
        if (this.error) throw new InputClosed(this.error);
        if (this.buf.length === 0 || discarding) return null;
        const last = this.buf;
        this.buf = EMPTY;
        return Buffer.from(last);
      }
    }
  }

  /**
   * Between 1 and `max` bytes, as soon as any are there, as a view that is valid only until the next read: for
   * streaming a large literal somewhere without copying it through memory twice. Throws {@link InputClosed} if the
   * input ends first.
   */
  async readSome(max: number): Promise<Buffer> {
    if (this.buf.length === 0 && !(await this.fill())) throw new InputClosed(this.error ?? undefined);
    const out = this.buf.subarray(0, Math.min(max, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** Exactly `n` bytes (an IMAP literal). Throws {@link InputClosed} if the input ends first. */
  async readBytes(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (!(await this.fill())) throw new InputClosed(this.error ?? undefined);
    }
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  /**
   * Reads from a new stream from now on (after STARTTLS/STLS: the TLS socket wrapping the old one). The caller
   * must have checked that nothing was buffered: plaintext sent after the command must not be taken as if it had
   * come through TLS.
   */
  /**
   * Reads through `through(source)` from now on, `source` being the stream read so far (COMPRESS: the client's
   * commands inflated). As for {@link switchTo}, nothing may be buffered.
   */
  wrap(through: (source: Readable) => Readable): void {
    const old = this.source;
    // Off the old stream first: a 'readable' listener would keep it from flowing into the new one.
    this.detach(old);
    this.switchTo(through(old));
  }

  switchTo(source: Readable): void {
    this.detach(this.source);
    this.source = source;
    this.buf = EMPTY;
    this.ended = false;
    this.error = null;
    this.attach(source);
  }
}
