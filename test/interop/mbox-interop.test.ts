/**
 * The mbox driver against the real UW c-client (through cclient-oracle, mailutil, dmail, tmail) and Dovecot:
 * - what our driver writes (appends, flag and keyword changes, expunges) UW counts alike and UW and Dovecot read
 *   with the same UIDVALIDITY, UIDs, flags and keywords;
 * - what UW and Dovecot write, our driver reads with their UIDs and flags intact;
 * - a mailbox changed by us after them, and by them after us, still agrees;
 * - our saved index (lib/mailbox/mbox/saved-index.ts) is never trusted for a file they changed behind it, and the
 *   values our field cache kept (ENVELOPE, BODYSTRUCTURE) stay those of the messages they were made from.
 */
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppendMessage, OpenMailbox } from '../../lib/mailbox/driver.js';
import { Flag, SYSTEM_FLAG_NAMES } from '../../lib/mailbox/driver.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { ControlDir } from '../../lib/mailbox/control-dir.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { fetchResponses } from '../fixtures/fetch-responses.js';
import {
  dmailDeliver, dovecotAppend, dovecotExpunge, dovecotFetch, dovecotStore, mailutilAppend, makeSandbox,
  procmailDeliver, putSandboxFile, tmailDeliver, uwAppend, uwCheck, uwCreate, uwExpunge, uwFetch, uwStore, type MailboxView,
  type Sandbox,
} from './oracles.js';

interface View {
  uidValidity: number;
  uidNext: number;
  messages: { uid: number; flags: string[]; keywords: string[] }[];
}

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

const driver = (): MboxDriver => new MboxDriver({ journalDir: sb.dir, fsync: false, env: { hostname: 'ours.example', username: 'ours' } });

/** Our driver's view, in the oracles' terms. */
async function ours(path: string): Promise<View> {
  const box = await driver().open(path, { readOnly: true });
  try {
    return viewOf(box);
  } finally {
    await box.close();
  }
}
function viewOf(box: OpenMailbox): View {
  const messages = [];
  for (let seq = 1; seq <= box.count(); seq++) {
    const m = box.meta(seq);
    messages.push({
      uid: m.uid,
      flags: SYSTEM_FLAG_NAMES.filter(([bit]) => m.flags & bit).map(([, n]) => n),
      keywords: [...m.keywords].sort(),
    });
  }
  return { uidValidity: box.uidValidity, uidNext: box.uidNext(), messages };
}
function theirs(v: MailboxView): View {
  const order = SYSTEM_FLAG_NAMES.map(([, n]) => n);
  return {
    uidValidity: v.uidValidity,
    uidNext: v.uidNext,
    messages: v.messages.map((m) => ({
      uid: m.uid,
      flags: [...m.flags].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
      keywords: [...m.keywords].sort(),
    })),
  };
}
/** UIDs, flags, keywords and UIDVALIDITY; the next UID too unless `next` is false (Dovecot stores "next", UW "last"). */
function same(a: View, b: View, what: string, next = true): void {
  assert.equal(a.uidValidity, b.uidValidity, `${what}: UIDVALIDITY`);
  assert.deepEqual(a.messages, b.messages, `${what}: messages`);
  if (next) assert.equal(a.uidNext, b.uidNext, `${what}: next UID`);
}

function msg(text: string, flags = 0, keywords: string[] = []): AppendMessage {
  const b = Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
  return { body: { size: b.length, async *chunks() { yield b; } }, flags, keywords };
}
async function* each(...m: AppendMessage[]): AsyncIterable<AppendMessage> {
  yield* m;
}
const letter = (n: number, extra = ''): string =>
  `From: sender${n}@example.org\nTo: rcpt@example.org\nSubject: message ${n}\nMessage-ID: <m${n}@example.org>\n\nBody of message ${n}.\n${extra}`;

/** Hands a file our (root) test process wrote to the sandbox user, who runs UW and Dovecot. */
const give = (path: string): void => chownSync(path, sb.uid, sb.gid);

describe('what our driver writes', () => {
  for (const start of ['created (pseudo-message)', 'empty file (X-IMAPbase)'] as const) {
    it(`UW and Dovecot read alike: ${start}`, async () => {
      const path = join(sb.dir, start.startsWith('created') ? 'ours-created' : 'ours-empty');
      const d = driver();
      if (start.startsWith('created')) await d.create(path);
      else await putSandboxFile(sb, path, '');
      await d.append(path, each(
        msg(letter(1)), msg(letter(2, 'From the start of a line, quoted in the file.\n'), Flag.Seen),
        msg(letter(3), Flag.Flagged, ['work']), msg(letter(4), 0, ['$Junk', 'later']), msg(letter(5)),
        msg(letter(6), Flag.Draft),
      ));
      const box = await d.open(path, { readOnly: false });
      box.setFlags([1], 'add', Flag.Answered | Flag.Seen, ['work']);
      box.setFlags([4], 'remove', 0, ['$Junk']);
      box.setFlags([5], 'replace', Flag.Flagged | Flag.Deleted, ['later']);
      box.setFlags([3], 'add', Flag.Deleted, []);
      await box.expunge();
      box.setFlags([2], 'add', Flag.Answered, ['$Forwarded']);
      await box.close();
      give(path);
      const mine = await ours(path);
      assert.deepEqual(mine.messages.map((m) => m.uid), [1, 2, 4, 6]);
      const check = await uwCheck(sb, path);
      assert.equal(check.messages, 4, `mailutil check: ${check.raw}`);
      same(theirs(await uwFetch(sb, path)), mine, 'UW c-client');
      const dv = await dovecotFetch(sb, path);
      same(theirs(dv), mine, 'Dovecot', false);
    });
  }

  it('a delivery (mailtool append path) is one message to UW, and gets its UID from the next session of either', async () => {
    const path = join(sb.dir, 'ours-delivered');
    const d = driver();
    await d.create(path);
    await d.deliver(path, each(msg(letter(1)), msg(letter(2, 'From a line that looks like a separator Wed Dec  2 05:53:22 1992\n'))));
    give(path);
    assert.equal((await uwCheck(sb, path)).messages, 2);
    const uw = theirs(await uwFetch(sb, path));
    same(uw, await ours(path), 'UW c-client');
  });
});

describe('what UW writes, our driver reads', () => {
  it('c-client CREATE, APPEND with flags and keywords, STORE, UID EXPUNGE', async () => {
    const path = join(sb.dir, 'uw-box');
    await uwCreate(sb, path);
    await uwAppend(sb, path, letter(1), { flags: ['\\Seen'] });
    await uwAppend(sb, path, letter(2), { flags: ['\\Answered', '\\Flagged'] });
    await uwAppend(sb, path, letter(3));
    await uwAppend(sb, path, letter(4), { flags: ['\\Draft'] });
    await uwStore(sb, path, [1], '+', { keywords: ['$Label1', 'work'] });
    await uwStore(sb, path, [2, 4], '+', { flags: ['\\Seen'], keywords: ['later'] });
    await uwExpunge(sb, path, [3]);
    const uw = theirs(await uwFetch(sb, path));
    assert.deepEqual(uw.messages.map((m) => m.uid), [1, 2, 4]);
    same(await ours(path), uw, 'ours');
  });

  it('dmail, tmail and mailutil append deliveries', async () => {
    const path = join(sb.dir, 'uw-delivered');
    await dmailDeliver(sb, path, letter(1));
    await dmailDeliver(sb, path, letter(2), { seen: true });
    if (sb.privileged) await tmailDeliver(sb, path, letter(3));
    const src = join(sb.dir, 'uw-src');
    await uwCreate(sb, src);
    await uwAppend(sb, src, letter(4), { flags: ['\\Flagged'] });
    await mailutilAppend(sb, src, path);
    const uw = theirs(await uwFetch(sb, path));
    assert.equal(uw.messages.length, sb.privileged ? 4 : 3);
    same(await ours(path), uw, 'ours');
  });
});

describe('what Dovecot writes, our driver reads', () => {
  it('APPEND with flags and keywords, STORE, UID EXPUNGE', async () => {
    const path = join(sb.dir, 'dovecot-box');
    await putSandboxFile(sb, path, '');
    await dovecotAppend(sb, path, letter(1), { flags: ['\\Seen'] });
    await dovecotAppend(sb, path, letter(2, 'From inside a body, not quoted by Dovecot Wed Dec  2 05:53:22 1992\n'),
      { flags: ['\\Flagged'], keywords: ['work'] });
    await dovecotAppend(sb, path, letter(3));
    await dovecotAppend(sb, path, letter(4), { keywords: ['$Junk'] });
    await dovecotStore(sb, path, [3, 4], '+', { flags: ['\\Answered'], keywords: ['later'] });
    await dovecotExpunge(sb, path, [1]);
    const dv = theirs(await dovecotFetch(sb, path, { inPlace: true }));
    assert.deepEqual(dv.messages.map((m) => m.uid), [2, 3, 4]);
    same(await ours(path), dv, 'ours', false);
  });
});

describe('changed by us after them, and by them after us', () => {
  it('UW-written, then our flags and expunge: UW agrees; then UW changes: we agree', async () => {
    const path = join(sb.dir, 'mixed-uw');
    await uwCreate(sb, path);
    for (let i = 1; i <= 4; i++) await uwAppend(sb, path, letter(i), { keywords: i % 2 ? ['odd'] : [] });
    const box = await driver().open(path, { readOnly: false });
    box.setFlags([2], 'add', Flag.Deleted, []);
    box.setFlags([3], 'add', Flag.Seen | Flag.Flagged, ['ours']);
    await box.expunge();
    await box.close();
    give(path);
    const after1 = await ours(path);
    assert.deepEqual(after1.messages.map((m) => m.uid), [1, 3, 4]);
    same(theirs(await uwFetch(sb, path)), after1, 'UW after our change');
    await uwStore(sb, path, [4], '+', { flags: ['\\Answered'], keywords: ['ours'] });
    await uwAppend(sb, path, letter(5));
    const uw = theirs(await uwFetch(sb, path));
    same(await ours(path), uw, 'ours after UW\'s change');
    assert.deepEqual(uw.messages.map((m) => m.uid), [1, 3, 4, 5]);
  });

  it('Dovecot-written, then our flags and expunge: Dovecot agrees; then Dovecot changes: we agree', async () => {
    const path = join(sb.dir, 'mixed-dovecot');
    await putSandboxFile(sb, path, '');
    for (let i = 1; i <= 4; i++) await dovecotAppend(sb, path, letter(i), { keywords: i % 2 ? ['odd'] : [] });
    const box = await driver().open(path, { readOnly: false });
    box.setFlags([1], 'add', Flag.Deleted, []);
    box.setFlags([4], 'add', Flag.Seen, ['ours']);
    await box.expunge();
    await box.close();
    give(path);
    const after1 = await ours(path);
    assert.deepEqual(after1.messages.map((m) => m.uid), [2, 3, 4]);
    same(theirs(await dovecotFetch(sb, path)), after1, 'Dovecot after our change', false);
    await dovecotStore(sb, path, [2], '+', { flags: ['\\Flagged'] });
    await dovecotAppend(sb, path, letter(5));
    const dv = theirs(await dovecotFetch(sb, path, { inPlace: true }));
    same(await ours(path), dv, 'ours after Dovecot\'s change', false);
    assert.deepEqual(dv.messages.map((m) => m.uid), [2, 3, 4, 5]);
  });
});

/** What our FETCH writer derives from each message, which the field cache keeps. */
const DERIVED = '(UID ENVELOPE BODYSTRUCTURE)';

describe('changed by them behind our saved index', () => {
  it('UW c-client, dmail, tmail, procmail, mailutil and Dovecot: each change is seen, as by a session without an index', async () => {
    const logger = new MemoryLogger();
    const control = new ControlDir({ path: mkdtempSync(join(sb.dir, 'control-')), uid: process.getuid?.() ?? 0, logger });
    const indexed = new MboxDriver({ journalDir: sb.dir, fsync: false, control, env: { hostname: 'ours.example', username: 'ours', logger } });
    let fromCache = 0;
    const look = async (path: string): Promise<View> => {
      const box = await indexed.open(path, { readOnly: false });
      try {
        const view = viewOf(box);
        // What the cache gives is what a session without one works out from the file as it is now.
        const mine = await fetchResponses(box, DERIVED, 'either');
        fromCache += mine.kept;
        const plain = await driver().open(path, { readOnly: true });
        try {
          assert.deepEqual(mine.lines, (await fetchResponses(plain, DERIVED, 'worked')).lines,
            'ENVELOPE and BODYSTRUCTURE, with the field cache as without');
        } finally {
          await plain.close();
        }
        return view;
      } finally {
        await box.close();
      }
    };
    const path = join(sb.dir, 'behind-index');
    const source = join(sb.dir, 'behind-index-source');
    await uwCreate(sb, path);
    for (let i = 1; i <= 4; i++) await uwAppend(sb, path, letter(i), { keywords: i % 2 ? ['odd'] : [] });
    await uwCreate(sb, source);
    await uwAppend(sb, source, letter(20));
    const steps: [string, () => Promise<unknown>][] = [
      ['UW STORE', () => uwStore(sb, path, [2], '+', { flags: ['\\Flagged'], keywords: ['uw'] })],
      ['UW EXPUNGE', () => uwExpunge(sb, path, [1])],
      ['dmail', () => dmailDeliver(sb, path, letter(10))],
      ['tmail', () => tmailDeliver(sb, path, letter(11))],
      ['procmail', () => procmailDeliver(sb, path, letter(12))],
      ['mailutil append', () => mailutilAppend(sb, source, path)],
      ['Dovecot STORE', () => dovecotStore(sb, path, [3], '-', { keywords: ['odd'] })],
      ['Dovecot EXPUNGE', () => dovecotExpunge(sb, path, [4])],
      ['Dovecot APPEND', () => dovecotAppend(sb, path, letter(13))],
    ];
    const index = control.fileFor('index', path) as string;
    for (const [what, change] of steps) {
      await look(path); // our session opens and closes: the index describes the file as it leaves it
      assert.ok(existsSync(index), `${what}: an index saved before the change`);
      give(path);
      await change();
      const seen = await look(path);
      same(seen, await ours(path), `${what}: with the index as without`);
      same(seen, theirs(await uwFetch(sb, path)), `${what}: as UW reads it`);
      give(path);
    }
    assert.ok(fromCache >= 20, `the messages that stayed were answered from the cache (${fromCache} times)`);
  });
});
