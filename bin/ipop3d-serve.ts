/**
 * One ipop3d connection, served: what bin/ipop3d.ts's main() does once the process is set up (configuration,
 * connection, TLS streams), as a function of those values. main() calls it with the process's identity; the
 * fuzzer's in-process mode (test/fuzz/) calls it with streams and an identity of its own, so both run the same
 * construction.
 */
import { join } from 'node:path';
import type { Connection, SessionStreams } from './connection.js';
import { loginBackend, preauthBackend, sessionLogin } from './login.js';
import { sessionSink } from './process.js';
import { sessionId, type Server } from './server.js';
import type { SessionIdentity } from './session-identity.js';
import { apopTimestamp } from '../lib/auth/apop.js';
import type { Account, AuthResult } from '../lib/auth/types.js';
import { LineInput } from '../lib/io/input.js';
import { MailboxError } from '../lib/mailbox/driver.js';
import { emptyMailbox } from '../lib/mailbox/empty.js';
import { Maildrop } from '../lib/pop3/maildrop.js';
import { lockMaildrop } from '../lib/mailbox/maildrop-lock.js';
import { inboxFile } from '../lib/mailbox/uw-inbox.js';
import { Pop3Session, type Pop3Backend, type Pop3Options } from '../lib/pop3/session.js';

const VERSION = '2007f.ts-0.1';

/**
 * Opens the maildrop for one POP3 session, as `account` (after the privilege drop): the user's INBOX, the spool file
 * `spool` or, as UW's ipop3d opens INBOX, `~/mbox` with the spool's mail moved in (lib/mailbox/uw-inbox.ts). The
 * POP3 lock in the account's control directory first, then the mailbox read-write.
 */
async function openMaildrop(server: Server, spool: string, account: Pick<Account, 'name' | 'uid' | 'home'>): Promise<Maildrop> {
  const driver = server.driver(account);
  const c = server.config;
  const inbox = await inboxFile(driver, account.home, spool, c.mboxInbox ? { snarfIntervalMs: c.snarfIntervalS * 1000 } : null);
  const path = inbox.path;
  const lock = await lockMaildrop(path, server.control(account), account.uid);
  try {
    const box = await driver.open(path, { readOnly: false, sizes: true, ...(inbox.snarf ? { snarf: inbox.snarf } : {}) });
    return new Maildrop(box, () => lock.release());
  } catch (e) {
    if (e instanceof MailboxError && e.code === 'NONEXISTENT') {
      // No mailbox yet: an empty maildrop (the first delivery creates the file), still held against other sessions.
      return new Maildrop(emptyMailbox(Math.floor(server.clock.now() / 1000)), () => lock.release());
    }
    await lock.release();
    throw e;
  }
}

/**
 * Serves one POP3 connection on `streams` to its end (QUIT, a fatal error, or the client going away) and ends the
 * output. `configError`: the configuration could not be loaded (the client gets `-ERR` only). Rejects on what the
 * session did not handle (the caller's business: bin/ipop3d.ts logs it and exits 1).
 */
export async function servePop3(server: Server, conn: Connection, streams: SessionStreams,
  configError: string | null, identity: SessionIdentity): Promise<void> {
  const c = server.config;
  const input = new LineInput(streams.input, 4096); // RFC 2449: commands within 255 octets; SASL responses longer
  const sink = await sessionSink(streams.output, { fatal: '-ERR [SYS/TEMP] Internal server error', config: '-ERR [SYS/TEMP] Server configuration error' }, configError);
  if (!sink) return;
  const opts: Pop3Options = {
    hostname: server.hostname, version: VERSION, uidlFormat: c.pop3UidlFormat, statusHeader: c.pop3StatusHeader,
    maxBadCommands: c.maxBadCommands, loginTimeoutS: c.pop3TimeoutS, timeoutS: c.pop3TimeoutS,
    logger: server.logger, clock: server.clock, sessionId: sessionId(server), clientHost: conn.clientHost,
    implicitTls: streams.tls,
  };

  const pre = await identity.preauth();
  if (pre) {
    const me = pre.account;
    const path = pre.inbox;
    let drop: Maildrop;
    try {
      drop = await openMaildrop(server, path, me);
    } catch (e) {
      const inUse = e instanceof MailboxError && e.code === 'INUSE';
      sink.write(`-ERR ${inUse ? '[IN-USE] Mailbox in use by another POP3 session' : "[SYS/TEMP] Can't open mailbox"}\r\n`);
      server.logger.log('info', `Error opening or locking INBOX user=${me.name} host=${conn.clientHost}: ${(e as Error).message}`);
      await sink.end();
      return;
    }
    const backend: Pop3Backend = preauthBackend({
      apopStamp: null,
      apop: async (): Promise<AuthResult> => ({ ok: false, reason: 'unavailable', detail: 'already logged in' }),
      openMaildrop: async () => {
        throw new MailboxError('IO', 'already logged in');
      },
    });
    server.logger.log('info', `pre-authenticated user=${me.name} host=${conn.clientHost}`);
    await new Pop3Session(input, sink, backend, opts, { maildrop: drop, user: me.name }).run();
    await sink.end();
    return;
  }

  // Root: a login is needed. Everything that needs root (shadow, cram-md5.pwd, the TLS key) is read now.
  const flow = sessionLogin(server, conn, 'pop', input, sink, streams.tls);
  const stamp = flow.apopOffered ? apopTimestamp({ pid: server.pid, clock: server.clock, hostname: server.hostname }) : null;
  const backend: Pop3Backend = loginBackend(flow, {
    apopStamp: stamp,
    apop: (user: string, digest: string) => flow.apop(stamp, user, digest),
    async openMaildrop(result: Extract<AuthResult, { ok: true }>) {
      identity.becomeUser(result.account);
      return openMaildrop(server, join(c.spoolDir, result.account.name), result.account);
    },
  });
  await new Pop3Session(input, sink, backend, opts).run();
  await sink.end();
}
