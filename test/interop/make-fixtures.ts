/**
 * Regenerates the static sample mailboxes in test/fixtures/interop/ with the real programs (run by hand, as root:
 * `node dist/test/interop/make-fixtures.js [outdir]`; it is not a test, and does nothing when the test runner
 * loads it). Each `NAME.mbox` gets a sidecar `NAME.json`
 * ({@link FixtureSidecar}) saying what UW's c-client and Dovecot read from it, and how it was written.
 *
 * The files are committed, not regenerated in CI: they hold UIDVALIDITYs and dates of the moment they were made.
 * oracles.test.ts checks on every run that both programs still read each fixture as its sidecar says.
 */
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dmailDeliver, dovecotAppend, dovecotExpunge, dovecotFetch, dovecotStore, imapDateMs, mailutilAppend, makeSandbox,
  procmailDeliver, tmailDeliver, uwAppend, uwCreate, uwExpunge, uwFetch, uwStore, type Sandbox,
} from './oracles.js';

/** One message of a fixture, as both oracles agree to read it. */
export interface FixtureMessage {
  readonly uid: number;
  readonly flags: readonly string[];
  readonly keywords: readonly string[];
  /** RFC822.SIZE according to c-client (counts a Content-Length header, which UW leaves in the header). */
  readonly uwSize: number;
  /** RFC822.SIZE according to Dovecot (hides Content-Length along with its other metadata headers). */
  readonly dovecotSize: number;
  readonly internalDate: string;
}

/** The sidecar JSON of a fixture mailbox. */
export interface FixtureSidecar {
  /** Which program wrote the file, and the steps, for a human reader. */
  readonly writtenBy: string;
  readonly steps: readonly string[];
  /** UIDVALIDITY stored in the file, or null when the file stores none (each reader assigns one at open). */
  readonly uidValidity: number | null;
  readonly uidNext: number;
  /** Keywords defined in the mailbox, in c-client's order (the X-IMAP / X-IMAPbase list). */
  readonly keywords: readonly string[];
  readonly messages: readonly FixtureMessage[];
  /** Whether Dovecot rewrites the file when it opens it (missing or non-Dovecot-form metadata). */
  readonly dovecotRewrites: boolean;
}

const MSG = (n: number, extra = ''): string =>
  `From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: fixture message ${n}\n` +
  `Date: Mon, 1 Jan 2024 0${n}:00:00 +0000\nMessage-ID: <fixture-${n}@example.org>\n\nBody of message ${n}.\n${extra}`;

async function record(sb: Sandbox, path: string, writtenBy: string, steps: readonly string[], storesUids: boolean):
    Promise<FixtureSidecar> {
  const uw = await uwFetch(sb, path);
  const dc = await dovecotFetch(sb, path);
  if (uw.messages.length !== dc.messages.length) throw new Error(`${path}: UW and Dovecot disagree on the count`);
  const messages = uw.messages.map((m, i) => {
    const d = dc.messages[i];
    if (d === undefined || d.uid !== m.uid || d.flags.join() !== m.flags.join() ||
        d.keywords.join() !== m.keywords.join() || imapDateMs(d.internalDate) !== imapDateMs(m.internalDate)) {
      throw new Error(`${path}: UW and Dovecot disagree on message ${i + 1}`);
    }
    return { uid: m.uid, flags: m.flags, keywords: m.keywords, uwSize: m.size, dovecotSize: d.size,
      internalDate: m.internalDate };
  });
  return { writtenBy, steps, uidValidity: storesUids ? uw.uidValidity : null, uidNext: uw.uidNext,
    keywords: uw.keywords, messages, dovecotRewrites: dc.rewrote };
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'test', 'fixtures', 'interop'));
  await mkdir(out, { recursive: true });
  const sb = await makeSandbox();
  const save = async (name: string, sidecar: FixtureSidecar): Promise<void> => {
    await copyFile(join(sb.dir, name), join(out, name));
    await chmod(join(out, name), 0o644);
    await writeFile(join(out, name.replace(/\.mbox$/, '.json')), `${JSON.stringify(sidecar, null, 2)}\n`);
    console.log(`wrote ${join(out, name)}`);
  };
  try {
    // UW: CREATE (pseudo-message), APPENDs with flags and dates, STOREs defining keywords, one UID EXPUNGE, and a
    // \Deleted message left in place.
    const uw = join(sb.dir, 'uw-written.mbox');
    await uwCreate(sb, uw);
    await uwAppend(sb, uw, MSG(1), { flags: ['\\Seen'], date: '01-Jan-2024 01:00:00 +0000' });
    await uwAppend(sb, uw, MSG(2), { flags: ['\\Answered', '\\Flagged'], date: '01-Jan-2024 02:00:00 +0100' });
    await uwAppend(sb, uw, MSG(3), { date: '01-Jan-2024 03:00:00 -0800' });
    await uwAppend(sb, uw, MSG(4), { flags: ['\\Draft'], date: '01-Jan-2024 04:00:00 +0000' });
    await uwAppend(sb, uw, MSG(5), { date: '01-Jan-2024 05:00:00 +0000' });
    await uwStore(sb, uw, [1], '+', { keywords: ['$Label1', 'work'] });
    await uwStore(sb, uw, [2], '+', { flags: ['\\Seen'], keywords: ['$Junk', 'work', 'later'] });
    await uwStore(sb, uw, [4], '+', { flags: ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted'],
      keywords: ['later'] });
    await uwExpunge(sb, uw, [3]);
    await save('uw-written.mbox', await record(sb, uw, 'UW c-client (cclient-oracle: CREATE, APPEND, STORE, ' +
      'UID EXPUNGE)', [
      'create', 'append 1 (\\Seen)', 'append 2 (\\Answered \\Flagged)', 'append 3 ()', 'append 4 (\\Draft)',
      'append 5 ()', 'store 1 +($Label1 work)', 'store 2 +(\\Seen $Junk work later)',
      'store 4 +(\\Seen \\Answered \\Flagged \\Deleted later)', 'uid expunge 3',
    ], true));

    // Dovecot: the same story through its IMAP APPEND/STORE/UID EXPUNGE.
    const dc = join(sb.dir, 'dovecot-written.mbox');
    await dovecotAppend(sb, dc, MSG(1), { flags: ['\\Seen'], keywords: ['$Label1', 'work'],
      date: '01-Jan-2024 01:00:00 +0000' });
    await dovecotAppend(sb, dc, MSG(2), { flags: ['\\Answered', '\\Flagged'], date: '01-Jan-2024 02:00:00 +0100' });
    await dovecotAppend(sb, dc, MSG(3), { date: '01-Jan-2024 03:00:00 -0800' });
    await dovecotAppend(sb, dc, MSG(4), { flags: ['\\Draft'], date: '01-Jan-2024 04:00:00 +0000' });
    await dovecotAppend(sb, dc, MSG(5, 'From the body, quoted by nobody here.\n'),
      { date: '01-Jan-2024 05:00:00 +0000' });
    await dovecotStore(sb, dc, [2], '+', { flags: ['\\Seen'], keywords: ['$Junk', 'work', 'later'] });
    await dovecotStore(sb, dc, [4], '+', { flags: ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted'],
      keywords: ['later'] });
    await dovecotExpunge(sb, dc, [3]);
    await save('dovecot-written.mbox', await record(sb, dc, 'Dovecot 2.3 imap (APPEND, STORE, UID EXPUNGE; ' +
      'INDEX=MEMORY)', [
      'append 1 (\\Seen $Label1 work)', 'append 2 (\\Answered \\Flagged)', 'append 3 ()', 'append 4 (\\Draft)',
      'append 5 () with a body line "From the body..."', 'store 2 +(\\Seen $Junk work later)',
      'store 4 +(\\Seen \\Answered \\Flagged \\Deleted later)', 'uid expunge 3',
    ], true));

    // mailutil append: c-client's APPEND without APPENDUID leaves its fresh form (status block right after the
    // From_ line, unpadded X-Keywords, no X-UID), copying the Dovecot-written messages with flags and keywords.
    const mu = join(sb.dir, 'mailutil-appended.mbox');
    await uwCreate(sb, mu);
    await mailutilAppend(sb, dc, mu, { keywords: 'copy' });
    await save('mailutil-appended.mbox', await record(sb, mu, 'UW mailutil append -kw (from dovecot-written.mbox)', [
      'create', 'mailutil append -kw dovecot-written.mbox mailutil-appended.mbox',
    ], true));

    // procmail: From_ lines written by procmail (or kept from the message), >From quoting, no metadata at all.
    const pm = join(sb.dir, 'procmail-written.mbox');
    await procmailDeliver(sb, pm, MSG(1), { from: 'alice@example.org' });
    await procmailDeliver(sb, pm, `From carol@example.org  Mon Jan  1 02:00:00 2024\n${MSG(2,
      'From here on the body line starts with From.\n')}`);
    await procmailDeliver(sb, pm, MSG(3).replace(/\n$/, ''), { from: 'dave@example.org' });
    await procmailDeliver(sb, pm, MSG(4), { from: 'erin@example.org' });
    await save('procmail-written.mbox', await record(sb, pm, 'procmail -m (recipe ":0:" to the file)', [
      'deliver 1 -f alice@example.org', 'deliver 2 with its own From_ line and a body line "From here..."',
      'deliver 3 without a final newline', 'deliver 4',
    ], false));

    // dmail and tmail: UW's delivery agents; the first delivery into an empty file writes an unpadded X-IMAPbase.
    const dm = join(sb.dir, 'dmail-written.mbox');
    await dmailDeliver(sb, dm, MSG(1), { from: 'alice@example.org' });
    await dmailDeliver(sb, dm, MSG(2), { seen: true });
    if (sb.privileged) await tmailDeliver(sb, dm, MSG(3), { from: 'carol@example.org' });
    await save('dmail-written.mbox', await record(sb, dm, 'UW dmail (and tmail, run as root)', [
      'dmail -f alice@example.org +dmail-written.mbox (into an empty file)', 'dmail -s +dmail-written.mbox',
      ...(sb.privileged ? ['tmail -f carol@example.org USER+SANDBOX/dmail-written.mbox'] : []),
    ], true));
  } finally {
    await sb.cleanup();
  }
}

// `node --test dist/test` runs every .js file under a directory named test, this one included: it must not rewrite
// the committed fixtures then. The test runner marks its child processes with NODE_TEST_CONTEXT.
if (process.env.NODE_TEST_CONTEXT === undefined) await main();
