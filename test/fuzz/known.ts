/**
 * Failures already known and reported (test/fuzz/corpus/ holds one reproducer of each). While they are not fixed,
 * they end most sessions that contain them and hide whatever would have come after. `fuzz.js --avoid-known` drops
 * the commands that trigger them from generated sessions (the rest of each session is kept as generated), so that
 * a run looks for new failure classes. Remove an entry once its fix has landed.
 */
import type { Command, FuzzSession } from './session.js';

const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1').replace(/^~\//, '');

/** True when `c` would trigger a known failure, given the mailbox selected before it (tracked by the caller). */
function triggers(s: FuzzSession, c: Command, selected: string | null): boolean {
  const first = c.parts[0] ?? '';
  const line = first.replace(/\r?\n[\s\S]*$/, '');
  if (s.protocol === 'imap') {
    // ID whose argument is neither NIL nor a list; ENABLE without names: their parsers throw a plain Error.
    if (/^\S+ ID(?: (?!NIL\b|\()|$)/i.test(line) || /^\S+ ID (?:\(\s*){2}/i.test(line)) return true;
    if (/^\S+ ENABLE\s*$/i.test(line)) return true;
    // A SASL response longer than the line limit: LineTooLong escapes the exchange.
    if (/^\S+ AUTHENTICATE /i.test(line) && c.parts.slice(1).some((p) => p.length > 8000)) return true;
    // The selected mailbox deleted or renamed.
    const m = /^\S+ (?:DELETE|RENAME) ("(?:[^"\\]|\\.)*"|\S+)/i.exec(line);
    if (m && selected !== null && unquote(m[1] as string).toUpperCase() === selected.toUpperCase()) return true;
    // STARTTLS followed by something other than a TLS handshake ends the program with status 1.
    if (c.starttls) return true;
    return false;
  }
  // POP3: an AUTH response line over 4,096 octets gets two replies.
  if (/^AUTH /i.test(line) && c.parts.slice(1).some((p) => p.length > 4000)) return true;
  return Boolean(c.starttls);
}

export function avoidKnown(s: FuzzSession): FuzzSession {
  let selected: string | null = null;
  const kept: Command[] = [];
  let afterStarttls = false;
  for (const c of s.commands) {
    if (afterStarttls && c.junk) continue; // the garbage that followed a dropped STARTTLS
    afterStarttls = false;
    if (triggers(s, c, selected)) {
      afterStarttls = Boolean(c.starttls);
      continue;
    }
    kept.push(c);
    const line = (c.parts[0] ?? '').replace(/\r?\n[\s\S]*$/, '');
    const sel = /^\S+ (?:SELECT|EXAMINE) ("(?:[^"\\]|\\.)*"|\S+)/i.exec(line);
    if (sel) selected = unquote(sel[1] as string);
    else if (/^\S+ (?:CLOSE|UNSELECT)\s*$/i.test(line)) selected = null;
  }
  return { ...s, commands: kept };
}
