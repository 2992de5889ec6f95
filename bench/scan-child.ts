/**
 * Benchmark child, and the harness's second baseline: the least work a Node indexer of an mbox could do. It reads
 * the file in 1 MiB blocks into one reused buffer and counts separators ("From " at the start of the file or after
 * an empty line) with Buffer.indexOf, keeping nothing per message. The gap between `cat` and this row is Node's own
 * I/O cost; the gap between this row and the driver is the cost of the driver's parsing and index.
 *
 * It trusts the generator's mboxo quoting (every body "From " line is written ">From "), so it checks no dates; it
 * is a yardstick for generated files, not a parser. Prints one {@link ChildReport} line.
 *
 * Usage: node dist/bench/scan-child.js MBOX
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { writeReport } from './child-report.js';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: node dist/bench/scan-child.js MBOX');
  process.exit(2);
}

const SEP = Buffer.from('\n\nFrom ');
/** Bytes kept from the end of one block at the start of the next, so a separator split across blocks is found. */
const CARRY = SEP.length - 1;

const t0 = performance.now();
const fd = openSync(path, 'r');
const buf = Buffer.allocUnsafe(CARRY + (1 << 20));
let messages = 0;
let have = 0; // valid bytes at the start of buf (the carry, after the first block)
let first = true;
for (;;) {
  const n = readSync(fd, buf, have, buf.length - have, null);
  if (n === 0) break;
  const end = have + n;
  const data = buf.subarray(0, end);
  if (first) {
    if (data.subarray(0, 5).toString('latin1') === 'From ') messages++;
    first = false;
  }
  // A whole match needs SEP.length bytes, more than the carry holds, so none is counted twice.
  for (let i = data.indexOf(SEP); i >= 0; i = data.indexOf(SEP, i + 1)) messages++;
  const keep = Math.min(CARRY, end);
  buf.copy(buf, 0, end - keep, end);
  have = keep;
}
closeSync(fd);
const ms = performance.now() - t0;
writeReport({ ms, messages, maxRssKB: process.resourceUsage().maxRSS });
