/**
 * The client connection: fd 0 as a socket under inetd/systemd, else stdin/stdout (a pipe, a terminal, ssh), and
 * its byte streams once implicit TLS (imaps, pop3s) has been negotiated.
 */
import { fstatSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ServiceName } from '../lib/env/config.js';
import { formatHost } from '../lib/env/syslog.js';
import { isLoopback } from '../lib/auth/login-guard.js';
import { createTlsOptions, socketFromFd, upgradeToTls } from '../lib/io/tls.js';
import { wantsImplicitTls, type Flags } from './flags.js';
import type { Server } from './server.js';

export interface Connection {
  readonly input: Readable;
  readonly output: Writable;
  /** The socket on fd 0, when it is one (STARTTLS/STLS and implicit TLS need it). */
  readonly socket: Socket | null;
  readonly remoteAddress: string | null;
  /** The client as UW logs it: `name [address]`, `[address]`, or `localhost` for a pipe. */
  readonly clientHost: string;
  /** The peer is this machine (plaintext logins always allowed). */
  readonly loopback: boolean;
  /** Our port on the connection (993/995 mean implicit TLS), null when not a TCP socket. */
  readonly localPort: number | null;
}

/** The client connection: fd 0 as a socket under inetd/systemd, else stdin/stdout (a pipe, a terminal, ssh). */
export function connection(): Connection {
  // fd 0 is the connection only when fd 1 is the same socket (inetd, systemd): a parent that spawns us with two
  // socketpairs for stdin and stdout (Node's child_process, some tunnels) must be answered on fd 1.
  let same: boolean;
  try {
    const a = fstatSync(0);
    const b = fstatSync(1);
    same = a.isSocket() && a.ino === b.ino && a.dev === b.dev;
  } catch {
    same = false;
  }
  const c = same ? socketFromFd(0) : null;
  if (c?.kind === 'socket') {
    const addr = c.remoteAddress;
    return {
      input: c.socket, output: c.socket, socket: c.socket, remoteAddress: addr,
      clientHost: addr ? formatHost(null, addr) : 'localhost', loopback: addr === null || isLoopback(addr),
      localPort: c.socket.localPort ?? null,
    };
  }
  return {
    input: process.stdin, output: process.stdout, socket: null, remoteAddress: null, clientHost: 'localhost',
    loopback: true, localPort: null,
  };
}

/** The byte streams a session speaks on, and whether they are encrypted already. */
export interface SessionStreams {
  readonly input: Readable;
  readonly output: Writable;
  readonly tls: boolean;
}

/**
 * The connection's byte streams: with implicit TLS (imaps, pop3s) the handshake comes first, and without a usable
 * certificate there is no session at all (null: logged, socket closed). Otherwise the plain streams.
 */
export async function sessionStreams(server: Server, conn: Connection, flags: Flags, service: ServiceName,
  configBroken: boolean): Promise<SessionStreams | null> {
  const sslService = service === 'imapd' ? 'imaps' : 'pop3s';
  if (configBroken || !conn.socket || !wantsImplicitTls(flags, sslService, conn.localPort)) {
    return { input: conn.input, output: conn.output, tls: false };
  }
  try {
    const options = createTlsOptions(server.config, service);
    if (!options) throw new Error(`no certificate (${server.config.tlsCert ?? 'default'}) for ${sslService}`);
    const tls = await upgradeToTls(conn.socket, options);
    return { input: tls, output: tls, tls: true };
  } catch (e) {
    server.logger.log('err', `${sslService}: TLS failed host=${conn.clientHost}: ${(e as Error).message}`);
    conn.socket.destroy();
    return null;
  }
}
