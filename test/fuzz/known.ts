/**
 * Failures already known and reported (test/fuzz/corpus/ holds one reproducer of each). While they are not fixed,
 * they end most sessions that contain them and hide whatever would have come after. `fuzz.js --avoid-known` drops
 * the commands that trigger them from generated sessions (the rest of each session is kept as generated), so that
 * a run looks for new failure classes. Remove an entry once its fix has landed.
 */
import type { Command, FuzzSession } from './session.js';

/** A mailbox name as written in a command (quoted, a literal, `~/name`), roughly as the server will take it. */
const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1').replace(/^~\//, '');
/** `verb` [SET] NAME at the start of a command: NAME as an atom, a quoted string or a literal. */
function nameAfter(first: string, verb: string, skipSet = false): string | null {
  const m = new RegExp(`^\\S+ (?:UID )?(?:${verb}) ${skipSet ? '[^ ]+ ' : ''}(?:\\{\\d+\\+?\\}\\r?\\n([^\\r\\n ]*)|("(?:[^"\\\\]|\\\\.)*"|\\S+))`, 'i').exec(first);
  if (!m) return null;
  return unquote((m[1] ?? m[2] ?? '').trim());
}

/** True when `c` would trigger a known failure, given the mailbox selected before it (tracked by the caller). */
function triggers(s: FuzzSession, c: Command, selected: string | null): boolean {
  const first = c.parts.join('');
  const line = (c.parts[0] ?? '').replace(/\r?\n[\s\S]*$/, '');
  if (s.protocol === 'imap') {
    // ID whose argument is neither NIL nor a list; ENABLE without names: their parsers throw a plain Error.
    if (/^\S+ ID(?: (?!NIL\b|\()|$)/i.test(line) || /^\S+ ID (?:\(\s*){2}/i.test(line)) return true;
    if (/^\S+ ENABLE\s*$/i.test(line)) return true;
    // A SASL response longer than the line limit: LineTooLong escapes the exchange.
    if (/^\S+ AUTHENTICATE /i.test(line) && c.parts.slice(1).some((p) => p.length > 8000)) return true;
    // The selected mailbox deleted or renamed; a message copied or moved into the selected mailbox (its copy
    // then fails "header changed on disk" as an unhandled rejection).
    const del = /^\S+ (?:DELETE|RENAME) /i.test(first) ? nameAfter(first, 'DELETE|RENAME') : null;
    const into = /^\S+ (?:UID )?(?:COPY|MOVE) /i.test(first) ? nameAfter(first, 'COPY|MOVE', true) : null;
    for (const n of [del, into]) if (n !== null && selected !== null && n.toUpperCase() === selected.toUpperCase()) return true;
    // A mailbox named NAME.lock: the dotlock of mailbox NAME, for us and for c-client.
    if (/^\S+ (?:CREATE|RENAME|APPEND|COPY|MOVE|UID COPY|UID MOVE) [^\r\n]*\.lock\b/i.test(first)) return true;
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
    const first = c.parts.join('');
    const sel = /^\S+ (?:SELECT|EXAMINE) /i.test(first) ? nameAfter(first, 'SELECT|EXAMINE') : null;
    if (sel !== null) selected = sel;
    else if (/^\S+ (?:CLOSE|UNSELECT)\s*\r?\n/i.test(first)) selected = null;
  }
  return { ...s, commands: kept };
}
