/**
 * The logging port. Under inetd fds 0, 1 and 2 are the client's socket, so nothing here may ever write to them:
 * the daemons log to syslog (lib/env/syslog.ts, facility mail); tests collect lines in memory.
 */
export type LogLevel = 'err' | 'warning' | 'notice' | 'info' | 'debug';

export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** Drops everything. The default where no logger is given. */
export const nullLogger: Logger = { log() {} };

/** Keeps lines in memory, for tests and for tools that print them after the fact. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  log(level: LogLevel, message: string): void {
    this.lines.push({ level, message });
  }
}

/**
 * One line for the log about an unexpected error: its name, message and where it was thrown (file names without
 * their directories, three frames), never a multi-line stack.
 */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `thrown ${typeof e}: ${String(e).slice(0, 200)}`;
  const frames = (e.stack ?? '').split('\n').map((f) => f.trim()).filter((f) => f.startsWith('at ')).slice(0, 3)
    .map((f) => f.slice(3).replace(/\(?(?:file:\/\/)?\/[^():]*\/([^/():]+:\d+):\d+\)?/g, '$1'));
  const code = (e as NodeJS.ErrnoException).code;
  return `${e.name}${code ? ` ${code}` : ''}: ${e.message.replace(/\s+/g, ' ').slice(0, 300)}${frames.length ? ` at ${frames.join(' < ')}` : ''}`;
}
