/**
 * Shrinks a failing session to a small one that fails the same way (the same class of its primary failure, see
 * failures.ts), for the corpus:
 *
 *   node dist/test/fuzz/shrink.js FAILURE.json [--out test/fuzz/corpus/NAME.json] [--note TEXT] [--via inproc|binary]
 *
 * Candidates run in-process by default (fast); the result is then checked once through the program. Passes, until
 * none helps: drop runs of commands (delta debugging), drop single pieces' tails, halve long runs of one
 * character, drop configuration lines, try smaller mailboxes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Inetd } from './binary.js';
import { failureClass, primaryFailure } from './failures.js';
import { runSession, type Runner, type Via } from './run.js';
import { makeAssets, removeAssets } from './sandbox.js';
import { decodeSession, encodeSession, type Command, type FuzzSession } from './session.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, note: { type: 'string' }, via: { type: 'string', default: 'inproc' } },
});

async function main(): Promise<void> {
  const file = positionals[0];
  if (!file) throw new Error('usage: shrink.js FAILURE.json [--out FILE] [--note TEXT]');
  const saved = decodeSession(readFileSync(file, 'utf8'));
  const assets = await makeAssets();
  const runner: Runner = { assets, inetd: new Inetd(), maxRssKb: 256 * 1024, replyMs: 1500, exitMs: 3000 };
  const via = values.via as Via;
  let runs = 0;
  const classOf = async (s: FuzzSession, how: Via = via): Promise<string | null> => {
    runs++;
    const o = await runSession(s, how, runner);
    const p = primaryFailure(o.failures);
    return p ? failureClass(p) : null;
  };
  try {
    let best = saved.session;
    const target = await classOf(best);
    if (!target) throw new Error(`${file}: does not fail ${via}`);
    console.error(`target class: ${target}`);
    const fails = async (s: FuzzSession): Promise<boolean> => {
      const ok = (await classOf(s)) === target;
      if (ok) console.error(`  ${runs} runs: ${s.commands.length} commands, ${s.commands.reduce((n, c) => n + c.parts.join('').length, 0)} octets`);
      return ok;
    };
    const withCommands = (cs: readonly Command[]): FuzzSession => ({ ...best, commands: cs });

    let progress = true;
    while (progress) {
      progress = false;
      // Commands: delta debugging over runs of commands.
      for (let n = Math.max(1, Math.floor(best.commands.length / 2)); n >= 1; n = Math.floor(n / 2)) {
        for (let i = 0; i + n <= best.commands.length;) {
          const cand = withCommands([...best.commands.slice(0, i), ...best.commands.slice(i + n)]);
          if (cand.commands.length && await fails(cand)) {
            best = cand;
            progress = true;
          } else i += n;
        }
        if (n === 1) break;
      }
      // Pieces: halve runs of one character (a 1 MB line that needs only 70 KB), cut trailing pieces.
      for (let ci = 0; ci < best.commands.length; ci++) {
        const c = best.commands[ci] as Command;
        for (let pi = 0; pi < c.parts.length; pi++) {
          for (;;) {
            const p = c.parts[pi] as string;
            const m = /(.)\1{63,}/s.exec(p);
            if (!m) break;
            const half = p.slice(0, m.index) + (m[1] as string).repeat(Math.floor(m[0].length / 2)) + p.slice(m.index + m[0].length);
            const parts = [...c.parts];
            parts[pi] = half;
            const cand = withCommands(best.commands.map((x, k) => (k === ci ? { ...x, parts } : x)));
            if (!(await fails(cand))) break;
            best = cand;
            progress = true;
            break;
          }
        }
        if (c.parts.length > 1) {
          const cand = withCommands(best.commands.map((x, k) => (k === ci ? { ...x, parts: x.parts.slice(0, -1) } : x)));
          if (await fails(cand)) {
            best = cand;
            progress = true;
          }
        }
      }
      for (let i = 0; i < best.config.length; i++) {
        const cand = { ...best, config: best.config.filter((_, k) => k !== i) };
        if (await fails(cand)) {
          best = cand;
          progress = true;
        }
      }
      // Smaller mailboxes first; only ever towards the front of the list (no flipping between two).
      const order = ['dots.mbox', 'sample.mbox', 'imap-fetch.mbox'];
      const at = order.indexOf(best.mailbox);
      for (const mailbox of best.readOnly ? [] : order.slice(0, at < 0 ? 0 : at)) {
        const cand = { ...best, mailbox };
        if (await fails(cand)) {
          best = cand;
          progress = true;
          break;
        }
      }
    }
    const other: Via = via === 'inproc' ? 'binary' : 'inproc';
    const otherClass = await classOf(best, other);
    console.error(`${runs} runs; ${best.commands.length} commands; ${other}: ${otherClass ?? 'passes'}`);
    const text = encodeSession({
      session: { ...best, kind: 'corpus' },
      note: values.note ?? `${target} (shrunk from ${file.replace(/^.*\//, '')})`,
    });
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
  } finally {
    runner.inetd.close();
    removeAssets(assets);
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(2);
});
