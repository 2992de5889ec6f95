/**
 * Server annotations (RFC 5464's METADATA-SERVER): the `/shared` entries the configuration gives
 * (`metadata_comment`, `metadata_admin`: RFC 5464 §6.2.1's /shared/comment and /shared/admin), which users read but
 * do not set, and each user's own `/private` entries, kept in the control directory.
 *
 * The file, `metadata` in the control directory (lib/mailbox/control-dir.ts), is JSON: an object from an entry
 * name (lower case: entry names are case-insensitive, RFC 5464 §3.2) to its value in base64 (values are octets,
 * possibly binary). Each change reads it and replaces it atomically (a temporary file, then rename(2)) under the
 * file's lock, as special-use.ts does (json-file.ts), so two sessions changing it at the same instant both keep theirs.
 * Without a usable control directory nothing private can be kept (NOPRIVATE).
 */
import { readJsonObject, replaceJsonObject, underFileLock } from './json-file.js';


/** The largest value kept (RFC 5464 §4.3's MAXSIZE: a server limits the size of what it stores). */
const MAX_VALUE_SIZE = 4096;
/** The most private entries a user may keep (§4.3's TOOMANY). */
const MAX_PRIVATE_ENTRIES = 64;

/** One change of SETMETADATA: the value, or null to remove the entry. */
export interface MetadataChange {
  readonly entry: string;
  readonly value: Buffer | null;
}

/**
 * Why a SETMETADATA changed nothing (RFC 5464 §4.3): a value over `max` octets, too many entries, no place for
 * private entries, or an entry the user may not set (the /shared ones, the administrator's).
 */
export type MetadataRefusal =
  | { readonly kind: 'maxsize'; readonly max: number }
  | { readonly kind: 'toomany' }
  | { readonly kind: 'noprivate' }
  | { readonly kind: 'shared' };

type Table = Record<string, string>;

/** One user's server annotations: the configured shared entries and the private file. */
export class ServerMetadata {
  /**
   * `file`: the path of the user's `metadata` file, asked for on first use (null: no usable control directory).
   * `shared`: the /shared entries (lower-case names) and their values.
   */
  constructor(private readonly file: () => string | null, private readonly shared: ReadonlyMap<string, Buffer>) {}

  /** Every entry that has a value now, shared and private, by name. An unreadable file counts as empty. */
  async entries(): Promise<Map<string, Buffer>> {
    const out = new Map(this.shared);
    const table = await this.read().catch(() => ({}) as Table);
    for (const [k, v] of Object.entries(table)) out.set(k, Buffer.from(v, 'base64'));
    return out;
  }

  /**
   * Applies `changes` all together or not at all: returns why not (nothing changed then), or null once they are
   * kept. Removing an entry that has no value is no change. Throws MailboxError when the file cannot be written.
   */
  async set(changes: readonly MetadataChange[]): Promise<MetadataRefusal | null> {
    if (changes.some((c) => !c.entry.startsWith('/private/'))) return { kind: 'shared' };
    const big = changes.find((c) => c.value !== null && c.value.length > MAX_VALUE_SIZE);
    if (big !== undefined) return { kind: 'maxsize', max: MAX_VALUE_SIZE };
    const file = this.file();
    if (file === null) return { kind: 'noprivate' };
    return underFileLock(file, 'metadata file', async (): Promise<MetadataRefusal | null> => {
      const table = await this.read();
      let changed = false;
      for (const c of changes) {
        if (c.value === null) {
          if (Object.hasOwn(table, c.entry)) {
            delete table[c.entry];
            changed = true;
          }
        } else {
          table[c.entry] = c.value.toString('base64');
          changed = true;
        }
      }
      if (Object.keys(table).length > MAX_PRIVATE_ENTRIES) return { kind: 'toomany' };
      if (changed) await replaceJsonObject(file, table, 'metadata file');
      return null;
    });
  }

  /** The kept table; empty when there is no file or it is damaged (the next change writes a good one). */
  private async read(): Promise<Table> {
    const table: Table = Object.create(null) as Table;
    const file = this.file();
    if (file === null) return table;
    const parsed = await readJsonObject(file, 'metadata file');
    if (parsed === null) return table;
    for (const [k, v] of Object.entries(parsed)) {
      if (k.startsWith('/private/') && typeof v === 'string') table[k] = v;
    }
    return table;
  }
}
