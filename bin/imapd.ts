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
import { serverMain } from './server.js';
import { serveImap } from './imapd-serve.js';

serverMain('imapd', serveImap);
