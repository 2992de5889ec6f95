/**
 * Rewrites killed for real: a process (test/fixtures/expunger.ts, run as the mailbox's owner) expunges every
 * seventh message of a 10,000-message mailbox (17 MB) and changes flags on every third, and is sent SIGKILL at moments spread
 * over the whole rewrite (mid-syscall included, which the unit tests' simulated kills cannot reach). The next open
 * must finish the rewrite from the journal: afterwards the file is byte for byte either the mailbox before or the
 * mailbox after an uninterrupted expunge, UW's c-client reads the same messages, and no journal is left.
 * Both durability settings (rewrite_sync = end, step).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { makeSandbox, putSandboxFile, uwFetch, type Sandbox } from './oracles.js';

const root = join(import.meta.dirname, '..', '..', '..');
const expunger = join(root, 'dist', 'test', 'fixtures', 'expunger.js');
const N = 10_000;

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

function mailbox(): string {
  let s = '';
  for (let i = 1; i <= N; i++) {
    s += `From sender${i % 13}@example.org Sat Nov 21 12:${String(i % 60).padStart(2, '0')}:00 2026\n` +
      `From: sender${i % 13}@example.org\nSubject: message ${i}\nMessage-ID: <m${i}@kill.test>\n\n`;
    for (let k = 0; k < 40; k++) s += k === 20 ? `>From the body of message ${i}\n` : `message ${i} line ${k} ${'x'.repeat(k)}\n`;
    s += `END ${i}\n\n`;
  }
  return s;
}

/**
 * Runs the expunger; with `killAfterMs`, SIGKILLs it that long after it starts expunging. `ms`: from "expunging" to
 * "done" (the rewrite), as seen here.
 */
function runExpunger(path: string, stepSync: boolean, killAfterMs: number | null): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    // As the mailbox's owner (as imapd after login), and node itself, so SIGKILL reaches the process that writes.
    const child = spawn(process.execPath, [expunger, path, sb.dir, stepSync ? '1' : '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], uid: sb.uid, gid: sb.gid });
    let out = '';
    let err = '';
    let started = 0;
    let ms = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.includes('expunging')) {
        started = performance.now();
        if (killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
      if (!ms && out.includes('done')) ms = performance.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, ms });
      else if (code === 0 && out.includes('done')) resolve({ killed: false, ms });
      else reject(new Error(`expunger exited ${code} ${signal}: ${err}`));
    });
  });
}

/** Opens the mailbox with our driver, which finishes an interrupted rewrite first; returns its message count. */
async function recoverAndCount(path: string): Promise<number> {
  const box = await new MboxDriver({ journalDir: sb.dir }).open(path, { readOnly: true });
  try {
    return box.count();
  } finally {
    await box.close();
  }
}

describe('rewrites killed with SIGKILL', () => {
  for (const stepSync of [false, true]) {
    it(`end in the old or the new mailbox, never anything else (rewrite_sync = ${stepSync ? 'step' : 'end'})`, { timeout: 300_000 }, async () => {
      const path = await putSandboxFile(sb, `box-${stepSync ? 'step' : 'end'}`, mailbox());
      // Give it UIDs and metadata first, so that the expunge's result does not depend on the clock.
      assert.equal(await recoverAndCount(path), N);
      const box = await new MboxDriver({ journalDir: sb.dir }).open(path, { readOnly: false });
      await box.close();
      const pristine = join(sb.dir, 'pristine');
      copyFileSync(path, pristine);
      const before = readFileSync(pristine);
      // Two uninterrupted runs: the result, and how long the rewrite takes.
      const r1 = await runExpunger(path, stepSync, null);
      const afterBytes = readFileSync(path);
      copyFileSync(pristine, path);
      const r2 = await runExpunger(path, stepSync, null);
      assert.ok(readFileSync(path).equals(afterBytes), 'an uninterrupted expunge is deterministic');
      assert.ok(afterBytes.length < before.length);
      const span = Math.max(r1.ms, r2.ms);
      let killed = 0;
      let recovered = 0;
      let rounds = 0;
      // Kill times spread over the whole expunge first; then, until enough kills have landed inside the rewrite
      // itself (it is a small part of the expunge), spread over the window where they did.
      const hits: number[] = [];
      const first = 24;
      while (rounds < first || (recovered < 8 && rounds < 120)) {
        const lo = hits.length ? Math.min(...hits) * 0.8 : 0;
        const hi = hits.length ? Math.max(...hits) * 1.2 : span;
        const at = rounds < first ? (span * rounds) / first : lo + ((hi - lo) * ((rounds * 7) % 23)) / 22;
        rounds++;
        copyFileSync(pristine, path);
        const r = await runExpunger(path, stepSync, at);
        if (r.killed) killed++;
        if (readdirSync(sb.dir).some((f) => f.endsWith('.journal'))) {
          recovered++;
          hits.push(at);
        }
        const count = await recoverAndCount(path);
        const now = readFileSync(path);
        const isOld = now.equals(before);
        const isNew = now.equals(afterBytes);
        assert.ok(isOld || isNew, `killed ${at.toFixed(1)} ms into the expunge: the file is neither the old nor the new mailbox`);
        assert.equal(count, isNew ? N - Math.floor(N / 7) : N);
        assert.deepEqual(readdirSync(sb.dir).filter((f) => f.endsWith('.journal')), [], 'no journal left');
        // UW's c-client reads the same messages.
        const uw = await uwFetch(sb, path);
        assert.equal(uw.messages.length, count);
      }
      // The kills did land inside rewrites, leaving journals to finish (else this proved nothing).
      assert.ok(killed >= rounds / 2, `only ${killed} of ${rounds} runs were killed`);
      assert.ok(recovered >= 8, `only ${recovered} of ${rounds} kills left a rewrite to finish`);
    });
  }
});
