/**
 * Which file INBOX is, by UW's rule (c-client's mbox driver, unix.c's mbox_valid): `~/mbox` when that file exists
 * and is an mbox (an empty file counts) and the spool is an mbox, empty or missing; the spool otherwise. When it is
 * `~/mbox`, the spool's mail is moved into it as it is opened read-write and synced (driver.ts's SnarfSource,
 * mbox/snarf.ts), and STATUS counts the spool's messages as well (UwMailStore.status). The name `mbox` stays an
 * ordinary mailbox name (UW lists and opens it as any other file under the home), without the snarf.
 *
 * Both servers ask here: imapd through UwMailStore, ipop3d for its maildrop (UW's ipop3d opens INBOX, so a POP3
 * login snarfs too).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { MailboxDriver, SnarfSource } from './driver.js';

/** UW's mbox INBOX, switched on (configuration `mbox_inbox`), with its snarf interval. */
export interface MboxInbox {
  readonly snarfIntervalMs: number;
}

/** INBOX's file, and for UW's mbox INBOX where its new mail comes from. */
export interface InboxFile {
  readonly path: string;
  readonly snarf: SnarfSource | null;
}

/** `~/mbox` of the home `home`. */
export function mboxPath(home: string): string {
  return join(home, 'mbox');
}

/**
 * INBOX's file for the user with home `home` and spool `spool`: see the module comment. `mbox` null: the rule is
 * switched off, and INBOX is the spool.
 */
export async function inboxFile(driver: MailboxDriver, home: string, spool: string, mbox: MboxInbox | null): Promise<InboxFile> {
  const plain: InboxFile = { path: spool, snarf: null };
  if (mbox === null) return plain;
  const path = mboxPath(home);
  if (!(await driver.valid(path))) return plain;
  let spoolId: string | null = null;
  try {
    const st = statSync(spool);
    spoolId = `${st.dev}:${st.ino}`;
  } catch {
    // No spool: ~/mbox is INBOX all the same (UW: ENOENT).
  }
  if (spoolId !== null) {
    if (!(await driver.valid(spool))) return plain; // UW: a spool in another format keeps its own driver
    // A spool linked to ~/mbox (UW's "are the same file"): one file, nothing to move.
    const st = (() => {
      try {
        return statSync(path);
      } catch {
        return null;
      }
    })();
    if (st === null || spoolId === `${st.dev}:${st.ino}`) return plain;
  }
  return { path, snarf: { from: spool, intervalMs: mbox.snarfIntervalMs } };
}
