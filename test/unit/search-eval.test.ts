/**
 * lib/mail/search.ts: every RFC 3501 search key (and RFC 5032 OLDER/YOUNGER) against a small in-memory mailbox,
 * with bodies served whole and one byte at a time; laziness (no header or body read when the index decides, body
 * reading stops once decided); the Date: parser (lib/mail/date.ts); BADCHARSET.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  compileSearch,
  matchMessage,
  SearchCharsetError,
  searchMessages,
  type SearchContext,
  type SearchMessage,
} from '../../lib/mail/search.js';
import { parseMessageDate } from '../../lib/mail/date.js';
import type { SearchDate, SearchKey } from '../../lib/values/search-key.js';
import { SequenceSet } from '../../lib/values/sequence.js';

const SEEN = 1;
const ANSWERED = 2;
const FLAGGED = 4;
const DELETED = 8;
const DRAFT = 16;

interface Stats {
  headerReads: number;
  bodyReads: number;
  chunksServed: number;
}

interface TestMessage extends SearchMessage {
  readonly stats: Stats;
}

function message(
  raw: string | Buffer,
  meta: { seq: number; uid: number; flags?: number; keywords?: string[]; recent?: boolean; date: string; zone: number;
    modseq?: number },
  chunkSize: number,
): TestMessage {
  const bytes = typeof raw === 'string' ? Buffer.from(raw.replace(/\n/g, '\r\n'), 'utf8') : raw;
  const split = bytes.indexOf('\r\n\r\n');
  const header = bytes.subarray(0, split + 4);
  const body = bytes.subarray(split + 4);
  const stats: Stats = { headerReads: 0, bodyReads: 0, chunksServed: 0 };
  return {
    seq: meta.seq,
    uid: meta.uid,
    flags: meta.flags ?? 0,
    keywords: meta.keywords ?? [],
    recent: meta.recent ?? false,
    internalDate: { time: Date.parse(meta.date), zone: meta.zone },
    size: bytes.length,
    modseq: meta.modseq ?? meta.uid * 100,
    stats,
    header: async () => {
      stats.headerReads++;
      return header;
    },
    body: async function* () {
      stats.bodyReads++;
      for (let i = 0; i < body.length; i += chunkSize) {
        stats.chunksServed++;
        yield body.subarray(i, i + chunkSize);
      }
    },
  };
}

const b64 = (s: string, enc: BufferEncoding = 'utf8'): string => (Buffer.from(s, enc).toString('base64').match(/.{1,20}/g) ?? []).join('\n');

function mailbox(chunkSize: number): TestMessage[] {
  return [
    message(
      `From: "Alice Smith" <alice@example.com>
To: bob@example.org
Cc: carol@example.net
Subject: Hello world
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <1@example.com>

The quick brown fox
jumps over the lazy dog.
`,
      { seq: 1, uid: 10, flags: SEEN | ANSWERED, date: '2024-01-01T12:00:00Z', zone: 0 },
      chunkSize,
    ),
    message(
      `From: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>
To: alice@example.com
Subject: =?iso-8859-1?Q?Caf=E9?= meeting
X-Note: =?utf-8?Q?=EF=AC=81ne?= print
Date: Tue, 2 Jan 2024 23:30:00 -0800
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="=_alt"

preamble mentions needle-in-preamble
--=_alt
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9 au lait, soft=
 broken word
--=_alt
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

${b64('<b>Straße</b> ΣΟΦΟΣ')}
--=_alt--
epilogue needle-in-epilogue
`,
      { seq: 2, uid: 20, flags: FLAGGED, keywords: ['$Important'], recent: true, date: '2024-01-03T01:00:00Z', zone: -480 },
      chunkSize,
    ),
    message(
      `From: carol@example.net
To: undisclosed-recipients:;
Bcc: dave@example.com
Subject: Re: Hello world
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: base64

${b64('Привет мир', 'latin1') && Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x20, 0xcd, 0xc9, 0xd2]).toString('base64')}
--outer
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

${b64('binary secret')}
--outer
Content-Type: message/rfc822

Subject: Inner subject
From: inner@example.com

nested needle
--outer--
`,
      { seq: 3, uid: 30, flags: DELETED | DRAFT, date: '2024-02-10T10:00:00Z', zone: 60 },
      chunkSize,
    ),
    message(
      `From: eve@example.com
Subject: Large
Date: 10 Feb 24 08:00 EST

${'x'.repeat(70)}\n`.repeat(1) +
        `${'y'.repeat(60)}\n`.repeat(1500) +
        'tail marker\n',
      { seq: 4, uid: 40, recent: true, date: '2024-02-11T00:00:00Z', zone: 0 },
      chunkSize,
    ),
    message(
      `From: dave@example.com
X-Custom: Foo
 Bar
Subject:
Date: garbage

`,
      { seq: 5, uid: 50, flags: SEEN, keywords: ['Work'], date: '2024-02-11T06:00:00Z', zone: 0 },
      chunkSize,
    ),
  ];
}

const CTX: SearchContext = { maxSeq: 5, maxUid: 50, now: Date.parse('2024-02-11T12:00:00Z') };
const s = (v: string): Buffer => Buffer.from(v, 'utf8');
const d = (year: number, month: number, day: number): SearchDate => ({ year, month, day });

const TABLE: [string, SearchKey | SearchKey[], number[], string?][] = [
  ['ALL', { key: 'ALL' }, [1, 2, 3, 4, 5]],
  ['ANSWERED', { key: 'ANSWERED' }, [1]],
  ['DELETED', { key: 'DELETED' }, [3]],
  ['DRAFT', { key: 'DRAFT' }, [3]],
  ['FLAGGED', { key: 'FLAGGED' }, [2]],
  ['SEEN', { key: 'SEEN' }, [1, 5]],
  ['UNANSWERED', { key: 'UNANSWERED' }, [2, 3, 4, 5]],
  ['UNDELETED', { key: 'UNDELETED' }, [1, 2, 4, 5]],
  ['UNDRAFT', { key: 'UNDRAFT' }, [1, 2, 4, 5]],
  ['UNFLAGGED', { key: 'UNFLAGGED' }, [1, 3, 4, 5]],
  ['UNSEEN', { key: 'UNSEEN' }, [2, 3, 4]],
  ['RECENT', { key: 'RECENT' }, [2, 4]],
  ['NEW', { key: 'NEW' }, [2, 4]],
  ['OLD', { key: 'OLD' }, [1, 3, 5]],
  ['KEYWORD case-insensitive', { key: 'KEYWORD', flag: '$important' }, [2]],
  ['UNKEYWORD', { key: 'UNKEYWORD', flag: 'work' }, [1, 2, 3, 4]],
  ['FROM display name', { key: 'FROM', value: s('SMITH') }, [1]],
  ['FROM address', { key: 'FROM', value: s('example.net') }, [3]],
  ['FROM RFC 2047 (UTF-8 search)', { key: 'FROM', value: s('björn') }, [2], 'UTF-8'],
  ['TO', { key: 'TO', value: s('alice') }, [2]],
  ['CC', { key: 'CC', value: s('carol') }, [1]],
  ['BCC', { key: 'BCC', value: s('dave') }, [3]],
  ['SUBJECT', { key: 'SUBJECT', value: s('hello') }, [1, 3]],
  ['SUBJECT RFC 2047 Latin-1', { key: 'SUBJECT', value: s('CAFÉ') }, [2], 'UTF-8'],
  ['SUBJECT empty string: messages with a Subject field', { key: 'SUBJECT', value: s('') }, [1, 2, 3, 4, 5]],
  ['HEADER folded value', { key: 'HEADER', field: 'x-custom', value: s('foo bar') }, [5]],
  ['HEADER empty string: field present', { key: 'HEADER', field: 'Message-ID', value: s('') }, [1]],
  ['HEADER absent field', { key: 'HEADER', field: 'X-None', value: s('') }, []],
  ['BODY plain, across lines', { key: 'BODY', value: s('FOX\r\njumps') }, [1]],
  ['BODY quoted-printable latin-1 with soft break', { key: 'BODY', value: s('café au lait, soft broken') }, [2], 'UTF-8'],
  ['BODY base64 UTF-8 html', { key: 'BODY', value: s('STRASSE') }, []],
  ['BODY base64 UTF-8 html (ß)', { key: 'BODY', value: s('straße') }, [2], 'UTF-8'],
  ['BODY final sigma folds', { key: 'BODY', value: s('σοφοσ') }, [2], 'UTF-8'],
  ['BODY koi8-r base64', { key: 'BODY', value: s('привет МИР') }, [3], 'UTF-8'],
  ['BODY skips application/octet-stream', { key: 'BODY', value: s('secret') }, []],
  ['BODY searches message/rfc822 text', { key: 'BODY', value: s('nested needle') }, [3]],
  ['BODY searches message/rfc822 header', { key: 'BODY', value: s('inner subject') }, [3]],
  ['BODY skips preamble and epilogue', { key: 'OR', left: { key: 'BODY', value: s('needle-in-preamble') }, right: { key: 'BODY', value: s('needle-in-epilogue') } }, []],
  ['BODY not in header', { key: 'BODY', value: s('Hello world') }, []],
  ['BODY at the end of a long body', { key: 'BODY', value: s('TAIL MARKER') }, [4]],
  ['BODY empty string', { key: 'BODY', value: s('') }, [1, 2, 3, 4, 5]],
  ['TEXT header', { key: 'TEXT', value: s('hello world') }, [1, 3]],
  ['TEXT body', { key: 'TEXT', value: s('lazy dog') }, [1]],
  ['TEXT decoded header', { key: 'TEXT', value: s('björn') }, [2], 'UTF-8'],
  ['TEXT ASCII needle in a decoded header word (ﬁ folds to FI)', { key: 'TEXT', value: s('FINE print') }, [2]],
  ['TEXT ASCII needle across a decoded non-ASCII letter', { key: 'TEXT', value: s('cafe meeting') }, []],
  ['BEFORE (internal date in its own zone)', { key: 'BEFORE', date: d(2024, 1, 3) }, [1, 2]],
  ['ON own zone (-0800: Jan 2, UTC Jan 3)', { key: 'ON', date: d(2024, 1, 2) }, [2]],
  ['ON', { key: 'ON', date: d(2024, 1, 3) }, []],
  ['SINCE', { key: 'SINCE', date: d(2024, 2, 10) }, [3, 4, 5]],
  ['SENTBEFORE (missing/garbage Date never matches)', { key: 'SENTBEFORE', date: d(2024, 2, 1) }, [1, 2]],
  ['NOT SENTBEFORE', { key: 'NOT', operand: { key: 'SENTBEFORE', date: d(2024, 2, 1) } }, [3, 4, 5]],
  ['SENTON day as written (-0800)', { key: 'SENTON', date: d(2024, 1, 2) }, [2]],
  ['SENTSINCE two-digit year, EST', { key: 'SENTSINCE', date: d(2024, 2, 10) }, [4]],
  ['LARGER', { key: 'LARGER', size: 10_000 }, [4]],
  ['SMALLER', { key: 'SMALLER', size: 200 }, [5]],
  ['OLDER', { key: 'OLDER', seconds: 86_400 }, [1, 2, 3]],
  ['YOUNGER', { key: 'YOUNGER', seconds: 86_400 }, [4, 5]],
  ['UID with *', { key: 'UID', set: SequenceSet.of([{ first: 25, last: '*' }]) }, [3, 4, 5]],
  ['UID single and range', { key: 'UID', set: SequenceSet.of([{ first: 10, last: 10 }, { first: 40, last: 35 }]) }, [1, 4]],
  ['UID 559:* includes the last', { key: 'UID', set: SequenceSet.of([{ first: 559, last: '*' }]) }, [5]],
  ['sequence set reversed range', { key: 'SEQ', set: SequenceSet.of([{ first: 4, last: 2 }]) }, [2, 3, 4]],
  ['sequence set *', { key: 'SEQ', set: SequenceSet.of([{ first: '*', last: '*' }]) }, [5]],
  ['NOT', { key: 'NOT', operand: { key: 'SEEN' } }, [2, 3, 4]],
  ['OR', { key: 'OR', left: { key: 'DELETED' }, right: { key: 'FLAGGED' } }, [2, 3]],
  ['AND list', { key: 'AND', operands: [{ key: 'UNSEEN' }, { key: 'RECENT' }, { key: 'SUBJECT', value: s('meeting') }] }, [2]],
  ['top-level list is ANDed', [{ key: 'UNDELETED' }, { key: 'SUBJECT', value: s('hello') }], [1]],
  ['RFC 3501 example: FLAGGED SINCE NOT FROM', [{ key: 'FLAGGED' }, { key: 'SINCE', date: d(1994, 2, 1) }, { key: 'NOT', operand: { key: 'FROM', value: s('Smith') } }], [2]],
  ['OR of header and body', { key: 'OR', left: { key: 'FROM', value: s('eve') }, right: { key: 'BODY', value: s('quick') } }, [1, 4]],
  ['NOT BODY', { key: 'NOT', operand: { key: 'BODY', value: s('quick') } }, [2, 3, 4, 5]],
  ['MODSEQ: at or above (RFC 7162 §3.1.5)', { key: 'MODSEQ', modseq: 3000 }, [3, 4, 5]],
  ['MODSEQ 0: every message', { key: 'MODSEQ', modseq: 0 }, [1, 2, 3, 4, 5]],
  ['MODSEQ above all', { key: 'MODSEQ', modseq: 5001 }, []],
  ['NOT MODSEQ', { key: 'NOT', operand: { key: 'MODSEQ', modseq: 2001 } }, [1, 2]],
];

for (const chunkSize of [4096, 1, 7]) {
  describe(`search keys, body chunks of ${chunkSize}`, () => {
    for (const [name, keys, expected, charset] of TABLE) {
      test(name, async () => {
        const program = compileSearch(keys, charset);
        const hits = await searchMessages(program, mailbox(chunkSize), CTX);
        assert.deepEqual(
          hits.map((m) => m.seq),
          expected,
        );
      });
    }
  });
}

describe('"$", the saved search result (RFC 5182)', () => {
  test('names the saved UIDs (UID 10, 20, ... here); an empty one (null) names nothing', async () => {
    const saved = SequenceSet.of([{ first: 45, last: 60 }, { first: 5, last: 10 }, { first: 30, last: 30 }]);
    const hits = await searchMessages(compileSearch({ key: 'UID', set: '$' }, 'US-ASCII', saved), mailbox(4096), CTX);
    assert.deepEqual(hits.map((m) => m.seq), [1, 3, 5]);
    const not = await searchMessages(compileSearch({ key: 'NOT', operand: { key: 'UID', set: '$' } }), mailbox(4096), CTX);
    assert.deepEqual(not.map((m) => m.seq), [1, 2, 3, 4, 5]);
  });
});

/**
 * FROM/TO/CC/BCC match the addresses as ENVELOPE parses them (issue 15): `name <local@domain>` or `local@domain`, the
 * name decoded; comments, routes and quoting are not text, and a match never spans two addresses.
 */
describe('address keys match the parsed addresses', () => {
  const meta = (seq: number) => ({ seq, uid: seq, date: '2024-01-01T00:00:00Z', zone: 0 });
  const box = (): TestMessage[] => [
    `From: <user-from (zzcomment)@ (zzcomment) domain.org>
To: Name (zzone) <user (zztwo) @ (zzthree) host.example> (zzfour)
Subject: comments

`,
    `From: <@relay1.example,@relay2.example:route-user@final.example>
Cc: "john q. \\"doe\\""@example.com, "Smith, John" <jsmith@corp.example>
Subject: route and quoting

`,
    `From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
To: Undisclosed recipients: ;
Bcc: Team: amy@team.example, Bo <bo@team.example>;
Subject: encoded words and groups

`,
    `From: plain@host.example (Commented Name)
To: first@a.example,
 second@b.example
Cc: <>
Subject: several, and a null address

`,
  ].map((raw, i) => message(raw, meta(i + 1), 4096));
  const cases: [string, SearchKey, number[], string?][] = [
    ['issue 15: comments inside the addr-spec', { key: 'FROM', value: s('user-from@domain.org') }, [1]],
    ['local part alone', { key: 'FROM', value: s('USER-FROM') }, [1]],
    ['domain alone', { key: 'FROM', value: s('domain.org') }, [1]],
    ['a comment inside the addr-spec is not text', { key: 'FROM', value: s('zzcomment') }, []],
    ['name-addr with comments everywhere', { key: 'TO', value: s('name <user@host.example>') }, [1]],
    ['comments around a name-addr are not text', { key: 'OR', left: { key: 'TO', value: s('zzone') }, right: { key: 'OR', left: { key: 'TO', value: s('zztwo') }, right: { key: 'TO', value: s('zzfour') } } }, []],
    ['a source route is not text', { key: 'FROM', value: s('relay1') }, []],
    ['the addr-spec behind a route', { key: 'FROM', value: s('route-user@final.example') }, [2]],
    ['a quoted local part, unquoted', { key: 'CC', value: s('john q. "doe"@example.com') }, [2]],
    ['a quoted display name, unquoted', { key: 'CC', value: s('smith, john <jsmith@corp.example>') }, [2]],
    ['quotes are not text', { key: 'CC', value: s('"smith') }, []],
    ['encoded-word name, decoded', { key: 'FROM', value: s('jürgen müller <juergen@example.de>') }, [3], 'UTF-8'],
    ['the encoded form is not text', { key: 'FROM', value: s('=?utf-8?') }, []],
    ['group name', { key: 'TO', value: s('undisclosed recipients') }, [3]],
    ['group name (group with members)', { key: 'BCC', value: s('team') }, [3]],
    ['group members', { key: 'BCC', value: s('bo <bo@team.example>') }, [3]],
    ['second of several (folded list)', { key: 'TO', value: s('second@b.example') }, [4]],
    ['no match across two addresses', { key: 'TO', value: s('a.example, second') }, []],
    ['a bare addr-spec\'s comment is its ENVELOPE name', { key: 'FROM', value: s('commented name <plain@host.example>') }, [4]],
    ['empty string: the field is there (even with no address)', { key: 'CC', value: s('') }, [2, 4]],
    ['ENVELOPE\'s placeholders are not text', { key: 'OR', left: { key: 'CC', value: s('missing') }, right: { key: 'FROM', value: s('missing_') } }, []],
  ];
  for (const [name, key, expected, charset] of cases) {
    test(name, async () => {
      const hits = await searchMessages(compileSearch(key, charset), box(), CTX);
      assert.deepEqual(hits.map((m) => m.seq), expected);
    });
  }

  test('any part of an address is found however it is dressed, and a comment never', async () => {
    const atom = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const cfws = fc.constantFrom('', ' ', ' (zq) ', '(zq)', '\r\n (zq (nested)) ');
    await fc.assert(fc.asyncProperty(atom, atom, atom, atom, cfws, cfws, cfws, cfws, fc.boolean(), fc.boolean(),
      fc.boolean(), async (name, local, d1, d2, c1, c2, c3, c4, quoted, route, angle) => {
        const domain = `${d1}.${d2}`;
        const spec = `${quoted ? `"${local}"` : local}${c2}@${c3}${d1}${c3}.${d2}`;
        const value = angle ? `${c1}${name}${c1}<${route ? '@relay.zz,@hop.zz:' : ''}${c2}${spec}${c4}>${c4}`
          : `${c1}${spec}`;
        const raw = `From: ${value}\r\nTo: x@y\r\n\r\n`;
        const found = async (needle: string): Promise<boolean> =>
          matchMessage(compileSearch({ key: 'FROM', value: s(needle) }), message(Buffer.from(raw, 'latin1'), meta(1), 4096), CTX);
        const wanted = [local, domain, `${local}@${domain}`, ...(angle ? [name, `${name} <${local}@${domain}>`] : [])];
        for (const w of wanted) assert.equal(await found(w.toUpperCase()), true, `${w} in ${JSON.stringify(raw)}`);
        // A bare addr-spec's last comment is its ENVELOPE name; otherwise a comment is no text.
        // The text of the address: the display name only where there is one (a bare addr-spec has none).
        if (angle || !/\(zq/.test(c1 + c2 + c3)) {
          const text = `${angle ? name : ''} ${local} ${domain}`;
          assert.equal(await found('zq'), text.includes('zq'), JSON.stringify(raw));
          assert.equal(await found('relay'), text.includes('relay'), JSON.stringify(raw));
        }
      }), { numRuns: 300 });
  });
});

describe('laziness', () => {
  test('index keys decide without reading header or body', async () => {
    const box = mailbox(64);
    await searchMessages(compileSearch([{ key: 'DELETED' }, { key: 'BODY', value: s('x') }, { key: 'FROM', value: s('y') }]), box, CTX);
    assert.deepEqual(
      box.map((m) => [m.stats.headerReads, m.stats.bodyReads]),
      [
        [0, 0],
        [0, 0],
        [1, 0], // DELETED: the header decides FROM (false), so the body is never read
        [0, 0],
        [0, 0],
      ],
    );
  });

  test('a header key that decides an OR saves the body', async () => {
    const box = mailbox(64);
    const program = compileSearch({ key: 'OR', left: { key: 'FROM', value: s('eve') }, right: { key: 'BODY', value: s('zzz') } });
    const m4 = box[3];
    assert.ok(m4);
    assert.equal(await matchMessage(program, m4, CTX), true);
    assert.deepEqual([m4.stats.headerReads, m4.stats.bodyReads], [1, 0]);
  });

  test('body reading stops once the program is decided', async () => {
    const box = mailbox(64);
    const m4 = box[3];
    assert.ok(m4);
    assert.equal(await matchMessage(compileSearch({ key: 'BODY', value: s('yyyy') }), m4, CTX), true);
    assert.ok(m4.stats.chunksServed <= 3, `served ${m4.stats.chunksServed} chunks`);
    const m4b = mailbox(64)[3];
    assert.ok(m4b);
    assert.equal(await matchMessage(compileSearch({ key: 'NOT', operand: { key: 'BODY', value: s('yyyy') } }), m4b, CTX), false);
    assert.ok(m4b.stats.chunksServed <= 3);
  });

  test('usesHeader / usesBody', () => {
    assert.deepEqual(
      [compileSearch({ key: 'SEEN' })].map((p) => [p.usesHeader, p.usesBody]),
      [[false, false]],
    );
    const p = compileSearch({ key: 'TEXT', value: s('a') });
    assert.deepEqual([p.usesHeader, p.usesBody], [true, true]);
  });

  test('usesModseq: a MODSEQ key anywhere in the program', () => {
    assert.equal(compileSearch({ key: 'SEEN' }).usesModseq, false);
    assert.equal(compileSearch({ key: 'OR', left: { key: 'SEEN' }, right: { key: 'NOT', operand: { key: 'MODSEQ', modseq: 5 } } }).usesModseq, true);
  });
});

describe('SAVEDATE (RFC 8514 §4.3) and OBJECTID (RFC 8474 §6) keys', () => {
  const day = (year: number, month: number, d: number): SearchDate => ({ year, month, day: d });
  const uidsOf = async (keys: SearchKey[], box: TestMessage[]): Promise<number[]> =>
    (await searchMessages(compileSearch(keys), box, CTX)).map((m) => m.uid);
  /** Message 1 saved on 28 Dec 2014 (its own zone), 2 on 1 Jan 2015; 3 has none; the rest as in the mailbox. */
  function saved(): TestMessage[] {
    const box = mailbox(64);
    const dates = [{ time: Date.UTC(2014, 11, 28, 23, 30), zone: 0 }, { time: Date.UTC(2014, 11, 31, 23, 30), zone: 60 }];
    return box.map((m, i) => Object.assign(Object.create(m) as TestMessage, {
      ...(dates[i] !== undefined ? { saveDate: dates[i] } : {}),
      emailId: async () => {
        m.stats.headerReads += 100; // counted apart from the header: see the laziness check below
        return `M${m.uid}`;
      },
    }));
  }

  test('SAVEDBEFORE/SAVEDON/SAVEDSINCE compare the save date\'s day in its own zone', async () => {
    const box = saved().slice(0, 2);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDON', date: day(2014, 12, 28) }], box), [box[0]?.uid]);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDON', date: day(2015, 1, 1) }], box), [box[1]?.uid]);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDBEFORE', date: day(2015, 1, 1) }], box), [box[0]?.uid]);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDSINCE', date: day(2014, 12, 29) }], box), [box[1]?.uid]);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDATESUPPORTED' }], box), box.map((m) => m.uid));
  });

  test('without save dates: SAVEDATESUPPORTED matches none, the others compare the INTERNALDATE', async () => {
    const box = mailbox(64);
    assert.deepEqual(await uidsOf([{ key: 'SAVEDATESUPPORTED' }], box), []);
    for (const k of ['BEFORE', 'ON', 'SINCE'] as const) {
      const date = day(2024, 1, 2);
      assert.deepEqual(await uidsOf([{ key: `SAVED${k}`, date }], box), await uidsOf([{ key: k, date }], box), k);
    }
  });

  test('EMAILID matches the id exactly (case-sensitive), without reading the header; THREADID matches none', async () => {
    const box = saved();
    const uid = box[1]?.uid as number;
    assert.deepEqual(await uidsOf([{ key: 'EMAILID', id: `M${uid}` }], box), [uid]);
    assert.deepEqual(await uidsOf([{ key: 'EMAILID', id: `m${uid}` }], box), []);
    assert.deepEqual(await uidsOf([{ key: 'NOT', operand: { key: 'EMAILID', id: `M${uid}` } }], box),
      box.map((m) => m.uid).filter((u) => u !== uid));
    assert.ok(box.every((m) => m.stats.headerReads % 100 === 0), 'no header read');
    assert.deepEqual(await uidsOf([{ key: 'THREADID', id: 'T1' }], box), []);
    // Decided by the index: the id is not worked out.
    const fresh = saved();
    await uidsOf([{ key: 'UID', set: SequenceSet.of([{ first: 1, last: 1 }]) }, { key: 'EMAILID', id: 'M1' }], fresh);
    assert.ok(fresh.filter((m) => m.uid !== 1).every((m) => m.stats.headerReads === 0));
  });
});

describe('multipart delimiters', () => {
  /**
   * The reference: RFC 2046 §5.1.1 read line by line, as the search applies it. A delimiter line is `--b` at a line
   * start, then optionally `--` (the close delimiter), then only whitespace; parts lie between delimiters (preamble
   * and epilogue are no part); a part's header ends at its first empty line (a part starting with one has none).
   */
  function reference(body: string, needle: string): boolean {
    const lines = body.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    let state: 'preamble' | 'part' | 'closed' = 'preamble';
    let part = '';
    let found = false;
    const finish = (): void => {
      let content: string;
      if (part.startsWith('\n')) content = part.slice(1);
      else if (part.startsWith('\r\n')) content = part.slice(2);
      else {
        const m = /\n\r?\n/.exec(part);
        content = m === null ? '' : part.slice(m.index + m[0].length);
      }
      if (content.toUpperCase().includes(needle)) found = true;
    };
    for (const line of lines) {
      if (state !== 'closed' && line.startsWith('--b') && /^(--)?[ \t]*\r?\n?$/.test(line.slice(3))) {
        if (state === 'part') finish();
        state = line.startsWith('--b--') ? 'closed' : 'part';
        part = '';
        continue;
      }
      if (state === 'part') part += line;
    }
    if (state === 'part') finish();
    return found;
  }

  test('found exactly where the line-by-line reading finds it, in any chunking', async () => {
    const line = fc.constantFrom('--b', '--b--', '--b  ', '--b\t', '--bx', 'x--b', '--b-- trailing', '', '', '-', '--',
      'Content-Type: text/plain', 'a needle here', 'nee', 'dle', '--b needle', 'needle--b', 'plain text');
    const program = compileSearch({ key: 'BODY', value: s('needle') });
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.constantFrom('\r\n', '\n'), fc.boolean(),
      fc.integer({ min: 1, max: 9 }), async (lines, eol, lastEol, chunk) => {
        const body = lines.join(eol) + (lastEol ? eol : '');
        const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${body}`, 'latin1');
        const want = reference(body, 'NEEDLE');
        const meta = { seq: 1, uid: 1, date: '2024-01-01T00:00:00Z', zone: 0 };
        for (const size of [chunk, raw.length]) {
          assert.equal(await matchMessage(program, message(raw, meta, size), CTX), want, JSON.stringify({ body, size }));
        }
      }), { numRuns: 1500 });
  });
});

describe('charset', () => {
  test('unknown SEARCH CHARSET: SearchCharsetError (NO [BADCHARSET])', () => {
    assert.throws(() => compileSearch({ key: 'BODY', value: s('x') }, 'X-MARTIAN'), SearchCharsetError);
  });

  test('ISO-8859-1 search string', async () => {
    const hits = await searchMessages(compileSearch({ key: 'SUBJECT', value: Buffer.from([0x63, 0x61, 0x66, 0xc9]) }, 'ISO-8859-1'), mailbox(4096), CTX);
    assert.deepEqual(
      hits.map((m) => m.seq),
      [2],
    );
  });
});

describe('parseMessageDate', () => {
  const cases: [string, [number, number, number, string] | undefined][] = [
    ['Mon, 1 Jan 2024 10:00:00 +0000', [2024, 1, 1, '2024-01-01T10:00:00.000Z']],
    ['Tue, 2 Jan 2024 23:30:00 -0800', [2024, 1, 2, '2024-01-03T07:30:00.000Z']],
    ['10 Feb 24 08:00 EST', [2024, 2, 10, '2024-02-10T13:00:00.000Z']],
    ['Fri, 21 Nov 97 09:55:06 GMT', [1997, 11, 21, '1997-11-21T09:55:06.000Z']],
    ['Thu,\r\n 13\r\n Feb\r\n 1969\r\n 23:32\r\n -0330 (Newfoundland Time)', [1969, 2, 13, '1969-02-14T03:02:00.000Z']],
    ['1 Jan 103 00:00 +0000', [2003, 1, 1, '2003-01-01T00:00:00.000Z']],
    ['Mon Jan  2 15:04:05 2006', [2006, 1, 2, '2006-01-02T15:04:05.000Z']],
    ['(comment (nested)) 5 March 2020', [2020, 3, 5, '2020-03-05T00:00:00.000Z']],
    ['17-Jul-1996 02:44:25 -0700', [1996, 7, 17, '1996-07-17T09:44:25.000Z']],
    ['31 Feb 2024', undefined],
    ['garbage', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) {
    test(JSON.stringify(text), () => {
      const got = parseMessageDate(text);
      assert.deepEqual(got === undefined ? undefined : [got.year, got.month, got.day, new Date(got.time).toISOString()], want);
    });
  }
});

describe('parseMessageDate: the cases of header.ts parseDate (gone: one date parser)', () => {
  const utc = (v: string): number | null => parseMessageDate(v)?.time ?? null;
  test('RFC 5322 forms', () => {
    assert.equal(utc('Mon, 1 Jan 2024 10:00:00 +0100'), Date.UTC(2024, 0, 1, 9));
    assert.equal(utc('1 Jan 2024 10:00 -0000'), Date.UTC(2024, 0, 1, 10));
    assert.equal(parseMessageDate('Tue, 2 Jan 2024 08:30:00 -0500')?.zone, -300);
  });
  test('obsolete forms (RFC 5322 §4.3)', () => {
    assert.equal(utc('7 Jan 24 13:00 EST'), Date.UTC(2024, 0, 7, 18));
    assert.equal(utc('7 Jan 99 13:00 GMT'), Date.UTC(1999, 0, 7, 13));
    assert.equal(utc('7 Jan 103 13:00:00 PDT'), Date.UTC(2003, 0, 7, 20));
    assert.equal(utc('Thu, 11 Jan 2024 01:02:03 GMT (comment)'), Date.UTC(2024, 0, 11, 1, 2, 3));
    assert.equal(utc('11 January 2024 01:02:03 Z'), Date.UTC(2024, 0, 11, 1, 2, 3));
    assert.equal(utc('11-Jan-2024'), Date.UTC(2024, 0, 11));
  });
  test('garbage gives no date', () => {
    for (const g of ['', 'yesterday', '32 Jan 2024', '1 Foo 2024 10:00', '1 Jan 2024 25:00:00']) {
      assert.equal(parseMessageDate(g), undefined, g);
    }
  });
});
