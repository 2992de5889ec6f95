/**
 * Start-up benchmark (issue 6): inetd starts one process per connection, so the time from the start of a process to
 * its greeting is paid by every client. Measured beside what Node itself costs, in the same run:
 *
 * 1. Direct: spawn to the first byte on stdout, with a clean environment (as inetd gives it: an inherited
 *    NODE_EXTRA_CA_CERTS alone triples Node's start-up), N runs of each, interleaved so that a busy machine slows
 *    all rows alike. Rows: `node -e 0` (spawn to exit), a bare Node stub that writes a greeting line, the same stub
 *    started from a V8 snapshot of its own (the floor for any program started from a snapshot), bin/imapd as
 *    root (`* OK`, the login mode) and as `nobody` (`* PREAUTH`), bin/ipop3d likewise, and for comparison the two
 *    other ways imapd can start: the bundle without its snapshot (what the shims fall back to after a Node
 *    upgrade) and the unbundled tsc output (how it started before issue 6), and the snapshot started by node
 *    directly, without the shim's /bin/sh script (what its check that node is unchanged costs).
 * 2. Under a real xinetd (`xinetd -dontfork -f CONF`, the configuration generated here, services on free
 *    127.0.0.1 ports): connect to first byte for the stub (server = node, server_args = the stub) and for
 *    bin/imapd and bin/ipop3d (server = the program, as installed). Skipped with a message when xinetd is not
 *    installed (`apt-get install xinetd`); nothing is installed here.
 *
 * Usage: node dist/bench/startup.js [--runs N] [--xinetd-runs N]   (as root: some rows run as nobody, xinetd binds)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NOBODY = 65534;
const GOAL_MS = 10;

interface Case {
  readonly label: string;
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  /** Run as nobody (PREAUTH mode) instead of root. */
  readonly asUser: boolean;
  /** What the first line must start with; null: no output, time to exit. */
  readonly greeting: string | null;
  /** Sent after the greeting, so the session ends. */
  readonly bye: string;
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

/** One run: spawn to the first stdout byte (or to exit). Rejects when the greeting is not the expected one. */
function once(c: Case): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...args] = c.argv;
    if (cmd === undefined) return reject(new Error('empty argv'));
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      env: c.env, cwd: '/', stdio: ['pipe', 'pipe', 'ignore'],
      ...(c.asUser ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let elapsed: number | null = null;
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      if (elapsed === null) {
        elapsed = ms(t0);
        child.stdin.end(c.bye);
      }
      out += b.toString('latin1');
    });
    child.on('error', reject);
    child.on('exit', () => {
      if (c.greeting === null) elapsed ??= ms(t0);
    });
    child.on('close', () => {
      if (c.greeting !== null && !out.startsWith(c.greeting)) {
        return reject(new Error(`${c.label}: expected "${c.greeting}...", got ${JSON.stringify(out.slice(0, 80))}`));
      }
      resolvePromise(elapsed ?? 0);
    });
    if (c.greeting === null) child.stdin.end();
  });
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0;
}

function table(title: string, rows: { label: string; times: number[] }[], base: number, baseName: string): void {
  const w = Math.max(...rows.map((r) => r.label.length), title.length) + 2;
  process.stdout.write(`\n${title.padEnd(w)}${'median'.padStart(9)}${'p90'.padStart(9)}` +
    `${`- ${baseName}`.padStart(16)}${`x ${baseName}`.padStart(16)}\n`);
  for (const r of rows) {
    const med = quantile(r.times, 0.5);
    process.stdout.write(`${r.label.padEnd(w)}${`${med.toFixed(1)} ms`.padStart(9)}` +
      `${`${quantile(r.times, 0.9).toFixed(1)} ms`.padStart(9)}${`${(med - base >= 0 ? '+' : '') + (med - base).toFixed(1)} ms`.padStart(16)}` +
      `${(med / base).toFixed(2).padStart(16)}\n`);
  }
}

const STUB_BODY = "process.stdout.write('* OK stub ready\\r\\n');\n" +
  "process.stdin.on('data', () => {}).on('end', () => process.exit(0)).on('error', () => process.exit(0));\n";

/** The baseline program: as little Node as can greet (CommonJS, no imports), written to `dir`. */
function writeStub(dir: string): string {
  const stub = join(dir, 'greeting-stub.cjs');
  writeFileSync(stub, STUB_BODY);
  chmodSync(stub, 0o644);
  return stub;
}

/**
 * The same stub as a start-up snapshot of its own: what starting from any snapshot costs before the first line of
 * its main function runs (Node then deserializes its whole heap from the blob, not from the binary).
 */
function writeStubSnapshot(dir: string): string {
  const entry = join(dir, 'greeting-stub-snapshot.cjs');
  const blob = join(dir, 'greeting-stub.blob');
  writeFileSync(entry, `require('v8').startupSnapshot.setDeserializeMainFunction(() => {\n${STUB_BODY}});\n`);
  const r = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { encoding: 'utf8', env: {} });
  if (r.status !== 0) throw new Error(`the stub's snapshot failed: ${r.stderr}`);
  chmodSync(blob, 0o644);
  return blob;
}

async function direct(runs: number, work: string, stub: string): Promise<void> {
  const node = process.execPath;
  const userEnv = { HOME: work, MAIL: join(work, 'nobody.mbox') };
  const imap = { bye: 'a LOGOUT\r\n' };
  const pop = { bye: 'QUIT\r\n' };
  const cases: Case[] = [
    { label: 'node -e 0 (spawn to exit)', argv: [node, '-e', '0'], env: {}, asUser: false, greeting: null, bye: '' },
    { label: 'node stub writing a greeting', argv: [node, stub], env: {}, asUser: false, greeting: '* OK', bye: '' },
    { label: 'the stub started from a snapshot of its own', argv: [node, '--snapshot-blob', writeStubSnapshot(work), 'stub'], env: {}, asUser: false, greeting: '* OK', bye: '' },
    { label: 'bin/imapd as root: * OK', argv: [join(ROOT, 'bin', 'imapd')], env: {}, asUser: false, greeting: '* OK', ...imap },
    { label: 'bin/imapd as nobody: * PREAUTH', argv: [join(ROOT, 'bin', 'imapd')], env: userEnv, asUser: true, greeting: '* PREAUTH', ...imap },
    { label: 'bin/ipop3d as root: +OK', argv: [join(ROOT, 'bin', 'ipop3d')], env: {}, asUser: false, greeting: '+OK', ...pop },
    { label: 'bin/ipop3d as nobody: +OK (maildrop open)', argv: [join(ROOT, 'bin', 'ipop3d')], env: userEnv, asUser: true, greeting: '+OK', ...pop },
    // The V8 flags of bin/imapd: a snapshot loads only under the flags it was built with (tools/bundle.mjs).
    { label: 'imapd as root, snapshot without the sh script', argv: [node, '--max-semi-space-size=4', '--snapshot-blob', join(ROOT, 'dist', 'bundle', 'bin', 'imapd.blob'), 'imapd'], env: {}, asUser: false, greeting: '* OK', ...imap },
    { label: 'imapd as root, bundle without snapshot', argv: [node, '--max-semi-space-size=4', join(ROOT, 'dist', 'bundle', 'bin', 'imapd.cjs')], env: {}, asUser: false, greeting: '* OK', ...imap },
    { label: 'imapd as root, unbundled tsc output (before)', argv: [node, join(ROOT, 'dist', 'bin', 'imapd.js')], env: {}, asUser: false, greeting: '* OK', ...imap },
  ];
  const times: number[][] = cases.map(() => []);
  for (const c of cases) await once(c); // warm the page cache; not counted
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of cases.entries()) times[i]?.push(await once(c));
  }
  const rows = cases.map((c, i) => ({ label: c.label, times: times[i] ?? [] }));
  const base = quantile(rows[0]?.times ?? [], 0.5);
  table(`direct, spawn to first byte (${runs} runs each)`, rows, base, 'node -e 0');
  const worst = Math.max(...rows.slice(3, 7).map((r) => quantile(r.times, 0.5)));
  process.stdout.write(`goal (issue 6): greeting within ${GOAL_MS} ms of node -e 0: ` +
    `slowest server row +${(worst - base).toFixed(1)} ms, ${worst - base <= GOAL_MS ? 'met' : 'NOT met'}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolvePromise(port));
    });
  });
}

/** Connect to `port` and time connect() to the first byte; closes at once. Rejects if nothing comes in 10 s. */
function firstByte(port: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const sock = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no greeting on port ${port}`));
    }, 10_000);
    sock.once('data', () => {
      const t = ms(t0);
      clearTimeout(timer);
      sock.destroy();
      resolvePromise(t);
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function waitForPort(port: number, xinetd: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (xinetd.exitCode !== null) throw new Error(`xinetd exited (${xinetd.exitCode})`);
    try {
      await firstByte(port);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`xinetd does not answer on port ${port}`);
}

function findXinetd(): string | null {
  for (const p of ['/usr/sbin/xinetd', '/usr/local/sbin/xinetd', '/sbin/xinetd']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v xinetd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

async function underXinetd(runs: number, work: string, stub: string): Promise<void> {
  const xinetdPath = findXinetd();
  if (xinetdPath === null) {
    process.stdout.write('\nunder xinetd: skipped, xinetd is not installed (Debian: apt-get install xinetd)\n');
    return;
  }
  const services = [
    { name: 'stub', label: 'node stub (server = node, server_args = stub)', server: process.execPath, args: stub },
    { name: 'imapd', label: 'bin/imapd as root: * OK', server: join(ROOT, 'bin', 'imapd'), args: null },
    { name: 'ipop3d', label: 'bin/ipop3d as root: +OK', server: join(ROOT, 'bin', 'ipop3d'), args: null },
  ];
  const ports: number[] = [];
  for (let i = 0; i < services.length; i++) ports.push(await freePort());
  const conf = join(work, 'xinetd.conf');
  writeFileSync(conf, [
    'defaults', '{', '  instances = UNLIMITED', '  per_source = UNLIMITED', '  cps = 100000 1',
    `  log_type = FILE ${join(work, 'xinetd.log')}`, '}',
    ...services.flatMap((s, i) => [
      `service uwbench-${s.name}`, '{', '  type = UNLISTED', `  id = uwbench-${s.name}`, '  socket_type = stream',
      '  protocol = tcp', '  wait = no', '  user = root', '  bind = 127.0.0.1', `  port = ${ports[i]}`,
      `  server = ${s.server}`, ...(s.args ? [`  server_args = ${s.args}`] : []), '}',
    ]),
  ].join('\n') + '\n');
  // A clean environment, as init gives it: xinetd hands its own to the servers.
  const xinetd = spawn(xinetdPath, ['-dontfork', '-f', conf], { stdio: 'ignore', env: {} });
  try {
    for (const p of ports) await waitForPort(p, xinetd);
    const times: number[][] = services.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const [i, p] of ports.entries()) times[i]?.push(await firstByte(p));
    }
    const rows = services.map((s, i) => ({ label: s.label, times: times[i] ?? [] }));
    table(`under xinetd ${xinetdPath}, connect to first byte (${runs} connections each)`, rows,
      quantile(rows[0]?.times ?? [], 0.5), 'stub');
  } finally {
    xinetd.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, 'xinetd-runs': { type: 'string', default: '30' } } });
  if (process.getuid?.() !== 0) throw new Error('run as root: rows run as root and as nobody, and xinetd needs root');
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'bin', 'imapd.blob'))) throw new Error('run make build first');
  const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  chmodSync(work, 0o755);
  try {
    const stub = writeStub(work);
    spawnSync('chown', ['nobody', work]);
    await direct(Number(values.runs), work, stub);
    await underXinetd(Number(values['xinetd-runs']), work, stub);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
