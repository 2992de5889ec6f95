/**
 * TLS for the servers: STARTTLS (IMAP, RFC 3501 §6.2.1 / RFC 2595) and STLS (POP3, RFC 2595 §4) upgrade the
 * connection the client is already on, and imaps/pop3s (RFC 8314 implicit TLS) start with the same upgrade before
 * the greeting.
 *
 * As in UW's ssl_unix.c, the certificate is looked up per service (`/etc/ssl/certs/imapd.pem`,
 * `/etc/ssl/private/imapd.pem`, or the configured files) when a connection starts; a missing default certificate
 * just means no TLS (STARTTLS/STLS are not advertised and plain sessions go on), while a certificate that is
 * configured but missing, unreadable or invalid is an error the server logs. Clients may ask for another host name
 * by SNI; `tls_cert.NAME` entries answer them. Versions below TLS 1.2 are never accepted.
 *
 * Under inetd the connection is fd 0 (and 1, and 2): {@link socketFromFd} wraps it in a net.Socket, which is the
 * only way to run TLS over it. Run from a shell or ssh, fd 0 is a pipe or a tty and no TLS is possible.
 */
import { fstatSync, readFileSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { tlsCertFile, tlsKeyFile, type Config, type ServiceName } from '../env/config.js';

/** Reads a whole file; throws an errno error (`code` 'ENOENT' when it does not exist). */
export type ReadFile = (path: string) => Buffer;

/** A TLS configuration that cannot be used: an unreadable or invalid certificate or key. `file` is the culprit. */
export class TlsConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

/** A TLS handshake that failed (bad client hello, refused version, timeout, peer gone). */
export class TlsHandshakeError extends Error {
  constructor(
    message: string,
    /** OpenSSL's or Node's code (`ERR_SSL_UNSUPPORTED_PROTOCOL`...), 'ETIMEDOUT', or 'ECONNRESET' (peer left). */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TlsHandshakeError';
  }
}

/** What Node's SNICallback receives. */
type SniCallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/** Everything {@link upgradeToTls} needs; built once per connection by {@link createTlsOptions}. */
export interface TlsServerOptions {
  /** The default certificate's context (also used when no SNI entry matches). */
  readonly secureContext: SecureContext;
  readonly SNICallback: SniCallback;
  /** The default certificate file, for log lines. */
  readonly certFile: string;
  /** The configured SNI names (lower case), in order. */
  readonly sniNames: readonly string[];
  /** How long a client may take to complete the handshake. */
  readonly handshakeTimeoutMs: number;
}

/** A client that has not finished its handshake in this long is dropped (UW has no limit beyond the idle timer). */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;

function errnoCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads `file`; null when it does not exist; throws TlsConfigError for any other failure. */
function readOptional(readFile: ReadFile, file: string, what: string): Buffer | null {
  try {
    return readFile(file);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw new TlsConfigError(`cannot read the TLS ${what} ${file}: ${describe(e)}`, file);
  }
}

function readRequired(readFile: ReadFile, file: string, what: string): Buffer {
  const data = readOptional(readFile, file, what);
  if (data === null) throw new TlsConfigError(`the TLS ${what} ${file} does not exist`, file);
  return data;
}

const CERT_PEM = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----/;
const KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/;

interface PemFile {
  readonly file: string;
  readonly data: Buffer;
}

/**
 * A context for one certificate/key pair; `keyFile` null means the key is to be in the certificate file, and
 * `why` then says why (for the error when it is not). Throws TlsConfigError naming the files.
 */
function buildContext(config: Config, cert: PemFile, keyFile: PemFile | null, why = ''): SecureContext {
  const key = keyFile ?? cert;
  if (!CERT_PEM.test(cert.data.toString('latin1'))) {
    throw new TlsConfigError(`${cert.file} holds no PEM certificate`, cert.file);
  }
  if (!KEY_PEM.test(key.data.toString('latin1'))) {
    const hint = keyFile === null && why !== '' ? ` (${why})` : '';
    throw new TlsConfigError(`${key.file} holds no PEM private key${hint}`, key.file);
  }
  try {
    return createSecureContext({
      cert: cert.data,
      key: key.data,
      minVersion: config.tlsMinVersion,
      ciphers: config.tlsCiphers,
      honorCipherOrder: true,
    });
  } catch (e) {
    const files = key.file === cert.file ? cert.file : `${cert.file} and ${key.file}`;
    throw new TlsConfigError(`cannot use ${files}: ${describe(e)}`, cert.file);
  }
}

/**
 * The TLS setup for `service`: the default certificate and one context per `tls_cert.NAME` entry, all with
 * `tls_min_version`, `tls_ciphers` and the server's cipher order.
 *
 * Returns null when the certificate is UW's default file and it does not exist: the server then offers no TLS.
 * Throws {@link TlsConfigError} when a configured certificate or key (default, or SNI) is missing, when a file
 * cannot be read (EACCES: a server not running as root cannot read /etc/ssl/private), when a file holds no PEM
 * certificate or key, when key and certificate do not match, or when OpenSSL rejects the cipher list.
 * `readFile` is for tests. Call it while still root: the key is normally readable by root only.
 */
export function createTlsOptions(
  config: Config,
  service: ServiceName,
  readFile: ReadFile = readFileSync,
): TlsServerOptions | null {
  const certFile = tlsCertFile(config, service);
  const certData = readOptional(readFile, certFile, 'certificate');
  if (certData === null) {
    if (config.tlsCert === null) return null;
    throw new TlsConfigError(`the TLS certificate ${certFile} does not exist`, certFile);
  }
  const keyFile = tlsKeyFile(config, service);
  let key: PemFile | null = null;
  if (config.tlsKey !== null || keyFile.path !== certFile) {
    const data = keyFile.fallbackToCert
      ? readOptional(readFile, keyFile.path, 'key')
      : readRequired(readFile, keyFile.path, 'key');
    key = data === null ? null : { file: keyFile.path, data };
  }
  const why = keyFile.fallbackToCert ? `${keyFile.path} does not exist` : 'tls_key is not set';
  const secureContext = buildContext(config, { file: certFile, data: certData }, key, why);

  const byName = new Map<string, SecureContext>();
  for (const entry of config.tlsSni) {
    const sniCert = { file: entry.cert, data: readRequired(readFile, entry.cert, `certificate for ${entry.name}`) };
    const sniKey =
      entry.key === null ? null : { file: entry.key, data: readRequired(readFile, entry.key, `key for ${entry.name}`) };
    byName.set(entry.name, buildContext(config, sniCert, sniKey, `tls_key.${entry.name} is not set`));
  }

  const SNICallback: SniCallback = (servername, cb) => {
    const name = servername.toLowerCase().replace(/\.$/, '');
    const dot = name.indexOf('.');
    const ctx = byName.get(name) ?? (dot > 0 ? byName.get(`*${name.slice(dot)}`) : undefined) ?? secureContext;
    cb(null, ctx);
  };

  return Object.freeze({
    secureContext,
    SNICallback,
    certFile,
    sniNames: Object.freeze([...byName.keys()]),
    handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  });
}

/**
 * Runs the server side of a TLS handshake over `socket` (STARTTLS/STLS after the OK/+OK was written, or at once
 * for implicit TLS) and resolves with the encrypted socket once the handshake is done. Rejects with
 * {@link TlsHandshakeError} if the handshake fails, the peer goes away, or it takes longer than `timeoutMs`; the
 * socket is destroyed then.
 *
 * The caller must, before calling: stop reading `socket` (remove its own listeners) and throw away any bytes its
 * reader buffered after the STARTTLS line. Bytes still in `socket`'s own buffer go to TLS, where anything but a
 * client hello fails the handshake; so plaintext a client (or an attacker, CVE-2011-0411) sent after STARTTLS is
 * never run as a command. After resolution the caller owns the TLSSocket and must listen for its 'error' events.
 */
export function upgradeToTls(
  socket: Socket | Duplex,
  options: TlsServerOptions,
  timeoutMs: number = options.handshakeTimeoutMs,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext: options.secureContext,
      SNICallback: options.SNICallback,
      requestCert: false,
      rejectUnauthorized: false,
    });
    let settled = false;
    const timer = setTimeout(() => {
      fail(new TlsHandshakeError(`TLS handshake not completed in ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      tlsSocket.off('secure', onSecure);
      tlsSocket.off('error', onError);
      tlsSocket.off('close', onClose);
    };
    const fail = (err: TlsHandshakeError): void => {
      if (settled) return;
      cleanup();
      // Swallow whatever the destroyed socket still reports: the rejection carries the reason.
      tlsSocket.on('error', () => {});
      tlsSocket.destroy();
      reject(err);
    };
    const onSecure = (): void => {
      if (settled) return;
      cleanup();
      resolve(tlsSocket);
    };
    const onError = (e: unknown): void => {
      fail(new TlsHandshakeError(`TLS handshake failed: ${describe(e)}`, errnoCode(e) ?? 'ETLS', { cause: e }));
    };
    const onClose = (): void => {
      fail(new TlsHandshakeError('connection closed during the TLS handshake', 'ECONNRESET'));
    };
    tlsSocket.once('secure', onSecure);
    tlsSocket.on('error', onError);
    tlsSocket.once('close', onClose);
  });
}

/** What {@link socketFromFd} found. */
export type FdConnection =
  | {
      readonly kind: 'socket';
      /** Readable and writable; half-open allowed (the caller ends it, so a reply to a half-closed client goes out). */
      readonly socket: Socket;
      /** The peer's IP address (IPv4-mapped IPv6 as the kernel reports it), null for an AF_UNIX socket. */
      readonly remoteAddress: string | null;
      readonly remotePort: number | null;
      /** Our own address, null for an AF_UNIX socket. */
      readonly localAddress: string | null;
    }
  | {
      readonly kind: 'not-socket';
      /** Why not: "a pipe", "a terminal", "fd 0 is not open"... for a log line. */
      readonly reason: string;
    };

function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a pipe';
  if (st.isCharacterDevice()) return 'a terminal or device';
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  return 'not a socket';
}

/**
 * The connection on `fd` (0 under inetd) as a net.Socket, if `fd` is a socket; otherwise why not (started from a
 * shell, from ssh/rsh as UW's PREAUTH mode is, or with fd 0 closed). No net.Socket is made for a non-socket, so a
 * pipe or tty is left untouched for the plain stdin/stdout path. `fstat` is for tests.
 *
 * The socket starts reading at once (into its own buffer, up to its high-water mark); whoever reads commands
 * should attach to it straight away. Under inetd fds 1 and 2 are the same socket: write through this one only.
 */
export function socketFromFd(fd: number, fstat: (fd: number) => Stats = fstatSync): FdConnection {
  let st: Stats;
  try {
    st = fstat(fd);
  } catch (e) {
    return { kind: 'not-socket', reason: `fd ${fd} is not open (${errnoCode(e) ?? describe(e)})` };
  }
  if (!st.isSocket()) return { kind: 'not-socket', reason: `fd ${fd} is ${fileKind(st)}` };
  let socket: Socket;
  try {
    socket = new Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  } catch (e) {
    return { kind: 'not-socket', reason: `fd ${fd} cannot be used as a stream socket: ${describe(e)}` };
  }
  return {
    kind: 'socket',
    socket,
    remoteAddress: socket.remoteAddress ?? null,
    remotePort: socket.remotePort ?? null,
    localAddress: socket.localAddress ?? null,
  };
}
