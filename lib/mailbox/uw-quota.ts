/**
 * The quota of UW's mail store (RFC 9208, for UwMailStore): the filesystem's quota for the user where the filesystem
 * holding the mail keeps one (quota.ts reads it with quotactl), else the configured limit (`quota_storage`) over
 * all the user's mail, measured by stat alone.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MailboxError, type AppendMessage } from './driver.js';
import { filesystemQuota, storageResource, type QuotaGet, type QuotaRoot } from './quota.js';

/** Where the user's quota comes from (quota.ts). */
export interface UwQuotaOptions {
  /** The user whose filesystem quota is read. */
  readonly uid: number;
  /** The configured limit in octets (`quota_storage`) for mail on filesystems that keep no quota; null: none. */
  readonly storageLimit: number | null;
  /** quotactl's Q_GETQUOTA; default the addon's (tests give their own; null: no filesystem quotas). */
  readonly get?: QuotaGet | null;
}

/**
 * The quota roots' names (RFC 9208 §3: a root is named by the server). The configured limit is one root over all
 * the user's mail; a filesystem's quota is a root of its own, INBOX's apart when the spool is on another filesystem
 * than the home directory.
 */
const CONFIGURED_ROOT = 'User quota';
const HOME_FS_ROOT = 'Filesystem quota';
const SPOOL_FS_ROOT = 'Spool filesystem quota';

/** A quota root over a place, with its numbers in octets (for the check before an append). */
interface PlaceQuota {
  readonly name: string;
  readonly usedBytes: number;
  readonly limitBytes: number;
}

/** Where the mail is, and LIST's bounds (the configured limit's walk keeps to them). */
interface MailPlaces {
  readonly home: string;
  readonly inboxPath: string;
  readonly listMaxDepth: number;
  readonly listMaxEntries: number;
}

/** One user's quota roots. */
export class UwQuota {
  constructor(private readonly q: UwQuotaOptions, private readonly where: MailPlaces) {}

  /** The roots over INBOX (`inbox`) or the home's mailboxes: none, or the one {@link placeQuota} finds. */
  async roots(inbox: boolean): Promise<QuotaRoot[]> {
    const q = await this.placeQuota(inbox);
    return q === null ? [] : [{ name: q.name, resources: [storageResource(q.usedBytes, q.limitBytes)] }];
  }

  /** The root named `root`, when INBOX or the home's mailboxes have it. */
  async root(root: string): Promise<QuotaRoot | null> {
    for (const inbox of [false, true]) {
      const q = await this.placeQuota(inbox);
      if (q?.name === root) return { name: q.name, resources: [storageResource(q.usedBytes, q.limitBytes)] };
    }
    return null;
  }

  /**
   * `msgs` as they are, checked against the root over INBOX (`inbox`) or the home's mailboxes as they are taken:
   * one that would pass its limit throws MailboxError OVERQUOTA before it is stored (`name` for the message).
   */
  async *within(inbox: boolean, name: string, msgs: AsyncIterable<AppendMessage>): AsyncIterable<AppendMessage> {
    const q = await this.placeQuota(inbox);
    if (q === null) {
      yield* msgs;
      return;
    }
    let free = q.limitBytes - q.usedBytes;
    for await (const m of msgs) {
      free -= m.body.size;
      if (free < 0) throw new MailboxError('OVERQUOTA', `${name}: the message would exceed the ${q.name} limit`);
      yield m;
    }
  }

  /**
   * The quota root over INBOX (`inbox`) or the mailboxes under the home directory, or null: the filesystem's quota
   * where the filesystem holding them keeps one for the user, else the configured limit over all the user's mail.
   */
  private async placeQuota(inbox: boolean): Promise<PlaceQuota | null> {
    const q = this.q;
    // INBOX may not exist yet: its directory is on the filesystem it will be on.
    const fs = inbox
      ? (filesystemQuota(this.where.inboxPath, q.uid, q.get) ?? filesystemQuota(dirname(this.where.inboxPath), q.uid, q.get))
      : filesystemQuota(this.where.home, q.uid, q.get);
    if (fs !== null) {
      const name = inbox && !(await this.sameFilesystem(this.where.inboxPath, this.where.home)) ? SPOOL_FS_ROOT : HOME_FS_ROOT;
      return { name, ...fs };
    }
    if (q.storageLimit === null) return null;
    return { name: CONFIGURED_ROOT, usedBytes: await this.mailUsage(), limitBytes: q.storageLimit };
  }

  /** Whether `a` (or its directory, when it does not exist) is on the filesystem of `b`. */
  private async sameFilesystem(a: string, b: string): Promise<boolean> {
    const dev = async (p: string): Promise<number | null> =>
      (await stat(p).catch(() => stat(dirname(p))).catch(() => null))?.dev ?? null;
    return (await dev(a)) === (await dev(b));
  }

  /**
   * The octets of the user's mail for the configured limit: the INBOX file and every file LIST would show under the
   * home directory (dot files and what is below dot directories left out, as LIST leaves them; symbolic links not
   * followed), by stat alone, each file once (INBOX may be under the home). Bounded like LIST (listMaxDepth,
   * listMaxEntries): beyond that, files are not counted.
   */
  private async mailUsage(): Promise<number> {
    const seen = new Set<string>();
    let total = 0;
    let entries = 0;
    const add = (st: Stats): void => {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
      total += st.size;
    };
    const inbox = await stat(this.where.inboxPath).catch(() => null);
    if (inbox?.isFile()) add(inbox);
    const walk = async (dir: string, level: number): Promise<void> => {
      let list: Dirent[];
      try {
        list = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of list) {
        if (entries >= this.where.listMaxEntries) return;
        entries++;
        if (d.name[0] === '.') continue;
        const path = join(dir, d.name);
        if (d.isDirectory()) {
          if (level < this.where.listMaxDepth) await walk(path, level + 1);
        } else if (d.isFile()) {
          const st = await lstat(path).catch(() => null);
          if (st?.isFile()) add(st);
        }
      }
    };
    await walk(this.where.home, 0);
    return total;
  }
}
