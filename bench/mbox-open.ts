/**
 * `make bench`: how long opening (scanning and indexing) a large mbox takes with our driver, and how much memory,
 * set side by side with baselines measured in the same run on the same machine: `cat FILE >/dev/null` (the cost of
 * just reading the bytes), Node's bare start-up, and a minimal JS separator scan (bench/scan-child.ts). Ratios
 * against `cat` are what to compare across machines; absolute times are not.
 *
 * Method, and why:
 * - The mailbox (default 100,000 messages, ~550 MB, bench/gen-mbox.ts) is generated once and cached in bench/data/
 *   (git-ignored) under a name keyed by its parameters, with a sidecar .json recording them and the generator
 *   version; it is rebuilt when missing or when anything differs.
 * - One warm-up round first reads the file (and starts each child once), so every timed run reads from the page
 *   cache: the figures measure CPU and memory work, not the disk.
 * - Every measurement is a fresh child process, so the driver starts with a cold heap and its peak RSS is that of
 *   one open. Children get a minimal fixed environment (like `env -i`): inherited variables such as
 *   NODE_EXTRA_CA_CERTS or NODE_OPTIONS would slow or change Node's start-up.
 * - Runs are interleaved (cat, node, scan, driver; repeat) so drift in machine load hits every row alike; the table
 *   shows the median of --runs and the range.
 * - Benchmarks report; they never fail the build. Goals are printed as met or not, and the exit status is 0 unless
 *   the harness itself is misused.
 *
 * Usage: node dist/bench/mbox-open.js [--messages N] [--runs K] [--seed S] [--no-metadata] [--child FILE.js]
 *   --child measures another child script in place of dist/bench/open-child.js (same argv and JSON report, see
 *   child-report.ts), for trying a stand-in or a candidate driver.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChildReport, parseReport } from './child-report.js';
import { GENERATOR_VERSION, generateMbox } from './gen-mbox.js';

/** Goals the table reports against (from the project's performance brief). */
const GOAL_RATIO_TO_CAT = 3;
const GOAL_PEAK_RSS_MB = 150;

/** The whole environment children get: enough to run, nothing inherited. */
const CHILD_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin' };

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '..', '..');
const DATA = join(ROOT, 'bench', 'data');

interface Options {
  readonly messages: number;
  readonly runs: number;
  readonly seed: number;
  readonly metadata: boolean;
  readonly child: string;
  /** How the table names the driver row. */
  readonly childLabel: string;
}

const USAGE =
  'usage: node dist/bench/mbox-open.js [--messages N] [--runs K] [--seed S] [--no-metadata] [--child FILE.js]';

/** Parses argv; throws an Error carrying the usage text on anything malformed. */
function parseCli(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      'no-metadata': { type: 'boolean' },
      child: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new Error(USAGE);
  const int = (s: string | undefined, name: string, dflt: number, min: number): number => {
    if (s === undefined) return dflt;
    if (!/^\d+$/.test(s) || Number(s) < min) throw new Error(`--${name} wants an integer >= ${min}\n${USAGE}`);
    return Number(s);
  };
  return {
    messages: int(values.messages, 'messages', 100_000, 1),
    runs: int(values.runs, 'runs', 3, 1),
    seed: int(values.seed, 'seed', 1, 0),
    metadata: !values['no-metadata'],
    child: values.child !== undefined ? resolve(values.child) : join(HERE, 'open-child.js'),
    childLabel: values.child !== undefined ? `open+index (${values.child})` : 'open+index (MboxDriver)',
  };
}

/** What the sidecar file records about a cached mailbox; any difference means regenerate. */
interface CacheKey {
  readonly generator: number;
  readonly messages: number;
  readonly seed: number;
  readonly metadata: boolean;
  readonly bytes: number;
}

/**
 * Returns the path and size of the benchmark mailbox for `o`, generating it first unless an identical one (same
 * parameters, generator version and size, per its sidecar) is already cached.
 */
async function ensureMailbox(o: Options): Promise<{ path: string; bytes: number }> {
  await mkdir(DATA, { recursive: true });
  const path = join(DATA, `mbox-${o.messages}-s${o.seed}${o.metadata ? '' : '-nometa'}.mbox`);
  const sidecar = `${path}.json`;
  const want = { generator: GENERATOR_VERSION, messages: o.messages, seed: o.seed, metadata: o.metadata };
  try {
    const key = JSON.parse(await readFile(sidecar, 'utf8')) as Partial<CacheKey>;
    const size = (await stat(path)).size;
    if (
      key.generator === want.generator &&
      key.messages === want.messages &&
      key.seed === want.seed &&
      key.metadata === want.metadata &&
      key.bytes === size
    ) {
      return { path, bytes: size };
    }
  } catch {
    // No sidecar or no mailbox: generate below.
  }
  process.stdout.write(`generating ${relative(process.cwd(), path)} (${o.messages} messages, once; cached) ... `);
  const t0 = performance.now();
  const r = await generateMbox(path, { messages: o.messages, seed: o.seed, metadata: o.metadata });
  await writeFile(sidecar, `${JSON.stringify({ ...want, bytes: r.bytes } satisfies CacheKey)}\n`);
  console.log(`${fmtMB(r.bytes)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { path, bytes: r.bytes };
}

/** One finished child: its wall time as seen from here, and what it printed. */
interface Run {
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ok: boolean;
  readonly status: string;
}

/**
 * Runs `cmd args` with the clean environment and waits for it. The wall time runs from just before spawn() to the
 * 'exit' event, so it includes process creation, as `time cmd` would. `stdoutFd` is a file descriptor for the
 * child's stdout (e.g. /dev/null), or undefined to capture it. Never rejects for a failing child: `ok` says.
 */
function runChild(cmd: string, args: readonly string[], stdoutFd?: number): Promise<Run> {
  return new Promise((resolveRun) => {
    let out = '';
    let err = '';
    let wallMs = 0;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: CHILD_ENV, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('exit', () => {
      wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    });
    child.on('error', (e) => resolveRun({ wallMs: 0, stdout: out, stderr: e.message, ok: false, status: 'spawn failed' }));
    child.on('close', (code, signal) =>
      resolveRun({
        wallMs,
        stdout: out,
        stderr: err,
        ok: code === 0,
        status: signal !== null ? `killed by ${signal}` : `exit ${code}`,
      }),
    );
  });
}

/** One row of the table: its label and, per run, the figures it produced (or why it failed). */
interface Row {
  readonly label: string;
  /** Measured time per run, in ms. */
  readonly times: number[];
  /** Wall time of the whole child per run (start-up included), when different from `times`. */
  readonly walls: number[];
  readonly rssKB: number[];
  readonly counts: number[];
  failure?: string;
}

function newRow(label: string): Row {
  return { label, times: [], walls: [], rssKB: [], counts: [] };
}

/**
 * Records a Node child's run into `row`: its RSS and count, and as its time either the child's self-reported time
 * or, with `useWall`, the wall time of the whole process (for the start-up row, where start-up is the figure).
 * A failed run leaves only the first failure's note.
 */
function record(row: Row, r: Run, useWall = false): void {
  if (!r.ok) {
    row.failure ??= `${r.status}: ${firstLines(r.stderr)}`;
    return;
  }
  try {
    const rep: ChildReport = parseReport(r.stdout);
    row.times.push(useWall ? r.wallMs : rep.ms);
    row.walls.push(r.wallMs);
    row.rssKB.push(rep.maxRssKB);
    if (!useWall) row.counts.push(rep.messages); // the start-up child counts nothing
  } catch (e) {
    row.failure ??= e instanceof Error ? e.message : String(e);
  }
}

/**
 * A one-line failure note from a child's stderr: the error line itself ("Error [CODE]: message", "TypeError: ...")
 * when there is one, rather than Node's source excerpt above it; otherwise the first lines.
 */
function firstLines(s: string): string {
  const lines = s.split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^Node\.js v/.test(l));
  const error = lines.find((l) => /^\w*(Error|Exception)\b/.test(l));
  return (error ?? (lines.slice(0, 3).join(' | ') || '(no output)')).slice(0, 300);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** Bytes as decimal megabytes (10^6), the unit of the file size and the RSS goal. */
function fmtMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
    return;
  }
  const box = await ensureMailbox(o);
  const node = process.execPath;
  const devNull = openSync('/dev/null', 'w');
  const nodeStartup = 'process.stdout.write(JSON.stringify({ms:0,messages:0,maxRssKB:process.resourceUsage().maxRSS}))';
  const cat = newRow('cat FILE >/dev/null');
  const bare = newRow('node start-up (node -e)');
  const scan = newRow('JS read+indexOf scan');
  const open = newRow(o.childLabel);
  /** One run of every row; `measure` false is the warm-up. The driver is skipped once it has failed. */
  const round = async (measure: boolean): Promise<void> => {
    const c = await runChild('/bin/cat', [box.path], devNull);
    if (!c.ok) cat.failure ??= `${c.status}: ${firstLines(c.stderr)}`;
    else if (measure) cat.times.push(c.wallMs);
    const b = await runChild(node, ['-e', nodeStartup]);
    if (measure || !b.ok) record(bare, b, true);
    const s = await runChild(node, [join(HERE, 'scan-child.js'), box.path]);
    if (measure || !s.ok) record(scan, s);
    if (open.failure === undefined) {
      const d = await runChild(node, [o.child, box.path]);
      if (measure || !d.ok) record(open, d);
    }
  };
  try {
    await round(false); // warm-up: page cache, and the node binary and scripts
    for (let i = 0; i < o.runs; i++) await round(true);
  } finally {
    closeSync(devNull);
  }
  printTable(o, box, [cat, bare, scan, open]);
}

/** Prints the side-by-side table and the goal verdicts. */
function printTable(o: Options, box: { path: string; bytes: number }, rows: readonly Row[]): void {
  const [cat, bare, scan, open] = rows;
  if (cat === undefined || bare === undefined || scan === undefined || open === undefined) return;
  const catMs = median(cat.times);
  const meta = o.metadata ? 'UW metadata on the first 30%' : 'no metadata: a fresh spool';
  console.log('');
  console.log(`mailbox: ${relative(process.cwd(), box.path)}  ${o.messages} messages  ${fmtMB(box.bytes)}  (${meta})`);
  console.log(`${o.runs} interleaved run(s) after a warm-up (page cache hot); each a fresh process with a clean environment`);
  console.log('');
  const head = ['what', `time (median of ${o.runs})`, 'range', 'child wall', 'peak RSS', 'ratio'];
  const table: string[][] = [head];
  for (const r of rows) {
    if (r.times.length === 0) {
      table.push([r.label, 'failed', '', '', '', '']);
      continue;
    }
    const t = median(r.times);
    const range = r.times.length > 1 ? `${(Math.min(...r.times) / 1000).toFixed(3)}..${(Math.max(...r.times) / 1000).toFixed(3)}` : '';
    const wall = r === cat || r === bare ? '' : fmtS(median(r.walls));
    const rss = r.rssKB.length > 0 ? fmtMB(Math.max(...r.rssKB) * 1024) : '-';
    let ratio = '';
    if (r === cat) ratio = `1.00x (baseline, ${((box.bytes / 1e6) / (t / 1000)).toFixed(0)} MB/s)`;
    else if (r !== bare) ratio = `${(t / catMs).toFixed(2)}x cat`;
    table.push([r.label, fmtS(t), range, wall, rss, ratio]);
  }
  const widths = head.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('   ').trimEnd());
  console.log('');
  console.log('time: cat and node are wall times of the whole process; the scan and open rows time the work inside');
  console.log('the child (start-up excluded), whose whole wall time is in "child wall". peak RSS: max over runs, 1 MB = 10^6 B.');
  for (const r of rows) {
    if (r.failure !== undefined) console.log(`! ${r.label}: ${r.failure}`);
    const wrong = r.counts.filter((n) => n !== o.messages);
    if (wrong.length > 0) console.log(`! ${r.label}: found ${wrong[0]} messages, expected ${o.messages}`);
  }
  console.log('');
  if (open.times.length === 0) {
    console.log(`goals: index <= ${GOAL_RATIO_TO_CAT}x cat; peak RSS < ${GOAL_PEAK_RSS_MB} MB: not measured (driver failed)`);
    return;
  }
  const ratio = median(open.times) / catMs;
  const rssMB = (Math.max(...open.rssKB) * 1024) / 1e6;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  console.log(`goal: open+index <= ${GOAL_RATIO_TO_CAT}x cat: ${verdict(ratio <= GOAL_RATIO_TO_CAT)} (${ratio.toFixed(2)}x)`);
  console.log(`goal: peak RSS < ${GOAL_PEAK_RSS_MB} MB: ${verdict(rssMB < GOAL_PEAK_RSS_MB)} (${rssMB.toFixed(1)} MB)`);
  if (open.counts.some((n) => n !== o.messages)) console.log('goal: message count correct: NOT met');
}

await main();
