/**
 * The native body counter (lib/native servedCount, used for RFC822.SIZE) against BodyServer, the rule that serves
 * the bytes: for any body, the size announced must be the number of octets sent. Random bodies built from the
 * lines that matter (>From quoting at every depth, CR before LF, bare CR, a last line without LF, empty lines).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadNative } from '../../lib/native/native.js';
import { BodyServer, serveHeader } from '../../lib/mailbox/mbox/render.js';
import { servedCount, servedCountJs } from '../../lib/mailbox/mbox/served-count.js';

/** The bytes BodyServer serves for `body` fed in pieces of `step` bytes, by the addon's walk or the JS one. */
function serve(body: Buffer, verbatim: boolean, step: number, addon: boolean): Buffer {
  const s = new BodyServer(verbatim, addon);
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += step) parts.push(...s.push(body.subarray(i, i + step)));
  parts.push(...s.end());
  return Buffer.concat(parts);
}

/** What BodyServer actually serves for `body` (by the JS walk, the reference), fed in pieces of `step` bytes. */
function served(body: Buffer, verbatim: boolean, step: number): { octets: number; lines: number } {
  const all = serve(body, verbatim, step, false);
  let lines = 0;
  for (const c of all) if (c === 0x0a) lines++;
  return { octets: all.length, lines };
}

const line = fc.oneof(
  fc.constantFrom('', 'From x', '>From x', '>>From y', '>>>From ', '>From', '>Fro', '>', '>>', 'text', ' From x',
    'From', '\r', 'a\rb', '>From \r', 'x\r'),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((t) => t.replace(/\n/g, '')),
);
const body = fc.tuple(fc.array(line, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, finalEol]) => Buffer.from(lines.join(eol) + (finalEol && lines.length ? eol : ''), 'latin1'));

describe('served body size', () => {
  it('the addon is loaded and counts like BodyServer serves, whole or in pieces', () => {
    assert.equal(typeof loadNative().servedCount, 'function');
    fc.assert(fc.property(body, fc.boolean(), fc.integer({ min: 1, max: 7 }), (b, verbatim, step) => {
      const want = served(b, verbatim, step);
      assert.deepEqual(servedCount(b, verbatim), want);
      assert.deepEqual(servedCountJs(b, verbatim), want);
    }), { numRuns: 2000 });
  });

  it('long bodies (the addon counts 16 bytes at a time, adding up its byte counters every 4080 bytes)', () => {
    fc.assert(fc.property(body, fc.integer({ min: 1, max: 600 }), fc.constantFrom('', 'x', '\r', '\n', '>'),
      fc.boolean(), (b, times, pad, verbatim) => {
        const long = Buffer.concat([Buffer.from(pad), ...Array.from({ length: times }, () => b), Buffer.from('\n\n')]);
        assert.deepEqual(servedCount(long, verbatim), served(long, verbatim, 4096));
      }), { numRuns: 300 });
    const lfs = Buffer.alloc(100_000, 0x0a);
    assert.deepEqual(servedCount(lfs, false), { octets: 200_000, lines: 100_000 });
    const crlfs = Buffer.from('\r\n'.repeat(50_000));
    assert.deepEqual(servedCount(crlfs, false), { octets: 100_000, lines: 50_000 });
  });

  it('the addon serves the bytes the JS walk serves, whole or in pieces', () => {
    assert.equal(typeof loadNative().serveBody, 'function');
    fc.assert(fc.property(body, fc.boolean(), fc.integer({ min: 1, max: 9 }), (b, verbatim, step) => {
      const want = serve(b, verbatim, step, false);
      assert.deepEqual(serve(b, verbatim, step, true), want);
      assert.deepEqual(serve(b, verbatim, b.length + 1, true), serve(b, verbatim, b.length + 1, false));
      const counter = new BodyServer(verbatim);
      let octets = 0;
      for (let i = 0; i < b.length; i += step) octets += counter.count(b.subarray(i, i + step)).octets;
      for (const e of counter.end()) octets += e.length;
      assert.equal(octets, want.length);
    }), { numRuns: 3000 });
  });

  it('the addon serves a header as the JS walk does (metadata fields hidden, CRLF, >From unquoted)', () => {
    const hline = fc.oneof(
      fc.constantFrom('Subject: x', 'Status: RO', 'status:O', 'X-Status: ', 'X-Keywords: a b', 'x-uid: 7', 'X-IMAP: 1 2',
        'X-IMAPbase: 1 2 k', 'X-IMAPbasex: no', 'X-UIDs: no', 'Statuses: no', ' continued', '\tcontinued', '>From x',
        '>>From y', '>Fro', '', 'From: a', 'S', 'X', 'Xstatus: 1', 'x-status:', 'X-Keywords', 'x-imapbase:'),
      fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((t) => t.replace(/\n/g, '')),
    );
    fc.assert(fc.property(fc.array(hline, { maxLength: 14 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, last) => {
      const raw = Buffer.from(lines.join(eol) + (last ? eol : ''), 'latin1');
      assert.deepEqual(serveHeader(raw), serveHeader(raw, false), JSON.stringify(raw.toString('latin1')));
    }), { numRuns: 3000 });
    const n = loadNative();
    assert.equal(n.serveHeader(Buffer.from('a\nb\n'), Buffer.alloc(5)), -1);
    assert.equal(n.serveHeader(Buffer.from('a\nb\n'), Buffer.alloc(6)), 6);
    assert.throws(() => n.serveHeader('x' as unknown as Buffer, Buffer.alloc(1)), TypeError);
  });

  it('known cases', () => {
    const cases: [string, boolean, number, number][] = [
      ['', false, 0, 0],
      ['a\n', false, 3, 1],
      ['a\r\n', false, 3, 1],
      ['>From x\n', false, 8, 1],
      ['>From x\n', true, 9, 1],
      ['>>From x', false, 7, 0],
      ['x\r', false, 2, 0],
      ['\n\n', false, 4, 2],
    ];
    for (const [text, verbatim, octets, lines] of cases) {
      assert.deepEqual(servedCount(Buffer.from(text), verbatim), { octets, lines }, JSON.stringify(text));
    }
  });

  it('refuses wrong argument types', () => {
    const n = loadNative();
    assert.throws(() => n.servedCount('x' as unknown as Buffer, false, new Float64Array(2)), TypeError);
    assert.throws(() => n.servedCount(Buffer.from('x'), false, new Float64Array(1)), TypeError);
    assert.throws(() => n.serveBody(Buffer.from('x'), null, false, new Int32Array(3)), TypeError);
    assert.throws(() => n.serveBody(Buffer.from('x'), 'y' as unknown as Buffer, false, new Int32Array(4)), TypeError);
    const st = Int32Array.of(0, 1, 7, 7);
    assert.equal(n.serveBody(Buffer.from('a\nb\n'), Buffer.alloc(5), false, st), -1, 'too small');
    assert.deepEqual([...st], [0, 1, 7, 7], 'state untouched');
    assert.equal(n.serveBody(Buffer.from('a\nb\n'), Buffer.alloc(6), false, st), 6);
    assert.deepEqual([...st], [0, 1, -1, 2]);
  });
});
