/**
 * UW's `~/mbox` INBOX (lib/mailbox/uw-inbox.ts, lib/mailbox/mbox/snarf.ts) through UwMailStore and the mbox driver,
 * on real files: which file INBOX is; the spool's mail moved in at SELECT and at a sync once the snarf interval is
 * up, with flags, keywords and internal dates, \Recent in the session that moved it; a delivery to the spool
 * during the move stays in the spool (and is moved next time); two sessions moving at once move each message once;
 * STATUS, APPEND and RENAME of INBOX; switched off, `mbox` is an ordinary mailbox.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AppendMessage, InternalDate, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import type { MailboxLocking } from '../../lib/mailbox/mbox/mailbox-state.js';
import { UwMailStore } from '../../lib/mailbox/uw-store.js';
import { inboxFile } from '../../lib/mailbox/uw-inbox.js';
import type { Clock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Fixture {
  readonly home: string;
  readonly spool: string;
  readonly mbox: string;
  readonly driver: MboxDriver;
  readonly clock: { t: number };
  readonly logger: MemoryLogger;
  store(on?: boolean, intervalMs?: number): UwMailStore;
}

/**
 * A home `<root>/home` and a spool `<root>/spool/alice` (neither file made), a driver on a clock the test moves,
 * and stores over them. `onLock(path, mode)`: called as the driver takes a mailbox's locks (before it has them).
 */
async function withHome(fn: (f: Fixture) => Promise<void>, onLock?: (path: string, mode: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'mbox-inbox-'));
  const home = join(root, 'home');
  mkdirSync(home);
  mkdirSync(join(root, 'spool'));
  const clock = { t: T0 };
  const c: Clock = { now: () => clock.t, zoneAt: () => 0 };
  const logger = new MemoryLogger();
  const locking: MailboxLocking = {
    acquire: async (target, mode) => {
      await onLock?.(target.path, mode);
      return async () => {};
    },
  };
  const driver = new MboxDriver({ journalDir: root, fsync: false, locking,
    env: { clock: c, hostname: 'mail.example.org', username: 'alice', logger } });
  const spool = join(root, 'spool', 'alice');
  const store = (on = true, intervalMs = 60_000): UwMailStore => new UwMailStore({
    driver, home, inboxPath: spool, allowOutsideHome: false, mboxInbox: on ? { snarfIntervalMs: intervalMs } : null,
  });
  try {
    await fn({ home, spool, mbox: join(home, 'mbox'), driver, clock, logger, store });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function msg(text: string, flags = 0, keywords: string[] = [], internalDate?: InternalDate): AppendMessage {
  const b = Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags, keywords, ...(internalDate ? { internalDate } : {}) };
}
async function* each(...m: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* m;
}
/** Delivers as an MTA does (no UID data, no Status). */
async function deliver(f: Fixture, ...subjects: string[]): Promise<void> {
  await f.driver.deliver(f.spool, each(...subjects.map((s) => msg(`Subject: ${s}\n\nbody of ${s}\n`))));
}
async function subjects(box: OpenMailbox): Promise<string[]> {
  const out: string[] = [];
  for (let seq = 1; seq <= box.count(); seq++) {
    out.push(/^Subject: (.*)\r$/m.exec((await box.header(seq)).toString('latin1'))?.[1] ?? '?');
  }
  return out;
}
/** The messages of the file at `path`, read by the driver read-only. */
async function inFile(f: Fixture, path: string): Promise<string[]> {
  const box = await f.driver.open(path, { readOnly: true });
  try {
    return await subjects(box);
  } finally {
    await box.close();
  }
}

describe("UW's ~/mbox INBOX: which file", () => {
  it('is the spool without ~/mbox, ~/mbox when it exists (empty or an mbox), the spool when switched off', async () => {
    await withHome(async (f) => {
      await deliver(f, 'one');
      const on = { snarfIntervalMs: 1 };
      assert.deepEqual(await inboxFile(f.driver, f.home, f.spool, on), { path: f.spool, snarf: null });
      writeFileSync(f.mbox, '');
      assert.deepEqual(await inboxFile(f.driver, f.home, f.spool, on), { path: f.mbox, snarf: { from: f.spool, intervalMs: 1 } });
      assert.deepEqual(await inboxFile(f.driver, f.home, f.spool, null), { path: f.spool, snarf: null });
      // Not an mbox: UW's mbox_valid refuses it, and INBOX stays the spool.
      writeFileSync(f.mbox, 'not a mailbox\n');
      assert.deepEqual(await inboxFile(f.driver, f.home, f.spool, on), { path: f.spool, snarf: null });
      // A spool in another format keeps its own driver (UW), so INBOX is not ~/mbox.
      writeFileSync(f.mbox, '');
      writeFileSync(f.spool, 'garbage\n');
      assert.deepEqual(await inboxFile(f.driver, f.home, f.spool, on), { path: f.spool, snarf: null });
      // No spool at all: ~/mbox.
      rmSync(f.spool);
      assert.equal((await inboxFile(f.driver, f.home, f.spool, on)).path, f.mbox);
    });
  });

  it('without ~/mbox, INBOX is the spool: nothing moved, APPEND goes to the spool', async () => {
    await withHome(async (f) => {
      await deliver(f, 'one');
      const store = f.store();
      const box = await store.open('INBOX', false);
      assert.deepEqual(await subjects(box), ['one']);
      await box.close();
      await store.append('INBOX', each(msg('Subject: two\n\nx\n')));
      assert.deepEqual(await inFile(f, f.spool), ['one', 'two']);
      assert.throws(() => statSync(f.mbox));
    });
  });

  it('switched off, ~/mbox is an ordinary mailbox named mbox and INBOX the spool', async () => {
    await withHome(async (f) => {
      await deliver(f, 'one');
      writeFileSync(f.mbox, '');
      const store = f.store(false);
      const box = await store.open('INBOX', false);
      assert.deepEqual(await subjects(box), ['one']);
      await box.close();
      assert.equal((await store.status('mbox')).messages, 0);
      assert.deepEqual(await inFile(f, f.spool), ['one']);
      assert.deepEqual((await store.list('', '*', { subscribedOnly: false })).map((e) => e.name).sort(), ['INBOX', 'mbox']);
    });
  });
});

describe("UW's ~/mbox INBOX: the move", () => {
  it('SELECT moves every message of the spool in, keeping flags, keywords and dates, \\Recent here only', async () => {
    await withHome(async (f) => {
      const d1: InternalDate = { time: Date.UTC(2026, 0, 2, 3, 4, 5), zone: 60 };
      const d2: InternalDate = { time: Date.UTC(2025, 5, 6, 7, 8, 9), zone: -300 };
      // The spool as a session of ours left it: UIDs, flags and keywords written.
      await f.driver.create(f.spool);
      await f.driver.append(f.spool, each(msg('Subject: seen\n\na\n', Flag.Seen | Flag.Answered, ['project-x'], d1),
        msg('Subject: flagged\n\nb\n', Flag.Flagged, [], d2)));
      await deliver(f, 'new');
      writeFileSync(f.mbox, '');
      const store = f.store();
      // LIST as UW: INBOX, and mbox as any file under the home.
      assert.deepEqual((await store.list('', '*', { subscribedOnly: false })).map((e) => e.name).sort(), ['INBOX', 'mbox']);
      const box = await store.open('INBOX', false);
      assert.deepEqual(await subjects(box), ['seen', 'flagged', 'new']);
      assert.equal(box.meta(1).flags & (Flag.Seen | Flag.Answered), Flag.Seen | Flag.Answered);
      assert.deepEqual(box.meta(1).keywords, ['project-x']);
      assert.deepEqual(box.meta(1).internalDate, d1);
      assert.equal(box.meta(2).flags & Flag.Flagged, Flag.Flagged);
      assert.deepEqual(box.meta(2).internalDate, d2);
      assert.equal(box.meta(3).flags & Flag.Seen, 0);
      assert.deepEqual([1, 2, 3].map((s) => box.meta(s).recent), [true, true, true]);
      assert.deepEqual(box.takeUpdates(true).filter((u) => u.kind === 'exists'), [], 'the moved mail is what SELECT found, not news after it');
      await box.close();
      assert.equal(statSync(f.spool).size, 0, 'the spool is left empty, as UW leaves it');
      assert.deepEqual(await inFile(f, f.mbox), ['seen', 'flagged', 'new']);
      // The same by name `mbox`: the same file, an ordinary mailbox (no move).
      assert.ok(store.sameMailbox('INBOX', 'mbox'));
      assert.ok(f.logger.lines.some((l) => l.level === 'info' && /^Moved 3 messages of new mail to /.test(l.message)));
    });
  });

  it('EXAMINE moves nothing (UW snarfs only read-write); STATUS counts the spool too', async () => {
    await withHome(async (f) => {
      writeFileSync(f.mbox, '');
      const store = f.store();
      await store.append('INBOX', each(msg('Subject: kept\n\nk\n', Flag.Seen)));
      assert.deepEqual(await inFile(f, f.mbox), ['kept'], 'APPEND to INBOX goes to ~/mbox');
      await deliver(f, 'a', 'b');
      const ro = await store.open('INBOX', true);
      assert.deepEqual(await subjects(ro), ['kept']);
      await ro.close();
      assert.deepEqual(await inFile(f, f.spool), ['a', 'b']);
      const st = await store.status('INBOX', { size: true });
      const mboxOnly = await f.driver.status(f.mbox, { size: true });
      assert.equal(st.messages, 3);
      assert.equal(st.unseen, 2);
      assert.equal(st.uidNext, mboxOnly.uidNext + 2);
      assert.equal(st.uidValidity, mboxOnly.uidValidity);
      assert.ok((st.size ?? 0) > (mboxOnly.size ?? 0));
      assert.equal((await store.status('mbox')).messages, 1, 'the name mbox: the file alone');
    });
  });

  it('a sync moves new mail once the snarf interval is up, not before', async () => {
    await withHome(async (f) => {
      writeFileSync(f.mbox, '');
      const box = await f.store(true, 60_000).open('INBOX', false);
      assert.equal(box.count(), 0);
      await deliver(f, 'later');
      f.clock.t += 30_000;
      await box.sync();
      assert.deepEqual(box.takeUpdates(true), []);
      assert.deepEqual(await inFile(f, f.spool), ['later']);
      f.clock.t += 30_000;
      await box.sync();
      assert.deepEqual(box.takeUpdates(true), [{ kind: 'exists', count: 1 }, { kind: 'recent', count: 1 }]);
      assert.deepEqual(await subjects(box), ['later']);
      await box.close();
      assert.deepEqual(await inFile(f, f.spool), []);
    });
  });

  it('mail delivered to the spool during the move stays there, and is moved next time', async () => {
    let f0: Fixture | null = null;
    let armed = false;
    await withHome(async (f) => {
      f0 = f;
      await deliver(f, 'a', 'b');
      writeFileSync(f.mbox, '');
      armed = true;
      const box = await f.store(true, 0).open('INBOX', false);
      assert.equal(armed, false, 'the delivery ran during the move');
      assert.deepEqual(await subjects(box), ['a', 'b']);
      assert.deepEqual(await inFile(f, f.spool), ['during'], 'not cut: a message is left');
      await box.sync();
      assert.deepEqual(f.logger.lines.filter((l) => l.level !== 'info' && l.level !== 'debug'), []);
      box.takeUpdates(true);
      assert.deepEqual(await subjects(box), ['a', 'b', 'during']);
      await box.close();
      assert.equal(statSync(f.spool).size, 0);
    }, async (path, mode) => {
      // The move takes ~/mbox's write locks to append the copies: the spool was read, its UIDs chosen.
      if (armed && f0 !== null && path === f0.mbox && mode === 'exclusive') {
        armed = false;
        await deliver(f0, 'during');
      }
    });
  });

  it('two sessions moving at once move each message once', async () => {
    let f0: Fixture | null = null;
    let armed = false;
    let second: Promise<OpenMailbox> | null = null;
    await withHome(async (f) => {
      f0 = f;
      await deliver(f, 'a', 'b', 'c');
      writeFileSync(f.mbox, '');
      armed = true;
      const one = await f.store(true, 0).open('INBOX', false);
      const two = await (second as Promise<OpenMailbox> | null);
      assert.ok(two, 'the second session opened during the first one\'s move');
      await one.sync();
      await two.sync();
      one.takeUpdates(true);
      two.takeUpdates(true);
      assert.deepEqual(await subjects(one), ['a', 'b', 'c']);
      assert.deepEqual(await subjects(two), ['a', 'b', 'c']);
      await one.close();
      await two.close();
      assert.deepEqual(await inFile(f, f.mbox), ['a', 'b', 'c']);
      assert.deepEqual(await inFile(f, f.spool), []);
      assert.ok(f.logger.lines.some((l) => /^New mail move .* failed/.test(l.message)), 'the first session\'s move was called off');
    }, async (path, mode) => {
      // The first session's move is about to lock ~/mbox: a second session opens INBOX and moves first.
      if (armed && f0 !== null && path === f0.mbox && mode === 'exclusive') {
        armed = false;
        second = f0.store(true, 0).open('INBOX', false);
        await second;
      }
    });
  });

  it('RENAME INBOX moves ~/mbox\'s messages (the spool\'s moved in first) and leaves ~/mbox empty', async () => {
    await withHome(async (f) => {
      writeFileSync(f.mbox, '');
      const store = f.store();
      await store.append('INBOX', each(msg('Subject: old\n\no\n', Flag.Seen)));
      await deliver(f, 'new');
      await store.rename('INBOX', 'archive');
      assert.deepEqual(await inFile(f, join(f.home, 'archive')), ['old', 'new']);
      assert.deepEqual(await inFile(f, f.mbox), []);
      assert.deepEqual(await inFile(f, f.spool), []);
      assert.equal((await inboxFile(f.driver, f.home, f.spool, { snarfIntervalMs: 0 })).path, f.mbox, '~/mbox is still INBOX');
    });
  });
});
