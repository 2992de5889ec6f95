/**
 * The fuzzer (issue 11): `make fuzz` runs it. Generates sessions from consecutive seeds (bit 0 of the seed: IMAP
 * or POP3; bit 1: root or preauth mode), runs each on a fresh mailbox in-process or through the real programs (a
 * share chosen by a hash of the seed), checks the invariants, saves each failing session as JSON under the
 * failures directory and prints the counts and the failure classes.
 *
 *   node dist/test/fuzz/fuzz.js [--sessions N] [--seconds S] [--start SEED] [--jobs 1|2] [--binary-share F]
 *                               [--failures DIR] [--protocol imap|pop3] [--mode root|preauth] [--via inproc|binary]
 *                               [--avoid-known]  (drop commands that trigger known failures: see known.ts)
 *   node dist/test/fuzz/fuzz.js --replay FILE... [--via inproc|binary]    runs saved sessions, prints what happened
 *   node dist/test/fuzz/fuzz.js --show SEED [--protocol P --mode M]        prints a seed's session as JSON
 *
 * Run as root (the root mode starts the programs as inetd does, and sandboxes belong to uid 65534).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Inetd } from './binary.js';

import { runSession, sessionForSeed, viaForSeed, type Via } from './run.js';
import { makeAssets, removeAssets, ROOT } from './sandbox.js';
import { decodeSession, encodeSession, type Mode, type Protocol } from './session.js';
import { show } from './wire.js';
import type { RunRequest, Verdict } from './worker.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sessions: { type: 'string' }, seconds: { type: 'string' }, start: { type: 'string', default: '0' },
    jobs: { type: 'string', default: '2' }, 'binary-share': { type: 'string', default: '0.1' },
    failures: { type: 'string', default: join(ROOT, 'test', 'fuzz', 'failures') },
    protocol: { type: 'string' }, mode: { type: 'string' }, via: { type: 'string' },
    replay: { type: 'boolean', default: false }, show: { type: 'string' }, 'avoid-known': { type: 'boolean', default: false },
    'max-rss-mb': { type: 'string', default: '256' }, 'reply-ms': { type: 'string', default: '10000' },
  },
});

const only = {
  ...(values.protocol === 'imap' || values.protocol === 'pop3' ? { protocol: values.protocol as Protocol } : {}),
  ...(values.mode === 'root' || values.mode === 'preauth' ? { mode: values.mode as Mode } : {}),
  ...(values['avoid-known'] ? { avoidKnown: true } : {}),
};

async function replay(files: string[]): Promise<number> {
  const assets = await makeAssets();
  const inetd = new Inetd();
  let failed = 0;
  try {
    for (const f of files) {
      const saved = decodeSession(readFileSync(f, 'utf8'));
      const via = (values.via as Via | undefined) ?? saved.via ?? 'binary';
      const o = await runSession(saved.session, via, { assets, inetd, maxRssKb: Number(values['max-rss-mb']) * 1024, replyMs: Number(values['reply-ms']) });
      console.log(`== ${f} (${saved.session.protocol} ${saved.session.mode} ${via}, ${o.ms} ms, exit ${o.exit.code ?? o.exit.signal}, peak RSS ${o.exit.peakRssKb ?? '?'} KB)`);
      console.log(`-- sent: ${show(o.sent, 2000)}`);
      console.log(`-- received: ${show(o.output, 4000)}`);
      console.log(o.failures.length ? o.failures.map((x) => `FAIL ${x}`).join('\n') : 'ok');
      if (o.failures.length) failed++;
    }
  } finally {
    inetd.close();
    removeAssets(assets);
  }
  return failed ? 1 : 0;
}

interface Tally {
  n: number;
  failed: number;
  ms: number;
}

async function fuzz(): Promise<number> {
  const total = values.sessions ? Number(values.sessions) : Infinity;
  const deadline = values.seconds ? Date.now() + Number(values.seconds) * 1000 : Infinity;
  if (total === Infinity && deadline === Infinity) throw new Error('give --sessions N or --seconds S');
  const jobs = Math.max(1, Math.min(2, Number(values.jobs)));
  const share = Number(values['binary-share']);
  const start = Number(values.start);
  const failDir = values.failures as string;
  const assets = await makeAssets();
  const tallies = new Map<string, Tally>();
  const classes = new Map<string, { count: number; first: string }>();
  let next = start;
  let done = 0;
  let failedSessions = 0;
  let stopping = false;
  const t0 = Date.now();
  process.on('SIGINT', () => {
    stopping = true;
  });

  const workerFile = join(import.meta.dirname, 'worker.js');
  const env = { ...process.env, FUZZ_ASSETS: assets.dir, FUZZ_FAILURES: failDir, FUZZ_MAX_RSS_MB: values['max-rss-mb'], FUZZ_REPLY_MS: values['reply-ms'] };

  const record = (v: Verdict): void => {
    done++;
    const key = `${v.protocol}/${v.mode}/${v.via}`;
    const t = tallies.get(key) ?? { n: 0, failed: 0, ms: 0 };
    t.n++;
    t.ms += v.ms;
    if (v.failures.length) {
      t.failed++;
      failedSessions++;
    }
    tallies.set(key, t);
    for (const c of v.classes) {
      const e = classes.get(c) ?? { count: 0, first: v.file ?? `seed ${v.seed}` };
      e.count++;
      classes.set(c, e);
    }
  };

  const progress = (): void => {
    const s = (Date.now() - t0) / 1000;
    console.log(`[${s.toFixed(0)} s] ${done} sessions (${(done / s).toFixed(1)}/s), ${failedSessions} failed, ${classes.size} classes`);
  };
  const timer = setInterval(progress, 30_000);

  const more = (): boolean => !stopping && next < start + total && Date.now() < deadline;

  const runWorker = (): Promise<void> => new Promise((resolve) => {
    const spawnOne = (): void => {
      if (!more()) return resolve();
      const w: ChildProcess = fork(workerFile, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let inflight: RunRequest | null = null;
      let watchdog: NodeJS.Timeout | null = null;
      let retiring = false;
      const dispatch = (): void => {
        if (!more()) {
          inflight = null;
          w.kill();
          return;
        }
        const seed = next++;
        const via = (values.via as Via | undefined) ?? viaForSeed(seed, share);
        inflight = { type: 'run', seed, via, only };
        watchdog = setTimeout(() => {
          const req = inflight;
          if (!req) return;
          const s = sessionForSeed(req.seed, only);
          console.log(`seed ${req.seed}: no verdict within 180 s; worker killed`);
          record({ type: 'done', seed: req.seed, via: req.via, protocol: s.protocol, mode: s.mode, ms: 180_000,
            failures: ['harness: no verdict within 180 s'], classes: ['harness: no verdict within N s'], file: null, retiring: true });
          inflight = null;
          w.kill('SIGKILL');
        }, 180_000);
        w.send(inflight);
      };
      w.on('message', (m: Verdict | { type: 'ready' }) => {
        if (m.type === 'ready') return dispatch();
        if (watchdog) clearTimeout(watchdog);
        inflight = null;
        record(m);
        if (m.retiring) retiring = true;
        else dispatch();
      });
      w.on('exit', (code) => {
        if (watchdog) clearTimeout(watchdog);
        if (inflight) {
          console.log(`worker exited (${code}) while running seed ${inflight.seed}`);
          const s = sessionForSeed(inflight.seed, only);
          record({ type: 'done', seed: inflight.seed, via: inflight.via, protocol: s.protocol, mode: s.mode, ms: 0,
            failures: [`harness: worker exited ${code}`], classes: ['harness: worker exited'], file: null, retiring: true });
        }
        void retiring;
        spawnOne();
      });
    };
    spawnOne();
  });

  await Promise.all(Array.from({ length: jobs }, runWorker));
  clearInterval(timer);
  removeAssets(assets);
  const secs = (Date.now() - t0) / 1000;
  console.log(`\n${done} sessions in ${secs.toFixed(0)} s (${(done / secs).toFixed(1)}/s with ${jobs} worker(s)), seeds ${start}..${next - 1}`);
  console.log(`${'protocol/mode/via'.padEnd(22)} ${'sessions'.padStart(9)} ${'failed'.padStart(7)} ${'ms/session'.padStart(11)} ${'sessions/s/worker'.padStart(18)}`);
  for (const [k, t] of [...tallies].sort()) {
    console.log(`${k.padEnd(22)} ${String(t.n).padStart(9)} ${String(t.failed).padStart(7)} ${(t.ms / t.n).toFixed(1).padStart(11)} ${(1000 * t.n / t.ms).toFixed(1).padStart(18)}`);
  }
  console.log(`\n${failedSessions} failing sessions${failedSessions ? `, saved under ${failDir}` : ''}`);
  for (const [c, e] of [...classes].sort((a, b) => b[1].count - a[1].count)) console.log(`${String(e.count).padStart(7)}  ${c}\n         first: ${e.first}`);
  return failedSessions ? 1 : 0;
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  if (values.show !== undefined) {
    process.stdout.write(encodeSession({ session: sessionForSeed(Number(values.show), only) }));
    return 0;
  }
  if (values.replay) return replay(positionals);
  return fuzz();
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(2);
});

