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
import type { TLSSocket } from 'node:tls';
import {
  authentication, connection, currentAccount, dropPrivileges, parseFlags, randomBytes, runningAsRoot,
  silenceStdio, startServer, wantsImplicitTls, type Server,
} from './server-common.js';
import { completeSaslLogin } from '../lib/auth/checker.js';
import { createSaslMechanism, saslMechanismNames, type SaslStep } from '../lib/auth/sasl.js';
import type { Account, AuthResult, SaslStepResult } from '../lib/auth/types.js';
import { LineInput } from '../lib/io/input.js';
import { ResponseSink } from '../lib/io/sink.js';
import { createTlsOptions, upgradeToTls } from '../lib/io/tls.js';
import { UwMailStore } from '../lib/mailbox/uw-store.js';
import { ImapSession, type ImapBackend, type ImapOptions } from '../lib/imap/session.js';
import { capabilities, commandTable } from '../lib/imap/commands/table.js';

silenceStdio();
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
  let implicitTls: TLSSocket | null = null;
  if (!error && conn.socket && wantsImplicitTls(flags, 'imaps', conn.localPort)) {
    try {
      const options = createTlsOptions(c, 'imapd');
      if (!options) throw new Error(`no certificate (${c.tlsCert ?? 'default'}) for imaps`);
      implicitTls = await upgradeToTls(conn.socket, options);
    } catch (e) {
      server.logger.log('err', `imaps: TLS failed host=${conn.clientHost}: ${(e as Error).message}`);
      conn.socket.destroy();
      return;
    }
  }
  const input = new LineInput(implicitTls ?? conn.input, c.maxLineLength);
  const sink = new ResponseSink(implicitTls ?? conn.output);
  if (error) {
    sink.write('* BYE Server configuration error\r\n');
    await sink.end();
    return;
  }
  const opts: ImapOptions = {
    hostname: server.hostname, version: VERSION, logger: server.logger, clientHost: conn.clientHost,
    loginTimeoutS: c.imapLoginTimeoutS, idleTimeoutS: c.imapIdleTimeoutS, maxLiteral: c.maxLiteral,
    maxCommand: c.maxLiteral + c.maxLineLength, maxBadCommands: c.maxBadCommands,
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
  let tlsActive = implicitTls !== null;
  let tlsOptions = null;
  try {
    tlsOptions = conn.socket && !implicitTls ? createTlsOptions(c, 'imapd') : null;
  } catch (e) {
    server.logger.log('err', `TLS not offered: ${(e as Error).message}`);
  }
  const ctx = { service: 'imap' as const, rhost: conn.remoteAddress ?? '' };
  const complete = (step: SaslStep): Promise<AuthResult> | SaslStepResult => {
    if (step.kind === 'challenge') return step;
    if (step.kind === 'fail') return { kind: 'fail', reason: step.reason };
    return completeSaslLogin(step, { checker: auth.checker, accounts: auth.accounts, ctx });
  };
  const toResult = async (r: Promise<AuthResult> | SaslStepResult): Promise<SaslStepResult> =>
    r instanceof Promise ? { kind: 'done', result: await r } : r;
  const socket = conn.socket;
  const tls = tlsOptions;
  const starter = tls && socket ? {
    async start(): Promise<void> {
      const tlsSocket = await upgradeToTls(socket, tls);
      tlsActive = true;
      input.switchTo(tlsSocket);
      await sink.switchTo(tlsSocket);
    },
  } : null;
  let home: string | null = null;
  const backend: ImapBackend = {
    plaintextAllowed: () => auth.plaintextAllowed(tlsActive),
    mechanisms: () => saslMechanismNames(auth.cram !== null).filter((m) => m === 'CRAM-MD5' || auth.plaintextAllowed(tlsActive)),
    async login(user, password) {
      if (auth.guard.screen([user]) === 'disconnect') return { ok: false, reason: 'unavailable', detail: 'too many failures' };
      return auth.checker.check(user, password, ctx);
    },
    sasl(mechanism) {
      const m = createSaslMechanism(mechanism, {
        ...(auth.cram ? { cram: { secrets: auth.cram, random: randomBytes, clock: server.clock, hostname: server.hostname } } : {}),
      });
      if (!m || (m.plaintext && !auth.plaintextAllowed(tlsActive))) return null;
      return {
        start: (initial) => toResult(complete(m.start(initial))),
        respond: (data) => toResult(complete(m.respond(data))),
      };
    },
    async loginFailed() {
      return (await auth.guard.failed()) === 'disconnect';
    },
    async openStore(result) {
      dropPrivileges(result.account);
      home = result.account.home;
      return storeFor(server, result.account, join(c.spoolDir, result.account.name));
    },
    get tls() {
      return tlsActive ? null : starter;
    },
    alerts: () => alerts(server, home),
  };
  await new ImapSession(input, sink, backend, opts, table, capabilities).run();
  await sink.end();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.emit('uncaughtException', e instanceof Error ? e : new Error(String(e)));
  },
);
