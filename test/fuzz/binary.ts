/**
 * Running a session through the real programs (bin/imapd, bin/ipop3d), as they are deployed:
 *
 * - root mode: as inetd starts them, root, with a TCP connection from 127.0.0.1 on fds 0-2 (so STARTTLS/STLS is
 *   offered), a login to the sandbox's `fuzzer` account, then the process becomes uid 65534;
 * - preauth mode: as the user starts them (ssh, a client's tunnel): uid 65534 on pipes, `$MAIL` the INBOX.
 *
 * Each runs under /usr/bin/time, whose `%M` is the peak RSS of the server process (the shim execs node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { ExitInfo, Transport } from './drive.js';
import { GID, ROOT, UID, type Sandbox } from './sandbox.js';
import type { FuzzSession } from './session.js';

function program(s: FuzzSession): string {
  return join(ROOT, 'bin', s.protocol === 'imap' ? 'imapd' : 'ipop3d');
}

function exitInfo(child: ChildProcess, timeFile: string): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      let peak: number | null = null;
      let note = '';
      try {
        const lines = readFileSync(timeFile, 'latin1').trim().split('\n');
        peak = Number(lines[lines.length - 1]) || null;
        note = lines.slice(0, -1).join(' ');
      } catch {
        /* killed before time wrote it */
      }
      const m = /terminated by signal (\d+)/.exec(note);
      resolve({ code: m ? null : code, signal: m ? `signal ${m[1]}` : signal, peakRssKb: peak });
    });
  });
}

/** A transport over a child's pipes or a socket. */
function transportOf(child: ChildProcess, input: NodeJS.WritableStream & { destroy(): void }, output: NodeJS.ReadableStream,
  exited: Promise<ExitInfo>): Transport {
  input.on('error', () => undefined); // EPIPE: the server is gone; the checks say so
  return {
    write: (d) => {
      input.write(d);
    },
    end: () => input.end(),
    onData: (cb) => output.on('data', cb),
    onClose: (cb) => {
      output.on('end', cb);
      output.on('close', cb);
    },
    exited,
    kill: () => {
      child.kill('SIGKILL');
      input.destroy();
    },
  };
}

/** PREAUTH: the program as uid 65534 on pipes. */
export function spawnPreauth(s: FuzzSession, box: Sandbox): Transport {
  const timeFile = join(box.run, 'time');
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, program(s), '-c', box.config], {
    uid: UID, gid: GID, cwd: box.home, stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, MAIL: box.inbox, HOME: box.home },
  });
  const stdin = child.stdin as NonNullable<typeof child.stdin>;
  const stdout = child.stdout as NonNullable<typeof child.stdout>;
  return transportOf(child, stdin, stdout, exitInfo(child, timeFile));
}

/**
 * An inetd of our own on 127.0.0.1 for root-mode sessions: each accepted connection is handed to the program
 * the next {@link Inetd.connect} asked for. One per worker; connections are made one at a time.
 */
export class Inetd {
  private server: Server | null = null;
  private port = 0;
  private pending: ((s: Socket) => void) | null = null;

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer({ pauseOnConnect: true }, (sock) => {
      const p = this.pending;
      this.pending = null;
      if (p) p(sock);
      else sock.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    this.server = server;
  }

  async connect(s: FuzzSession, box: Sandbox): Promise<Transport> {
    await this.listen();
    const timeFile = join(box.run, 'time');
    const accepted = new Promise<ChildProcess>((resolve) => {
      this.pending = (sock) => {
        const c = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, program(s), '-c', box.config], {
          stdio: [sock, sock, sock], cwd: '/', env: { PATH: '/usr/bin:/bin' },
        });
        sock.destroy();
        resolve(c);
      };
    });
    const client = connect(this.port, '127.0.0.1');
    client.on('error', () => undefined);
    const child = await accepted;
    return transportOf(child, client, client, exitInfo(child, timeFile));
  }

  close(): void {
    this.server?.close();
    this.server = null;
  }
}
