/**
 * STORE writes through (issue 13): when a STORE's tagged OK is sent, the change is in the mbox file. Proved with the
 * real bin/imapd (PREAUTH on stdin/stdout, as the oracles' sandbox user, clean environment, MAIL a mailbox UW's
 * c-client made) and the other programs that read the file: after each STORE, UW's c-client (uwFetch, UW imapd's
 * EXAMINE) and Dovecot (dovecotFetch: EXAMINE of the file itself, under Dovecot's own fcntl read lock) read, while
 * the session stays open with no CHECK, CLOSE or LOGOUT, exactly the new flags and keywords on the message changed
 * and nothing else changed (UIDs, UIDVALIDITY, UIDNEXT, the other messages), and `mailutil check` counts the same
 * messages. The oracles' reading does not disturb the session: its next NOOP reports nothing. Then a second session
 * changes another flag of the same message: both changes survive, on disk, for both oracles. At LOGOUT nothing more
 * is written. The same for mail a delivery agent appends while the session is open, for keywords that outgrow a
 * header's padding (the rest of the file moves), and for flags UW or Dovecot write, and an expunge UW makes, while
 * the session is open (its next STORE keeps them and lands on the right message).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  dovecotFetch, dovecotStore, makeSandbox, oracleAvailability, procmailDeliver, putSandboxFile, uwAppend, uwCheck,
  uwCreate, uwExpunge, uwFetch, uwStore,
  type FlagSet, type MailboxView, type Sandbox,
} from './oracles.js';
import { StdioServer } from './stdio-server.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;

const available = await oracleAvailability();
const missing = [available.cclient, available.dovecot, available.mailutils, available.procmail].find((a) => a !== true);

/** What every message must look like on disk: UID, system flags (in the oracles' order) and sorted keywords. */
type Expected = { uid: number; flags: string[]; keywords: string[] }[];

const tagged = (lines: readonly string[]): string => lines[lines.length - 1] ?? '';

describe('STORE is written through, as UW c-client and Dovecot read the file', { skip: missing }, () => {
  let sb: Sandbox;
  let box: string;
  const servers: StdioServer[] = [];

  before(async () => {
    sb = await makeSandbox();
    box = join(sb.dir, 'box');
    // Four messages appended by UW (c-client's own mbox form), two with keywords set by UW afterwards.
    await uwCreate(sb, box);
    for (const [i, flags] of [[], ['\\Seen'], ['\\Answered'], []].entries()) {
      await uwAppend(sb, box, `From: sender@example.org\nSubject: message ${i + 1}\nMessage-ID: <m${i + 1}@store.test>\n\n` +
        `body ${i + 1}\n`, { flags: flags as FlagSet['flags'], date: `0${i + 1}-Jan-2026 10:00:00 +0000` });
    }
    await uwStore(sb, box, [1], '+', { keywords: ['$Label2'] });
    await uwStore(sb, box, [2, 3], '+', { keywords: ['work'] });
    // New mail after UW's last look: no `O` in its Status, so \Recent for the first session that selects.
    await uwAppend(sb, box, 'From: sender@example.org\nSubject: new\nMessage-ID: <m5@store.test>\n\nnew mail\n',
      { date: '05-Jan-2026 10:00:00 +0000' });
  });

  after(async () => {
    for (const s of servers) s.kill();
    await sb.cleanup();
  });

  /** bin/imapd as the sandbox user on `box` (MAIL), with a configuration keeping everything in the sandbox. */
  async function imapd(mail = box): Promise<StdioServer> {
    const conf = await putSandboxFile(sb, 'imapd.conf', `journal_dir = ${join(sb.dir, 'journal')}\n` +
      `syslog_socket = ${join(sb.dir, 'no-syslog')}\nalert_file = ${join(sb.dir, 'no-alert')}\n` +
      `nologin_file = ${join(sb.dir, 'no-nologin')}\ncram_md5_file = ${join(sb.dir, 'no-cram-md5')}\n`, 0o644);
    const srv = new StdioServer({ argv: [join(ROOT, 'bin', 'imapd'), '-c', conf], env: { HOME: sb.dir, MAIL: mail, PATH },
      cwd: sb.dir, ...(sb.privileged ? { uid: sb.uid, gid: sb.gid } : {}) });
    servers.push(srv);
    assert.match(await srv.line() ?? '', /^\* PREAUTH /);
    return srv;
  }

  /** The messages' UIDs, flags and keywords, UIDVALIDITY and UIDNEXT, as one oracle read them. */
  const shape = (v: MailboxView): { uidValidity: number; uidNext: number; messages: Expected } => ({
    uidValidity: v.uidValidity, uidNext: v.uidNext,
    messages: v.messages.map((m) => ({ uid: m.uid, flags: [...m.flags], keywords: [...m.keywords] })),
  });

  let uidValidity = 0;

  /**
   * UW and Dovecot, reading the file now, both see exactly `expected`, and Dovecot, reading it in place, finds nothing
   * to rewrite (it would, were the metadata not in a form it accepts: the session would then see another writer);
   * `mailutil check` counts the same messages, `recent` of them new (no `O` in their Status) and the unseen ones.
   */
  async function onDisk(expected: Expected, what: string, recent = 0, path = box): Promise<void> {
    const uw = await uwFetch(sb, path);
    const dovecot = await dovecotFetch(sb, path, { inPlace: true });
    const uidNext = Math.max(0, ...expected.map((m) => m.uid)) + 1;
    assert.deepEqual(shape(uw), { uidValidity, uidNext, messages: expected }, `UW c-client reads ${what}`);
    assert.deepEqual(shape(dovecot), { uidValidity, uidNext, messages: expected }, `Dovecot reads ${what}`);
    assert.equal(dovecot.rewrote, false, `Dovecot has nothing to fix in ${what}`);
    assert.deepEqual(uw.log.filter((l) => l.level !== 'info'), [], 'c-client complains of nothing');
    const check = await uwCheck(sb, path);
    assert.equal(check.messages, expected.length, `mailutil check: ${check.raw}`);
    assert.equal(check.recent, recent, `mailutil check: ${check.raw}`);
    assert.equal(check.unseen, expected.filter((m) => !m.flags.includes('\\Seen')).length, `mailutil check: ${check.raw}`);
  }

  it('each STORE is on disk at its tagged OK; a second session\'s change to the same message survives too', async () => {
    const start = await uwFetch(sb, box);
    uidValidity = start.uidValidity;
    const expected: Expected = [
      { uid: 1, flags: [], keywords: ['$Label2'] },
      { uid: 2, flags: ['\\Seen'], keywords: ['work'] },
      { uid: 3, flags: ['\\Answered'], keywords: ['work'] },
      { uid: 4, flags: [], keywords: [] },
      { uid: 5, flags: [], keywords: [] },
    ];
    await onDisk(expected, 'the mailbox as UW made it', 1);

    const a = await imapd();
    const sel = await a.imap('a1', 'SELECT INBOX');
    assert.match(tagged(sel), /^a1 OK \[READ-WRITE\] /);
    assert.ok(sel.includes('* 5 EXISTS') && sel.includes('* 1 RECENT'), JSON.stringify(sel));
    const quiet = async (tag: string): Promise<void> => {
      assert.deepEqual(await a.imap(tag, 'NOOP'), [`${tag} OK NOOP completed`], 'the oracles\' reading disturbs nothing');
    };

    // The new keyword is announced (FLAGS, PERMANENTFLAGS) before the FETCH that shows it (as Dovecot does).
    // Keywords are listed in the mailbox's order (UW's X-IMAP list), the oracles' views sort them.
    assert.deepEqual(await a.imap('a2', 'STORE 2 +FLAGS (\\Flagged $Label1)'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label2 work $Label1)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label2 work $Label1 \\*)] Flags permitted',
      '* 2 FETCH (FLAGS (\\Seen \\Flagged work $Label1))',
      'a2 OK STORE completed']);
    expected[1] = { uid: 2, flags: ['\\Seen', '\\Flagged'], keywords: ['$Label1', 'work'] };
    // The one other change: message 5's Status gained its `O`. The session holds its \Recent (RFC 3501 §2.3.2: the
    // first session to see it) and writes that with its first write, as UW imapd does at its first checkpoint; it
    // stays \Recent for this session, and no other session or program will call it new.
    await onDisk(expected, 'STORE 2 +FLAGS (\\Flagged $Label1), the session still open', 0);
    assert.deepEqual(await a.imap('a2f', 'FETCH 5 FLAGS'), ['* 5 FETCH (FLAGS (\\Recent))', 'a2f OK FETCH completed']);
    await quiet('a2n');

    assert.deepEqual(await a.imap('a3', 'STORE 2 -FLAGS (\\Flagged)'),
      ['* 2 FETCH (FLAGS (\\Seen work $Label1))', 'a3 OK STORE completed']);
    expected[1] = { uid: 2, flags: ['\\Seen'], keywords: ['$Label1', 'work'] };
    await onDisk(expected, 'STORE 2 -FLAGS (\\Flagged)');
    await quiet('a3n');

    assert.deepEqual(await a.imap('a4', 'STORE 1 FLAGS (\\Answered)'),
      ['* 1 FETCH (FLAGS (\\Answered))', 'a4 OK STORE completed']);
    expected[0] = { uid: 1, flags: ['\\Answered'], keywords: [] };
    await onDisk(expected, 'STORE 1 FLAGS (\\Answered)');
    await quiet('a4n');

    assert.deepEqual(await a.imap('a5', 'UID STORE 3 -FLAGS (work)'),
      ['* 3 FETCH (UID 3 FLAGS (\\Answered))', 'a5 OK UID STORE completed']);
    expected[2] = { uid: 3, flags: ['\\Answered'], keywords: [] };
    await onDisk(expected, 'UID STORE 3 -FLAGS (work)');
    await quiet('a5n');

    // A second session, which selected before A's next change: A adds \Answered to message 2, then B (not having
    // looked since) adds \Draft. B's change is a delta on the flags on disk: A's survives.
    const b = await imapd();
    const selB = await b.imap('b1', 'SELECT INBOX');
    assert.match(tagged(selB), /^b1 OK \[READ-WRITE\] /);
    assert.ok(selB.includes('* 5 EXISTS') && selB.includes('* 0 RECENT'), JSON.stringify(selB));
    assert.deepEqual(await a.imap('a6', 'STORE 2 +FLAGS (\\Answered)'),
      ['* 2 FETCH (FLAGS (\\Seen \\Answered work $Label1))', 'a6 OK STORE completed']);
    assert.deepEqual(await b.imap('b2', 'STORE 2 +FLAGS (\\Draft)'),
      ['* 2 FETCH (FLAGS (\\Seen \\Answered \\Draft work $Label1))', 'b2 OK STORE completed']);
    expected[1] = { uid: 2, flags: ['\\Seen', '\\Answered', '\\Draft'], keywords: ['$Label1', 'work'] };
    await onDisk(expected, 'two sessions\' changes to message 2');
    // A hears of B's change, and of nothing else.
    assert.deepEqual(await a.imap('a7', 'NOOP'), ['* 2 FETCH (FLAGS (\\Seen \\Answered \\Draft work $Label1))',
      'a7 OK NOOP completed']);
    assert.deepEqual(await b.imap('b3', 'NOOP'), ['b3 OK NOOP completed']);

    // LOGOUT writes nothing more: every change was written when it was answered.
    const bytes = await readFile(box);
    for (const [s, tag] of [[a, 'a8'], [b, 'b4']] as const) {
      const r = await s.imap(tag, 'LOGOUT');
      assert.match(r[0] ?? '', /^\* BYE /);
      assert.match(tagged(r), new RegExp(`^${tag} OK `));
      assert.equal(await s.end(), 0);
    }
    assert.deepEqual(await readFile(box), bytes, 'the file is byte for byte as before LOGOUT');
    await onDisk(expected, 'the mailbox after both sessions ended');
  });

  it('mail delivered while the session is open gets its UID on disk with the first STORE, as both oracles read it', async () => {
    const path = join(sb.dir, 'delivered');
    await uwCreate(sb, path);
    await uwAppend(sb, path, 'From: sender@example.org\nSubject: old\n\nold mail\n', { flags: ['\\Seen'] });
    await uwStore(sb, path, [1], '+', { keywords: ['kept'] });
    uidValidity = (await uwFetch(sb, path)).uidValidity;
    const a = await imapd(path);
    assert.match(tagged(await a.imap('a1', 'SELECT INBOX')), /^a1 OK \[READ-WRITE\] /);
    // A delivery agent's append: no metadata at all (procmail, under its dotlock).
    await procmailDeliver(sb, path, 'From: other@example.org\nSubject: delivered\n\nnew mail\n', { from: 'other@example.org' });
    assert.deepEqual(await a.imap('a2', 'NOOP'), ['* 2 EXISTS', '* 1 RECENT', 'a2 OK NOOP completed']);
    assert.deepEqual(await a.imap('a3', 'UID FETCH 2 (UID FLAGS)'), ['* 2 FETCH (UID 2 FLAGS (\\Recent))', 'a3 OK UID FETCH completed']);
    assert.deepEqual(await a.imap('a4', 'STORE 2 +FLAGS (\\Flagged kept)'),
      ['* 2 FETCH (FLAGS (\\Flagged \\Recent kept))', 'a4 OK STORE completed']);
    await onDisk([
      { uid: 1, flags: ['\\Seen'], keywords: ['kept'] },
      { uid: 2, flags: ['\\Flagged'], keywords: ['kept'] },
    ], 'a delivered message flagged', 0, path);
    assert.deepEqual(await a.imap('a5', 'NOOP'), ['a5 OK NOOP completed']);
    // Keywords that outgrow the first message's header padding: the rest of the file moves (a journaled rewrite),
    // still before the tagged OK.
    const long = Array.from({ length: 12 }, (_, i) => `keyword${i}-${'k'.repeat(30)}`);
    const sizeBefore = (await readFile(path)).length;
    assert.match((await a.imap('a5b', `STORE 1 +FLAGS.SILENT (${long.join(' ')})`)).at(-1) ?? '', /^a5b OK /);
    assert.ok((await readFile(path)).length > sizeBefore, 'the file grew');
    await onDisk([
      { uid: 1, flags: ['\\Seen'], keywords: ['kept', ...long].sort() },
      { uid: 2, flags: ['\\Flagged'], keywords: ['kept'] },
    ], 'twelve long keywords on message 1', 0, path);
    const bytes = await readFile(path);
    assert.match((await a.imap('a6', 'LOGOUT')).at(-1) ?? '', /^a6 OK /);
    assert.equal(await a.end(), 0);
    assert.deepEqual(await readFile(path), bytes, 'the file is byte for byte as before LOGOUT');
  });

  it('flags another program wrote meanwhile (UW, Dovecot) are kept by the next STORE and reported to the session', async () => {
    const path = join(sb.dir, 'shared');
    await uwCreate(sb, path);
    for (let i = 1; i <= 3; i++) {
      await uwAppend(sb, path, `From: sender@example.org\nSubject: shared ${i}\n\nbody ${i}\n`, { flags: ['\\Seen'] });
    }
    await uwStore(sb, path, [1], '+', { keywords: ['old'] });
    uidValidity = (await uwFetch(sb, path)).uidValidity;
    const a = await imapd(path);
    assert.match(tagged(await a.imap('a1', 'SELECT INBOX')), /^a1 OK \[READ-WRITE\] /);
    // UW's c-client (a read-write open and a checkpoint, as UW imapd's STORE) flags message 2 and adds a keyword.
    await uwStore(sb, path, [2], '+', { flags: ['\\Flagged'], keywords: ['fromuw'] });
    const n1 = await a.imap('a2', 'NOOP');
    assert.deepEqual(n1.filter((l) => / FETCH /.test(l)), ['* 2 FETCH (FLAGS (\\Seen \\Flagged fromuw))'], JSON.stringify(n1));
    assert.deepEqual(await a.imap('a3', 'STORE 2 +FLAGS (\\Answered)'),
      ['* 2 FETCH (FLAGS (\\Seen \\Answered \\Flagged fromuw))', 'a3 OK STORE completed']);
    const expected: Expected = [
      { uid: 1, flags: ['\\Seen'], keywords: ['old'] },
      { uid: 2, flags: ['\\Seen', '\\Answered', '\\Flagged'], keywords: ['fromuw'] },
      { uid: 3, flags: ['\\Seen'], keywords: [] },
    ];
    await onDisk(expected, 'UW\'s flag and ours', 0, path);
    // Dovecot (it writes when its session ends) removes \Seen from message 3; the session has not looked since.
    await dovecotStore(sb, path, [3], '-', { flags: ['\\Seen'] });
    assert.deepEqual(await a.imap('a4', 'STORE 3 +FLAGS (\\Draft)'),
      ['* 3 FETCH (FLAGS (\\Draft))', 'a4 OK STORE completed']);
    expected[2] = { uid: 3, flags: ['\\Draft'], keywords: [] };
    await onDisk(expected, 'Dovecot\'s change and ours', 0, path);
    assert.deepEqual(await a.imap('a5', 'NOOP'), ['a5 OK NOOP completed']);
    // UW expunges message 1 (its file rewrite moves every later byte); the session hears of it, and its next STORE
    // lands on the right message.
    await uwExpunge(sb, path, [1]);
    assert.deepEqual(await a.imap('a6', 'NOOP'), ['* 1 EXPUNGE', 'a6 OK NOOP completed']);
    assert.deepEqual(await a.imap('a7', 'STORE 1 -FLAGS (fromuw)'),
      ['* 1 FETCH (FLAGS (\\Seen \\Answered \\Flagged))', 'a7 OK STORE completed']);
    expected.shift();
    expected[0] = { uid: 2, flags: ['\\Seen', '\\Answered', '\\Flagged'], keywords: [] };
    await onDisk(expected, 'UW\'s expunge and our STORE after it', 0, path);
    assert.match((await a.imap('a8', 'LOGOUT')).at(-1) ?? '', /^a8 OK /);
    assert.equal(await a.end(), 0);
    await onDisk(expected, 'the mailbox after the session ended', 0, path);
  });
});
