import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineInput } from '../../lib/io/input.js';
import {
  CommandFragmentError, literalMarker, readCommand, type FragmentizerLimits, type RawCommand,
} from '../../lib/wire/fragmentizer.js';

/** Feeds `chunks` into a stream one by one, yielding to the event loop between writes. */
async function feedChunks(s: PassThrough, chunks: Buffer[]): Promise<void> {
  for (const c of chunks) {
    s.write(c);
    await new Promise((r) => setImmediate(r));
  }
  s.end();
}

function split(b: Buffer, step: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += step) out.push(b.subarray(i, i + step));
  return out;
}

/** A command rendered for comparison: text as is, literals as «...» (with + for LITERAL+). */
function show(c: RawCommand): string {
  return c.parts.map((p) => (p.kind === 'text' ? p.bytes.toString('latin1')
    : `«${p.binary ? '~' : ''}${p.nonSync ? '+' : ''}${p.bytes.toString('latin1')}»`)).join('');
}

interface Run { commands: string[]; continuations: number }

async function run(input: string | Buffer, chunks: (b: Buffer) => Buffer[], over: Partial<FragmentizerLimits> = {},
  maxLine = 200): Promise<Run> {
  const s = new PassThrough();
  const src = new LineInput(s, maxLine);
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const done = feedChunks(s, chunks(bytes));
  const r: Run = { commands: [], continuations: 0 };
  const limits: FragmentizerLimits = {
    maxLiteral: () => 100, maxCommand: 1000, maxLiterals: 5, maxDiscard: 500,
    onContinuation: async () => { r.continuations++; },
    ...over,
  };
  for (;;) {
    try {
      const c = await readCommand(src, limits);
      if (c === null) break;
      r.commands.push(show(c));
    } catch (e) {
      if (!(e instanceof CommandFragmentError)) throw e;
      r.commands.push(`ERR ${e.code} ${e.tag ?? '*'}${e.fatal ? ' FATAL' : ''}`);
    }
  }
  await done;
  return r;
}

const cases: { name: string; input: string; want: string[]; continuations?: number; limits?: Partial<FragmentizerLimits> }[] = [
  { name: 'plain lines', input: 'a NOOP\r\nb CAPABILITY\nc LOGOUT\r\n', want: ['a NOOP', 'b CAPABILITY', 'c LOGOUT'] },
  { name: 'synchronizing literal', input: 'a LOGIN {3}\r\nbob {4}\r\npass\r\nb NOOP\r\n',
    want: ['a LOGIN «bob» «pass»', 'b NOOP'], continuations: 2 },
  { name: 'LITERAL+', input: 'a LOGIN {3+}\r\nbob "x"\r\n', want: ['a LOGIN «+bob» "x"'], continuations: 0 },
  { name: 'literal of 0 octets', input: 'a LOGIN {0}\r\n {0+}\r\n\r\n', want: ['a LOGIN «» «+»'], continuations: 1 },
  { name: 'literal containing CRLF and a marker', input: 'a APPEND x {14}\r\nhi\r\nthere{3}\r\n\r\nz\r\n',
    want: ['a APPEND x «hi\r\nthere{3}\r\n»', 'z'] },
  { name: 'literal8', input: 'a APPEND x ~{2+}\r\n\0\x01\r\n', want: ['a APPEND x «~+\0\x01»'] },
  { name: 'empty line is a command', input: '\r\na NOOP\r\n', want: ['', 'a NOOP'] },
  { name: 'not a marker: {x}, {}, quoted', input: 'a X {x}\r\nb X {}\r\nc X "{3}"\r\n',
    want: ['a X {x}', 'b X {}', 'c X "{3}"'] },
  { name: 'LITERAL+ over the limit is read and skipped', input: 'a APPEND x {200+}\r\n' + 'y'.repeat(200) +
    ' {3+}\r\nabc\r\nb NOOP\r\n', want: ['ERR literal-too-large a', 'b NOOP'], continuations: 0 },
  { name: 'synchronizing literal refused without reading it', input: 'a APPEND x {200}\r\nb NOOP\r\n',
    want: ['ERR literal-too-large a', 'b NOOP'], continuations: 0 },
  { name: 'refused by the callback', input: 'a LOGIN {3}\r\nb NOOP\r\n', want: ['ERR literal-too-large a', 'b NOOP'],
    limits: { maxLiteral: () => 'refuse' }, continuations: 0 },
  { name: 'over-32-bit literal refused', input: 'a LOGIN {99999999999}\r\nb NOOP\r\n',
    want: ['ERR literal-too-large a', 'b NOOP'], limits: { maxLiteral: () => Number.MAX_SAFE_INTEGER } },
  { name: 'too many literals: the rest of a LITERAL+ command is skipped',
    input: 'a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3 {1+}\r\n4\r\nb NOOP\r\n', want: ['ERR too-many-literals a', 'b NOOP'],
    limits: { maxLiterals: 2 } },
  { name: 'total size', input: 'a X {90+}\r\n' + 'z'.repeat(90) + ' {90+}\r\n' + 'z'.repeat(90) + '\r\nb NOOP\r\n',
    want: ['ERR command-too-large a', 'b NOOP'], limits: { maxCommand: 150 } },
  { name: 'over-long line', input: 'a X ' + 'q'.repeat(300) + '\r\nb NOOP\r\n', want: ['ERR line-too-long * FATAL', 'b NOOP'] },
  { name: 'over-long line after a literal', input: 'a X {1}\r\n1' + 'q'.repeat(300) + '\r\nb NOOP\r\n',
    want: ['ERR line-too-long a FATAL', 'b NOOP'] },
  { name: 'LITERAL+ above maxDiscard is fatal', input: 'a APPEND x {600+}\r\n', want: ['ERR literal-too-large a FATAL'] },
  { name: 'over-32-bit LITERAL+ is fatal', input: 'a APPEND x {99999999999+}\r\n', want: ['ERR literal-too-large a FATAL'],
    limits: { maxDiscard: Infinity } },
  { name: 'tags: any ASTRING-CHAR but +', input: 'a]b X {1}\r\n+a X {1}\r\n', want: ['ERR literal-too-large a]b', 'ERR literal-too-large *'],
    limits: { maxLiteral: () => 'refuse' } },
  { name: 'input ends after a literal', input: 'a X {2+}\r\nab', want: ['a X «+ab»'] },
];

describe('readCommand', () => {
  for (const c of cases) {
    for (const step of [1, 3, 100000]) {
      it(`${c.name} (fed ${step} at a time)`, async () => {
        const r = await run(c.input, (b) => split(b, step), c.limits);
        assert.deepEqual(r.commands, c.want);
        if (c.continuations !== undefined) assert.equal(r.continuations, c.continuations);
      });
    }
  }

  it('finds literal markers only at the end of a line', () => {
    assert.deepEqual(literalMarker(Buffer.from('a {12}')), { at: 2, size: 12, nonSync: false, binary: false });
    assert.deepEqual(literalMarker(Buffer.from('a ~{0+}')), { at: 2, size: 0, nonSync: true, binary: true });
    assert.equal(literalMarker(Buffer.from('a {12} ')), null);
    assert.equal(literalMarker(Buffer.from('a {+}')), null);
    assert.equal(literalMarker(Buffer.from('}')), null);
  });

  it('names the refused literal, so the receiver can say why (TOOBIG for APPEND)', async () => {
    const s = new PassThrough();
    s.end('a APPEND x {120+}\r\n' + 'y'.repeat(120) + '\r\nb LOGIN {3}\r\n');
    const src = new LineInput(s, 200);
    const limits: FragmentizerLimits = {
      maxLiteral: () => 100, maxCommand: 1000, maxLiterals: 5, maxDiscard: 500, onContinuation: async () => undefined,
    };
    for (const want of [{ size: 120, nonSync: true, first: 'a APPEND x ' }, { size: 3, nonSync: false, first: 'b LOGIN ' }]) {
      const e = await readCommand(src, { ...limits, maxLiteral: () => 2 }).then(() => null, (x: unknown) => x);
      assert.ok(e instanceof CommandFragmentError && e.refused !== null);
      assert.equal(e.fatal, false);
      assert.equal(e.refused.size, want.size);
      assert.equal(e.refused.nonSync, want.nonSync);
      assert.equal(e.refused.soFar[0]?.bytes.toString('latin1'), want.first);
    }
  });

  it('any chunking of the input gives the same commands (property)', async () => {
    const input = 'a LOGIN {3}\r\nbob {4+}\r\np\r\ns\r\nb APPEND x {200+}\r\n' + 'y'.repeat(200) +
      '\r\nc SELECT INBOX\r\nd X {2}\r\n\r\n';
    const whole = await run(input, (b) => [b]);
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      async (sizes) => {
        const r = await run(input, (b) => {
          const out: Buffer[] = [];
          let i = 0;
          for (let k = 0; i < b.length; k++) {
            const n = sizes[k % sizes.length]!;
            out.push(b.subarray(i, i + n));
            i += n;
          }
          return out;
        });
        assert.deepEqual(r, whole);
      }), { numRuns: 60 });
    assert.deepEqual(whole.commands, ['a LOGIN «bob» «+p\r\ns»', 'ERR literal-too-large b', 'c SELECT INBOX', 'd X «\r\n»']);
  });
});
