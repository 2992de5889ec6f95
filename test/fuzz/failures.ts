/** Failure classes (for deduplicating reports) and saving failing sessions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Via } from './run.js';
import { encodeSession, type FuzzSession } from './session.js';

/**
 * A failure message without its particulars (tags, numbers, quoted text), so that failures of one cause group
 * together: "no tagged response to A007 (...) within 10000 ms" and the same for t3 are one class.
 */
export function failureClass(msg: string): string {
  return msg
    .replace(/"(?:[^"\\]|\\.)*"(?:\.\.\. \(\d+ octets\))?/g, '"…"')
    .replace(/\([^()]*\)/g, '(…)')
    .replace(/\b(?:A\d+|t\d+|x\.\d+|Tag-\d+_z)\b/g, 'TAG')
    .replace(/\d+/g, 'N')
    .replace(/\/tmp\/\S+/g, 'PATH')
    .slice(0, 160);
}

/** Writes `dir/<protocol>-<mode>-<via>-<seed>.json`; returns its path. */
export function saveFailure(dir: string, s: FuzzSession, via: Via, o: Outcome): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${s.protocol}-${s.mode}-${via}-${s.seed}.json`);
  writeFileSync(path, encodeSession({ session: s, via, failures: o.failures, output: o.output }));
  return path;
}

/**
 * The failure that names a session's class: a crash (the rest, a missing BYE or tagged response, follows from it),
 * else the first one found.
 */
export function primaryFailure(failures: readonly string[]): string | null {
  return failures.find((f) => /^(exit status|killed by|uncaught)/.test(f)) ?? failures[0] ?? null;
}
