import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileSearch } from '../../lib/mail/search.js';
import { decodeBase64Strict } from '../../lib/values/base64.js';
import { PassThrough } from 'node:stream';
import { LineInput } from '../../lib/io/input.js';
import { readCommand } from '../../lib/wire/fragmentizer.js';
import { type AppendMessageArg, ArgCursor, ParseError, type SearchCommand } from '../../lib/wire/parser.js';
import { SequenceSet } from '../../lib/values/sequence.js';

const c = (s: string): ArgCursor => ArgCursor.of(s);
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
/** A cursor over text/literal parts: literals are written «...». */
function withLiterals(s: string): ArgCursor {
  const parts = s.split(/«|»/).map((p, i) => (i % 2 === 0 ? { kind: 'text' as const, bytes: b(p) }
    : { kind: 'literal' as const, bytes: b(p), nonSync: false, binary: false }));
  return new ArgCursor(parts);
}

function bad(f: () => unknown, re?: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ParseError && (re === undefined || re.test(e.message)));
}

describe('ArgCursor basics', () => {
  it('tag, atom, SP, end', () => {
    const a = c('a001 LOGIN');
    assert.equal(a.tag(), 'a001');
    a.sp();
    assert.equal(a.atom(), 'LOGIN');
    a.end();
    bad(() => c('+x').tag(), /tag/);
    bad(() => c('a  b').sp() ?? c('').sp());
    const j = c('NOOP x');
    j.atom();
    bad(() => j.end(), /Junk/);
  });

  it('astring: atom, quoted with escapes, literal', () => {
    assert.deepEqual(c('fred]x').astring(), b('fred]x'));
    assert.deepEqual(c('"a \\"b\\" \\\\ c"').astring(), b('a "b" \\ c'));
    assert.deepEqual(c('""').astring(), b(''));
    const l = withLiterals('LOGIN «smith» «sesame»');
    assert.equal(l.atom(), 'LOGIN');
    l.sp();
    assert.deepEqual(l.astring(), b('smith'));
    l.sp();
    assert.deepEqual(l.astring(), b('sesame'));
    l.end();
    bad(() => c('"abc').astring(), /Unterminated/);
    bad(() => c('"a\\bc"').astring(), /escape/);
    bad(() => c('(x)').astring(), /astring/);
    bad(() => c('"a\rb"').astring());
    assert.deepEqual(c('"caf\xe9"').astring(), b('caf\xe9'));
  });

  it('literal8 only where allowed (RFC 3516)', () => {
    const parts = [{ kind: 'text' as const, bytes: b('x ') }, { kind: 'literal' as const, bytes: b('\0a'), nonSync: true, binary: true },
      { kind: 'text' as const, bytes: b('') }];
    const a = new ArgCursor(parts);
    a.atom();
    a.sp();
    assert.deepEqual(a.literal8(), { bytes: b('\0a'), binary: true });
    a.end();
    const l = new ArgCursor(parts);
    l.atom();
    l.sp();
    bad(() => l.astring(), /literal8/);
    assert.deepEqual(withLiterals('«m»').literal8(), { bytes: b('m'), binary: false });
  });

  it('base64 (AUTHENTICATE initial response)', () => {
    assert.deepEqual(c('AGJvYgBzZWNyZXQ=').base64(), b('\0bob\0secret'));
    assert.deepEqual(c('=').base64(), b(''));
    assert.deepEqual(c('YWJj').base64(), b('abc'));
    for (const t of ['YWJ', 'YW=j', 'YR==', 'YWJjZA=', 'Y', '*']) bad(() => { const x = c(t); x.base64(); x.end(); });
    assert.deepEqual(decodeBase64Strict('YQ=='), b('a'));
    assert.equal(decodeBase64Strict('YR=='), null);
  });

  it('a literal inside a fetch-att list', () => {
    const x = withLiterals('(BODY.PEEK[HEADER.FIELDS («Date» FROM)])');
    assert.deepEqual(x.fetchAtts(), [{ kind: 'body-section', peek: true,
      section: { part: [], text: { kind: 'HEADER.FIELDS', not: false, fields: ['Date', 'FROM'] } }, partial: null }]);
    x.end();
  });

  it('nstring, string, number, nz-number', () => {
    assert.equal(c('NIL').nstring(), null);
    assert.equal(c('nil').nstring(), null);
    assert.deepEqual(c('"NIL"').nstring(), b('NIL'));
    bad(() => c('abc').string(), /string/);
    assert.equal(c('4294967295').number(), 4294967295);
    bad(() => c('4294967296').number(), /range/);
    assert.equal(c('0').number(), 0);
    bad(() => c('0').nzNumber());
    bad(() => c('x').number());
  });

  it('mailbox and list-mailbox', () => {
    assert.equal(c('inBoX').mailbox(), 'INBOX');
    assert.equal(c('"INBOX"').mailbox(), 'INBOX');
    assert.equal(c('INBOX.sub').mailbox(), 'INBOX.sub');
    assert.equal(c('~/Mail/foo').mailbox(), '~/Mail/foo');
    assert.equal(withLiterals('«a b»').mailbox(), 'a b');
    assert.equal(c('*').listMailbox(), '*');
    assert.equal(c('%/x*').listMailbox(), '%/x*');
    assert.equal(c('""').listMailbox(), '');
    bad(() => c('*').mailbox());
  });

  it('mailbox names under UTF8=ACCEPT: UTF-8 in, modified UTF-7 out (RFC 9755 §3)', () => {
    const u = (b: Buffer): ArgCursor => new ArgCursor([{ kind: 'text', bytes: b }], { utf8: true });
    assert.equal(u(Buffer.from('"Café"')).mailbox(), 'Caf&AOk-');
    assert.equal(u(Buffer.from('Tom&Jerry')).mailbox(), 'Tom&-Jerry', '"&" is itself once UTF-8 is on');
    assert.equal(u(Buffer.from('inbox')).mailbox(), 'INBOX');
    assert.equal(u(Buffer.from('"Ordner/日本語%"')).listMailbox(), 'Ordner/&ZeVnLIqe-%');
    assert.equal(u(Buffer.from('Caf*')).listMailbox(), 'Caf*');
    bad(() => u(Buffer.from([0x22, 0x43, 0xe9, 0x22])).mailbox(), /not UTF-8/);
    bad(() => u(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])).mailbox(), /not UTF-8/); // a surrogate
    // Without it the octets are the name, as before.
    assert.equal(c('"Caf\xe9"').mailbox(), 'Caf\xe9');
    assert.equal(c('Tom&Jerry').mailbox(), 'Tom&Jerry');
  });

  it('flags and flag-list', () => {
    assert.deepEqual(c('(\\seen \\DELETED $Junk \\Foo)').flagList(), ['\\Seen', '\\Deleted', '$Junk', '\\Foo']);
    assert.deepEqual(c('()').flagList(), []);
    bad(() => c('(\\Seen').flagList());
    bad(() => c('(\\ )').flagList(), /flag/);
    bad(() => c('(\\Seen  \\Draft)').flagList());
  });
});

describe('sequence sets', () => {
  it('parses RFC 3501 forms', () => {
    assert.equal(c('2,4:7,9,12:*').seqSet().toString(), '2,4:7,9,12:*');
    assert.equal(c('*:4,7').seqSet().toString(), '*:4,7');
    assert.equal(c('$').seqSetOrSaved(), '$');
    bad(() => c('$').seqSet());
    bad(() => c('1,$').seqSetOrSaved());
    bad(() => c('$1').seqSet());
    // "$" stands alone: what follows it is the next argument's business (FETCH's SP), so `$,1` ends the set at "$".
    const cur = c('$,1');
    assert.equal(cur.seqSetOrSaved(), '$');
    bad(() => cur.end());
    bad(() => c('0').seqSet());
    bad(() => c('1,').seqSet());
    bad(() => c('1:').seqSet());
    bad(() => c('').seqSet());
  });

  it('resolves lazily against a count', () => {
    const s = c('2,4:7,9,12:*').seqSet();
    assert.deepEqual(s.ranges(15), [[2, 2], [4, 7], [9, 9], [12, 15]]);
    assert.deepEqual([...s.numbers(10)], [2, 4, 5, 6, 7, 9, 10]); // 12:* is *:12, i.e. 10
    assert.equal(s.count(15), 10);
    assert.ok(s.has(13, 15) && !s.has(3, 15) && !s.has(16, 15));
    // *:4 with 3 messages is 3:4 clipped to 3; a UID range above every UID still includes the last one.
    assert.deepEqual(c('*:4').seqSet().ranges(3), [[3, 3]]);
    assert.deepEqual(c('559:*').seqSet().ranges(100), [[100, 100]]);
    assert.equal(c('1:*').seqSet().count(100000), 100000);
    assert.deepEqual(c('1:*').seqSet().ranges(0), []);
    assert.ok(c('5').seqSet().exceeds(4) && !c('5:*').seqSet().exceeds(5));
    assert.deepEqual(c('3:1,2:6,8,9').seqSet().ranges(100), [[1, 6], [8, 9]]);
  });

  it('cannot be built invalid; fromNumbers compresses', () => {
    assert.throws(() => SequenceSet.of([]), RangeError);
    assert.throws(() => SequenceSet.range(0), RangeError);
    assert.throws(() => SequenceSet.range(1.5), RangeError);
    assert.equal(SequenceSet.fromNumbers([7, 1, 2, 3, 3, 9, 10])?.toString(), '1:3,7,9:10');
    assert.equal(SequenceSet.fromNumbers([]), null);
  });
});

describe('dates', () => {
  it('date (SEARCH): quoted or not, 1 or 2 digit day', () => {
    assert.deepEqual(c('1-Feb-1994').date(), { year: 1994, month: 2, day: 1 });
    assert.deepEqual(c('"01-feb-1994"').date(), { year: 1994, month: 2, day: 1 });
    bad(() => c('30-Feb-1994').date(), /day/);
    bad(() => c('1-Fob-1994').date(), /month/);
    bad(() => c('1-Feb-94').date(), /year/);
    bad(() => c('"1-Feb-1994').date());
  });

  it('date-time (APPEND)', () => {
    const d = c('"17-Jul-1996 02:44:25 -0700"').dateTime();
    assert.equal(d.epochMs, Date.UTC(1996, 6, 17, 9, 44, 25));
    assert.equal(d.zoneMinutes, -420);
    assert.equal(c('" 7-Jul-1996 02:44:25 +0000"').dateTime().day, 7);
    assert.equal(c('"7-Jul-1996 02:44:25 +0130"').dateTime().epochMs, Date.UTC(1996, 6, 7, 1, 14, 25));
    bad(() => c('"17-Jul-1996 24:44:25 -0700"').dateTime(), /time/);
    bad(() => c('"17-Jul-1996 02:44:25 0700"').dateTime(), /zone/);
    bad(() => c('17-Jul-1996 02:44:25 -0700').dateTime());
    bad(() => c('" 17-Jul-1996 02:44:25 -0700"').dateTime(), /day/);
    bad(() => c('"31-Jun-1996 02:44:25 -0700"').dateTime(), /day/);
    assert.equal(c('"29-Feb-2000 00:00:00 +0000"').dateTime().epochMs, Date.UTC(2000, 1, 29));
    bad(() => c('"29-Feb-1900 00:00:00 +0000"').dateTime(), /day/);
  });
});

describe('fetch-att', () => {
  const table: [string, unknown][] = [
    ['FAST', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }]],
    ['all', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }]],
    ['FULL', [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }]],
    ['BODYSTRUCTURE', [{ kind: 'BODYSTRUCTURE' }]],
    ['(FLAGS BODY[HEADER.FIELDS (DATE FROM)])', [{ kind: 'FLAGS' }, { kind: 'body-section', peek: false,
      section: { part: [], text: { kind: 'HEADER.FIELDS', not: false, fields: ['DATE', 'FROM'] } }, partial: null }]],
    ['BODY[]', [{ kind: 'body-section', peek: false, section: { part: [], text: null }, partial: null }]],
    ['body.peek[1.2.3.MIME]<0.2048>', [{ kind: 'body-section', peek: true,
      section: { part: [1, 2, 3], text: { kind: 'MIME' } }, partial: { offset: 0, length: 2048 } }]],
    ['BODY[4.2.HEADER.FIELDS.NOT ("X-Foo" Received)]', [{ kind: 'body-section', peek: false,
      section: { part: [4, 2], text: { kind: 'HEADER.FIELDS', not: true, fields: ['X-Foo', 'Received'] } }, partial: null }]],
    ['(UID RFC822.SIZE RFC822 RFC822.HEADER RFC822.TEXT INTERNALDATE ENVELOPE BODY[TEXT] BODY[3])',
      [{ kind: 'UID' }, { kind: 'RFC822.SIZE' }, { kind: 'RFC822' }, { kind: 'RFC822.HEADER' }, { kind: 'RFC822.TEXT' },
        { kind: 'INTERNALDATE' }, { kind: 'ENVELOPE' },
        { kind: 'body-section', peek: false, section: { part: [], text: { kind: 'TEXT' } }, partial: null },
        { kind: 'body-section', peek: false, section: { part: [3], text: null }, partial: null }]],
    ['(BINARY[1.2]<5.10> BINARY.PEEK[] BINARY.SIZE[3])', [
      { kind: 'binary-section', peek: false, part: [1, 2], partial: { offset: 5, length: 10 } },
      { kind: 'binary-section', peek: true, part: [], partial: null },
      { kind: 'binary-size', part: [3] }]],
  ];
  for (const [text, want] of table) {
    it(text, () => {
      const cur = c(text);
      assert.deepEqual(cur.fetchAtts(), want);
      cur.end();
    });
  }
  for (const text of ['BODY[MIME]', 'BODY[0]', 'BODY[1.]', 'BODY[HEADER.FIELDS]', 'BODY[HEADER.FIELDS ()]',
    'BODY[TEXT', 'BODY[]<1>', 'BODY[]<1.0>', 'FOO', '(FLAGS', '()', 'BINARY[TEXT]', 'BODY[1.TEXT.MIME]']) {
    it(`refuses ${text}`, () => bad(() => { const cur = c(text); cur.fetchAtts(); cur.end(); }));
  }
});

describe('store-att and status-att', () => {
  it('parses', () => {
    assert.deepEqual(c('+FLAGS.SILENT (\\Deleted)').storeAtt(), { op: 'add', silent: true, flags: ['\\Deleted'] });
    assert.deepEqual(c('-flags \\Seen $Foo').storeAtt(), { op: 'remove', silent: false, flags: ['\\Seen', '$Foo'] });
    assert.deepEqual(c('FLAGS ()').storeAtt(), { op: 'replace', silent: false, flags: [] });
    bad(() => c('+FLAG (\\Seen)').storeAtt());
    bad(() => c('FLAGS').storeAtt());
    assert.deepEqual(c('(UIDNEXT messages)').statusAtts(), ['UIDNEXT', 'MESSAGES']);
    bad(() => c('()').statusAtts());
    bad(() => c('(SIZES)').statusAtts(), /SIZES/);
  });
});

describe('LIST-EXTENDED syntax (RFC 5258 §6, RFC 5819, RFC 6154 §6)', () => {
  const none = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  it('list-select-opts: any order, any case; RECURSIVEMATCH needs SUBSCRIBED', () => {
    assert.deepEqual(c('()').listSelectOpts(), none);
    assert.deepEqual(c('(remote)').listSelectOpts(), { ...none, remote: true });
    assert.deepEqual(c('(RECURSIVEMATCH subscribed)').listSelectOpts(), { ...none, subscribed: true, recursiveMatch: true });
    assert.deepEqual(c('(SPECIAL-USE SUBSCRIBED)').listSelectOpts(), { ...none, subscribed: true, specialUse: true });
    bad(() => c('(RECURSIVEMATCH)').listSelectOpts(), /RECURSIVEMATCH/);
    bad(() => c('(REMOTE RECURSIVEMATCH)').listSelectOpts(), /RECURSIVEMATCH/);
    bad(() => c('(SPECIAL-USE RECURSIVEMATCH)').listSelectOpts(), /RECURSIVEMATCH/);
    bad(() => c('(CHILDREN)').listSelectOpts(), /CHILDREN/);
    bad(() => c('(SUBSCRIBED').listSelectOpts());
  });
  it('mbox-or-pat: one pattern or a parenthesised list of them', () => {
    assert.deepEqual(c('%').mboxOrPat(), ['%']);
    assert.deepEqual(c('("INBOX" Drafts "Sent/%")').mboxOrPat(), ['INBOX', 'Drafts', 'Sent/%']);
    assert.deepEqual(withLiterals('(«a b» *)').mboxOrPat(), ['a b', '*']);
    bad(() => c('()').mboxOrPat());
    bad(() => c('(a').mboxOrPat());
  });
  it('list-return-opts: SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS (atts)', () => {
    const r = { subscribed: false, children: false, specialUse: false, status: null };
    assert.deepEqual(c('RETURN ()').listReturnOpts(), r);
    assert.deepEqual(c('return (children SUBSCRIBED special-use)').listReturnOpts(),
      { ...r, subscribed: true, children: true, specialUse: true });
    assert.deepEqual(c('RETURN (STATUS (MESSAGES UNSEEN))').listReturnOpts(), { ...r, status: ['MESSAGES', 'UNSEEN'] });
    bad(() => c('RETURN (STATUS (MESSAGES) STATUS (UNSEEN))').listReturnOpts(), /twice/);
    bad(() => c('RETURN (STATUS)').listReturnOpts());
    bad(() => c('RETURN (REMOTE)').listReturnOpts(), /REMOTE/);
    bad(() => c('RETURNS ()').listReturnOpts(), /RETURN/);
  });
});

describe('CONDSTORE syntax (RFC 7162 §7)', () => {
  it('mod-sequence-value and -valzer: positive 63-bit, 0 only where allowed, capped at 2^53 - 1', () => {
    assert.equal(c('1823000000000001').modSequence(false), 1823000000000001);
    assert.equal(c('0').modSequence(true), 0);
    bad(() => c('0').modSequence(false), /0/);
    assert.equal(c('9223372036854775807').modSequence(false), Number.MAX_SAFE_INTEGER);
    bad(() => c('9223372036854775808').modSequence(false), /range/);
    bad(() => c('123456789012345678901').modSequence(true), /range/);
    bad(() => c('x').modSequence(true));
  });

  it('select-params, fetch-modifiers, store-modifiers', () => {
    assert.deepEqual(c('(condstore)').selectParams(), { condstore: true, qresync: null });
    bad(() => c('()').selectParams());
    bad(() => c('(CONDSTORE CONDSTORE)').selectParams(), /twice/);
    // 0 is taken (iPhone Mail sends it; see fetchModifiers), and means every message.
    assert.deepEqual(c('(CHANGEDSINCE 0)').fetchModifiers(), { changedSince: 0, vanished: false });
    assert.deepEqual(c('(VANISHED CHANGEDSINCE 0)').fetchModifiers(), { changedSince: 0, vanished: true });
    bad(() => c('(CHANGEDSINCE)').fetchModifiers());
    bad(() => c('(VANISHED)').fetchModifiers(), /VANISHED/);
    assert.deepEqual(c('(CHANGEDSINCE 12345)').fetchModifiers(), { changedSince: 12345, vanished: false });
    bad(() => c('(CHANGEDSINCE 1 CHANGEDSINCE 2)').fetchModifiers(), /twice/);
    assert.deepEqual(c('(unchangedsince 0)').storeModifiers(), { unchangedSince: 0 });
    assert.deepEqual(c('(UNCHANGEDSINCE 320162338)').storeModifiers(), { unchangedSince: 320162338 });
    bad(() => c('(UNCHANGEDSINCE -1)').storeModifiers());
    bad(() => c('(UNCHANGEDSINCE 5').storeModifiers(), /"\)"/);
  });

  it('QRESYNC select-param: uidvalidity, mod-sequence, known-uids, seq-match-data, no "*"', () => {
    const q = (t: string) => c(t).selectParams().qresync;
    assert.deepEqual(q('(QRESYNC (67890007 715194045000))'),
      { uidValidity: 67890007, modseq: 715194045000, knownUids: null, seqMatch: null });
    const k = q('(qresync (67890007 715194045000 41,43:211,214:541))');
    assert.equal(k?.knownUids?.toString(), '41,43:211,214:541');
    assert.equal(k?.seqMatch, null);
    const m = q('(QRESYNC (67890007 715194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))');
    assert.equal(m?.knownUids?.toString(), '1:29997');
    assert.equal(m?.seqMatch?.seqs.toString(), '5000,7500,9000,9990:9999');
    assert.equal(m?.seqMatch?.uids.toString(), '15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997');
    // seq-match-data without known-uids, and with CONDSTORE beside it.
    const s = c('(CONDSTORE QRESYNC (1 2 (1:2 5,7)))').selectParams();
    assert.equal(s.condstore, true);
    assert.equal(s.qresync?.knownUids, null);
    assert.equal(s.qresync?.seqMatch?.uids.toString(), '5,7');
    bad(() => c('(QRESYNC (1 2 1:*))').selectParams(), /\*/);
    bad(() => c('(QRESYNC (1 2 1:5 (1:* 1:5)))').selectParams(), /\*/);
    bad(() => c('(QRESYNC (0 2))').selectParams());
    bad(() => c('(QRESYNC (1 0))').selectParams(), /0/);
    bad(() => c('(QRESYNC (1))').selectParams());
    bad(() => c('(QRESYNC)').selectParams());
    bad(() => c('(QRESYNC (1 2 3 ))').selectParams());
    bad(() => c('(QRESYNC (1 2(1 2)))').selectParams());
    bad(() => c('(QRESYNC (1 2 (1)))').selectParams());
    bad(() => c('(QRESYNC (1 2) QRESYNC (1 2))').selectParams(), /twice/);
    // The Nth message number pairs with the Nth UID, both ascending (RFC 7162 §3.2.5.2); a range either way round.
    assert.equal(q('(QRESYNC (1 2 (4:2,9 8,10:11,20)))')?.seqMatch?.seqs.toString(), '4:2,9');
    bad(() => c('(QRESYNC (1 2 1:5 (1:3 1,4)))').selectParams(), /size/);
    bad(() => c('(QRESYNC (1 2 (2,1 4,5)))').selectParams(), /ascending/);
    bad(() => c('(QRESYNC (1 2 (1,2 4,4)))').selectParams(), /ascending/);
    bad(() => c('(QRESYNC (1 2 (1:2,2 1,4:5)))').selectParams(), /ascending/);
  });

  it('fetch-modifier VANISHED: only with CHANGEDSINCE', () => {
    assert.deepEqual(c('(CHANGEDSINCE 12345 VANISHED)').fetchModifiers(), { changedSince: 12345, vanished: true });
    assert.deepEqual(c('(vanished changedsince 7)').fetchModifiers(), { changedSince: 7, vanished: true });
    bad(() => c('(VANISHED)').fetchModifiers(), /CHANGEDSINCE/);
    bad(() => c('(VANISHED VANISHED CHANGEDSINCE 1)').fetchModifiers(), /twice/);
    bad(() => c('(CHANGEDSINCE 1 VANISHED 2)').fetchModifiers());
  });

  it('fetch-att PREVIEW and PREVIEW (LAZY) (RFC 8970 §6)', () => {
    const atts = (t: string): unknown => {
      const cur = c(t);
      const a = cur.fetchAtts();
      const mods = cur.maybeSp() ? cur.fetchModifiers() : null;
      cur.end();
      return mods === null ? a : [a, mods];
    };
    // RFC 8970 §5's examples.
    assert.deepEqual(atts('(RFC822.SIZE PREVIEW)'), [{ kind: 'RFC822.SIZE' }, { kind: 'PREVIEW', lazy: false }]);
    assert.deepEqual(atts('(ENVELOPE PREVIEW (LAZY))'), [{ kind: 'ENVELOPE' }, { kind: 'PREVIEW', lazy: true }]);
    assert.deepEqual(atts('(preview (lazy) UID)'), [{ kind: 'PREVIEW', lazy: true }, { kind: 'UID' }]);
    assert.deepEqual(atts('(PREVIEW (LAZY LAZY))'), [{ kind: 'PREVIEW', lazy: true }]);
    assert.deepEqual(atts('PREVIEW'), [{ kind: 'PREVIEW', lazy: false }]);
    // Alone, outside a list: "(" LAZY is PREVIEW's; any other "(" opens FETCH's modifiers (RFC 4466).
    assert.deepEqual(atts('PREVIEW (LAZY)'), [{ kind: 'PREVIEW', lazy: true }]);
    assert.deepEqual(atts('PREVIEW (CHANGEDSINCE 5)'), [[{ kind: 'PREVIEW', lazy: false }], { changedSince: 5, vanished: false }]);
    assert.deepEqual(atts('(PREVIEW (LAZY)) (CHANGEDSINCE 5)'), [[{ kind: 'PREVIEW', lazy: true }], { changedSince: 5, vanished: false }]);
    bad(() => atts('(PREVIEW (FUZZY))'), /Unknown PREVIEW modifier FUZZY/);
    bad(() => atts('(PREVIEW (LAZY FUZZY))'), /Unknown PREVIEW modifier FUZZY/);
    bad(() => atts('(PREVIEW ())'));
    bad(() => atts('(PREVIEW (LAZY)'));
    bad(() => atts('(PREVIEW LAZY)'));
    bad(() => atts('PREVIEW (FUZZY)'), /Unknown FETCH modifier FUZZY/);
    bad(() => atts('PREVIEW.LAZY'));
  });

  it('fetch-att MODSEQ, status-att HIGHESTMODSEQ', () => {
    assert.deepEqual(c('(UID MODSEQ)').fetchAtts(), [{ kind: 'UID' }, { kind: 'MODSEQ' }]);
    assert.deepEqual(c('(MESSAGES HIGHESTMODSEQ)').statusAtts(), ['MESSAGES', 'HIGHESTMODSEQ']);
  });

  it('search-modsequence, with and without an entry', () => {
    const key = (t: string): unknown => {
      const cur = c(t);
      const k = cur.searchKey();
      cur.end();
      return k;
    };
    assert.deepEqual(key('MODSEQ 620162338'), { key: 'MODSEQ', modseq: 620162338 });
    assert.deepEqual(key('MODSEQ 0'), { key: 'MODSEQ', modseq: 0 });
    assert.deepEqual(key('modseq "/flags/\\\\draft" all 620162338'), { key: 'MODSEQ', modseq: 620162338 });
    assert.deepEqual(key('MODSEQ "/flags/$Junk" priv 7'), { key: 'MODSEQ', modseq: 7 });
    assert.deepEqual(key('NOT MODSEQ "/flags/\\\\Seen" shared 7'), { key: 'NOT', operand: { key: 'MODSEQ', modseq: 7 } });
    bad(() => key('MODSEQ'));
    bad(() => key('MODSEQ "/flags/\\\\Seen" 7'), /entry type/);
    bad(() => key('MODSEQ "/flags/\\\\Seen" private 7'), /entry type/);
    bad(() => key('MODSEQ "/shared/comment" all 7'), /entry name/);
    bad(() => key('MODSEQ "/flags/" all 7'), /entry name/);
  });
});

describe('OBJECTID (RFC 8474 §7) and SAVEDATE (RFC 8514 §5) syntax', () => {
  const key = (t: string): unknown => {
    const cur = c(t);
    const k = cur.searchKey();
    cur.end();
    return k;
  };
  it('fetch-att EMAILID, THREADID, SAVEDATE; status-att MAILBOXID', () => {
    assert.deepEqual(c('(emailid THREADID SaveDate UID)').fetchAtts(),
      [{ kind: 'EMAILID' }, { kind: 'THREADID' }, { kind: 'SAVEDATE' }, { kind: 'UID' }]);
    assert.deepEqual(c('SAVEDATE').fetchAtts(), [{ kind: 'SAVEDATE' }]);
    assert.deepEqual(c('(MESSAGES mailboxid)').statusAtts(), ['MESSAGES', 'MAILBOXID']);
    bad(() => c('(MAILBOXID)').fetchAtts(), /Unknown fetch attribute MAILBOXID/);
    bad(() => c('(EMAILID)').statusAtts(), /Unknown status attribute EMAILID/);
  });

  it('search-key EMAILID/THREADID objectid: 1-255 of ALPHA DIGIT "_" "-", kept as written (case-sensitive)', () => {
    assert.deepEqual(key('EMAILID M6d99ac3275bb4e'), { key: 'EMAILID', id: 'M6d99ac3275bb4e' });
    assert.deepEqual(key('threadid T-_9'), { key: 'THREADID', id: 'T-_9' });
    assert.deepEqual(key('EMAILID ' + 'a'.repeat(255)), { key: 'EMAILID', id: 'a'.repeat(255) });
    assert.deepEqual(key('NOT EMAILID x'), { key: 'NOT', operand: { key: 'EMAILID', id: 'x' } });
    bad(() => key('EMAILID ' + 'a'.repeat(256)), /Invalid object id/);
    bad(() => key('EMAILID M.1'), /Invalid object id/);
    bad(() => key('EMAILID M+1'), /Invalid object id/);
    bad(() => key('EMAILID "M1"'), /object id/);
    bad(() => key('EMAILID'));
    bad(() => key('THREADID '));
  });

  it('search-key SAVEDBEFORE/SAVEDON/SAVEDSINCE date, SAVEDATESUPPORTED', () => {
    assert.deepEqual(key('SAVEDON 28-Dec-2014'), { key: 'SAVEDON', date: { year: 2014, month: 12, day: 28 } });
    assert.deepEqual(key('savedsince "1-Jan-2015"'), { key: 'SAVEDSINCE', date: { year: 2015, month: 1, day: 1 } });
    assert.deepEqual(key('SAVEDBEFORE 01-Jan-2015'), { key: 'SAVEDBEFORE', date: { year: 2015, month: 1, day: 1 } });
    assert.deepEqual(key('SAVEDATESUPPORTED'), { key: 'SAVEDATESUPPORTED' });
    bad(() => key('SAVEDON'));
    bad(() => key('SAVEDON 31-Foo-2014'));
    bad(() => key('SAVEDATE'), /Unknown search key/);
  });
});

describe('QUOTA and METADATA syntax (RFC 9208 §7, RFC 5464 §5)', () => {
  it('status-att DELETED and DELETED-STORAGE', () => {
    assert.deepEqual(c('(DELETED deleted-storage MESSAGES)').statusAtts(), ['DELETED', 'DELETED-STORAGE', 'MESSAGES']);
    bad(() => c('(DELETED-STORAGES)').statusAtts(), /DELETED-STORAGES/);
    bad(() => c('(DELETED-)').statusAtts());
  });

  it('setquota-list: resource names uppercased, number64 limits', () => {
    assert.deepEqual(c('()').setquotaList(), []);
    assert.deepEqual(c('(storage 512 MESSAGE 9223372036854775807)').setquotaList(),
      [{ resource: 'STORAGE', limit: 512 }, { resource: 'MESSAGE', limit: Number.MAX_SAFE_INTEGER }]);
    bad(() => c('(STORAGE)').setquotaList());
    bad(() => c('STORAGE 512').setquotaList());
    bad(() => c('(STORAGE 9223372036854775808)').setquotaList());
  });

  it('getmetadata-options: MAXSIZE and DEPTH once each, nothing else', () => {
    assert.deepEqual(c('(MAXSIZE 1024 depth INFINITY)').getmetadataOptions(), { maxSize: 1024, depth: 'infinity' });
    assert.deepEqual(c('(DEPTH 1)').getmetadataOptions(), { maxSize: null, depth: '1' });
    bad(() => c('(DEPTH 2)').getmetadataOptions());
    bad(() => c('(MAXSIZE 1 MAXSIZE 2)').getmetadataOptions(), /twice/);
    bad(() => c('(SCOPE 1)').getmetadataOptions());
    bad(() => c('()').getmetadataOptions());
  });

  it('entry names: /private or /shared, lowercased; no wildcards, "//" or trailing "/" (RFC 5464 §3.2)', () => {
    assert.deepEqual(c('/shared/Comment').metadataEntries(), ['/shared/comment']);
    assert.deepEqual(c('("/private/a" /shared)').metadataEntries(), ['/private/a', '/shared']);
    for (const e of ['/comment', '/shared/*', '/private/%', '/private//x', '/private/x/', 'shared/x', '"/private/a b"', '""']) {
      bad(() => c(e).metadataEntries());
    }
  });

  it('entry-values: nstring or literal8 values, NIL removes', () => {
    assert.deepEqual(c('(/private/a "x" /private/b NIL)').metadataEntryValues(),
      [{ entry: '/private/a', value: Buffer.from('x') }, { entry: '/private/b', value: null }]);
    bad(() => c('()').metadataEntryValues());
    bad(() => c('(/private/a)').metadataEntryValues());
  });
});

describe('search', () => {
  const set = (t: string): SequenceSet => c(t).seqSet();
  const table: [string, SearchCommand][] = [
    [' FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"', { returnOpts: null, charset: null, keys: [
      { key: 'FLAGGED' }, { key: 'SINCE', date: { year: 1994, month: 2, day: 1 } },
      { key: 'NOT', operand: { key: 'FROM', value: b('Smith') } }] }],
    [' TEXT "string not in mailbox"', { returnOpts: null, charset: null, keys: [{ key: 'TEXT', value: b('string not in mailbox') }] }],
    [' CHARSET UTF-8 OR (NEW UNKEYWORD $x) 1:3,*', { returnOpts: null, charset: 'UTF-8', keys: [{ key: 'OR',
      left: { key: 'AND', operands: [{ key: 'NEW' }, { key: 'UNKEYWORD', flag: '$x' }] },
      right: { key: 'SEQ', set: SequenceSet.of([{ first: 1, last: 3 }, { first: '*', last: '*' }]) } }] }],
    [' RETURN (MIN COUNT min) UID 2:* LARGER 100 smaller 4294967295', { returnOpts: { opts: ['MIN', 'COUNT'], partial: null }, charset: null,
      keys: [{ key: 'UID', set: set('2:*') }, { key: 'LARGER', size: 100 }, { key: 'SMALLER', size: 4294967295 }] }],
    [' RETURN () $', { returnOpts: { opts: ['ALL'], partial: null }, charset: null, keys: [{ key: 'UID', set: '$' }] }],
    // RFC 5182 §4.1's examples: SAVE alone, with MIN/MAX, and "$" used as a key (bare, after UID, under OR/NOT).
    [' RETURN (SAVE) FLAGGED', { returnOpts: { opts: ['SAVE'], partial: null }, charset: null, keys: [{ key: 'FLAGGED' }] }],
    [' RETURN (MIN MAX SAVE) UNSEEN', { returnOpts: { opts: ['MIN', 'MAX', 'SAVE'], partial: null }, charset: null, keys: [{ key: 'UNSEEN' }] }],
    [' return (save all) or $ 1:3 not uid $', { returnOpts: { opts: ['SAVE', 'ALL'], partial: null }, charset: null, keys: [
      { key: 'OR', left: { key: 'UID', set: '$' }, right: { key: 'SEQ', set: set('1:3') } },
      { key: 'NOT', operand: { key: 'UID', set: '$' } }] }],
    [' UNSEEN YOUNGER 259200 OLDER 1', { returnOpts: null, charset: null, keys: [{ key: 'UNSEEN' },
      { key: 'YOUNGER', seconds: 259200 }, { key: 'OLDER', seconds: 1 }] }],
    [' HEADER X-Foo "" SENTBEFORE "3-Mar-2020" DRAFT UNDRAFT OLD ALL (SEEN)', { returnOpts: null, charset: null, keys: [
      { key: 'HEADER', field: 'X-Foo', value: b('') }, { key: 'SENTBEFORE', date: { year: 2020, month: 3, day: 3 } },
      { key: 'DRAFT' }, { key: 'UNDRAFT' }, { key: 'OLD' }, { key: 'ALL' }, { key: 'AND', operands: [{ key: 'SEEN' }] }] }],
    [' answered deleted flagged recent undeleted unanswered unflagged keyword Junk bcc a cc b to c subject d body e on 1-Jan-2000 sentsince 2-Jan-2000 senton 3-Jan-2000 before 4-Jan-2000',
      { returnOpts: null, charset: null, keys: [{ key: 'ANSWERED' }, { key: 'DELETED' }, { key: 'FLAGGED' }, { key: 'RECENT' },
        { key: 'UNDELETED' }, { key: 'UNANSWERED' }, { key: 'UNFLAGGED' }, { key: 'KEYWORD', flag: 'Junk' },
        { key: 'BCC', value: b('a') }, { key: 'CC', value: b('b') }, { key: 'TO', value: b('c') },
        { key: 'SUBJECT', value: b('d') }, { key: 'BODY', value: b('e') },
        { key: 'ON', date: { year: 2000, month: 1, day: 1 } }, { key: 'SENTSINCE', date: { year: 2000, month: 1, day: 2 } },
        { key: 'SENTON', date: { year: 2000, month: 1, day: 3 } }, { key: 'BEFORE', date: { year: 2000, month: 1, day: 4 } }] }],
  ];
  for (const [text, want] of table) {
    it(`SEARCH${text.slice(0, 60)}`, () => {
      const cur = c(text);
      assert.deepEqual(cur.search(), want);
      cur.end();
    });
  }
  it('IMAP4rev2 (RFC 9051 Appendix E): NEW, OLD, RECENT and STATUS RECENT are syntax errors; the rest is the same', () => {
    const r2 = (t: string): ArgCursor => new ArgCursor([{ kind: 'text', bytes: Buffer.from(t, 'latin1') }], { rev2: true });
    for (const k of ['NEW', 'old', 'RECENT']) bad(() => r2(` UNSEEN NOT ${k}`).search(), new RegExp(`${k.toUpperCase()} is not in IMAP4rev2`));
    bad(() => r2(' OR SEEN (RECENT)').search(), /RECENT is not in IMAP4rev2/);
    bad(() => r2('(MESSAGES RECENT)').statusAtts(), /STATUS RECENT is not in IMAP4rev2/);
    assert.deepEqual(r2('(MESSAGES DELETED SIZE)').statusAtts(), ['MESSAGES', 'DELETED', 'SIZE']);
    assert.deepEqual(r2(' UNSEEN DELETED').search().keys, [{ key: 'UNSEEN' }, { key: 'DELETED' }]);
    assert.deepEqual(c(' NEW OLD RECENT').search().keys, [{ key: 'NEW' }, { key: 'OLD' }, { key: 'RECENT' }]);
  });
  it('$ is the saved result (RFC 5182), bare or after UID, and UIDs either way', () => {
    const cur = c(' $ UID $');
    assert.deepEqual(cur.search().keys, [{ key: 'UID', set: '$' }, { key: 'UID', set: '$' }]);
    cur.end();
  });
  it('search-return-opts: null without RETURN (nothing consumed), ALL for (), each option once', () => {
    const none = c('(DATE)');
    assert.equal(none.searchReturnOpts(), null);
    assert.ok(none.lookingAt('('));
    assert.deepEqual(c('RETURN ()').searchReturnOpts(), { opts: ['ALL'], partial: null });
    assert.deepEqual(c('RETURN (count SAVE Count min)').searchReturnOpts(), { opts: ['COUNT', 'SAVE', 'MIN'], partial: null });
    bad(() => c('RETURN (FOO)').searchReturnOpts(), /Unknown search return option FOO/);
    bad(() => c('RETURN MIN').searchReturnOpts());
  });
  it('RFC 5267 §4: CONTEXT, UPDATE and PARTIAL with its range (as given, 500:400 too), each once', () => {
    assert.deepEqual(c('RETURN (UPDATE)').searchReturnOpts(), { opts: ['UPDATE'], partial: null });
    assert.deepEqual(c('RETURN (context count update)').searchReturnOpts(),
      { opts: ['CONTEXT', 'COUNT', 'UPDATE'], partial: null });
    assert.deepEqual(c('RETURN (PARTIAL 1:500)').searchReturnOpts(), { opts: ['PARTIAL'], partial: { first: 1, last: 500 } });
    assert.deepEqual(c('RETURN (UPDATE partial 500:400 MIN)').searchReturnOpts(),
      { opts: ['UPDATE', 'PARTIAL', 'MIN'], partial: { first: 500, last: 400 } });
    const whole = c(' RETURN (PARTIAL 4294967295:1) ALL');
    assert.deepEqual(whole.search().returnOpts, { opts: ['PARTIAL'], partial: { first: 4294967295, last: 1 } });
    whole.end();
    // partial-range = nz-number ":" nz-number: no 0, no "*", no single number, no missing range.
    for (const t of ['PARTIAL 0:5', 'PARTIAL 1:0', 'PARTIAL 1:*', 'PARTIAL *:1', 'PARTIAL 7', 'PARTIAL', 'PARTIAL -1:-5',
      'PARTIAL 1:4294967296', 'PARTIAL  1:5']) bad(() => c(`RETURN (${t})`).searchReturnOpts());
    // "A single command MUST NOT contain more than one PARTIAL or ALL search return option" (§4.4).
    bad(() => c('RETURN (PARTIAL 1:5 PARTIAL 6:9)').searchReturnOpts(), /twice/);
    bad(() => c('RETURN (PARTIAL 1:5 ALL)').searchReturnOpts(), /PARTIAL and ALL/);
    bad(() => c('RETURN (ALL PARTIAL 1:5)').searchReturnOpts(), /PARTIAL and ALL/);
  });
  it('parsed programs compile with lib/mail (one SearchKey type for both layers)', () => {
    for (const [text] of table) {
      const cmd = c(text).search();
      assert.ok(compileSearch(cmd.keys, cmd.charset ?? 'US-ASCII'));
    }
  });
  it('literal arguments', () => {
    const cur = withLiterals(' CHARSET UTF-8 SUBJECT «caf\xc3\xa9» BODY «x\r\ny»');
    assert.deepEqual(cur.search().keys, [{ key: 'SUBJECT', value: b('caf\xc3\xa9') }, { key: 'BODY', value: b('x\r\ny') }]);
    cur.end();
  });
  for (const text of [' ', ' FOO', ' FROM', ' (SEEN', ' OR SEEN', ' SINCE 1-Foo-2000', ' RETURN (MIN', ' RETURN (FOO) ALL',
    ' SEEN  DELETED', ' OLDER 0', ' 1,$', ' $,1', ' $:3', ' UID 1:$', ' UID $$', ' RETURN (SAVE CONTEXTS) ALL', ' RETURN (PARTIAL 1:2 ALL) ALL', ' ()', ' ' + '('.repeat(100) + 'ALL' + ')'.repeat(100), ' ' + 'NOT '.repeat(100) + 'ALL']) {
    it(`refuses SEARCH${text.slice(0, 30)}`, () => bad(() => { const cur = c(text); cur.search(); cur.end(); }));
  }
});

describe('properties', () => {
  it('SequenceSet.ranges agrees with a naive expansion', () => {
    const num = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant('*' as const));
    fc.assert(fc.property(fc.array(fc.record({ first: num, last: num }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 25 }), (items, max) => {
        const set = SequenceSet.of(items);
        const want = new Set<number>();
        for (const r of items) {
          const a = r.first === '*' ? max : r.first;
          const z = r.last === '*' ? max : r.last;
          for (let n = Math.min(a, z); n <= Math.max(a, z); n++) if (n >= 1 && n <= max) want.add(n);
        }
        const got = [...set.numbers(max)];
        assert.deepEqual(got, [...want].sort((x, y) => x - y));
        assert.equal(set.count(max), want.size);
        const matches = set.matcher(max);
        for (let n = 0; n <= max + 1; n++) {
          assert.equal(set.has(n, max), want.has(n));
          assert.equal(matches(n), want.has(n));
        }
        assert.equal(c(set.toString()).seqSet().toString(), set.toString());
        const again = SequenceSet.fromNumbers(got);
        assert.deepEqual(again === null ? [] : [...again.numbers(max)], got);
      }), { numRuns: 500 });
  });

  it('any input either parses or throws ParseError (never anything else)', () => {
    const alphabet = fc.constantFrom(...'() []<>{}."\\*%$:,+-~0123456789 AaBCDEFHILNOPRSTUXY\r\n\0\xff'.split(''));
    const rules: ((x: ArgCursor) => unknown)[] = [
      (x) => x.search(), (x) => x.fetchAtts(), (x) => x.storeAtt(), (x) => x.statusAtts(), (x) => x.dateTime(),
      (x) => x.seqSet(), (x) => x.flagList(), (x) => x.astring(), (x) => x.listMailbox(), (x) => x.date(),
      (x) => x.selectParams(), (x) => x.fetchModifiers(), (x) => x.storeModifiers(),
    ];
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 40 }), fc.integer({ min: 0, max: rules.length - 1 }),
      (text, r) => {
        try {
          rules[r]!(c(text));
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }), { numRuns: 5000 });
  });
});

describe('append-message and CATENATE (RFC 4466 §3, RFC 4469 §5, RFC 8508)', () => {
  /**
   * The command `wire` as the session gets it: read by the fragmentizer from a stream fed whole or one byte at a
   * time, then parsed with `parse` from after the command name.
   */
  async function parsed<T>(wire: string, step: number, parse: (a: ArgCursor) => T): Promise<T> {
    const s = new PassThrough();
    const src = new LineInput(s, 1000);
    const bytes = Buffer.from(wire, 'latin1');
    const feed = (async () => {
      for (let i = 0; i < bytes.length; i += step) {
        s.write(bytes.subarray(i, i + step));
        await new Promise((r) => setImmediate(r));
      }
      s.end();
    })();
    const cmd = await readCommand(src, {
      maxLiteral: () => 1000, maxCommand: 10_000, maxLiterals: 20, maxDiscard: 1000, onContinuation: async () => {},
    });
    await feed;
    assert.ok(cmd !== null);
    const a = new ArgCursor(cmd);
    a.tag();
    a.sp();
    const name = a.atom().toUpperCase();
    if (name === 'UID') {
      a.sp();
      a.atom();
    }
    return parse(a);
  }
  const append = (a: ArgCursor): { mailbox: string; messages: AppendMessageArg[] } => {
    a.sp();
    const mailbox = a.mailbox();
    const messages: AppendMessageArg[] = [];
    while (a.maybeSp()) messages.push(a.appendMessage());
    a.end();
    return { mailbox, messages };
  };
  const replace = (a: ArgCursor): { target: number | '*'; mailbox: string; message: AppendMessageArg } => {
    a.sp();
    const target = a.seqNumber();
    a.sp();
    const mailbox = a.mailbox();
    a.sp();
    const message = a.appendMessage();
    a.end();
    return { target, mailbox, message };
  };
  /** The parts without their Buffers (TEXT as latin1 text), for comparison. */
  const plain = (m: AppendMessageArg): unknown => ({
    flags: m.flags, date: m.date?.epochMs ?? null,
    data: m.data.kind === 'literal' ? { literal: m.data.bytes.toString('latin1'), binary: m.data.binary }
      : m.data.parts.map((p) => (p.kind === 'url' ? { url: p.url } : { text: p.bytes.toString('latin1'), binary: p.binary })),
  });

  for (const step of [1 << 20, 1]) {
    const how = step === 1 ? 'one byte at a time' : 'whole';
    it(`RFC 4469 example 1, synchronizing and LITERAL+ TEXT, literal URL (${how})`, async () => {
      const wire = 'A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE' +
        ' (URL "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER" TEXT {42}\r\n' +
        '\r\n--------------030308070208000400050907\r\n' +
        ' URL "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME" url {52+}\r\n' +
        '/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.5.9 text {2+}\r\nx\n)\r\n';
      const r = await parsed(wire, step, append);
      assert.equal(r.mailbox, 'Drafts');
      assert.deepEqual(r.messages.map(plain), [{
        flags: ['\\Seen', '\\Draft', '$MDNSent'], date: null, data: [
          { url: '/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER' },
          { text: '\r\n--------------030308070208000400050907\r\n', binary: false },
          { url: '/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME' },
          { url: '/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.5.9' },
          { text: 'x\n', binary: false },
        ],
      }]);
    });

    it(`MULTIAPPEND with CATENATE, a literal8 TEXT and date-time (${how})`, async () => {
      const wire = 'a APPEND INBOX () " 1-Jan-2025 00:05:00 -0500" CATENATE (TEXT ~{3+}\r\na\0b URL /INBOX/;UID=1)' +
        ' {2+}\r\nhi (\\Flagged) ~{1}\r\n\0\r\n';
      const r = await parsed(wire, step, append);
      assert.deepEqual(r.messages.map(plain), [
        { flags: [], date: Date.UTC(2025, 0, 1, 5, 5), data: [{ text: 'a\0b', binary: true }, { url: '/INBOX/;UID=1' }] },
        { flags: [], date: null, data: { literal: 'hi', binary: false } },
        { flags: ['\\Flagged'], date: null, data: { literal: '\0', binary: true } },
      ]);
    });

    it(`APPEND's UTF8 data item, alone and in CATENATE (RFC 6855 §4) (${how})`, async () => {
      const r = await parsed('a APPEND INBOX (\\Seen) UTF8 (~{4+}\r\n\xc3\xa9\r\n) utf8 (~{1}\r\nx)' +
        ' CATENATE (UTF8 (~{2+}\r\nab) URL "/INBOX/;UID=1")\r\n', step, append);
      assert.deepEqual(r.messages.map(plain), [
        // Each a literal8 (binary: its octets kept as they are, as APPEND keeps a literal8's).
        { flags: ['\\Seen'], date: null, data: { literal: '\xc3\xa9\r\n', binary: true } },
        { flags: [], date: null, data: { literal: 'x', binary: true } },
        { flags: [], date: null, data: [{ text: 'ab', binary: true }, { url: '/INBOX/;UID=1' }] },
      ]);
      for (const wire of ['a APPEND INBOX UTF8 ~{1+}\r\nx\r\n', 'a APPEND INBOX UTF8 (~{1+}\r\nx\r\n',
        'a APPEND INBOX UTF8 ("x")\r\n', 'a APPEND INBOX UTF8\r\n']) {
        await assert.rejects(parsed(wire, step, append), (e: unknown) => e instanceof ParseError, wire);
      }
    });

    it(`REPLACE and UID REPLACE (${how})`, async () => {
      const r = await parsed('A003 REPLACE 4 Drafts (\\Seen \\Draft) {5}\r\nSubj.\r\n', step, replace);
      assert.deepEqual({ ...r, message: plain(r.message) },
        { target: 4, mailbox: 'Drafts', message: { flags: ['\\Seen', '\\Draft'], date: null, data: { literal: 'Subj.', binary: false } } });
      const u = await parsed('b uid replace * "Sent Items" catenate (url "/INBOX/;UID=7" TEXT {0+}\r\n)\r\n', step, replace);
      assert.deepEqual({ ...u, message: plain(u.message) },
        { target: '*', mailbox: 'Sent Items', message: { flags: [], date: null, data: [{ url: '/INBOX/;UID=7' }, { text: '', binary: false }] } });
    });

    it(`refuses what the grammar does not allow (${how})`, async () => {
      const refused: [string, (a: ArgCursor) => unknown][] = [
        ['a APPEND INBOX CATENATE ()\r\n', append],
        ['a APPEND INBOX CATENATE (TEXT "quoted")\r\n', append],
        ['a APPEND INBOX CATENATE (URL)\r\n', append],
        ['a APPEND INBOX CATENATE (FILE x)\r\n', append],
        ['a APPEND INBOX CATENATE (URL x  URL y)\r\n', append],
        ['a APPEND INBOX CATENATE (URL x\r\n', append],
        ['a APPEND INBOX CATENATE URL x\r\n', append],
        ['a APPEND INBOX CATENATE\r\n', append],
        ['a APPEND INBOX "x" {1+}\r\nx\r\n', append],
        ['a REPLACE 1 INBOX\r\n', replace],
        ['a REPLACE 0 INBOX {1+}\r\nx\r\n', replace],
        ['a REPLACE 1:2 INBOX {1+}\r\nx\r\n', replace],
        ['a REPLACE 1 INBOX {1+}\r\nx {1+}\r\ny\r\n', replace],
      ];
      for (const [wire, parse] of refused) {
        await assert.rejects(parsed(wire, step, parse), (e: unknown) => e instanceof ParseError, wire);
      }
    });
  }
});
