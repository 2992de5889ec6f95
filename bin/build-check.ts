/**
 * What a server checks at start-up when it runs without its start-up snapshot. The start-up scripts (bin/imapd,
 * bin/ipop3d, the installed ones) load the snapshot only into the node binary that made it, and otherwise run the
 * bundle: what a Node.js upgrade looks like until `make install` (or `make rebuild`) is run again. node.id beside
 * the bundle (tools/node-id.mjs, written by tools/bundle.mjs) names the node the snapshot and the ABI-specific
 * native module (fs-ext) were built for:
 * - another Node version: a warning to syslog, since every connection starts slower until the rebuild;
 * - another ABI (a new major): fs-ext cannot be loaded, so no mailbox could be locked. The reason is logged and
 *   the client is told at once (`* BYE`, `-ERR`), not at its first SELECT.
 * Nothing is read when the process comes from a snapshot: node itself refuses a snapshot of another version, and
 * make builds the snapshot and fs-ext for the same node. Without one, it costs a read of a small file. The tsc
 * output (dist/bin/) has no node.id beside it: nothing to check there.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../lib/env/logger.js';
import { fsExtLoadProblem } from '../lib/lock/fs-ext.js';

const REBUILD = 'run `make install` again in the source tree (or `make rebuild`)';

/**
 * Logs a warning when this node is not the version the program was built for; returns why the program cannot
 * serve (fs-ext does not load in this node), or null.
 */
export function checkBuild(logger: Logger): string | null {
  if (process.execArgv.some((a) => a === '--snapshot-blob' || a.startsWith('--snapshot-blob='))) return null;
  let text: string;
  try {
    text = readFileSync(new URL('node.id', import.meta.url), 'utf8');
  } catch {
    return null;
  }
  const built = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) built.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const version = built.get('version') ?? '?';
  const modules = built.get('modules') ?? '?';
  if (version === process.version && modules === process.versions.modules) return null;
  const which = `built by node ${version} (ABI ${modules}, ${built.get('path') ?? '?'}); this is node ` +
    `${process.version} (ABI ${process.versions.modules}, ${process.execPath})`;
  if (modules !== process.versions.modules) {
    const problem = fsExtLoadProblem();
    if (problem !== null) return `cannot serve: ${which}: ${problem}`;
  }
  logger.log('warning', `started without the start-up snapshot: ${which}: ${REBUILD}`);
  return null;
}
