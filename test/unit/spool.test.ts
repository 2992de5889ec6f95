/**
 * Large APPEND literals spooled to disk (lib/io/spool.ts through the fragmentizer's `spool` limit): every octet
 * arrives in order whatever the write sizes, the file has no name from the start, and a spooled literal is released
 * when its command fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { LineInput } from '../../lib/io/input.js';
import { fileSpool } from '../../lib/io/spool.js';
import { CommandFragmentError, readCommand, type FragmentizerLimits, type LiteralSpool } from '../../lib/wire/fragmentizer.js';

const dir = mkdtempSync(join(tmpdir(), 'uwimap-spool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c)); // a copy: a chunk is valid until the next
  return Buffer.concat(parts);
}

describe('fileSpool', () => {
  it('gives back exactly what was written, twice', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a.map((b) => [0x0a, 0x0d, 0x41][b % 3] as number))), { maxLength: 12 }),
      async (chunks) => {
        const s = fileSpool(dir);
        for (const c of chunks) s.write(c);
        const lit = s.finish();
        const all = Buffer.concat(chunks);
        assert.equal(lit.size, all.length);
        assert.deepEqual(await collect(lit.chunks()), all);
        assert.deepEqual(await collect(lit.chunks()), all);
        lit.release();
        if (lit.size > 0) await assert.rejects(collect(lit.chunks()), /after release/);
      }), { numRuns: 200 });
    assert.deepEqual(readdirSync(dir), [], 'the spool files have no names');
  });

  it('streams a literal larger than memory reads into the spool, in order, through the fragmentizer', async () => {
    const input = new PassThrough();
    const li = new LineInput(input, 1000);
    const spooled: number[] = [];
    const limits: FragmentizerLimits = {
      maxLiteral: () => 10_000_000, maxCommand: 20_000_000, maxLiterals: 10, maxDiscard: 1 << 20,
      onContinuation: async () => undefined,
      spool: (a) => {
        spooled.push(a.size);
        return a.size > 1000 ? fileSpool(dir) : null;
      },
    };
    const big = Buffer.alloc(3_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const pending = readCommand(li, limits);
    input.write('a APPEND box {10}\r\n0123456789 {3000000+}\r\n');
    for (let i = 0; i < big.length; i += 65_537) input.write(big.subarray(i, i + 65_537));
    input.write(' x\r\n');
    const cmd = await pending;
    assert.ok(cmd);
    assert.deepEqual(spooled, [10, 3_000_000]);
    const [t0, l1, t1, l2, t2] = cmd.parts;
    assert.equal(t0?.kind === 'text' && t0.bytes.toString(), 'a APPEND box ');
    assert.ok(l1?.kind === 'literal' && l1.spooled === undefined && l1.bytes.toString() === '0123456789');
    assert.equal(t1?.kind === 'text' && t1.bytes.toString(), ' ');
    assert.ok(l2?.kind === 'literal' && l2.spooled !== undefined && l2.bytes.length === 0);
    assert.deepEqual(await collect(l2.spooled.chunks()), big);
    assert.equal(t2?.kind === 'text' && t2.bytes.toString(), ' x');
    l2.spooled.release();
  });

  it('releases what it spooled when the command is refused later on', async () => {
    const input = new PassThrough();
    const li = new LineInput(input, 1000);
    const released: number[] = [];
    const spool = (): LiteralSpool => {
      const s = fileSpool(dir);
      return {
        write: (c) => s.write(c),
        discard: () => s.discard(),
        finish: () => {
          const lit = s.finish();
          return { ...lit, chunks: () => lit.chunks(), release: () => { released.push(lit.size); lit.release(); } };
        },
      };
    };
    const limits: FragmentizerLimits = {
      maxLiteral: (a) => (a.soFar.length > 2 ? 'refuse' : 10_000), maxCommand: 100_000, maxLiterals: 10, maxDiscard: 1 << 20,
      onContinuation: async () => undefined, spool,
    };
    const pending = readCommand(li, limits);
    input.write(`a APPEND box {2000+}\r\n${'y'.repeat(2000)} {5+}\r\nzzzzz\r\n`);
    await assert.rejects(pending, (e: unknown) => e instanceof CommandFragmentError && e.code === 'literal-too-large' && !e.fatal);
    assert.deepEqual(released, [2000]);
  });
});
