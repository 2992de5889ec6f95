/**
 * imapd: the IMAP4rev1 server, one process per connection, on fd 0 (inetd, xinetd, systemd Accept=yes) or
 * stdin/stdout.
 *
 * - Started as root (inetd): `* OK [CAPABILITY ...]`, LOGIN / AUTHENTICATE (PLAIN, LOGIN, CRAM-MD5 when
 *   /etc/cram-md5.pwd is safe) / STARTTLS; after a login the process becomes the user (initgroups, setgid,
 *   setuid, chdir home) before any mailbox is touched.
 * - Started by a user (`ssh host imapd`, a client's tunnel command, Python's imaplib.IMAP4_stream):
 *   `* PREAUTH [CAPABILITY ...]` as that user; INBOX is `$MAIL` when set, else `<spool_dir>/<user>`.
 *
 * Flags: -c FILE (configuration), -S (implicit TLS; also the imaps port or a program name starting with `s`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  authentication, connection, currentAccount, dropPrivileges, loginFlow, onFatal, parseFlags, runningAsRoot,
  sessionId, sessionStreams, runMain, startServer, type Server,
} from './server-common.js';
import type { Account, AuthResult } from '../lib/auth/types.js';
import { LineInput } from '../lib/io/input.js';
import { fileSpool } from '../lib/io/spool.js';
import { ResponseSink } from '../lib/io/sink.js';
import { UwMailStore } from '../lib/mailbox/uw-store.js';
import { ImapSession, type ImapBackend, type ImapOptions } from '../lib/imap/session.js';
import { capabilities, commandTable } from '../lib/imap/commands/table.js';

const VERSION = '2007f.ts-0.1';

function storeFor(server: Server, account: Account, inboxPath: string): UwMailStore {
  return new UwMailStore({
    driver: server.driver(account.name), home: account.home, inboxPath,
    allowOutsideHome: server.config.allowMailboxPathsOutsideHome,
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

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const { server, error } = startServer('imapd', flags);
  const conn = connection();
  const c = server.config;
  const streams = await sessionStreams(server, conn, flags, 'imapd', error !== null);
  if (!streams) return;
  const input = new LineInput(streams.input, c.maxLineLength);
  const sink = new ResponseSink(streams.output);
  onFatal(async () => {
    sink.write('* BYE Internal server error\r\n');
    await sink.end();
  });
  if (error) {
    sink.write('* BYE Server configuration error\r\n');
    await sink.end();
    return;
  }
  const opts: ImapOptions = {
    hostname: server.hostname, version: VERSION, logger: server.logger, clock: server.clock,
    sessionId: sessionId(server), clientHost: conn.clientHost, implicitTls: streams.tls,
    loginTimeoutS: c.imapLoginTimeoutS, idleTimeoutS: c.imapIdleTimeoutS, maxLiteral: c.maxLiteral,
    maxCommand: c.maxLiteral + c.maxLineLength, maxBadCommands: c.maxBadCommands,
    spool: () => fileSpool(c.journalDir),
  };
  const table = commandTable();

  if (!runningAsRoot()) {
    const me = currentAccount();
    const inbox = process.env.MAIL || join(c.spoolDir, me.name);
    const none = async (): Promise<AuthResult> => ({ ok: false, reason: 'unavailable', detail: 'already logged in' });
    const backend: ImapBackend = {
      plaintextAllowed: () => false, mechanisms: () => [], login: none, sasl: () => null,
      loginFailed: async () => false, tls: null, alerts: () => alerts(server, me.home),
      openStore: async () => {
        throw new Error('already logged in');
      },
    };
    server.logger.log('info', `Preauthenticated user=${me.name} host=${conn.clientHost}`);
    await new ImapSession(input, sink, backend, opts, table, capabilities,
      { user: me.name, store: storeFor(server, me, inbox) }).run();
    await sink.end();
    return;
  }

  const auth = authentication(server, conn);
  const flow = loginFlow(server, conn, auth, 'imap', input, sink, streams.tls);
  let home: string | null = null;
  const backend: ImapBackend = {
    plaintextAllowed: () => flow.plaintextAllowed(),
    mechanisms: () => flow.mechanisms(),
    login: (user, password) => flow.login(user, password),
    sasl: (mechanism) => flow.sasl(mechanism),
    loginFailed: () => flow.loginFailed(),
    get tls() {
      return flow.tls;
    },
    async openStore(result) {
      dropPrivileges(result.account);
      home = result.account.home;
      return storeFor(server, result.account, join(c.spoolDir, result.account.name));
    },
    alerts: () => alerts(server, home),
  };
  await new ImapSession(input, sink, backend, opts, table, capabilities).run();
  await sink.end();
}

runMain(main);
