/**
 * The invariants a fuzz session must keep, judged from what the client sent and the server answered (drive.ts):
 * every complete command gets its response, the session ends only with a goodbye or the client's EOF, the
 * process exits 0, only protocol bytes go out, nothing internal leaks, memory stays bounded. The mailbox checks
 * are in sandbox.ts.
 */
import type { DriveResult } from './drive.js';
import type { FuzzSession } from './session.js';
import { ImapReader, Pop3Reader, show } from './wire.js';

export interface CheckContext {
  /** The session's private directory: its path must never reach the client. */
  readonly sandbox: string;
  /** Peak RSS limit in KB (binaries). */
  readonly maxRssKb: number;
}

/** First tokens of the client's lines, with how often each begins one: the only tags a server may answer with. */
function sentTags(sent: string): Map<string, number> {
  const tags = new Map<string, number>();
  for (const l of sent.split('\n')) {
    const sp = l.indexOf(' ');
    const t = (sp < 0 ? l : l.slice(0, sp)).replace(/\r$/, '');
    tags.set(t, (tags.get(t) ?? 0) + 1);
  }
  return tags;
}

function leaks(out: string, sandbox: string): string | null {
  if (out.includes(sandbox)) return `the session's directory (${sandbox})`;
  // An errno's name and message (`ENOENT: no such file`), but not a BAD naming a command that starts with E
  // (`EXAMINE: literal8 not allowed here`).
  const m = /node:internal|\n\s+at [^\r\n]+(?:\.js|\.cjs|\.mjs):\d+|(?:TypeError|RangeError|ReferenceError|SyntaxError): |\b(?!EXAMINE:|ENABLE:|EXPUNGE:)E[A-Z]{3,}: [a-z]/.exec(out);
  return m ? `internal detail ${show(out.slice(Math.max(0, m.index - 60), m.index + 80))}` : null;
}

export function check(session: FuzzSession, r: DriveResult, ctx: CheckContext): string[] {
  const f = [...r.failures];
  const exit = r.exit;
  if (exit.code !== 0) {
    f.push(exit.code === null ? `killed by ${exit.signal ?? 'a signal'}` : `exit status ${exit.code}${exit.error ? `: ${exit.error}` : ''}`);
  } else if (exit.error) f.push(exit.error);
  if (exit.peakRssKb !== null && exit.peakRssKb > ctx.maxRssKb) f.push(`peak RSS ${exit.peakRssKb} KB > ${ctx.maxRssKb} KB`);
  const reader = r.reader;
  for (const v of [...new Set(reader.violations)].slice(0, 5)) f.push(v);
  const leak = leaks(reader.all, ctx.sandbox);
  if (leak) f.push(`sent to the client: ${leak}`);
  // The server's own word for "this is a bug": never expected, whatever the client sent.
  const bug = /^[^\r\n]*\[SERVERBUG\][^\r\n]*/m.exec(reader.all);
  if (bug) f.push(`the server reported a bug: ${show(bug[0])}`);
  const left = reader.leftover();
  if (left !== '' && !r.tls) f.push(`output ends inside a response: ${show(left)}`);

  if (reader instanceof ImapReader) {
    const rs = reader.responses;
    const first = rs[0];
    if (first && !(first.kind === 'untagged' && /^(OK|PREAUTH|BYE)\b/.test(first.text))) f.push(`greeting is not * OK/PREAUTH/BYE: ${show(JSON.stringify(first))}`);
    const bye = rs.some((x) => x.kind === 'untagged' && x.bye);
    if (r.closedBeforeEof && !bye && !r.tls) f.push('the server ended the session without * BYE');
    const tags = sentTags(r.sent);
    const answered = new Map<string, number>();
    for (const x of rs) {
      if (x.kind !== 'tagged') continue;
      answered.set(x.tag, (answered.get(x.tag) ?? 0) + 1);
      if (!tags.has(x.tag)) f.push(`tagged response with a tag the client never sent: ${show(`${x.tag} ${x.status} ${x.text}`)}`);
    }
    if (!r.tls) {
      const owed = r.expectedTags;
      let lastAnswered = -1;
      owed.forEach((t, i) => {
        if (answered.has(t)) lastAnswered = i;
      });
      const limit = bye ? lastAnswered : owed.length - 1;
      for (let i = 0; i <= limit; i++) {
        const t = owed[i] as string;
        if (!answered.has(t) && !f.some((x) => x.includes(`response to ${t} `) || x.includes(`command ${t} `))) {
          f.push(`no tagged response to ${t}${bye ? ' (a later command was answered)' : ' (no * BYE either)'}`);
          break;
        }
      }
      // A tag may also begin a line a lone LF split off, or a literal's line: count every line it begins.
      for (const t of new Set(owed)) {
        if ((answered.get(t) ?? 0) > (tags.get(t) ?? 0) && r.junkFrom === null) f.push(`${t} answered ${answered.get(t)} times`);
      }
    }
  } else if (reader instanceof Pop3Reader) {
    const rs = reader.replies;
    if (rs[0] && rs[0].kind !== 'ok' && rs[0].kind !== 'err') f.push(`greeting is not +OK/-ERR: ${show(rs[0].text)}`);
    if (!r.tls && r.junkFrom === null) {
      // A last line without its line feed is answered when the server reads it at the EOF (LineInput does).
      const partial = reader.partialLine.replace(/\r$/, '') !== '' ? 1 : 0;
      const lines = reader.sentLines.length;
      const replies = reader.complete - 1;
      const last = rs[reader.complete - 1];
      const quitAt = [...reader.sentLines, reader.partialLine].findIndex((l, i) => /^quit$/i.test(l.trim()) && rs[i]?.kind !== 'cont');
      if (replies > lines + partial + 1 || (replies === lines + partial + 1 && last?.kind !== 'err')) {
        f.push(`${replies} replies to ${lines} lines (a line answered twice?)`);
      } else if (replies < lines) {
        const goodbye = last?.kind === 'err' || (quitAt >= 0 && quitAt === replies - 1);
        if (!goodbye) f.push(`${lines - replies} of ${lines} lines not answered, and the last reply is not a goodbye: ${show(last?.text ?? '')}`);
      }
      if (r.closedBeforeEof && last && last.kind !== 'err' && !(quitAt >= 0 && quitAt <= replies - 1)) {
        f.push(`the server ended the session without a final reply (last: ${show(last.text)})`);
      }
    }
  }
  void session;
  return [...new Set(f)];
}
