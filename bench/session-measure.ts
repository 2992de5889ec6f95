/**
 * Timing whole server sessions for the session benchmarks: the program runs as `nobody` under /usr/bin/time with a
 * clean environment (as inetd gives it), fed `input` on stdin; wall time, peak RSS and output octets come back.
 */
import { spawn } from 'node:child_process';

export interface Measured {
  wall: number;
  rssKb: number;
  bytes: number;
}

/** Runs argv as nobody under /usr/bin/time with a clean environment, feeding `input`; counts output bytes. */
export function measure(argv: string[], env: Record<string, string>, input: string): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const args = ['-u', 'nobody', '--', '/usr/bin/time', '-f', '@@%e %M', '/usr/bin/env', '-i',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
    const child = spawn('/usr/sbin/runuser', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const m = /@@([\d.]+) (\d+)/.exec(err);
      if (!m) return reject(new Error(`no timing from /usr/bin/time: ${err}`));
      resolvePromise({ wall: Number(m[1]), rssKb: Number(m[2]), bytes });
    });
    child.stdin.end(input);
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

