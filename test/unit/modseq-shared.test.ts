/**
 * RFC 7162 §3.1.1: a message's MODSEQ is the same whoever asks. Changes that other programs make to a mailbox (a
 * delivery appended by procmail or tmail, a flag rewritten by mutt or UW) are found by scanning, by whichever of the
 * user's sessions looks first; every other session, read-only ones included, and every later open must then show the
 * numbers that one gave, whether the sessions look one after the other or at the same moment, and HIGHESTMODSEQ must
 * be the same in all of them for the same state of the mailbox.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import { fixedClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'modseq-shared-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
let n = 0;

function msg(subject: string): AppendMessage {
  const b = Buffer.from(`Subject: ${subject}\r\n\r\nbody of ${subject}\r\n`, 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags: 0, keywords: [] };
}
async function* each(msgs: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* msgs;
}

/** The user's driver (with a control directory), and another program's (none: no index, no log, no counter). */
async function setup(): Promise<{ d: MboxDriver; outside: MboxDriver; path: string }> {
  const logger = new MemoryLogger();
  const env = { clock: fixedClock(T0), hostname: 'h', username: 'alice', logger };
  const control = new ControlDir({ path: mkdtempSync(join(dir, 'control-')), uid: process.getuid?.() ?? 0, logger });
  const d = new MboxDriver({ journalDir: dir, fsync: false, control, env });
  const outside = new MboxDriver({ journalDir: dir, fsync: false, env });
  const path = join(dir, `box${++n}`);
  writeFileSync(path, '');
  await d.append(path, each([msg('one'), msg('two'), msg('three'), msg('four')]));
  return { d, outside, path };
}

/** What a client sees of the numbers: per message its UID and MODSEQ, and HIGHESTMODSEQ. */
function numbers(box: OpenMailbox): { messages: string[]; highest: number } {
  const messages: string[] = [];
  for (let seq = 1; seq <= box.count(); seq++) messages.push(`${box.meta(seq).uid}:${box.meta(seq).modseq}`);
  return { messages, highest: box.highestModseq() };
}

async function look(box: OpenMailbox): Promise<void> {
  await box.sync();
  box.takeUpdates(true);
}

/** The changes another program makes. */
const changes: Record<string, (outside: MboxDriver, path: string) => Promise<void>> = {
  // procmail or Postfix's local: a message appended under the locks, with no metadata (the tail only grows).
  'a delivery appended (the tail)': async (outside, path) => {
    assert.equal(await outside.deliver(path, each([msg('delivered')])), 1);
  },
  // A delivery by hand, as a shell script does it: a From line and the message, appended.
  'a raw append with a From line': async (_, path) => {
    appendFileSync(path, 'From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: raw\n\nraw mail\n\n');
  },
  // mutt or UW: the Status: lines of one message rewritten (the whole file looked at again).
  'a flag rewrite': async (outside, path) => {
    const box = await outside.open(path, { readOnly: false });
    box.setFlags([2], 'add', Flag.Flagged | Flag.Answered, []);
    await box.close();
  },
  // Both at once: a message expunged and one delivered, by a program that rewrote the file.
  'an expunge and a delivery': async (outside, path) => {
    const box = await outside.open(path, { readOnly: false });
    box.setFlags([3], 'add', Flag.Deleted, []);
    await box.expunge();
    await box.close();
    assert.equal(await outside.deliver(path, each([msg('late')])), 1);
  },
};

type Order = 'a then b' | 'b then a' | 'at the same time';
const orders: Order[] = ['a then b', 'b then a', 'at the same time'];

describe('MODSEQs of changes other programs made, shared by all sessions (RFC 7162)', () => {
  for (const [what, change] of Object.entries(changes)) {
    for (const order of orders) {
      for (const readOnly of [false, true]) {
        it(`${what}: two sessions look ${order}${readOnly ? ' (b read-only)' : ''}`, async () => {
          const { d, outside, path } = await setup();
          const a = await d.open(path, { readOnly: false });
          const b = await d.open(path, { readOnly });
          try {
            assert.deepEqual(numbers(a), numbers(b), 'the same numbers before');
            const before = a.highestModseq();
            await change(outside, path);
            if (order === 'a then b') {
              await look(a);
              await look(b);
            } else if (order === 'b then a') {
              await look(b);
              await look(a);
            } else {
              await Promise.all([look(a), look(b)]);
            }
            assert.ok(a.highestModseq() > before, 'the change got a number');
            assert.deepEqual(numbers(b), numbers(a));
            // A session opened later shows them too.
            const c = await d.open(path, { readOnly: true });
            try {
              assert.deepEqual(numbers(c), numbers(a), 'a later open');
            } finally {
              await c.close();
            }
          } finally {
            await a.close();
            await b.close();
          }
        });
      }
    }
    it(`${what}: found first by sessions opening at the same time, then by the open ones`, async () => {
      const { d, outside, path } = await setup();
      const a = await d.open(path, { readOnly: false });
      try {
        await change(outside, path);
        const [b, c] = await Promise.all([d.open(path, { readOnly: false }), d.open(path, { readOnly: true })]);
        try {
          await look(a);
          assert.deepEqual(numbers(b), numbers(c), 'the two opens');
          assert.deepEqual(numbers(a), numbers(b), 'the open session');
        } finally {
          await b.close();
          await c.close();
        }
      } finally {
        await a.close();
      }
    });
  }

  it('a session that missed a change another numbered takes its numbers, then numbers what came after', async () => {
    const { d, outside, path } = await setup();
    const a = await d.open(path, { readOnly: false });
    const b = await d.open(path, { readOnly: true });
    try {
      // a finds a delivery and numbers it; then another program changes flags, before b has looked at all.
      await changes['a delivery appended (the tail)']?.(outside, path);
      await look(a);
      const delivered = numbers(a).messages.at(-1);
      await changes['a flag rewrite']?.(outside, path);
      await look(b);
      assert.equal(numbers(b).messages.at(-1), delivered, 'the delivery keeps the number a gave it');
      await look(a);
      assert.deepEqual(numbers(a), numbers(b));
    } finally {
      await a.close();
      await b.close();
    }
  });

  for (const write of ['STORE', 'STORE (UNCHANGEDSINCE)', 'EXPUNGE', 'APPEND'] as const) {
    it(`a change found by a session's ${write} (under the write locks) is numbered for all`, async () => {
      const { d, outside, path } = await setup();
      const a = await d.open(path, { readOnly: false });
      const b = await d.open(path, { readOnly: true });
      try {
        await changes['a delivery appended (the tail)']?.(outside, path);
        // a writes without having looked: its write finds the delivery first.
        if (write === 'STORE') {
          a.setFlags([1], 'add', Flag.Flagged, []);
          await a.checkpoint();
        } else if (write === 'STORE (UNCHANGEDSINCE)') {
          assert.deepEqual(await a.storeUnchangedSince([1], a.highestModseq(), 'add', Flag.Flagged, []), []);
        } else if (write === 'EXPUNGE') {
          a.setFlags([1], 'add', Flag.Deleted, []);
          await a.expunge();
        } else {
          await a.append(each([msg('appended')]));
        }
        await look(a);
        await look(b);
        assert.deepEqual(numbers(b), numbers(a));
      } finally {
        await a.close();
        await b.close();
      }
    });
  }

  it('several changes, each found by another session: every session agrees after each', async () => {
    const { d, outside, path } = await setup();
    const boxes = [await d.open(path, { readOnly: false }), await d.open(path, { readOnly: true }),
      await d.open(path, { readOnly: false })];
    try {
      const kinds = Object.values(changes);
      for (let i = 0; i < 8; i++) {
        await (kinds[i % kinds.length] as (o: MboxDriver, p: string) => Promise<void>)(outside, path);
        // One session finds the change alone, then the others, one of them at the same time as a fourth open.
        await look(boxes[i % 3] as OpenMailbox);
        const [fresh] = await Promise.all([d.open(path, { readOnly: true }), ...boxes.map(look)]);
        try {
          for (const box of boxes) assert.deepEqual(numbers(box), numbers(boxes[0] as OpenMailbox), `after change ${i}`);
          assert.deepEqual(numbers(fresh), numbers(boxes[0] as OpenMailbox), `a new open after change ${i}`);
        } finally {
          await fresh.close();
        }
      }
    } finally {
      for (const box of boxes) await box.close();
    }
  });
});
