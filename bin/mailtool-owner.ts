/**
 * Whose mailboxes mailtool works on, and becoming them: run as root on a user's mailbox, mailtool does what a
 * session of that user would do, as that user (the privilege drop of bin/session-identity.ts), so that every file
 * it makes (the mailbox, its saved index, the UIDVALIDITY counter, journals) is the user's, as the servers make them.
 * Root leaving a root-owned mailbox in /var/mail made the user's INBOX unreadable to their own sessions.
 *
 * The one file a user cannot make themselves is their spool file: the spool directory (spool_dir, /var/mail) is
 * root's (Debian's is `root:mail 2775`). A missing one is made by root before the drop, empty, as a delivery agent
 * makes it ({@link createSpoolFile}).
 */
import { closeSync, constants, fchmodSync, fchownSync, lstatSync, openSync, realpathSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../lib/env/config.js';
import type { Account } from '../lib/auth/types.js';
import { accountByName, accountByUid, accountSourceName } from './mailtool-accounts.js';
import { dropPrivileges } from './session-identity.js';
import { EX_CANTCREAT, EX_NOPERM, EX_NOUSER, EX_TEMPFAIL, ToolError } from './mailtool-exit.js';

/** Who a command acts as. */
export interface Acting {
  readonly account: Account;
  /** The file INBOX names for this account: its spool file, or `$MAIL` for a user's own commands (as PREAUTH). */
  readonly inboxPath: string;
  /** Root acting for another user: {@link become} changes the process's identity. */
  readonly root: boolean;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * The user running us, from the passwd database (not $HOME: `sudo mailtool` may keep the administrator's, and root's
 * control directory must not be made there). A uid without an entry gets no home, so no control directory.
 */
function selfAccount(): Account {
  const uid = process.getuid?.() ?? -1;
  try {
    const u = userInfo();
    return { name: u.username, uid: u.uid, gid: u.gid, gecos: '', home: u.homedir, shell: u.shell ?? '' };
  } catch {
    return { name: 'MAILER-DAEMON', uid, gid: process.getgid?.() ?? -1, gecos: '', home: '', shell: '' };
  }
}

function passwd(config: Config, look: () => Account | undefined): Account | undefined {
  try {
    return look();
  } catch (e) {
    throw new ToolError(`cannot look up accounts (${accountSourceName(config)}): ${e instanceof Error ? e.message : String(e)}`, EX_TEMPFAIL);
  }
}

/** True when `dir` is the spool directory (symbolic links followed, as /var/mail -> spool/mail on some systems). */
function isSpoolDir(dir: string, config: Config): boolean {
  try {
    return realpathSync(dir) === realpathSync(config.spoolDir);
  } catch {
    return false;
  }
}

/**
 * The account of the user a mailbox at `path` (absolute) belongs to, for root. The first owner other than root
 * met from the file up: the file's (a symbolic link's own, not its target's), else, for a missing file, the user
 * whose spool file it would be (spool_dir/NAME), else the nearest directory's (or link's) above it that is not
 * root's. So root never writes through a name a user controls (a link of theirs, a directory of theirs, where they
 * could put one): it is that user who does. Undefined when every owner is root, or for a uid with no account
 * (`note` says so: root then works as root).
 */
function ownerOf(path: string, config: Config, note: (text: string) => void): Account | undefined {
  const lstatOrNull = (p: string): Stats | null => {
    try {
      return lstatSync(p);
    } catch {
      return null;
    }
  };
  const st = lstatOrNull(path);
  if (st === null && isSpoolDir(dirname(path), config)) {
    const spoolUser = passwd(config, () => accountByName(config, basename(path)));
    if (spoolUser !== undefined) return spoolUser.uid === 0 ? undefined : spoolUser;
  }
  let uid = st?.uid ?? 0;
  for (let d = path; uid === 0 && d !== '/';) {
    d = dirname(d);
    uid = lstatOrNull(d)?.uid ?? 0;
  }
  if (uid === 0) return undefined;
  const owner = passwd(config, () => accountByUid(config, uid));
  if (owner === undefined) note(`${path} belongs to uid ${uid}, which has no account (${accountSourceName(config)}): working as root`);
  return owner;
}

/**
 * Who the command acts as. `user` (`-u USER`): that account, whose names the command's mailboxes then are (only
 * root may name another user than itself); otherwise, run as root, the owner of `firstPath` (see {@link ownerOf}),
 * and run as anyone else, themselves.
 */
export function whoActs(config: Config, user: string | undefined, firstPath: string | null,
  note: (text: string) => void): Acting {
  const me = process.getuid?.() ?? -1;
  const spoolOf = (a: Account): string => join(config.spoolDir, a.name);
  if (user !== undefined) {
    const a = passwd(config, () => accountByName(config, user));
    if (a === undefined) throw new ToolError(`no such user: ${user} (${accountSourceName(config)})`, EX_NOUSER);
    if (me !== 0 && a.uid !== me) throw new ToolError(`only root can act as another user (-u ${user})`, EX_NOPERM);
    return { account: a, inboxPath: spoolOf(a), root: me === 0 && a.uid !== 0 };
  }
  if (me === 0 && firstPath !== null) {
    const owner = ownerOf(firstPath, config, note);
    if (owner !== undefined) return { account: owner, inboxPath: spoolOf(owner), root: true };
  }
  const self = selfAccount();
  return { account: self, inboxPath: process.env.MAIL || spoolOf(self), root: false };
}

/** Becomes the acting user (root acting for another); nothing otherwise. */
export function become(acting: Acting): void {
  if (!acting.root) return;
  try {
    dropPrivileges(acting.account);
  } catch (e) {
    throw new ToolError(`cannot become ${acting.account.name}: ${e instanceof Error ? e.message : String(e)}`, EX_NOPERM);
  }
}

/**
 * Makes the missing spool file `path` of the acting user, as root before the privilege drop (the user cannot create
 * files in the spool directory): empty (a mailbox with no mail, which UW and every delivery agent read as one),
 * owned by the user, and
 * - in a spool directory writable by its group (Debian's /var/mail, `root:mail 2775`): that group, mode 0660, as
 *   Debian's adduser makes spool files there and procmail keeps them;
 * - in any other (a sticky world-writable one, `root:root 1777`): the user's group, mode 0600 (UW's mailbox
 *   protection, procmail's and UW tmail's own mode).
 * Only the user's own spool file (spool_dir/NAME), so that root never creates anything in a directory a user
 * controls, nor for one user a file another's name leads to, and with O_EXCL and O_NOFOLLOW: a name someone made meanwhile is left alone. Returns whether it made the file.
 */
export function createSpoolFile(path: string, acting: Acting, config: Config): boolean {
  if (!acting.root || path !== acting.inboxPath || statOrNull(path) !== null || !isSpoolDir(dirname(path), config)) return false;
  const dir = statSync(dirname(path));
  const shared = dir.gid !== 0 && (dir.mode & 0o020) !== 0;
  const gid = shared ? dir.gid : acting.account.gid;
  const mode = shared ? 0o660 : 0o600;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ToolError(`cannot create ${path}: ${e instanceof Error ? e.message : String(e)}`, EX_CANTCREAT);
  }
  try {
    fchownSync(fd, acting.account.uid, gid);
    fchmodSync(fd, mode); // the umask may have taken bits away
  } catch (e) {
    // Never leave root's file where the user's should be.
    unlinkSync(path);
    throw new ToolError(`cannot give ${path} to ${acting.account.name}: ${e instanceof Error ? e.message : String(e)}`, EX_CANTCREAT);
  } finally {
    closeSync(fd);
  }
  return true;
}
