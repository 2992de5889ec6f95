/**
 * mailtool, every command as whoever runs the tests (test/interop/mailtool.test.ts has root acting for a user, and
 * UW's mailutil reading what it leaves):
 * - the servers' configuration file: it reads the file imapd and ipop3d read, by their loader, so that control_dir
 *   (journals, append records, the UIDVALIDITY counter) and journal_dir are theirs; --control-dir overrides the
 *   file; a configuration that cannot be used is said on stderr and exits non-zero (75) with nothing done;
 * - append's -f and From_ lines, check's UIDVALIDITY (none invented) and problems (a corrupt X-IMAPbase), a bad
 *   command line said plainly, sysexits;
 * - create, delete, rename, status, copy, move, expunge and flags: what they do to the files, their output (text
 *   and JSON), bad input and exit statuses.
 *
 * The programs as built (bin/mailtool runs dist/bundle/bin/mailtool.cjs: `make build` first, as test-fast does),
 * run as whoever runs the tests, on mailboxes in a scratch directory. Hermetic: every run names its configuration
 * with -c, so the host's /etc/uwimap-ts.conf is never read, and the control directories are absolute paths in the
 * scratch directory, so no home directory is touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAILTOOL = join(ROOT, 'bin', 'mailtool');
const scratch = mkdtempSync(join(tmpdir(), 'mailtool-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let serial = 0;
/** A fresh directory in the scratch directory (not made when `make` is false). */
function fresh(name: string, make = true): string {
  const d = join(scratch, `${name}${++serial}`);
  if (make) mkdirSync(d);
  return d;
}

function mailtool(args: readonly string[], input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAILTOOL, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  assert.equal(r.error, undefined);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MESSAGE = 'From: a@example.org\nSubject: config\n\nhello\n';

/** A configuration file with these lines. */
function conf(lines: readonly string[]): string {
  const f = join(fresh('conf', false) + '.conf');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/**
 * A new mailbox made by `mailtool append` (a delivery: no UIDVALIDITY yet), then given its UIDVALIDITY by
 * `append --uid`; returns the UIDVALIDITY printed.
 */
function newMailbox(box: string, options: readonly string[]): number {
  const made = mailtool(['append', ...options, box], MESSAGE);
  assert.equal(made.code, 0, made.stderr);
  const uid = mailtool(['append', '--uid', ...options, box], MESSAGE);
  assert.equal(uid.code, 0, uid.stderr);
  const m = /^appended UIDVALIDITY (\d+) UIDs 2\n$/.exec(uid.stdout);
  assert.ok(m, uid.stdout);
  return Number(m[1]);
}

describe('mailtool reads the servers\' configuration file', () => {
  it('control_dir from -c FILE: the UIDVALIDITY counter is made there, and the mailbox\'s UIDVALIDITY comes from it', () => {
    const control = fresh('control', false);
    const journal = fresh('journal');
    const c = conf([`control_dir = ${control}`, `journal_dir = ${journal}`]);
    const box = join(fresh('mail'), 'box');
    const validity = newMailbox(box, ['-c', c]);
    assert.equal(statSync(control).mode & 0o777, 0o700, 'made as the servers make it');
    assert.equal(readFileSync(join(control, 'uidvalidity'), 'latin1'), `${validity}\n`);
    // Written into the mailbox: the next reader sees the same value (and reading takes none from the counter).
    const check = mailtool(['check', '--json', '--config', c, box]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(JSON.parse(check.stdout).uidvalidity, validity);
    assert.equal(readFileSync(join(control, 'uidvalidity'), 'latin1'), `${validity}\n`);

    // The next mailbox gets the counter's next value, not the clock's: a counter set far ahead shows which.
    writeFileSync(join(control, 'uidvalidity'), '4000000000\n');
    assert.equal(newMailbox(join(fresh('mail'), 'box'), ['-c', c]), 4000000001);
    assert.equal(readFileSync(join(control, 'uidvalidity'), 'latin1'), '4000000001\n');
    assert.deepEqual(readdirSync(journal), [], 'journals and records went to the control directory, and are done');
  });

  it('check, which only reads, spends no value of the counter on a mailbox that has no UIDVALIDITY yet', () => {
    const control = fresh('control', false);
    const c = conf([`control_dir = ${control}`, `journal_dir = ${fresh('journal')}`]);
    const box = join(fresh('mail'), 'box');
    assert.equal(mailtool(['append', '-c', c, box], MESSAGE).code, 0);
    for (let i = 0; i < 2; i++) {
      const r = mailtool(['check', '--json', '-c', c, box]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).messages.length, 1);
    }
    assert.deepEqual(readdirSync(control), [], 'no counter');
    const uid = mailtool(['append', '--uid', '-c', c, box], MESSAGE);
    assert.match(uid.stdout, /^appended UIDVALIDITY \d+ UIDs 2\n$/, uid.stderr);
    assert.deepEqual(readdirSync(control), ['uidvalidity'], 'a mailbox written gets its value from the counter');
  });

  it('--control-dir overrides the file\'s control_dir', () => {
    const inFile = fresh('control', false);
    const given = fresh('control', false);
    const c = conf([`control_dir = ${inFile}`, `journal_dir = ${fresh('journal')}`]);
    const validity = newMailbox(join(fresh('mail'), 'box'), ['-c', c, '--control-dir', given]);
    assert.equal(readFileSync(join(given, 'uidvalidity'), 'latin1'), `${validity}\n`);
    assert.equal(existsSync(inFile), false, 'the file\'s directory is not used, nor made');
  });

  it('a bad configuration file: every problem on stderr with its line, exit 75, nothing done', () => {
    const c = conf(['# a comment', `control_dir = ${fresh('control', false)}`, 'no_such_key = 1', 'lock_timeout_s = soon']);
    const box = join(fresh('mail'), 'box');
    for (const command of [['append', box], ['check', box]]) {
      const r = mailtool(['-c', c, ...command], MESSAGE);
      assert.equal(r.code, 75, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr,
        `mailtool: configuration: ${c}:3: unknown key "no_such_key"\n` +
        `mailtool: configuration: ${c}:4: lock_timeout_s: expected a whole number, got "soon"\n`);
    }
    assert.equal(existsSync(box), false, 'no mailbox made');
  });

  it('a configuration file named with -c must exist (the default one may be missing)', () => {
    const missing = join(fresh('nothing', false), 'uwimap-ts.conf');
    const r = mailtool(['check', '-c', missing, join(scratch, 'box')]);
    assert.equal(r.code, 75);
    assert.equal(r.stderr, `mailtool: configuration: ${missing}: cannot read the configuration: no such file\n`);
  });

  it('options that override the file are checked by its rules: a bad value is a usage error (64, EX_USAGE)', () => {
    const c = conf([`journal_dir = ${fresh('journal')}`]);
    const box = join(fresh('mail'), 'box');
    const relative = mailtool(['append', '-c', c, '--journal-dir', 'tmp', box], MESSAGE);
    assert.equal(relative.code, 64);
    assert.equal(relative.stderr, 'mailtool: --journal-dir: expected an absolute path, got "tmp"\n');
    const zero = mailtool(['append', '-c', c, '--lock-timeout', '0', box], MESSAGE);
    assert.equal(zero.code, 64);
    const word = mailtool(['append', '-c', c, '--lock-timeout', 'soon', box], MESSAGE);
    assert.equal(word.code, 64);
    assert.equal(word.stderr, 'mailtool: --lock-timeout: expected a whole number of seconds, got "soon"\n');
    assert.equal(zero.stderr, 'mailtool: --lock-timeout: 0 is below the minimum 1\n');
    assert.equal(existsSync(box), false);
  });

  it('--help names the configuration file and -c', () => {
    const r = mailtool(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /-c, --config/);
    assert.match(r.stdout, /\/etc\/uwimap-ts\.conf/);
  });
});

/** -c and the directories of a fresh scratch configuration: hermetic options for one test. */
function hermetic(): string[] {
  return ['-c', '/dev/null', '--journal-dir', fresh('journal'), '--control-dir', join(fresh('control', false))];
}

/** The `From ` lines of an mbox file. */
function fromLines(path: string): string[] {
  return readFileSync(path, 'latin1').split('\n').filter((l) => l.startsWith('From '));
}

describe('mailtool append: the From_ line\'s sender (-f)', () => {
  it('-f SENDER is the envelope sender; <> and an empty one are MAILER-DAEMON; angle brackets are dropped', () => {
    const o = hermetic();
    const box = join(fresh('mail'), 'box');
    for (const f of ['bob@example.org', '<carol@example.org>', '<>', '']) {
      const r = mailtool(['append', ...o, '-f', f, box], MESSAGE);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(fromLines(box).map((l) => l.split(' ')[1]),
      ['bob@example.org', 'carol@example.org', 'MAILER-DAEMON', 'MAILER-DAEMON']);
  });

  it('a file\'s own From_ line gives its sender and date (as procmail keeps it); -f wins over it', () => {
    const o = hermetic();
    const dir = fresh('mail');
    const box = join(dir, 'box');
    const file = join(dir, 'msg');
    writeFileSync(file, 'From dave@example.org Sat Nov 21 12:00:00 2026\n' + MESSAGE);
    assert.equal(mailtool(['append', ...o, box, file]).code, 0);
    assert.equal(mailtool(['append', ...o, '--from', 'erin@example.org', box, file]).code, 0);
    const lines = fromLines(box);
    assert.equal(lines.length, 2, 'the file\'s From_ line is not stored as a header');
    assert.match(lines[0] ?? '', /^From dave@example\.org Sat Nov 21 12:00:00 2026 [+-]\d{4}$/);
    assert.match(lines[1] ?? '', /^From erin@example\.org Sat Nov 21 12:00:00 2026 [+-]\d{4}$/);
  });

  it('without -f and without a From_ line, the sender is the user appending, at this host (as before)', () => {
    const box = join(fresh('mail'), 'box');
    assert.equal(mailtool(['append', ...hermetic(), box], MESSAGE).code, 0);
    assert.match(fromLines(box)[0] ?? '', new RegExp(`^From ${userInfo().username}@\\S+ `));
  });

  it('a sender with a control character is a usage error (64), nothing appended', () => {
    const box = join(fresh('mail'), 'box');
    const r = mailtool(['append', ...hermetic(), '-f', 'a\nb', box], MESSAGE);
    assert.equal(r.code, 64);
    assert.equal(r.stderr, 'mailtool: -f: control characters in the sender\n');
    assert.equal(existsSync(box) ? readFileSync(box, 'latin1') : '', '');
  });
});

describe('mailtool check: UIDVALIDITY and problems', () => {
  it('a mailbox with no UIDVALIDITY yet says so, the same each time (none is invented); once written it is shown', () => {
    const o = hermetic();
    const box = join(fresh('mail'), 'box');
    assert.equal(mailtool(['append', ...o, box], MESSAGE).code, 0);
    const runs = [1, 2].map(() => mailtool(['check', ...o, box]));
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${box}: 1 message (1 recent, 1 unseen), 47 octets\n` +
        'UIDVALIDITY none yet (given when a session first opens the mailbox read-write), next UID 2\n');
    }
    const json = [1, 2].map(() => JSON.parse(mailtool(['check', '--json', ...o, box]).stdout));
    assert.deepEqual(json.map((j) => j.uidvalidity), [null, null]);
    assert.deepEqual(json.map((j) => j.uidnext), [2, 2]);
    const given = mailtool(['append', '--uid', ...o, box], MESSAGE);
    const v = Number(/UIDVALIDITY (\d+)/.exec(given.stdout)?.[1]);
    assert.ok(v > 0, given.stdout);
    for (let i = 0; i < 2; i++) {
      assert.match(mailtool(['check', ...o, box]).stdout, new RegExp(`\\nUIDVALIDITY ${v}, next UID 3\\n$`));
      assert.equal(JSON.parse(mailtool(['check', '--json', ...o, box]).stdout).uidvalidity, v);
    }
  });

  it('a corrupt X-IMAPbase is a problem (exit 1), not dropped in silence; append --uid says it on stderr', () => {
    const o = hermetic();
    const box = join(fresh('mail'), 'box');
    writeFileSync(box, 'From a@example.org Sat Nov 21 12:00:00 2026\nX-IMAPbase: garbage 7\nX-UID: 1\n\nbody\n');
    const problem = `${box}: the first message's X-IMAPbase (or X-IMAP) line cannot be read: its UIDs are lost, ` +
      'and the mailbox gets a new UIDVALIDITY';
    const c = mailtool(['check', ...o, box]);
    assert.equal(c.code, 1);
    assert.equal(c.stderr, `problem: ${problem}\n`);
    assert.match(c.stdout, /UIDVALIDITY none yet/);
    const a = mailtool(['append', '--uid', ...o, box], MESSAGE);
    assert.equal(a.code, 0, 'the message is stored: a delivery must not be retried');
    assert.equal(a.stderr, `mailtool: warning: ${problem}\n`);
    // Written anew: the mailbox is sound again.
    const again = mailtool(['check', ...o, box]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
  });

  it('a readable X-IMAPbase after an unreadable one on the same message is believed (no problem)', () => {
    const o = hermetic();
    const box = join(fresh('mail'), 'box');
    writeFileSync(box, 'From a@example.org Sat Nov 21 12:00:00 2026\nX-IMAPbase: x\nX-IMAPbase: 1700000000 5\nX-UID: 5\n\nbody\n');
    const c = mailtool(['check', ...o, box]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /\nUIDVALIDITY 1700000000, next UID 6\n$/);
  });
});

describe('mailtool: a bad command line is said plainly, exit 64 (EX_USAGE)', () => {
  const cases: [string[], string][] = [
    [['check', '--bogus', 'box'], 'mailtool: unknown option --bogus\n'],
    [['check', '-x', 'box'], 'mailtool: unknown option -x\n'],
    [['chek', 'box'], 'mailtool: unknown command "chek" (commands: check, append, create, delete, rename, status, copy, move, expunge, flags)\n'],
    [[], 'mailtool: no command given (commands: check, append, create, delete, rename, status, copy, move, expunge, flags)\n'],
    [['check'], 'mailtool: check: missing MAILBOX\nusage: mailtool check [options] MAILBOX\n'],
    [['check', 'box', 'extra'], 'mailtool: unexpected argument "extra"\n'],
    [['check', '--lock-timeout'], 'mailtool: option --lock-timeout needs a value\n'],
    [['append', 'box', '-f'], 'mailtool: option -f needs a value\n'],
  ];
  for (const [args, said] of cases) {
    it(`mailtool ${args.join(' ')}`, () => {
      const r = mailtool(['-c', '/dev/null', ...args]);
      assert.equal(r.code, 64);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${said}Try 'mailtool --help' for more information.\n`);
      assert.doesNotMatch(r.stderr, /non-option/);
    });
  }
});

describe('mailtool: sysexits', () => {
  it('check: a missing mailbox 66, not an mbox file 65, a directory 65', () => {
    const o = hermetic();
    const dir = fresh('mail');
    assert.equal(mailtool(['check', ...o, join(dir, 'none')]).code, 66);
    writeFileSync(join(dir, 'text'), 'not a mailbox\n');
    assert.equal(mailtool(['check', ...o, join(dir, 'text')]).code, 65);
    assert.equal(mailtool(['check', ...o, dir]).code, 65);
  });

  it('append: into a missing directory 73; a file that is not an mbox 73; an unreadable message file 66; empty 65', () => {
    const o = hermetic();
    const dir = fresh('mail');
    assert.equal(mailtool(['append', ...o, join(dir, 'no', 'box')], MESSAGE).code, 73);
    writeFileSync(join(dir, 'text'), 'not a mailbox\n');
    assert.equal(mailtool(['append', '--uid', ...o, join(dir, 'text')], MESSAGE).code, 73);
    const missing = mailtool(['append', ...o, join(dir, 'box'), join(dir, 'no-such-file')]);
    assert.equal(missing.code, 66);
    assert.match(missing.stderr, /^mailtool: cannot read the message: /);
    assert.equal(mailtool(['append', ...o, join(dir, 'box')], '').code, 65);
    assert.equal(existsSync(join(dir, 'box')), false, 'nothing made');
  });
});

/** A mailbox of `n` messages (UIDs 1..n given, so that sets by UID mean something), in a fresh directory. */
function mailboxOf(o: readonly string[], n: number): { dir: string; box: string } {
  const dir = fresh('mail');
  const box = join(dir, 'box');
  for (let i = 1; i <= n; i++) {
    const r = mailtool(['append', '--uid', ...o, box], `From: a@example.org\nSubject: message ${i}\n\nbody ${i}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  return { dir, box };
}

interface Checked {
  uidvalidity: number | null;
  uidnext: number;
  messages: { uid: number; flags: string[]; size: number }[];
}

function checked(o: readonly string[], box: string): Checked {
  const r = mailtool(['check', '--json', ...o, box]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Checked;
}

/** The subjects of an mbox file's messages, in order. */
function subjects(path: string): string[] {
  return [...readFileSync(path, 'latin1').matchAll(/^Subject: (.*)$/gm)].map((m) => m[1] ?? '');
}

describe('mailtool create, delete, rename', () => {
  it('create makes an mbox with its UIDVALIDITY fixed (UW\'s pseudo-message); a name ending in / a directory', () => {
    const o = hermetic();
    const dir = fresh('mail');
    const box = join(dir, 'a', 'b', 'box');
    const r = mailtool(['create', ...o, box]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(box, 'latin1'), /^From MAILER-DAEMON [^\n]*\n(?:[^\n]+\n)*Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n(?:[^\n]+\n)*X-IMAP: \d+ 0000000000\n/);
    const c = checked(o, box);
    assert.ok(c.uidvalidity !== null && c.uidvalidity > 0);
    assert.equal(checked(o, box).uidvalidity, c.uidvalidity, 'kept');
    assert.deepEqual(c.messages, []);
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o700, 'missing directories made as UW makes them');
    assert.equal(mailtool(['create', ...o, join(dir, 'folder/')]).code, 0);
    assert.ok(statSync(join(dir, 'folder')).isDirectory());
  });

  it('create: an existing name 73; a lock file\'s name 77; below a mailbox file 77; nothing changed', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 1);
    const before = readFileSync(box);
    const again = mailtool(['create', ...o, box]);
    assert.equal(again.code, 73);
    assert.equal(again.stderr, `mailtool: mailbox already exists: ${box}\n`);
    assert.equal(mailtool(['create', ...o, join(dir, 'x.lock')]).code, 77);
    const under = mailtool(['create', ...o, join(box, 'sub')]);
    assert.equal(under.code, 77);
    assert.match(under.stderr, /superior of .* is not a directory/);
    assert.deepEqual(readFileSync(box), before);
    assert.deepEqual(readdirSync(dir).sort(), ['box']);
  });

  it('delete removes a mailbox and its saved index; a missing one 66; a directory only when empty (73)', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 2);
    assert.equal(mailtool(['delete', ...o, box]).code, 0);
    assert.equal(existsSync(box), false);
    const missing = mailtool(['delete', ...o, box]);
    assert.equal(missing.code, 66);
    assert.match(missing.stderr, /^mailtool: /);
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), '');
    const full = mailtool(['delete', ...o, join(dir, 'full')]);
    assert.equal(full.code, 73);
    assert.equal(full.stderr, `mailtool: mailbox has inferiors: ${join(dir, 'full')}\n`);
    rmSync(join(dir, 'full', 'x'));
    assert.equal(mailtool(['delete', ...o, join(dir, 'full')]).code, 0);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('rename keeps the messages, UIDs and UIDVALIDITY; makes missing directories; an existing target 73; a missing source 66', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 2);
    const before = checked(o, box);
    const to = join(dir, 'archive', '2026', 'box');
    const r = mailtool(['rename', ...o, box, to]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(box), false);
    assert.deepEqual(checked(o, to), before);
    const other = mailboxOf(o, 1).box;
    const taken = mailtool(['rename', ...o, other, to]);
    assert.equal(taken.code, 73);
    assert.equal(taken.stderr, `mailtool: mailbox already exists: ${to}\n`);
    assert.equal(mailtool(['rename', ...o, box, join(dir, 'x')]).code, 66);
    assert.equal(mailtool(['rename', ...o, box]).code, 64);
  });
});

describe('mailtool status', () => {
  it('STATUS\'s counts as text and JSON, for several mailboxes; a missing one is said, the others still go (66)', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 3);
    assert.equal(mailtool(['flags', ...o, box, '1', '--add', '\\Seen']).code, 0);
    assert.equal(mailtool(['flags', ...o, box, '3', '--add', '\\Deleted']).code, 0);
    const v = checked(o, box).uidvalidity;
    const text = mailtool(['status', ...o, box]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${box}: 3 messages \\(3 recent, 2 unseen\\), \\d+ octets, 1 deleted \\(\\d+ octets\\)\\n` +
      `UIDVALIDITY ${v}, next UID 4, HIGHESTMODSEQ \\d+\\n$`));
    const delivered = join(dir, 'delivered');
    assert.equal(mailtool(['append', ...o, delivered], MESSAGE).code, 0);
    const missing = join(dir, 'missing');
    const json = mailtool(['status', '--json', ...o, box, missing, delivered]);
    assert.equal(json.code, 66);
    assert.match(json.stderr, new RegExp(`^mailtool: ${missing}: `));
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual({ ...lines[0], size: 0, highestmodseq: 0, deleted_size: 0 }, {
      mailbox: box, messages: 3, recent: 3, unseen: 2, uidnext: 4, uidvalidity: v, highestmodseq: 0, size: 0, deleted: 1,
      deleted_size: 0,
    });
    assert.ok(lines[0].size > lines[0].deleted_size && lines[0].deleted_size > 0);
    // A delivery's mailbox has no UIDVALIDITY yet, and status (which only reads) gives it none.
    assert.deepEqual([lines[1].mailbox, lines[1].messages, lines[1].uidvalidity, lines[1].highestmodseq], [delivered, 1, null, null]);
    assert.match(mailtool(['status', ...o, delivered]).stdout, /\nUIDVALIDITY none yet \(given when a session first opens the mailbox read-write\), next UID 2\n$/);
  });
});

describe('mailtool flags and expunge', () => {
  it('flags --add, --remove, --replace on message numbers and UIDs; --json shows the flags they then have', () => {
    const o = hermetic();
    const { box } = mailboxOf(o, 4);
    const add = mailtool(['flags', ...o, box, '2:3', '--add', '\\seen \\Flagged', '--add', 'todo', '--json']);
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(JSON.parse(add.stdout), { messages: [{ uid: 2, flags: ['\\Seen', '\\Flagged', 'todo'] }, { uid: 3, flags: ['\\Seen', '\\Flagged', 'todo'] }] });
    const remove = mailtool(['flags', ...o, box, '3:*', '--uid', '--remove', '\\Flagged']);
    assert.equal(remove.code, 0, remove.stderr);
    assert.equal(remove.stdout, `flags changed on 2 messages in ${box}\n`);
    assert.equal(mailtool(['flags', ...o, box, '1', '--replace', '\\Answered', 'done']).code, 0);
    assert.deepEqual(checked(o, box).messages.map((m) => m.flags),
      [['\\Answered', 'done'], ['\\Seen', '\\Flagged', 'todo'], ['\\Seen', 'todo'], []]);
    // UIDs that do not exist name nothing (as UID STORE): no error.
    assert.equal(mailtool(['flags', ...o, box, '--uid', '90:99', '--add', '\\Seen']).code, 0);
  });

  it('flags: bad input is refused before the mailbox is touched', () => {
    const o = hermetic();
    const { box } = mailboxOf(o, 2);
    const before = readFileSync(box);
    const cases: [string[], number, RegExp][] = [
      [['1', '--add', '\\Recent'], 64, /\\Recent: not a flag that can be set/],
      [['1', '--add', '\\Bogus'], 64, /\\Bogus: not a flag that can be set/],
      [['1', '--add', 'a(b'], 64, /a keyword is an IMAP atom/],
      [['1'], 64, /nothing to do/],
      [['1', '--replace', 'x', '--add', 'y'], 64, /--replace sets every flag/],
      [['0', '--add', 'x'], 64, /not a message set/],
      [['1:x', '--add', 'x'], 64, /not a message set/],
      [['3', '--add', 'x'], 65, /^mailtool: no message 3 \(the mailbox has 2 messages\)\n$/],
    ];
    for (const [args, code, said] of cases) {
      const r = mailtool(['flags', ...o, box, ...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, said);
    }
    assert.deepEqual(readFileSync(box), before);
    assert.equal(mailtool(['flags', ...o, join(box, '..', 'none'), '1', '--add', 'x']).code, 66);
  });

  it('expunge removes the messages flagged \\Deleted (with a set, only those); UIDs are not given again', () => {
    const o = hermetic();
    const { box } = mailboxOf(o, 5);
    assert.equal(mailtool(['flags', ...o, box, '1,3,5', '--add', '\\Deleted']).code, 0);
    const some = mailtool(['expunge', ...o, box, '--uid', '3:*']);
    assert.equal(some.code, 0, some.stderr);
    assert.equal(some.stdout, `expunged 2 messages from ${box} (UIDs 3,5)\n`);
    const rest = mailtool(['expunge', '--json', ...o, box]);
    assert.deepEqual(JSON.parse(rest.stdout), { expunged: [1] });
    assert.deepEqual(JSON.parse(mailtool(['expunge', '--json', ...o, box]).stdout), { expunged: [] });
    const c = checked(o, box);
    assert.deepEqual(c.messages.map((m) => m.uid), [2, 4]);
    assert.deepEqual(subjects(box).filter((s) => s.startsWith('message')), ['message 2', 'message 4']);
    assert.equal(mailtool(['append', '--uid', ...o, box], MESSAGE).stdout.trim().split(' ').pop(), '6');
  });
});

describe('mailtool copy and move', () => {
  it('copy: every message with its flags, keywords and internal date; a missing destination is made', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 3);
    assert.equal(mailtool(['flags', ...o, box, '2', '--add', '\\Answered', 'work']).code, 0);
    const to = join(dir, 'copies');
    const r = mailtool(['copy', ...o, box, to]);
    assert.equal(r.code, 0, r.stderr);
    const v = checked(o, to).uidvalidity;
    assert.equal(r.stdout, `copied 3 messages from ${box} to ${to} (created): UIDs 1:3 are 1:3 there (UIDVALIDITY ${v})\n`);
    const strip = (c: Checked): unknown => c.messages.map((m) => [m.flags, m.size]);
    assert.deepEqual(strip(checked(o, to)), strip(checked(o, box)));
    assert.deepEqual(subjects(to), subjects(box), 'each begins with UW\'s pseudo-message, then the same messages');
    const dates = (p: string): string[] => fromLines(p).filter((l) => !l.startsWith('From MAILER-DAEMON')).map((l) => l.slice(l.indexOf(' ', 5)));
    assert.deepEqual(dates(to), dates(box), 'internal dates kept');
    assert.equal(checked(o, box).messages.length, 3, 'the source is as it was');
  });

  it('copy a set (by UID), and into the mailbox itself; --json gives the UID mapping', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 4);
    const to = join(dir, 'two');
    const r = mailtool(['copy', '--json', '--uid', ...o, box, to, '2,4']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.created, j.source_uids, j.uids], [true, [2, 4], [1, 2]]);
    assert.deepEqual(subjects(to).slice(1), ['message 2', 'message 4']);
    const self = mailtool(['copy', '--json', ...o, box, box, '1']);
    assert.equal(self.code, 0, self.stderr);
    assert.deepEqual(JSON.parse(self.stdout).uids, [5]);
    assert.deepEqual(checked(o, box).messages.map((m) => m.uid), [1, 2, 3, 4, 5]);
  });

  it('move: the messages leave the source in the same step; bad input is refused with nothing moved', () => {
    const o = hermetic();
    const { dir, box } = mailboxOf(o, 3);
    const to = join(dir, 'moved');
    assert.equal(mailtool(['create', ...o, to]).code, 0);
    const r = mailtool(['move', ...o, box, to, '1:2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^moved 2 messages from ${box} to ${to}: UIDs 1:2 are 1:2 there`));
    assert.deepEqual(subjects(box).filter((s) => s.startsWith('message')), ['message 3']);
    assert.deepEqual(subjects(to).slice(1), ['message 1', 'message 2']);
    const before = [readFileSync(box), readFileSync(to)];
    const cases: [string[], number][] = [
      [[box, box], 64], [[box, to, '5'], 65], [[box, to, 'x'], 64], [[join(dir, 'none'), to], 66], [[box], 64],
    ];
    for (const [args, code] of cases) assert.equal(mailtool(['move', ...o, ...args]).code, code, args.join(' '));
    assert.deepEqual([readFileSync(box), readFileSync(to)], before);
  });
});
