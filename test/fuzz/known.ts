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

/**
 * The triggers of known failures: each takes the session, a command and the mailbox selected before it, and says
 * whether the command would trigger its failure. Empty: every failure the corpus holds is fixed (the ID, ENABLE
 * and SASL line errors, the selected mailbox deleted or renamed, COPY into the selected mailbox, NAME.lock names,
 * STARTTLS/STLS followed by plaintext, the POP3 AUTH line over the limit).
 */
const KNOWN: readonly ((s: FuzzSession, c: Command, selected: string | null) => boolean)[] = [];

function triggers(s: FuzzSession, c: Command, selected: string | null): boolean {
  return KNOWN.some((k) => k(s, c, selected));
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
