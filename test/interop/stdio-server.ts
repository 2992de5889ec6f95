/**
 * One server process (bin/imapd, bin/ipop3d) on stdin/stdout, its PREAUTH mode, driven interactively a line at a
 * time: a test sends a command, reads the answer, looks at the disk, and only then sends the next. The caller gives
 * the whole command line, the whole environment (nothing is inherited) and the identity it runs as (set by libuv in
 * the child, supplementary groups dropped); the process leads its own process group so that {@link StdioServer.kill}
 * stops whatever it started.
 *
 * test/transcripts/runner.ts drives scripted sessions; oracles.ts's imapTranscript runs a list of commands to the end.
 * This is for tests that must act between one command and the next.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';

/** What to run, and as whom. */
export interface StdioServerOptions {
  /** The program and its arguments, e.g. `[join(ROOT, 'bin', 'imapd'), '-c', conf]`. Never run through a shell. */
  readonly argv: readonly string[];
  /** The child's whole environment (HOME, MAIL, PATH...). */
  readonly env: Readonly<Record<string, string>>;
  /** Run as this user and group (the test is root); both default to the test's own identity. */
  readonly uid?: number;
  readonly gid?: number;
  /** Working directory; default `/`. */
  readonly cwd?: string;
}

export class StdioServer {
  readonly child: ChildProcess;
  /** True once the process has exited. */
  exited = false;
  /** Everything the server wrote to stderr (bin/imapd sends its own to /dev/null: normally nothing). */
  stderr = '';
  private buf = '';
  private lines: string[] = [];
  private wake: (() => void) | null = null;
  private readonly exit: Promise<number | null>;

  constructor(opts: StdioServerOptions) {
    const [file, ...args] = opts.argv;
    if (file === undefined) throw new Error('StdioServer: empty argv');
    const ids = opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid };
    this.child = spawn(file, args, { env: { ...opts.env }, cwd: opts.cwd ?? '/', stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, ...ids });
    this.child.stdin?.on('error', () => { /* the server may exit unread: its exit status and output tell */ });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      let nl: number;
      while ((nl = this.buf.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 2);
      }
      this.wake?.();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('latin1');
    });
    this.exit = new Promise((resolve) => this.child.on('exit', (code) => {
      this.exited = true;
      this.wake?.();
      resolve(code);
    }));
  }

  /** The next line the server sends (without CRLF), or null once it has exited with nothing more to read. */
  async line(timeoutMs = 20_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.exited) return null;
      if (Date.now() > deadline) throw new Error('timed out waiting for the server');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.lines.shift() as string;
  }

  send(data: string | Buffer): void {
    this.child.stdin?.write(data);
  }

  /** Sends an IMAP command; resolves with every line up to and including its tagged response. */
  async imap(tag: string, text: string | Buffer): Promise<string[]> {
    this.send(typeof text === 'string' ? `${tag} ${text}\r\n` : Buffer.concat([Buffer.from(`${tag} `), text, Buffer.from('\r\n')]));
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      if (l === null) throw new Error(`the server ended before answering ${tag}: ${JSON.stringify(out)}`);
      out.push(l);
      if (l.startsWith(`${tag} `)) return out;
    }
  }

  /** Sends a POP3 command; resolves with its status line. */
  async pop(text: string): Promise<string> {
    this.send(`${text}\r\n`);
    const l = await this.line();
    if (l === null) throw new Error(`the server ended before answering ${text}`);
    return l;
  }

  /** The lines of a POP3 multi-line response after its status line. */
  async multi(): Promise<string[]> {
    const out: string[] = [];
    for (let l = await this.line(); l !== null && l !== '.'; l = await this.line()) out.push(l);
    return out;
  }

  /** Closes stdin and waits for the exit status; whatever the server sends meanwhile must be nothing. */
  async end(): Promise<number | null> {
    this.child.stdin?.end();
    const code = await this.exit;
    assert.deepEqual(this.lines, [], 'nothing more sent');
    return code;
  }

  /** Kills the server's process group if it is still running (for after() hooks: a failed test may leave one). */
  kill(): void {
    if (!this.exited && this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
  }
}
