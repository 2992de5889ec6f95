/**
 * QRESYNC through the real bin/imapd (RFC 7162 §3.2.5, §3.2.10, §6), as a property: random sequences of STORE
 * (+FLAGS, -FLAGS, FLAGS, .SILENT, keywords), APPEND, EXPUNGE and UID EXPUNGE by three sessions that stay selected
 * (one plain, one with CONDSTORE, one with QRESYNC) and deliveries by another program (dotlockfile + cat, as a
 * delivery agent appends under the dotlock) and changes by a program that knows nothing of our index (flags set and
 * messages expunged by test/fixtures/expunger.ts), each session and program a process of its own on one mbox.
 *
 * Two clients keep what RFC 7162 §6 lets a client keep: per UID its flags and MODSEQ, the UIDVALIDITY and the
 * HIGHESTMODSEQ.
 * - The disconnected client, after every step, starts a new session, ENABLE QRESYNC, SELECT INBOX (QRESYNC
 *   (uidvalidity highestmodseq [known-uids])), applies the VANISHED (EARLIER) and FETCH responses (and, when it named
 *   its UIDs, fetches the messages above them), and must then hold exactly the UIDs, flags and MODSEQs that
 *   `UID FETCH 1:* (FLAGS MODSEQ)` shows in that session; no MODSEQ is above HIGHESTMODSEQ, and HIGHESTMODSEQ never
 *   goes back. (A message's MODSEQ is the same in every session: the MODSEQs a client keeps from one hold in the
 *   next.)
 * - The connected client stays selected in one long-lived QRESYNC session, stores flags itself now and then, and
 *   otherwise only hears of changes when it sends NOOP: it applies VANISHED (never EXPUNGE, and only of UIDs it was
 *   told of), FETCH (always with UID and MODSEQ) and EXISTS (then fetches the new messages), and computes its
 *   HIGHESTMODSEQ as §6 says (the HIGHESTMODSEQ response code when one was sent, else the highest MODSEQ seen).
 *   After every step its state, as it would be if the connection dropped there, must resynchronise in a new session
 *   exactly as the disconnected client's does (the §3.2 rule: no change may be lost when expunges are held back);
 *   at the end, after a NOOP, it must equal a full FETCH in its own session.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { StdioServer } from './stdio-server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
/** As root the programs run as nobody (imapd started as root would ask for a login); otherwise as ourselves. */
const AS_ROOT = process.getuid?.() === 0;
const IDS = AS_ROOT ? { uid: 65534, gid: 65534 } : {};
const FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', 'work', 'todo'];

const dir = mkdtempSync(join(tmpdir(), 'qresync-'));
if (AS_ROOT) chownSync(dir, 65534, 65534);
const servers: StdioServer[] = [];
after(() => {
  for (const s of servers) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

type Op = '+' | '-' | '';
type Step =
  | { kind: 'store'; who: number; pick: number; op: Op; flags: number; silent: boolean }
  | { kind: 'expunge'; who: number; from: number | null }
  | { kind: 'append'; who: number; flags: number }
  | { kind: 'deliver' }
  | { kind: 'outside' }
  | { kind: 'own-store'; pick: number; op: Op; flags: number }
  | { kind: 'noop' };

const op = fc.constantFrom<Op>('+', '-', '');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('store' as const), who: fc.nat(2), pick: fc.nat(1000), op,
    flags: fc.nat(127), silent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expunge' as const), who: fc.nat(2),
    from: fc.option(fc.integer({ min: 1, max: 12 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('append' as const), who: fc.nat(2), flags: fc.nat(127) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('outside' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('own-store' as const), pick: fc.nat(1000), op, flags: fc.nat(127) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('noop' as const) }) },
);

const flagList = (bits: number): string => FLAGS.filter((_, i) => bits & (1 << i)).join(' ');
/** Flags as compared: \Recent is the session's own view (RFC 3501 §2.3.2), the rest sorted. */
const normal = (flags: string): string => flags.split(' ').filter((f) => f && f !== '\\Recent').sort().join(' ');

/** The numbers of an IMAP sequence set without "*" ("1:3,7"). */
function numbers(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b = a] = part.split(':').map(Number) as [number, number?];
    for (let n = Math.min(a, b); n <= Math.max(a, b); n++) out.push(n);
  }
  return out;
}

/** A message as a client caches it. */
interface Known { flags: string; modseq: number }
interface Cache { uidValidity: number; highest: number; messages: Map<number, Known> }
const clone = (c: Cache): Cache => ({ ...c, messages: new Map(c.messages) });

/** `* n FETCH (...)`: its UID (when there), MODSEQ (when there) and flags (when there). */
function fetchData(line: string): { uid: number | null; modseq: number | null; flags: string | null } | null {
  const m = /^\* \d+ FETCH \((.*)\)$/.exec(line);
  if (!m) return null;
  const body = m[1] as string;
  const uid = /(?:^| )UID (\d+)/.exec(body);
  const modseq = /(?:^| )MODSEQ \((\d+)\)/.exec(body);
  const flags = /(?:^| )FLAGS \(([^)]*)\)/.exec(body);
  return { uid: uid ? Number(uid[1]) : null, modseq: modseq ? Number(modseq[1]) : null,
    flags: flags ? normal(flags[1] as string) : null };
}

/** One imapd session, PREAUTH, as the mailbox's owner. */
class Session {
  private n = 0;
  /** Messages the session was told of: EXISTS, less expunges (for STORE by message number). */
  count = 0;
  private constructor(readonly srv: StdioServer) {}

  static async start(home: string): Promise<Session> {
    const srv = new StdioServer({ argv: [join(ROOT, 'bin', 'imapd'), '-c', join(home, 'imapd.conf')],
      env: { HOME: home, MAIL: join(home, 'INBOX'), PATH }, cwd: home, ...IDS });
    servers.push(srv);
    assert.match(await srv.line() ?? '', /^\* PREAUTH /);
    return new Session(srv);
  }

  /** Sends a command; its untagged lines, and its tagged line, which must be OK. Keeps {@link count}. */
  async ok(text: string): Promise<{ lines: string[]; tagged: string }> {
    const r = await this.send(text);
    assert.match(r.tagged, /^t\d+ OK/, `${text.split('\r\n')[0]}: ${r.tagged}`);
    return r;
  }

  /** Sends a command; its untagged lines, and its tagged line, whatever it says. Keeps {@link count}. */
  async send(text: string): Promise<{ lines: string[]; tagged: string }> {
    const tag = `t${++this.n}`;
    const lines = await this.srv.imap(tag, text);
    const tagged = lines.pop() as string;
    for (const l of lines) {
      let m: RegExpExecArray | null;
      if ((m = /^\* (\d+) EXISTS$/.exec(l))) this.count = Number(m[1]);
      else if (/^\* \d+ EXPUNGE$/.test(l)) this.count--;
      else if ((m = /^\* VANISHED (\S+)$/.exec(l))) this.count -= numbers(m[1] as string).length;
    }
    return { lines, tagged };
  }

  async logout(): Promise<void> {
    await this.ok('LOGOUT');
    assert.equal(await this.srv.end(), 0);
  }
}

/** The whole mailbox as `UID FETCH 1:* (FLAGS MODSEQ)` shows it in `s`, and checks that no MODSEQ is above `highest`. */
async function fullFetch(s: Session, highest: number): Promise<Map<number, Known>> {
  const out = new Map<number, Known>();
  if (s.count === 0) return out;
  for (const l of (await s.ok('UID FETCH 1:* (FLAGS MODSEQ)')).lines) {
    const f = fetchData(l);
    if (!f) continue;
    assert.ok(f.uid !== null && f.modseq !== null && f.flags !== null, l);
    assert.ok(f.modseq <= highest, `MODSEQ ${f.modseq} above HIGHESTMODSEQ ${highest}: ${l}`);
    out.set(f.uid, { flags: f.flags, modseq: f.modseq });
  }
  return out;
}

/**
 * RFC 7162 §6 with a new session: SELECT (QRESYNC ...), VANISHED (EARLIER) before any FETCH (§3.2.6), FETCH with
 * UID, FLAGS and MODSEQ (§3.2.5.1); with known UIDs named, the new messages are fetched after. Then `cache` must
 * equal a full FETCH in the same session.
 */
async function resynchronise(home: string, cache: Cache, nameUids: boolean, what: string): Promise<void> {
  const s = await Session.start(home);
  try {
    assert.deepEqual((await s.ok('ENABLE QRESYNC')).lines, ['* ENABLED QRESYNC']);
    const uids = [...cache.messages.keys()].sort((a, b) => a - b);
    const known = nameUids && uids.length ? ` ${uids.join(',')}` : '';
    const sel = await s.ok(`SELECT INBOX (QRESYNC (${cache.uidValidity} ${cache.highest}${known}))`);
    let highest: number | null = null;
    let fetched = false;
    for (const l of sel.lines) {
      let m: RegExpExecArray | null;
      if ((m = /^\* OK \[UIDVALIDITY (\d+)\]/.exec(l))) assert.equal(Number(m[1]), cache.uidValidity, 'UIDVALIDITY kept');
      else if ((m = /^\* OK \[HIGHESTMODSEQ (\d+)\]/.exec(l))) highest = Number(m[1]);
      else if ((m = /^\* VANISHED \(EARLIER\) (\S+)$/.exec(l))) {
        assert.ok(!fetched, `VANISHED (EARLIER) after a FETCH: ${JSON.stringify(sel.lines)}`);
        for (const uid of numbers(m[1] as string)) cache.messages.delete(uid);
      } else if (/^\* VANISHED /.test(l) || /^\* \d+ EXPUNGE$/.test(l)) assert.fail(`in SELECT: ${l}`);
      else {
        const f = fetchData(l);
        if (!f) continue;
        fetched = true;
        assert.ok(f.uid !== null && f.modseq !== null && f.flags !== null, `FETCH with UID, MODSEQ, FLAGS: ${l}`);
        assert.ok(f.modseq > cache.highest, `a message unchanged since ${cache.highest} told: ${l}`);
        cache.messages.set(f.uid, { flags: f.flags, modseq: f.modseq });
      }
    }
    assert.ok(highest !== null, 'HIGHESTMODSEQ');
    assert.ok(highest >= cache.highest, `HIGHESTMODSEQ went back: ${highest} < ${cache.highest}`);
    if (known && s.count > 0) {
      const top = uids[uids.length - 1] as number;
      for (const l of (await s.ok(`UID FETCH ${top + 1}:* (FLAGS MODSEQ)`)).lines) {
        const f = fetchData(l);
        if (f && f.uid !== null && f.uid > top && f.modseq !== null && f.flags !== null) {
          cache.messages.set(f.uid, { flags: f.flags, modseq: f.modseq });
        }
      }
    }
    const full = await fullFetch(s, highest);
    assert.deepEqual(cache.messages, full, `resynchronised ${what}`);
    cache.highest = highest;
    await s.logout();
  } finally {
    s.srv.kill();
  }
}

/** The connected client: one QRESYNC session that stays selected. */
class Connected {
  readonly cache: Cache;
  private constructor(readonly s: Session, cache: Cache) {
    this.cache = cache;
  }

  static async start(home: string): Promise<Connected> {
    const s = await Session.start(home);
    assert.deepEqual((await s.ok('ENABLE QRESYNC')).lines, ['* ENABLED QRESYNC']);
    const sel = await s.ok('SELECT INBOX');
    const uv = /\[UIDVALIDITY (\d+)\]/.exec(sel.lines.join('\n'));
    const h = /\[HIGHESTMODSEQ (\d+)\]/.exec(sel.lines.join('\n'));
    assert.ok(uv && h, JSON.stringify(sel.lines));
    const highest = Number(h[1]);
    return new Connected(s, { uidValidity: Number(uv[1]), highest, messages: await fullFetch(s, highest) });
  }

  /** Sends a command and applies what it tells (RFC 7162 §3.2.10.2, §3.2.4, §6), then fetches new messages. */
  async command(text: string): Promise<void> {
    // A UID STORE of a message another session has expunged, which this one has not been told of yet, may be a NO
    // (RFC 2180 §4.2.1); what came with it is applied all the same.
    const r = await this.s.send(text);
    assert.match(r.tagged, /^t\d+ (OK|NO)/, `${text}: ${r.tagged}`);
    this.apply(r);
    if (this.s.count > this.cache.messages.size) {
      const top = Math.max(0, ...this.cache.messages.keys());
      this.apply(await this.s.ok(`UID FETCH ${top + 1}:* (FLAGS MODSEQ)`));
    }
  }

  private apply(r: { lines: string[]; tagged: string }): void {
    let code: number | null = null;
    let seen = 0;
    for (const l of [...r.lines, r.tagged]) {
      let m: RegExpExecArray | null;
      if ((m = /^(?:\*|t\d+) OK \[HIGHESTMODSEQ (\d+)\]/.exec(l))) code = Number(m[1]);
      else if (/^\* \d+ EXPUNGE$/.test(l)) assert.fail(`EXPUNGE once QRESYNC is on: ${l}`);
      else if ((m = /^\* VANISHED (.*)$/.exec(l))) {
        assert.doesNotMatch(l, /EARLIER/, 'VANISHED (EARLIER) outside SELECT and UID FETCH (VANISHED)');
        for (const uid of numbers(m[1] as string)) {
          assert.ok(this.cache.messages.delete(uid), `VANISHED of UID ${uid}, which the client was never told of`);
        }
      } else {
        const f = fetchData(l);
        if (!f) continue;
        assert.ok(f.uid !== null && f.modseq !== null, `FETCH with UID and MODSEQ once QRESYNC is on: ${l}`);
        seen = Math.max(seen, f.modseq);
        const old = this.cache.messages.get(f.uid);
        const flags = f.flags ?? old?.flags;
        assert.ok(flags !== undefined, `FETCH without FLAGS of a message the client does not know: ${l}`);
        this.cache.messages.set(f.uid, { flags, modseq: f.modseq });
      }
    }
    // §6: the HIGHESTMODSEQ response code when one came, even below MODSEQs seen; else the highest MODSEQ seen.
    if (code !== null) this.cache.highest = code;
    else if (seen > this.cache.highest) this.cache.highest = seen;
  }

  /** After a NOOP, what the client holds is what a full FETCH in its session shows. */
  async check(): Promise<void> {
    await this.command('NOOP');
    assert.deepEqual(this.cache.messages, await fullFetch(this.s, Number.MAX_SAFE_INTEGER), 'the connected client');
  }
}

let runs = 0;

/** A fresh mailbox of three messages, owned by the user the programs run as, and the configuration they read. */
function setUp(): string {
  const home = join(dir, `run${++runs}`);
  mkdirSync(home);
  writeFileSync(join(home, 'imapd.conf'), `journal_dir = ${join(home, 'journal')}\n` +
    `syslog_socket = ${join(home, 'no-syslog')}\nalert_file = ${join(home, 'no-alert')}\n` +
    `nologin_file = ${join(home, 'no-nologin')}\ncram_md5_file = ${join(home, 'no-cram-md5')}\n`);
  let mbox = '';
  for (let i = 1; i <= 3; i++) mbox += `From a@example.org Sat Nov 21 11:00:0${i} 2026\nSubject: first ${i}\n\nbody ${i}\n\n`;
  writeFileSync(join(home, 'INBOX'), mbox);
  mkdirSync(join(home, 'journal'));
  if (AS_ROOT) for (const f of ['', 'imapd.conf', 'INBOX', 'journal']) chownSync(join(home, f), 65534, 65534);
  return home;
}

/** Another program delivers: the dotlock liblockfile users take, then the shell's append. */
async function deliver(home: string, n: number): Promise<void> {
  const box = join(home, 'INBOX');
  const msg = join(home, `delivery${n}`);
  writeFileSync(msg, `From agent@example.org Sat Nov 21 12:30:00 2026\nSubject: delivered ${n}\n\nmail ${n}\n\n`);
  await run('/bin/sh', ['-c', 'dotlockfile -l -r 20 -p "$1.lock" && { cat "$2" >> "$1"; dotlockfile -u "$1.lock"; }',
    'sh', box, msg], { timeout: 30_000, ...IDS });
}

/**
 * Another program changes flags and expunges, knowing nothing of our saved index and change log (as UW's or mutt's
 * writes are to us): test/fixtures/expunger.ts flags every third message and expunges every seventh.
 */
async function outside(home: string): Promise<void> {
  await run(process.execPath, [join(ROOT, 'dist', 'test', 'fixtures', 'expunger.js'), join(home, 'INBOX'),
    join(home, 'journal'), '0'], { timeout: 30_000, ...IDS });
}

describe('QRESYNC through bin/imapd', () => {
  it('a client resynchronising by RFC 7162 §6 after every step holds what a full FETCH shows', { timeout: 120_000 },
    async () => {
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const home = setUp();
        const opened: Session[] = [];
        try {
          // A first session takes the messages' \Recent and leaves: the sessions after it keep an index that is
          // the file's alone, saved for the next (the expunges it remembers are what VANISHED (EARLIER) tells).
          const first = await Session.start(home);
          opened.push(first);
          await first.ok('SELECT INBOX');
          await first.logout();
          // Three sessions that change the mailbox: plain, CONDSTORE, QRESYNC.
          const writers: Session[] = [];
          for (const enable of [null, 'CONDSTORE', 'QRESYNC']) {
            const w = await Session.start(home);
            opened.push(w);
            if (enable) await w.ok(`ENABLE ${enable}`);
            await w.ok('SELECT INBOX');
            writers.push(w);
          }
          const connected = await Connected.start(home);
          opened.push(connected.s);
          const disconnected = clone(connected.cache);
          let n = 0;
          for (const [i, s] of steps.entries()) {
            const what = `after ${JSON.stringify(s)} (step ${i + 1})`;
            if (s.kind === 'store' || s.kind === 'expunge' || s.kind === 'append') {
              const w = writers[s.who] as Session;
              if (s.kind === 'store' && w.count > 0) {
                await w.ok(`STORE ${1 + (s.pick % w.count)} ${s.op}FLAGS${s.silent ? '.SILENT' : ''} (${flagList(s.flags)})`);
              } else if (s.kind === 'expunge') {
                await w.ok(s.from === null ? 'EXPUNGE' : `UID EXPUNGE ${s.from}:*`);
              } else if (s.kind === 'append') {
                const body = `Subject: appended ${++n}\r\n\r\nbody ${n}\r\n`;
                await w.ok(`APPEND INBOX (${flagList(s.flags)}) {${body.length}+}\r\n${body}`);
              }
            } else if (s.kind === 'deliver') {
              await deliver(home, ++n);
            } else if (s.kind === 'outside') {
              await outside(home);
            } else if (s.kind === 'own-store') {
              const uids = [...connected.cache.messages.keys()];
              if (uids.length) {
                await connected.command(`UID STORE ${uids[s.pick % uids.length] as number} ${s.op}FLAGS (${flagList(s.flags)})`);
              }
            } else {
              await connected.command('NOOP');
            }
            await resynchronise(home, disconnected, i % 2 === 0, `disconnected client ${what}`);
            // The connected client's state as it stands, were its connection to drop now.
            await resynchronise(home, clone(connected.cache), i % 2 === 1, `connected client ${what}`);
          }
          await connected.check();
          for (const s of opened.slice(1)) await s.logout();
        } finally {
          for (const s of opened) s.srv.kill();
          rmSync(home, { recursive: true, force: true });
        }
      }), {
        numRuns: 12, seed: 7162,
        // Run first: another session's expunge, then a STORE of the connected client's own while that expunge is
        // held back (no EXPUNGE or VANISHED during a STORE: RFC 3501 §7.4.1), whose FETCH carries a higher MODSEQ.
        examples: [[[
          { kind: 'store', who: 1, pick: 0, op: '+', flags: 8, silent: true },
          { kind: 'expunge', who: 1, from: null },
          { kind: 'own-store', pick: 2, op: '+', flags: 1 },
        ]]],
      });
    });
});
