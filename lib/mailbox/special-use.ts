/**
 * Which mailboxes have which special use (RFC 6154): what the user gave with `CREATE name (USE (...))`, kept in
 * the control directory, and otherwise the configured names (`special_use`: UW and Pine's `sent-mail`,
 * `postponed-msgs`, `saved-messages`, and the common `Sent`, `Drafts`, `Trash`, `Junk`, `Archive`), matched without
 * regard to case. Only mailboxes that exist are given a use: the store asks about the mailbox files it lists.
 *
 * The file, `special-use` in the control directory (lib/mailbox/control-dir.ts), is JSON: an object from a
 * mailbox's key (see {@link useKey}) to its uses. Each change reads it and replaces it atomically (a temporary file,
 * then rename(2)) under the file's lock (json-file.ts), so a reader never sees half a file and two sessions changing
 * it at the same instant both keep their change. Without a usable control directory nothing is remembered, and
 * a CREATE that asks for a use is refused (NO [USEATTR]) rather than creating a mailbox without it.
 */
import { SPECIAL_USES, type NamedUse, type SpecialUse } from '../values/special-use.js';
import { readJsonObject, replaceJsonObject, underFileLock } from './json-file.js';
import { isInbox } from './uw-names.js';


/**
 * The key a mailbox's uses are kept under: its name relative to the home (`~/x` is `x`), without a trailing
 * delimiter; null for INBOX, which has none.
 */
export function useKey(name: string): string | null {
  if (isInbox(name)) return null;
  const rel = name.startsWith('~/') ? name.slice(2) : name;
  return rel.endsWith('/') ? rel.slice(0, -1) : rel;
}

type UseTable = Record<string, SpecialUse[]>;

/** One user's special uses: the file (when there is one) over the configured names. */
export class SpecialUses {
  private readonly named = new Map<string, SpecialUse[]>();

  /**
   * `file`: the path of the user's `special-use` file, asked for on first use (null: no usable control directory).
   * `names`: the configured names, matched without regard to case; a name given twice has both uses.
   */
  constructor(private readonly file: () => string | null, names: readonly NamedUse[]) {
    for (const { name, use } of names) {
      const k = name.toLowerCase();
      const uses = this.named.get(k) ?? [];
      if (!uses.includes(use)) uses.push(use);
      this.named.set(k, uses);
    }
  }

  /** True when uses given by CREATE can be kept (there is a usable control directory). */
  canRemember(): boolean {
    return this.file() !== null;
  }

  /**
   * A look-up for one LIST: the uses of the mailbox with key `key` (those given by CREATE, else the configured
   * name's; none for a key that has neither). Reads the file once; an unreadable file counts as empty.
   */
  async lookup(): Promise<(key: string) => readonly SpecialUse[]> {
    const table = await this.read().catch(() => ({}) as UseTable);
    return (key) => (Object.hasOwn(table, key) ? table[key] : undefined) ?? this.named.get(key.toLowerCase()) ?? [];
  }

  /** Keeps `uses` for `key` (none: forgets what was kept, so the configured names apply again). */
  async set(key: string, uses: readonly SpecialUse[]): Promise<void> {
    await this.change((t) => {
      if (uses.length === 0) return delete t[key];
      t[key] = [...uses];
      return true;
    });
  }

  /** RENAME: what was kept for `from` and every key below it (`from/...`) moves to `to`. */
  async move(from: string, to: string): Promise<void> {
    await this.change((t) => {
      let changed = false;
      for (const k of Object.keys(t)) {
        const uses = t[k];
        if (uses === undefined || (k !== from && !k.startsWith(`${from}/`))) continue;
        delete t[k];
        t[to + k.slice(from.length)] = uses;
        changed = true;
      }
      return changed;
    });
  }

  /** Reads the table, lets `edit` change it (it says whether it did), and writes it back when it did. */
  private async change(edit: (t: UseTable) => boolean): Promise<void> {
    const file = this.file();
    if (file === null) return;
    await underFileLock(file, 'special-use file', async () => {
      const table = await this.read();
      if (edit(table)) await replaceJsonObject(file, table, 'special-use file');
    });
  }

  /** The kept table; empty when there is no file. Entries that are not lists of known uses are dropped. */
  private async read(): Promise<UseTable> {
    const file = this.file();
    const table: UseTable = Object.create(null) as UseTable;
    if (file === null) return table;
    const parsed = await readJsonObject(file, 'special-use file');
    if (parsed === null) return table;
    for (const [k, v] of Object.entries(parsed)) {
      if (!Array.isArray(v)) continue;
      const uses = SPECIAL_USES.filter((u) => v.includes(u));
      if (uses.length > 0) table[k] = uses;
    }
    return table;
  }
}
