/**
 * The server process around one session: fds 1 and 2 silenced, `main` run (or registered as a start-up snapshot's
 * main), and the exits: dotlocks released on exit and on SIGTERM/SIGHUP/SIGINT/SIGPIPE, and a fault nothing else
 * caught logged to syslog and answered with the session's last words before exit 1.
 *
 * House rule 2 starts here: fds 0, 1 and 2 are the client's socket under inetd, so warnings are silenced and stderr
 * is muted before anything else runs ({@link silenceStdio}); every failure goes to syslog.
 */
import { startupSnapshot } from 'node:v8';
import { Writable } from 'node:stream';
import { describeError, type Logger } from '../lib/env/logger.js';
import { ResponseSink } from '../lib/io/sink.js';
import type { DotlockRegistry } from '../lib/lock/dotlock-registry.js';

/**
 * Mutes fds 1 and 2 for everything but protocol output, before anything else can print: warnings are dropped, and
 * process.stderr becomes a stream that discards what it is given. It is replaced, not reached: Node creates the
 * real stream on first access, which costs 2 ms of start-up (it loads its file-writing stream code) on every
 * connection, for a stream that must never be written.
 */
function silenceStdio(): void {
  process.removeAllListeners('warning');
  process.on('warning', () => undefined);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => discard });
}

/**
 * Runs a server's `main` with fds 1 and 2 silenced; exits 0 when it resolves, and hands a rejection to the
 * uncaughtException handler (logged to syslog, dotlocks released, exit 1), never to fd 2.
 *
 * When the process is `node --build-snapshot` making the start-up snapshot of a bundle (tools/bundle.mjs), `main`
 * is not run now but registered as the snapshot's main function: the snapshot then holds every module already
 * loaded and initialised, and each connection only runs `main`. Everything that depends on the process (argv,
 * environment, identity, fds, time) is read inside `main`, never while modules load, so nothing of the build
 * machine's state is frozen into the snapshot. The check reads execArgv because loading node:v8 to ask it costs
 * about 4 ms on every start; node:v8 is only loaded when a snapshot is being built.
 */
export function runMain(main: () => Promise<void>): void {
  const run = (): void => {
    silenceStdio();
    main().then(
      () => process.exit(0),
      (e: unknown) => {
        process.emit('uncaughtException', e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  if (process.execArgv.includes('--build-snapshot')) startupSnapshot.setDeserializeMainFunction(run);
  else run();
}

/** Releases the dotlocks at every way out of the process, and makes an uncaught fault one log line and exit 1. */
export function installExitHandlers(registry: DotlockRegistry, logger: Logger, service: string): void {
  process.on('exit', () => registry.releaseAllSync());
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.on(sig, () => {
      registry.releaseAllSync();
      process.exit(1);
    });
  }
  // A client that goes away while we write: end quietly, nothing on fd 2.
  process.on('SIGPIPE', () => {
    registry.releaseAllSync();
    process.exit(0);
  });
  // The last resort, for a fault outside every session's own error handling (which answers and goes on): one log
  // line (no multi-line stack), the locks released, the client told (onFatal, through sessionSink), then exit.
  process.on('uncaughtException', (e) => {
    logger.log('err', `${service}: fatal: ${describeError(e)}`);
    registry.releaseAllSync();
    const words = lastWords;
    lastWords = null;
    if (words === null) process.exit(1);
    setTimeout(() => process.exit(1), 1000).unref();
    words().then(() => process.exit(1), () => process.exit(1));
  });
}

let lastWords: (() => Promise<void>) | null = null;

/**
 * What to tell the client if the process must end on an error nothing else caught (`* BYE`, `-ERR`): given by the
 * server once its response sink exists. Called at most once, and given a second to be written.
 */
function onFatal(words: () => Promise<void>): void {
  lastWords = words;
}

/**
 * The session's response sink on `output`, with the last-resort goodbye (`fatal`, a whole line) registered; null
 * when the configuration is broken, after telling the client `config` and ending the output.
 */
export async function sessionSink(output: Writable, texts: { fatal: string; config: string },
  configError: string | null): Promise<ResponseSink | null> {
  const sink = new ResponseSink(output);
  onFatal(async () => {
    sink.write(`${texts.fatal}\r\n`);
    await sink.end();
  });
  if (configError === null) return sink;
  sink.write(`${texts.config}\r\n`);
  await sink.end();
  return null;
}
