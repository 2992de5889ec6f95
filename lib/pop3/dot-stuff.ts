/**
 * POP3 multi-line responses (RFC 1939 §3): a line starting with "." gets another "." in front, and the response
 * ends with CRLF "." CRLF. Works chunk by chunk on CRLF text (what the mailbox serves), keeping whether the next
 * byte starts a line; a message whose last line has no CRLF gets one before the terminator.
 */
const DOT = 0x2e;
const LF = 0x0a;

export class DotStuffer {
  private atLineStart = true;

  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const parts: Buffer[] = [];
    let s = 0;
    if (this.atLineStart && chunk[0] === DOT) parts.push(Buffer.from('.'));
    for (let nl = chunk.indexOf(LF); nl >= 0; nl = chunk.indexOf(LF, nl + 1)) {
      if (nl + 1 < chunk.length && chunk[nl + 1] === DOT) {
        parts.push(chunk.subarray(s, nl + 1), Buffer.from('.'));
        s = nl + 1;
      }
    }
    this.atLineStart = chunk[chunk.length - 1] === LF;
    if (parts.length === 0) return chunk;
    parts.push(chunk.subarray(s));
    return Buffer.concat(parts);
  }

  /** The terminator, preceded by a CRLF when the data did not end with one. */
  end(): Buffer {
    return Buffer.from(this.atLineStart ? '.\r\n' : '\r\n.\r\n');
  }
}
