/**
 * ipop3d: the POP3 server, one process per connection, speaking on fd 0 (inetd, xinetd, systemd Accept=yes) or on
 * stdin/stdout.
 *
 * - Started as root (inetd): AUTHORIZATION state; USER/PASS, APOP (when /etc/cram-md5.pwd is present and safe),
 *   AUTH PLAIN/LOGIN/CRAM-MD5, STLS when a certificate is configured. After a successful login the process becomes
 *   the user (initgroups, setgid, setuid, chdir home) and only then opens `<spool>/<user>`.
 * - Started by a user (a mail client's tunnel or fetchmail's `plugin`, ssh): no login; TRANSACTION state on `$MAIL`
 *   when set, else `<spool>/<user>`.
 *
 * Flags: -c FILE (configuration, default /etc/uwimap-ts.conf). See lib/env/config.ts for the keys.
 */
import { serverMain } from './server.js';
import { servePop3 } from './ipop3d-serve.js';

serverMain('ipop3d', servePop3);
