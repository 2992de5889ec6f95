/**
 * RFC 5256: base subject extraction (§2.1 rules one by one), SORT keys with REVERSE and the sequence-number
 * tiebreak, addr-mailbox extraction, THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (linking, dummies, pruning,
 * subject merging, loops, duplicate Message-IDs) and the §4 response syntax with the RFC's own examples.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseSubject } from '../../lib/mail/base-subject.js';
import { displayAddress, firstMailbox, sortMessages, type SortCriterion } from '../../lib/mail/sort.js';
import { renderThreads, threadOrderedSubject, threadReferences, type ThreadNode } from '../../lib/mail/thread.js';

describe('base subject (RFC 5256 §2.1)', () => {
  const cases: [string, string, boolean][] = [
    ['hello', 'hello', false],
    ['Re: hello', 'hello', true],
    ['RE: Re: re:hello', 'hello', true],
    ['Fwd: hello', 'hello', true],
    ['Fw: hello', 'hello', true],
    ['Re : hello', 'hello', true],
    ['Re[2]: hello', 'hello', true],
    ['Re [2]: hello', 'hello', true],
    ['[PATCH] hello', 'hello', false],
    ['[PATCH]', '[PATCH]', false],
    ['[a] [b] Re: hello', 'hello', true],
    ['Re: [list] Re: hello (fwd)', 'hello', true],
    ['hello (fwd)', 'hello', true],
    ['hello (FWD) (fwd)  ', 'hello', true],
    ['[fwd: hello world]', 'hello world', true],
    ['[Fwd: Re: [list] hello]', 'hello', true],
    ['  hello \t  world  ', 'hello world', false],
    ['Rectangle: x', 'Rectangle: x', false],
    ['Re hello', 'Re hello', false],
    ['[café] hello', '[café] hello', false],
    ['', '', false],
    ['Re:', '', true],
  ];
  for (const [input, base, reply] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(baseSubject(input), { subject: base, isReplyOrForward: reply }));
  }

  test('RFC 2047 words and folding are decoded first (step 1)', () => {
    assert.deepEqual(baseSubject(Buffer.from(' =?utf-8?Q?Re:_caf=C3=A9?=\r\n\t(fwd)')), { subject: 'café', isReplyOrForward: true });
  });
});

describe('addr-mailbox of the first address', () => {
  const cases: [string, string][] = [
    ['alice@example.com', 'alice'],
    [' "Smith, John" <jsmith@example.com>, bob@example.org', 'jsmith'],
    ['Alice <ALICE@x>, bob@y', 'ALICE'],
    ['alice@example.com (Alice, the boss)', 'alice'],
    ['(comment) <@route1,@route2:bob@x>', 'bob'],
    ['"quoted local"@example.com', 'quoted local'],
    // A group's first address in ENVELOPE is its start marker, whose mailbox is the group name (RFC 3501 §7.4.2).
    ['user2: a@b;', 'user2'],
    ['undisclosed-recipients:;', 'undisclosed-recipients'],
    ['friends: carol@x, dave@y;, eve@z', 'friends'],
    ['empty:;, frank@x', 'empty'],
    ['"My Group": carol@x;', 'My Group'],
    ['frank@x, friends: carol@x;', 'frank'],
    ['=?utf-8?q?x?= <=?utf-8?q?y?=@x>', '=?utf-8?q?y?='],
    ['"M\u00fcller" <m\u00fcller@x>', 'm\u00fcller'],
    ['alice@\r\n example.com', 'alice'],
    // No local part: empty, not ENVELOPE's MISSING_MAILBOX placeholder (Dovecot 2.3 sorts these first too).
    ['<>', ''],
    ['"" <@x>', ''],
    ['""@x', ''],
    ['first.last@example.com', 'first.last'],
    ['localonly', 'localonly'],
    ['', ''],
  ];
  for (const [input, local] of cases) test(JSON.stringify(input), () => assert.equal(firstMailbox(Buffer.from(input)), local));
});

describe('displayAddress: RFC 5957 §3, the DISPLAY sort value of the first address', () => {
  const cases: [string, string][] = [
    // The addr-name when there is one, encoded words decoded (RFC 5255 §4.6).
    ['Alice Liddell <alice@example.org>', 'Alice Liddell'],
    ['=?utf-8?q?Carol_M=C3=BCller?= <carol@example.net>, Dave <d@x>', 'Carol M\u00fcller'],
    ['"Last, First" <lf@x>', 'Last, First'],
    // No addr-name, or an empty one: addr-mailbox@addr-host.
    ['bob@example.org', 'bob@example.org'],
    ['"" <quiet@x>', 'quiet@x'],
    ['<angle@x>', 'angle@x'],
    // ENVELOPE takes a comment after a bare addr-spec as the name.
    ['ann@x (Ann Other)', 'Ann Other'],
    // A group first: its start has the group's name as addr-mailbox and a NIL host.
    ['friends: carol@x, dave@x;', 'friends'],
    // Nothing to go on: the empty string.
    ['', ''],
    ['<>', ''],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(displayAddress(Buffer.from(input)), want));
});

interface Msg {
  seq: number;
  internalDate: { time: number; zone: number };
  size: number;
  headerReads: number;
  header(): Promise<Buffer>;
}

function msg(seq: number, headers: Record<string, string>, extra: { arrival?: number; size?: number } = {}): Msg {
  const text = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const m: Msg = {
    seq,
    internalDate: { time: extra.arrival ?? seq * 1000, zone: 0 },
    size: extra.size ?? 100,
    headerReads: 0,
    header: async () => {
      m.headerReads++;
      return Buffer.from(text + '\r\n', 'utf8');
    },
  };
  return m;
}

const day = (n: number): string => `${n} Jan 2024 12:00:00 +0000`;

describe('SORT (RFC 5256 §3)', () => {
  const box = (): Msg[] => [
    msg(1, { Subject: 'Re: banana', From: 'zed@x', To: 'b@x', Cc: 'c@x', Date: day(3) }, { arrival: 5000, size: 300 }),
    msg(2, { Subject: 'apple', From: '"Anna" <ANNA@x>', To: 'a@x', Date: day(1) }, { arrival: 4000, size: 100 }),
    msg(3, { Subject: '[list] Banana', From: 'bob@x', Date: 'not a date' }, { arrival: Date.parse('2024-01-02T00:00:00Z'), size: 200 }),
    msg(4, { Subject: 'Apple', From: 'anna@y', To: 'a@x', Date: day(1) }, { arrival: 3000, size: 100 }),
    msg(5, {}, { arrival: 1000, size: 50 }),
  ];
  const sorted = async (criteria: SortCriterion[]): Promise<number[]> => (await sortMessages(box(), criteria)).map((m) => m.seq);
  const k = (key: SortCriterion['key'], reverse = false): SortCriterion => ({ key, reverse });

  test('ARRIVAL', async () => assert.deepEqual(await sorted([k('ARRIVAL')]), [5, 4, 2, 1, 3]));
  test('SIZE, ties by sequence number', async () => assert.deepEqual(await sorted([k('SIZE')]), [5, 2, 4, 3, 1]));
  test('REVERSE SIZE does not reverse the sequence tiebreak', async () => assert.deepEqual(await sorted([k('SIZE', true)]), [1, 3, 2, 4, 5]));
  test('SUBJECT: base subject, ASCII case-insensitive, missing first', async () => assert.deepEqual(await sorted([k('SUBJECT')]), [5, 2, 4, 1, 3]));
  test('SUBJECT then REVERSE DATE', async () => assert.deepEqual(await sorted([k('SUBJECT'), k('DATE', true)]), [5, 2, 4, 1, 3]));
  test('FROM: local part, case-insensitive', async () => assert.deepEqual(await sorted([k('FROM')]), [5, 2, 4, 3, 1]));
  test('TO then CC', async () => assert.deepEqual(await sorted([k('TO'), k('CC')]), [3, 5, 2, 4, 1]));
  test('DATE: unparseable Date falls back to INTERNALDATE', async () => assert.deepEqual(await sorted([k('DATE')]), [5, 2, 4, 3, 1]));
  test('no criteria: sequence order; ARRIVAL/SIZE read no header', async () => {
    const b = box();
    assert.deepEqual(
      (await sortMessages(b, [k('ARRIVAL'), k('SIZE')])).map((m) => m.seq),
      [5, 4, 2, 1, 3],
    );
    assert.ok(b.every((m) => m.headerReads === 0));
    assert.deepEqual(
      (await sortMessages([...b].reverse(), [])).map((m) => m.seq),
      [1, 2, 3, 4, 5],
    );
  });
  test('SUBJECT under i;unicode-casemap (I18NLEVEL=1): non-ASCII case and compatibility forms fold', async () => {
    // Canonical keys: 1 "ÉTÉ À PARIS" and 4 "ÉTÉ INDIEN" (E + U+0301 ...), 3 "FINANCIAL" (from the ligature ﬁ),
    // 2 "QUARTERLY"; 5 "ZEBRA" (fullwidth Ｚ decomposes to Z). Octet order: E < F < Q < Z. Under i;ascii-casemap the
    // non-ASCII subjects would sort after every ASCII one, and é after É.
    const b = [
      msg(1, { Subject: '=?utf-8?q?=C3=89t=C3=A9_=C3=A0_Paris?=' }), msg(2, { Subject: 'Re: quarterly' }),
      msg(3, { Subject: '=?utf-8?q?=EF=AC=81nancial?=' }), msg(4, { Subject: '=?utf-8?q?=C3=A9t=C3=A9_indien?=' }),
      msg(5, { Subject: '=?utf-8?q?=EF=BC=BAebra?=' }),
    ];
    assert.deepEqual((await sortMessages(b, [k('SUBJECT')])).map((m) => m.seq), [1, 4, 3, 2, 5]);
    const same = [msg(1, { Subject: '=?utf-8?q?=C3=A9t=C3=A9?=' }), msg(2, { Subject: '=?utf-8?q?E=CC=81T=C3=89?=' })];
    assert.deepEqual((await sortMessages(same, [k('SUBJECT', true)])).map((m) => m.seq), [1, 2], 'été = ÉTÉ decomposed: a tie');
  });
  test('FROM and CC: a group sorts by its name, a missing local part as empty (as Dovecot 2.3.19 answers)', async () => {
    // CC keys: 1 "user2" (the group), 2 "aaa", 3 "zzz", 4 "undisclosed-recipients"; FROM keys: 1 "zed", 2 and 4
    // empty, 3 "nnn". Dovecot gives the same two answers for these four messages.
    const b = [
      msg(1, { From: 'zed@x', Cc: 'user2: a@b;' }), msg(2, { From: '<>', Cc: 'aaa@b' }),
      msg(3, { From: 'nnn@x', Cc: 'zzz@b' }), msg(4, { From: '"" <@x>', Cc: 'undisclosed-recipients:;' }),
    ];
    assert.deepEqual((await sortMessages(b, [k('CC')])).map((m) => m.seq), [2, 4, 1, 3]);
    assert.deepEqual((await sortMessages(b, [k('FROM')])).map((m) => m.seq), [2, 4, 3, 1]);
  });
  test('stability: equal keys keep sequence order whatever the input order', async () => {
    const b = [msg(9, { Subject: 'x' }), msg(3, { Subject: 'Re: x' }), msg(7, { Subject: 'X' }), msg(1, { Subject: 'x (fwd)' })];
    assert.deepEqual(
      (await sortMessages(b, [k('SUBJECT')])).map((m) => m.seq),
      [1, 3, 7, 9],
    );
    assert.deepEqual(
      (await sortMessages(b, [k('SUBJECT', true)])).map((m) => m.seq),
      [1, 3, 7, 9],
    );
  });

  test('a first sort by a key asks for it to be kept, the next keeps it, and later ones read no header', async () => {
    const store = new Map<string, Buffer>();
    const wanted = new Set<string>();
    type Keeping = Msg & {
      keptValue(n: string): Buffer | null; keepValue(n: string, v: Uint8Array): Promise<void>;
      keepsAny(n: string): boolean; wantKept(n: string): void;
    };
    /** The box with a value store per message and the names asked for, as the mailbox keeps them. */
    const keeping = (): Keeping[] =>
      box().map((m) => Object.assign(m, {
        keptValue: (n: string): Buffer | null => store.get(`${m.seq} ${n}`) ?? null,
        keepValue: async (n: string, v: Uint8Array): Promise<void> => {
          store.set(`${m.seq} ${n}`, Buffer.from(v));
        },
        keepsAny: (n: string): boolean => wanted.has(n) || [...store.keys()].some((key) => key.endsWith(` ${n}`)),
        wantKept: (n: string): void => {
          wanted.add(n);
        },
      }));
    const criteria = [[k('SUBJECT'), k('DATE', true)], [k('FROM')], [k('TO'), k('CC')], [k('DATE')], [k('ARRIVAL'), k('SUBJECT', true)]];
    for (const c of criteria) {
      store.clear();
      wanted.clear();
      const headerKeys = c.filter((x) => x.key !== 'ARRIVAL' && x.key !== 'SIZE').length;
      const order = await sorted(c);
      const first = keeping();
      assert.deepEqual((await sortMessages(first, c)).map((m) => m.seq), order, 'the first sort answers as one that keeps nothing');
      assert.equal(store.size, 0, 'the first sort keeps nothing');
      assert.equal(wanted.size, headerKeys, 'the first sort asks for its header keys to be kept');
      const second = keeping();
      assert.deepEqual((await sortMessages(second, c)).map((m) => m.seq), order);
      assert.ok(second.every((m) => m.headerReads === 1), 'the second sort read each header once');
      assert.equal(store.size, 5 * headerKeys, 'the second sort kept a key of each header criterion for each message');
      const third = keeping();
      assert.deepEqual((await sortMessages(third, c)).map((m) => m.seq), order);
      assert.ok(third.every((m) => m.headerReads === 0), 'the third sort read no header');
    }
    // A DATE key that cannot be one (another length) is worked out again and kept anew.
    store.clear();
    wanted.add('mail.sortkey.date.1');
    await sortMessages(keeping(), [k('DATE')]);
    store.set('3 mail.sortkey.date.1', Buffer.from('bad'));
    const fixed = keeping();
    assert.deepEqual((await sortMessages(fixed, [k('DATE')])).map((m) => m.seq), await sorted([k('DATE')]));
    assert.deepEqual(fixed.map((m) => m.headerReads), [0, 0, 1, 0, 0]);
    assert.equal(store.get('3 mail.sortkey.date.1')?.length, 8);
  });
});

const seqOf = (m: Msg): number => m.seq;

describe('THREAD=ORDEREDSUBJECT', () => {
  test('grouped by base subject, sorted by date, children are siblings', async () => {
    const b = [
      msg(1, { Subject: 'Hello', Date: day(3) }),
      msg(2, { Subject: 'Re: hello', Date: day(4) }),
      msg(3, { Subject: 'Other', Date: day(1) }),
      msg(4, { Subject: 're: HELLO', Date: day(2) }),
      msg(5, { Subject: 'Single reply', Date: day(5) }),
      msg(6, { Subject: 'Fwd: Single reply', Date: day(6) }),
    ];
    assert.equal(renderThreads(await threadOrderedSubject(b), seqOf), '(3)(4 (1)(2))(5 6)');
  });
});

describe('THREAD=REFERENCES', () => {
  test('links, In-Reply-To, dummy root kept, self reference, duplicate Message-ID, subject merge of a reply', async () => {
    const b = [
      msg(1, { 'Message-ID': '<a@x>', Subject: 'Hello', Date: day(1) }),
      msg(2, { 'Message-ID': '<b@x>', References: '<a@x>', Subject: 'Re: Hello', Date: day(2) }),
      msg(3, { 'Message-ID': '<c@x>', References: '<a@x>\r\n <b@x>', Subject: 'Re: Hello', Date: day(3) }),
      msg(4, { 'Message-ID': '<d@x>', 'In-Reply-To': '<a@x> <zz@x>', Subject: 'Re: Hello', Date: day(4) }),
      msg(5, { 'Message-ID': '<e@x>', References: '<missing@x>', Subject: 'Lost parent', Date: day(5) }),
      msg(6, { 'Message-ID': '<f@x>', References: '<missing@x>', Subject: 'Re: Lost parent', Date: day(6) }),
      msg(7, { Subject: 'Re: hello', Date: day(7) }),
      msg(8, { 'Message-ID': '<h@x>', References: '<h@x>', Subject: 'Self', Date: day(8) }),
      msg(9, { 'Message-ID': '<a@x>', Subject: 'Other', Date: day(9) }),
    ];
    assert.equal(renderThreads(await threadReferences(b), seqOf), '(1 (2 3)(4)(7))((5)(6))(8)(9)');
  });

  test('a dummy with one child at the root is pruned; children sorted by date', async () => {
    const b = [
      msg(1, { 'Message-ID': '<2@x>', References: '<1@x>', Subject: 'x', Date: day(9) }),
      msg(2, { 'Message-ID': '<3@x>', References: '<1@x> <2@x>', Subject: 'x', Date: day(3) }),
      msg(3, { 'Message-ID': '<4@x>', References: '<1@x> <2@x>', Subject: 'x', Date: day(2) }),
    ];
    assert.equal(renderThreads(await threadReferences(b), seqOf), '(1 (3)(2))');
  });

  test('a References loop is not created', async () => {
    const b = [
      msg(1, { 'Message-ID': '<x@x>', References: '<y@x>', Subject: 'loop', Date: day(1) }),
      msg(2, { 'Message-ID': '<y@x>', References: '<x@x>', Subject: 'loop', Date: day(2) }),
    ];
    assert.equal(renderThreads(await threadReferences(b), seqOf), '(2 1)');
  });

  test('step 1C breaks the old parent link first, then does not add one that would make a loop', async () => {
    // By hand, in sequence order:
    //   1 <a>: no references; <a> is a root.
    //   2 <b>, References <a> <c>: 1B links <a> -> <c> (<c> is a dummy so far); 1C puts <b> under <c>: a -> c -> b.
    //   3 <c>, References <b>: 1C first breaks <c>'s existing link to its parent <a> ("break the current
    //     parent/child link before creating the new correct one"), then does not link <b> -> <c>, since <c> is <b>'s
    //     parent ("do not create the parent/child link if creating that link would introduce a loop").
    // So <c> is a root with <b> under it, and <a> is a root alone: (3 2)(1), roots by date (3 is oldest). Checking
    // the loop before breaking the old link would leave <c> under <a>: (1 3 2). Dovecot 2.3.19 answers (3 2)(1).
    const b = [
      msg(1, { 'Message-ID': '<a@x>', Subject: 'one', Date: day(3) }),
      msg(2, { 'Message-ID': '<b@x>', References: '<a@x> <c@x>', Subject: 'two', Date: day(2) }),
      msg(3, { 'Message-ID': '<c@x>', References: '<b@x>', Subject: 'three', Date: day(1) }),
    ];
    assert.equal(renderThreads(await threadReferences(b), seqOf), '(3 2)(1)');
  });

  test('step 1B keeps existing links; step 1C moves a message to its last reference', async () => {
    const b = [
      msg(1, { 'Message-ID': '<p@x>', Subject: 'p', Date: day(1) }),
      msg(2, { 'Message-ID': '<q@x>', References: '<p@x>', Subject: 'q', Date: day(2) }),
      msg(3, { 'Message-ID': '<r@x>', References: '<q@x>', Subject: 'r', Date: day(3) }),
      msg(4, { 'Message-ID': '<s@x>', References: '<p@x> <r@x> <q@x>', Subject: 's', Date: day(4) }),
    ];
    // <r@x> and <q@x> already have parents, so 1B changes nothing; <s@x> goes under <q@x>, its last reference.
    assert.equal(renderThreads(await threadReferences(b), seqOf), '(1 2 (3)(4))');
    // <t@x> first puts <s@x> (not yet seen) under <p@x>; <s@x> itself then says its parent is <q@x>.
    const b2 = [
      msg(1, { 'Message-ID': '<p@x>', Subject: 'p', Date: day(1) }),
      msg(2, { 'Message-ID': '<q@x>', References: '<p@x>', Subject: 'q', Date: day(2) }),
      msg(3, { 'Message-ID': '<t@x>', References: '<p@x> <s@x>', Subject: 't', Date: day(3) }),
      msg(4, { 'Message-ID': '<s@x>', References: '<p@x> <q@x>', Subject: 's', Date: day(4) }),
    ];
    assert.equal(renderThreads(await threadReferences(b2), seqOf), '(1 2 4 3)');
  });

  test('subject merging: two originals under a new dummy; two dummies become one', async () => {
    const originals = [msg(1, { 'Message-ID': '<1@x>', Subject: 'Topic', Date: day(1) }), msg(2, { 'Message-ID': '<2@x>', Subject: 'Topic', Date: day(2) })];
    assert.equal(renderThreads(await threadReferences(originals), seqOf), '((1)(2))');
    const dummies = [
      msg(1, { 'Message-ID': '<1@x>', References: '<m1@x>', Subject: 'S', Date: day(1) }),
      msg(2, { 'Message-ID': '<2@x>', References: '<m1@x>', Subject: 'S', Date: day(2) }),
      msg(3, { 'Message-ID': '<3@x>', References: '<m2@x>', Subject: 'Re: S', Date: day(3) }),
      msg(4, { 'Message-ID': '<4@x>', References: '<m2@x>', Subject: 'Re: S', Date: day(4) }),
    ];
    assert.equal(renderThreads(await threadReferences(dummies), seqOf), '((1)(2)(3)(4))');
    const dummyAndMessage = [
      msg(1, { 'Message-ID': '<1@x>', References: '<m1@x>', Subject: 'S', Date: day(1) }),
      msg(2, { 'Message-ID': '<2@x>', References: '<m1@x>', Subject: 'S', Date: day(2) }),
      msg(3, { 'Message-ID': '<3@x>', Subject: 'S', Date: day(3) }),
    ];
    assert.equal(renderThreads(await threadReferences(dummyAndMessage), seqOf), '((1)(2)(3))');
    const empty = [msg(1, { 'Message-ID': '<1@x>', Date: day(1) }), msg(2, { 'Message-ID': '<2@x>', Subject: 'Re:', Date: day(2) })];
    assert.equal(renderThreads(await threadReferences(empty), seqOf), '(1)(2)');
  });
});

describe('THREAD response syntax (RFC 5256 §4)', () => {
  const leaf = (n: number, ...children: ThreadNode<number>[]): ThreadNode<number> => ({ message: n, children });
  const dummy = (...children: ThreadNode<number>[]): ThreadNode<number> => ({ message: undefined, children });
  const id = (n: number): number => n;
  test('"(2)(3 6 (4 23)(44 7 96))"', () => {
    const roots = [leaf(2), leaf(3, leaf(6, leaf(4, leaf(23)), leaf(44, leaf(7, leaf(96)))))];
    assert.equal(renderThreads(roots, id), '(2)(3 6 (4 23)(44 7 96))');
  });
  test('"((3)(5))": a dummy root', () => assert.equal(renderThreads([dummy(leaf(3), leaf(5))], id), '((3)(5))'));
  test('ORDEREDSUBJECT example piece "(174 (175)(176)(178)(181)(180))(179)"', () => {
    assert.equal(renderThreads([leaf(174, leaf(175), leaf(176), leaf(178), leaf(181), leaf(180)), leaf(179)], id), '(174 (175)(176)(178)(181)(180))(179)');
  });
  test('REFERENCES example piece "((177)(183)(182)(188 (184)(185)(186)(187)(189)))"', () => {
    const t = dummy(leaf(177), leaf(183), leaf(182), leaf(188, leaf(184), leaf(185), leaf(186), leaf(187), leaf(189)));
    assert.equal(renderThreads([t], id), '((177)(183)(182)(188 (184)(185)(186)(187)(189)))');
  });
  test('no threads: empty string', () => assert.equal(renderThreads([], id), ''));
});
