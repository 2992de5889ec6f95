/**
 * The fuzz client: plays a {@link FuzzSession} against a server over a {@link Transport} (a real binary's pipes or
 * socket, or in-process streams) as a client would: it waits for the greeting, sends each command, waits for a
 * continuation request before each synchronizing literal or SASL response, waits for the response of a lockstep
 * command, sends pipelined commands without waiting, and finally closes its side (EOF) and waits for the server
 * to exit. It records what it sent and received; check.ts judges the result.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Command, FuzzSession } from './session.js';
import { ImapReader, Pop3Reader, show } from './wire.js';

export interface ExitInfo {
  /** The exit status (0 for an in-process session whose serve function resolved), null when killed. */
  readonly code: number | null;
  readonly signal: string | null;
  /** Peak resident set size in KB when known. */
  readonly peakRssKb: number | null;
  /** What ended an in-process session abnormally (its rejection or uncaught exception), or a harness error. */
  readonly error?: string;
}

/** A connection to one server session. */
export interface Transport {
  write(data: Buffer): void;
  /** The client's EOF. */
  end(): void;
  onData(cb: (chunk: Buffer) => void): void;
  /** The server's output ended. */
  onClose(cb: () => void): void;
  readonly exited: Promise<ExitInfo>;
  kill(): void;
}

export interface DriveOptions {
  /** How long to wait for a response the server owes (ms). */
  readonly replyMs: number;
  /** How long to wait for the server to exit after the client's EOF (ms). */
  readonly exitMs: number;
}

export interface DriveResult {
  readonly failures: string[];
  readonly reader: ImapReader | Pop3Reader;
  /** Everything the client sent (latin1). */
  readonly sent: string;
  readonly exit: ExitInfo;
  /** The server's output ended while the client still had its side open. */
  readonly closedBeforeEof: boolean;
  /** Tags of complete IMAP commands whose tagged response is owed, in order (pipelined and lockstep). */
  readonly expectedTags: readonly string[];
  /** From which command on the framing was unknown (junk), or null. */
  readonly junkFrom: number | null;
  /** STARTTLS/STLS succeeded: what followed is TLS. */
  readonly tls: boolean;
}

const hmacHex = (key: string, data: Buffer): string => createHmac('md5', Buffer.from(key, 'latin1')).update(data).digest('hex');

export async function drive(session: FuzzSession, t: Transport, opts: DriveOptions): Promise<DriveResult> {
  const imap = session.protocol === 'imap';
  const reader = imap ? new ImapReader() : new Pop3Reader();
  const failures: string[] = [];
  let closed = false;
  let eofSent = false;
  let closedBeforeEof = false;
  let sent = '';
  let wake: (() => void) | null = null;
  t.onData((b) => {
    reader.feed(b.toString('latin1'));
    wake?.();
  });
  t.onClose(() => {
    closed = true;
    if (!eofSent) closedBeforeEof = true;
    wake?.();
  });
  void t.exited.then(() => {
    closed = true;
    if (!eofSent) closedBeforeEof = true;
    wake?.();
  });

  /** Resolves true when `pred` holds, false after `ms`. */
  const until = async (pred: () => boolean, ms: number): Promise<boolean> => {
    flush();
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
      });
    }
    return true;
  };

  /** Pipelined bytes gathered into one write (a flood of 3,000 commands is not 3,000 writes). */
  let pending = '';
  const flush = (): void => {
    if (pending === '') return;
    if (!closed) t.write(Buffer.from(pending, 'latin1'));
    pending = '';
  };
  const send = (s: string, later = false): void => {
    if (closed || s === '') return;
    sent += s;
    if (reader instanceof Pop3Reader) reader.sent(s);
    pending += s;
    if (!later || pending.length > 65536) flush();
  };

  const ir = reader instanceof ImapReader ? reader : null;
  const pr = reader instanceof Pop3Reader ? reader : null;
  const byeSeen = (): boolean => ir !== null && ir.byeAt >= 0;
  const over = (): boolean => closed || byeSeen();
  const taggedIndex = (tag: string, from: number): number => {
    const at = ir?.tagged.get(tag);
    if (!at) return -1;
    for (const i of at) if (i >= from) return i;
    return -1;
  };
  const contAfter = (from: number): number => {
    if (!ir) return -1;
    for (let i = from; i < ir.responses.length; i++) if (ir.responses[i]?.kind === 'cont') return i;
    return -1;
  };

  const expectedTags: string[] = [];
  /** Pipelined IMAP tags not yet answered. */
  const outstanding: string[] = [];
  let junkFrom: number | null = null;
  let tls = false;
  let cursor = 0; // IMAP: responses before this index belong to earlier commands

  // The greeting.
  if (!(await until(() => closed || (ir ? ir.responses.length > 0 : (pr as Pop3Reader).replies.length > 0), opts.replyMs))) {
    failures.push(`no greeting within ${opts.replyMs} ms`);
  }
  const greeting = ir ? (ir.responses[0]?.kind === 'untagged' ? ir.responses[0].text : '') : ((pr as Pop3Reader).replies[0]?.text ?? '');

  const barrier = async (): Promise<boolean> => {
    if (!ir || outstanding.length === 0) return true;
    let answered = 0;
    const ok = await until(() => {
      while (answered < outstanding.length && taggedIndex(outstanding[answered] as string, 0) >= 0) answered++;
      return over() || answered === outstanding.length;
    }, opts.replyMs);
    if (!ok) {
      failures.push(`no tagged response to pipelined command ${outstanding.find((tag) => taggedIndex(tag, 0) < 0)} within ${opts.replyMs} ms`);
      return false;
    }
    outstanding.length = 0;
    if (ir) cursor = ir.responses.length;
    return true;
  };

  const piece = (c: Command, i: number): string => {
    const p = c.parts[i] ?? '';
    if (!c.compute) return p;
    if (c.compute.kind === 'apop' && i === 0) {
      const stamp = /<[^>]*>/.exec(greeting)?.[0] ?? '<none>';
      return `APOP ${c.compute.user} ${createHash('md5').update(stamp + c.compute.secret, 'latin1').digest('hex')}\r\n`;
    }
    if (c.compute.kind === 'cram-md5' && i === 1) {
      const last = ir ? ir.responses[ir.responses.length - 1] : (pr as Pop3Reader).replies[(pr as Pop3Reader).replies.length - 1];
      const challenge = Buffer.from(last?.kind === 'cont' ? last.text : '', 'base64');
      return Buffer.from(`${c.compute.user} ${hmacHex(c.compute.secret, challenge)}`).toString('base64') + '\r\n';
    }
    return p;
  };

  for (let ci = 0; ci < session.commands.length; ci++) {
    const c = session.commands[ci] as Command;
    if (over()) break;
    if (junkFrom === null && c.junk) junkFrom = ci;
    if (junkFrom !== null || tls) {
      // Unknown framing: send it all, briefly giving a server that asks for a literal the chance to ask.
      for (let i = 0; i < c.parts.length; i++) {
        if (closed) break;
        const before = ir ? ir.responses.length : (pr as Pop3Reader).replies.length;
        send(c.parts[i] ?? '');
        if (i < c.parts.length - 1 && !tls) {
          await until(() => closed || (ir ? ir.responses.length : (pr as Pop3Reader).replies.length) > before, 300);
        }
      }
      continue;
    }
    if (ir) {
      const tag = c.tag;
      if (!c.wait && c.parts.length === 1 && tag !== null && !c.starttls) {
        // Pipelined: sent at once, answered later.
        send(c.parts[0] as string, true);
        expectedTags.push(tag);
        outstanding.push(tag);
        continue;
      }
      if (!(await barrier())) {
        junkFrom = ci;
        ci--;
        continue;
      }
      if (tag !== null) expectedTags.push(tag);
      let refused = false;
      for (let i = 0; i < c.parts.length && !over(); i++) {
        const start = ir.responses.length;
        send(piece(c, i));
        if (i === c.parts.length - 1) break;
        const ok = await until(() => over() || contAfter(start) >= 0 || (tag !== null && taggedIndex(tag, start) >= 0), opts.replyMs);
        if (!ok) {
          failures.push(`no continuation request or response after piece ${i + 1} of ${tag ?? 'a command'} (${show((c.parts[i] ?? '').slice(0, 80))}) within ${opts.replyMs} ms`);
          junkFrom = ci;
          break;
        }
        if (tag !== null && taggedIndex(tag, start) >= 0 && contAfter(start) < 0) {
          refused = true;
          break;
        }
        if (contAfter(start) >= 0 && c.refuse) {
          failures.push(`continuation request for a literal beyond the limits: ${show((c.parts[i] ?? '').slice(-120))}`);
          junkFrom = ci;
          break;
        }
      }
      if (junkFrom !== null) continue;
      if (tag !== null && (c.wait || refused || c.starttls)) {
        const ok = await until(() => over() || taggedIndex(tag, cursor) >= 0, opts.replyMs);
        if (!ok) {
          failures.push(`no tagged response to ${tag} (${show((c.parts[0] ?? '').slice(0, 100))}) within ${opts.replyMs} ms`);
          junkFrom = ci + 1;
          continue;
        }
        const at = taggedIndex(tag, cursor);
        if (c.starttls && at >= 0) {
          const r = ir.responses[at];
          if (r?.kind === 'tagged' && r.status === 'OK') {
            tls = true;
            ir.opaque = true;
          }
        }
        cursor = ir.responses.length;
      } else if (tag !== null) {
        outstanding.push(tag);
      }
      continue;
    }
    // POP3: every line gets a reply; an exchange goes on while the replies are `+ ` challenges.
    const p = pr as Pop3Reader;
    for (let i = 0; i < c.parts.length && !closed; i++) {
      const lastPiece = !c.wait && i === c.parts.length - 1;
      send(piece(c, i), lastPiece);
      if (lastPiece) break;
      const want = p.sentLines.length + 1; // replies: the greeting and one per line
      const ok = await until(() => closed || p.complete >= want, opts.replyMs);
      if (!ok) {
        failures.push(`no reply to line ${p.sentLines.length} (${show(p.sentLines[p.sentLines.length - 1] ?? '')}) within ${opts.replyMs} ms`);
        junkFrom = ci + 1;
        break;
      }
      const last = p.replies[want - 1];
      if (c.starttls && last?.kind === 'ok') {
        tls = true;
        p.opaque = true;
      }
      if (i < c.parts.length - 1 && last?.kind !== 'cont') break; // the exchange ended early
    }
  }
  if (junkFrom === null && !tls) await barrier();
  if (pr && junkFrom === null && !tls && !closed) {
    // Pipelined POP3 lines: every reply before the EOF.
    const want = pr.sentLines.length + 1;
    if (!(await until(() => closed || pr.complete >= want, opts.replyMs))) {
      failures.push(`no reply to line ${pr.complete} of ${pr.sentLines.length} (${show(pr.sentLines[pr.complete - 1] ?? '')}) within ${opts.replyMs} ms`);
    }
  }
  flush();
  eofSent = true;
  t.end();
  const exited = await Promise.race([
    t.exited,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), opts.exitMs)).then(() => null),
  ]);
  let exit: ExitInfo;
  if (exited === null) {
    failures.push(`still running ${opts.exitMs} ms after the client's EOF`);
    t.kill();
    exit = await t.exited;
  } else exit = exited;
  // Output may still be in flight after the exit: let the streams deliver it.
  await until(() => closed, 1000);
  return { failures, reader, sent, exit, closedBeforeEof, expectedTags, junkFrom, tls };
}
