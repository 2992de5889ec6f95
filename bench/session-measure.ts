/**
 * Timing whole server sessions for the session benchmarks: the program runs as `nobody` under /usr/bin/time with a
 * clean environment (as inetd gives it), fed `input` on stdin; wall time, peak RSS and output octets come back.
 *
 * Two kinds of session, as the mailbox driver sees them (its index kept between sessions, `index.<hash>` in
 * `$HOME/.uwimap-ts`, is trusted only for the exact file it describes: device, inode, size, mtime, ctime):
 * - cold (`sessionRuns`): a fresh copy of the mailbox per run, a new inode, so the open scans the whole mbox;
 * - warm (`warmMaildrop`): one copy, opened once by a priming session that saves its index, then every run on that
 *   same file, whose open reads only the index.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, realpathSync, rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateMbox } from './gen-mbox.js';

const NOBODY = 65534;

export interface Measured {
  /** Seconds, as /usr/bin/time gives them: to the hundredth. */
  wall: number;
  /**
   * Seconds from spawning to the exit as this process saw them, to the microsecond: runuser and env included, the
   * same for every session, so that the difference of two sessions is precise where `wall`'s hundredths are not.
   */
  elapsed: number;
  rssKb: number;
  bytes: number;
}

/** Runs argv as nobody under /usr/bin/time with a clean environment, feeding `input`; counts output bytes. */
export function measure(argv: string[], env: Record<string, string>, input: string): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const args = ['-u', 'nobody', '--', '/usr/bin/time', '-f', '@@%e %M', '/usr/bin/env', '-i',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
    const t0 = process.hrtime.bigint();
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
      resolvePromise({ wall: Number(m[1]), elapsed: Number(process.hrtime.bigint() - t0) / 1e9, rssKb: Number(m[2]), bytes });
    });
    child.stdin.end(input);
  });
}

/**
 * Round-trip times of single commands inside one session: runs `server` as nobody with a clean environment (MAIL =
 * a fresh, synced copy of `src`), sends `setup` and waits for its tagged reply, then each of `commands` one at a time
 * (tagged `l<i>`), timing from the write to the tagged reply. Returns the median in seconds. This is a command's
 * latency as a client sees it, without the session's start-up noise that a difference of whole-session times has.
 */
export async function commandLatency(server: string, src: string, work: string, env: Record<string, string>,
  setup: string, commands: readonly string[]): Promise<number> {
  const box = freshMaildrop(src, work);
  const args = ['-u', 'nobody', '--', '/usr/bin/env', '-i', ...Object.entries({ ...env, MAIL: box }).map(([k, v]) => `${k}=${v}`), server];
  const child = spawn('/usr/sbin/runuser', args, { stdio: ['pipe', 'pipe', 'ignore'] });
  let buf = '';
  let waiting: { tag: string; resolve: () => void } | null = null;
  child.stdout.on('data', (b: Buffer) => {
    buf += b.toString('latin1');
    for (;;) {
      const nl = buf.indexOf('\r\n');
      if (nl < 0) break;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      if (waiting && line.startsWith(`${waiting.tag} `)) {
        const w = waiting;
        waiting = null;
        w.resolve();
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const send = (tag: string, text: string): Promise<void> => new Promise((resolve, reject) => {
    waiting = { tag, resolve };
    child.once('close', () => reject(new Error(`${server} ended before answering ${tag}`)));
    child.stdin.write(`${tag} ${text}\r\n`);
  });
  try {
    await send('s', setup);
    const times: number[] = [];
    for (let i = 0; i < commands.length; i++) {
      const t0 = performance.now();
      await send(`l${i}`, commands[i] as string);
      times.push((performance.now() - t0) / 1000);
    }
    await send('z', 'LOGOUT');
    return median(times);
  } finally {
    child.stdin.end();
    await exited;
    rmSync(box, { force: true });
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};


/**
 * The mailbox of `n` messages a session benchmark runs on, cached under bench/data as `<name>-<n>.mbox`: generated
 * (seeded), then opened once by `server` with `primeInput`, so every message has its UID and Status written, as on
 * a server in use (the first session on a fresh spool writes that metadata once, as UW does).
 */
export async function steadyMailbox(opts: {
  data: string; work: string; name: string; n: number; seed: number; server: string; primeInput: string;
  env: Record<string, string>;
}): Promise<string> {
  const src = join(opts.data, `${opts.name}-${opts.n}.mbox`);
  if (existsSync(src)) return src;
  const fresh = join(opts.work, 'fresh');
  await generateMbox(fresh, { messages: opts.n, seed: opts.seed, metadata: true });
  chownSync(fresh, NOBODY, NOBODY);
  await measure([opts.server], { ...opts.env, MAIL: fresh }, opts.primeInput);
  copyFileSync(fresh, src);
  rmSync(fresh, { force: true });
  return src;
}

/**
 * A copy of `src` as `work`/maildrop, owned by nobody, on disk before the session starts: else the kernel writes the
 * copy's dirty pages back during the session, on the same two cores and disk, and a 550 MB copy makes any row swing
 * by a few tenths of a second.
 */
function freshMaildrop(src: string, work: string, name = 'maildrop'): string {
  const box = join(work, name);
  copyFileSync(src, box);
  chownSync(box, NOBODY, NOBODY);
  const fd = openSync(box, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return box;
}

/** The medians of `runs` sessions' wall time, peak RSS and output octets. */
export async function medianRuns(runs: number, once: () => Promise<Measured>): Promise<Measured> {
  const ms: Measured[] = [];
  for (let r = 0; r < runs; r++) ms.push(await once());
  return {
    wall: median(ms.map((m) => m.wall)), elapsed: median(ms.map((m) => m.elapsed)), rssKb: median(ms.map((m) => m.rssKb)),
    bytes: median(ms.map((m) => m.bytes)),
  };
}

/**
 * A cold session: runs `input` through `server` on a fresh copy of `src` per run (a new inode, so the saved index
 * does not describe it and the open scans the mbox), as nobody; the median wall time and peak RSS.
 */
export function sessionRuns(server: string, src: string, work: string, env: Record<string, string>,
  input: string, runs: number): Promise<Measured> {
  return medianRuns(runs, async () => {
    const box = freshMaildrop(src, work);
    // The field cache is keyed by the mailbox's path, which every cold copy shares: an earlier run's would answer.
    rmSync(`${controlFileOf(work, box)}.cache`, { force: true });
    try {
      return await measure([server], { ...env, MAIL: box }, input);
    } finally {
      rmSync(box, { force: true });
    }
  });
}

/** The saved index's path for mailbox `box` in `<work>/.uwimap-ts` (control-dir.ts's fileFor, `index` kind). */
function controlFileOf(work: string, box: string): string {
  return join(work, '.uwimap-ts', `index.${createHash('sha256').update(realpathSync(box)).digest('hex').slice(0, 32)}`);
}

/** One copy of a mailbox kept for warm sessions (`warmMaildrop`). */
export interface WarmMaildrop {
  /** The copy's path (for a caller's own read-only sessions on it). */
  readonly path: string;
  /** Runs `input` (read-only commands only: the file must stay the one the index describes) `runs` times on it. */
  sessionRuns(input: string, runs: number): Promise<Measured>;
  /** `<n> msgs: index 1.04 MB = 1.9 % of the 54.5 MB mbox`, and the field cache's share unless `cache` is false. */
  indexShare(n: number, cache?: boolean): string;
  /** Removes the copy and its index. */
  remove(): void;
}

/**
 * A warm maildrop: one synced copy of `src` (owned by nobody, as for a cold session), opened once by `server` with
 * `primeInput` so that its index is saved in `<work>/.uwimap-ts` and the file's flags and times have settled; every
 * session then run on it opens from the index alone, each kind of session run untimed first until it changes nothing
 * more on disk (see sessionRuns).
 * Fails if the priming saved no index, and if a warm run changed
 * the mailbox or rewrote the index (then an open did not find it valid: the row would be a cold one under a warm
 * label).
 */
export async function warmMaildrop(server: string, src: string, work: string, env: Record<string, string>,
  primeInput: string): Promise<WarmMaildrop> {
  const control = join(work, '.uwimap-ts');
  const indexes = (): string[] => (existsSync(control) ? readdirSync(control) : [])
    .filter((f) => /^index\.[0-9a-f]+$/.test(f)).map((f) => join(control, f));
  // The indexes of earlier (cold) sessions go first, so that the one found after priming is this copy's.
  for (const f of indexes()) rmSync(f, { force: true });
  const box = freshMaildrop(src, work, 'maildrop-warm');
  await measure([server], { ...env, MAIL: box }, primeInput);
  const found = indexes();
  if (found.length !== 1) {
    rmSync(box, { force: true });
    throw new Error(`the priming session on ${box} saved ${found.length} index files in ${control} (expected 1): ` +
      'warm rows would be cold ones');
  }
  const index = found[0] as string;
  const cache = `${index}.cache`;
  // What must not change across warm runs: the index (not saved again), the mailbox (still the file it describes),
  // and the field cache (everything the runs ask for was kept by the untimed runs).
  const stamp = (): string => [index, box, cache].map((f) => {
    if (!existsSync(f)) return 'none';
    const st = statSync(f, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  }).join(' ');
  return {
    path: box,
    async sessionRuns(input, runs) {
      // The same session untimed until it changes nothing more (at most three times): what it counts on first use
      // (the sizes of bodies too big for the scan's window, which FETCH RFC822.SIZE and BODYSTRUCTURE need) is saved
      // with the index, and what it works out (ENVELOPE, BODYSTRUCTURE, SORT's keys) is kept in the field cache, as
      // for a client's later sessions. (A SORT asks for its keys to be kept the first time, keeps them the second.)
      let before = stamp();
      for (let i = 0; i < 3; i++) {
        await measure([server], { ...env, MAIL: box }, input);
        const now = stamp();
        if (now === before) break;
        before = now;
      }
      const figures = await medianRuns(runs, () => measure([server], { ...env, MAIL: box }, input));
      if (stamp() !== before) {
        throw new Error(`a warm session changed ${box}, rewrote ${index} or added to its cache: the runs were not all warm`);
      }
      return figures;
    },
    indexShare(n, withCache = true) {
      const ix = statSync(index).size;
      const mbox = statSync(box).size;
      const kept = existsSync(cache) ? statSync(cache).size : 0;
      const share = `${n} msgs: index ${(ix / 1e6).toFixed(2)} MB = ${(100 * ix / mbox).toFixed(1)} % of the ` +
        `${(mbox / 1e6).toFixed(1)} MB mbox`;
      if (!withCache) return share;
      return `${share}; field cache ${(kept / 1e6).toFixed(2)} MB = ${(100 * kept / mbox).toFixed(1)} % ` +
        '(what the warm rows kept: ENVELOPE, BODYSTRUCTURE, SORT keys of every message)';
    },
    remove() {
      rmSync(box, { force: true });
      rmSync(index, { force: true });
      rmSync(cache, { force: true });
    },
  };
}

/** A clean work directory for `nobody` and the `node -e 0` baseline (median wall time and RSS). */
export async function benchBaseline(prefix: string, runs: number): Promise<{
  work: string; env: Record<string, string>; wall: number; rssKb: number;
}> {
  if (process.getuid?.() !== 0) throw new Error('run as root: sessions run as nobody (PREAUTH mode)');
  const work = mkdtempSync(join(tmpdir(), prefix));
  chownSync(work, NOBODY, NOBODY);
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: work };
  const node: Measured[] = [];
  for (let r = 0; r < runs; r++) node.push(await measure([process.execPath, '-e', '0'], env, ''));
  return { work, env, wall: median(node.map((m) => m.wall)), rssKb: median(node.map((m) => m.rssKb)) };
}
