/**
 * ImapSession behaviours that need control over the connection or the file between commands: LOGINDISABLED and
 * no plaintext LOGIN where the backend forbids it, and `* BYE` when another program gives the selected mailbox a
 * new UIDVALIDITY (RFC 3501 §2.3.1.1: the session cannot go on).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { constants, inflateRawSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../lib/env/env.js';
import { MemoryLogger } from '../../lib/env/logger.js';
import { LineInput } from '../../lib/io/input.js';
import { ResponseSink } from '../../lib/io/sink.js';
import { capabilities, commandTable } from '../../lib/imap/commands/table.js';
import { ImapSession, type ImapBackend } from '../../lib/imap/session.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { UwMailStore } from '../../lib/mailbox/uw-store.js';

const dir = mkdtempSync(join(tmpdir(), 'imap-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function session(backend: Partial<ImapBackend>, preauth: UwMailStore | null, opts: { idleTimeoutS?: number } = {}) {
  const logger = new MemoryLogger();
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const full: ImapBackend = {
    plaintextAllowed: () => true, mechanisms: () => ['PLAIN'],
    login: async () => ({ ok: false, reason: 'bad-password', detail: 'x' }),
    sasl: () => null, loginFailed: async () => false, tls: null, alerts: async () => [],
    openStore: async () => {
      throw new Error('no');
    },
    ...backend,
  };
  const s = new ImapSession(new LineInput(toServer, 8192), new ResponseSink(fromServer), full, {
    hostname: 'test.example', version: 'v', logger, clock: systemClock, sessionId: 't',
    clientHost: '[192.0.2.9]', implicitTls: false, loginTimeoutS: 60, idleTimeoutS: opts.idleTimeoutS ?? 60,
    maxLiteral: 1 << 20, maxCommand: 1 << 21, maxBadCommands: 20, literalMinus: false,
  }, commandTable(), capabilities, preauth ? { user: 'u', store: preauth } : null);
  let out = '';
  fromServer.on('data', (d: Buffer) => {
    out += d.toString('latin1');
  });
  return { toServer, s, output: () => out, logger };
}

/** A store over a copy of the sample mailbox as INBOX. */
function sampleStore(cls: typeof UwMailStore = UwMailStore): UwMailStore {
  const home = mkdtempSync(join(dir, 'home-'));
  const inbox = join(home, 'INBOX');
  copyFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox'), inbox);
  return new cls({ driver: new MboxDriver({ journalDir: home, fsync: false }), home, inboxPath: inbox, allowOutsideHome: false });
}

/** Waits until the server's output contains `text`. */
async function until(output: () => string, text: string): Promise<void> {
  for (let i = 0; i < 200 && !output().includes(text); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(output().includes(text), `waiting for ${JSON.stringify(text)} in\n${output()}`);
}

describe('IMAP session', () => {
  it('advertises LOGINDISABLED and refuses LOGIN where plaintext is not allowed', async () => {
    const h = session({ plaintextAllowed: () => false, mechanisms: () => [] }, null);
    const done = h.s.run();
    h.toServer.end('a LOGIN bob secret\r\nb LOGOUT\r\n');
    await done;
    const lines = h.output().split('\r\n');
    assert.match(lines[0] ?? '', /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*LOGINDISABLED[^\]]*\] /);
    assert.doesNotMatch(lines[0] ?? '', /AUTH=PLAIN/);
    assert.equal(lines[1], 'a NO [PRIVACYREQUIRED] Plaintext login disallowed without TLS');
  });

  it('ends the session with * BYE when the selected mailbox gets a new UIDVALIDITY', async () => {
    const inbox = join(dir, 'INBOX');
    copyFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'sample.mbox'), inbox);
    const store = new UwMailStore({ driver: new MboxDriver({ journalDir: dir, fsync: false }), home: dir, inboxPath: inbox, allowOutsideHome: false });
    const h = session({}, store);
    const done = h.s.run();
    h.toServer.write('a SELECT INBOX\r\n');
    await until(h.output, 'a OK [READ-WRITE]');
    // Another program rewrites the file with new UID data.
    writeFileSync(inbox, readFileSync(inbox, 'latin1').replace('X-IMAP: 1793610000', 'X-IMAP: 1893610000'));
    h.toServer.write('b NOOP\r\n');
    await until(h.output, '* BYE [ALERT] Mailbox INBOX was changed by another program');
    h.toServer.end();
    await done;
    assert.doesNotMatch(h.output(), /b OK/);
  });

  it('IDLE ends with * BYE when the client stays silent past the autologout time (RFC 3501 §5.4)', async () => {
    const h = session({}, sampleStore(), { idleTimeoutS: 0.3 });
    const done = h.s.run();
    h.toServer.write('a SELECT INBOX\r\nb IDLE\r\n');
    const t0 = Date.now();
    await done;
    assert.ok(Date.now() - t0 >= 250);
    assert.match(h.output(), /\r\n\+ idling\r\n\* BYE Autologout; idle for too long\r\n$/);
    const last = h.logger.lines[h.logger.lines.length - 1]?.message ?? '';
    assert.match(last, /^Autologout user=u host=\[192\.0\.2\.9\] duration=\d+\.\d{3}s in=\d+ out=\d+ tls=no$/);
    h.toServer.end();
  });

  it('an unexpected error is NO [SERVERBUG] with an id the log carries; the session goes on; the log is bounded', async () => {
    class Broken extends UwMailStore {
      override async list(): Promise<never> {
        throw new TypeError('cannot read properties of undefined (/usr/local/lib/uwimap-ts/secret/path)');
      }
    }
    const h = session({}, sampleStore(Broken));
    const done = h.s.run();
    h.toServer.end(Array.from({ length: 6 }, (_, i) => `l${i} LIST "" *\r\n`).join('') + 'n NOOP\r\nz LOGOUT\r\n');
    await done;
    const lines = h.output().split('\r\n');
    for (let i = 0; i < 6; i++) assert.ok(lines.includes(`l${i} NO [SERVERBUG] Internal error, id t.${i + 1}`), h.output());
    assert.ok(lines.includes('n OK NOOP completed'));
    assert.ok(lines.includes('z OK LOGOUT completed'));
    assert.doesNotMatch(h.output(), /TypeError|secret|\/usr\//, 'nothing internal reaches the client');
    const logged = h.logger.lines.map((l) => l.message);
    assert.equal(logged.filter((m) => m.startsWith('Internal error ')).length, 4, logged.join('\n'));
    assert.match(logged[0] ?? '', /^Internal error t\.1 user=u host=\[192\.0\.2\.9\]: TypeError: cannot read .* at \S+/);
    assert.doesNotMatch(logged[0] ?? '', /\n/);
    assert.match(logged[3] ?? '', /^Internal error t\.4 .*further errors of this session are counted, not logged$/);
    assert.match(logged[logged.length - 1] ?? '', /^Logout user=u .* errors=6$/);
  });

  it('COMPRESS: input that does not inflate ends the session with * BYE, compressed, and a log line', async () => {
    const h = session({}, sampleStore());
    const done = h.s.run();
    h.toServer.write('a COMPRESS DEFLATE\r\n');
    await until(h.output, 'a OK DEFLATE active\r\n');
    h.toServer.end('b NOOP: not DEFLATE at all\r\n');
    await done;
    // Everything after the tagged OK is raw DEFLATE: inflated here as a client would (the compressor's flush may
    // still be on its way when the session's run returns).
    const ok = 'a OK DEFLATE active\r\n';
    const inflated = (): string => {
      const out = Buffer.from(h.output(), 'latin1');
      return inflateRawSync(out.subarray(out.indexOf(ok) + ok.length), { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1');
    };
    for (let i = 0; i < 200 && inflated() === ''; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(inflated(), '* BYE Compressed input could not be inflated\r\n');
    assert.match(h.logger.lines.map((l) => l.message).join('\n'), /compress=deflate/);
  });
});

