/** Helpers shared by the mbox unit tests: scanning a Buffer and serving its messages as a client sees them. */
import { BufferSource } from '../../lib/mailbox/mbox/byte-source.js';
import { BodyServer, serveHeader } from '../../lib/mailbox/mbox/render.js';
import { scanMbox, type ScannedMessage } from '../../lib/mailbox/mbox/scanner.js';

export interface Served {
  readonly m: ScannedMessage;
  readonly header: string;
  readonly body: string;
}

/** Scans `data` reading `window` bytes at a time (1: one byte at a time); `lazyBodies` as the driver scans. */
export function scan(data: Buffer, window = 1 << 20, lazyBodies = false): { messages: ScannedMessage[]; garbage: boolean } {
  const messages: ScannedMessage[] = [];
  const r = scanMbox(new BufferSource(data, window), { localZone: () => 0, window, lazyBodies }, (m) => messages.push(m));
  return { messages, garbage: r.garbage !== null };
}

/** What a lazy scan must find exactly as a line-by-line one does: everything but body sizes and `quoted`. */
export function boundaries(r: { messages: ScannedMessage[]; garbage: boolean }): unknown {
  return {
    garbage: r.garbage,
    messages: r.messages.map((m) => ({ ...m, bodySize: 0, bodyLfSize: 0, quoted: false })),
  };
}

/** Serves a body through BodyServer, feeding it `chunk` bytes at a time. */
function serveBody(data: Buffer, m: ScannedMessage, chunk = 1 << 20): Buffer {
  const server = new BodyServer(m.verbatim);
  const out: Buffer[] = [];
  for (let p = m.bodyStart; p < m.bodyEnd; p += chunk) {
    out.push(...server.push(data.subarray(p, Math.min(m.bodyEnd, p + chunk))));
  }
  out.push(...server.end());
  return Buffer.concat(out);
}

/** Every message as served, checking that served lengths equal the sizes the scanner announced. */
export function serveAll(data: Buffer, window = 1 << 20, chunk = 1 << 20): Served[] {
  return scan(data, window).messages.map((m) => {
    const header = serveHeader(data.subarray(m.headerStart, m.bodyStart));
    const body = serveBody(data, m, chunk);
    if (header.length !== m.headerSize) throw new Error(`header size ${m.headerSize} but served ${header.length}`);
    if (body.length !== m.bodySize) throw new Error(`body size ${m.bodySize} but served ${body.length}`);
    return { m, header: header.toString('latin1'), body: body.toString('latin1') };
  });
}

export const mbox = (s: string): Buffer => Buffer.from(s, 'latin1');
