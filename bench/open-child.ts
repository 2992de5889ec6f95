/**
 * Benchmark child: opens an mbox read-only with our driver, and prints one {@link ChildReport} line: the time
 * `driver.open()` took (scan and index of the whole file), the message count the driver found, and the process's
 * peak RSS. Run by bench/mbox-open.ts in a fresh process per measurement, so each open starts cold in memory (but
 * warm in the page cache) and the RSS is that of one open only.
 *
 * Usage: node dist/bench/open-child.js MBOX
 *
 * This is the only benchmark file that imports the driver, so the rest of bench/ builds and runs without it.
 */
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { writeReport } from './child-report.js';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: node dist/bench/open-child.js MBOX');
  process.exit(2);
}
const driver = new MboxDriver();
const t0 = performance.now();
const box = await driver.open(path, { readOnly: true });
const ms = performance.now() - t0;
const messages = box.count();
await box.close();
writeReport({ ms, messages, maxRssKB: process.resourceUsage().maxRSS });
