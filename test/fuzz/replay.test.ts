/**
 * Every session saved in test/fuzz/corpus/ (failures the fuzzer found, shrunk) replayed as a regression test,
 * in-process and through the real program: each must now keep every invariant of check.ts and sandbox.ts.
 * Runs as root (root-mode sessions start the program as inetd does).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeRunner, openRunner, runSession, type Runner } from './run.js';
import { ROOT } from './sandbox.js';
import { decodeSession } from './session.js';
import { show } from './wire.js';

const CORPUS = join(ROOT, 'test', 'fuzz', 'corpus');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();

describe('fuzz corpus replayed', () => {
  let runner: Runner;
  before(async () => {
    runner = await openRunner();
  });
  after(() => {
    closeRunner(runner);
  });

  for (const f of files) {
    const saved = decodeSession(readFileSync(join(CORPUS, f), 'utf8'));
    for (const via of ['inproc', 'binary'] as const) {
      it(`${f} (${via})${saved.note ? `: ${saved.note}` : ''}`, async () => {
        const o = await runSession(saved.session, via, runner);
        assert.deepEqual(o.failures, [], `client sent ${show(o.sent, 600)}\nserver sent ${show(o.output, 1500)}`);
      });
    }
  }
});
