/**
 * Real superservers for the tests that log in through them (superservers.test.ts, pop3-race.test.ts), on top of
 * inetd-harness.ts (users, spool, syslog socket, certificate, configuration files): our programs as `make install`
 * makes them, a superserver started in a mount namespace of its own, free loopback ports, and xinetd with the
 * repository's xinetd.d files.
 *
 * Each file is used as shipped but for what a test must change: `disable`, the port (a free one; xinetd also gets
 * `type = UNLISTED` so it does not insist on /etc/services' port), the address (loopback), `-c` with a test
 * configuration, and `/usr/local/sbin/` replaced by a directory holding `imapd` and `ipop3d` made as `make install`
 * makes them (node's absolute path in the first line, so no PATH search in the superservers' empty environment).
 *
 * Every superserver runs in a mount namespace of its own (`unshare -m`) where /dev/log is the test's syslog socket
 * and /etc/hosts.allow and /etc/hosts.deny are the test's files, so nothing of the machine's is changed and every
 * log line (ours, tcpd's, xinetd's, and those of a server whose configuration is broken, which can only use
 * /dev/log) arrives in inetd-harness's `logLines`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { dir, ROOT, run } from './inetd-harness.js';

/** Where the shipped service files expect the programs (`make install`'s default SBINDIR). */
export const SHIPPED_SBIN = '/usr/local/sbin/';

/** The programs as `make install` makes them: node's absolute path in the first line, then the compiled entry. */
export const SBIN = join(dir, 'sbin');
/** Writes {@link SBIN}'s `imapd` and `ipop3d`; call it after inetd-harness's `setup()`. */
export function makePrograms(): void {
  mkdirSync(SBIN, { recursive: true });
  for (const p of ['imapd', 'ipop3d']) {
    writeFileSync(join(SBIN, p), `#!${process.execPath}\n// uwimap-ts ${p}\nimport(${JSON.stringify(join(ROOT, 'dist', 'bin', `${p}.js`))});\n`);
    chmodSync(join(SBIN, p), 0o755);
  }
}

/** A mount namespace with the test's /dev/log and hosts.allow/hosts.deny (see the file comment), then `exec "$@"`. */
const NAMESPACE_SCRIPT = `
set -e
run=$1; shift
mkdir -p "$run/upper" "$run/work"
# /dev itself is the machine's: an overlay makes /dev/log ours without touching it.
mount -t overlay overlay -o "lowerdir=/dev,upperdir=$run/upper,workdir=$run/work" /dev
rm -f /dev/log
ln -s "$SYSLOG_SOCKET" /dev/log
for f in hosts.allow hosts.deny; do
  # A missing file means what an empty one does to libwrap; a mount point is needed.
  [ -e /etc/$f ] || : >> /etc/$f
  mount --bind "$run/$f" /etc/$f
done
exec "$@"
`;

export interface Superserver {
  readonly proc: ChildProcess;
  readonly output: string[];
  stop(): Promise<void>;
}

let runs = 0;
/**
 * Starts `argv` (a superserver in the foreground) in its own mount namespace; resolves when every port in `ports`
 * is listening on `address`. Rejects if it exits first or does not listen within 10 s.
 */
export async function startSuperserver(argv: string[], ports: number[], access: { allow?: string; deny?: string } = {}, address = '127.0.0.1'): Promise<Superserver> {
  const runDir = join(dir, `run${runs++}`);
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'hosts.allow'), access.allow ?? '');
  writeFileSync(join(runDir, 'hosts.deny'), access.deny ?? '');
  const proc = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', NAMESPACE_SCRIPT, 'ns', runDir, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SYSLOG_SOCKET: join(dir, 'log.sock') },
  });
  const output: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.on('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (!exited) proc.kill('SIGTERM');
    await exit;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await run('ss', ['-ltnH']);
    const listening = new Set(stdout.split('\n').map((l) => l.split(/\s+/)[3] ?? ''));
    const want = (p: number): boolean => [`${address}:${p}`, `[::ffff:${address}]:${p}`].some((a) => listening.has(a));
    if (ports.every(want)) return { proc, output, stop };
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`${argv.join(' ')} did not listen on ${ports.join(', ')}:\n${output.join('')}\n${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `n` loopback ports free at the moment of asking. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export type ServiceName = 'imap' | 'imaps' | 'pop3' | 'pop3s';

export interface XinetdEntry {
  readonly name: ServiceName;
  readonly port: number;
  readonly config: string;
  /** xinetd's `id`, for a second entry of the same service. */
  readonly id?: string;
}

/** A shipped xinetd.d file made runnable here: enabled, on `port` at `bind`, our programs, `-c config`. */
function xinetdService({ name, port, config, id }: XinetdEntry, bind: string): string {
  const shipped = readFileSync(join(ROOT, 'xinetd.d', name), 'utf8');
  let text = shipped;
  const edit = (re: RegExp, to: string): void => {
    assert.match(text, re, `xinetd.d/${name}`);
    text = text.replace(re, to);
  };
  edit(/^(\s*disable\s*=\s*)yes$/m, '$1no');
  edit(new RegExp(`^(\\s*server\\s*=\\s*)${SHIPPED_SBIN}`, 'm'), `$1${SBIN}/`);
  if (/^\s*server_args\s*=/m.test(text)) edit(/^(\s*server_args\s*=.*)$/m, `$1 -c ${config}`);
  else edit(/^(\s*server\s*=.*)$/m, `$1\n\tserver_args = -c ${config}`);
  edit(/^}$/m, `\tport = ${port}\n\tbind = ${bind}\n\ttype = UNLISTED\n${id ? `\tid = ${id}\n` : ''}}`);
  return text;
}

/** xinetd (in the foreground, in its own mount namespace) serving `services` on `bind`; needs {@link makePrograms}. */
export async function startXinetd(services: XinetdEntry[], bind = '127.0.0.1'): Promise<Superserver> {
  const conf = join(dir, `xinetd-${randomUUID()}.conf`);
  // The shipped files say flags = IPv6 (one socket for both families), so an IPv4 address is given mapped.
  writeFileSync(conf, 'defaults\n{\n}\n\n' + services.map((s) => xinetdService(s, `::ffff:${bind}`)).join('\n'));
  return startSuperserver(['xinetd', '-dontfork', '-f', conf, '-pidfile', `${conf}.pid`], services.map((s) => s.port), {}, bind);
}
