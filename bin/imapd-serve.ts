/**
 * One imapd connection, served: what bin/imapd.ts's main() does once the process is set up (configuration,
 * connection, TLS streams), as a function of those values. main() calls it with the process's identity; the
 * fuzzer's in-process mode (test/fuzz/) calls it with streams and an identity of its own, so both run the same
 * construction.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, SessionStreams } from './connection.js';
import { loginBackend, preauthBackend, sessionLogin } from './login.js';
import { sessionSink } from './process.js';
import { sessionId, type Server } from './server.js';
import type { SessionIdentity } from './session-identity.js';
import type { Account, AuthResult } from '../lib/auth/types.js';
import { LineInput } from '../lib/io/input.js';
import { fileSpool } from '../lib/io/spool.js';
import type { UwMailStore } from '../lib/mailbox/uw-store.js';
import { userStore } from './user-store.js';
import { ImapSession, type ImapBackend, type ImapOptions } from '../lib/imap/session.js';
import { capabilities, commandTable } from '../lib/imap/commands/table.js';

const VERSION = '2007f.ts-0.1';

function storeFor(server: Server, account: Account, inboxPath: string): UwMailStore {
  return userStore({
    config: server.config, account, inboxPath, driver: server.driver(account), control: server.control(account),
  });
}

/** UW's alerts: /etc/imapd.alert for everyone, ~/.imapalert for the user (read once per login). */
async function alerts(server: Server, home: string | null): Promise<string[]> {
  const out: string[] = [];
  for (const f of [server.config.alertFile, ...(home ? [join(home, '.imapalert')] : [])]) {
    try {
      const lines = (await readFile(f, 'utf8')).split('\n');
      // Control characters could break the response line: drop them.
      out.push(...lines.map((l) => [...l].filter((ch) => ch >= ' ').join('')).filter(Boolean));
    } catch {
      /* no alert file */
    }
  }
  return out;
}

/**
 * Serves one IMAP connection on `streams` to its end (LOGOUT, BYE, or the client going away) and ends the output.
 * `configError`: the configuration could not be loaded (the client gets `* BYE` only). Rejects on what the session
 * did not handle (the caller's business: bin/imapd.ts logs it and exits 1).
 */
export async function serveImap(server: Server, conn: Connection, streams: SessionStreams,
  configError: string | null, identity: SessionIdentity): Promise<void> {
  const c = server.config;
  const input = new LineInput(streams.input, c.maxLineLength);
  const sink = await sessionSink(streams.output, { fatal: '* BYE Internal server error', config: '* BYE Server configuration error' }, configError);
  if (!sink) return;
  const opts: ImapOptions = {
    hostname: server.hostname, version: VERSION, logger: server.logger, clock: server.clock,
    sessionId: sessionId(server), clientHost: conn.clientHost, implicitTls: streams.tls,
    loginTimeoutS: c.imapLoginTimeoutS, idleTimeoutS: c.imapIdleTimeoutS, maxLiteral: c.maxLiteral,
    maxCommand: c.maxLiteral + c.maxLineLength, maxBadCommands: c.maxBadCommands,
    literalMinus: c.imapLiteralMinus,
    spool: () => fileSpool(c.journalDir),
  };
  const table = commandTable();

  const pre = await identity.preauth();
  if (pre) {
    const me = pre.account;
    const backend: ImapBackend = preauthBackend({
      alerts: () => alerts(server, me.home),
      openStore: async () => {
        throw new Error('already logged in');
      },
    });
    server.logger.log('info', `Preauthenticated user=${me.name} host=${conn.clientHost}`);
    await new ImapSession(input, sink, backend, opts, table, capabilities,
      { user: me.name, store: storeFor(server, me, pre.inbox) }).run();
    await sink.end();
    return;
  }

  // Root: a login is needed. Everything that needs root (shadow, cram-md5.pwd, the TLS key) is read now.
  const flow = sessionLogin(server, conn, 'imap', input, sink, streams.tls);
  let home: string | null = null;
  const backend: ImapBackend = loginBackend(flow, {
    async openStore(result: Extract<AuthResult, { ok: true }>) {
      identity.becomeUser(result.account);
      home = result.account.home;
      return storeFor(server, result.account, join(c.spoolDir, result.account.name));
    },
    alerts: () => alerts(server, home),
  });
  await new ImapSession(input, sink, backend, opts, table, capabilities).run();
  await sink.end();
}
