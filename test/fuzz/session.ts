/**
 * A fuzz session: what the client sends, in commands, and how it paces them. Everything the harness does with a
 * session (run it through the real binaries or in-process, check it, save it, replay it) starts from this value,
 * and a saved session (JSON, see {@link encodeSession}) replays byte for byte.
 */

export type Protocol = 'imap' | 'pop3';
/** `root`: started as inetd starts it (greeting, then a login); `preauth`: started by the user (PREAUTH/TRANSACTION). */
export type Mode = 'root' | 'preauth';

/** Bytes are latin1 strings in memory: one character per octet, so 8-bit and NUL survive. */
export interface Command {
  /**
   * IMAP: the tag whose tagged response completes the command; null when none is expected (junk). POP3: null
   * (every line gets a reply of its own).
   */
  readonly tag: string | null;
  /**
   * The bytes in pieces. Between two pieces the client waits for a continuation request (IMAP `+`: a synchronizing
   * literal, AUTHENTICATE, IDLE; POP3 `+ ` in AUTH) or for the command's end (a refused literal, a failed
   * exchange), in which case the remaining pieces are not sent.
   */
  readonly parts: readonly string[];
  /** After the last piece: wait for the response (lockstep), or go on at once (pipelined). */
  readonly wait: boolean;
  /**
   * The framing after this command is unknown (random bytes, an open literal, an exchange left hanging): from
   * here on nothing more is expected of the server but a clean end.
   */
  readonly junk?: boolean;
  /** A continuation request before the next piece is a failure: the literal it would ask for is beyond the limits. */
  readonly refuse?: boolean;
  /** STARTTLS/STLS: after an OK the connection is TLS, and what follows is opaque. */
  readonly starttls?: boolean;
  /**
   * A piece computed from the server: CRAM-MD5 answers the challenge before piece 1 (IMAP AUTHENTICATE, POP3
   * AUTH); APOP digests the greeting's timestamp into piece 0 (`APOP user ` is prefixed, CRLF appended).
   */
  readonly compute?: { readonly kind: 'cram-md5' | 'apop'; readonly user: string; readonly secret: string };
}

export interface FuzzSession {
  readonly protocol: Protocol;
  readonly mode: Mode;
  /** A file under test/fixtures/ copied fresh as the INBOX for this session. */
  readonly mailbox: string;
  readonly seed: number;
  /** What the generator meant (for reports): 'walk', 'flood', 'literal', ... */
  readonly kind: string;
  /** Extra configuration lines (`key = value`). */
  readonly config: readonly string[];
  /** The session changes no mailbox: the INBOX must stay byte-identical. */
  readonly readOnly: boolean;
  readonly commands: readonly Command[];
}

/** The client's bytes of a session as planned (computed pieces as placeholders), for reports and sizes. */
export function plannedBytes(s: FuzzSession): string {
  return s.commands.map((c) => c.parts.join('')).join('');
}

type Segment = string | { r: string; n: number };

/** Long strings are stored as runs (`{r, n}`): a 1 MB line or a 60,000-element set stays small in a file. */
function encodeChunk(s: string): string | Segment[] {
  if (s.length < 2048) return s;
  const out: Segment[] = [];
  let lit = '';
  let i = 0;
  while (i < s.length) {
    let best: { u: number; n: number } | null = null;
    for (let u = 1; u <= 24 && i + 2 * u <= s.length; u++) {
      const unit = s.slice(i, i + u);
      let n = 1;
      while (s.startsWith(unit, i + n * u)) n++;
      if (n * u >= 96 && (!best || n * u > best.n * best.u)) best = { u, n };
    }
    if (best) {
      if (lit) out.push(lit);
      lit = '';
      out.push({ r: s.slice(i, i + best.u), n: best.n });
      i += best.u * best.n;
    } else {
      lit += s[i];
      i++;
    }
  }
  if (lit) out.push(lit);
  return out;
}

function decodeChunk(c: unknown): string {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) throw new Error('bad chunk in a saved session');
  return c.map((seg: unknown) => {
    if (typeof seg === 'string') return seg;
    const r = seg as { r?: unknown; n?: unknown };
    if (typeof r.r !== 'string' || typeof r.n !== 'number') throw new Error('bad run in a saved session');
    return r.r.repeat(r.n);
  }).join('');
}

/** A saved session: the session, with what happened when it failed (for the reader; replay ignores it). */
export interface SavedSession {
  session: FuzzSession;
  via?: 'binary' | 'inproc';
  failures?: string[];
  /** The server's output (latin1, cut to 64 KB). */
  output?: string;
  note?: string;
}

export function encodeSession(saved: SavedSession): string {
  const s = saved.session;
  const doc = {
    ...(saved.note ? { note: saved.note } : {}),
    protocol: s.protocol, mode: s.mode, mailbox: s.mailbox, seed: s.seed, kind: s.kind, config: s.config,
    readOnly: s.readOnly,
    ...(saved.via ? { via: saved.via } : {}),
    ...(saved.failures ? { failures: saved.failures } : {}),
    commands: s.commands.map((c) => ({ ...c, parts: c.parts.map(encodeChunk) })),
    ...(saved.output !== undefined ? { output: encodeChunk(saved.output.slice(0, 65536)) } : {}),
  };
  return JSON.stringify(doc, null, 1) + '\n';
}

export function decodeSession(text: string): SavedSession {
  const d = JSON.parse(text) as Record<string, unknown>;
  const cmds = d.commands as Record<string, unknown>[];
  const session: FuzzSession = {
    protocol: d.protocol as Protocol, mode: d.mode as Mode, mailbox: String(d.mailbox), seed: Number(d.seed ?? 0),
    kind: String(d.kind ?? 'saved'), config: (d.config as string[] | undefined) ?? [], readOnly: Boolean(d.readOnly),
    commands: cmds.map((c) => ({
      tag: (c.tag as string | null | undefined) ?? null,
      parts: (c.parts as unknown[]).map(decodeChunk),
      wait: Boolean(c.wait),
      ...(c.junk ? { junk: true } : {}),
      ...(c.refuse ? { refuse: true } : {}),
      ...(c.starttls ? { starttls: true } : {}),
      ...(c.compute ? { compute: c.compute as Command['compute'] } : {}),
    })),
  };
  if (session.protocol !== 'imap' && session.protocol !== 'pop3') throw new Error('bad protocol in a saved session');
  if (session.mode !== 'root' && session.mode !== 'preauth') throw new Error('bad mode in a saved session');
  return {
    session,
    ...(d.via === 'binary' || d.via === 'inproc' ? { via: d.via } : {}),
    ...(Array.isArray(d.failures) ? { failures: d.failures as string[] } : {}),
    ...(d.output !== undefined ? { output: decodeChunk(d.output) } : {}),
    ...(typeof d.note === 'string' ? { note: d.note } : {}),
  };
}
