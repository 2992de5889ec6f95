/**
 * Proves each oracle of ./oracles.ts on mailboxes the real programs wrote themselves: Dovecot reads back what
 * Dovecot wrote, c-client what c-client wrote, each reads the other's, and both count what procmail, dotlockfile,
 * dmail and tmail delivered. Values are asserted exactly (UIDs, flags, keywords, sizes, header bytes), so a change
 * in any program's behaviour, or a parsing slip in the oracles, fails here.
 *
 * Needs the Debian packages of test/setup-system.sh plus libc-client2007e-dev (for cclient-oracle); a missing one
 * skips the tests that need it, naming the package.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FixtureSidecar } from './make-fixtures.js';
import {
  dmailDeliver, dotlockfileAppend, dovecotAppend, dovecotExpunge, dovecotFetch, dovecotSession, dovecotStore,
  imapDateMs, makeSandbox, mailutilAppend, mailutilPrune, oracleAvailability, parseFetch, parseImapList, procmailDeliver,
  putSandboxFile, splitResponses, tmailDeliver, uwAppend, uwCheck, uwCreate, uwExpunge, uwFetch, uwStatus, uwStore,
  type MailboxView, type Sandbox,
} from './oracles.js';

const avail = await oracleAvailability();
// A missing program fails the whole file, naming the package, instead of skipping tests: a skipped check proves
// nothing, and `make test` installs them all (test/setup-system.sh).
const missing = Object.values(avail).filter((v): v is string => v !== true);
if (missing.length > 0) throw new Error(`interop oracles need: ${missing.join('; ')}`);
const skipUnless = (..._reasons: (string | true)[]): Record<string, never> => ({});

/** The parts of a view that every reader must agree on. */
function essentials(v: MailboxView): { uid: number; flags: readonly string[]; keywords: readonly string[] }[] {
  return v.messages.map((m) => ({ uid: m.uid, flags: m.flags, keywords: m.keywords }));
}

/**
 * UW's status block for a message without X-IMAPbase (unix_xstatus): Status, X-Status, X-Keywords padded with
 * spaces so that the block up to the end of X-Keywords is at least 50 characters, then X-UID and the blank line.
 */
function uwBlock(status: string, xstatus: string, keywords: readonly string[], uid: number): string {
  const head = `Status: ${status}\nX-Status: ${xstatus}\nX-Keywords:${keywords.map((k) => ` ${k}`).join('')}`;
  return `${head.padEnd(50, ' ')}\nX-UID: ${uid}\n\n`;
}

const ESCAPE = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('interop oracles', () => {
  let sb: Sandbox;
  before(async () => { sb = await makeSandbox(); });
  after(async () => { await sb.cleanup(); });

  it('sandbox: private directory owned by the unprivileged oracle user', async () => {
    const st = await stat(sb.dir);
    assert.equal(st.uid, sb.uid);
    assert.equal(st.mode & 0o777, 0o700);
    if (sb.privileged) {
      assert.notEqual(sb.uid, 0);
      assert.ok(sb.dir.startsWith(`${sb.home}/`), 'tmail needs the sandbox inside the passwd home');
    }
  });

  it('Dovecot: APPEND/STORE/UID EXPUNGE, read back by Dovecot and by c-client', skipUnless(avail.dovecot,
    avail.cclient, avail.mailutils), async () => {
    const box = join(sb.dir, 'dovecot.mbox');
    const a1 = await dovecotAppend(sb, box, 'Subject: one\n\nbody one\n', { flags: ['\\Flagged'],
      keywords: ['$Label1'] });
    const a2 = await dovecotAppend(sb, box, 'Subject: two\n\nbody two\n', { date: '01-Jan-2024 10:00:00 +0100' });
    const a3 = await dovecotAppend(sb, box, 'Subject: three\n\nbody three\n');
    assert.deepEqual([a1.uid, a2.uid, a3.uid], [1, 2, 3]);
    assert.equal(a2.uidValidity, a1.uidValidity);
    await dovecotStore(sb, box, [2], '+', { flags: ['\\Seen'], keywords: ['foo'] });
    await dovecotExpunge(sb, box, [3]);

    const uv = a1.uidValidity;
    const text = await readFile(box, 'latin1');
    // Dovecot's From_ line: user@host, TWO spaces, asctime with a zero-padded day, the time in TZ (UTC here).
    const fromLine = `From ${ESCAPE(sb.user)}@\\S+  [A-Z][a-z]{2} [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\n`;
    assert.match(text, new RegExp(`^${fromLine}Subject: one\\nX-IMAPbase: ${uv} 0000000003 \\$Label1 foo\\n` +
      'X-UID: 1\\nStatus: O\\nX-Status: F\\nX-Keywords: \\$Label1 +\\nContent-Length: 9\\n\\nbody one\\n\\n'));
    assert.match(text, new RegExp(`\\n\\nFrom ${ESCAPE(sb.user)}@\\S+  Mon Jan 01 09:00:00 2024\\nSubject: two\\n` +
      'X-UID: 2\\nStatus: RO\\nX-Keywords: foo +\\nContent-Length: 9\\n\\nbody two\\n\\n$'));
    assert.doesNotMatch(text, /three/);

    const dv = await dovecotFetch(sb, box);
    assert.equal(dv.rewrote, false, 'Dovecot reads its own file without rewriting it');
    assert.equal(dv.uidValidity, uv);
    assert.equal(dv.uidNext, 4);
    assert.deepEqual(dv.keywords, ['$Label1', 'foo']);
    assert.deepEqual(essentials(dv), [
      { uid: 1, flags: ['\\Flagged'], keywords: ['$Label1'] },
      { uid: 2, flags: ['\\Seen'], keywords: ['foo'] },
    ]);
    assert.deepEqual(dv.messages.map((m) => m.size), [26, 26]);
    assert.equal(dv.messages[1]?.internalDate, '01-Jan-2024 09:00:00 +0000');

    const uw = await uwFetch(sb, box);
    assert.equal(uw.uidValidity, uv);
    assert.equal(uw.uidNext, 4);
    assert.deepEqual(uw.keywords, ['$Label1', 'foo']);
    assert.deepEqual(essentials(uw), essentials(dv));
    // c-client does not hide Content-Length: its RFC822.SIZE counts "Content-Length: 9\r\n" (19 bytes).
    assert.deepEqual(uw.messages.map((m) => m.size), [26 + 19, 26 + 19]);
    assert.deepEqual(uw.messages.map((m) => m.internalDate), dv.messages.map((m) => m.internalDate));

    assert.deepEqual(await uwStatus(sb, box), { messages: 2, recent: 0, unseen: 1, uidNext: 4, uidValidity: uv });
    const check = await uwCheck(sb, box);
    assert.deepEqual({ ...check, raw: undefined }, { messages: 2, recent: 0, unseen: 1, raw: undefined });
    assert.equal(check.raw, '0 new message(s) (1 unseen), 2 total in dovecot.mbox\n');
    assert.equal(await readFile(box, 'latin1'), text, 'the read-only oracles did not write');
  });

  it('UW c-client: CREATE/APPEND/STORE/UID EXPUNGE, read back by c-client and by Dovecot',
    skipUnless(avail.cclient, avail.dovecot, avail.mailutils), async () => {
      const box = join(sb.dir, 'uw.mbox');
      await uwCreate(sb, box);
      assert.match(await readFile(box, 'latin1'), /\nX-IMAP: \d+ 0000000000\nStatus: RO\n\n/);
      const a1 = await uwAppend(sb, box, 'Subject: one\n\nbody one\n', { flags: ['\\Flagged'] });
      const a2 = await uwAppend(sb, box, 'Subject: two\n\nbody two\n', { date: '01-Jan-2024 10:00:00 +0100' });
      const a3 = await uwAppend(sb, box, 'Subject: three\n\nbody three\n', { flags: ['\\Seen'], keywords: ['nope'] });
      assert.deepEqual([a1.uid, a2.uid, a3.uid], [1, 2, 3]);
      // Like UW imapd's APPEND, c-client drops keywords the mailbox does not define yet.
      assert.deepEqual(a3.log, [{ level: 'warn', text: 'Unknown flag: nope' }]);
      await uwStore(sb, box, [1], '+', { keywords: ['$Label1'] });
      await uwStore(sb, box, [2], '+', { flags: ['\\Seen'], keywords: ['foo'] });
      await uwExpunge(sb, box, [3]);

      const uv = a1.uidValidity;
      const text = await readFile(box, 'latin1');
      assert.match(text, new RegExp('^From MAILER-DAEMON [A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ' +
        '\\d{4}\\nDate: .+\\nFrom: Mail System Internal Data <MAILER-DAEMON@[^>]+>\\n' +
        'Subject: DON\'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\\nMessage-ID: <\\d+@[^>]+>\\n' +
        `X-IMAP: ${uv} 0000000003 \\$Label1 foo\\nStatus: RO\\n\\nThis text is part of the internal format of ` +
        'your mail folder, and is not\\n'));
      // UW's From_ line: one space, space-padded day, and the zone of the INTERNALDATE.
      assert.ok(text.includes(`\n\nFrom ${sb.user}@`));
      assert.ok(text.includes(`\nSubject: one\n${uwBlock('O', 'F', ['$Label1'], 1)}body one\n\n`));
      assert.ok(text.includes(` Mon Jan  1 10:00:00 2024 +0100\nSubject: two\n${uwBlock('RO', '', ['foo'], 2)}` +
        'body two\n\n'));
      assert.doesNotMatch(text, /three/);

      const uw = await uwFetch(sb, box);
      assert.equal(uw.uidValidity, uv);
      assert.equal(uw.uidNext, 4);
      assert.deepEqual(uw.keywords, ['$Label1', 'foo']);
      assert.deepEqual(essentials(uw), [
        { uid: 1, flags: ['\\Flagged'], keywords: ['$Label1'] },
        { uid: 2, flags: ['\\Seen'], keywords: ['foo'] },
      ]);
      assert.deepEqual(uw.messages.map((m) => m.size), [26, 26]);
      assert.equal(uw.messages[1]?.internalDate, '01-Jan-2024 10:00:00 +0100');

      const dv = await dovecotFetch(sb, box);
      assert.equal(dv.rewrote, false, 'Dovecot reads a UW-written file without rewriting it');
      assert.equal(dv.uidValidity, uv);
      assert.equal(dv.uidNext, 4);
      assert.deepEqual(essentials(dv), essentials(uw));
      assert.deepEqual(dv.messages.map((m) => m.size), [26, 26]);
      // Same instants; Dovecot prints them in its own zone (UTC here), UW in the From_ line's zone.
      assert.deepEqual(dv.messages.map((m) => imapDateMs(m.internalDate)),
        uw.messages.map((m) => imapDateMs(m.internalDate)));
      assert.equal(dv.messages[1]?.internalDate, '01-Jan-2024 09:00:00 +0000');

      const check = await uwCheck(sb, box);
      assert.deepEqual([check.messages, check.recent, check.unseen], [2, 0, 1]);
      assert.equal(await readFile(box, 'latin1'), text, 'the read-only oracles did not write');
    });

  it('mailutil append (-kw) copies flags and keywords; mailutil prune expunges by criteria',
    skipUnless(avail.cclient, avail.dovecot, avail.mailutils), async () => {
      const src = join(sb.dir, 'mu-src.mbox');
      await dovecotAppend(sb, src, 'Subject: keep\n\nk\n', { flags: ['\\Flagged'], keywords: ['work'] });
      await dovecotAppend(sb, src, 'Subject: drop me\n\nd\n', { flags: ['\\Seen'] });
      const dst = join(sb.dir, 'mu-dst.mbox');
      await uwCreate(sb, dst);
      await mailutilAppend(sb, src, dst, { keywords: 'copy' });
      // c-client's APPEND without APPENDUID (mailutil asks for none) leaves its fresh form: the status block right
      // after the From_ line, X-Keywords unpadded, no X-UID; the source's Content-Length (a header to c-client) is
      // copied as message text.
      const text = await readFile(dst, 'latin1');
      assert.match(text, new RegExp(`\\n\\nFrom ${ESCAPE(sb.user)}@\\S+ .+ \\+0000\\nStatus: \\nX-Status: F\\n` +
        'X-Keywords: work\\nSubject: keep\\nContent-Length: 2\\n\\nk\\n\\nFrom .+\\nStatus: R\\nX-Status: \\n' +
        'X-Keywords:\\nSubject: drop me\\nContent-Length: 2\\n\\nd\\n\\n$'));
      assert.match(text, /\nX-IMAP: \d+ 0000000001 work\n/);
      assert.doesNotMatch(text, /X-UID/);
      const copied = await uwFetch(sb, dst);
      const want = [
        { uid: 2, flags: ['\\Flagged'], keywords: ['work'] },
        { uid: 3, flags: ['\\Seen'], keywords: [] },
      ];
      assert.deepEqual(essentials(copied), want);
      assert.equal(copied.uidNext, 4);
      const dvCopied = await dovecotFetch(sb, dst);
      assert.deepEqual(essentials(dvCopied), want);
      assert.deepEqual(dvCopied.messages.map((m) => m.size), [20, 23]);
      assert.deepEqual(copied.messages.map((m) => m.size), [20 + 19, 23 + 19]);

      const pruned = await mailutilPrune(sb, dst, 'subject drop');
      assert.deepEqual(pruned, { purged: 1, raw: '1 message(s) purged\n' });
      const after = await uwFetch(sb, dst);
      assert.deepEqual(essentials(after), [{ uid: 2, flags: ['\\Flagged'], keywords: ['work'] }]);
      assert.equal(after.uidNext, 4);
      assert.deepEqual(essentials(await dovecotFetch(sb, dst)), essentials(after));
      assert.match(await readFile(dst, 'latin1'), /\nSubject: keep\nContent-Length: 2\nStatus: O\nX-Status: F\n/);
    });

  it('dmail and tmail deliveries: UW metadata with an unpadded X-IMAPbase, read by both oracles',
    skipUnless(avail.cclient, avail.dovecot, avail.mailutils), async () => {
      const box = join(sb.dir, 'dmail.mbox');
      await dmailDeliver(sb, box, 'Subject: d1\n\nfirst\n', { seen: true, from: 'alice@example.org' });
      await dmailDeliver(sb, box, 'Subject: d2\n\nsecond\n');
      if (sb.privileged) await tmailDeliver(sb, box, 'Subject: t3\n\nthird\n', { from: 'carol@example.org' });
      const n = sb.privileged ? 3 : 2;
      // dmail -k sets only keywords the mailbox already defines: define one with a STORE first.
      await uwStore(sb, box, [2], '+', { keywords: ['junk'] });
      await dmailDeliver(sb, box, 'Subject: d4\n\nfourth\n', { keywords: ['junk'] });

      const text = await readFile(box, 'latin1');
      const uw = await uwFetch(sb, box);
      assert.match(text, new RegExp(`^From ${ESCAPE(sb.user)}@\\S+ [A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d ` +
        '\\d\\d:\\d\\d:\\d\\d \\d{4} \\+0000\\nReturn-Path: <alice@example.org>\\nReceived: via dmail-2007f\\.\\d+ ' +
        'for \\+dmail\\.mbox; .+\\nSubject: d1\\n' +
        `X-IMAPbase: ${uw.uidValidity} ${n + 1} junk\\nStatus: RO\\nX-Status: \\nX-Keywords: {2,}\\nX-UID: 1\\n\\n`));
      if (sb.privileged) {
        assert.match(text, new RegExp(`\\nReturn-Path: <carol@example.org>\\nReceived: via tmail-2007f\\.\\d+ ` +
          `for ${ESCAPE(sb.user)}\\+[^;]+/dmail\\.mbox; .+\\nSubject: t3\\n`));
      }
      const want = [
        { uid: 1, flags: ['\\Seen'], keywords: [] },
        { uid: 2, flags: [], keywords: ['junk'] },
        ...(sb.privileged ? [{ uid: 3, flags: [], keywords: [] }] : []),
        { uid: n + 1, flags: [], keywords: ['junk'] },
      ];
      assert.deepEqual(essentials(uw), want);
      assert.equal(uw.uidNext, n + 2);
      const dv = await dovecotFetch(sb, box);
      assert.deepEqual(essentials(dv), want);
      assert.equal(dv.uidValidity, uw.uidValidity);
      assert.equal(dv.rewrote, true, 'Dovecot rewrites UW\'s unpadded X-IMAPbase form on open');
      const check = await uwCheck(sb, box);
      assert.deepEqual([check.messages, check.unseen], [n + 1, n]);
    });

  it('procmail and dotlockfile deliveries: plain mbox that both oracles count alike, without writing',
    skipUnless(avail.cclient, avail.dovecot, avail.mailutils, avail.procmail, avail.dotlockfile), async () => {
      const box = join(sb.dir, 'plain.mbox');
      await procmailDeliver(sb, box, 'Subject: p1\n\nfirst\nFrom here on, quoted\n', { from: 'alice@example.org' });
      await procmailDeliver(sb, box, 'From bob@example.org  Mon Jan  1 02:00:00 2024\nSubject: p2\n\nsecond\n');
      const appended = await dotlockfileAppend(sb, box, 'Subject: l3\n\nthird\nFrom quoted too\n',
        { from: 'carol@example.org', date: new Date(Date.UTC(2024, 0, 1, 3, 0, 0)) });
      assert.equal(appended.toString('latin1'),
        'From carol@example.org Mon Jan  1 03:00:00 2024\nSubject: l3\n\nthird\n>From quoted too\n\n');

      const text = await readFile(box, 'latin1');
      assert.match(text, /^From alice@example\.org {2}[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/);
      assert.ok(text.includes('\nfirst\n>From here on, quoted\n\nFrom bob@example.org  Mon Jan  1 02:00:00 2024\n' +
        'Subject: p2\n\nsecond\n\nFrom carol@example.org Mon Jan  1 03:00:00 2024\n'));
      assert.doesNotMatch(text, /^(Status|X-UID|X-IMAP|Content-Length):/m);
      const names = await readdir(sb.dir);
      assert.ok(!names.includes('plain.mbox.lock'), 'no dotlock left behind');

      const uw = await uwFetch(sb, box);
      const dv = await dovecotFetch(sb, box);
      const want = [1, 2, 3].map((uid) => ({ uid, flags: [], keywords: [] }));
      assert.deepEqual(essentials(uw), want);
      assert.deepEqual(essentials(dv), want);
      assert.equal(uw.uidNext, 4);
      assert.equal(dv.uidNext, 4);
      assert.deepEqual(uw.messages.map((m) => m.size), [45, 23, 40]);
      assert.deepEqual(dv.messages.map((m) => m.size), [45, 23, 40]);
      assert.equal(uw.messages[1]?.internalDate, '01-Jan-2024 02:00:00 +0000');
      assert.ok(uw.log.some((l) => l.text === 'Assigning new unique identifiers to all messages'));
      assert.equal(dv.rewrote, true, 'Dovecot would add X-IMAPbase/X-UID (to its scratch copy)');
      const check = await uwCheck(sb, box);
      assert.deepEqual([check.messages, check.recent, check.unseen], [3, 3, 3]);
      assert.equal(await readFile(box, 'latin1'), text, 'the oracles did not write the delivered file');
    });

  it('imapTranscript: tags, synchronising and LITERAL+ literals, NO/BAD reported, literals in responses',
    skipUnless(avail.dovecot), async () => {
      const box = await putSandboxFile(sb, 'transcript.mbox', '');
      const t = await dovecotSession(sb, box, ['NOOP', 'BOGUS', 'SELECT INBOX', 'APPEND INBOX {6}\r\nab\r\n\r\n',
        'APPEND INBOX () {6+}\r\ncd\r\n\r\n', 'UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER])', 'EXAMINE nosuch']);
      assert.deepEqual(t.results.map((r) => [r.tag, r.status]), [['o1', 'OK'], ['o2', 'BAD'], ['o3', 'OK'],
        ['o4', 'OK'], ['o5', 'OK'], ['o6', 'OK'], ['o7', 'NO'], ['o8', 'OK']]);
      assert.equal(t.results[3]?.command, 'APPEND INBOX {6}');
      assert.match(t.results[3]?.code ?? '', /^APPENDUID \d+ 1$/);
      assert.match(t.results[4]?.code ?? '', /^APPENDUID \d+ 2$/);
      const fetches = (t.results[5]?.untagged ?? []).map(parseFetch);
      assert.deepEqual(fetches.map((f) => f?.attrs.get('BODY[HEADER]')), ['ab\r\n\r\n', 'cd\r\n\r\n']);
      assert.ok(t.greeting.startsWith('* PREAUTH'));
      assert.equal(t.exitCode, 0);
    });

  it('splitResponses and parseImapList: literals, however the bytes arrive', () => {
    const wire = Buffer.from('* 1 FETCH (UID 7 FLAGS (\\Seen $Junk) BODY[] {5}\r\na)\r\nb INTERNALDATE ' +
      '" 1-Jan-2024 00:00:00 +0000" X NIL)\r\nt1 OK done\r\n', 'latin1');
    const whole = splitResponses(wire);
    assert.equal(whole.used, wire.length);
    assert.equal(whole.responses.length, 2);
    const pieces: string[] = [];
    let pending = Buffer.alloc(0);
    for (const byte of wire) {
      pending = Buffer.concat([pending, Buffer.from([byte])]);
      const r = splitResponses(pending);
      pieces.push(...r.responses);
      pending = pending.subarray(r.used);
    }
    assert.deepEqual(pieces, whole.responses);
    const f = parseFetch(whole.responses[0] ?? '');
    assert.equal(f?.seq, 1);
    assert.equal(f?.attrs.get('UID'), '7');
    assert.deepEqual(f?.attrs.get('FLAGS'), ['\\Seen', '$Junk']);
    assert.equal(f?.attrs.get('BODY[]'), 'a)\r\nb');
    assert.equal(f?.attrs.get('INTERNALDATE'), ' 1-Jan-2024 00:00:00 +0000');
    assert.equal(f?.attrs.get('X'), null);
    assert.deepEqual(parseImapList('a (b "c\\"d") NIL').values, ['a', ['b', 'c"d'], null]);
  });

  describe('static fixtures in test/fixtures/interop read as their sidecars say', async () => {
    const dir = await fixtureDir();
    const names = dir === undefined ? [] : (await readdir(dir)).filter((n) => n.endsWith('.mbox')).sort();
    it('there are fixtures', () => assert.ok(names.length >= 5, `fixtures found: ${names.join(', ')}`));
    for (const name of names) {
      it(name, skipUnless(avail.cclient, avail.dovecot), async () => {
        if (dir === undefined) return;
        const sidecar = JSON.parse(await readFile(join(dir, name.replace(/\.mbox$/, '.json')), 'utf8')) as
          FixtureSidecar;
        const box = join(sb.dir, `fixture-${name}`);
        await putSandboxFile(sb, box, await readFile(join(dir, name)));
        const uw = await uwFetch(sb, box);
        const dv = await dovecotFetch(sb, box);
        const want = sidecar.messages.map((m) => ({ uid: m.uid, flags: m.flags, keywords: m.keywords }));
        assert.deepEqual(essentials(uw), want);
        assert.deepEqual(essentials(dv), want);
        assert.deepEqual(uw.messages.map((m) => m.size), sidecar.messages.map((m) => m.uwSize));
        assert.deepEqual(dv.messages.map((m) => m.size), sidecar.messages.map((m) => m.dovecotSize));
        assert.deepEqual(uw.messages.map((m) => m.internalDate), sidecar.messages.map((m) => m.internalDate));
        assert.deepEqual(dv.messages.map((m) => imapDateMs(m.internalDate)),
          sidecar.messages.map((m) => imapDateMs(m.internalDate)));
        assert.equal(uw.uidNext, sidecar.uidNext);
        assert.equal(dv.uidNext, sidecar.uidNext);
        assert.deepEqual(uw.keywords, sidecar.keywords);
        assert.equal(dv.rewrote, sidecar.dovecotRewrites);
        if (sidecar.uidValidity !== null) {
          assert.equal(uw.uidValidity, sidecar.uidValidity);
          assert.equal(dv.uidValidity, sidecar.uidValidity);
        }
      });
    }
  });
});

/** test/fixtures/interop, found from test/interop (ts) or dist/test/interop (compiled). */
async function fixtureDir(): Promise<string | undefined> {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [join(here, '..', 'fixtures', 'interop'), join(here, '..', '..', '..', 'test', 'fixtures',
    'interop')]) {
    try {
      if ((await readdir(c)).some((n) => n.endsWith('.json'))) return c;
    } catch {
      // try the next
    }
  }
  return undefined;
}
