/**
 * Reading what a server sends, incrementally, as a client must: IMAP response lines with their literals counted,
 * POP3 replies with their multi-line bodies. Anything that is not protocol is recorded as a violation (the
 * fuzzer's "nothing but protocol bytes on the wire").
 */

export type ImapResponse =
  | { readonly kind: 'tagged'; readonly tag: string; readonly status: string; readonly text: string }
  | { readonly kind: 'untagged'; readonly text: string; readonly bye: boolean }
  | { readonly kind: 'cont'; readonly text: string }
  | { readonly kind: 'other'; readonly text: string };

/** Shows a server line in a report: printable ASCII as is, the rest escaped, cut at 200 characters. */
export function show(s: string, max = 200): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const esc = JSON.stringify(cut).replace(/[\u0080-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
  return s.length > max ? `${esc}... (${s.length} octets)` : esc;
}

/** IMAP responses from the server's bytes. */
export class ImapReader {
  readonly responses: ImapResponse[] = [];
  /** Indexes of the tagged responses by tag, in order. */
  readonly tagged = new Map<string, number[]>();
  /** Index of the first `* BYE`, or -1. */
  byeAt = -1;
  readonly violations: string[] = [];
  /** Every byte received, latin1. */
  all = '';
  private buf = '';
  /** The response line being built (text so far, a server literal's octets excluded). */
  private line = '';
  private literalLeft = 0;
  /** After STARTTLS's OK the bytes are TLS: no longer read as IMAP. */
  opaque = false;

  feed(chunk: string): void {
    this.all += chunk;
    if (this.opaque) return;
    this.buf += chunk;
    for (;;) {
      if (this.opaque) return;
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, this.buf.length);
        this.buf = this.buf.slice(n);
        this.literalLeft -= n;
        if (this.literalLeft > 0) return;
        continue;
      }
      const nl = this.buf.indexOf('\n');
      if (nl < 0) return;
      let piece = this.buf.slice(0, nl + 1);
      this.buf = this.buf.slice(nl + 1);
      if (!piece.endsWith('\r\n')) {
        this.violations.push(`bare LF in a response line: ${show(this.line + piece)}`);
        piece = piece.slice(0, -1);
      } else piece = piece.slice(0, -2);
      const lit = /\{(\d+)\}$/.exec(piece);
      this.line += piece;
      if (lit) {
        this.literalLeft = Number(lit[1]);
        continue;
      }
      this.finishLine(this.line);
      this.line = '';
    }
  }

  private finishLine(l: string): void {
    if (/[\0\r]/.test(l)) this.violations.push(`NUL or CR in a response line: ${show(l)}`);
    // eslint-disable-next-line no-control-regex -- 8-bit and control octets are exactly what is looked for
    else if (/[\u0080-\u00ff\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(l)) this.violations.push(`8-bit or control octet in a response line: ${show(l)}`);
    let r: ImapResponse;
    let m: RegExpExecArray | null;
    if (l.startsWith('* ')) r = { kind: 'untagged', text: l.slice(2), bye: /^BYE\b/i.test(l.slice(2)) };
    else if (l === '+' || l.startsWith('+ ')) r = { kind: 'cont', text: l.slice(2) };
    else if ((m = /^([^ ]+) (OK|NO|BAD)(?: (.*))?$/.exec(l))) r = { kind: 'tagged', tag: m[1] as string, status: m[2] as string, text: m[3] ?? '' };
    else {
      r = { kind: 'other', text: l };
      this.violations.push(`not an IMAP response line: ${show(l)}`);
    }
    if (r.kind === 'tagged') {
      const at = this.tagged.get(r.tag);
      if (at) at.push(this.responses.length);
      else this.tagged.set(r.tag, [this.responses.length]);
    } else if (r.kind === 'untagged' && r.bye && this.byeAt < 0) this.byeAt = this.responses.length;
    this.responses.push(r);
  }

  /** Bytes left that do not make a whole response (the server ended mid-line or mid-literal). */
  leftover(): string {
    if (this.opaque) return '';
    return this.literalLeft > 0 ? `${this.literalLeft} octets of a literal missing` : this.line + this.buf;
  }
}

export type Pop3Reply =
  | { readonly kind: 'ok'; readonly text: string; readonly body: number | null }
  | { readonly kind: 'err'; readonly text: string }
  | { readonly kind: 'cont'; readonly text: string }
  | { readonly kind: 'other'; readonly text: string };

/**
 * POP3 replies. Which +OK opens a multi-line body depends on the command it answers, so the reader is told each
 * line the client sent ({@link sent}), and pairs replies with lines in order: the greeting first, then one reply
 * per line; a line after a `+ ` challenge is a SASL response, not a command.
 */
export class Pop3Reader {
  readonly replies: Pop3Reply[] = [];
  readonly violations: string[] = [];
  all = '';
  private buf = '';
  private lines: string[] = [];
  private inBody: { lines: number } | null = null;
  opaque = false;

  /** Lines the client sent, as the server splits them (LF ends a line; a CR before it is dropped). */
  private sentBuf = '';
  readonly sentLines: string[] = [];

  sent(bytes: string): void {
    this.sentBuf += bytes;
    let nl: number;
    while ((nl = this.sentBuf.indexOf('\n')) >= 0) {
      const l = this.sentBuf.slice(0, nl);
      this.sentLines.push(l.endsWith('\r') ? l.slice(0, -1) : l);
      this.sentBuf = this.sentBuf.slice(nl + 1);
    }
    this.drain();
  }

  /** Bytes sent after the last line feed (answered only if the server reads a last line at EOF). */
  get partialLine(): string {
    return this.sentBuf;
  }

  feed(chunk: string): void {
    this.all += chunk;
    if (this.opaque) return;
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      let l = this.buf.slice(0, nl + 1);
      this.buf = this.buf.slice(nl + 1);
      if (!l.endsWith('\r\n')) {
        this.violations.push(`bare LF in a reply line: ${show(l)}`);
        l = l.slice(0, -1);
      } else l = l.slice(0, -2);
      this.lines.push(l);
    }
    this.drain();
  }

  /** Whether the +OK answering client line `i` (0-based; -1 the greeting) opens a body. */
  private multi(i: number): boolean {
    if (i < 0) return false;
    const prev = this.replies[i]; // the reply before this one (index shifted by the greeting)
    if (prev && prev.kind === 'cont') return false; // a SASL response
    const l = this.sentLines[i];
    if (l === undefined) return false;
    const sp = l.indexOf(' ');
    const cmd = (sp < 0 ? l : l.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : l.slice(sp + 1);
    if (cmd === 'CAPA' || cmd === 'RETR' || cmd === 'TOP') return true;
    return (cmd === 'LIST' || cmd === 'UIDL' || cmd === 'AUTH') && arg.trim() === '';
  }

  private drain(): void {
    while (this.lines.length) {
      if (this.inBody) {
        const l = this.lines.shift() as string;
        if (l === '.') {
          this.replies.push({ ...(this.replies.pop() as Pop3Reply & { kind: 'ok' }), body: this.inBody.lines });
          this.inBody = null;
          continue;
        }
        if (l.startsWith('.') && !l.startsWith('..')) this.violations.push(`a body line starting with an unstuffed dot: ${show(l)}`);
        this.inBody.lines++;
        continue;
      }
      // Which client line this reply answers: the greeting is reply 0.
      const answering = this.replies.length - 1;
      const l = this.lines[0] as string;
      if (l.startsWith('+OK') && (l.length === 3 || l[3] === ' ')) {
        // A multi-line +OK cannot be placed until its line is known to have been sent.
        if (answering >= 0 && answering >= this.sentLines.length) {
          this.replies.push({ kind: 'ok', text: l.slice(4), body: null });
          this.lines.shift();
          continue;
        }
        this.lines.shift();
        if (this.multi(answering)) {
          this.replies.push({ kind: 'ok', text: l.slice(4), body: null });
          this.inBody = { lines: 0 };
        } else this.replies.push({ kind: 'ok', text: l.slice(4), body: null });
        continue;
      }
      this.lines.shift();
      if (/[\0\r]/.test(l)) this.violations.push(`NUL or CR in a reply line: ${show(l)}`);
      if (l.startsWith('-ERR') && (l.length === 4 || l[4] === ' ')) this.replies.push({ kind: 'err', text: l.slice(5) });
      else if (l === '+' || l.startsWith('+ ')) this.replies.push({ kind: 'cont', text: l.slice(2) });
      else {
        this.violations.push(`not a POP3 reply line: ${show(l)}`);
        this.replies.push({ kind: 'other', text: l });
      }
    }
  }

  /** Replies that are complete (a multi-line one only after its dot). */
  get complete(): number {
    return this.replies.length - (this.inBody ? 1 : 0);
  }

  leftover(): string {
    if (this.opaque) return '';
    return (this.inBody ? '(inside a multi-line body) ' : '') + this.lines.join('\r\n') + this.buf;
  }
}
