/**
 * Every IMAP transcript under test/transcripts/imap, through the real bin/imapd in PREAUTH mode (see runner.ts), and
 * once more in IMAP4rev2 sessions (rev2.ts) unless it says `no rev2 replay:`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { asRev2 } from './rev2.js';
import { loadTranscript, ROOT, runTranscript } from './runner.js';

const dir = join(ROOT, 'test', 'transcripts', 'imap');
const files = readdirSync(dir).filter((n) => n.endsWith('.t')).sort();

describe('IMAP transcripts', () => {
  for (const f of files) {
    it(f, { timeout: 60_000 }, async () => runTranscript('bin/imapd', loadTranscript(join(dir, f)), f));
  }
});

describe('IMAP transcripts in IMAP4rev2 sessions', () => {
  for (const f of files) {
    const t = loadTranscript(join(dir, f));
    if (t.noRev2 !== null) continue;
    it(`${f} (IMAP4rev2)`, { timeout: 60_000 }, async () => runTranscript('bin/imapd', asRev2(t, f), `${f} (IMAP4rev2)`));
  }
});
