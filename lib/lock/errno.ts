/** Reading the errno name off the errors that Node's fs, child_process and native modules throw. */

/** The symbolic errno name of a failure ('ENOENT', 'EAGAIN', ...), or undefined when it carries none. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
