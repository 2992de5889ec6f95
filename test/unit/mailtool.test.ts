/**
 * mailtool and the servers' configuration file: it reads the file imapd and ipop3d read, by their loader, so that
 * control_dir (journals, append records, the UIDVALIDITY counter) and journal_dir are theirs; --control-dir overrides
 * the file; a configuration that cannot be used is said on stderr and exits non-zero (75) with nothing done.
 *
 * The programs as built (bin/mailtool runs dist/bundle/bin/mailtool.cjs: `make build` first, as test-fast does),
 * run as whoever runs the tests, on mailboxes in a scratch directory. Hermetic: every run names its configuration
 * with -c, so the host's /etc/uwimap-ts.conf is never read, and the control directories are absolute paths in the
 * scratch directory, so no home directory is touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('options that override the file are checked by its rules: a bad value is a usage error (2)', () => {
    const c = conf([`journal_dir = ${fresh('journal')}`]);
    const box = join(fresh('mail'), 'box');
    const relative = mailtool(['append', '-c', c, '--journal-dir', 'tmp', box], MESSAGE);
    assert.equal(relative.code, 2);
    assert.equal(relative.stderr, 'mailtool: --journal-dir: expected an absolute path, got "tmp"\n');
    const zero = mailtool(['append', '-c', c, '--lock-timeout', '0', box], MESSAGE);
    assert.equal(zero.code, 2);
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
