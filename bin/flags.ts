/**
 * The servers' command line (UW's flags, read with posix-getopt) and UW's other ways of asking for implicit TLS:
 * the port the connection came in on, and the program's name.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import getopt from 'posix-getopt';

export interface Flags {
  /** -c FILE: the configuration file (default /etc/uwimap-ts.conf, optional). */
  readonly configFile: string | null;
  /** -S: implicit TLS (imaps, pop3s): the TLS handshake comes before the greeting. */
  readonly implicitTls: boolean;
}

/** UW-style flags (posix-getopt). Unknown flags are ignored, as inetd lines may carry UW's own. */
export function parseFlags(argv: readonly string[]): Flags {
  const parser = new getopt.BasicParser('c:S', ['node', 'daemon', ...argv]);
  let configFile: string | null = null;
  let implicitTls = false;
  let opt;
  while ((opt = parser.getopt()) !== undefined) {
    if (opt.option === 'c' && opt.optarg) configFile = opt.optarg;
    if (opt.option === 'S') implicitTls = true;
  }
  return { configFile, implicitTls };
}

/**
 * Whether this connection starts with TLS: the -S flag, or UW's conventions: the connection came in on the port
 * /etc/services gives the SSL service (`imaps` 993, `pop3s` 995), or the program is called by a name starting
 * with `s` (`simapd`, `sipop3d`) for such a service on another port.
 */
export function wantsImplicitTls(flags: Flags, sslService: 'imaps' | 'pop3s', localPort: number | null): boolean {
  if (flags.implicitTls) return true;
  const program = basename(process.argv[1] ?? '');
  if (program.startsWith('s')) return true;
  if (localPort === null) return false;
  return localPort === servicePort(sslService);
}

function servicePort(name: string): number {
  const fallback = name === 'imaps' ? 993 : 995;
  try {
    for (const line of readFileSync('/etc/services', 'latin1').split('\n')) {
      const m = /^(\S+)\s+(\d+)\/tcp\b(.*)$/.exec(line.replace(/#.*/, ''));
      if (m && (m[1] === name || (m[3] ?? '').split(/\s+/).includes(name))) return Number(m[2]);
    }
  } catch {
    /* no /etc/services: the IANA port */
  }
  return fallback;
}
