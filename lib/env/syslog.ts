/**
 * Logging to syslog, the way UW imapd does (openlog(ident, LOG_PID, LOG_MAIL)): one RFC 3164 datagram per line,
 * `<PRI>Mmm dd hh:mm:ss ident[pid]: message`, sent to the local syslog socket (/dev/log). Under inetd fds 0, 1 and
 * 2 are the client's socket, so this logger never writes anywhere else, not even when syslog is down: a line that
 * cannot be sent is dropped and counted.
 *
 * Node cannot send AF_UNIX datagrams, so the sending itself is injected ({@link DatagramSend}; bin/ passes the
 * native addon's unixDgramSend). Everything else here is pure and tested byte for byte.
 *
 * Log lines carry text chosen by clients (user names, host names from reverse DNS), so control characters are
 * removed before sending: a user name holding CR LF could otherwise forge a whole line (`... host=x [1.2.3.4]`)
 * for fail2ban to act on.
 */
import type { Clock } from './env.js';
import type { Logger, LogLevel } from './logger.js';

/**
 * Sends one datagram to the AF_UNIX datagram socket at `path`. Returns 0, or the errno of the failure (ENOENT,
 * ECONNREFUSED, EAGAIN...). May throw; the logger catches it. Must not block for long (the native addon sends with
 * MSG_DONTWAIT).
 */
export type DatagramSend = (path: string, data: Buffer) => number;

/** syslog's LOG_MAIL. */
export const FACILITY_MAIL = 2;

/** Severities of RFC 3164 §4.1.1 (LOG_ERR ... LOG_DEBUG). */
export const SEVERITY: Readonly<Record<LogLevel, number>> = Object.freeze({
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
});

/** RFC 3164 §4.1: "The total length of the packet MUST be 1024 bytes or less." */
export const MAX_DATAGRAM = 1024;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * RFC 3164's TIMESTAMP, `Mmm dd hh:mm:ss` (day padded with a space, C-locale month names), for `time` (ms since
 * the epoch) in a zone `zoneMinutes` east of UTC: local time, as syslog(3) writes it.
 */
export function syslogTimestamp(time: number, zoneMinutes: number): string {
  const d = new Date(time + zoneMinutes * 60_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${MONTHS[d.getUTCMonth()] ?? '???'} ${day} ${clock}`;
}

/**
 * `text` without C0 controls (CR, LF, TAB, NUL ...), DEL, C1 controls and the Unicode line and paragraph
 * separators: what is left cannot end or fake a log line.
 */
export function sanitizeLogText(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      out += text.slice(start, i);
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** The fields of one datagram. */
export interface SyslogRecord {
  readonly facility: number;
  readonly level: LogLevel;
  /** ms since the epoch. */
  readonly time: number;
  /** minutes east of UTC, for the timestamp. */
  readonly zone: number;
  readonly ident: string;
  readonly pid: number;
  readonly message: string;
}

/**
 * The datagram for `record`: `<PRI>TIMESTAMP ident[pid]: message` with PRI = facility * 8 + severity, the message
 * sanitized ({@link sanitizeLogText}) and cut (at a UTF-8 character boundary) so that the whole datagram is at
 * most `maxBytes` bytes. No trailing newline (glibc's syslog() sends none to /dev/log either).
 */
export function formatSyslogDatagram(record: SyslogRecord, maxBytes = MAX_DATAGRAM): Buffer {
  const pri = record.facility * 8 + SEVERITY[record.level];
  const header = Buffer.from(
    `<${pri}>${syslogTimestamp(record.time, record.zone)} ${record.ident}[${record.pid}]: `,
    'latin1',
  );
  const body = Buffer.from(sanitizeLogText(record.message), 'utf8');
  const room = Math.max(0, maxBytes - header.length);
  if (body.length <= room) return Buffer.concat([header, body]);
  let cut = room;
  // Back off to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
  while (cut > 0 && ((body[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return Buffer.concat([header, body.subarray(0, cut)]);
}

export interface SyslogOptions {
  /** The syslog socket (Config.syslogSocket, normally /dev/log). */
  readonly path: string;
  /** The program name in each line: `imapd` or `ipop3d` (letters, digits, `.`, `_`, `-`). */
  readonly ident: string;
  readonly pid: number;
  /** For the timestamps (local time: the clock's zone). */
  readonly clock: Clock;
  readonly send: DatagramSend;
  /** Default {@link FACILITY_MAIL}. */
  readonly facility?: number;
  /** The least important level sent; default 'debug' (everything: syslogd filters). */
  readonly level?: LogLevel;
  /** Default {@link MAX_DATAGRAM}. */
  readonly maxBytes?: number;
}

/**
 * A {@link Logger} that sends each line to syslog. log() never throws and never writes to a file descriptor of
 * its own: if the socket is missing, full or refuses, or the send function throws, the line is dropped and
 * {@link SyslogLogger.dropped} counts it (a broken syslog must not end a session, and fds 1 and 2 are the client's).
 */
export class SyslogLogger implements Logger {
  readonly #path: string;
  readonly #ident: string;
  readonly #pid: number;
  readonly #clock: Clock;
  readonly #send: DatagramSend;
  readonly #facility: number;
  readonly #threshold: number;
  readonly #maxBytes: number;
  #dropped = 0;
  #lastErrno = 0;

  /** Throws TypeError for a bad ident, pid, facility or size: these come from bin/, not from clients. */
  constructor(options: SyslogOptions) {
    if (!/^[A-Za-z0-9._-]{1,32}$/.test(options.ident)) throw new TypeError(`bad syslog ident "${options.ident}"`);
    if (!Number.isSafeInteger(options.pid) || options.pid < 0) throw new TypeError(`bad pid ${options.pid}`);
    const facility = options.facility ?? FACILITY_MAIL;
    if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new TypeError(`bad facility ${facility}`);
    const maxBytes = options.maxBytes ?? MAX_DATAGRAM;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 64) throw new TypeError(`bad datagram size ${maxBytes}`);
    this.#path = options.path;
    this.#ident = options.ident;
    this.#pid = options.pid;
    this.#clock = options.clock;
    this.#send = options.send;
    this.#facility = facility;
    this.#threshold = SEVERITY[options.level ?? 'debug'];
    this.#maxBytes = maxBytes;
  }

  /** Lines that could not be sent since this logger was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The errno of the last failed send (0 if none failed, -1 if the send function threw). */
  get lastErrno(): number {
    return this.#lastErrno;
  }

  log(level: LogLevel, message: string): void {
    try {
      const severity = SEVERITY[level];
      if (severity === undefined || severity > this.#threshold) return;
      const time = this.#clock.now();
      const data = formatSyslogDatagram(
        {
          facility: this.#facility,
          level,
          time,
          zone: this.#clock.zoneAt(time),
          ident: this.#ident,
          pid: this.#pid,
          message: String(message),
        },
        this.#maxBytes,
      );
      const errno = this.#send(this.#path, data);
      if (errno !== 0) {
        this.#dropped++;
        this.#lastErrno = errno;
      }
    } catch {
      this.#dropped++;
      this.#lastErrno = -1;
    }
  }
}

/** A host name as getnameinfo() would return it: letters, digits, `.`, `-`, `_`. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})$/;

/**
 * The client as UW writes it in `host=` fields: `name [address]`, or `[address]` when there is no name (UW's
 * tcp_name()); fail2ban's uwimap-auth filter finds the address between the brackets. `name` is dropped when it is
 * not a plausible host name: a PTR record is chosen by whoever owns the address and could otherwise hold
 * ` [10.0.0.1]` and have someone else banned. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack
 * socket reports) is written as plain IPv4, the form firewalls ban. Characters that cannot occur in an address
 * become `?`. The result must not be truncated (UW's `%.80s` could cut the address off).
 */
export function formatHost(name: string | null, address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  const addr = (mapped?.[1] ?? address).replace(/[^0-9A-Za-z:.%_-]/g, '?');
  return name !== null && HOST_NAME.test(name) ? `${name} [${addr}]` : `[${addr}]`;
}
