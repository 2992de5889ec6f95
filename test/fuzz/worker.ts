/**
 * A fuzz worker process (forked by fuzz.ts): runs the sessions it is sent one at a time, saves failing ones, and
 * reports a verdict for each. It leaves (and is replaced) after many sessions, when its memory grows, or after an
 * in-process session that hung (whose promises would stay behind).
 */
import { Inetd } from './binary.js';
import { failureClass, primaryFailure, saveFailure } from './failures.js';
import { startInProcessDiagnosis } from './diagnose.js';
import { runSession, sessionForSeed, type Runner, type Via } from './run.js';
import type { Mode, Protocol } from './session.js';

export interface RunRequest {
  readonly type: 'run';
  readonly seed: number;
  readonly via: Via;
  readonly only?: { protocol?: Protocol; mode?: Mode; avoidKnown?: boolean };
}

export interface Verdict {
  readonly type: 'done';
  readonly seed: number;
  readonly via: Via;
  readonly protocol: Protocol;
  readonly mode: Mode;
  readonly ms: number;
  readonly failures: string[];
  readonly classes: string[];
  readonly file: string | null;
  /** The worker leaves after this verdict. */
  readonly retiring: boolean;
}

const [certDir, failDir, maxRssMb, replyMs] = [process.env.FUZZ_ASSETS ?? '', process.env.FUZZ_FAILURES ?? '',
  Number(process.env.FUZZ_MAX_RSS_MB ?? 256), Number(process.env.FUZZ_REPLY_MS ?? 10_000)];
const runner: Runner = {
  assets: { dir: certDir, cert: `${certDir}/cert.pem`, key: `${certDir}/key.pem` },
  inetd: new Inetd(), maxRssKb: maxRssMb * 1024, replyMs,
};
let count = 0;

process.on('message', (m: RunRequest) => {
  if (m.type !== 'run') return;
  const s = sessionForSeed(m.seed, m.only);
  runSession(s, m.via, runner).then(async (o) => {
    count++;
    if (m.via === 'binary' && o.exit.code !== 0 && o.exit.code !== null) {
      // A program says nothing of why it exited (its log goes to syslog): the same session in-process does.
      const why = await startInProcessDiagnosis(s, runner);
      const i = o.failures.findIndex((f) => f.startsWith('exit status'));
      if (why && i >= 0) o.failures[i] = `${o.failures[i]} [in-process: ${why}]`;
    }
    const primary = primaryFailure(o.failures);
    const file = o.failures.length ? saveFailure(failDir, s, m.via, o) : null;
    const hung = o.exit.signal?.startsWith('hung') ?? false;
    const retiring = hung || count >= 3000 || process.memoryUsage.rss() > 1.5e9;
    const v: Verdict = {
      type: 'done', seed: m.seed, via: m.via, protocol: s.protocol, mode: s.mode, ms: o.ms, failures: o.failures,
      classes: primary ? [failureClass(primary)] : [], file, retiring,
    };
    process.send?.(v, () => {
      if (retiring) {
        runner.inetd.close();
        process.disconnect();
        process.exit(0);
      }
    });
  }, (e: unknown) => {
    console.error(`fuzz worker: seed ${m.seed}:`, e);
    process.exit(70);
  });
});
process.send?.({ type: 'ready' });
