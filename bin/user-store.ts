/**
 * A user's mail store as an IMAP session of theirs has it (UW's names and rules over the mbox driver, with the
 * special uses, quota and server annotations of the configuration): built by bin/imapd-serve.ts for each session,
 * and by bin/mailtool for the mailboxes it works on, so that an administrator's command finds and changes exactly
 * what the user's next session will see.
 */
import type { Config } from '../lib/env/config.js';
import type { Account } from '../lib/auth/types.js';
import type { ControlDir } from '../lib/mailbox/control-dir.js';
import type { MailboxDriver } from '../lib/mailbox/driver.js';
import { UwMailStore } from '../lib/mailbox/uw-store.js';

export interface UserStoreOptions {
  readonly config: Config;
  readonly account: Pick<Account, 'uid' | 'home'>;
  /** The file INBOX names: the spool file (spool_dir/NAME), or `$MAIL` in PREAUTH mode. */
  readonly inboxPath: string;
  readonly driver: MailboxDriver;
  /** The user's control directory (special uses, server annotations); null: none usable. */
  readonly control: ControlDir | null;
  /** Absolute names allowed whatever the configuration says (mailtool's paths). Default: the configuration's. */
  readonly allowOutsideHome?: boolean;
}

/** The store; call as the user (after the privilege drop): it makes the control directory's files as needed. */
export function userStore(o: UserStoreOptions): UwMailStore {
  const c = o.config;
  return new UwMailStore({
    driver: o.driver, home: o.account.home, inboxPath: o.inboxPath,
    allowOutsideHome: o.allowOutsideHome ?? c.allowMailboxPathsOutsideHome,
    specialUseFile: () => o.control?.file('special-use') ?? null, specialUseNames: c.specialUse,
    quota: { uid: o.account.uid, storageLimit: c.quotaStorage },
    metadataFile: () => o.control?.file('metadata') ?? null, sharedMetadata: sharedMetadata(c),
    subscriptionsLock: () => o.control?.file('subscriptions') ?? null,
    mboxInbox: c.mboxInbox ? { snarfIntervalMs: c.snarfIntervalS * 1000 } : null,
  });
}

/** RFC 5464 §6.2.1's /shared/comment and /shared/admin server entries, from the configuration. */
function sharedMetadata(c: Config): ReadonlyMap<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (c.metadataComment !== null) out.set('/shared/comment', Buffer.from(c.metadataComment, 'utf8'));
  if (c.metadataAdmin !== null) out.set('/shared/admin', Buffer.from(c.metadataAdmin, 'utf8'));
  return out;
}
