/**
 * A full disk and an exhausted quota (ENOSPC, EDQUOT; issue 11): the real bin/imapd, bin/ipop3d and bin/mailtool,
 * run as `nobody` (PREAUTH) on mailboxes in small tmpfs filesystems that the test fills to the last page. Every write
 * that cannot be made is answered as temporary (`NO [OVERQUOTA]`, `-ERR [SYS/TEMP]`, exit status 75) and leaves the
 * mailbox byte for byte as it was; a write that is answered OK is on disk at once; the session goes on; and after the
 * space comes back the same commands succeed, with UW's `mailutil check` counting what our driver counts.
 *
 * The journal and APPEND spool directory (`journal_dir`) is on the full filesystem in some tests and on another in
 * others: a full /var/tmp and a full spool fail at different steps. Mounting needs root (CI runs as root); a mount
 * that fails fails the test. Nothing is read from the host's /etc configuration, nothing is left in /var/tmp.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync, chownSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync,
  rmSync, statSync, statfsSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { PieceList, recoverJournal, rewriteFile } from '../../lib/mailbox/mbox/rewrite.js';
import { formatStatusBlock } from '../../lib/mailbox/mbox/status-block.js';
import { StdioServer } from './stdio-server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOBODY = 65534;
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
if (process.getuid?.() !== 0) throw new Error('the full-disk tests must run as root (they mount tmpfs filesystems)');
const MAIL_GID = Number(execFileSync('getent', ['group', 'mail']).toString().split(':')[2]);

const base = mkdtempSync(join(tmpdir(), 'full-disk-'));
chmodSync(base, 0o755);
const mounts: string[] = [];
/** Every server started, so that after() can stop any a failed test left running (it would keep its mount busy). */
const started: StdioServer[] = [];
/**
 * `<dev>.<ino>` of every mailbox made: no journal, claim or lock file named after one may be left in /var/tmp (new
 * entries only: on a shared machine an old file there may name a recycled inode number).
 */
const made: string[] = [];
const varTmpBefore = new Set(readdirSync('/var/tmp'));
after(() => {
  for (const srv of started) srv.kill();
  const litter = readdirSync('/var/tmp').filter((f) => !varTmpBefore.has(f) && made.some((id) => f.startsWith(`uwimap-ts.${id}.`)));
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', [m]);
    } catch {
      execFileSync('umount', ['-l', m]);
    }
  }
  rmSync(base, { recursive: true, force: true });
  assert.deepEqual(litter, [], 'nothing left in /var/tmp');
});

let serial = 0;

/** A fresh tmpfs of `kb` KiB owned by nobody, mounted in the test's directory. Throws when it cannot be mounted. */
function tmpfs(kb: number): string {
  const d = join(base, `fs${++serial}`);
  mkdirSync(d);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k,mode=0755,uid=${NOBODY},gid=${NOBODY}`, `fulldisk${serial}`, d]);
  mounts.push(d);
  return d;
}

/** A directory nobody may write in, on the ordinary filesystem (for journals that must not be on the full one). */
function plainDir(): string {
  const d = join(base, `dir${++serial}`);
  mkdirSync(d);
  chownSync(d, NOBODY, NOBODY);
  return d;
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * Fills the filesystem of `dir` with a file of root's until not one page is free, then gives back `leave` bytes (whole
 * pages). Returns what frees the space again.
 */
function fill(dir: string, leave = 0): () => void {
  const path = join(dir, `.fill${++serial}`);
  const fd = openSync(path, 'w');
  let size = 0;
  try {
    for (const step of [1 << 20, 1 << 16, 4096, 1]) {
      const b = Buffer.alloc(step);
      for (;;) {
        try {
          size += writeSync(fd, b, 0, b.length, size);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
    assert.equal(freeBytes(dir), 0, 'the filesystem is full');
    if (leave > 0) {
      ftruncateSync(fd, Math.max(0, size - leave));
      assert.ok(freeBytes(dir) >= leave, `${leave} bytes free`);
    }
  } finally {
    closeSync(fd);
  }
  return () => unlinkSync(path);
}

/** A mailbox as our servers and UW leave it after a session: every message with its metadata block, seen by one. */
function settledMailbox(n: number, bodyBytes = 300): Buffer {
  let s = '';
  for (let i = 1; i <= n; i++) {
    const block = formatStatusBlock({
      flags: 0, old: true, keywords: [], uid: i, base: i === 1 ? { uidValidity: 1700000000, uidLast: n, keywords: [] } : null,
    });
    s += `From sender@example.org Sat Nov 21 12:0${i % 10}:00 2026\nFrom: sender@example.org\nTo: nobody@example.org\n` +
      `Subject: message ${i}\nMessage-ID: <m${i}@full.test>\n${block}\n`;
    for (let k = 0; s.length && k < Math.ceil(bodyBytes / 50); k++) s += `message ${i} line ${k} ${'x'.repeat(30)}\n`;
    s += '\n';
  }
  return Buffer.from(s, 'latin1');
}

/** Mail as a delivery agent leaves it: no metadata at all (a session that opens it has UIDs and `O`s to write). */
function deliveredMailbox(n: number): Buffer {
  let s = '';
  for (let i = 1; i <= n; i++) {
    s += `From sender@example.org Sat Nov 21 12:0${i % 10}:00 2026\nFrom: sender@example.org\nSubject: new ${i}\n\nnew mail ${i}\n\n`;
  }
  return Buffer.from(s, 'latin1');
}

/** A message of about `bytes` octets, CRLF line ends, as a client APPENDs it. */
function rfc822(bytes: number, tag = 'appended'): Buffer {
  let s = `From: client@example.org\r\nSubject: ${tag}\r\nMessage-ID: <${tag}.${bytes}@full.test>\r\n\r\n`;
  const line = `${'y'.repeat(70)}\r\n`;
  while (s.length + line.length <= bytes) s += line;
  return Buffer.from(s, 'latin1');
}

function put(path: string, data: Buffer | string, uid = NOBODY, gid = NOBODY, mode = 0o600): void {
  writeFileSync(path, data);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  const st = statSync(path);
  made.push(`${st.dev}.${st.ino}`);
}

interface Setup {
  readonly home: string;
  readonly mail: string;
  readonly journal: string;
}

/** The configuration file: every path the servers would take from the host is pointed into the test's directory. */
function config(s: Setup): string {
  const path = join(base, `conf${++serial}`);
  writeFileSync(path, `journal_dir = ${s.journal}\nsyslog_socket = ${join(base, 'no-syslog')}\nspool_dir = ${dirname(s.mail)}\n` +
    `alert_file = ${join(base, 'no-alert')}\nnologin_file = ${join(base, 'no-nologin')}\n` +
    `cram_md5_file = ${join(base, 'no-cram-md5')}\nlock_timeout_s = 10\n`);
  return path;
}

/** One server process as nobody on stdin/stdout (its PREAUTH mode), read a line at a time. */
function server(program: 'imapd' | 'ipop3d', s: Setup): StdioServer {
  const srv = new StdioServer({ argv: [join(ROOT, 'bin', program), '-c', config(s)],
    env: { HOME: s.home, MAIL: s.mail, PATH }, uid: NOBODY, gid: NOBODY });
  started.push(srv);
  return srv;
}

/** APPEND with LITERAL+ literals: one message, or several (MULTIAPPEND, RFC 3502). */
function appendCommand(mailbox: string, msgs: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`APPEND ${mailbox}`)];
  for (const m of msgs) parts.push(Buffer.from(` {${m.length}+}\r\n`), m);
  return Buffer.concat(parts);
}

const tagged = (lines: string[]): string => lines[lines.length - 1] as string;

/** Message count by UW's `mailutil check` (c-client, as nobody, in `home`). */
async function mailutilCount(home: string, path: string): Promise<number> {
  const rel = `./${relative(home, path)}`;
  const r = await run('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `HOME=${home}`, 'PATH=/usr/bin:/bin',
    'mailutil', 'check', rel], { cwd: home, encoding: 'latin1' });
  const m = /(?:\d+ new message\(s\) \(\d+ unseen\)|No new messages), (\d+) total in /.exec(r.stdout);
  assert.ok(m, `mailutil check ${rel}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** UIDs and flags of every message as our driver reads them (read-only, no locks, journals of `journal`). */
async function contents(path: string, journal: string): Promise<{ uid: number; flags: number; keywords: readonly string[] }[]> {
  const box = await new MboxDriver({ journalDir: journal }).open(path, { readOnly: true });
  try {
    return Array.from({ length: box.count() }, (_, i) => {
      const m = box.meta(i + 1);
      return { uid: m.uid, flags: m.flags, keywords: [...m.keywords] };
    });
  } finally {
    await box.close();
  }
}

/** After the space is back: UW's c-client counts as many messages as our driver, and `expect` of them. */
async function agreed(home: string, path: string, journal: string, expect: number): Promise<void> {
  const ours = (await contents(path, journal)).length;
  assert.equal(ours, expect, `our driver counts ${ours} messages in ${path}`);
  assert.equal(await mailutilCount(home, path), expect, `mailutil check counts ${expect} messages in ${path}`);
}

/** No journal, spool file or lock file left behind in `dirs`. */
/** imapd for the setup's user, greeted with PREAUTH and with INBOX selected (tag `a`). */
async function selectedImap(s: Setup): Promise<StdioServer> {
  const imap = server('imapd', s);
  assert.match(await imap.line() ?? '', /^\* PREAUTH /);
  assert.match(tagged(await imap.imap('a', 'SELECT INBOX')), /^a OK /);
  return imap;
}

function noLitter(...dirs: string[]): void {
  for (const d of dirs) {
    const left = readdirSync(d).filter((f) => /\.lock|journal|literal/.test(f));
    assert.deepEqual(left, [], `left in ${d}`);
  }
}

/** A home directory on a fresh tmpfs with an INBOX holding `inbox`; the journal directory on it or elsewhere. */
function setup(kb: number, inbox: Buffer, journalOnFullFs: boolean): Setup & { fs: string } {
  const fs = tmpfs(kb);
  const mail = join(fs, 'INBOX');
  put(mail, inbox);
  let journal: string;
  if (journalOnFullFs) {
    journal = join(fs, 'tmp');
    mkdirSync(journal);
    chownSync(journal, NOBODY, NOBODY);
  } else {
    journal = plainDir();
  }
  return { fs, home: fs, mail, journal };
}

describe('APPEND on a full disk', () => {
  it('a message larger than the free space, spooled on the full filesystem: NO [OVERQUOTA], the mailbox unchanged', async () => {
    const s = setup(4096, settledMailbox(3), true);
    const imap = server('imapd', s);
    assert.match(await imap.line() ?? '', /^\* PREAUTH /);
    const free = fill(s.fs, 256 << 10);
    const before = readFileSync(s.mail);
    // Over 1 MB: spooled to journal_dir as it arrives, which is where the space runs out.
    const r = await imap.imap('a', appendCommand('INBOX', [rfc822(1_500_000)]));
    assert.match(tagged(r), /^a NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before, 'the mailbox is byte for byte as it was');
    assert.match(tagged(await imap.imap('b', 'STATUS INBOX (MESSAGES UIDNEXT)')), /^b OK /);
    free();
    const ok = await imap.imap('c', appendCommand('INBOX', [rfc822(1_500_000)]));
    assert.match(tagged(ok), /^c OK \[APPENDUID 1700000000 4\] /);
    assert.match(tagged(await imap.imap('d', 'LOGOUT')), /^d OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 4);
    noLitter(s.fs, s.journal);
  });

  it('a message larger than the free space, the mailbox write fails part way: NO [OVERQUOTA], nothing of it left', async () => {
    const s = setup(2048, settledMailbox(3), false);
    const imap = server('imapd', s);
    assert.match(await imap.line() ?? '', /^\* PREAUTH /);
    const free = fill(s.fs, 64 << 10);
    const before = readFileSync(s.mail);
    const r = await imap.imap('a', appendCommand('INBOX', [rfc822(300_000)]));
    assert.match(tagged(r), /^a NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    // MULTIAPPEND is all or nothing: the first message fits, the second does not, neither is kept.
    const m = await imap.imap('b', appendCommand('INBOX', [rfc822(2_000, 'first'), rfc822(200_000, 'second')]));
    assert.match(tagged(m), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    free();
    assert.match(tagged(await imap.imap('c', appendCommand('INBOX', [rfc822(2_000, 'first'), rfc822(200_000, 'second')]))),
      /^c OK \[APPENDUID 1700000000 4:5\] /);
    assert.match(tagged(await imap.imap('d', 'LOGOUT')), /^d OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 5);
    noLitter(s.fs, s.journal);
  });

  it('at 0 bytes free (the dotlock cannot be made): NO [OVERQUOTA], not a server bug', async () => {
    const s = setup(1024, settledMailbox(3), false);
    const imap = server('imapd', s);
    assert.match(await imap.line() ?? '', /^\* PREAUTH /);
    const free = fill(s.fs);
    const before = readFileSync(s.mail);
    assert.match(tagged(await imap.imap('a', appendCommand('INBOX', [rfc822(500)]))), /^a NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    // CREATE and SUBSCRIBE write files of their own: refused the same way, nothing half-made left.
    assert.match(tagged(await imap.imap('a2', 'CREATE saved')), /^a2 NO \[OVERQUOTA\] /);
    assert.equal(existsSync(join(s.home, 'saved')), false);
    assert.match(tagged(await imap.imap('a3', 'SUBSCRIBE INBOX')), /^a3 NO \[OVERQUOTA\] /);
    free();
    assert.match(tagged(await imap.imap('b', appendCommand('INBOX', [rfc822(500)]))), /^b OK \[APPENDUID 1700000000 4\] /);
    assert.match(tagged(await imap.imap('c', 'LOGOUT')), /^c OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 4);
    noLitter(s.fs, s.journal);
  });

  it('at 0 bytes free in a root:mail spool (the setgid dotlockfile fails with L_TMPWRITE): NO [OVERQUOTA]', async () => {
    const fs = tmpfs(1024);
    const spool = join(fs, 'spool');
    mkdirSync(spool);
    chownSync(spool, 0, MAIL_GID);
    chmodSync(spool, 0o2775);
    const mail = join(spool, 'nobody');
    put(mail, settledMailbox(3), NOBODY, MAIL_GID, 0o660);
    const s = { home: plainDir(), mail, journal: plainDir() };
    const imap = server('imapd', s);
    assert.match(await imap.line() ?? '', /^\* PREAUTH /);
    const free = fill(fs);
    const before = readFileSync(mail);
    assert.match(tagged(await imap.imap('a', appendCommand('INBOX', [rfc822(500)]))), /^a NO \[OVERQUOTA\] /);
    assert.match(tagged(await imap.imap('b', 'SELECT INBOX')), /^b OK /);
    assert.match(tagged(await imap.imap('c', 'STORE 1 +FLAGS (\\Flagged)')), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(mail), before);
    free();
    assert.match(tagged(await imap.imap('d', 'STORE 1 +FLAGS (\\Flagged)')), /^d OK /);
    assert.match(tagged(await imap.imap('e', 'LOGOUT')), /^e OK /);
    assert.equal(await imap.end(), 0);
    assert.deepEqual((await contents(mail, s.journal)).map((m) => m.flags), [4, 0, 0]);
    assert.deepEqual(readdirSync(spool), ['nobody']);
  });
});

describe('COPY and MOVE on a full disk', () => {
  it('COPY into a mailbox on the full filesystem: NO [OVERQUOTA], both mailboxes unchanged', async () => {
    const s = setup(2048, settledMailbox(3, 40_000), false);
    const dest = join(s.home, 'saved');
    put(dest, settledMailbox(1));
    const imap = await selectedImap(s);
    const free = fill(s.fs, 64 << 10);
    const [inbox, saved] = [readFileSync(s.mail), readFileSync(dest)];
    assert.match(tagged(await imap.imap('b', 'COPY 1:3 saved')), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(dest), saved);
    assert.deepEqual(readFileSync(s.mail), inbox);
    free();
    assert.match(tagged(await imap.imap('c', 'COPY 1:3 saved')), /^c OK \[COPYUID 1700000000 1:3 2:4\] /);
    assert.match(tagged(await imap.imap('d', 'LOGOUT')), /^d OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, dest, s.journal, 4);
    noLitter(s.fs, s.journal);
  });

  it('MOVE into a mailbox on the full filesystem: NO [OVERQUOTA], nothing copied, nothing expunged', async () => {
    const s = setup(2048, settledMailbox(3, 40_000), false);
    const dest = join(s.home, 'saved');
    put(dest, settledMailbox(1));
    const imap = await selectedImap(s);
    const free = fill(s.fs, 64 << 10);
    const [inbox, saved] = [readFileSync(s.mail), readFileSync(dest)];
    const r = await imap.imap('b', 'MOVE 1:2 saved');
    assert.match(tagged(r), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => /COPYUID|EXPUNGE/.test(l)), []);
    assert.deepEqual(readFileSync(dest), saved);
    assert.deepEqual(readFileSync(s.mail), inbox);
    free();
    const ok = await imap.imap('c', 'MOVE 1:2 saved');
    assert.match(tagged(ok), /^c OK /);
    assert.deepEqual(ok.filter((l) => /EXPUNGE/.test(l)), ['* 1 EXPUNGE', '* 1 EXPUNGE']);
    assert.match(tagged(await imap.imap('d', 'LOGOUT')), /^d OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, dest, s.journal, 3);
    await agreed(s.home, s.mail, s.journal, 1);
    noLitter(s.fs, s.journal);
  });

  it('MOVE whose source cannot be expunged (its filesystem full): NO [OVERQUOTA], the copies taken back', async () => {
    // INBOX on a filesystem of its own; the home directory, and `saved` in it, on one with room.
    const s = { ...setup(1024, settledMailbox(3), false), home: plainDir() };
    const dest = join(s.home, 'saved');
    put(dest, settledMailbox(1));
    const imap = await selectedImap(s);
    const free = fill(s.fs);
    const [inbox, saved] = [readFileSync(s.mail), readFileSync(dest)];
    const r = await imap.imap('b', 'MOVE 1:2 saved');
    assert.match(tagged(r), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => /COPYUID|EXPUNGE/.test(l)), []);
    assert.deepEqual(readFileSync(dest), saved, 'the destination is as it was');
    assert.deepEqual(readFileSync(s.mail), inbox);
    const flags = await imap.imap('c', 'FETCH 1:3 FLAGS');
    assert.deepEqual(flags.slice(0, -1), ['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS ())', '* 3 FETCH (FLAGS ())']);
    free();
    const ok = await imap.imap('d', 'MOVE 1:2 saved');
    assert.match(tagged(ok), /^d OK /);
    assert.match(tagged(await imap.imap('e', 'LOGOUT')), /^e OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, dest, s.journal, 3);
    await agreed(dirname(s.mail), s.mail, s.journal, 1);
    noLitter(s.fs, s.home, s.journal);
  });
});

describe('COPY and MOVE into the selected mailbox on a full disk', () => {
  it('COPY: NO [OVERQUOTA], the mailbox unchanged', async () => {
    const s = setup(2048, settledMailbox(3, 40_000), false);
    const imap = await selectedImap(s);
    const free = fill(s.fs, 64 << 10);
    const before = readFileSync(s.mail);
    const r = await imap.imap('b', 'COPY 1:3 INBOX');
    assert.match(tagged(r), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => /EXISTS/.test(l)), []);
    assert.deepEqual(readFileSync(s.mail), before);
    free();
    const ok = await imap.imap('c', 'COPY 1:3 INBOX');
    assert.deepEqual(ok.slice(0, 2), ['* 6 EXISTS', '* 3 RECENT']);
    assert.match(tagged(ok), /^c OK \[COPYUID 1700000000 1:3 4:6\] /);
    assert.match(tagged(await imap.imap('d', 'LOGOUT')), /^d OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 6);
    noLitter(s.fs, s.journal);
  });

  it('MOVE whose expunge finds no room for its journal: NO [OVERQUOTA], the copies taken back', async () => {
    // The journal on the mailbox's filesystem, with room for the copies but not for the expunge's journal.
    const s = setup(2048, settledMailbox(3, 40_000), true);
    const imap = await selectedImap(s);
    const free = fill(s.fs, 96 << 10);
    const before = readFileSync(s.mail);
    const r = await imap.imap('b', 'MOVE 1:2 INBOX');
    assert.match(tagged(r), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => /COPYUID|EXPUNGE|EXISTS/.test(l)), []);
    assert.deepEqual(readFileSync(s.mail), before);
    const flags = await imap.imap('c', 'FETCH 1:* (UID FLAGS)');
    assert.deepEqual(flags.slice(0, -1), ['* 1 FETCH (UID 1 FLAGS ())', '* 2 FETCH (UID 2 FLAGS ())', '* 3 FETCH (UID 3 FLAGS ())']);
    free();
    const ok = await imap.imap('d', 'MOVE 1:2 INBOX');
    assert.deepEqual(ok, ['* OK [COPYUID 1700000000 1:2 4:5] Moved UIDs.', '* 1 EXPUNGE', '* 1 EXPUNGE', '* 3 EXISTS',
      '* 2 RECENT', 'd OK MOVE completed']);
    assert.match(tagged(await imap.imap('e', 'LOGOUT')), /^e OK /);
    assert.equal(await imap.end(), 0);
    assert.deepEqual((await contents(s.mail, s.journal)).map((m) => m.uid), [3, 4, 5]);
    await agreed(s.home, s.mail, s.journal, 3);
    noLitter(s.fs, s.journal);
  });
});

describe('STORE on a full disk', () => {
  it('answers OK only once the flags are written; at 0 bytes free NO [OVERQUOTA], and the flags stay as on disk', async () => {
    const s = setup(1024, settledMailbox(3), false);
    const imap = await selectedImap(s);
    // Written through: on disk before the tagged OK, with no CHECK, CLOSE or LOGOUT.
    assert.match(tagged(await imap.imap('b', 'STORE 1 +FLAGS.SILENT (\\Answered)')), /^b OK /);
    assert.deepEqual((await contents(s.mail, s.journal)).map((m) => m.flags), [2, 0, 0]);
    const free = fill(s.fs);
    const before = readFileSync(s.mail);
    const r = await imap.imap('c', 'STORE 2 +FLAGS (\\Flagged)');
    assert.match(tagged(r), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => / FETCH /.test(l)), [], 'no FETCH response for flags not stored');
    assert.deepEqual(readFileSync(s.mail), before);
    const flags = await imap.imap('d', 'FETCH 1:3 FLAGS');
    assert.deepEqual(flags.slice(0, -1), ['* 1 FETCH (FLAGS (\\Answered))', '* 2 FETCH (FLAGS ())', '* 3 FETCH (FLAGS ())']);
    free();
    assert.match(tagged(await imap.imap('e', 'STORE 2 +FLAGS.SILENT (\\Flagged)')), /^e OK /);
    assert.deepEqual((await contents(s.mail, s.journal)).map((m) => m.flags), [2, 4, 0]);
    assert.match(tagged(await imap.imap('f', 'LOGOUT')), /^f OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 3);
    noLitter(s.fs, s.journal);
  });

  it('with the journal directory full: a flag change in place is written; one that moves mail is refused', async () => {
    const s = setup(1024, settledMailbox(4), true);
    const imap = await selectedImap(s);
    // One page for the dotlock; the journal (same filesystem) gets nothing.
    const free = fill(s.fs, 4096);
    const before = readFileSync(s.mail);
    assert.match(tagged(await imap.imap('b', 'STORE 2 +FLAGS.SILENT (\\Seen)')), /^b OK /);
    const after1 = readFileSync(s.mail);
    assert.equal(after1.length, before.length, 'patched in place');
    assert.deepEqual((await contents(s.mail, s.journal)).map((m) => m.flags), [0, 1, 0, 0]);
    // Thirty long keywords outgrow every block's padding: the rewrite needs a journal and more space.
    const keywords = Array.from({ length: 30 }, (_, i) => `keyword${i}${'k'.repeat(40)}`).join(' ');
    const r = await imap.imap('c', `STORE 1:4 +FLAGS (${keywords})`);
    assert.match(tagged(r), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), after1);
    const flags = await imap.imap('d', 'FETCH 1:4 FLAGS');
    assert.deepEqual(flags.slice(0, -1), ['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS (\\Seen))', '* 3 FETCH (FLAGS ())',
      '* 4 FETCH (FLAGS ())']);
    free();
    assert.match(tagged(await imap.imap('e', `STORE 1:4 +FLAGS.SILENT (${keywords})`)), /^e OK /);
    assert.equal((await contents(s.mail, s.journal))[3]?.keywords.length, 30);
    assert.match(tagged(await imap.imap('f', 'LOGOUT')), /^f OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 4);
    noLitter(s.fs, s.journal);
  });

  it('a rewrite that runs out of room in the mailbox part way leaves it as it was', async () => {
    // The journal has room; the mailbox's filesystem has one page, for the dotlock.
    const s = setup(1024, settledMailbox(12), false);
    const imap = await selectedImap(s);
    const free = fill(s.fs, 4096);
    const before = readFileSync(s.mail);
    const keywords = Array.from({ length: 30 }, (_, i) => `keyword${i}${'k'.repeat(40)}`).join(' ');
    assert.match(tagged(await imap.imap('b', `STORE 1:12 +FLAGS (${keywords})`)), /^b NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    assert.deepEqual(readdirSync(s.journal).filter((f) => f.endsWith('.journal')), [], 'no journal left');
    free();
    assert.match(tagged(await imap.imap('c', 'LOGOUT')), /^c OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 12);
  });
});

describe('EXPUNGE, CLOSE and LOGOUT on a full disk', () => {
  it('EXPUNGE: NO [OVERQUOTA], nothing removed; it works once there is room', async () => {
    const s = setup(1024, settledMailbox(3), false);
    const imap = await selectedImap(s);
    assert.match(tagged(await imap.imap('b', 'STORE 2 +FLAGS.SILENT (\\Deleted)')), /^b OK /);
    const free = fill(s.fs);
    const before = readFileSync(s.mail);
    const r = await imap.imap('c', 'EXPUNGE');
    assert.match(tagged(r), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(r.filter((l) => /EXPUNGE/.test(l) && l.startsWith('*')), []);
    assert.deepEqual(readFileSync(s.mail), before);
    assert.equal((await imap.imap('d', 'FETCH 1:* UID')).length, 4);
    free();
    const ok = await imap.imap('e', 'EXPUNGE');
    assert.deepEqual(ok, ['* 2 EXPUNGE', 'e OK EXPUNGE completed']);
    assert.match(tagged(await imap.imap('f', 'LOGOUT')), /^f OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 2);
    noLitter(s.fs, s.journal);
  });

  it('EXPUNGE with the journal directory full: NO [OVERQUOTA], the mailbox unchanged', async () => {
    const s = setup(1024, settledMailbox(3), true);
    const imap = await selectedImap(s);
    assert.match(tagged(await imap.imap('b', 'STORE 1 +FLAGS.SILENT (\\Deleted)')), /^b OK /);
    const free = fill(s.fs, 4096);
    const before = readFileSync(s.mail);
    assert.match(tagged(await imap.imap('c', 'EXPUNGE')), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    free();
    assert.deepEqual(await imap.imap('d', 'EXPUNGE'), ['* 1 EXPUNGE', 'd OK EXPUNGE completed']);
    assert.match(tagged(await imap.imap('e', 'LOGOUT')), /^e OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 2);
    noLitter(s.fs, s.journal);
  });

  it('CLOSE: NO [OVERQUOTA], the mailbox stays selected and nothing is lost', async () => {
    const s = setup(1024, settledMailbox(3), false);
    const imap = await selectedImap(s);
    assert.match(tagged(await imap.imap('b', 'STORE 3 +FLAGS.SILENT (\\Deleted)')), /^b OK /);
    const free = fill(s.fs);
    const before = readFileSync(s.mail);
    assert.match(tagged(await imap.imap('c', 'CLOSE')), /^c NO \[OVERQUOTA\] /);
    assert.deepEqual(readFileSync(s.mail), before);
    // Still selected.
    const f = await imap.imap('d', 'FETCH 3 FLAGS');
    assert.deepEqual(f, ['* 3 FETCH (FLAGS (\\Deleted))', 'd OK FETCH completed']);
    free();
    assert.deepEqual(await imap.imap('e', 'CLOSE'), ['e OK CLOSE completed']);
    assert.match(tagged(await imap.imap('f', 'LOGOUT')), /^f OK /);
    assert.equal(await imap.end(), 0);
    await agreed(s.home, s.mail, s.journal, 2);
    noLitter(s.fs, s.journal);
  });

  it('LOGOUT with changes it cannot write: * BYE and OK, exit 0, the mailbox as it was', async () => {
    // New mail after a settled message: the session has UIDs and `O`s to write, which a full disk refuses.
    const s = setup(1024, Buffer.concat([settledMailbox(1), deliveredMailbox(2)]), false);
    const imap = server('imapd', s);
    assert.match(await imap.line() ?? '', /^\* PREAUTH /);
    // The first STORE writes the new mail's metadata too: it fails, and so does everything LOGOUT has to write.
    assert.match(tagged(await imap.imap('a', 'SELECT INBOX')), /^a OK /);
    const free = fill(s.fs);
    const before = readFileSync(s.mail);
    assert.match(tagged(await imap.imap('b', 'STORE 1 +FLAGS (\\Flagged)')), /^b NO \[OVERQUOTA\] /);
    const r = await imap.imap('c', 'LOGOUT');
    assert.ok(r.some((l) => l.startsWith('* BYE ')), JSON.stringify(r));
    assert.match(tagged(r), /^c OK /);
    assert.equal(await imap.end(), 0);
    assert.deepEqual(readFileSync(s.mail), before);
    free();
    await agreed(s.home, s.mail, s.journal, 3);
    noLitter(s.fs, s.journal);
  });

  it('LOGOUT after a STORE that was answered OK: the flags are on disk although nothing more can be written', async () => {
    const s = setup(1024, settledMailbox(3), false);
    const imap = await selectedImap(s);
    assert.match(tagged(await imap.imap('b', 'STORE 1:3 +FLAGS.SILENT (\\Seen \\Flagged)')), /^b OK /);
    const free = fill(s.fs);
    // With nothing to write, nothing needs room: reading, an EXPUNGE or CLOSE with nothing to remove, a STORE that
    // changes nothing.
    assert.deepEqual(await imap.imap('b1', 'STORE 1 +FLAGS.SILENT (\\Seen)'), ['b1 OK STORE completed']);
    assert.deepEqual(await imap.imap('b2', 'EXPUNGE'), ['b2 OK EXPUNGE completed']);
    assert.deepEqual(await imap.imap('b3', 'CLOSE'), ['b3 OK CLOSE completed']);
    assert.match(tagged(await imap.imap('b4', 'SELECT INBOX')), /^b4 OK /);
    assert.match(tagged(await imap.imap('b5', 'FETCH 1:* (FLAGS BODY.PEEK[HEADER])')), /^b5 OK /);
    const r = await imap.imap('c', 'LOGOUT');
    assert.ok(r.some((l) => l.startsWith('* BYE ')));
    assert.match(tagged(r), /^c OK /);
    assert.equal(await imap.end(), 0);
    assert.deepEqual((await contents(s.mail, s.journal)).map((m) => m.flags), [5, 5, 5]);
    free();
    await agreed(s.home, s.mail, s.journal, 3);
  });
});

describe('POP3 QUIT on a full disk', () => {
  it('-ERR [SYS/TEMP], nothing deleted, nothing half-written; the next session deletes', async () => {
    // New mail after a settled message: the expunge also gives 150 messages their metadata, so the file grows by
    // more than the one page left (which the dotlock takes).
    const s = setup(1024, Buffer.concat([settledMailbox(1), deliveredMailbox(150)]), false);
    const pop = server('ipop3d', s);
    assert.match(await pop.line() ?? '', /^\+OK /);
    assert.match(await pop.pop('RETR 1'), /^\+OK /);
    await pop.multi();
    assert.match(await pop.pop('DELE 2'), /^\+OK /);
    const free = fill(s.fs, 4096);
    const before = readFileSync(s.mail);
    assert.match(await pop.pop('QUIT'), /^-ERR \[SYS\/TEMP\] /);
    assert.equal(await pop.end(), 0);
    assert.deepEqual(readFileSync(s.mail), before);
    assert.deepEqual(readdirSync(s.journal).filter((f) => f.endsWith('.journal')), [], 'no journal left to finish');
    free();
    const again = server('ipop3d', s);
    assert.match(await again.line() ?? '', /^\+OK /);
    assert.match(await again.pop('STAT'), /^\+OK 151 /);
    assert.match(await again.pop('DELE 2'), /^\+OK /);
    assert.match(await again.pop('QUIT'), /^\+OK /);
    assert.equal(await again.end(), 0);
    await agreed(s.home, s.mail, s.journal, 150);
    noLitter(s.fs, s.journal);
  });
});

describe('mailtool append: sysexits an MTA understands', () => {
  // -c /dev/null: the built-in defaults, never the host's /etc/uwimap-ts.conf (mailtool reads the servers' file).
  const mailtool = async (args: string[], input?: string): Promise<{ code: number | null; stderr: string }> => {
    const child = spawn('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `PATH=${PATH}`, process.execPath,
      join(ROOT, 'bin', 'mailtool'), '-c', '/dev/null', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.end(input ?? '');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    return { code, stderr };
  };

  it('75 (EX_TEMPFAIL) on a full disk, larger than the free space or at 0 bytes, the mailbox unchanged', async () => {
    const s = setup(1024, settledMailbox(2), false);
    const msg = join(base, `msg${++serial}`);
    put(msg, rfc822(200_000).toString('latin1').replace(/\r\n/g, '\n'), NOBODY, NOBODY, 0o644);
    const free = fill(s.fs, 64 << 10);
    const before = readFileSync(s.mail);
    for (const uid of [[], ['--uid']]) {
      const r = await mailtool(['append', '--journal-dir', s.journal, '--control-dir', join(s.journal, 'control'), ...uid, s.mail, msg]);
      assert.equal(r.code, 75, r.stderr);
      assert.deepEqual(readFileSync(s.mail), before);
    }
    const free2 = fill(s.fs);
    const small = await mailtool(['append', '--journal-dir', s.journal, '--control-dir', join(s.journal, 'control'), s.mail], 'From: a@example.org\nSubject: s\n\nsmall\n');
    assert.equal(small.code, 75, small.stderr);
    assert.deepEqual(readFileSync(s.mail), before);
    free2();
    free();
    const ok = await mailtool(['append', '--journal-dir', s.journal, '--control-dir', join(s.journal, 'control'), s.mail, msg]);
    assert.equal(ok.code, 0, ok.stderr);
    await agreed(s.home, s.mail, s.journal, 3);
    noLitter(s.fs, s.journal);
  });

  it('73 (EX_CANTCREAT), 77 (EX_NOPERM), 65 (EX_DATAERR) where they fit', async () => {
    const d = plainDir();
    const body = 'From: a@example.org\nSubject: s\n\nhello\n';
    assert.equal((await mailtool(['append', '--journal-dir', d, '--control-dir', join(d, 'control'), join(d, 'no', 'such', 'dir')], body)).code, 73);
    const theirs = join(d, 'theirs');
    put(theirs, '', 0, 0, 0o600);
    assert.equal((await mailtool(['append', '--journal-dir', d, '--control-dir', join(d, 'control'), theirs], body)).code, 77);
    assert.equal((await mailtool(['append', '--journal-dir', d, '--control-dir', join(d, 'control'), join(d, 'box')], '')).code, 65, 'an empty message');
    assert.equal(existsSync(join(d, 'box.lock')), false);
  });
});

describe('journal recovery on a full disk', () => {
  it('a rewrite killed part way is completed by the next opener with no free space', async () => {
    const fs = tmpfs(1024);
    // The journal on the same filesystem: recovery may need no new page of either file.
    const journal = join(fs, 'tmp');
    mkdirSync(journal);
    const path = join(fs, 'INBOX');
    const old = settledMailbox(60);
    // Root's, as the journal this process writes: recovery trusts only a journal of the mailbox's owner.
    put(path, old, 0, 0);
    // A rewrite that grows the file (a block gains 6,000 bytes near the start), "killed" after its first step.
    const grow = Buffer.from(`X-Note: ${'n'.repeat(6000)}\n`);
    const at = old.indexOf('\n\n') + 1;
    const pieces = [{ src: 0, len: at }, { data: grow }, { src: at, len: old.length - at }];
    const expected = Buffer.concat([old.subarray(0, at), grow, old.subarray(at)]);
    const fd = openSync(path, 'r+');
    try {
      assert.throws(() => rewriteFile(fd, old.length, PieceList.from(pieces), {
        journalDir: journal, bufferSize: 4096, engine: 'forward', onStep: (step) => {
          if (step === 'write') throw new Error('killed');
        },
      }), /killed/);
      const free = fill(fs);
      assert.equal(recoverJournal(fd, { journalDir: journal }).action, 'completed');
      free();
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(readFileSync(path), expected);
    assert.deepEqual(readdirSync(journal), []);
  });
});
