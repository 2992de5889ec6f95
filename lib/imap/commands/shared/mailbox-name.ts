/** Mailbox names in responses (LIST, LSUB, STATUS). */
import { quoted } from '../../../wire/encode.js';

/** A mailbox name as LIST sends it: quoted, or a literal when it cannot be quoted. */
export function nameOut(name: string): string {
  try {
    return quoted(name);
  } catch {
    const b = Buffer.from(name, 'latin1');
    return `{${b.length}}\r\n${name}`;
  }
}
