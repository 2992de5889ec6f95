/**
 * UW imapd's mailbox names (c-client's `mailboxfile()` in env_unix.c): which names are allowed and the file each
 * one leads to, for one user, and the LIST/LSUB pattern match (c-client's pmatch_full and dmatch).
 *
 * Names (see {@link UwNames.resolve}):
 * - `INBOX` in any case is the configured inbox path (the spool file, or `$MAIL`), never a file in the home.
 * - An ordinary name is `<home>/<name>`; `~/name` is the same (as UW).
 * - Refused with NOPERM: empty names, NUL, `{...}` (remote) and `#...` (no namespaces here), an empty, `.` or `..`
 *   segment, and, unless `allowOutsideHome`, absolute names (`/...`), `~user` names and any name whose real path
 *   (symlinks followed, as far as the path exists) leaves the home directory. UW checks `..` only in restricted
 *   modes; here it is refused always, since it never gives anything an absolute name would not. A segment ending in
 *   `.lock` or holding `.lock.` is refused too: `x.lock` is the dotlock of mailbox `x` (a mailbox or directory by
 *   that name would hold `x`'s lock for good: every writer of `x`, UW's included, would time out), and
 *   `x.lock.<host>.<pid>.<hex>` is the form of a dotlock's temporary file, which lockers remove when stale.
 * - `INBOX/x`: UW's mailboxfile() maps it to the plain file `<home>/INBOX/x` (only the exact name INBOX is special).
 *   We resolve it the same way, so mailboxes a user made under UW stay reachable, but refuse to CREATE or RENAME to
 *   such a name: INBOX is listed `\NoInferiors`, and RFC 3501 §7.2.2 says no child can be created under such a name.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MailboxError } from './driver.js';
import { isErrno } from './fs-errors.js';

/** Longest name accepted, in octets. UW's NETMAXMBX is 256; a little room for long modified UTF-7 names. */
export const MAX_NAME_LENGTH = 1024;

/** Where a name leads. `dir` is true when the name ended with the delimiter (a directory was meant). */
export interface Resolved {
  readonly path: string;
  readonly inbox: boolean;
  readonly dir: boolean;
}

/** True for `INBOX` in any case (RFC 3501 §5.1: INBOX is case-insensitive). */
export function isInbox(name: string): boolean {
  return name.length === 5 && name.toUpperCase() === 'INBOX';
}

/** True when the first segment is INBOX in any case and more follows (`INBOX/x`). */
export function underInbox(name: string): boolean {
  return name.length > 6 && name[5] === '/' && isInbox(name.slice(0, 5));
}

/**
 * RFC 3501 §6.3.8 wildcard matching, as c-client's pmatch_full (`full`) and dmatch (`!full`): `*` matches any
 * characters, `%` any except the delimiter `/`. With `full` false the answer is whether some extension of `s`
 * could match, i.e. whether a LIST must look below the directory `s`. Case-sensitive (INBOX is handled apart).
 * Linear in |s|·|pat| (a DP over suffixes), so hostile patterns cannot make it explode.
 */
export function wildMatch(s: string, pat: string, full: boolean): boolean {
  const n = s.length;
  const m = pat.length;
  // next[j]: does s[i+1..] match pat[j..]; cur[j]: does s[i..] match pat[j..].
  let next = new Uint8Array(m + 1);
  // Row i = n: the empty rest of s matches pat[j..] when only wildcards remain (full) or always (prefix).
  next[m] = 1;
  for (let j = m - 1; j >= 0; j--) {
    const c = pat[j];
    next[j] = full ? (c === '*' || c === '%') && next[j + 1] === 1 ? 1 : 0 : 1;
  }
  for (let i = n - 1; i >= 0; i--) {
    const cur = new Uint8Array(m + 1); // cur[m] = 0: pattern used up, s is not
    const ch = s[i];
    for (let j = m - 1; j >= 0; j--) {
      const c = pat[j];
      if (c === '*') cur[j] = cur[j + 1] === 1 || next[j] === 1 ? 1 : 0;
      else if (c === '%') cur[j] = cur[j + 1] === 1 || (ch !== '/' && next[j] === 1) ? 1 : 0;
      else cur[j] = ch === c && next[j + 1] === 1 ? 1 : 0;
    }
    next = cur;
  }
  return next[0] === 1;
}

/** Where names lead for one user: the home and INBOX paths, and how far outside the home a name may go. */
export interface UwNamesOptions {
  /** The user's home directory, without a trailing `/`: the root of all ordinary names. */
  readonly home: string;
  /** The file INBOX names (spool file, or `$MAIL` in PREAUTH mode). It is never subject to the home check. */
  readonly inboxPath: string;
  /** Allow absolute names and `~user/` names (UW's unrestricted mailboxfile()); otherwise they are NOPERM. */
  readonly allowOutsideHome: boolean;
  /** Another user's home directory for `~user/...` names (only with `allowOutsideHome`); absent: refused. */
  readonly homeOf: ((user: string) => string | undefined) | undefined;
}

/** The name rules above for one user. */
export class UwNames {
  constructor(private readonly opts: UwNamesOptions) {}

  /** {@link resolve}, or null for a name it refuses. */
  resolveOrNull(name: string): Resolved | null {
    try {
      return this.resolve(name);
    } catch {
      return null;
    }
  }

  /**
   * The file (or directory) a name refers to, after every rule in the module comment. A single trailing `/` is
   * accepted and reported as `dir` (CREATE makes a directory of it; LIST prefixes end with it). Synchronous
   * because `MailStore.sameMailbox` is. Throws MailboxError NOPERM for every refused name.
   */
  resolve(name: string): Resolved {
    const refuse = (why: string): never => {
      throw new MailboxError('NOPERM', `invalid mailbox name (${why}): ${JSON.stringify(name.slice(0, 100))}`);
    };
    if (name === '') refuse('empty');
    if (name.length > MAX_NAME_LENGTH) refuse('too long');
    if (name.includes('\0')) refuse('NUL');
    if (isInbox(name)) return { path: this.opts.inboxPath, inbox: true, dir: false };
    if (name[0] === '{' || name[0] === '#') refuse('no such namespace');

    let base: string;
    let rest: string;
    let inHome: boolean;
    if (name[0] === '/') {
      if (!this.opts.allowOutsideHome) refuse('absolute');
      base = '/';
      rest = name.slice(1);
      inHome = false;
    } else if (name[0] === '~') {
      const slash = name.indexOf('/');
      const user = slash < 0 ? name.slice(1) : name.slice(1, slash);
      rest = slash < 0 ? '' : name.slice(slash + 1);
      if (user === '') {
        if (slash < 0) refuse('bare ~'); // UW: "~" alone is bad syntax; "~/x" is the ordinary name x
        base = this.opts.home;
        inHome = true;
      } else {
        if (!this.opts.allowOutsideHome) refuse('other user');
        const h = this.opts.homeOf?.(user);
        if (h === undefined) return refuse('no such user');
        base = h;
        inHome = false;
      }
    } else {
      base = this.opts.home;
      rest = name;
      inHome = true;
    }

    const dir = rest.endsWith('/');
    if (dir) rest = rest.slice(0, -1);
    const segments = rest === '' ? [] : rest.split('/');
    for (const s of segments) {
      if (s === '') refuse('empty segment');
      if (s === '.' || s === '..') refuse('dot segment');
      if (s.endsWith('.lock') || s.includes('.lock.')) refuse('the name of a lock file');
    }
    if (segments.length === 0 && !dir && base !== '/') refuse('empty');
    const path = segments.length === 0 ? base : join(base, ...segments);
    if (inHome && !this.opts.allowOutsideHome && !this.insideHome(path)) refuse('leaves the home directory');
    return { path, inbox: false, dir };
  }

  /**
   * True when `path` (under the home by construction) stays there once symlinks are followed: the real path of
   * its longest existing prefix, plus the part that does not exist yet, must be the home or below it.
   */
  private insideHome(path: string): boolean {
    let realHome: string;
    try {
      realHome = realpathSync(this.opts.home);
    } catch {
      realHome = this.opts.home;
    }
    let head = path;
    let tail = '';
    for (;;) {
      try {
        const real = realpathSync(head);
        const full = tail === '' ? real : join(real, tail);
        return full === realHome || full.startsWith(realHome === '/' ? '/' : `${realHome}/`);
      } catch (e) {
        // A dangling symlink is treated like a missing name: O_EXCL creation will refuse to follow it anyway.
        if (!isErrno(e, 'ENOENT') && !isErrno(e, 'ENOTDIR')) return false;
        const up = dirname(head);
        if (up === head) return false;
        tail = tail === '' ? head.slice(up.length + 1) : join(head.slice(up.length + 1), tail);
        head = up;
      }
    }
  }

  /** The same check for a path found by LIST (a symlink in the home): hidden when it points outside. */
  async listable(path: string): Promise<boolean> {
    if (this.opts.allowOutsideHome) return true;
    try {
      const [real, realHome] = await Promise.all([realpath(path), realpath(this.opts.home)]);
      return real === realHome || real.startsWith(`${realHome}/`);
    } catch {
      return false;
    }
  }
}
