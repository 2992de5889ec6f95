/**
 * One fuzz session from start to verdict: a fresh sandbox, the session through the real program or in-process,
 * the protocol checks (check.ts), the mailbox checks (sandbox.ts), the sandbox removed.
 */
import { Inetd, spawnPreauth } from './binary.js';
import { check } from './check.js';
import { drive, type ExitInfo } from './drive.js';
import { imapSession } from './imap-gen.js';
import { avoidKnown } from './known.js';
import { startInProcess } from './inproc.js';
import { pop3Session } from './pop3-gen.js';
import {
  chownMail, checkMailboxes, makeAssets, makeSandbox, removeAssets, removeSandbox, type Assets,
} from './sandbox.js';
import type { FuzzSession, Mode, Protocol } from './session.js';

export type Via = 'binary' | 'inproc';

export interface Outcome {
  readonly failures: string[];
  /** The server's bytes and the client's, latin1. */
  readonly output: string;
  readonly sent: string;
  readonly exit: ExitInfo;
  readonly ms: number;
}

/** What sessions of one process share: the certificate, and the inetd for root-mode binaries. */
export interface Runner {
  readonly assets: Assets;
  readonly inetd: Inetd;
  /** Peak RSS limit for the programs (KB). */
  readonly maxRssKb: number;
  readonly replyMs: number;
  /** How long a program may take to exit after the client's EOF (default: max(replyMs, 10 s)). */
  readonly exitMs?: number;
}

/** A runner for the suite's tests: fresh assets, our inetd, 256 MB and 10 s per reply. Close it with {@link closeRunner}. */
export async function openRunner(): Promise<Runner> {
  return { assets: await makeAssets(), inetd: new Inetd(), maxRssKb: 256 * 1024, replyMs: 10_000 };
}

/** Stops the runner's inetd and removes its assets. */
export function closeRunner(runner: Runner): void {
  runner.inetd.close();
  removeAssets(runner.assets);
}

/** The session a seed stands for: bit 0 the protocol, bit 1 the mode (so any range mixes all four). */
export function sessionForSeed(seed: number, only?: { protocol?: Protocol; mode?: Mode; avoidKnown?: boolean }): FuzzSession {
  const protocol = only?.protocol ?? (seed & 1 ? 'pop3' : 'imap');
  const mode = only?.mode ?? (seed & 2 ? 'preauth' : 'root');
  const s = protocol === 'imap' ? imapSession(seed, mode) : pop3Session(seed, mode);
  return only?.avoidKnown ? avoidKnown(s) : s;
}

/** Whether a seed's session runs through the real program, for a share in [0, 1] (a hash of the seed, not random). */
export function viaForSeed(seed: number, binaryShare: number): Via {
  const h = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) % 10_000;
  return h < binaryShare * 10_000 ? 'binary' : 'inproc';
}

export async function runSession(s: FuzzSession, via: Via, runner: Runner): Promise<Outcome> {
  const t0 = Date.now();
  const box = makeSandbox(s, via === 'binary' && s.mode === 'root' ? runner.assets : null);
  try {
    const transport = via === 'inproc' ? startInProcess(s, box)
      : s.mode === 'root' ? await runner.inetd.connect(s, box) : spawnPreauth(s, box);
    const t1 = Date.now();
    const r = await drive(s, transport, { replyMs: runner.replyMs, exitMs: runner.exitMs ?? Math.max(runner.replyMs, 10_000) });
    const t2 = Date.now();
    const failures = check(s, r, { sandbox: box.dir, maxRssKb: runner.maxRssKb });
    if (via === 'inproc') chownMail(box);
    failures.push(...await checkMailboxes(s, box));
    if (process.env.FUZZ_TIMING === '1') console.log(`seed ${s.seed}: setup ${t1 - t0} ms, session ${t2 - t1} ms, checks ${Date.now() - t2} ms`);
    return { failures, output: r.reader.all, sent: r.sent, exit: r.exit, ms: Date.now() - t0 };
  } finally {
    // FUZZ_KEEP=1 (debugging): the sandbox stays, and its path is printed.
    if (process.env.FUZZ_KEEP === '1') console.log(`sandbox kept: ${box.dir}`);
    else removeSandbox(box);
  }
}
