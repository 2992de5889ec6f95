/**
 * The journaled in-place rewrite: for random rewrites, a "kill" after every single step, then mail appended by
 * another agent, then recovery. The file must always come back as the old content or the new content, with the
 * appended mail after it, never anything else.
 */
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { JournalNameTaken } from '../../lib/mailbox/mbox/journal-file.js';
import { journalPath, recoverJournal, rewriteFile, type Piece, type RewriteStep } from '../../lib/mailbox/mbox/rewrite.js';

const dir = mkdtempSync(join(tmpdir(), 'rewrite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class Killed extends Error {}

/** Builds pieces from an edit script over `old`: keep/drop segments and insert new bytes. */
function plan(old: Buffer, cuts: number[], ops: { keep: boolean; insert: string; replace: boolean }[]): { pieces: Piece[]; result: Buffer } {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (old.length + 1)), old.length])].sort((a, b) => a - b);
  const pieces: Piece[] = [];
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i] as number;
    const b = bounds[i + 1] as number;
    const op = ops[i % Math.max(1, ops.length)] ?? { keep: true, insert: '', replace: false };
    if (op.insert) {
      pieces.push({ data: Buffer.from(op.insert) });
      out.push(Buffer.from(op.insert));
    }
    if (op.replace && b > a) {
      const same = Buffer.alloc(b - a, 0x2a); // same-size replacement (like a flag change)
      pieces.push({ data: same });
      out.push(same);
    } else if (op.keep) {
      pieces.push({ src: a, len: b - a });
      out.push(old.subarray(a, b));
    }
  }
  return { pieces, result: Buffer.concat(out) };
}

/** `old` with the first `k` data pieces of a same-size rewrite written over it. */
function patched(old: Buffer, pieces: Piece[], k: number): Buffer {
  const out = Buffer.from(old);
  let pos = 0;
  let n = 0;
  for (const p of pieces) {
    if ('data' in p) {
      if (n++ < k) p.data.copy(out, pos);
      pos += p.data.length;
    } else pos += p.len;
  }
  return out;
}

type Engine = 'forward' | 'journal';

function runWithKill(path: string, old: Buffer, pieces: Piece[], killAt: number, bufferSize: number, engine: Engine = 'journal',
  stepSync = false): { killed: boolean; steps: RewriteStep[] } {
  writeFileSync(path, old);
  const fd = openSync(path, 'r+');
  const steps: RewriteStep[] = [];
  try {
    rewriteFile(fd, old.length, pieces, {
      // Forward: killed mid-step (2-byte writes), or, with stepSync, each step gathered and written in one pwritev
      // (the default) with steps narrowed to the gap (empty slots) from a gap of 1 byte on.
      journalDir: dir, fsync: false, stepSync, bufferSize, engine, writeSize: engine === 'forward' && !stepSync ? 2 : undefined,
      freeStepMin: stepSync ? 1 : undefined,
      onStep: (s) => {
        steps.push(s);
        if (steps.length === killAt) throw new Killed();
      },
    });
    return { killed: false, steps };
  } catch (e) {
    if (!(e instanceof Killed)) throw e;
    return { killed: true, steps };
  } finally {
    closeSync(fd);
  }
}

function recover(path: string): ReturnType<typeof recoverJournal> {
  const fd = openSync(path, 'r+');
  try {
    return recoverJournal(fd, { journalDir: dir, fsync: false });
  } finally {
    closeSync(fd);
  }
}

describe('journaled rewrite', () => {
  it('completes without a kill and leaves no journal', () => {
    const path = join(dir, 'plain');
    const old = Buffer.from('0123456789abcdefghij');
    const { pieces, result } = plan(old, [5, 12], [{ keep: true, insert: '', replace: false }, { keep: false, insert: 'XY', replace: false }]);
    runWithKill(path, old, pieces, -1, 3);
    assert.deepEqual(readFileSync(path), result);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.journal')), []);
  });

  it('patches same-size changes in place without a journal', () => {
    const path = join(dir, 'patch');
    const old = Buffer.from('Status: R \nX-Status:   \nbody\n');
    const pieces: Piece[] = [{ src: 0, len: 8 }, { data: Buffer.from('RO') }, { src: 10, len: old.length - 10 }];
    const { steps } = runWithKill(path, old, pieces, -1, 4);
    assert.deepEqual(steps, ['patch']);
    assert.equal(readFileSync(path, 'latin1'), 'Status: RO\nX-Status:   \nbody\n');
  });

  for (const engine of ['journal', 'forward'] as const) {
    it(`${engine}: recovers to old or new content after a kill at any step, keeping mail appended after the kill`, () => {
      const path = join(dir, `box-${engine}`);
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 60 }).map((a) => Buffer.from(a)),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.array(fc.record({ keep: fc.boolean(), insert: fc.string({ maxLength: 9 }), replace: fc.boolean() }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 9 }),
          fc.constantFrom('', 'From new Wed Dec  2 05:53:22 1992\n\nnew mail\n'),
          fc.boolean(),
          (old, cuts, ops, bufferSize, extra, stepSync) => {
            const { pieces, result } = plan(old, cuts, ops);
            // How many steps does the whole rewrite take? (stepSync: slots carry CRCs, fsyncs in between.)
            const { steps } = runWithKill(path, old, pieces, -1, bufferSize, engine, stepSync);
            const total = steps.length;
            assert.deepEqual(readFileSync(path), result);
            const patchMode = steps.every((s) => s === 'patch');
            const dataPieces = pieces.filter((p) => 'data' in p).length;
            for (let k = 1; k <= total; k++) {
              const { killed } = runWithKill(path, old, pieces, k, bufferSize, engine, stepSync);
              assert.equal(killed, true);
              if (extra) appendFileSync(path, extra);
              recover(path);
              const now = readFileSync(path);
              const asNew = Buffer.concat([result, Buffer.from(extra)]);
              if (patchMode) {
                // Patch mode writes same-size blocks in place, nearby ones together: some prefix of them is
                // there (some messages' flags new, others old: nothing moved, nothing lost).
                const prefixes = Array.from({ length: dataPieces + 1 }, (_, j) => Buffer.concat([patched(old, pieces, j), Buffer.from(extra)]));
                assert.ok(prefixes.some((b) => now.equals(b)), `kill at patch ${k}/${total}: got ${JSON.stringify(now.toString('latin1'))}`);
              } else {
                // Otherwise all old or all new (forward always completes once the mailbox was touched).
                const asOld = Buffer.concat([old, Buffer.from(extra)]);
                assert.ok(now.equals(asOld) || now.equals(asNew),
                  `kill at step ${k}/${total} (${steps[k - 1]}): got ${JSON.stringify(now.toString('latin1'))}`);
                if (engine === 'forward' && steps.slice(0, k).includes('slot')) {
                  assert.ok(now.equals(asNew), `kill at step ${k}/${total} after a slot: not completed`);
                }
              }
              assert.equal(readdirSync(dir).filter((f) => f.endsWith('.journal')).length, 0);
              // Recovering again changes nothing.
              recover(path);
              assert.ok(readFileSync(path).equals(now));
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('forward: completes with every step ordered on disk (stepSync) and leaves no journal', () => {
    const path = join(dir, 'stepsync');
    const old = Buffer.from('From a\n\none\nFrom b\n\ntwo\nFrom c\n\nthree\n');
    const pieces: Piece[] = [{ src: 0, len: 12 }, { src: 24, len: 14 }, { data: Buffer.from('X-UID: 9\n') }];
    writeFileSync(path, old);
    const fd = openSync(path, 'r+');
    try {
      assert.equal(rewriteFile(fd, old.length, pieces, { journalDir: dir, stepSync: true, bufferSize: 5 }).mode, 'forward');
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(path, 'latin1'), 'From a\n\none\nFrom c\n\nthree\nX-UID: 9\n');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.journal')), []);
  });

  it('journal: after a kill between commit and cut, mail appended that repeats the cut bytes is kept whole', () => {
    // The last message is expunged (a shrinking rewrite), the process dies after the cut, and a delivery agent
    // appends a message byte for byte equal to the one expunged: recovery must see that the cut was made (the
    // bytes at S1 are the new mail's, not the old message's) and keep it all. Found by the property above.
    const path = join(dir, 'cut-repeat');
    const first = Buffer.from('From a Wed Dec  2 05:53:22 1992\n\none\n');
    const last = Buffer.from('From new Wed Dec  2 05:53:22 1992\n\nnew mail\n');
    const old = Buffer.concat([first, last]);
    const pieces: Piece[] = [{ src: 0, len: first.length }];
    const { steps } = runWithKill(path, old, pieces, -1, 7, 'journal');
    const cutAt = steps.indexOf('truncated') + 1;
    assert.ok(cutAt > 0, `no cut step in ${steps.join(',')}`);
    for (const [k, what] of [[cutAt, 'after the cut'], [cutAt - 1, 'before the cut']] as const) {
      assert.equal(runWithKill(path, old, pieces, k, 7, 'journal').killed, true);
      appendFileSync(path, last);
      assert.equal(recover(path).action, 'completed');
      assert.equal(readFileSync(path, 'latin1'), Buffer.concat([first, last]).toString('latin1'), `killed ${what}`);
    }
  });

  it('discards a journal that was never completed (the mailbox was not touched yet)', () => {
    const path = join(dir, 'early');
    const old = Buffer.from('abcdefghij');
    writeFileSync(path, old);
    const st = statSync(path);
    const jpath = join(dir, `uwimap-ts.${st.dev}.${st.ino}.journal`);
    writeFileSync(jpath, 'uwimap-ts journal 1\n0{"off":2'); // cut short while being written
    assert.equal(recover(path).action, 'discarded');
    assert.equal(existsSync(jpath), false);
    assert.deepEqual(readFileSync(path), old);
  });

  it('a journal name already taken refuses the rewrite before the mailbox is touched, with either engine', () => {
    // In the shared journal_dir (no usable control directory) another user may have made the name first.
    for (const engine of ['forward', 'journal'] as const) {
      const path = join(dir, `taken-${engine}`);
      const old = Buffer.from('0123456789abcdefghij'.repeat(50));
      writeFileSync(path, old);
      const st = statSync(path);
      const jpath = journalPath(dir, st.dev, st.ino);
      writeFileSync(jpath, 'planted');
      const fd = openSync(path, 'r+');
      try {
        assert.throws(() => rewriteFile(fd, old.length, [{ src: 0, len: 10 }, { src: 20, len: old.length - 20 }], {
          journalDir: dir, fsync: false, engine,
        }), (e: unknown) => e instanceof JournalNameTaken && e.code === 'INUSE');
      } finally {
        closeSync(fd);
      }
      assert.deepEqual(readFileSync(path), old);
      assert.equal(readFileSync(jpath, 'latin1'), 'planted');
      rmSync(jpath);
    }
  });
});
