/**
 * A property test of what QRESYNC rests on (RFC 7162 §3.2.5, §6): whatever several sessions and other programs do
 * to a mailbox (STOREs, expunges, appends, deliveries, a program without our index rewriting it), a client that
 * remembers UIDs, flags and the HIGHESTMODSEQ it last saw, and then asks a new session only for what changed since
 * (messages whose MODSEQ is higher, the UIDs expunged since, or failing that the UIDs it knows that are gone),
 * ends up with exactly what a full look at the mailbox shows. HIGHESTMODSEQ never goes back. And when the sessions
 * look at the same moment (an `agree` step), each then shows the MODSEQs and HIGHESTMODSEQ a new session shows
 * (RFC 7162: a message's MODSEQ is the same whoever asks).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'resync-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const FLAGS = [Flag.Seen, Flag.Answered, Flag.Flagged, Flag.Deleted];
const KEYWORDS = ['work', 'todo'];

type Step =
  | { kind: 'store'; who: number; pick: number; op: 'add' | 'remove' | 'replace'; flags: number; kw: number }
  | { kind: 'expunge'; who: number }
  | { kind: 'append'; who: number; n: number }
  | { kind: 'deliver' }
  | { kind: 'outside'; pick: number; flags: number; expunge: boolean }
  | { kind: 'sync'; who: number }
  | { kind: 'reopen'; who: number }
  | { kind: 'agree' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('store' as const), who: fc.nat(1), pick: fc.nat(1000),
    op: fc.constantFrom('add' as const, 'remove' as const, 'replace' as const), flags: fc.nat(15), kw: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expunge' as const), who: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('append' as const), who: fc.nat(1), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('outside' as const), pick: fc.nat(1000), flags: fc.nat(15), expunge: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), who: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), who: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('agree' as const) }) },
);

function msg(subject: string): AppendMessage {
  const b = Buffer.from(`Subject: ${subject}\r\n\r\nbody of ${subject}\r\n`, 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags: 0, keywords: [] };
}
async function* each(msgs: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* msgs;
}
const bits = (n: number): number => FLAGS.reduce((acc, f, i) => (n & (1 << i) ? acc | f : acc), 0);

/** What a client keeps: per UID its flags and keywords, the UIDVALIDITY and HIGHESTMODSEQ it last saw. */
interface Client {
  uidValidity: number;
  highest: number;
  messages: Map<number, string>;
}
const state = (box: OpenMailbox, seq: number): string => {
  const m = box.meta(seq);
  return `${m.flags} ${[...m.keywords].sort().join(',')}`;
};
function fullLook(box: OpenMailbox): Map<number, string> {
  const out = new Map<number, string>();
  for (let seq = 1; seq <= box.count(); seq++) out.set(box.meta(seq).uid, state(box, seq));
  return out;
}

/** What a session shows of the numbers: HIGHESTMODSEQ and each message's UID and MODSEQ. */
function numbers(box: OpenMailbox): string[] {
  const out = [`highest ${box.highestModseq()}`];
  for (let seq = 1; seq <= box.count(); seq++) out.push(`${box.meta(seq).uid}:${box.meta(seq).modseq}`);
  return out;
}

/** RFC 7162 §6's resynchronisation, from what the driver gives a session. */
function resync(client: Client, box: OpenMailbox): void {
  assert.equal(box.uidValidity, client.uidValidity, 'UIDVALIDITY kept');
  assert.ok(box.highestModseq() >= client.highest, `HIGHESTMODSEQ went back: ${box.highestModseq()} < ${client.highest}`);
  const here = new Set<number>();
  for (let seq = 1; seq <= box.count(); seq++) {
    const m = box.meta(seq);
    here.add(m.uid);
    assert.ok(m.modseq <= box.highestModseq(), 'no message above HIGHESTMODSEQ');
    if (m.modseq > client.highest || !client.messages.has(m.uid)) client.messages.set(m.uid, state(box, seq));
  }
  const gone = box.expungedSince(client.highest) ?? [...client.messages.keys()].filter((u) => !here.has(u));
  for (const uid of gone) client.messages.delete(uid);
  client.highest = box.highestModseq();
}

describe('resynchronisation by modification sequences', () => {
  it('a client that asks only for what changed since its HIGHESTMODSEQ sees what a full look sees', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
      const path = join(dir, `box${++run}`);
      const logger = new MemoryLogger();
      const env = { clock: fixedClock(T0), hostname: 'h', username: 'alice', logger };
      const control = new ControlDir({ path: mkdtempSync(join(dir, 'control-')), uid: process.getuid?.() ?? 0, logger });
      const d = new MboxDriver({ journalDir: dir, fsync: false, control, env });
      // Another program: no index, no change log (as UW's or mutt's writes are to us).
      const outside = new MboxDriver({ journalDir: dir, fsync: false, env });
      writeFileSync(path, '');
      await d.append(path, each([msg('one'), msg('two'), msg('three')]));
      const sessions = [await d.open(path, { readOnly: false }), await d.open(path, { readOnly: false })];
      const first = await d.open(path, { readOnly: true });
      const client: Client = { uidValidity: first.uidValidity, highest: first.highestModseq(), messages: fullLook(first) };
      await first.close();
      let n = 0;
      try {
        for (const s of steps) {
          if (s.kind === 'store' || s.kind === 'expunge' || s.kind === 'append' || s.kind === 'sync') {
            const box = sessions[s.who] as OpenMailbox;
            await box.sync();
            box.takeUpdates(true);
            if (s.kind === 'store' && box.count() > 0) {
              box.setFlags([1 + (s.pick % box.count())], s.op, bits(s.flags), KEYWORDS.filter((_, i) => s.kw & (1 << i)));
              await box.checkpoint();
            } else if (s.kind === 'expunge') {
              await box.expunge();
            } else if (s.kind === 'append') {
              await box.append(each(Array.from({ length: s.n }, () => msg(`appended ${++n}`))));
            }
          } else if (s.kind === 'agree') {
            await Promise.all(sessions.map(async (box) => {
              await box.sync();
              box.takeUpdates(true);
            }));
          } else if (s.kind === 'reopen') {
            await (sessions[s.who] as OpenMailbox).close();
            sessions[s.who] = await d.open(path, { readOnly: false });
          } else if (s.kind === 'deliver') {
            appendFileSync(path, `From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: delivered ${++n}\n\nmail\n\n`);
          } else {
            const box = await outside.open(path, { readOnly: false });
            if (box.count() > 0) {
              const seq = 1 + (s.pick % box.count());
              box.setFlags([seq], 'replace', bits(s.flags) | (s.expunge ? Flag.Deleted : 0), []);
              if (s.expunge) await box.expunge();
            }
            await box.close();
          }
          const look = await d.open(path, { readOnly: true });
          try {
            resync(client, look);
            assert.deepEqual(client.messages, fullLook(look), `after ${JSON.stringify(s)}`);
            if (s.kind === 'agree') for (const box of sessions) assert.deepEqual(numbers(box), numbers(look), 'the same numbers');
          } finally {
            await look.close();
          }
        }
      } finally {
        for (const b of sessions) await b.close();
      }
    }), { numRuns: 100, seed: 7 });
  });
});
