/**
 * The bounded share of the fuzzer that `make test` runs (about a minute on a 2-CPU machine): a fixed range of
 * seeds per protocol and mode, in-process, with every twentieth seed through the real program. Failing sessions
 * are saved (as `make fuzz` saves them) in a temporary directory the assertion names; `make fuzz` runs more.
 * Runs as root.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { primaryFailure, saveFailure } from './failures.js';
import { closeRunner, openRunner, runSession, sessionForSeed, type Runner } from './run.js';
import type { Mode, Protocol } from './session.js';

/** Seeds per protocol and mode; the seed's low bits are overridden, so each range is the same for all four. */
const SEEDS = Number(process.env.FUZZ_TEST_SEEDS ?? 250);

describe('fuzz (bounded share)', () => {
  let runner: Runner;
  const failDir = mkdtempSync(join(tmpdir(), 'fuzz-test-failures-'));
  before(async () => {
    runner = await openRunner();
  });
  after(() => {
    closeRunner(runner);
    if (readdirSync(failDir).length === 0) rmdirSync(failDir);
  });

  for (const protocol of ['imap', 'pop3'] as Protocol[]) {
    for (const mode of ['root', 'preauth'] as Mode[]) {
      it(`${protocol} ${mode}: seeds 0..${SEEDS - 1}`, async () => {
        const failed: string[] = [];
        for (let seed = 0; seed < SEEDS; seed++) {
          const s = sessionForSeed(seed, { protocol, mode });
          const via = seed % 20 === 19 ? 'binary' : 'inproc';
          const o = await runSession(s, via, runner);
          if (o.failures.length) failed.push(`seed ${seed} (${via}): ${primaryFailure(o.failures)} -> ${saveFailure(failDir, s, via, o)}`);
        }
        assert.deepEqual(failed, [], `${failed.length} of ${SEEDS} sessions failed; replay one with ` +
          '`node dist/test/fuzz/fuzz.js --replay FILE`');
      });
    }
  }
});
