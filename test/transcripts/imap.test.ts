/** Every IMAP transcript under test/transcripts/imap, through the real bin/imapd in PREAUTH mode (see runner.ts). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTranscript, ROOT, runTranscript } from './runner.js';

const dir = join(ROOT, 'test', 'transcripts', 'imap');

describe('IMAP transcripts', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.t')).sort()) {
    it(f, { timeout: 60_000 }, async () => runTranscript('bin/imapd', loadTranscript(join(dir, f)), f));
  }
});
