/**
 * Subscriptions: `~/.mailboxlist`, UW's SUBSCRIPTIONFILE (smanager.c), one name per line in the order subscribed,
 * and LSUB answered from it. Several sessions may change it at once: each change reads the file and replaces it
 * atomically (a temporary file, then rename(2)), so a reader never sees half a file, and does so under a lock in the
 * user's control directory (json-file.ts's underFileLock), so two changes at the same instant are both kept (a program
 * that does not take the lock, UW's imapd, still replaces the file whole). Names are kept as the client
 * sent them, INBOX in any case as `INBOX` (UW's sm_subscribe). Whether a name may be subscribed is the store's call.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { ListEntry } from './store.js';
import { fsError, isErrno } from './fs-errors.js';
import { underFileLock } from './json-file.js';
import { isInbox, wildMatch } from './uw-names.js';

const FILE_MODE = 0o600;

/** The name as the subscription file keeps it. */
function stored(name: string): string {
  return isInbox(name) ? 'INBOX' : name;
}

export class Subscriptions {
  /**
   * `lock`: the path whose `.lock` file changes are made under (in the control directory, not beside the file in the
   * home directory); null when there is no usable control directory, and changes are then made without one.
   */
  constructor(readonly file: string, private readonly lock: () => string | null = () => null) {}

  /** Adds `name` at the end unless it is there already. */
  async add(name: string): Promise<void> {
    await this.change((lines) => {
      if (lines.includes(stored(name))) return null;
      return [...lines, stored(name)];
    });
  }

  /** Removes `name`; nothing when it is not there. */
  async remove(name: string): Promise<void> {
    await this.change((lines) => {
      const kept = lines.filter((l) => l !== stored(name));
      return kept.length !== lines.length ? kept : null;
    });
  }

  /** Reads the names, lets `edit` give the new ones (null: no change), and writes them back, under the lock. */
  private async change(edit: (lines: string[]) => string[] | null): Promise<void> {
    const work = async (): Promise<void> => {
      const next = edit(await this.read());
      if (next !== null) await this.write(next);
    };
    const lock = this.lock();
    await (lock === null ? work() : underFileLock(lock, 'subscription file', work));
  }

  /**
   * LSUB of the (already combined) pattern `test`, in the file's order without looking at the disk: INBOX
   * `\NoInferiors` when `inboxMatches`, others with no attributes; with a trailing `%`, superiors of subscribed
   * names that match are `\Noselect`.
   */
  async list(test: string, inboxMatches: boolean): Promise<ListEntry[]> {
    const out: ListEntry[] = [];
    const seen = new Set<string>();
    const add = (name: string, attributes: string[]): void => {
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ name, attributes });
    };
    const showSuperiors = test.endsWith('%');
    for (const s of await this.read()) {
      if (s[0] === '{') continue; // remote names in a shared .mailboxlist (Pine) are not ours
      if (isInbox(s)) {
        if (inboxMatches) add('INBOX', ['\\NoInferiors']);
      } else if (wildMatch(s, test, true)) {
        add(s, []);
      } else if (showSuperiors) {
        for (let t = s.lastIndexOf('/'); t > 0; t = s.lastIndexOf('/', t - 1)) {
          const up = s.slice(0, t);
          if (wildMatch(up, test, true)) add(up, ['\\Noselect']);
        }
      }
    }
    return out;
  }

  /** The subscribed names in the file's order, each once, without remote (`{...}`) names. */
  async names(): Promise<string[]> {
    return [...new Set((await this.read()).filter((s) => s[0] !== '{'))];
  }

  /** The subscription file's names in order (one per line, UW's format); none when it does not exist. */
  private async read(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'latin1');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw fsError(e, this.file);
    }
    return text.split('\n').filter((l) => l !== '');
  }

  /** Replaces the subscription file atomically: a temporary file in the same directory, then rename(2). */
  private async write(lines: readonly string[]): Promise<void> {
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, lines.map((l) => `${l}\n`).join(''), { encoding: 'latin1', mode: FILE_MODE, flag: 'wx' });
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw fsError(e, this.file);
    }
  }
}
