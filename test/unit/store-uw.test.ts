/**
 * UwMailStore (uw-store.ts, uw-names.ts, uw-subscriptions.ts) on real temp directories: name refusals,
 * CREATE/DELETE/RENAME (INBOX rename moving messages), the subscription file byte for byte, LIST/LSUB patterns and attributes, STATUS/APPEND/open, sameMailbox.
 */
import assert from 'node:assert/strict';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AppendMessage, InternalDate, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag, MailboxError } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { wildMatch } from '../../lib/mailbox/uw-names.js';
import { UwMailStore, type UwMailStoreOptions } from '../../lib/mailbox/uw-store.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Fixture {
  readonly root: string;
  readonly home: string;
  readonly inbox: string;
  readonly driver: MboxDriver;
  readonly store: UwMailStore;
}

/** Runs `fn` with a home `<root>/home`, a spool file path `<root>/spool/alice` (not created) and a store. */
async function withStore(
  fn: (f: Fixture) => Promise<void>, extra: (root: string) => Partial<UwMailStoreOptions> = () => ({}),
): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'uw-store-'));
  const home = join(root, 'home');
  mkdirSync(home);
  mkdirSync(join(root, 'spool'));
  const inbox = join(root, 'spool', 'alice');
  const driver = new MboxDriver({
    journalDir: root, fsync: false,
    env: { clock: fixedClock(T0), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() },
  });
  const store = new UwMailStore({ driver, home, inboxPath: inbox, allowOutsideHome: false, ...extra(root) });
  try {
    await fn({ root, home, inbox, driver, store });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function msg(text: string, flags = 0, keywords: string[] = [], internalDate?: InternalDate): AppendMessage {
  const b = Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags, keywords, ...(internalDate ? { internalDate } : {}) };
}
async function* each(...m: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* m;
}
async function served(box: OpenMailbox, seq: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of box.message(seq).chunks()) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('latin1');
}
const code = (c: string) => (e: unknown): boolean => e instanceof MailboxError && e.code === c;
const names = (l: readonly { name: string }[]): string[] => l.map((e) => e.name);
/** name → attributes joined, for compact comparisons. */
const table = (l: readonly { name: string; attributes: readonly string[] }[]): Record<string, string> =>
  Object.fromEntries(l.map((e) => [e.name, e.attributes.join(' ')]));

describe('wildMatch', () => {
  const cases: [string, string, boolean, boolean][] = [
    // s, pattern, full match, could match below (dmatch)
    ['foo', '*', true, true],
    ['foo/bar', '*', true, true],
    ['foo', '%', true, true],
    ['foo/bar', '%', false, false],
    ['foo/', '%', false, false],
    ['foo/', 'foo/%', true, true],
    ['foo/bar', 'foo/%', true, true],
    ['foo/bar/', 'foo/%', false, false],
    ['foo/bar/', 'foo/*', true, true],
    ['foo', 'f%o', true, true],
    ['fo/o', 'f%o', false, false],
    ['fo/o', 'f*o', true, true],
    ['bar/', 'foo/*', false, false],
    ['', '', true, true],
    ['a', '', false, false],
  ];
  for (const [s, p, full, pre] of cases) {
    it(`${JSON.stringify(s)} against ${JSON.stringify(p)}`, () => {
      assert.equal(wildMatch(s, p, true), full);
      assert.equal(wildMatch(s, p, false), pre);
    });
  }
  it('stays fast on hostile patterns', () => {
    const t = Date.now();
    assert.equal(wildMatch('a'.repeat(1000) + 'b', '*a*a*a*a*a*a*a*a*a*c', true), false);
    assert.ok(Date.now() - t < 500);
  });
});

describe('UwMailStore names', () => {
  it('refuses names outside the home with NOPERM', () => withStore(async ({ store, root, home }) => {
    for (const bad of ['/etc/passwd', '~root/x', '~root', '~', '../x', 'a/../../x', 'a/..', './x', 'a//b', 'a/./b',
      '', 'a\0b', '#news/x', '{host}INBOX', 'x'.repeat(2000)]) {
      await assert.rejects(store.create(bad), code('NOPERM'), bad);
      await assert.rejects(store.status(bad), code('NOPERM'), bad);
      assert.throws(() => store.resolve(bad), code('NOPERM'), bad);
    }
    // A symlink inside the home that leads out of it, as a mailbox or as a directory on the way.
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'box'), '');
    symlinkSync(join(root, 'outside'), join(home, 'escape'));
    symlinkSync(join(root, 'outside', 'box'), join(home, 'linkbox'));
    await assert.rejects(store.create('escape/new'), code('NOPERM'));
    await assert.rejects(store.status('escape/box'), code('NOPERM'));
    await assert.rejects(store.open('linkbox', true), code('NOPERM'));
    await assert.rejects(store.delete('linkbox'), code('NOPERM'));
    assert.ok(existsSync(join(home, 'linkbox')));
    assert.ok(!existsSync(join(root, 'outside', 'new')));
    // A symlink that stays inside is fine.
    mkdirSync(join(home, 'real'));
    symlinkSync(join(home, 'real'), join(home, 'alias'));
    await store.create('alias/box');
    assert.ok(existsSync(join(home, 'real', 'box')));
  }));

  it('refuses the names of lock files, which would hold another mailbox\'s dotlock (NOPERM)', () =>
    withStore(async ({ store, home }) => {
      await store.create('saved');
      for (const bad of ['saved.lock', 'dir/x.lock', 'x.lock/y', 'saved.lock.host.123.abcdef', 'x.lock/']) {
        await assert.rejects(store.create(bad), code('NOPERM'), bad);
        await assert.rejects(store.rename('saved', bad), code('NOPERM'), bad);
        assert.throws(() => store.resolve(bad), code('NOPERM'), bad);
      }
      assert.ok(!existsSync(join(home, 'saved.lock')));
      // Names that merely contain the letters stay allowed.
      for (const good of ['saved.locked', 'locks', 'x.lockbox', 'my.lock-notes']) await store.create(good);
    }));

  it('maps INBOX in any case to the inbox path, ~/x to the home, and INBOX/x to a plain file (UW)', () =>
    withStore(async ({ store, home, inbox }) => {
      assert.equal(store.resolve('inBox').path, inbox);
      assert.equal(store.resolve('~/mail/x').path, join(home, 'mail', 'x'));
      assert.equal(store.resolve('INBOX/x').path, join(home, 'INBOX', 'x'));
      assert.deepEqual(store.resolve('dir/'), { path: join(home, 'dir'), inbox: false, dir: true });
    }));

  it('allows absolute and ~user names when configured', () => withStore(async ({ store, root }) => {
    const outside = join(root, 'elsewhere');
    await store.create(`${outside}/box`);
    assert.ok(existsSync(join(outside, 'box')));
    assert.equal(store.resolve('~bob/mail/x').path, join(root, 'bob', 'mail', 'x'));
    assert.throws(() => store.resolve('~carol/x'), code('NOPERM'), 'no such user');
    assert.throws(() => store.resolve('/a/../b'), code('NOPERM'), '.. is refused always');
  }, (root) => ({ allowOutsideHome: true, homeOf: (u) => (u === 'bob' ? join(root, 'bob') : undefined) })));
});

describe('UwMailStore create/delete/rename', () => {
  it('creates mailboxes with the pseudo-message, directories with a trailing /, parents as needed', () =>
    withStore(async ({ store, home, driver }) => {
      await store.create('a/b/c');
      assert.ok(statSync(join(home, 'a', 'b')).isDirectory());
      assert.match(readFileSync(join(home, 'a', 'b', 'c'), 'latin1'), /^From MAILER-DAEMON [^]*X-IMAP: /);
      assert.equal(await driver.valid(join(home, 'a', 'b', 'c')), true);
      assert.equal(statSync(join(home, 'a')).mode & 0o777, 0o700);
      await store.create('d/');
      assert.ok(statSync(join(home, 'd')).isDirectory());
      await assert.rejects(store.create('a/b/c'), code('ALREADYEXISTS'));
      await assert.rejects(store.create('a/b'), code('ALREADYEXISTS'));
      await assert.rejects(store.create('d/'), code('ALREADYEXISTS'));
      await assert.rejects(store.create('INBOX'), code('ALREADYEXISTS'));
      await assert.rejects(store.create('inbox'), code('ALREADYEXISTS'));
      await assert.rejects(store.create('INBOX/sub'), code('NOPERM'), 'INBOX has no inferiors');
      await assert.rejects(store.create('a/b/c/d'), code('NOPERM'), 'a mailbox file has no inferiors');
      await assert.rejects(store.create('a/b/c/d/e'), code('NOPERM'));
    }));

  it('deletes files and empty directories, never INBOX, never a directory with inferiors', () =>
    withStore(async ({ store, home }) => {
      await store.create('a/b');
      await store.subscribe('a/b');
      await assert.rejects(store.delete('INBOX'), code('NOPERM'));
      await assert.rejects(store.delete('a'), code('HASCHILDREN'));
      await store.delete('a/b');
      assert.ok(!existsSync(join(home, 'a', 'b')));
      assert.equal(readFileSync(join(home, '.mailboxlist'), 'latin1'), 'a/b\n', 'DELETE does not unsubscribe');
      writeFileSync(join(home, 'a', '.hidden'), '');
      await assert.rejects(store.delete('a'), code('HASCHILDREN'), 'dot files are inferiors too (rmdir)');
      rmSync(join(home, 'a', '.hidden'));
      await store.delete('a/');
      assert.ok(!existsSync(join(home, 'a')));
      await assert.rejects(store.delete('a'), code('NONEXISTENT'));
      await assert.rejects(store.delete('nothing/here'), code('NONEXISTENT'));
    }));

  it('renames files (keeping UIDs) and whole hierarchies; the target must not exist', () =>
    withStore(async ({ store, home }) => {
      await store.create('x');
      await store.append('x', each(msg('Subject: one\n\n1\n'), msg('Subject: two\n\n2\n')));
      await store.rename('x', 'p/q/y');
      assert.ok(!existsSync(join(home, 'x')));
      const box = await store.open('p/q/y', true);
      assert.deepEqual([box.meta(1).uid, box.meta(2).uid], [1, 2]);
      await box.close();
      await store.create('other');
      await assert.rejects(store.rename('other', 'p/q/y'), code('ALREADYEXISTS'));
      await assert.rejects(store.rename('other', 'p'), code('ALREADYEXISTS'));
      await assert.rejects(store.rename('other', 'INBOX'), code('ALREADYEXISTS'));
      await assert.rejects(store.rename('other', 'INBOX/z'), code('NOPERM'));
      await assert.rejects(store.rename('other', 'newdir/'), code('NOPERM'), 'a file cannot become a directory');
      await assert.rejects(store.rename('missing', 'z'), code('NONEXISTENT'));
      await assert.rejects(store.rename('other', '../z'), code('NOPERM'));
      await store.rename('p', 'r/s');
      assert.ok(existsSync(join(home, 'r', 's', 'q', 'y')));
      assert.ok(!existsSync(join(home, 'p')));
      await assert.rejects(store.rename('r', 'r/s/t'), code('NOPERM'), 'into itself');
    }));

  it('renaming INBOX moves its messages with flags, keywords and dates, and leaves INBOX empty', () =>
    withStore(async ({ store, inbox }) => {
      const d1 = { time: Date.UTC(2001, 0, 2, 3, 4, 5), zone: 60 };
      const d2 = { time: Date.UTC(2002, 5, 6, 7, 8, 9), zone: -300 };
      const d3 = { time: Date.UTC(2003, 8, 9, 10, 11, 12), zone: 0 };
      const r = await store.append('INBOX', each(
        msg('Subject: a\n\nfirst\n', Flag.Seen, ['$Forwarded'], d1),
        msg('Subject: b\n\nsecond\n', 0, [], d2),
        msg('Subject: c\n\nthird\nFrom me\n', Flag.Flagged | Flag.Answered, ['$Junk', 'work'], d3),
      ));
      assert.deepEqual(r.uids, [1, 2, 3]);
      // Expunge the middle one so the INBOX UIDs have a gap.
      const ib = await store.open('INBOX', false);
      ib.setFlags([2], 'add', Flag.Deleted, []);
      await ib.expunge();
      await ib.close();

      await store.rename('inbox', 'old/saved');
      const box = await store.open('old/saved', true);
      assert.equal(box.count(), 2);
      assert.deepEqual([1, 2].map((s) => box.meta(s).uid), [1, 2], 'a new mailbox numbers from 1, in order');
      assert.deepEqual([box.meta(1).flags, box.meta(1).keywords, box.meta(1).internalDate], [Flag.Seen, ['$Forwarded'], d1]);
      assert.deepEqual([box.meta(2).flags, [...box.meta(2).keywords].sort(), box.meta(2).internalDate],
        [Flag.Flagged | Flag.Answered, ['$Junk', 'work'], d3]);
      assert.equal(await served(box, 1), 'Subject: a\r\n\r\nfirst\r\n');
      assert.equal(await served(box, 2), 'Subject: c\r\n\r\nthird\r\nFrom me\r\n');
      await box.close();
      assert.ok(existsSync(inbox));
      assert.deepEqual((await store.status('INBOX')).messages, 0);
      // Renaming an INBOX that does not exist just creates the target (UW's dummy_rename).
      rmSync(inbox);
      await store.rename('INBOX', 'fresh');
      assert.equal((await store.status('fresh')).messages, 0);
    }));
});

describe('UwMailStore subscriptions', () => {
  it('keeps ~/.mailboxlist one name per line, in order, without duplicates, replaced atomically', () =>
    withStore(async ({ store, home }) => {
      const file = join(home, '.mailboxlist');
      await store.create('a');
      await store.create('b/c');
      await store.subscribe('b/c');
      await store.subscribe('inbox');
      await store.subscribe('a');
      await store.subscribe('b/c');
      assert.equal(readFileSync(file, 'latin1'), 'b/c\nINBOX\na\n');
      await assert.rejects(store.subscribe('missing'), code('NONEXISTENT'), 'UW: must be a mailbox');
      await assert.rejects(store.subscribe('../x'), code('NOPERM'));
      await store.unsubscribe('Inbox');
      assert.equal(readFileSync(file, 'latin1'), 'b/c\na\n');
      await store.unsubscribe('never');
      await store.delete('a');
      await store.unsubscribe('a');
      assert.equal(readFileSync(file, 'latin1'), 'b/c\n');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const { readdirSync } = await import('node:fs');
      assert.deepEqual(readdirSync(home).filter((n) => n.includes('.tmp')), [], 'no temporary files left');
    }));

  it('LSUB answers from the file; a trailing % shows superiors \\Noselect', () => withStore(async ({ store, home }) => {
    writeFileSync(join(home, '.mailboxlist'), 'INBOX\nwork/2024/jan\nnotes\n{imap.example.org}INBOX\ngone\nnotes\n');
    const lsub = (ref: string, pat: string) => store.list(ref, pat, { subscribedOnly: true });
    assert.deepEqual(await lsub('', '*'), [
      { name: 'INBOX', attributes: ['\\NoInferiors'] },
      { name: 'work/2024/jan', attributes: [] },
      { name: 'notes', attributes: [] },
      { name: 'gone', attributes: [] },
    ]);
    assert.deepEqual(table(await lsub('', '%')), { INBOX: '\\NoInferiors', work: '\\Noselect', notes: '', gone: '' });
    assert.deepEqual(table(await lsub('work/', '%')), { 'work/2024': '\\Noselect' });
    assert.deepEqual(table(await lsub('', 'work/*')), { 'work/2024/jan': '' });
    assert.deepEqual(await lsub('', ''), [{ name: '', attributes: ['\\Noselect'] }]);
  }));
});

describe('UwMailStore LIST', () => {
  async function tree(home: string, store: UwMailStore): Promise<void> {
    await store.create('foo/bar');
    await store.create('foo/baz/deep');
    await store.create('foo/empty/');
    await store.create('top');
    writeFileSync(join(home, 'plain.txt'), 'not an mbox\n');
    writeFileSync(join(home, '.hidden'), '');
    mkdirSync(join(home, '.dotdir'));
    writeFileSync(join(home, '.dotdir', 'box'), '');
    writeFileSync(join(home, 'inbox'), '');
  }
  const list = (s: UwMailStore, ref: string, pat: string) => s.list(ref, pat, { subscribedOnly: false });

  it('* walks everything except dot files; INBOX last; directories \\Noselect with children attributes', () =>
    withStore(async ({ store, home }) => {
      await tree(home, store);
      const l = await list(store, '', '*');
      assert.deepEqual(names(l), ['foo', 'foo/bar', 'foo/baz', 'foo/baz/deep', 'foo/empty', 'plain.txt', 'top', 'INBOX']);
      const t = table(l);
      assert.equal(t.foo, '\\Noselect \\HasChildren');
      assert.equal(t['foo/empty'], '\\Noselect \\HasNoChildren');
      assert.match(t['foo/bar'] ?? '', /^\\NoInferiors \\(Un)?[Mm]arked$/);
      assert.equal(t.INBOX, '\\NoInferiors');
    }));

  it('% stays on one level; references are prefixed; INBOX matches case-insensitively', () =>
    withStore(async ({ store, home }) => {
      await tree(home, store);
      assert.deepEqual(names(await list(store, '', '%')), ['foo', 'plain.txt', 'top', 'INBOX']);
      assert.deepEqual(names(await list(store, 'foo/', '%')), ['foo/bar', 'foo/baz', 'foo/empty']);
      assert.deepEqual(names(await list(store, '', 'foo/*')), ['foo/bar', 'foo/baz', 'foo/baz/deep', 'foo/empty']);
      assert.deepEqual(names(await list(store, '', 'foo/%/%')), ['foo/baz/deep']);
      assert.deepEqual(names(await list(store, '', 'f*p')), ['foo/baz/deep']);
      assert.deepEqual(names(await list(store, '', 'inbox')), ['INBOX']);
      assert.deepEqual(names(await list(store, '', 'InB%')), ['INBOX']);
      assert.deepEqual(names(await list(store, '', 'top')), ['top']);
      assert.deepEqual(names(await list(store, '', 'nothing')), []);
      assert.deepEqual(names(await list(store, 'foo/', '/etc/%')), [], 'a rooted pattern replaces the reference');
      assert.deepEqual(names(await list(store, '', '../%')), []);
      assert.deepEqual(names(await list(store, '', '~/foo/%')), ['~/foo/bar', '~/foo/baz', '~/foo/empty']);
      await assert.rejects(list(store, '', '%%%%%%%%%%%'), code('LIMIT'));
    }));

  it('the empty pattern answers the hierarchy root', () => withStore(async ({ store }) => {
    assert.deepEqual(await list(store, '', ''), [{ name: '', attributes: ['\\Noselect'] }]);
    assert.deepEqual(await list(store, 'foo/bar', ''), [{ name: 'foo/', attributes: ['\\Noselect'] }]);
    assert.deepEqual(await list(store, '/usr/staff/jones', ''), [{ name: '/', attributes: ['\\Noselect'] }]);
  }));

  it('\\Marked when a non-empty file changed after it was last read (mtime > atime), else \\Unmarked', () =>
    withStore(async ({ store, home }) => {
      await store.create('new');
      await store.create('read');
      writeFileSync(join(home, 'empty'), '');
      const past = new Date(T0 - 86400_000);
      utimesSync(join(home, 'new'), past, new Date()); // written after it was last read
      const future = new Date(Date.now() + 3600_000);
      utimesSync(join(home, 'read'), future, past); // read after the last change
      await store.create('fresh');
      const t = table(await list(store, '', '%'));
      assert.equal(t.fresh, '\\NoInferiors \\Unmarked', 'a new mailbox holds no new mail');
      assert.equal(t.new, '\\NoInferiors \\Marked');
      assert.equal(t.read, '\\NoInferiors \\Unmarked');
      assert.equal(t.empty, '\\NoInferiors \\Unmarked');
    }));

  it('hides symlinks that lead out of the home', () => withStore(async ({ store, home, root }) => {
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'box'), '');
    symlinkSync(join(root, 'outside'), join(home, 'escape'));
    symlinkSync(join(root, 'outside', 'box'), join(home, 'linkbox'));
    await store.create('real');
    symlinkSync(join(home, 'real'), join(home, 'alias'));
    assert.deepEqual(names(await list(store, '', '*')), ['alias', 'real', 'INBOX']);
  }));

  it('caps depth and entries on deep or wide trees', () => withStore(async ({ store, home }) => {
    const deep = Array.from({ length: 30 }, (_, i) => `d${i}`);
    mkdirSync(join(home, ...deep), { recursive: true });
    const l = names(await list(store, '', '*'));
    assert.equal(l.length, 4 + 1, 'levels 0..3 and INBOX');
    assert.equal(l[3], deep.slice(0, 4).join('/'));
    mkdirSync(join(home, 'wide'));
    for (let i = 0; i < 50; i++) writeFileSync(join(home, 'wide', `m${String(i).padStart(2, '0')}`), '');
    const w = names(await list(store, 'wide/', '%'));
    assert.ok(w.length <= 10, `${w.length} entries`);
  }, () => ({ listMaxDepth: 3, listMaxEntries: 10 })));
});

describe('UwMailStore special uses (RFC 6154)', () => {
  const uses = (s: UwMailStore, pat: string) =>
    s.list('', pat, { subscribedOnly: false }).then((l) => Object.fromEntries(l.map((e) => [e.name, (e.uses ?? []).join(' ')])));
  const withUses = (fn: (f: Fixture) => Promise<void>) => withStore(fn, (root) => ({
    specialUseFile: () => join(root, 'special-use'),
    specialUseNames: [{ name: 'Sent', use: '\\Sent' }, { name: 'mail/sent-mail', use: '\\Sent' }],
  }));

  it('configured names match without regard to case, mailbox files only; CREATE wins, RENAME carries, DELETE forgets', () =>
    withUses(async ({ store, root }) => {
      await store.create('sent');
      await store.create('mail/sent-mail');
      await store.create('box', { uses: ['\\Archive', '\\Junk'] });
      await store.create('Dir/');
      assert.deepEqual(await uses(store, '*'), { Dir: '', box: '\\Archive \\Junk', mail: '', 'mail/sent-mail': '\\Sent', sent: '\\Sent', INBOX: '' });
      assert.deepEqual(JSON.parse(readFileSync(join(root, 'special-use'), 'utf8')), { box: ['\\Archive', '\\Junk'] });
      await store.rename('box', 'Dir/box');
      await store.rename('Dir', 'Other');
      assert.deepEqual(await uses(store, 'Other/*'), { 'Other/box': '\\Archive \\Junk' });
      await store.delete('Other/box');
      await store.create('Other/box');
      assert.deepEqual(await uses(store, 'Other/*'), { 'Other/box': '' });
      assert.deepEqual(JSON.parse(readFileSync(join(root, 'special-use'), 'utf8')), {});
      const only = await store.list('', '*', { subscribedOnly: false, selectSpecialUse: true });
      assert.deepEqual(only.map((e) => e.name), ['mail/sent-mail', 'sent']);
    }));

  it('refuses with USEATTR (creating nothing) what an mbox store cannot keep', () =>
    withUses(async ({ store, home }) => {
      await assert.rejects(store.create('all', { uses: ['\\All'] }), code('USEATTR'));
      await assert.rejects(store.create('dir/', { uses: ['\\Sent'] }), code('USEATTR'));
      assert.ok(!existsSync(join(home, 'all')) && !existsSync(join(home, 'dir')));
    }));

  it('without a control directory a CREATE with a use is refused; the configured names still apply', () =>
    withStore(async ({ store, home }) => {
      await assert.rejects(store.create('x', { uses: ['\\Sent'] }), code('USEATTR'));
      assert.ok(!existsSync(join(home, 'x')));
      await store.create('Sent');
      assert.deepEqual(await uses(store, 'Sent'), { Sent: '\\Sent' });
    }, () => ({ specialUseNames: [{ name: 'sent', use: '\\Sent' }] })));

  it('a damaged file counts as empty', () => withUses(async ({ store, root }) => {
    writeFileSync(join(root, 'special-use'), '{not json');
    await store.create('Sent');
    assert.deepEqual(await uses(store, 'Sent'), { Sent: '\\Sent' });
  }));
});

describe('UwMailStore LIST-EXTENDED (RFC 5258)', () => {
  it('several patterns, SUBSCRIBED selection with \\NonExistent, RECURSIVEMATCH', () => withStore(async ({ store }) => {
    await store.create('a/b/c');
    await store.create('a/d');
    await store.create('e');
    await store.subscribe('a/b/c');
    await store.subscribe('e');
    await store.subscribe('a/d');
    await store.delete('a/d');
    const l = (pats: string[], o: object) => store.list('', pats, { subscribedOnly: false, ...o })
      .then((r) => r.map((e) => `${e.name} ${e.attributes.join(' ')}${e.childSubscribed ? ' +' : ''}`));
    assert.deepEqual(await l(['e', 'a/%', 'e', '*d'], {}), ['e \\NoInferiors \\Unmarked', 'a/b \\Noselect \\HasChildren']);
    assert.deepEqual(await l(['*'], { selectSubscribed: true }),
      ['a/b/c \\NoInferiors \\Unmarked \\Subscribed', 'e \\NoInferiors \\Unmarked \\Subscribed', 'a/d \\NonExistent \\Subscribed']);
    assert.deepEqual(await l(['%'], { selectSubscribed: true, recursiveMatch: true }),
      ['a \\Noselect \\HasChildren +', 'e \\NoInferiors \\Unmarked \\Subscribed']);
    assert.deepEqual(await l(['a/%'], { markSubscribed: true }), ['a/b \\Noselect \\HasChildren']);
  }));
});

describe('UwMailStore status/open/append', () => {
  it('creates a missing INBOX on APPEND, refuses others with NONEXISTENT (TRYCREATE)', () =>
    withStore(async ({ store, inbox }) => {
      assert.ok(!existsSync(inbox));
      const r = await store.append('INBOX', each(msg('Subject: x\n\nbody\n')));
      assert.deepEqual(r.uids, [1]);
      assert.ok(existsSync(inbox));
      await assert.rejects(store.append('nobox', each(msg('Subject: y\n\n\n'))), code('NONEXISTENT'));
      await assert.rejects(store.status('nobox'), code('NONEXISTENT'));
      await assert.rejects(store.open('nobox', true), code('NONEXISTENT'));
      await store.create('dir/');
      await assert.rejects(store.open('dir', true), code('NOTMAILBOX'));
      const s = await store.status('inbox');
      assert.equal(s.messages, 1);
    }));

  it('creates a missing INBOX on STATUS and SELECT', () => withStore(async ({ store, inbox }) => {
    assert.equal((await store.status('INBOX')).messages, 0);
    assert.ok(existsSync(inbox));
    rmSync(inbox);
    const box = await store.open('INBOX', false);
    assert.equal(box.count(), 0);
    await box.close();
  }));

  it('sameMailbox compares files, not names', () => withStore(async ({ store, home }) => {
    await store.create('real');
    symlinkSync(join(home, 'real'), join(home, 'alias'));
    assert.equal(store.sameMailbox('real', 'alias'), true);
    assert.equal(store.sameMailbox('real', '~/real'), true);
    assert.equal(store.sameMailbox('INBOX', 'inbox'), true);
    assert.equal(store.sameMailbox('real', 'INBOX'), false);
    assert.equal(store.sameMailbox('missing', 'missing'), true);
    assert.equal(store.sameMailbox('../x', '../x'), false);
  }));
});
