/**
 * Real IMAP clients against the real bin/imapd, started the way a client starts it for a user already logged in
 * (PREAUTH over a pipe, no login): Python's imaplib through `IMAP4_stream`, mbsync (isync) through its IMAPStore
 * `Tunnel` (which turns COMPRESS=DEFLATE on), mutt through `set tunnel`, and two client libraries applications are
 * built on, Perl's Mail::IMAPClient (Debian's libmail-imapclient-perl: COMPRESS, XLIST, IDLE) and Python's imap_tools
 * (Debian's python3-imap-tools: folder flags, MOVE), each over a socket or pipe to the program. Each runs as the oracle user (test/interop/oracles.ts makeSandbox) with
 * HOME = a fresh sandbox and MAIL = a fresh copy of test/fixtures/sample.mbox inside it, so that UW's own
 * `mailutil check` and c-client (uwFetch) can read what the server left, beside our driver.
 *
 * The fixture's INBOX as every client first sees it: UIDVALIDITY 1793610000, UIDs 1 (\Seen \Answered), 3 (\Seen
 * \Flagged project-x), 4 ($Forwarded, not seen) and 5 (new, \Recent; its UID is assigned by the first session).
 */
import assert from 'node:assert/strict';
import { chown, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_FLAG_NAMES } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import {
  makeSandbox, oracleAvailability, putSandboxFile, runInSandbox, uwCheck, uwFetch, type Sandbox,
} from './oracles.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const IMAPD = join(ROOT, 'bin', 'imapd');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'sample.mbox');
const UIDVALIDITY = 1793610000;

/** Quotes one word for /bin/sh (the clients run their tunnel command through the shell). */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The tunnel command: bin/imapd in PREAUTH mode with INBOX = `mail` and HOME = `home` (other mailboxes). */
const tunnel = (home: string, mail: string): string => `env MAIL=${sh(mail)} HOME=${sh(home)} ${sh(IMAPD)}`;

/** A message as our driver reads it: UID, system flags and keywords by name. */
interface Seen { uid: number; flags: string[] }

/** Our driver's view of the file (read-only: writes nothing). System flags first, then keywords. */
async function ours(path: string): Promise<Seen[]> {
  const box = await new MboxDriver().open(path, { readOnly: true });
  try {
    return Array.from({ length: box.count() }, (_, i) => {
      const m = box.meta(i + 1);
      return { uid: m.uid, flags: [...SYSTEM_FLAG_NAMES.filter(([bit]) => (m.flags & bit) !== 0).map(([, n]) => n),
        ...m.keywords] };
    });
  } finally {
    await box.close();
  }
}

/** c-client's view (what UW imapd would serve), in the same terms. */
async function uw(sb: Sandbox, path: string): Promise<{ uidNext: number; messages: Seen[] }> {
  const v = await uwFetch(sb, path);
  return { uidNext: v.uidNext, messages: v.messages.map((m) => ({ uid: m.uid, flags: [...m.flags, ...m.keywords] })) };
}

/** Runs a client as the sandbox user; rejects with its output when it exits non-zero. */
async function client(sb: Sandbox, argv: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runInSandbox(sb, argv, { env, timeoutMs: 120_000 });
  const out = r.stdout.toString('utf8');
  if (r.code !== 0) assert.fail(`${argv[0]} exited ${r.code ?? r.signal}:\n${out}\n${r.stderr}`);
  return out;
}

const skip = async (): Promise<string | false> => {
  const a = await oracleAvailability();
  return a.cclient !== true ? a.cclient : a.mailutils !== true ? a.mailutils : false;
};

describe('IMAP clients through a PREAUTH tunnel', async () => {
  const why = await skip();
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox();
  });
  after(async () => {
    await sb.cleanup();
  });

  /** A fresh directory in the sandbox (the server's HOME) holding a fresh copy of the fixture (its INBOX). */
  let n = 0;
  async function fresh(): Promise<{ dir: string; inbox: string }> {
    const dir = join(sb.dir, `c${++n}`);
    const inbox = await putSandboxFile(sb, join(dir, 'in.mbox'), await readFile(FIXTURE));
    return { dir, inbox };
  }

  it('Python imaplib (IMAP4_stream): SELECT APPEND SEARCH FETCH STORE CREATE COPY LIST STATUS EXPUNGE CLOSE',
    { skip: why }, async () => {
      const { dir, inbox } = await fresh();
      const script = `import imaplib, json, sys
def d(x):
    if isinstance(x, bytes): return x.decode('latin1')
    if isinstance(x, (list, tuple)): return [d(y) for y in x]
    return x
c = imaplib.IMAP4_stream(sys.argv[1])
o = {'welcome': d(c.welcome), 'caps': sorted(c.capabilities)}
o['select'] = d(c.select('INBOX'))
o['uidvalidity'] = d(c.response('UIDVALIDITY')); o['uidnext'] = d(c.response('UIDNEXT'))
o['append'] = d(c.append('INBOX', r'(\\Flagged $Forwarded)', '"01-Jan-2024 10:00:00 +0000"',
    b'From: Eve <eve@example.org>\\r\\nSubject: Appended soup\\r\\n\\r\\nTomato soup today.\\r\\n'))
o['all'] = d(c.uid('SEARCH', 'ALL')); o['unseen'] = d(c.uid('SEARCH', 'UNSEEN'))
o['text'] = d(c.uid('SEARCH', 'TEXT', 'soup')); o['header'] = d(c.uid('SEARCH', 'HEADER', 'Subject', 'lunch'))
o['fetch'] = d(c.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.SIZE FLAGS INTERNALDATE)'))
o['store'] = d(c.store('1', '+FLAGS', r'(\\Deleted)'))
o['uidstore'] = d(c.uid('STORE', '3', '-FLAGS', r'(\\Flagged)'))
o['create'] = d(c.create('saved'))
o['copy'] = d(c.copy('2:3', 'saved'))
o['list'] = d(c.list('""', '*')); o['listsaved'] = d(c.list('""', 'saved'))
o['status'] = d(c.status('saved', '(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)'))
o['expunge'] = d(c.expunge())
o['uidstore2'] = d(c.uid('STORE', '4', '+FLAGS', r'(\\Deleted)'))
o['uidexpunge'] = d(c.uid('EXPUNGE', '4')); o['uidexpunged'] = d(c.response('EXPUNGE'))
o['after'] = d(c.uid('SEARCH', 'ALL'))
o['close'] = d(c.close())
o['logout'] = d(c.logout())
print(json.dumps(o))
`;
      const r = JSON.parse(await client(sb, ['python3', '-c', script, tunnel(dir, inbox)])) as Record<string, unknown>;
      assert.match(r.welcome as string, /^\* PREAUTH \[CAPABILITY IMAP4rev1 .*\] \S+ IMAP4rev1 2007f\.ts-\S+ server ready, user /);
      for (const cap of ['IMAP4REV1', 'UIDPLUS', 'LITERAL+', 'NAMESPACE']) assert.ok((r.caps as string[]).includes(cap), cap);
      assert.deepEqual(r.select, ['OK', ['4']]);
      assert.deepEqual(r.uidvalidity, ['UIDVALIDITY', [String(UIDVALIDITY)]]);
      assert.deepEqual(r.uidnext, ['UIDNEXT', ['6']]);
      assert.deepEqual(r.append, ['OK', [`[APPENDUID ${UIDVALIDITY} 6] APPEND completed`]]);
      assert.deepEqual(r.all, ['OK', ['1 3 4 5 6']]);
      assert.deepEqual(r.unseen, ['OK', ['4 5 6']]);
      assert.deepEqual(r.text, ['OK', ['1 6']], 'TEXT matches the body (">From what I hear the soup") and the subject');
      assert.deepEqual(r.header, ['OK', ['1 4']]);
      assert.deepEqual(r.fetch, ['OK', [
        ['1 (BODY[HEADER.FIELDS (SUBJECT)] {31}', 'Subject: Lunch on Thursday?\r\n\r\n'],
        ' RFC822.SIZE 399 FLAGS (\\Seen \\Answered) INTERNALDATE " 2-Nov-2026 09:14:07 +0000")',
        ['2 (BODY[HEADER.FIELDS (SUBJECT)] {53}', 'Subject: =?utf-8?q?Projekt_X_=E2=80=93_Zeitplan?=\r\n\r\n'],
        ' RFC822.SIZE 667 FLAGS (\\Seen \\Flagged project-x) INTERNALDATE " 3-Nov-2026 17:42:19 +0100")',
        ['3 (BODY[HEADER.FIELDS (SUBJECT)] {35}', 'Subject: Re: Lunch on Thursday?\r\n\r\n'],
        ' RFC822.SIZE 358 FLAGS ($Forwarded) INTERNALDATE " 4-Nov-2026 08:01:55 -0500")',
        ['4 (BODY[HEADER.FIELDS (SUBJECT)] {33}', 'Subject: This week at Example\r\n\r\n'],
        ' RFC822.SIZE 362 FLAGS (\\Recent) INTERNALDATE " 5-Nov-2026 06:00:00 +0000")',
        ['5 (BODY[HEADER.FIELDS (SUBJECT)] {26}', 'Subject: Appended soup\r\n\r\n'],
        ' RFC822.SIZE 75 FLAGS (\\Flagged \\Recent $Forwarded) INTERNALDATE " 1-Jan-2024 10:00:00 +0000")',
      ]]);
      assert.deepEqual(r.store, ['OK', ['1 (FLAGS (\\Seen \\Answered \\Deleted))']]);
      assert.deepEqual(r.uidstore, ['OK', ['2 (UID 3 FLAGS (\\Seen project-x))']]);
      assert.equal((r.create as [string, string[]])[0], 'OK');
      assert.match(((r.create as [string, string[]])[1][0]) ?? '', /^\[MAILBOXID \(F[0-9]+u[0-9]+\)\] CREATE completed$/);
      const copy = /^\[COPYUID (\d+) 3:4 1:2\] COPY completed$/.exec(((r.copy as [string, string[]])[1][0]) ?? '');
      assert.ok(copy, `COPYUID: ${JSON.stringify(r.copy)}`);
      const savedValidity = Number(copy[1]);
      const listed = ((r.list as [string, string[]])[1]).map((l) => /"([^"]*)"$/.exec(l)?.[1]).sort();
      assert.deepEqual(listed, ['INBOX', 'in.mbox', 'saved'], `LIST "" *: ${JSON.stringify(r.list)}`);
      assert.match(((r.listsaved as [string, string[]])[1][0]) ?? '', /^\(\\NoInferiors(?: \\(?:Un)?[Mm]arked)?\) "\/" "saved"$/);
      assert.deepEqual(r.status, ['OK',
        [`"saved" (MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ${savedValidity} UNSEEN 1)`]]);
      assert.deepEqual(r.expunge, ['OK', ['1']]);
      assert.deepEqual(r.uidstore2, ['OK', ['2 (UID 4 FLAGS (\\Deleted $Forwarded))']]);
      assert.deepEqual(r.uidexpunged, ['EXPUNGE', ['2']]);
      assert.deepEqual(r.after, ['OK', ['3 5 6']]);
      assert.deepEqual(r.close, ['OK', ['CLOSE completed']]);
      assert.equal((r.logout as [string])[0], 'BYE');

      const saved = join(dir, 'saved');
      assert.deepEqual(await ours(inbox), [
        { uid: 3, flags: ['\\Seen', 'project-x'] }, { uid: 5, flags: [] }, { uid: 6, flags: ['\\Flagged', '$Forwarded'] },
      ]);
      assert.deepEqual(await ours(saved), [{ uid: 1, flags: ['\\Seen', 'project-x'] }, { uid: 2, flags: ['$Forwarded'] }]);
      assert.deepEqual(await uw(sb, inbox), { uidNext: 7, messages: await ours(inbox) });
      assert.deepEqual(await uw(sb, saved), { uidNext: 3, messages: await ours(saved) });
      assert.equal((await uwFetch(sb, saved)).uidValidity, savedValidity);
      const ci = await uwCheck(sb, inbox);
      assert.deepEqual([ci.messages, ci.recent, ci.unseen], [3, 0, 2], ci.raw);
      const cs = await uwCheck(sb, saved);
      assert.deepEqual([cs.messages, cs.recent, cs.unseen], [2, 2, 1], cs.raw);
    });

  it('mbsync (Tunnel): pulls into a Maildir, then pushes flag changes and a deletion back', { skip: why }, async () => {
    const { dir, inbox } = await fresh();
    const maildir = join(dir, 'Maildir');
    await mkdir(maildir, { mode: 0o700 });
    await chown(maildir, sb.uid, sb.gid);
    const rc = await putSandboxFile(sb, join(dir, 'mbsyncrc'), [
      'IMAPStore remote', `Tunnel "${tunnel(dir, inbox)}"`, '',
      'MaildirStore local', `Path ${maildir}/`, `Inbox ${maildir}/INBOX`, '',
      'Channel inbox', 'Far :remote:INBOX', 'Near :local:INBOX', 'Create Near', 'Expunge Both', 'SyncState *', '',
    ].join('\n'));
    const box = join(maildir, 'INBOX');
    const sync = (): Promise<string> => client(sb, ['mbsync', '-q', '-c', rc, '-a']);
    /** Far UID -> Maildir file (in cur/ or new/), through mbsync's state file (lines "farUid nearUid flags"). */
    async function files(): Promise<Map<number, string>> {
      const state = await readFile(join(box, '.mbsyncstate'), 'utf8');
      const nearToFar = new Map<number, number>();
      for (const m of state.matchAll(/^(\d+) (\d+) ?\S*$/gm)) nearToFar.set(Number(m[2]), Number(m[1]));
      const out = new Map<number, string>();
      for (const sub of ['cur', 'new']) {
        for (const f of await readdir(join(box, sub))) {
          const near = /,U=(\d+)/.exec(f);
          const far = near === null ? undefined : nearToFar.get(Number(near[1]));
          if (far !== undefined) out.set(far, join(sub, f));
        }
      }
      return out;
    }
    const flagsOf = (f: string): string => /:2,([A-Z]*)$/.exec(f)?.[1] ?? '?';

    // Not asserted (a server bug, reported): the pull session gives the new message X-UID 5 but leaves the X-IMAP
    // uid-last at 4, so once UID 5 is expunged the next delivery gets UID 5 again (RFC 3501 §2.3.1.1).
    // The first sync with mbsync's network debugging on: it turns on COMPRESS=DEFLATE (RFC 4978), which every sync
    // here then runs under.
    const first = await runInSandbox(sb, ['mbsync', '-Dn', '-c', rc, '-a'], { timeoutMs: 120_000 });
    const talk = first.stdout.toString('utf8') + first.stderr.toString();
    assert.equal(first.code, 0, talk);
    assert.match(talk, /^>>> \d+ COMPRESS DEFLATE\r?$/m, 'mbsync asks for compression');
    assert.match(talk, /^\d+ OK DEFLATE active\r?$/m, 'and gets it');
    const pulled = await files();
    assert.deepEqual([...pulled.keys()].sort((a, b) => a - b), [1, 3, 4, 5]);
    // Maildir flags: R = \Answered, S = \Seen, F = \Flagged, P = $Forwarded ("passed").
    assert.deepEqual([1, 3, 4, 5].map((u) => flagsOf(pulled.get(u) ?? '')), ['RS', 'FS', 'P', '']);

    /** Gives a message new Maildir flags (moving it to cur/), as a mail reader does. */
    const setFlags = async (uid: number, flags: string): Promise<void> => {
      const f = pulled.get(uid) ?? assert.fail(`no file for UID ${uid}`);
      const base = f.replace(/^(cur|new)\//, '').replace(/:2,[A-Z]*$/, '');
      await rename(join(box, f), join(box, 'cur', `${base}:2,${flags}`));
    };
    await setFlags(1, 'RST'); // trashed: mbsync sets \Deleted and expunges (Expunge Both)
    await setFlags(4, 'PS');
    await setFlags(5, 'FS');
    await sync();
    assert.deepEqual([...(await files()).keys()].sort((a, b) => a - b), [3, 4, 5]);

    const want = [
      { uid: 3, flags: ['\\Seen', '\\Flagged', 'project-x'] }, { uid: 4, flags: ['\\Seen', '$Forwarded'] },
      { uid: 5, flags: ['\\Seen', '\\Flagged'] },
    ];
    assert.deepEqual(await ours(inbox), want);
    assert.deepEqual((await uw(sb, inbox)).messages, want);
    const c = await uwCheck(sb, inbox);
    assert.deepEqual([c.messages, c.recent, c.unseen], [3, 0, 0], c.raw);

    await sync();
    assert.deepEqual(await ours(inbox), want, 'a third sync changes nothing');
  });

  it('Mail::IMAPClient (Perl): COMPRESS, XLIST and special uses, APPEND, MOVE, IDLE hearing of a delivery',
    { skip: why }, async () => {
      const { dir, inbox } = await fresh();
      // The program runs on one end of a socketpair, as inetd would run it on a connection; a second connection
      // delivers while the first idles (compressed).
      const script = `use strict; use warnings; use Socket; use JSON::PP; use Mail::IMAPClient;
my ($tunnel) = @ARGV;
sub connection {
  socketpair(my $c, my $s, AF_UNIX, SOCK_STREAM, PF_UNSPEC) or die "socketpair: $!";
  my $pid = fork() // die "fork: $!";
  if ($pid == 0) { close $c; open(STDIN, '<&', $s) or die; open(STDOUT, '>&', $s) or die; exec('/bin/sh', '-c', $tunnel); }
  close $s;
  return Mail::IMAPClient->new(Socket => $c, Uid => 1) // die "new: $@";
}
my %o;
my $m = connection();
$o{authenticated} = $m->IsAuthenticated ? 1 : 0;
$o{greeting} = [map { s/\\r\\n$//r } grep { defined } map { ref $_ ? $_->[2] : $_ } @{$m->{History}{0} // []}];
$o{greetingError} = $m->LastError // '';
$o{caps} = [sort @{$m->capability}];
$m->compress or die 'compress: ' . $m->LastError;
for my $f ('Sent', 'Drafts', 'Trash', 'Junk') { $m->create($f) or die "create $f: " . $m->LastError; }
$o{xlist} = $m->xlist_folders // die 'xlist: ' . $m->LastError;
$o{folders} = { map { ($_->{name} => [@{$_->{attrs}}]) } @{$m->folders_hash} };
$m->select('INBOX') or die 'select: ' . $m->LastError;
$o{uids} = $m->search('ALL');
$o{subject} = $m->subject(3);
$o{appended} = $m->append_string('INBOX', "From: perl\\@example.org\\r\\nSubject: from perl\\r\\n\\r\\nbody\\r\\n", '\\\\Flagged')
  // die 'append: ' . $m->LastError;
$m->move('Trash', 1) or die 'move: ' . $m->LastError;
$m->uidexpunge(1) or die 'uidexpunge: ' . $m->LastError;
my $tag = $m->idle // die 'idle: ' . $m->LastError;
my $d = connection();
$d->append_string('INBOX', "Subject: during idle\\r\\n\\r\\nx\\r\\n") or die 'append 2: ' . $d->LastError;
$d->logout;
$o{idle} = [map { s/\\r\\n$//r } @{$m->idle_data(20) // die 'idle_data: ' . $m->LastError}];
$m->done($tag) or die 'done: ' . $m->LastError;
$o{final} = $m->search('ALL');
$o{logout} = $m->logout ? 1 : 0;
print encode_json(\\%o);
`;
      const r = JSON.parse(await client(sb, ['perl', '-e', script, tunnel(dir, inbox)])) as Record<string, unknown>;
      // What the library read as the greeting goes with the failure (CI saw authenticated 0 twice in full runs of the
      // suite, never when this file runs alone: to be found).
      assert.equal(r.authenticated, 1, `PREAUTH leaves it logged in; the library read ${JSON.stringify(r.greeting)}, ` +
        `error ${JSON.stringify(r.greetingError)}`);
      for (const cap of ['COMPRESS=DEFLATE', 'XLIST', 'SPECIAL-USE', 'IDLE', 'MOVE', 'UIDPLUS']) {
        assert.ok((r.caps as string[]).includes(cap), cap);
      }
      // XLIST's names for the folders of the default special-use map (Gmail's \\Spam for \\Junk).
      assert.deepEqual(r.xlist, { Inbox: 'INBOX', Sent: 'Sent', Drafts: 'Drafts', Trash: 'Trash', Spam: 'Junk' });
      const folders = r.folders as Record<string, string[]>;
      assert.deepEqual(folders.Sent, ['\\NoInferiors', '\\Unmarked', '\\Sent']);
      assert.deepEqual(folders.Junk, ['\\NoInferiors', '\\Unmarked', '\\Junk']);
      assert.deepEqual(folders.INBOX, ['\\NoInferiors']);
      assert.deepEqual(r.uids, ['1', '3', '4', '5']);
      assert.equal(r.subject, '=?utf-8?q?Projekt_X_=E2=80=93_Zeitplan?=');
      assert.equal(r.appended, '6');
      // Delivered while it idled: told at once through the compressed stream.
      assert.deepEqual(r.idle, ['* 5 EXISTS', '* 3 RECENT']);
      assert.deepEqual(r.final, ['3', '4', '5', '6', '7']);
      assert.equal(r.logout, 1);

      const trash = join(dir, 'Trash');
      assert.deepEqual(await ours(trash), [{ uid: 1, flags: ['\\Seen', '\\Answered'] }]);
      assert.deepEqual((await uw(sb, trash)).messages, await ours(trash));
      assert.deepEqual((await ours(inbox)).map((m) => m.uid), [3, 4, 5, 6, 7]);
      assert.deepEqual((await uw(sb, inbox)).messages, await ours(inbox));
      assert.deepEqual((await ours(inbox))[3], { uid: 6, flags: ['\\Flagged'] });
    });

  it('imap_tools (Python): folder flags and special uses, STATUS, fetch, flag, copy, move', { skip: why }, async () => {
    const { dir, inbox } = await fresh();
    // imap_tools logs in itself; over a PREAUTH pipe the mailbox client is made already logged in.
    const script = `import imaplib, json, sys
from imap_tools import BaseMailBox, AND, MailMessageFlags
class Tunnel(BaseMailBox):
    def __init__(self, command):
        self._command = command
        super().__init__()
    def _get_mailbox_client(self):
        return imaplib.IMAP4_stream(self._command)
mb = Tunnel(sys.argv[1])
o = {'state': mb.client.state}
mb.folder.create('Sent'); mb.folder.create('Archive/2026')
o['folders'] = {f.name: sorted(f.flags) for f in mb.folder.list()}
o['status'] = mb.folder.status('INBOX')
mb.folder.set('INBOX')
o['messages'] = [[m.uid, m.subject, m.from_, sorted(m.flags), m.size_rfc822] for m in mb.fetch(AND(all=True), mark_seen=False)]
mb.flag(['4'], MailMessageFlags.SEEN, True)
mb.copy(['3'], 'Archive/2026')
mb.move(['1'], 'Sent')
o['uids'] = mb.uids(); o['unseen'] = mb.uids(AND(seen=False))
mb.folder.set('Archive/2026')
o['archived'] = [[m.uid, m.subject, sorted(m.flags)] for m in mb.fetch(mark_seen=False)]
mb.logout()
print(json.dumps(o))
`;
    const r = JSON.parse(await client(sb, ['/usr/bin/python3', '-c', script, tunnel(dir, inbox)])) as Record<string, unknown>;
    assert.equal(r.state, 'AUTH');
    // The maildrop file is in the home directory too; whether it is \\Marked depends on its access time.
    const folders = r.folders as Record<string, string[]>;
    assert.ok(folders['in.mbox']?.includes('\\NoInferiors'), JSON.stringify(folders));
    delete folders['in.mbox'];
    assert.deepEqual(folders, {
      'Archive': ['\\HasChildren', '\\Noselect'], 'Archive/2026': ['\\NoInferiors', '\\Unmarked'],
      'Sent': ['\\NoInferiors', '\\Sent', '\\Unmarked'], 'INBOX': ['\\NoInferiors'],
    });
    assert.deepEqual(r.status, { MESSAGES: 4, RECENT: 1, UIDNEXT: 6, UIDVALIDITY: UIDVALIDITY, UNSEEN: 2 });
    assert.deepEqual(r.messages, [
      ['1', 'Lunch on Thursday?', 'alice@example.org', ['\\Answered', '\\Seen'], 399],
      ['3', 'Projekt X – Zeitplan', 'carol@example.net', ['\\Flagged', '\\Seen', 'project-x'], 667],
      ['4', 'Re: Lunch on Thursday?', 'dave@example.com', ['$Forwarded'], 358],
      ['5', 'This week at Example', 'newsletter@example.com', ['\\Recent'], 362],
    ]);
    assert.deepEqual(r.uids, ['3', '4', '5']);
    assert.deepEqual(r.unseen, ['5']);
    assert.deepEqual(r.archived, [['1', 'Projekt X – Zeitplan', ['\\Flagged', '\\Recent', '\\Seen', 'project-x']]]);

    assert.deepEqual(await ours(inbox), [
      { uid: 3, flags: ['\\Seen', '\\Flagged', 'project-x'] }, { uid: 4, flags: ['\\Seen', '$Forwarded'] },
      { uid: 5, flags: [] },
    ]);
    assert.deepEqual((await uw(sb, inbox)).messages, await ours(inbox));
    const sent = join(dir, 'Sent');
    assert.deepEqual(await ours(sent), [{ uid: 1, flags: ['\\Seen', '\\Answered'] }]);
    assert.deepEqual((await uw(sb, sent)).messages, await ours(sent));
    const archived = join(dir, 'Archive', '2026');
    assert.deepEqual((await uw(sb, archived)).messages, await ours(archived));
  });

  it('mutt (tunnel): saves a message to another folder, deletes another, syncs', { skip: why }, async () => {
    const { dir, inbox } = await fresh();
    const rc = await putSandboxFile(sb, join(dir, 'muttrc'), [
      `set tunnel="${tunnel(dir, inbox)}"`, 'set folder="imap://localhost/"', 'set spoolfile="+INBOX"',
      'set confirmappend=no', 'set confirmcreate=no', 'set delete=yes', 'set move=no', 'set quit=yes',
      'set sort=mailbox-order', 'set mark_old=no', 'set header_cache=""', 'set message_cachedir=""', 'set mail_check=0', '',
    ].join('\n'));
    // mark_old=no: otherwise mutt stores its "Old" state on the server as a keyword named Old when it leaves.
    // mutt needs a terminal: script(1) gives it a pty. <save-message> saves and marks the original deleted, the
    // cursor moves to the next message, which <delete-message> deletes; <sync-mailbox> expunges both.
    const keys = '<first-entry><save-message>=saved<enter><delete-message><sync-mailbox><quit>';
    await client(sb, ['script', '-qec', `mutt -n -F ${sh(rc)} -e ${sh(`push "${keys}"`)}`, '/dev/null'],
      { TERM: 'xterm' });
    const saved = join(dir, 'saved');
    assert.deepEqual(await ours(inbox), [{ uid: 4, flags: ['$Forwarded'] }, { uid: 5, flags: [] }]);
    assert.deepEqual((await uw(sb, inbox)).messages, await ours(inbox));
    assert.deepEqual(await ours(saved), [{ uid: 1, flags: ['\\Seen', '\\Answered'] }]);
    assert.deepEqual((await uw(sb, saved)).messages, await ours(saved));
    const text = await readFile(saved, 'latin1');
    assert.match(text, /^Subject: Lunch on Thursday\?$/m);
    assert.match(text, /^>From what I hear the soup is good\.$/m, 'the body was copied, ">From" quoting intact');
    const c = await uwCheck(sb, saved);
    assert.equal(c.messages, 1, c.raw);
  });
});
