/**
 * Property tests: what append stores, the scanner reads back line for line, whatever the lines hold and however
 * the reads are split; and any input scans the same whole and in pieces.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatFromLine } from '../../lib/mailbox/mbox/from-line.js';
import { MessageStorer } from '../../lib/mailbox/mbox/render.js';
import { boundaries, scan, serveAll } from './mbox-support.js';

/** Lines chosen to hit every rule: From lines with and without dates, quoted ones, metadata names, blanks. */
const trickyLine = fc.oneof(
  fc.constantFrom(
    'From x', 'From the start', '>From x', '>>From y', '>>>From z', 'From a Wed Dec  2 05:53:22 1992',
    '>From a Wed Dec  2 05:53:22 1992', 'From  ', '>', '>>', 'From', ' From x', '', '.', 'Status: RO',
    'X-UID: 99', 'X-IMAP: 1 2', 'Content-Length: 0', '\t', 'F', 'Fro', 'From:',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
);
const headerLine = fc.oneof(
  fc.constantFrom('Subject: hello', 'From: a@b', 'Status: RO', 'X-Status: D', 'x-uid: 4', 'X-Keywords: a b',
    'X-IMAPbase: 1 2', 'Received: from x', '\tcontinued', 'From x Wed Dec  2 05:53:22 1992', '>From y'),
  fc.stringMatching(/^[A-Za-z-]{1,12}: [ -~]{0,30}$/),
);
const message = fc.record({
  header: fc.array(headerLine, { minLength: 1, maxLength: 6 }),
  body: fc.array(trickyLine, { maxLength: 12 }),
  crlf: fc.boolean(),
});

type Msg = { header: string[]; body: string[]; crlf: boolean };

const META = /^(status|x-status|x-keywords|x-uid|x-imap|x-imapbase):/i;

/** The stored mbox for `msgs`, written the way our append writes (MessageStorer), without metadata blocks. */
function store(msgs: Msg[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of msgs) {
    const eol = m.crlf ? '\r\n' : '\n';
    const text = m.header.join(eol) + eol + eol + m.body.map((l) => l + eol).join('');
    parts.push(Buffer.from(formatFromLine('a@b', { time: Date.UTC(2020, 1, 2, 3, 4, 5), zone: 0 }), 'latin1'));
    const s = new MessageStorer();
    const body = [...s.push(Buffer.from(text, 'latin1')), ...s.end()];
    parts.push(...s.header, Buffer.from('\n'), ...body, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** What a client must get back: the same lines with CRLF, metadata headers renamed as UW renames them. */
function expected(m: Msg): { header: string; body: string } {
  const header = m.header.map((l) => (META.test(l) ? 'X-Original-' + l : l)).map((l) => l + '\r\n').join('') + '\r\n';
  return { header, body: m.body.map((l) => l + '\r\n').join('') };
}

describe('scanner properties', () => {
  it('reads back exactly what append stored, for any window', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 64 }), (msgs, w) => {
        const data = store(msgs);
        assert.deepEqual(boundaries(scan(data, w, true)), boundaries(scan(data, w)));
        const served = serveAll(data, w, w);
        assert.equal(served.length, msgs.length);
        msgs.forEach((m, i) => {
          const e = expected(m);
          assert.equal(served[i]?.header, e.header);
          assert.equal(served[i]?.body, e.body);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('scans any input the same whole and in pieces', () => {
    const chunk = fc.oneof(
      fc.constantFrom('From a Wed Dec  2 05:53:22 1992\n', '\n', '\r\n', 'From b\n', '>From c\n', 'Status: RO\n',
        'X-UID: 5\n', 'Content-Length: 4\n', 'abc\n', 'X-IMAPbase: 9 9 k\n', '\t\n'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), fc.integer({ min: 1, max: 16 }), (pieces, w) => {
        const data = Buffer.from('From z Wed Dec  2 05:53:22 1992\n' + pieces.join(''), 'latin1');
        const whole = JSON.stringify(scan(data));
        assert.equal(JSON.stringify(scan(data, w)), whole);
        // The driver's fast scan (bodies searched, not read line by line) finds the same messages.
        assert.deepEqual(boundaries(scan(data, w, true)), boundaries(scan(data)));
        // And the body sizes it counts natively (those still in its window; the rest stay -1, counted later) are
        // the line-by-line scan's; with a window holding the whole input, all of them.
        const full = scan(data).messages;
        for (const [window, all] of [[w, false], [1 << 20, true]] as const) {
          scan(data, window, true).messages.forEach((m, i) => {
            const f = full[i];
            if (m.bodySize === -1 && !all) return;
            assert.equal(m.bodySize, f?.bodySize, `message ${i}, window ${window}`);
            assert.equal(m.bodyLfSize, f?.bodyLfSize, `message ${i}, window ${window}`);
          });
        }
        // Served sizes always equal what is served (serveAll throws otherwise).
        serveAll(data, w, w);
      }),
      { numRuns: 500 },
    );
  });
});
