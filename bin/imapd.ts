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
import { connection, parseFlags, runMain, sessionStreams, startServer } from './server-common.js';
import { serveImap } from './imapd-serve.js';
import { processIdentity } from './session-identity.js';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const { server, error } = startServer('imapd', flags);
  const conn = connection();
  const streams = await sessionStreams(server, conn, flags, 'imapd', error !== null);
  if (!streams) return;
  await serveImap(server, conn, streams, error, processIdentity(server.config.spoolDir));
}

runMain(main);
