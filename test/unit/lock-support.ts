/**
 * Shared helpers for the lock tests: temporary directories, child processes driven by their stdout lines, the
 * hold-lock fixture, users and groups from /etc, and the root requirement.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled hold-lock fixture (dist/test/fixtures/lock-hold.js). */
export const HOLD_LOCK = fileURLToPath(new URL('../fixtures/lock-hold.js', import.meta.url));

/** A fresh directory under the system temp dir, and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'uwimap-lock-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fails (never skips) when a test that needs root runs as someone else. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} must run as root (it creates files owned by other users and runs as nobody)`);
  }
}

/** A program that must be installed for a test; fails with the package to install when it is missing. */
export function requireProgram(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${pkg} (make system-deps)`);
  return path;
}

/** python3 from Debian, else the first python3 on PATH. */
export function python3(): string {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = join(dir, 'python3');
    if (dir !== '' && existsSync(p)) return p;
  }
  throw new Error('python3 is needed to hold an fcntl lock from another program');
}

/** uid and gid of a user from /etc/passwd. */
export function userIds(name: string): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && f[3] !== undefined) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`no user ${name} in /etc/passwd`);
}

/** gid of a group from /etc/group. */
export function groupId(name: string): number {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined) return Number(f[2]);
  }
  throw new Error(`no group ${name} in /etc/group`);
}

/** A child process whose stdout is read line by line; tests wait for lines instead of sleeping. */
export class Child {
  readonly proc: ChildProcess;
  readonly lines: string[] = [];
  #stderr = '';
  #closed = false;
  #waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(file: string, args: readonly string[], options: SpawnOptions = {}) {
    this.proc = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    let partial = '';
    this.proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        this.lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      this.#wake();
    });
    this.proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.proc.once('error', reject);
      this.proc.once('close', (code, signal) => {
        this.#closed = true;
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves with the first stdout line matching `re` (already seen or still to come); rejects on exit or timeout. */
  async waitForLine(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (this.#closed) {
        throw new Error(`child exited before printing ${re}; ${this.#output()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}; ${this.#output()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  #output(): string {
    return `stdout ${JSON.stringify(this.lines)} stderr ${JSON.stringify(this.#stderr)}`;
  }

  send(line: string): void {
    this.proc.stdin?.write(`${line}\n`);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Ends stdin and waits for the exit. */
  async finish(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.proc.stdin?.end();
    return this.exited;
  }
}

/**
 * The children a test file started, so that a failed assertion cannot leave one holding a lock (and the test
 * process waiting on it): call killAll() from afterEach. It closes their stdin (every holder here exits on EOF,
 * and runuser passes that on) and sends SIGTERM, then waits for them.
 */
export class Children {
  #all: Child[] = [];

  spawn(file: string, args: readonly string[], options: SpawnOptions = {}): Child {
    const child = new Child(file, args, options);
    this.#all.push(child);
    return child;
  }

  async killAll(): Promise<void> {
    const all = this.#all;
    this.#all = [];
    await Promise.all(
      all.map(async (c) => {
        if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
        c.proc.stdin?.end();
        c.proc.kill('SIGTERM');
        await c.exited.catch(() => undefined);
      }),
    );
  }
}

/** Runs a program to completion and returns its exit status and output. */
export async function run(
  file: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = new Child(file, args, options);
  const { code } = await child.finish();
  return { code, stdout: child.lines.join('\n'), stderr: child.stderr };
}

/** strace, used to kill a process at an exact system call (Debian package strace). */
export const STRACE = '/usr/bin/strace';

/**
 * Runs the hold-lock fixture on `mailbox` under strace, which kills it with SIGKILL on entry to its first link()
 * (`'link'`: its temporary file `MAILBOX.lock.<host>.<pid>.<hex>` is made, the lock is not) or its first unlink()
 * (`'unlink'`: the temporary is linked to `MAILBOX.lock`, and not yet removed). Resolves once it is dead and reaped
 * (strace reaps it, then kills itself with the same signal). `prefix` runs strace through another program, e.g.
 * `runuser -u nobody --`. The caller checks what was left: the kill happens wherever the first such call is.
 */
export async function holderKilledAt(
  call: 'link' | 'unlink',
  mailbox: string,
  prefix: readonly string[] = [],
): Promise<void> {
  requireProgram(STRACE, 'strace');
  // Regular expressions, because arm64 has only linkat/unlinkat and x86-64 libuv calls link/unlink.
  const set = call === 'link' ? '/^(link|linkat)$' : '/^(unlink|unlinkat)$';
  const argv = [STRACE, '-f', '-qq', '-o', '/dev/null', '-e', `trace=${set}`, '-e', `inject=${set}:signal=KILL`,
    process.execPath, HOLD_LOCK, mailbox];
  const [file, ...args] = [...prefix, ...argv];
  if (file === undefined) throw new Error('no program');
  const child = new Child(file, args, { cwd: '/' });
  child.proc.stdin?.end();
  const { code, signal } = await child.exited;
  if (signal !== 'SIGKILL' && code !== 128 + 9) {
    throw new Error(`the holder was not killed (exit ${code}, signal ${signal}): ${child.lines.join(' ')} ${child.stderr}`);
  }
}

/** A PID that was used by a process that has exited (reuse within the test's lifetime is vanishingly unlikely). */
export async function deadPid(): Promise<number> {
  const child = new Child('/bin/true', []);
  const pid = child.proc.pid;
  await child.finish();
  if (pid === undefined) throw new Error('could not start /bin/true');
  return pid;
}
