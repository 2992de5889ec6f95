/**
 * Every session saved in test/fuzz/corpus/ (failures the fuzzer found, shrunk) replayed as a regression test,
 * in-process and through the real program: each must now keep every invariant of check.ts and sandbox.ts.
 * Runs as root (root-mode sessions start the program as inetd does).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Inetd } from './binary.js';
import { runSession, type Runner } from './run.js';
import { makeAssets, removeAssets, ROOT, type Assets } from './sandbox.js';
import { decodeSession } from './session.js';
import { show } from './wire.js';

const CORPUS = join(ROOT, 'test', 'fuzz', 'corpus');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();

describe('fuzz corpus replayed', () => {
  let assets: Assets;
  let runner: Runner;
  before(async () => {
    assets = await makeAssets();
    runner = { assets, inetd: new Inetd(), maxRssKb: 256 * 1024, replyMs: 10_000 };
  });
  after(() => {
    runner.inetd.close();
    removeAssets(assets);
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
