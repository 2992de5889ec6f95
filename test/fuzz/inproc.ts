/**
 * Running a session in this process: bin/imapd-serve.ts's serveImap and bin/ipop3d-serve.ts's servePop3 (the very
 * construction the programs run: configuration, authentication, mail store, session) over in-memory streams, on
 * the sandbox's real files. Differences from the programs, all outside the session code:
 * - privileges are dropped reversibly: the effective uid and gid (and the groups) become 65534 where the program
 *   would become the user for good (at once in PREAUTH mode, at the login in root mode), and are root's again
 *   after the session, so that the next one can be set up;
 * - the connection is a pair of streams, not a socket: STARTTLS/STLS are not offered, as over pipes;
 * - what would end the program (a rejection of the serve function, an uncaught exception or unhandled rejection
 *   while it runs) is reported as exit status 1, and the dotlocks it held are released as the program's exit
 *   handler does. Sessions run one at a time per process, so such an event belongs to the running session.
 */
import { PassThrough } from 'node:stream';
import { serveImap } from '../../bin/imapd-serve.js';
import { servePop3 } from '../../bin/ipop3d-serve.js';
import type { Connection } from '../../bin/connection.js';
import { startServer } from '../../bin/server.js';
import type { SessionIdentity } from '../../bin/session-identity.js';
import type { ExitInfo, Transport } from './drive.js';
import { GID, UID, type Sandbox } from './sandbox.js';
import type { FuzzSession } from './session.js';

const PROCESS_EVENTS = ['exit', 'SIGTERM', 'SIGHUP', 'SIGINT', 'SIGPIPE', 'uncaughtException'] as const;

/** Where uncaught errors go while an in-process session runs (set by {@link installCatchers}). */
let current: ((e: unknown) => void) | null = null;
let installed = false;

/** Routes uncaught exceptions and unhandled rejections to the running session (once per process). */
function installCatchers(): void {
  if (installed) return;
  installed = true;
  const route = (e: unknown): void => {
    if (current) current(e);
    else {
      console.error('fuzz: uncaught outside a session:', e);
      process.exit(70);
    }
  };
  process.on('uncaughtException', route);
  process.on('unhandledRejection', route);
  // Removing the last listener of a signal restores its default action: for SIGPIPE (which Node ignores) that is
  // death at the next write to a program that has gone. startServer's listener is removed after each session, so
  // one of ours stays.
  process.on('SIGPIPE', () => undefined);
}

/** Becomes uid/gid 65534 for file access, reversibly (seteuid, not setuid). */
function becomeNobody(): void {
  if (process.geteuid?.() !== 0) return;
  process.setgroups?.([GID]);
  process.setegid?.(GID);
  process.seteuid?.(UID);
}

function becomeRoot(): void {
  if (process.geteuid?.() === 0) return;
  process.seteuid?.(0);
  process.setegid?.(0);
  process.setgroups?.([0]);
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 300);

export function startInProcess(s: FuzzSession, box: Sandbox): Transport {
  installCatchers();
  const service = s.protocol === 'imap' ? 'imapd' : 'ipop3d';
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(PROCESS_EVENTS.map((ev) => [ev, new Set(emitter.listeners(ev))]));
  const { server, error } = startServer(service, { configFile: box.config, implicitTls: false });
  // startServer's process handlers would end this process: the fuzzer judges the session instead.
  for (const ev of PROCESS_EVENTS) {
    const had = before.get(ev) as Set<unknown>;
    for (const l of emitter.listeners(ev)) if (!had.has(l)) emitter.off(ev, l as (...a: unknown[]) => void);
  }
  const input = new PassThrough();
  const output = new PassThrough();
  const conn: Connection = {
    input, output, socket: null, remoteAddress: null, clientHost: 'localhost', loopback: true, localPort: null,
  };
  const identity: SessionIdentity = {
    preauth: async () => (s.mode === 'root' ? null : {
      account: { name: 'nobody', uid: UID, gid: GID, gecos: '', home: box.home, shell: '' }, inbox: box.inbox,
    }),
    becomeUser: becomeNobody,
  };
  const serve = s.protocol === 'imap' ? serveImap : servePop3;
  let finish: (e: ExitInfo) => void = () => undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    finish = (e) => {
      if (current === onUncaught) current = null;
      becomeRoot();
      server.registry.releaseAllSync();
      if (!output.writableEnded) output.end();
      resolve(e);
    };
  });
  let done = false;
  const end = (e: ExitInfo): void => {
    if (done) return;
    done = true;
    finish(e);
  };
  const onUncaught = (e: unknown): void => end({ code: 1, signal: null, peakRssKb: null, error: `uncaught ${describe(e)}` });
  current = onUncaught;
  if (s.mode === 'preauth') becomeNobody();
  serve(server, conn, { input, output, tls: false }, error, identity).then(
    () => end({ code: 0, signal: null, peakRssKb: null }),
    (e: unknown) => end({ code: 1, signal: null, peakRssKb: null, error: describe(e) }),
  );
  return {
    write: (d) => {
      if (!input.writableEnded) input.write(d);
    },
    end: () => input.end(),
    onData: (cb) => output.on('data', cb),
    onClose: (cb) => output.on('end', cb),
    exited,
    kill: () => {
      input.destroy();
      end({ code: null, signal: 'hung (abandoned)', peakRssKb: null });
    },
  };
}
