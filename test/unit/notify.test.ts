/**
 * NOTIFY (RFC 5465): its grammar (lib/wire/notify-args.ts), the store's watch on mailboxes that are not open
 * (MailStore.watch), and that a session closes every watch it opened: at NOTIFY NONE, at a new NOTIFY SET, at its end.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { LineInput } from '../../lib/io/input.js';
import { ResponseSink } from '../../lib/io/sink.js';
import { capabilities, commandTable } from '../../lib/imap/commands/table.js';
import { ImapSession, type ImapBackend } from '../../lib/imap/session.js';
import type { Notifier } from '../../lib/imap/notify.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import type { StoreWatch } from '../../lib/mailbox/store.js';
import { UwMailStore } from '../../lib/mailbox/uw-store.js';
import { notifyArgs } from '../../lib/wire/notify-args.js';
import { ArgCursor, ParseError } from '../../lib/wire/parser.js';

const dir = mkdtempSync(join(tmpdir(), 'notify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const parse = (args: string): ReturnType<typeof notifyArgs> => notifyArgs(ArgCursor.of(args));

describe('NOTIFY arguments', () => {
  // The example's "(subtree Lists (MessageNew))" breaks §5's own MUST (MessageNew and MessageExpunge together, else
  // BAD), which is followed here: MessageExpunge is added.
  it('reads NONE and the RFC 5465 §3.1 example (with erratum 1804)', () => {
    assert.deepEqual(parse(' NONE'), { kind: 'NONE' });
    const r = parse(' set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) ' +
      '(subtree Lists (MessageNew MessageExpunge)) (mailboxes (misc "a b") (messagenew messageexpunge))');
    assert.equal(r.kind, 'SET');
    if (r.kind !== 'SET') return;
    assert.equal(r.status, true);
    assert.deepEqual(r.groups.map((g) => g.filter), [
      { kind: 'SELECTED' }, { kind: 'SUBTREE', mailboxes: ['Lists'] }, { kind: 'MAILBOXES', mailboxes: ['misc', 'a b'] },
    ]);
    const sel = r.groups[0]?.events ?? [];
    assert.deepEqual(sel.map((e) => e.name), ['MessageNew', 'MessageExpunge']);
    assert.deepEqual(sel[0]?.fetch?.map((f) => f.kind), ['UID', 'body-section']);
    // Event names are matched without regard to case and kept in the RFC's spelling.
    assert.deepEqual(r.groups[2]?.events.map((e) => e.name), ['MessageNew', 'MessageExpunge']);
  });

  it('reads NONE events, every filter, and an extension event by its name', () => {
    const r = parse(' SET (SELECTED-DELAYED NONE) (INBOXES (MessageNew MessageExpunge FlagChange)) (PERSONAL (MailboxName ' +
      'SubscriptionChange)) (SUBSCRIBED (XFoo))');
    assert.ok(r.kind === 'SET');
    assert.deepEqual(r.groups.map((g) => [g.filter.kind, g.events.map((e) => e.name)]), [
      ['SELECTED-DELAYED', []], ['INBOXES', ['MessageNew', 'MessageExpunge', 'FlagChange']],
      ['PERSONAL', ['MailboxName', 'SubscriptionChange']], ['SUBSCRIBED', ['XFoo']],
    ]);
  });

  for (const [args, why] of [
    [' SET', 'no event group'],
    [' SET ', 'empty event groups'],
    [' SET STATUS', 'STATUS alone'],
    [' SET (personal)', 'no events'],
    [' SET (personal ())', 'an empty event list'],
    [' SET (personal MessageNew)', 'events not in parentheses'],
    [' SET (subtree (MessageNew MessageExpunge))', 'SUBTREE without a mailbox'],
    [' SET (mailboxes () (MessageNew MessageExpunge))', 'an empty mailbox list'],
    [' SET (bogus (MessageNew MessageExpunge))', 'an unknown filter'],
    [' SET (personal (MessageNew))', 'MessageNew without MessageExpunge'],
    [' SET (personal (MessageExpunge))', 'MessageExpunge without MessageNew'],
    [' SET (personal (FlagChange MailboxName))', 'FlagChange without MessageNew'],
    [' SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)', 'SELECTED twice'],
    [' SET (selected (SubscriptionChange))', 'a mailbox event with SELECTED'],
    [' SET (personal (MailboxName MailboxName))', 'an event twice'],
    [' SET (personal (MessageNew (BOGUS) MessageExpunge))', 'a bad fetch attribute'],
    [' SET (personal (MailboxName)) junk', 'junk after the groups'],
    [' NONE (personal (MailboxName))', 'NONE with arguments'],
    [' GET', 'neither SET nor NONE'],
  ]) {
    it(`refuses ${why}`, () => assert.throws(() => parse(args ?? ''), ParseError));
  }
});

/** A store over a copy of the sample mailbox as INBOX, with a count of the watches it has open. */
class CountingStore extends UwMailStore {
  watching = 0;
  override watch(names: readonly string[], onChange: () => void): StoreWatch {
    const w = super.watch(names, onChange);
    this.watching++;
    let closed = false;
    return {
      get live() {
        return w.live;
      },
      get paths() {
        return w.paths;
      },
      close: () => {
        if (!closed) this.watching--;
        closed = true;
        w.close();
      },
    };
  }
}

/** The session's notifier now (a call, so that the checker does not narrow it across awaits). */
const current = (s: ImapSession): Notifier | null => s.notifications;

function sampleStore(): CountingStore {
  const home = mkdtempSync(join(dir, 'home-'));
  const inbox = join(home, 'INBOX');
  copyFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox'), inbox);
  return new CountingStore({ driver: new MboxDriver({ journalDir: home, fsync: false }), home, inboxPath: inbox, allowOutsideHome: false });
}

describe('MailStore.watch', () => {
  it('is told of a write to a watched mailbox and of a new file beside it, and never after close', async () => {
    const store = sampleStore();
    await store.create('box');
    let calls = 0;
    const w = store.watch(['INBOX', 'box'], () => calls++);
    assert.equal(w.live, true);
    assert.ok(w.paths >= 2);
    appendFileSync(store.resolve('box').path, 'From x Thu Jan  1 00:00:00 2026\nSubject: a\n\nb\n');
    for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 1, 'one call for a burst');
    writeFileSync(join(store.resolve('box').path, '..', 'other'), '');
    for (let i = 0; i < 100 && calls === 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 2);
    appendFileSync(store.resolve('box').path, 'From x Thu Jan  1 00:00:00 2026\nSubject: c\n\nd\n');
    w.close();
    w.close();
    assert.equal(w.paths, 0);
    assert.equal(w.live, false);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calls, 2, 'no call after close');
  });

  it('is not live when a path cannot be watched', () => {
    const store = sampleStore();
    rmSync(store.resolve('INBOX').path);
    const w = store.watch(['INBOX'], () => undefined);
    assert.equal(w.live, false);
    w.close();
  });
});

/** A preauthenticated session over `store`, with its output. */
function sessionOn(store: UwMailStore) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const backend: ImapBackend = {
    plaintextAllowed: () => true, mechanisms: () => [], login: async () => ({ ok: false, reason: 'bad-password', detail: 'x' }),
    sasl: () => null, loginFailed: async () => false, tls: null, alerts: async () => [],
    openStore: async () => store,
  };
  const s = new ImapSession(new LineInput(toServer, 8192), new ResponseSink(fromServer), backend, {
    hostname: 'test.example', version: 'v', logger: new MemoryLogger(), clock: systemClock, sessionId: 't',
    clientHost: '[192.0.2.9]', implicitTls: false, loginTimeoutS: 60, idleTimeoutS: 60,
    maxLiteral: 1 << 20, maxCommand: 1 << 21, maxBadCommands: 20, literalMinus: false,
  }, commandTable(), capabilities, { user: 'u', store });
  let out = '';
  fromServer.on('data', (d: Buffer) => {
    out += d.toString('latin1');
  });
  const until = async (text: string): Promise<void> => {
    for (let i = 0; i < 500 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(out.includes(text), `waiting for ${text} in\n${out}`);
  };
  return { s, toServer, until, output: () => out };
}

describe('NOTIFY limits', () => {
  it('refuses a SET over 200 mailboxes, and ends one that grows past them with OK [NOTIFICATIONOVERFLOW]', async () => {
    const store = sampleStore();
    const home = join(store.resolve('x').path, '..');
    for (let i = 1; i < 200; i++) writeFileSync(join(home, `box${i}`), '');
    const h = sessionOn(store);
    const done = h.s.run();
    // INBOX and 199 others: at the limit.
    h.toServer.write('a NOTIFY SET (personal (MessageNew MessageExpunge))\r\n');
    await h.until('a OK');
    assert.notEqual(current(h.s), null);
    writeFileSync(join(home, 'box200'), '');
    await h.until('* OK [NOTIFICATIONOVERFLOW]');
    assert.equal(current(h.s), null);
    assert.equal(store.watching, 0);
    h.toServer.write('b NOTIFY SET (personal (MessageNew MessageExpunge))\r\n');
    await h.until('b NO [NOTIFICATIONOVERFLOW]');
    assert.equal(store.watching, 0);
    h.toServer.write('c NOTIFY SET (mailboxes (box1 box2) (MessageNew MessageExpunge))\r\n');
    await h.until('c OK');
    h.toServer.end();
    await done;
    assert.equal(store.watching, 0);
  });
});

describe('NOTIFY in a session', () => {
  it('closes its watches at NOTIFY NONE, at a new NOTIFY SET and at the end of the session', async () => {
    const store = sampleStore();
    const { s, toServer, until } = sessionOn(store);
    const done = s.run();
    toServer.write('a SELECT INBOX\r\nb NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MailboxName))\r\n');
    await until('b OK');
    assert.equal(store.watching, 1);
    assert.ok((s.notifications?.watches ?? 0) >= 2, 'the store and the selected mailbox are watched');
    toServer.write('c NOTIFY SET (inboxes (MessageNew MessageExpunge))\r\n');
    await until('c OK');
    assert.equal(store.watching, 1, 'the first SET\'s watch was closed');
    toServer.write('d NOTIFY NONE\r\n');
    await until('d OK');
    assert.equal(store.watching, 0);
    assert.equal(s.notifications, null);
    toServer.write('e NOTIFY SET (personal (MessageNew MessageExpunge))\r\n');
    await until('e OK');
    const n = current(s);
    assert.equal(store.watching, 1);
    toServer.end();
    await done;
    assert.equal(store.watching, 0, 'the session\'s end closed it');
    assert.equal(n?.watches, 0);
  });
});
