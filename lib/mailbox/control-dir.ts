/**
 * The user's control directory: everything our programs keep besides the mbox files themselves. Configuration
 * `control_dir` (default `%h/.uwimap-ts`; `%h` the home directory, `%u` the user name), like Dovecot's CONTROL=.
 *
 *     uidvalidity        the last UIDVALIDITY given to a mailbox of this user (decimal), see nextUidValidity
 *     pop3.<hash>        flock()ed by the POP3 session that holds the maildrop (lib/mailbox/maildrop-lock.ts)
 *     recent.<hash>      the highest UID a session has claimed as \Recent in one mailbox (mbox/reconcile.ts)
 *     index.<hash>       the mailbox's index kept between sessions (mbox/index-file.ts; `.new` while one is written),
 *                        with `.log` its change log (mbox/index-log.ts), `.modseq` the last modification
 *                        sequence given (mbox/mailbox-state.ts), flock()ed by the session that numbers a change
 *                        another program made while it numbers and publishes it, and `.cache` values derived
 *                        from the messages (mbox/field-cache.ts)
 *     uwimap-ts.<dev>.<ino>.journal   a rewrite's journal while it runs (mbox/rewrite.ts)
 *     uwimap-ts.<dev>.<ino>.append    an append's intent record while it runs (mbox/append-journal.ts)
 *     uwimap-ts.<dev>.<ino>.move      a MOVE's or RENAME INBOX's record while it runs, named after the source
 *                                     (mbox/move-record.ts)
 *     special-use        the special uses given by CREATE ... (USE (...)) (RFC 6154; special-use.ts), replaced
 *                        atomically (`special-use.<hex>.tmp` while one is written)
 *     metadata           the user's private server annotations (RFC 5464 /private/...; server-metadata.ts), replaced
 *                        the same way
 *     special-use.lock, metadata.lock, subscriptions.lock   flock()ed while a session changes the special uses, the
 *                        annotations or `~/.mailboxlist` (json-file.ts's underFileLock), so no change is lost
 *
 * `<hash>` is the first 32 hex digits of SHA-256 of the mailbox's real path: keyed by the name, not by device and
 * inode (an inode number is reused by the next file made, possibly another user's).
 *
 * Why a private directory and not /var/tmp (where these files were): in a world-writable directory any local user
 * can create a file under a name we will look for, before us, and so lock a user out of POP3 or hide their \Recent
 * mail; and an inode reused by another user's maildrop met our old files. The directory must be owned by the user,
 * be a real directory (not a symbolic link), and not be writable by group or others; it is made with mode 0700 on
 * first use, by the session's own process (after the privilege drop, so as the user). Anything else and it is not
 * used: one warning goes to the log, and the session goes on without it (degraded, never failed):
 *
 * - UIDVALIDITY comes from the clock, never below one already seen in the mailbox (a DELETE and CREATE of one
 *   name within the same second may then give the same value, as UW and earlier versions did);
 * - POP3 sessions of one maildrop are not kept apart (see maildrop-lock.ts);
 * - \Recent is not remembered between sessions beyond what the mailbox's `Status: O` says (two sessions may both
 *   show a message as \Recent, as UW's do).
 *
 * Journals and append records (removed when their write completes) are here and not in journal_dir because their
 * names are fixed by the mailbox (recovery finds them by name, without listing a directory) and created O_EXCL:
 * in a shared directory another user could take a name first and so stop every EXPUNGE of ours. They keep the
 * device-and-inode name: they name one file for the moment of one write, and are trusted only when owned by the
 * mailbox's owner and naming its device and inode. Whoever opens the mailbox next finishes them: the servers and
 * `mailtool` look here and in journal_dir (where earlier versions, and processes that had no usable control
 * directory, wrote them). Without a usable directory they go to journal_dir as before, with the risk rewrite.ts's
 * module comment describes (a rewrite refused with NO while another user holds the name, never a wrong write).
 * `mailtool` run as root on another user's mailbox uses the directory for recovery only, when it exists and passes
 * the checks, and writes its own journals to journal_dir: it must not leave root-owned files here.
 *
 * Files our earlier versions left in the journal directory (`uwimap-ts.<dev>.<ino>.pop3` and `.recent`) are
 * removed when the control directory is made (the user's first session since the upgrade), those owned by the user
 * only: one listing of the shared directory then, not one per session.
 */
import { createHash } from 'node:crypto';
import {
  closeSync, constants, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync,
  readSync, realpathSync, unlinkSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../env/logger.js';
import { flockOp } from '../lock/fs-ext.js';

/** The largest UIDVALIDITY (an RFC 3501 nz-number is 32 bits). */
const UIDVALIDITY_MAX = 0xffff_ffff;
/** How long to wait for another session's hold on the counter before falling back to the clock. */
const COUNTER_WAIT_MS = 5000;

/**
 * `control_dir` with `%h` and `%u` replaced (`%%` is a `%`). Null when it needs a home and there is none (an empty
 * home, or `/`: the directory would be shared with every user whose home is `/`).
 */
export function expandControlDir(template: string, user: { name: string; home: string }): string | null {
  const home = user.home.replace(/\/+$/, '');
  if (template.includes('%h') && home === '') return null;
  return template.replace(/%([hu%])/g, (_, c: string) => (c === 'h' ? home : c === 'u' ? user.name : '%'));
}

export interface ControlDirOptions {
  /** The directory (control_dir expanded); null: the user has none (no home). */
  readonly path: string | null;
  /** The user's uid: the owner the directory and its files must have. */
  readonly uid: number;
  readonly logger: Logger;
  /** Where earlier versions left their `uwimap-ts.*.pop3` and `.recent` files (journal_dir), cleaned up once. */
  readonly legacyDir?: string;
  /**
   * Make the directory when it is missing (default true). False for a process that is not the user (`mailtool`
   * run as root on the user's mailbox): a directory it made would be its own, so a missing one is not used.
   */
  readonly create?: boolean;
}

type State = { usable: true; dir: string } | { usable: false; why: string };

/** One user's control directory for one session: checked (and made) on first use, see the module comment. */
export class ControlDir {
  private state: State | null = null;
  /** check() made the directory: this user's first session since the upgrade, when old files are swept. */
  private made = false;

  constructor(private readonly opts: ControlDirOptions) {}

  /** The directory, made if missing; null when it cannot be used (said once in the log). */
  dir(): string | null {
    if (this.state === null) {
      this.state = this.check();
      if (!this.state.usable) {
        this.opts.logger.log('warning', `control directory not used: ${this.state.why}; UIDVALIDITY from the clock, ` +
          'POP3 sessions not exclusive, \\Recent not remembered between sessions');
      }
      if (this.made) this.sweepLegacy();
    }
    return this.state.usable ? this.state.dir : null;
  }

  /** The file for `kind` of the mailbox at `mailboxPath`, or null without a usable directory. */
  fileFor(kind: 'pop3' | 'recent' | 'index', mailboxPath: string): string | null {
    const dir = this.dir();
    if (dir === null) return null;
    let real = mailboxPath;
    try {
      real = realpathSync(mailboxPath);
    } catch {
      // A mailbox not made yet: its name as given.
    }
    return join(dir, `${kind}.${createHash('sha256').update(real).digest('hex').slice(0, 32)}`);
  }

  /** The path of the user's file `name` (see the module comment), or null without a usable directory. */
  file(name: 'special-use' | 'metadata' | 'subscriptions'): string | null {
    const dir = this.dir();
    return dir === null ? null : join(dir, name);
  }

  /**
   * The highest UID of the mailbox at `mailboxPath` that a session has claimed as \Recent (0: none, or no usable
   * directory). `owner` names the mailbox as it is now (its UIDVALIDITY and path): a claim that names another is
   * one a removed mailbox of the same name left, and counts as none. Read without a lock: the file is rewritten
   * in place by one write, and only its first line counts.
   */
  recentClaim(mailboxPath: string, owner: string): number {
    const path = this.fileFor('recent', mailboxPath);
    return path === null ? 0 : readSmallFile(path, (fd) => parseClaim(fd, owner), 0);
  }

  /**
   * Claims \Recent for the messages of the mailbox up to UID `top`, as one step under flock() (RFC 3501 §2.3.2:
   * one session only): returns the claim before, so the caller keeps \Recent only for UIDs above it, and leaves
   * `top` as the claim (when higher). Without a usable directory, or when the file cannot be used: 0, and nothing
   * is kept (the degradation the module comment describes).
   */
  async claimRecent(mailboxPath: string, owner: string, top: number): Promise<number> {
    const path = this.fileFor('recent', mailboxPath);
    if (path === null) return 0;
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      this.opts.logger.log('warning', `${path}: ${(e as Error).message}; \\Recent not claimed`);
      return 0;
    }
    try {
      await lockWithin(fd, COUNTER_WAIT_MS);
      const before = parseClaim(fd, owner);
      if (top > before) rewriteInPlace(fd, `${top} ${owner}\n`);
      return before;
    } catch (e) {
      this.opts.logger.log('warning', `${path}: ${(e as Error).message}; \\Recent not claimed`);
      return 0;
    } finally {
      closeSync(fd); // drops the flock
    }
  }

  /**
   * A new UIDVALIDITY, never given before to any mailbox of this user (RFC 3501 §2.3.1.1: a name deleted and
   * created again gets another): the counter file's last value plus one, never below `nowS` (the clock in
   * seconds, as UW's values are, so that ours keep their order with ones UW made) nor `floor`. The counter is read
   * and rewritten in place under flock() and fsynced before the value is used. Without the directory (or when the
   * counter cannot be read or written): max(nowS, floor).
   */
  async nextUidValidity(nowS: number, floor = 0): Promise<number> {
    const plain = Math.max(nowS, floor);
    const dir = this.dir();
    if (dir === null) return plain;
    const path = join(dir, 'uidvalidity');
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      this.opts.logger.log('warning', `${path}: ${(e as Error).message}; UIDVALIDITY from the clock`);
      return plain;
    }
    try {
      await lockWithin(fd, COUNTER_WAIT_MS);
      const last = numberIn(fd, 10);
      let next = Math.max(last + 1, plain);
      if (next > UIDVALIDITY_MAX) next = plain; // a counter run out (written by hand): the clock again
      rewriteInPlace(fd, `${next}\n`);
      fsyncSync(fd);
      return next;
    } catch (e) {
      this.opts.logger.log('warning', `${path}: ${(e as Error).message}; UIDVALIDITY from the clock`);
      return plain;
    } finally {
      closeSync(fd); // drops the flock
    }
  }

  private check(): State {
    const path = this.opts.path;
    if (path === null) return { usable: false, why: 'no home directory' };
    if (this.opts.create ?? true) {
      try {
        mkdirSync(path, 0o700);
        this.made = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') return { usable: false, why: `${path} cannot be made (${code ?? 'error'})` };
      }
    }
    let st;
    try {
      st = lstatSync(path);
    } catch (e) {
      return { usable: false, why: `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    if (st.isSymbolicLink()) return { usable: false, why: `${path} is a symbolic link` };
    if (!st.isDirectory()) return { usable: false, why: `${path} is not a directory` };
    if (st.uid !== this.opts.uid) return { usable: false, why: `${path} is owned by uid ${st.uid}, not ${this.opts.uid}` };
    if (st.mode & 0o022) return { usable: false, why: `${path} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)})` };
    return { usable: true, dir: path };
  }

  /**
   * Removes the user's own `uwimap-ts.<dev>.<ino>.pop3` and `.recent` files from the journal directory (earlier
   * versions kept them there). lstat: a symbolic link is never followed, and only plain files owned by the user
   * go; in a sticky directory no other user can swap one of ours for something else between the look and the
   * unlink. Other users' files are left alone.
   */
  private sweepLegacy(): void {
    const dir = this.opts.legacyDir;
    if (dir === undefined) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!/^uwimap-ts\.[0-9]+\.[0-9]+\.(?:pop3|recent)$/.test(name)) continue;
      const p = join(dir, name);
      try {
        const st = lstatSync(p);
        if (st.isFile() && st.uid === this.opts.uid) unlinkSync(p);
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  }
}

/** The claimed UID in a \\Recent claim file's first line when the line names `owner` (see recentClaim), else 0. */
function parseClaim(fd: number, owner: string): number {
  const buf = Buffer.alloc(4096);
  const n = readSync(fd, buf, 0, buf.length, 0);
  const line = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
  const sp = line.indexOf(' ');
  if (sp < 0 || line.slice(sp + 1) !== owner || !/^[0-9]{1,10}$/.test(line.slice(0, sp))) return 0;
  return Number(line.slice(0, sp));
}

/**
 * flock(fd, LOCK_EX), polled every 5 ms (fs-ext's blocking form would hold a pool thread); throws after `ms`. The
 * counters here, the modification sequence counter while a session numbers what it found (mbox/mailbox-state.ts),
 * and the field cache while a session appends to it (mbox/field-cache.ts).
 */
export async function lockWithin(fd: number, ms: number): Promise<void> {
  for (let waited = 0; ; waited += 5) {
    try {
      await flockOp(fd, 'exnb');
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'EAGAIN' && code !== 'EWOULDBLOCK') || waited >= ms) throw e;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The number a counter file open at `fd` holds (decimal, alone on its first line, at most `digits` digits); 0 when
 * it holds none. The UIDVALIDITY counter here, the modification sequence counter beside a saved index.
 */
export function numberIn(fd: number, digits: number): number {
  const buf = Buffer.alloc(digits + 8);
  const text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1').trim();
  return new RegExp(`^[0-9]{1,${digits}}$`).test(text) ? Number(text) : 0;
}

/** Makes the small file open at `fd` hold `text` alone: one write in place, then cut to its length. */
export function rewriteInPlace(fd: number, text: string): void {
  const out = Buffer.from(text, 'utf8');
  writeSync(fd, out, 0, out.length, 0);
  ftruncateSync(fd, out.length);
}

/**
 * What `read` makes of the file at `path`, opened for reading (a symbolic link is not followed); `none` when it
 * cannot be opened or read (missing, or not ours to read).
 */
export function readSmallFile<T>(path: string, read: (fd: number) => T, none: T): T {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return none;
  }
  try {
    return read(fd);
  } catch {
    return none;
  } finally {
    closeSync(fd);
  }
}
