/**
 * COMPRESS=DEFLATE (RFC 4978): after the command's tagged OK, both directions of the connection are raw DEFLATE
 * streams (RFC 1951: no zlib or gzip wrapper), below the protocol and above TLS ("first COMPRESS, then SASL, and
 * finally TLS", §3). The session reads commands from {@link inflating} and writes responses to {@link deflating};
 * the two wrap whatever the connection's streams were (the plain socket, or the TLS socket after STARTTLS).
 *
 * Output is flushed (Z_SYNC_FLUSH) at every write the response sink makes, which is where the sink flushes: a reply
 * reaches the client whole, never held in the compressor's buffer. Back-pressure is kept end to end: the sink waits
 * for 'drain' of the compressing stream, which waits for the socket. Input is inflated only as the session reads
 * it (the line reader pulls), so a small compressed command cannot make us buffer a large expanded one: the line
 * and literal limits hold on what is inflated.
 */
import { PassThrough, Writable, type Readable } from 'node:stream';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';
import { InputUnreadable } from './input.js';

/**
 * The compression level: zlib's 1 to 9. Responses are highly compressible and mail bodies often are not (RFC 4978
 * §4); a low level costs little CPU for most of the gain.
 */
const LEVEL = 3;

/**
 * The client's commands, inflated from the raw DEFLATE stream `source` carries. Bytes that do not inflate end the
 * stream with {@link InputUnreadable} (the session says `* BYE` and ends); a failure of `source` itself ends it
 * with that error (the client is gone).
 */
export function inflating(source: Readable): Readable {
  const inflate = createInflateRaw();
  const out = new PassThrough();
  source.on('error', (e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  inflate.on('error', (e: Error) => out.destroy(new InputUnreadable(`compressed input does not inflate: ${e.message}`, e)));
  return source.pipe(inflate).pipe(out);
}

/**
 * A stream whose every write (or corked batch of writes) is deflated and flushed to `out` at once; ending it ends the
 * DEFLATE stream and then `out`, and its end callback runs once `out` has taken everything.
 */
/** How long after the last response the DEFLATE stream is ended (see final below). */
const END_DELAY_MS = 200;

export function deflating(out: Writable): Writable {
  const deflate: DeflateRaw = createDeflateRaw({ level: LEVEL });
  // Not ended by the pipe (which never ends process.stdout): final below ends it once the last bytes are through.
  deflate.pipe(out, { end: false });
  const flushed = (cb: (e?: Error | null) => void): void => {
    deflate.flush(constants.Z_SYNC_FLUSH, () => cb());
  };
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      deflate.write(chunk);
      flushed(cb);
    },
    writev(chunks: { chunk: Buffer }[], cb) {
      for (const c of chunks) deflate.write(c.chunk);
      flushed(cb);
    },
    final(cb) {
      // The DEFLATE stream's end goes out a moment after the last response, not in the same read: Mail::IMAPClient
      // (Perl) takes inflate's Z_STREAM_END for a failure and drops what came with it (LOGOUT's BYE and OK).
      deflate.flush(constants.Z_SYNC_FLUSH, () => setTimeout(() => {
        deflate.once('end', () => out.end(() => cb()));
        deflate.end();
      }, END_DELAY_MS));
    },
    destroy(e, cb) {
      deflate.destroy(e ?? undefined);
      cb(e);
    },
  });
  deflate.on('error', (e: Error) => w.destroy(e));
  out.on('error', (e: Error) => w.destroy(e));
  return w;
}
