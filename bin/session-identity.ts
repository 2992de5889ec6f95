/**
 * Who a server session runs as, as a value: bin/imapd.ts and bin/ipop3d.ts read it from the process
 * ({@link processIdentity}); the fuzzer's in-process mode (test/fuzz/) gives its own, so that it runs the very
 * construction of bin/imapd-serve.ts and bin/ipop3d-serve.ts without changing its own process's identity.
 */
import { join } from 'node:path';
import type { Account } from '../lib/auth/types.js';
import { currentAccount, dropPrivileges, runningAsRoot } from './server-common.js';

export interface SessionIdentity {
  /**
   * Null when a login is needed (started as root); else the user already running us and the INBOX to open
   * (PREAUTH). Asked once, when the session starts (after the configuration and the greeting's streams).
   */
  preauth(): { readonly account: Account; readonly inbox: string } | null;
  /** After a login: becomes `account` before any of its mail is touched. Throws to refuse the session. */
  becomeUser(account: Account): void;
}

/** The process's own identity: root needs a login and drops privileges; a user is preauthenticated on `$MAIL`. */
export function processIdentity(spoolDir: string): SessionIdentity {
  return {
    preauth() {
      if (runningAsRoot()) return null;
      const account = currentAccount();
      return { account, inbox: process.env.MAIL || join(spoolDir, account.name) };
    },
    becomeUser: dropPrivileges,
  };
}
