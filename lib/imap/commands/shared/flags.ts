/** Flag lists as clients send them (STORE, APPEND). */
import { Flag } from '../../../mailbox/driver.js';
import { bad } from '../../errors.js';

const SYSTEM: Record<string, number> = {
  '\\SEEN': Flag.Seen, '\\ANSWERED': Flag.Answered, '\\FLAGGED': Flag.Flagged, '\\DELETED': Flag.Deleted,
  '\\DRAFT': Flag.Draft,
};

/** System flag bits and keywords of a flag list (\Recent cannot be stored: RFC 3501 §2.3.2). */
export function splitFlags(flags: readonly string[]): { bits: number; keywords: string[] } {
  let bits = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    const b = SYSTEM[f.toUpperCase()];
    if (b !== undefined) bits |= b;
    else if (f.startsWith('\\')) {
      if (f.toUpperCase() !== '\\RECENT') throw bad(`Unknown system flag ${f}`);
    } else keywords.push(f);
  }
  return { bits, keywords };
}
