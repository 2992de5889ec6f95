/**
 * IMAP session benchmark: whole bin/imapd sessions (PREAUTH as `nobody`, clean environment, fresh copy of the
 * mailbox per run, wall time and peak RSS from /usr/bin/time, median of --runs), each beside a bare `node -e 0`
 * measured in the same run. Sessions: SELECT alone; SELECT then one of the operations issue 5 names:
 * `FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`, `FETCH 1:* BODYSTRUCTURE`, `FETCH 1:1000 BODY.PEEK[]`,
 * `SEARCH TEXT`, `STORE 1:* +FLAGS (\Seen)` + CLOSE, EXPUNGE of 10 %.
 *
 * Usage: node dist/bench/imap.js [--runs K] [--sizes 1000,10000]   (as root; 100000 works too, slowly)
 */
import { chownSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateMbox } from './gen-mbox.js';
import { measure, median, type Measured } from './session-measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOBODY = 65534;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '1000,10000' } } });
  const runs = Number(values.runs);
  const sizes = (values.sizes ?? '').split(',').map(Number);
  if (process.getuid?.() !== 0) throw new Error('run as root: sessions run as nobody (PREAUTH mode)');
  const data = join(ROOT, 'bench', 'data');
  await mkdir(data, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'bench-imap-'));
  chownSync(work, NOBODY, NOBODY);
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: work };
  const rows: string[] = [];
  try {
    const node: Measured[] = [];
    for (let r = 0; r < runs; r++) node.push(await measure([process.execPath, '-e', '0'], env, ''));
    const base = median(node.map((m) => m.wall));
    rows.push(row('node -e 0 (bare start-up)', base, median(node.map((m) => m.rssKb)), base));
    for (const n of sizes) {
      // Steady state: every message already has its UID and Status written (a session has seen the mailbox).
      const src = join(data, `imap-${n}.mbox`);
      if (!existsSync(src)) {
        const fresh = join(work, 'fresh');
        await generateMbox(fresh, { messages: n, seed: 11, metadata: true });
        chownSync(fresh, NOBODY, NOBODY);
        await measure([join(ROOT, 'bin', 'imapd')], { ...env, MAIL: fresh }, 'a SELECT INBOX\r\nb LOGOUT\r\n');
        copyFileSync(fresh, src);
        rmSync(fresh, { force: true });
      }
      const tenth = Array.from({ length: Math.floor(n / 10) }, (_, i) => i * 10 + 1).join(',');
      const ops: [string, string][] = [
        ['SELECT', ''],
        ['FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)', 'c FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)\r\n'],
        ['FETCH 1:* BODYSTRUCTURE', 'c FETCH 1:* BODYSTRUCTURE\r\n'],
        ['FETCH 1:1000 BODY.PEEK[]', 'c FETCH 1:1000 BODY.PEEK[]\r\n'],
        ['SEARCH TEXT', 'c SEARCH TEXT "zebra-not-there"\r\n'],
        ['STORE 1:* +FLAGS (\\Seen) + CLOSE', 'c STORE 1:* +FLAGS.SILENT (\\Seen)\r\nd CLOSE\r\n'],
        ['EXPUNGE of 10 %', `c STORE ${tenth} +FLAGS.SILENT (\\Deleted)\r\nd EXPUNGE\r\n`],
      ];
      for (const [label, op] of ops) {
        const ms: Measured[] = [];
        for (let r = 0; r < runs; r++) {
          const box = join(work, 'mbox');
          copyFileSync(src, box);
          chownSync(box, NOBODY, NOBODY);
          ms.push(await measure([join(ROOT, 'bin', 'imapd')], { ...env, MAIL: box }, `a SELECT INBOX\r\n${op}z LOGOUT\r\n`));
          rmSync(box, { force: true });
        }
        rows.push(row(`${n} msgs: ${label}`, median(ms.map((m) => m.wall)), median(ms.map((m) => m.rssKb)), base));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${'session'.padEnd(58)}${'wall (median)'.padStart(14)}${'peak RSS'.padStart(11)}  vs node -e 0\n`);
  for (const r of rows) process.stdout.write(r + '\n');
  process.stdout.write('goals on 100k (issue 5): SELECT < 2 s, ENVELOPE fetch < 1.5 s, SEARCH TEXT < 5 s, ' +
    'STORE+CLOSE < 0.5 s, EXPUNGE < 0.9 s, peak RSS < 150 MB\n');
}

function row(label: string, wall: number, rssKb: number, base: number): string {
  return `${label.padEnd(58)}${(wall.toFixed(3) + ' s').padStart(14)}${((rssKb / 1024).toFixed(1) + ' MB').padStart(11)}  ${(wall / base).toFixed(2)}x`;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
