/**
 * `make install` and `make uninstall` (Makefile, tools/install.sh) and the man pages:
 *
 * - staged (DESTDIR, PREFIX=/opt/uw): every file lands where it should, with placeholder service files in a
 *   temporary inetd/, xinetd.d/ and systemd/ (SERVICE_FILES_FROM) written with the default /usr/local paths, which
 *   must all be rewritten to the prefix; an xinetd file the administrator changed is kept and ours goes beside it;
 *   `make uninstall` leaves nothing behind, and a directory that held something before stays.
 * - real (no DESTDIR, PREFIX a temporary directory, so the programs' absolute paths are right): the installed
 *   imapd greets `* PREAUTH` as nobody in a clean environment and `* OK` as root, ipop3d and mailtool run, UW's
 *   name rule holds through the installed script (`simapd` on a socket starts with TLS, `imapd` does not), and
 *   the servers still greet when the stamp says the snapshot was made by another node (the bundle without it).
 * - the man pages render without a warning (groff -ww) and name every configuration key.
 *
 * make runs with -o dist/.built -o dist/bundle/.built -o node_modules/.installed, so it never rebuilds the dist/
 * these tests run from: run `make build` first (make test does). test/unit/node-upgrade.test.ts installs for
 * other nodes. Needs root (runuser, files owned by root): fails, never skips, otherwise.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync,
  utimesSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '../../lib/env/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RUNUSER = '/usr/sbin/runuser';
const MAN_PAGES = ['imapd.8', 'ipop3d.8', 'mailtool.8'];

function run(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}):
  SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, input: opts.input ?? '', cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env });
}

function make(target: string, vars: Record<string, string>): SpawnSyncReturns<string> {
  const r = run('make', ['-s', '-o', 'dist/.built', '-o', 'dist/bundle/.built', '-o', 'node_modules/.installed', target,
    ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)]);
  assert.equal(r.status, 0, `make ${target} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Every file and directory under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${p}/` : p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out.sort();
}

/** Placeholder service files, as the service-file author writes them: with the default /usr/local paths. */
function placeholders(dir: string): void {
  for (const d of ['inetd', 'xinetd.d', 'systemd']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'inetd', 'inetd.conf'),
    'imap stream tcp nowait root /usr/local/sbin/imapd imapd -c /usr/local/etc/uwimap-ts.conf\n');
  writeFileSync(join(dir, 'xinetd.d', 'imap'),
    'service imap\n{\n\tdisable = yes\n\tserver = /usr/local/sbin/imapd\n\tserver_args = -c /usr/local/etc/uwimap-ts.conf\n}\n');
  writeFileSync(join(dir, 'xinetd.d', 'pop3'), 'service pop3\n{\n\tdisable = yes\n\tserver = /usr/local/sbin/ipop3d\n}\n');
  writeFileSync(join(dir, 'systemd', 'imapd@.service'), '[Service]\nExecStart=/usr/local/sbin/imapd\nStandardInput=socket\n');
  writeFileSync(join(dir, 'systemd', 'imapd.socket'), '[Socket]\nListenStream=143\nAccept=yes\n');
}

let work = '';
before(() => {
  if (process.getuid?.() !== 0) throw new Error('test/unit/install.test.ts must run as root (make test does, as CI)');
  for (const f of ['dist/bundle/bin/imapd.blob', 'dist/bundle/bin/imapd.cjs', 'build/uwimap-native.node']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run make build first`);
  }
  work = mkdtempSync(join(tmpdir(), 'install-test-'));
  chmodSync(work, 0o755); // nobody runs the installed programs from here
  placeholders(join(work, 'src'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('make install DESTDIR=... PREFIX=/opt/uw', () => {
  test('installs the programs, library, man pages and service files with the paths rewritten; uninstall removes them', () => {
    const dest = join(work, 'stage');
    const vars = { DESTDIR: dest, PREFIX: '/opt/uw', SERVICE_FILES_FROM: join(work, 'src') };
    make('install', vars);
    const files = tree(dest);
    for (const f of [
      'opt/uw/sbin/imapd', 'opt/uw/sbin/ipop3d', 'opt/uw/bin/mailtool',
      'opt/uw/lib/uwimap-ts/dist/bundle/bin/imapd.cjs', 'opt/uw/lib/uwimap-ts/dist/bundle/bin/imapd.blob',
      'opt/uw/lib/uwimap-ts/dist/bundle/bin/ipop3d.cjs', 'opt/uw/lib/uwimap-ts/dist/bundle/bin/ipop3d.blob',
      'opt/uw/lib/uwimap-ts/dist/bundle/bin/mailtool.cjs', 'opt/uw/lib/uwimap-ts/dist/bundle/bin/node.stamp',
      'opt/uw/lib/uwimap-ts/dist/bundle/bin/node.id',
      'opt/uw/lib/uwimap-ts/build/uwimap-native.node', 'opt/uw/lib/uwimap-ts/node_modules/fs-ext/fs-ext.js',
      'opt/uw/lib/uwimap-ts/node_modules/@node-rs/bcrypt/package.json', 'opt/uw/lib/uwimap-ts/install-manifest',
      'opt/uw/share/man/man8/imapd.8', 'opt/uw/share/man/man8/ipop3d.8', 'opt/uw/share/man/man8/mailtool.8',
      'opt/uw/share/doc/uwimap-ts/README.md', 'opt/uw/share/doc/uwimap-ts/inetd.conf',
      'opt/uw/lib/systemd/system/imapd@.service', 'opt/uw/lib/systemd/system/imapd.socket',
      'etc/xinetd.d/imap', 'etc/xinetd.d/pop3',
    ]) assert.ok(files.includes(f), `${f} not installed; installed: ${files.join(' ')}`);
    for (const f of ['opt/uw/sbin/imapd', 'opt/uw/sbin/ipop3d', 'opt/uw/bin/mailtool']) {
      assert.equal(statSync(join(dest, f)).mode & 0o777, 0o755, f);
    }
    // The stamp carries the mtime of the node the shims name, which the snapshot was made by.
    const node = run('sh', ['-c', 'command -v node']).stdout.trim();
    assert.equal(statSync(join(dest, 'opt/uw/lib/uwimap-ts/dist/bundle/bin/node.stamp')).mtimeMs, statSync(node).mtimeMs);
    assert.match(readFileSync(join(dest, 'opt/uw/lib/uwimap-ts/dist/bundle/bin/node.id'), 'utf8'),
      new RegExp(`^version=${process.version}\nmodules=${process.versions.modules}\npath=/`));

    // No default path is left in anything written for the prefix; the rewritten ones are there.
    const texts = ['opt/uw/sbin/imapd', 'opt/uw/sbin/ipop3d', 'opt/uw/bin/mailtool', 'opt/uw/share/doc/uwimap-ts/inetd.conf',
      'opt/uw/lib/systemd/system/imapd@.service', 'etc/xinetd.d/imap', 'etc/xinetd.d/pop3'];
    for (const f of texts) {
      const text = readFileSync(join(dest, f), 'utf8');
      assert.doesNotMatch(text, /\/usr\/local\//, `${f} still names /usr/local:\n${text}`);
      assert.ok(!text.includes(dest), `${f} names the staging directory:\n${text}`);
    }
    assert.match(readFileSync(join(dest, 'etc/xinetd.d/imap'), 'utf8'), /server = \/opt\/uw\/sbin\/imapd\n\tserver_args = -c \/etc\/uwimap-ts.conf\n/);
    assert.match(readFileSync(join(dest, 'opt/uw/lib/systemd/system/imapd@.service'), 'utf8'), /ExecStart=\/opt\/uw\/sbin\/imapd\n/);
    assert.match(readFileSync(join(dest, 'opt/uw/sbin/imapd'), 'utf8'), /'\/opt\/uw\/lib\/uwimap-ts\/dist\/bundle\/bin\/imapd\.blob'/);

    // An administrator enables imap; a second install keeps that file and puts its own beside it.
    const edited = readFileSync(join(dest, 'etc/xinetd.d/imap'), 'utf8').replace('disable = yes', 'disable = no');
    writeFileSync(join(dest, 'etc/xinetd.d/imap'), edited);
    const again = make('install', vars);
    assert.match(again.stdout, /kept .*etc\/xinetd.d\/imap/);
    assert.equal(readFileSync(join(dest, 'etc/xinetd.d/imap'), 'utf8'), edited);
    assert.match(readFileSync(join(dest, 'etc/xinetd.d/imap.new'), 'utf8'), /disable = yes/);

    // Something of the administrator's in a directory install created survives uninstall, with its directory.
    writeFileSync(join(dest, 'opt/uw/sbin/other'), 'not ours\n');
    make('uninstall', { DESTDIR: dest, PREFIX: '/opt/uw' });
    assert.deepEqual(tree(dest), ['opt/', 'opt/uw/', 'opt/uw/sbin/', 'opt/uw/sbin/other']);
  });
});

describe('make install PREFIX=<dir> (no DESTDIR): the installed programs run', () => {
  const prefix = (): string => join(work, 'prefix');
  const vars = (): Record<string, string> => ({ PREFIX: prefix(), SYSCONFDIR: join(prefix(), 'etc'),
    SERVICE_FILES_FROM: join(work, 'src') });
  const bundleDir = (): string => join(prefix(), 'lib/uwimap-ts/dist/bundle/bin');

  before(() => {
    mkdirSync(prefix());
    chmodSync(prefix(), 0o755);
    make('install', vars());
  });

  const asNobody = (program: string, input: string): SpawnSyncReturns<string> =>
    run(RUNUSER, ['-u', 'nobody', '--', 'env', '-i', 'HOME=/tmp', `MAIL=${join(work, 'nobody-inbox')}`, program],
      { input, cwd: '/' });
  const asRoot = (program: string, input: string): SpawnSyncReturns<string> =>
    run('env', ['-i', program], { input, cwd: '/' });

  test('imapd greets * PREAUTH as nobody and * OK as root, in an empty environment', () => {
    const user = asNobody(join(prefix(), 'sbin/imapd'), 'a1 LOGOUT\r\n');
    assert.equal(user.status, 0, user.stderr);
    assert.match(user.stdout, /^\* PREAUTH \[CAPABILITY IMAP4rev1 [^\r\n]*\r\n\* BYE [^\r\n]*\r\na1 OK LOGOUT completed\r\n$/);
    const root = asRoot(join(prefix(), 'sbin/imapd'), 'a1 LOGOUT\r\n');
    assert.equal(root.status, 0, root.stderr);
    assert.match(root.stdout, /^\* OK \[CAPABILITY IMAP4rev1 [^\r\n]*\r\n\* BYE [^\r\n]*\r\na1 OK LOGOUT completed\r\n$/);
    assert.equal(root.stderr, '');
  });

  test('ipop3d and mailtool run', () => {
    const pop = asNobody(join(prefix(), 'sbin/ipop3d'), 'STAT\r\nQUIT\r\n');
    assert.equal(pop.status, 0, pop.stderr);
    assert.match(pop.stdout, /^\+OK [^\r\n]*\r\n\+OK 0 0\r\n\+OK [^\r\n]*\r\n$/);
    const check = run(join(prefix(), 'bin/mailtool'), ['check', '--journal-dir', work, '--control-dir', join(work, 'control'), join(ROOT, 'test/fixtures/sample.mbox')]);
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /: 4 messages /);
  });

  test('called simapd, the installed imapd starts with TLS (UW\'s name rule); called imapd, it does not', async () => {
    const dir = join(work, 'tls');
    mkdirSync(dir);
    const cert = run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost']);
    assert.equal(cert.status, 0, cert.stderr);
    const conf = join(dir, 'uwimap-ts.conf');
    writeFileSync(conf, `tls_cert = ${join(dir, 'cert.pem')}\ntls_key = ${join(dir, 'key.pem')}\n` +
      `syslog_socket = ${join(dir, 'no-syslog')}\n`);
    symlinkSync(join(prefix(), 'sbin/imapd'), join(dir, 'simapd'));
    // An inetd of our own: the program gets the connection on fds 0, 1 and 2.
    const serve = (program: string): Promise<{ port: number; close: () => void }> => new Promise((ok) => {
      const server = createServer({ pauseOnConnect: true }, (s: Socket) => {
        spawn(program, ['-c', conf], { stdio: [s, s, s], env: {} }).on('exit', () => s.destroy());
      });
      server.listen(0, '127.0.0.1', () => {
        const a = server.address();
        ok({ port: typeof a === 'object' && a !== null ? a.port : 0, close: () => server.close() });
      });
    });
    const firstLine = (sock: Socket): Promise<string> => new Promise((ok, fail) => {
      let got = '';
      sock.on('data', (b: Buffer) => {
        got += b.toString('latin1');
        if (got.includes('\r\n')) {
          sock.destroy();
          ok(got.slice(0, got.indexOf('\r\n')));
        }
      });
      sock.on('error', fail);
      sock.on('close', () => ok(got));
    });
    const tlsName = await serve(join(dir, 'simapd'));
    const plainName = await serve(join(prefix(), 'sbin/imapd'));
    try {
      const overTls = await firstLine(tlsConnect({ port: tlsName.port, host: '127.0.0.1', rejectUnauthorized: false }));
      assert.match(overTls, /^\* OK \[CAPABILITY IMAP4rev1 /);
      const plain = await firstLine(connect({ port: plainName.port, host: '127.0.0.1' }));
      assert.match(plain, /^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS/);
    } finally {
      tlsName.close();
      plainName.close();
    }
  });

  test('the servers run the bundle without the snapshot when node is not the one that made it, or it is missing', () => {
    // A snapshot the shim must not load: were it loaded, node would abort before any greeting.
    writeFileSync(join(bundleDir(), 'imapd.blob'), 'not a snapshot');
    utimesSync(join(bundleDir(), 'node.stamp'), new Date('2001-01-01'), new Date('2001-01-01'));
    const r = asNobody(join(prefix(), 'sbin/imapd'), 'a1 LOGOUT\r\n');
    assert.match(r.stdout, /^\* PREAUTH /);
    const node = run('sh', ['-c', 'command -v node']).stdout.trim();
    utimesSync(join(bundleDir(), 'node.stamp'), statSync(node).atime, statSync(node).mtime);
    rmSync(join(bundleDir(), 'ipop3d.blob'));
    const p = asNobody(join(prefix(), 'sbin/ipop3d'), 'QUIT\r\n');
    assert.match(p.stdout, /^\+OK /);
  });

  test('make uninstall leaves the prefix empty', () => {
    make('uninstall', vars());
    assert.deepEqual(tree(prefix()), []);
  });
});

describe('man pages', () => {
  for (const page of MAN_PAGES) {
    test(`man/${page} renders with groff -man -ww and no warnings`, () => {
      const r = run('groff', ['-man', '-Tutf8', '-ww', '-z', join(ROOT, 'man', page)]);
      assert.equal(r.error, undefined, 'groff is missing: test/setup-system.sh installs groff-base');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
    });
  }

  for (const page of ['imapd.8', 'ipop3d.8']) {
    test(`man/${page} names every configuration key`, () => {
      const text = readFileSync(join(ROOT, 'man', page), 'utf8').replace(/\\-/g, '-');
      const missing = CONFIG_KEYS.map((k) => k.replace('.NAME', '.')).filter((k) => !text.includes(k));
      assert.deepEqual(missing, []);
    });
  }
});
