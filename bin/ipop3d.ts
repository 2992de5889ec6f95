/**
 * ipop3d: the POP3 server, one process per connection, speaking on stdin/stdout (inetd, xinetd, systemd
 * Accept=yes).
 *
 * Started by a user (not root: a mail client's tunnel or `plugin` command, ssh), there is no login: the session is
 * in TRANSACTION state on `$MAIL` when set, else `<spool>/<user>`, as UW's ipop3d and imapd's PREAUTH mode.
 *
 * This is the only POP3 code that touches `process`. Nothing but protocol bytes may reach fds 1 and 2 (under inetd
 * they are the socket): warnings are silenced, stderr is muted, failures go to the log.
 */
import { userInfo, hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { LineInput } from '../lib/io/input.js';
import { ResponseSink } from '../lib/io/sink.js';
import { MailboxError } from '../lib/mailbox/driver.js';
import { emptyMailbox } from '../lib/mailbox/empty.js';
import { MboxDriver } from '../lib/mailbox/mbox/mbox-driver.js';
import { createMailboxLocking } from '../lib/lock/mailbox-locking.js';
import { DotlockRegistry } from '../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../lib/lock/dotlock-host.js';
import { systemClock } from '../lib/env/env.js';
import { nullLogger, type Logger } from '../lib/env/logger.js';
import { Maildrop } from '../lib/pop3/maildrop.js';
import { lockMaildrop } from '../lib/pop3/exclusive.js';
import { Pop3Session, type Pop3Backend } from '../lib/pop3/session.js';

const VERSION = '2007f.ts-0.1';

// fds 1 and 2 are the client's socket under inetd: no warning or stray message may ever reach them.
process.removeAllListeners('warning');
process.on('warning', () => undefined);
process.stderr.write = (() => true) as typeof process.stderr.write;

interface Settings {
  spoolDir: string;
  journalDir: string;
  lockTimeoutS: number;
  logger: Logger;
}

const settings: Settings = { spoolDir: '/var/mail', journalDir: '/var/tmp', lockTimeoutS: 60, logger: nullLogger };

const registry = new DotlockRegistry();
const releaseLocks = (): void => {
  registry.releaseAllSync();
};
process.on('exit', releaseLocks);
for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGPIPE'] as const) {
  process.on(sig, () => {
    releaseLocks();
    process.exit(sig === 'SIGPIPE' ? 0 : 1);
  });
}
process.on('uncaughtException', (e) => {
  settings.logger.log('err', `ipop3d: ${e.stack ?? e.message}`);
  releaseLocks();
  process.exit(1);
});

function driverFor(logger: Logger): MboxDriver {
  const host = osHostname();
  const locking = createMailboxLocking({
    registry, host: dotlockHostFromProcess(process, host), timeoutMs: settings.lockTimeoutS * 1000, logger,
  });
  let username = 'MAILER-DAEMON';
  try {
    username = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return new MboxDriver({ env: { logger, clock: systemClock, hostname: host, username }, locking, journalDir: settings.journalDir });
}

/** Opens the maildrop at `path` for one POP3 session: the POP3 lock first, then the mailbox read-write. */
async function openMaildrop(path: string, uid: number): Promise<Maildrop> {
  const driver = driverFor(settings.logger);
  let l: Awaited<ReturnType<typeof lockMaildrop>>;
  try {
    l = await lockMaildrop(path, settings.journalDir, uid);
  } catch (e) {
    if (e instanceof MailboxError || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // No mailbox yet: an empty maildrop (the first delivery creates the file).
    return new Maildrop(emptyMailbox(Math.floor(Date.now() / 1000)));
  }
  try {
    const box = await driver.open(path, { readOnly: false });
    return new Maildrop(box, () => l.release());
  } catch (e) {
    await l.release();
    throw e;
  }
}

async function main(): Promise<void> {
  // RFC 2449 bounds commands at 255 octets; SASL responses can be longer.
  const input = new LineInput(process.stdin, 4096);
  const sink = new ResponseSink(process.stdout);
  const uid = process.getuid?.() ?? 0;
  const host = osHostname();
  const opts = {
    hostname: host, version: VERSION, uidlFormat: 'uw' as const, statusHeader: true, maxBadCommands: 20,
    loginTimeoutS: 600, timeoutS: 600, logger: settings.logger, clientHost: 'localhost',
  };
  if (uid !== 0) {
    const me = userInfo();
    const path = process.env.MAIL || join(settings.spoolDir, me.username);
    let drop: Maildrop;
    try {
      drop = await openMaildrop(path, uid);
    } catch (e) {
      const inUse = e instanceof MailboxError && e.code === 'INUSE';
      sink.write(`-ERR ${inUse ? '[IN-USE] Mailbox in use by another POP3 session' : "[SYS/TEMP] Can't open mailbox"}\r\n`);
      settings.logger.log('info', `Error opening or locking INBOX user=${me.username}: ${(e as Error).message}`);
      await sink.end();
      return;
    }
    const backend: Pop3Backend = {
      apopStamp: null,
      plaintextAllowed: () => false,
      mechanisms: () => [],
      login: async () => ({ ok: false, reason: 'unavailable', detail: 'already logged in' }),
      apop: async () => ({ ok: false, reason: 'unavailable', detail: 'already logged in' }),
      sasl: () => null,
      loginFailed: async () => false,
      openMaildrop: async () => {
        throw new MailboxError('IO', 'already logged in');
      },
      tls: null,
    };
    await new Pop3Session(input, sink, backend, opts, { maildrop: drop, user: me.username }).run();
    await sink.end();
    return;
  }
  // Started as root (inetd): login comes with lib/auth (issue 3); until then no login is possible.
  sink.write('-ERR [SYS/TEMP] Login not available yet\r\n');
  await sink.end();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    settings.logger.log('err', `ipop3d: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    releaseLocks();
    process.exit(1);
  },
);
