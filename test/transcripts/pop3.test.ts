/** Every POP3 transcript under test/transcripts/pop3, through the real bin/ipop3d (see runner.ts). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTranscript, ROOT, runTranscript } from './runner.js';

const dir = join(ROOT, 'test', 'transcripts', 'pop3');

describe('POP3 transcripts', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.t')).sort()) {
    it(f, { timeout: 60_000 }, async () => runTranscript('bin/ipop3d', loadTranscript(join(dir, f)), f));
  }
});
