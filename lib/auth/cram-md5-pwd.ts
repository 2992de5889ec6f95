/**
 * UW's CRAM-MD5 database, /etc/cram-md5.pwd (docs/md5.txt in the UW distribution): lines `user<TAB>password`, `#`
 * comments and lines not in that form ignored. Its existence switches on CRAM-MD5 and APOP, and - UW's rule - its
 * passwords then replace the system passwords for plaintext logins too (see checker.ts's CramMd5AwareChecker).
 *
 * The file holds plaintext passwords, so we go further than UW (which only recommended mode 0400): a file that group
 * or others may access, or that root does not own, is refused outright and logged, rather than trusted.
 *
 * Every entry needs an account (md5.txt); as in UW, that is checked when the entry is used, by the login that finds
 * its account (checker.ts: CramMd5AwareChecker, completeSaslLogin), not when the file is loaded: the accounts may be
 * on a directory server, and a session should not ask it about every line before its greeting.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { asciiLower } from './names.js';
import { Secret } from './secret.js';

/** The loaded database. Immutable; each lookup returns a fresh Secret the caller owns. */
export interface CramSecrets {
  /**
   * The shared secret for `user`. As UW's auth_md5_pwd(): an exact match first, then, if `user` has upper-case
   * letters, the entry for its lower-case form.
   */
  lookup(user: string): Secret | undefined;
  /** The user names in the file that were accepted, in file order. */
  users(): readonly string[];
}

export interface CramLoadOptions {
  /** Refuse a file not owned by uid 0. Servers running as root set this; a non-root test server may not. */
  readonly requireRootOwned: boolean;
  /** Where refusals and ignored lines are reported. Lines never contain a password. */
  log(msg: string): void;
}

class CramTable implements CramSecrets {
  readonly #secrets: ReadonlyMap<string, Buffer>;

  constructor(secrets: ReadonlyMap<string, Buffer>) {
    this.#secrets = secrets;
  }

  lookup(user: string): Secret | undefined {
    const exact = this.#secrets.get(user);
    if (exact) return new Secret(exact);
    const lower = asciiLower(user);
    const folded = lower !== user ? this.#secrets.get(lower) : undefined;
    return folded ? new Secret(folded) : undefined;
  }

  users(): readonly string[] {
    return [...this.#secrets.keys()];
  }

  toString(): string {
    return `[CramSecrets: ${this.#secrets.size} users]`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * Parses the file's bytes, as UW did: lines split at CR or LF (so CRLF files work and blank lines vanish); a line
 * starting with `#` is a comment; otherwise the user is everything before the first TAB and the password everything
 * after it, which must be non-empty. The first entry for a user wins, as UW's scan stopped at the first match.
 * `log` hears of malformed lines by number only (a malformed line may be a stray password).
 */
export function parseCramMd5(
  bytes: Buffer,
  log: (msg: string) => void,
  label = 'cram-md5.pwd',
): CramSecrets {
  const secrets = new Map<string, Buffer>();
  let lineNo = 0;
  let start = 0;
  while (start <= bytes.length) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
    const line = bytes.subarray(start, end);
    if (bytes[end] === 0x0d && bytes[end + 1] === 0x0a) end++;
    start = end + 1;
    lineNo++;
    if (line.length === 0 || line[0] === 0x23 /* # */) continue;
    const tab = line.indexOf(0x09);
    if (tab <= 0 || tab === line.length - 1) {
      log(`${label}: line ${lineNo} is not user<TAB>password; ignored`);
      continue;
    }
    const user = line.subarray(0, tab).toString('utf8');
    if (secrets.has(user)) continue;
    secrets.set(user, Buffer.from(line.subarray(tab + 1)));
  }
  return new CramTable(secrets);
}

/**
 * Loads the CRAM-MD5 database at `path`, reading it now through one descriptor (so the permissions checked are those
 * of the file read).
 *
 * Returns null when the file does not exist (CRAM-MD5 and APOP off, plaintext logins use system passwords);
 * 'refused' when it exists but is not a regular file, grants any permission to group or others, is not owned by
 * root while `requireRootOwned`, or cannot be read - each logged with the reason. The caller should treat
 * 'refused' as "CRAM-MD5 and APOP off"; the passwords in an exposed file must be presumed known.
 * Never throws for file-system errors.
 */
export function loadCramMd5(path: string, opts: CramLoadOptions): CramSecrets | null | 'refused' {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    opts.log(`${path}: refused: cannot open (${errorCode(e) ?? 'error'})`);
    return 'refused';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      opts.log(`${path}: refused: not a regular file`);
      return 'refused';
    }
    if ((st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      opts.log(`${path}: refused: mode ${mode} gives group or others access (must be 0400 or 0600)`);
      return 'refused';
    }
    if (opts.requireRootOwned && st.uid !== 0) {
      opts.log(`${path}: refused: owned by uid ${st.uid}, not root`);
      return 'refused';
    }
    const bytes = readFileSync(fd);
    try {
      return parseCramMd5(bytes, opts.log, path);
    } finally {
      bytes.fill(0); // the passwords now live only in the table's own copies
    }
  } catch (e) {
    opts.log(`${path}: refused: cannot read (${errorCode(e) ?? 'error'})`);
    return 'refused';
  } finally {
    closeSync(fd);
  }
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}
