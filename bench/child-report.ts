/**
 * The one-line JSON report a benchmark child process prints on stdout, shared by the children (open-child.ts,
 * scan-child.ts) and the harness (mbox-open.ts) so both sides agree on its shape. Imports nothing from lib/, so the
 * harness compiles and runs even while the driver under test does not.
 */

/** What a child measured. Times are in milliseconds, measured inside the child (Node start-up excluded). */
export interface ChildReport {
  /** Time of the measured operation: from just before it started to just after it returned. */
  readonly ms: number;
  /** Messages the child found in the mailbox; the harness checks it against the generated count. */
  readonly messages: number;
  /** Peak resident set size of the child in KiB (getrusage ru_maxrss, via process.resourceUsage().maxRSS). */
  readonly maxRssKB: number;
}

/** Prints `r` as the child's single stdout line. Call once, at the end of the child. */
export function writeReport(r: ChildReport): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/**
 * Parses the last non-empty line of a child's stdout as a {@link ChildReport}.
 * Throws an Error naming the offending text when the line is missing or not of that shape.
 */
export function parseReport(stdout: string): ChildReport {
  const line = stdout.trimEnd().split('\n').pop() ?? '';
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error(`child printed no JSON report: ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (
    typeof v === 'object' &&
    v !== null &&
    'ms' in v &&
    typeof v.ms === 'number' &&
    'messages' in v &&
    typeof v.messages === 'number' &&
    'maxRssKB' in v &&
    typeof v.maxRssKB === 'number'
  ) {
    return { ms: v.ms, messages: v.messages, maxRssKB: v.maxRssKB };
  }
  throw new Error(`malformed child report: ${line.slice(0, 200)}`);
}
