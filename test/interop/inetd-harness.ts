/**
 * A test bench for the daemons as inetd starts them: throwaway system users with passwords (removed afterwards),
 * a root:mail 2775 spool with a maildrop per user, a 1777 directory for journals and lock files, a syslog socket
 * of our own (its datagrams collected in `logLines`), a self-signed certificate, a configuration file per test,
 * and an inetd of our own that starts a fresh server per connection with the socket on fds 0, 1 and 2.
 * Call `setup()` in before() and `teardown()` in after().
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashSync } from '@node-rs/bcrypt';

export const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..', '..');
if (process.getuid?.() !== 0) throw new Error('run as root: the server is started as inetd starts it');

export const tag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
export const dir = mkdtempSync(join(tmpdir(), 'inetd-'));
chmodSync(dir, 0o755);
export const spool = join(dir, 'spool');
/** The `mail` group: the spool's and every maildrop's. */
export const MAIL_GID = Number(execFileSync('getent', ['group', 'mail']).toString().split(':')[2]);
const users: string[] = [];
let syslog: ChildProcess;
export const logLines: string[] = [];

export function addUser(scheme: string, password: string): string {
  const name = `uwts${tag}${users.length}`;
  const home = join(dir, 'home', name);
  execFileSync('mkdir', ['-p', home]);
  execFileSync('useradd', ['-M', '-d', home, '-s', '/usr/sbin/nologin', '-G', 'users', name]);
  users.push(name);
  execFileSync('chown', [name, home]);
  if (scheme === 'BCRYPT') execFileSync('usermod', ['-p', hashSync(password, { cost: 4 }), name]);
  else execFileSync('chpasswd', ['-c', scheme], { input: `${name}:${password}\n` });
  // A maildrop with one message, as the MTA leaves it: USER:mail 0660 in a root:mail 2775 spool.
  const box = join(spool, name);
  writeFileSync(box, `From a@example.org Sat Nov 21 12:00:00 2026\nSubject: for ${name}\n\nhello\n\n`);
  chownSync(box, Number(execFileSync('id', ['-u', name]).toString()), MAIL_GID);
  chmodSync(box, 0o660);
  return name;
}

export function writeConfig(name: string, extra: string): string {
  const path = join(dir, name);
  writeFileSync(path, `spool_dir = ${spool}\njournal_dir = ${join(dir, 'tmp')}\nsyslog_socket = ${join(dir, 'log.sock')}\n` +
    `cram_md5_file = ${join(dir, 'cram-md5.pwd')}\nlogin_failure_delay_ms = 300\n` +
    `tls_cert = ${join(dir, 'cert.pem')}\ntls_key = ${join(dir, 'key.pem')}\n${extra}`);
  return path;
}

/** An inetd of our own: each connection gets a fresh `program` (bin/ipop3d, bin/imapd) with the socket on fds 0-2. */
export function inetd(program: string, config: string, flags: string[] = []): Promise<{ server: Server; port: number; children: ChildProcess[] }> {
  const children: ChildProcess[] = [];
  const server = createServer({ pauseOnConnect: true }, (s: Socket) => {
    const child = spawn(join(ROOT, 'bin', program), ['-c', config, ...flags], { stdio: [s, s, s], env: { PATH: '/usr/bin:/bin' } });
    children.push(child);
    s.destroy();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, port: typeof a === 'object' && a ? a.port : 0, children });
  }));
}

/** Runs a program with `input` on its stdin; resolves with its exit code and stdout. */
export function withInput(file: string, args: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

export class Client {
  private buf = '';
  private waiting: (() => void) | null = null;
  closed = false;
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.waiting?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }
  static connect(port: number): Promise<Client> {
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Client(s)));
    });
  }
  async line(): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf('\r\n');
      if (nl >= 0) {
        const l = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 2);
        return l;
      }
      if (this.closed) return null;
      await new Promise<void>((r) => {
        this.waiting = r;
      });
    }
  }
  async cmd(line: string): Promise<string | null> {
    this.sock.write(line + '\r\n');
    return this.line();
  }
  /** Sends a tagged IMAP command and collects the lines up to its tagged response (or the end of the connection). */
  async tagged(tag: string, text: string): Promise<string[]> {
    this.sock.write(`${tag} ${text}\r\n`);
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      if (l === null) return out;
      out.push(l);
      if (l.startsWith(`${tag} `)) return out;
    }
  }
  async multi(): Promise<string[]> {
    const out: string[] = [];
    for (let l = await this.line(); l !== null && l !== '.'; l = await this.line()) out.push(l);
    return out;
  }
  end(): void {
    this.sock.end();
  }
}

/** The server process serving the most recent connection (our inetd's last child). */
export const lastChild = (children: ChildProcess[]): ChildProcess => children[children.length - 1] as ChildProcess;

export function procStatus(pid: number): { uid: string; gid: string; groups: string } {
  const s = readFileSync(`/proc/${pid}/status`, 'latin1');
  const f = (k: string): string => (new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(s)?.[1] ?? '').trim().replace(/\s+/g, ' ');
  return { uid: f('Uid'), gid: f('Gid'), groups: f('Groups') };
}

export async function setup(): Promise<void> {
  execFileSync('mkdir', ['-p', spool, join(dir, 'tmp')]);
  chmodSync(join(dir, 'tmp'), 0o1777); // like /var/tmp: journals and POP3 lock files of every user
  chownSync(spool, 0, MAIL_GID);
  chmodSync(spool, 0o2775);
  // Syslog: a datagram socket of our own, printed a datagram per line.
  syslog = spawn('python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
import os
os.chmod(sys.argv[1], 0o666)
print('ready', flush=True)
while True:
    d = s.recv(4096)
    print(d.decode('utf-8', 'replace'), flush=True)
`, join(dir, 'log.sock')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => {
    let buf = '';
    syslog.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        if (l === 'ready') resolve();
        else logLines.push(l);
      }
    });
  });
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  chmodSync(join(dir, 'key.pem'), 0o600);
}

/**
 * userdel's exit statuses worth another try: 1 and 10, /etc/passwd or /etc/group busy (another test, or another
 * run on the machine, adding or removing a user at that moment); 8, a process still runs as the user (a server
 * that has answered but not yet exited).
 */
const USERDEL_RETRY: readonly number[] = [1, 8, 10];

export function teardown(): void {
  syslog?.kill();
  for (const u of users) {
    for (let tries = 0; ; tries++) {
      try {
        execFileSync('userdel', [u], { stdio: 'ignore' });
        break;
      } catch (e) {
        const status = (e as { status?: number }).status ?? -1;
        if (!USERDEL_RETRY.includes(status)) break; // 6: already gone
        if (tries >= 100) {
          console.error(`inetd-harness: userdel ${u} still fails after 10 s (status ${status}): the user is left behind`);
          break;
        }
        execFileSync('sleep', ['0.1']);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

