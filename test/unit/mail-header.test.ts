/**
 * lib/mail/header.ts and address.ts: address lists (edge cases beyond the Dovecot corpus), HEADER.FIELDS, and
 * fast-check properties: no parser throws on arbitrary bytes; section ranges always lie within the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Address, parseAddressList } from '../../lib/mail/address.js';
import { sectionData } from '../../lib/mail/bodystructure.js';
import { encodeEnvelope, envelopeOf, writeEnvelope } from '../../lib/mail/envelope.js';
import {
  FieldSet, fieldValues, firstValues, Header, selectHeaderFields, valuesOf,
  splitHeader, summaryHeader, SUMMARY_FIELDS,
} from '../../lib/mail/header.js';
import { parseMessageDate } from '../../lib/mail/date.js';
import { decodeHeaderValue } from '../../lib/mail/encoded-words.js';
import { ByteWriter } from '../../lib/wire/encode.js';
import { encodeBodyStructure } from '../../lib/mail/bodystructure.js';
import { MimeParser, type MimePart, paramValue, parseContentType, parseMime } from '../../lib/mail/mime.js';

const s = (b: Buffer | null): string | null => (b === null ? null : b.toString('latin1'));
const addrs = (v: string): (string | null)[][] =>
  parseAddressList(Buffer.from(v, 'latin1')).map((a: Address) => [s(a.name), s(a.adl), s(a.mailbox), s(a.host)]);

describe('parseAddressList', () => {
  const cases: [string, (string | null)[][]][] = [
    ['a@b.c', [[null, null, 'a', 'b.c']]],
    ['  A  B   C <x@y> ', [['A B C', null, 'x', 'y']]],
    ['"Smith, John" <js@x>, other@y', [['Smith, John', null, 'js', 'x'], [null, null, 'other', 'y']]],
    ['John Q. Public <jqp@x>', [['John Q. Public', null, 'jqp', 'x']]],
    ['x@y (A (nested) comment)', [['A (nested) comment', null, 'x', 'y']]],
    ['Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>', [['Pete', null, 'pete', 'silly.test']]],
    ['<@a,@b:c@d>', [[null, '@a,@b', 'c', 'd']]],
    ['a@b,,, ,c@d', [[null, null, 'a', 'b'], [null, null, 'c', 'd']]],
    ['g: ;', [[null, null, 'g', null], [null, null, null, null]]],
    ['g: a@b', [[null, null, 'g', null], [null, null, 'a', 'b'], [null, null, null, null]]],
    ['user', [[null, null, 'user', 'MISSING_DOMAIN']]],
    ['<>', [[null, null, 'MISSING_MAILBOX', 'MISSING_DOMAIN']]],
    ['', []],
    ['(only a comment)', []],
    ['a @ b . c', [[null, null, 'a', 'b.c']]],
    ['=?utf-8?q?J=C3=B6rg?= <j@x>', [['=?utf-8?q?J=C3=B6rg?=', null, 'j', 'x']]],
    ['a@b\r\n\t, c@d', [[null, null, 'a', 'b'], [null, null, 'c', 'd']]],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.deepEqual(addrs(input), want));

  it('tolerates junk after an address', () => {
    assert.deepEqual(addrs('<a@b> junk, c@d'), [[null, null, 'a', 'SYNTAX_ERROR'], [null, null, 'c', 'd']]);
  });
});

describe('parseContentType (search.ts had a second one: gone)', () => {
  it('parameters, quoting, comments, RFC 2231', () => {
    const ct = parseContentType(Buffer.from(' Multipart/Mixed (c) ; boundary="a;b=c" ; CHARSET = utf-8 ; title*=us-ascii\'en\'This%20is'));
    assert.equal(ct.typeLower, 'multipart');
    assert.equal(ct.subtypeLower, 'mixed');
    assert.equal(s(paramValue(ct.params, 'boundary')), 'a;b=c');
    assert.equal(s(paramValue(ct.params, 'charset')), 'utf-8');
    // An RFC 2231 value stays as written, under its starred name, as Dovecot shows it in BODYSTRUCTURE (the copy
    // percent-decoded it for SEARCH, which reads only the boundary and the charset).
    assert.equal(s(paramValue(ct.params, 'title*')), "us-ascii'en'This%20is");
    assert.equal(parseContentType(Buffer.from('text')).explicit, false);
  });
});

describe('header fields', () => {
  const h = Buffer.from('Subject: a\r\n b\r\nX-A: 1\r\nsubject : second\r\nNoColon\r\nX-B:\r\n\r\nbody: no\r\n', 'latin1');
  it('splits, unfolds and looks up case-insensitively', () => {
    const f = splitHeader(h);
    assert.deepEqual(f.map((x) => x.name), ['Subject', 'X-A', 'subject', 'NoColon', 'X-B']);
    const hd = new Header(h);
    assert.equal(s(hd.value('SUBJECT')), 'a b');
    assert.equal(hd.all('subject').length, 2);
    assert.equal(s(hd.value('x-b')), '');
    assert.equal(hd.value('body'), null);
  });
  // The next two moved from the second header splitter (in decode.ts, gone): SEARCH, SORT and THREAD now read the
  // fields FETCH and ENVELOPE do. A line without a colon is a field named by the whole line (as Dovecot and
  // HEADER.FIELDS have it), where the copy left it out.
  it('splitHeader: folding, names, end of header', () => {
    const h = Buffer.from('From: a@b\r\nSubject : hello\r\n  world\r\nX-Empty:\r\nno colon line\r\n\r\nBody: not a field\r\n');
    const fields = splitHeader(h).map((f) => [f.key, f.raw.toString()]);
    assert.deepEqual(fields, [
      ['from', ' a@b'],
      ['subject', ' hello\r\n  world'],
      ['x-empty', ''],
      ['no colon line', ''],
    ]);
    assert.deepEqual(
      splitHeader(Buffer.from('A: 1\nB: 2')).map((f) => [f.key, f.raw.toString()]),
      [
        ['a', ' 1'],
        ['b', ' 2'],
      ],
    );
  });

  it('a FieldSet gives the first field of each wanted name of the full split (SORT, THREAD, SEARCH use it)', () => {
    const line = fc.constantFrom('Subject: s', 'subject : t', 'SUBJECT:u', 'Date: d', 'From: f', 'Sender: x', 'sUbJeCt:',
      ' folded', '\tfolded', 'no colon', ': empty name', ' Subject: after nothing', 'Ŝubject: latin', '\xc0bc: v',
      'References: <a>', 'to: t', 'Cc: c', 'X-Subject: no', '');
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'),
      fc.subarray(['subject', 'date', 'from', 'to', 'cc', 'references', 'in-reply-to', 'message-id']), (lines, eol, names) => {
        const h = Buffer.from(lines.join(eol) + eol, 'latin1');
        const all = splitHeader(h);
        const want = names.map((n) => all.find((f) => f.name !== '' && f.key === n)?.raw.toString('latin1') ?? null);
        const got = fieldValues(new FieldSet(names), h, new Int32Array(2 * names.length));
        assert.deepEqual(got.map((v) => v?.toString('latin1') ?? null), want);
      }), { numRuns: 2000 });
  });

  it('the summary header is HEADER.FIELDS of its fields, and answers them as the whole header does', () => {
    const line = fc.constantFrom('Subject: s', 'subject : t', 'SUBJECT:u', 'Date: d', 'From: f', 'Sender: x', 'sUbJeCt:',
      ' folded', '\tfolded', 'no colon', ': empty name', ' Subject: after nothing', 'Ŝubject: latin', 'Message-ID: <m>',
      'References: <a>', 'In-Reply-To: <b>', 'to: t', 'Cc: c', 'BCC: b', 'X-Subject: no', '');
    fc.assert(fc.property(fc.array(line, { maxLength: 14 }), fc.constantFrom('\n', '\r\n', ''), (lines, eol) => {
      const h = Buffer.from(lines.join(eol === '' ? '\r\n' : eol) + eol, 'latin1');
      const cut = summaryHeader(h);
      assert.equal(cut.toString('latin1'), selectHeaderFields(h, SUMMARY_FIELDS, false).toString('latin1'));
      const names = new FieldSet([...SUMMARY_FIELDS]);
      const of = (b: Buffer): (string | null)[] =>
        fieldValues(names, b, new Int32Array(2 * SUMMARY_FIELDS.length)).map((v) => v?.toString('latin1').trim() ?? null);
      assert.deepEqual(of(cut), of(h));
    }), { numRuns: 2000 });
  });

  it('HEADER.FIELDS and .NOT return the original lines and the empty line', () => {
    assert.equal(selectHeaderFields(h, ['SUBJECT', 'nope'], false).toString('latin1'),
      'Subject: a\r\n b\r\nsubject : second\r\n\r\n');
    assert.equal(selectHeaderFields(h, ['subject'], true).toString('latin1'), 'X-A: 1\r\nNoColon\r\nX-B:\r\n\r\n');
    assert.equal(selectHeaderFields(Buffer.from('A: 1'), ['a'], false).toString('latin1'), 'A: 1\r\n\r\n');
  });
});

function ranges(p: MimePart, out: [number, number][]): void {
  out.push([p.headerStart, p.headerEnd], [p.bodyStart, p.bodyEnd]);
  for (const c of p.children) ranges(c, out);
  if (p.message !== null) ranges(p.message, out);
}

/** Messages built from MIME-ish pieces, so that the structure code paths are actually reached. */
const mimeish = fc.array(fc.oneof(
  fc.constantFrom('Content-Type: multipart/mixed; boundary=b\r\n', 'Content-Type: message/rfc822\r\n',
    'Content-Type: multipart/digest; boundary="c"\r\n', '--b\r\n', '--b--\r\n', '--c\r\n', '--c--', '\r\n', '\n',
    'From: a@b\r\n', 'To: g: x@y;\r\n', 'Subject: =?utf-8?q?x?=\r\n', ' folded\r\n', 'text\r\n', '\r', 'b*0*=x;'),
  fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u).toString('latin1'))), { maxLength: 40 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('properties', () => {
  it('no parser throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)), mimeish), (b) => {
      parseAddressList(b);
      parseMessageDate(b.toString('latin1'));
      decodeHeaderValue(b);
      selectHeaderFields(b, ['from', 'to'], true);
      const root = parseMime(b);
      encodeEnvelope(envelopeOf(root.header));
      encodeBodyStructure(root);
    }), { numRuns: 2000 });
  });

  it('part and section ranges lie within the message, and chunking does not change the tree', () => {
    fc.assert(fc.property(mimeish, fc.integer({ min: 1, max: 9 }), (b, step) => {
      const root = parseMime(b);
      const rs: [number, number][] = [];
      ranges(root, rs);
      for (const [a, z] of rs) assert.ok(a >= 0 && a <= z && z <= b.length, `${a}..${z} of ${b.length}`);
      for (const path of [[], [1], [2], [1, 1], [1, 2], [2, 1], [1, 1, 1]]) {
        for (const text of ['ALL', 'HEADER', 'TEXT', 'MIME'] as const) {
          const d = sectionData(root, { path, text });
          if (d?.kind === 'range') assert.ok(d.start >= 0 && d.start <= d.end && d.end <= b.length);
        }
      }
      const p = new MimeParser();
      for (let i = 0; i < b.length; i += step) p.write(b.subarray(i, i + step));
      assert.deepEqual(p.end(), root);
    }), { numRuns: 2000 });
  });
});

/** ENVELOPE written straight to bytes (what FETCH uses) against the general path, which the Dovecot corpus checks. */
describe('writeEnvelope and FieldSet', () => {
  const KEYS = ['date', 'subject', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'in-reply-to', 'message-id'];
  const fields = new FieldSet(KEYS);
  const envelope = (h: Buffer): string => {
    const w = new ByteWriter();
    w.text('junk before ');
    writeEnvelope(h, w);
    return w.view().subarray('junk before '.length).toString('latin1');
  };

  /** Address lists in and around the shapes the fast path takes, and everything that must send it to the parser. */
  const ws = fc.constantFrom('', '', ' ', '  ', '\t', '\r\n ', '\n\t', '\r', '\n', '\r\n');
  const word = fc.constantFrom('Alice', 'B.', 'J.R.', '=?utf-8?q?J=C3=B6?=', '"Smith, J."', '""', '"8\xe9"', '"a b"',
    'D\xfcrst', '.', '"a\\"b"', '"q\r\n x"', '(c)', 'x"y', '"open');
  const dotAtom = fc.constantFrom('a', 'jane.doe', 'x.', '.y', 'a..b', '\xe9', 'a-b_c', 'mx1.example.org', '[1.2.3.4]',
    '"q"', '', 'a b', 'a(c)');
  const junk = fc.constantFrom('', '', '', '', '>', '<', '@', ':', ';', '(c)', '.', ',', 'x', '"', '\x00');
  const simpleish = fc.array(fc.tuple(fc.array(fc.tuple(ws, word), { maxLength: 3 }), ws, fc.boolean(), dotAtom, ws,
    dotAtom, ws, junk, fc.constantFrom(',', ', ', ' ,', ',\r\n ', ',,', '', ';')), { maxLength: 4 })
    .map((es) => es.map(([ph, w1, angle, l, w2, d, w3, j, sep]) => {
      const phrase = ph.map(([a, b]) => a + b).join('');
      return angle ? `${phrase}${w1}<${l}@${d}>${j}${w3}${sep}` : `${phrase}${w1}${l}${w2}@${w2}${d}${j}${w3}${sep}`;
    }).join(''));
  const addressish = fc.oneof(simpleish, simpleish, fc.array(fc.oneof(
    fc.constantFrom('Alice', 'Bob Smith', 'J. R. R.', '"Smith, John"', '""', '"a\\"b"', '"q\r\n x"', '"8\xe9"',
      '"nul\x00"', '<', '>', '@', ',', '.', ' ', '\t', '\r\n ', '\n\t', '\r\n', '\r', '\n', '(c)', '(a (b))',
      ':', ';', '[1.2.3.4]', 'a@b.c', '<x@y.z>', '<@r,@s:x@y>', 'a.b@c.d.', 'D\xfcrst', '\xe9@x', '=?utf-8?q?x?=',
      'user', 'g: a@b;', '<>', ' , ', 'x@y (Name)', '"unterminated'),
    fc.uint8Array({ maxLength: 6 }).map((u) => Buffer.from(u).toString('latin1'))), { maxLength: 14 })
    .map((p) => p.join('')));

  /** Header sections: the envelope's names in any case, others, lines without colons, folds, line ends of both kinds. */
  const headerish = fc.array(fc.record({
    name: fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('DATE', 'From ', 'Reply-to', 'X-From', 'To:x', 'Received',
      'subjectx', 'c', 'CC', 'Message-Id', '', ' cont', '\tcont', 'Content-Type', 'content-type\t', 'X'),
    fc.string({ maxLength: 8 })),
    colon: fc.boolean(),
    value: fc.oneof(addressish, fc.string({ maxLength: 30 }),
      fc.uint8Array({ maxLength: 30 }).map((u) => Buffer.from(u).toString('latin1'))),
    eol: fc.constantFrom('\n', '\r\n', '\n ', '\r\n\t', '\n\n', '\r\n\r\n', '\r'),
  }), { maxLength: 14 }).map((ls) => Buffer.from(ls.map((l) => `${l.name}${l.colon ? ':' : ''}${l.value}${l.eol}`).join(''), 'latin1'));

  it('firstValues and FieldSet.firstRanges find the first field of each name that splitHeader finds', () => {
    const out = new Int32Array(2 * KEYS.length);
    fc.assert(fc.property(headerish, (h) => {
      const fieldsOf = splitHeader(h);
      const want = KEYS.map((k) => fieldsOf.find((f) => f.name !== '' && f.key === k)?.raw.toString('latin1') ?? null);
      assert.deepEqual(firstValues(h, KEYS).map((v) => (v === null ? null : v.toString('latin1'))), want);
      fields.firstRanges(h, out);
      const got = KEYS.map((_, i) => ((out[2 * i] ?? -1) < 0 ? null : h.toString('latin1', out[2 * i], out[2 * i + 1])));
      assert.deepEqual(got, want);
      for (const k of ['content-type', 'x', 'to']) {
        assert.equal(firstValues(h, [k])[0]?.toString('latin1') ?? null,
          fieldsOf.find((f) => f.name !== '' && f.key === k)?.raw.toString('latin1') ?? null);
        assert.deepEqual(valuesOf(h, k).map((v) => v.toString('latin1')),
          fieldsOf.filter((f) => f.name !== '' && f.key === k).map((f) => f.raw.toString('latin1')));
      }
    }), { numRuns: 5000 });
  });

  it('writes what encodeEnvelope(envelopeOf()) encodes', () => {
    fc.assert(fc.property(headerish, (h) => {
      assert.equal(envelope(h), encodeEnvelope(envelopeOf(h)).toString('latin1'));
    }), { numRuns: 5000 });
  });

  it('address lists of every shape, in every address field', () => {
    fc.assert(fc.property(addressish, addressish, fc.constantFrom('\n', '\r\n'), (a, b, eol) => {
      const h = Buffer.from(`From:${a}${eol}Sender: ${b}${eol}To:${b}${eol}Cc: ${a}, ${b}${eol}Reply-To:${a}${eol}${eol}`, 'latin1');
      assert.equal(envelope(h), encodeEnvelope(envelopeOf(h)).toString('latin1'));
    }), { numRuns: 5000 });
  });

  it('the shapes of nearly all mail', () => {
    const h = Buffer.from('Date: Tue, 1 Jan 2019 17:08:20 +0900\nFrom: =?UTF-8?B?RHZv?= <d.c@startup.example>\n' +
      'To: Jane  Doe <jane@example.org>, "Smith, J." <js@x.y>,\n\tbare@host.example\nSubject: Notes\n' +
      'Message-ID: <pkn7zj.b96813edadb2@startup.example>\nCc: D\xfcrst <d@x>\n\nTo: body@x\n', 'latin1');
    assert.equal(envelope(h), '("Tue, 1 Jan 2019 17:08:20 +0900" "Notes" (("=?UTF-8?B?RHZv?=" NIL "d.c" ' +
      '"startup.example")) (("=?UTF-8?B?RHZv?=" NIL "d.c" "startup.example")) (("=?UTF-8?B?RHZv?=" NIL "d.c" ' +
      '"startup.example")) (("Jane Doe" NIL "jane" "example.org")("Smith, J." NIL "js" "x.y")(NIL NIL "bare" ' +
      '"host.example")) (({5}\r\nD\xfcrst NIL "d" "x")) NIL NIL "<pkn7zj.b96813edadb2@startup.example>")');
    assert.equal(envelope(h), encodeEnvelope(envelopeOf(h)).toString('latin1'));
  });
});
