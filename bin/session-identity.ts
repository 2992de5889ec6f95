/**
 * Who a server session runs as, as a value: bin/imapd.ts and bin/ipop3d.ts read it from the process
 * ({@link processIdentity}); the fuzzer's in-process mode (test/fuzz/) gives its own, so that it runs the very
 * construction of bin/imapd-serve.ts and bin/ipop3d-serve.ts without changing its own process's identity.
 *
 * Privileges are dropped (initgroups, setgid, setuid, chdir home) before any mailbox of the user is touched.
 */
import { join } from 'node:path';
import type { AccountDb } from '../lib/auth/accounts.js';
import type { Account } from '../lib/auth/types.js';

export interface SessionIdentity {
  /**
   * Null when a login is needed (started as root); else the user already running us and the INBOX to open
   * (PREAUTH). Asked once, when the session starts (after the configuration and the greeting's streams). Rejects
   * when the user running us has no account (UW: "Unable to look up user name").
   */
  preauth(): Promise<{ readonly account: Account; readonly inbox: string } | null>;
  /** After a login: becomes `account` before any of its mail is touched. Throws to refuse the session. */
  becomeUser(account: Account): void;
}

/** Running as root (started by inetd): a login is needed. Otherwise the user running us is logged in already. */
function runningAsRoot(): boolean {
  return (process.getuid?.() ?? 0) === 0;
}

/**
 * The account of the user running us (PREAUTH mode), from the account database every login asks (getpwuid through
 * NSS, or passwd_file), as UW's myusername_full asked getpwuid.
 */
async function currentAccount(accounts: AccountDb): Promise<Account> {
  const uid = process.geteuid?.() ?? -1;
  const account = uid < 0 ? undefined : await accounts.byUid(uid);
  if (!account) throw new Error(`no account for uid ${uid}: cannot tell who is preauthenticated`);
  // A login shell (ssh, a tunnel) sets HOME; it wins over the passwd entry, as for the user's own programs.
  return process.env.HOME ? { ...account, home: process.env.HOME } : account;
}

/**
 * Becomes `account`: supplementary groups (initgroups), gid, uid, then the home directory. Throws if any step
 * fails, and the caller ends the session: nothing of the user's may be touched with the wrong identity. mailtool
 * run as root becomes the owner of the mailboxes it works on the same way.
 */
export function dropPrivileges(account: Account): void {
  if (account.uid === 0) throw new Error('refusing to run a session as root');
  // process.initgroups exists on POSIX Node, though @types/node does not declare it.
  const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
  if (!proc.initgroups || !proc.setgid || !proc.setuid) throw new Error('this platform cannot change the process identity');
  proc.initgroups(account.name, account.gid);
  proc.setgid(account.gid);
  proc.setuid(account.uid);
  if ((process.getuid?.() ?? -1) !== account.uid || (process.getgid?.() ?? -1) !== account.gid) {
    throw new Error(`privileges not dropped to ${account.name}`);
  }
  try {
    process.chdir(account.home);
  } catch {
    process.chdir('/');
  }
}

/**
 * The process's own identity: root needs a login and drops privileges; a user is preauthenticated on `$MAIL`, as
 * the account `accounts` knows for its uid.
 */
export function processIdentity(spoolDir: string, accounts: AccountDb): SessionIdentity {
  return {
    async preauth() {
      if (runningAsRoot()) return null;
      const account = await currentAccount(accounts);
      return { account, inbox: process.env.MAIL || join(spoolDir, account.name) };
    },
    becomeUser: dropPrivileges,
  };
}
