/**
 * LIST and LSUB over UW's namespace (uw-names.ts), the way UW's dummy driver answers them (dummy.c's dummy_list,
 * dummy_list_work and dummy_listed): the patterns combined with the reference, the walk of the directories they can
 * reach, each name's attributes, and RFC 5258's and RFC 6154's selections and return options. LSUB itself answers
 * from the subscription file (uw-subscriptions.ts). UwMailStore.list is this.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MailboxError } from './driver.js';
import type { ListEntry, ListOptions } from './store.js';
import { isInbox, MAX_NAME_LENGTH, type UwNames, wildMatch } from './uw-names.js';
import type { Subscriptions } from './uw-subscriptions.js';
import { type SpecialUses, useKey } from './special-use.js';

/** Wildcards allowed in one LIST/LSUB pattern (UW's MAXWILDCARDS): bounds the matching work. */
const MAX_WILDCARDS = 10;

/** One LIST answer being built: names seen (no duplicates) and how many directory entries were looked at. */
interface ListWalk {
  readonly pattern: string;
  readonly out: ListEntry[];
  readonly seen: Set<string>;
  entries: number;
}

/** What LIST reads: the store's namespace, subscriptions and special uses, and its bounds. */
export interface UwListOptions {
  readonly home: string;
  readonly names: UwNames;
  readonly subscriptions: Subscriptions;
  readonly uses: SpecialUses;
  /** How deep LIST descends below the pattern's fixed prefix (UwMailStoreOptions.listMaxDepth). */
  readonly listMaxDepth: number;
  /** How many directory entries one LIST may look at (UwMailStoreOptions.listMaxEntries). */
  readonly listMaxEntries: number;
}

/** LIST and LSUB of one user's store. Holds nothing between calls. */
export class UwList {
  constructor(private readonly o: UwListOptions) {}

  /**
   * LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) the way UW's dummy driver answers them:
   * - the pattern replaces the reference when it starts with `/` or `~`, else it is appended to it;
   * - an empty pattern answers the hierarchy root of the reference (`""` for a relative one) with `\Noselect`;
   * - more than {@link MAX_WILDCARDS} wildcards: MailboxError LIMIT;
   * - LIST walks only the directories the pattern can reach below its fixed prefix, at most `listMaxDepth` deep
   *   and `listMaxEntries` entries in all (then it answers what it found), entries sorted by name, dot files
   *   hidden, symlinks leading out of the home hidden. Directories: `\Noselect` and `\HasChildren` or
   *   `\HasNoChildren`; files: `\NoInferiors` and `\Marked` (non-empty and written since last read: mtime > atime,
   *   the rule of shells and biff, which our sessions keep by setting atime on close as UW's unix driver does; UW's
   *   LIST compared atime with ctime in whole seconds, which marks a mailbox just created when the creation crosses
   *   a second) or `\Unmarked`. Files are not opened to check their format (UW does not either: LIST stays cheap).
   *   An entry named INBOX (any case) at the top is not listed (it would alias INBOX); INBOX itself comes last,
   *   `\NoInferiors`, when the pattern matches it case-insensitively;
   * - LSUB answers from the subscription file in its order without looking at the disk (INBOX `\NoInferiors`,
   *   others with no attributes); with a trailing `%`, superiors of subscribed names that match are `\Noselect`;
   * - RFC 5258: several patterns list what any of them matches, each name once; `markSubscribed` adds
   *   `\Subscribed` to the names in the subscription file; `selectSubscribed` lists those names instead (see
   *   {@link listSubscribed}), with the attributes LIST gives them, not LSUB's;
   * - RFC 6154: mailbox files have the special uses special-use.ts gives them; `selectSpecialUse` lists only those
   *   that have one.
   */
  async list(reference: string, patterns: string | readonly string[], opts: ListOptions): Promise<ListEntry[]> {
    const pats = typeof patterns === 'string' ? [patterns] : patterns;
    if (pats.length === 1 && pats[0] === '') {
      const slash = reference.indexOf('/');
      return [{ name: slash < 0 ? '' : reference.slice(0, slash + 1), attributes: ['\\Noselect'] }];
    }
    // Each pattern replaces the reference when it starts with `/` or `~`, else is appended to it. An empty pattern
    // among several matches nothing.
    const tests: string[] = [];
    for (const pattern of pats) {
      if (pattern === '') continue;
      const test = pattern[0] === '/' || pattern[0] === '~' ? pattern : reference + pattern;
      let wild = 0;
      for (const c of test) if (c === '*' || c === '%') wild++;
      if (wild > MAX_WILDCARDS) throw new MailboxError('LIMIT', 'too many wildcards in LIST/LSUB');
      tests.push(test);
    }
    const first = tests[0];
    if (first === undefined) return [];
    const inboxMatches = (t: string): boolean => wildMatch('INBOX', t.toUpperCase(), true);
    if (opts.subscribedOnly) return this.o.subscriptions.list(first, inboxMatches(first));
    let out: ListEntry[] = [];
    if (opts.selectSubscribed) {
      out = await this.listSubscribed(tests, opts.recursiveMatch === true);
    } else {
      const seen = new Set<string>();
      for (const test of tests) {
        for (const e of await this.listFiles(test, inboxMatches(test))) {
          if (seen.has(e.name)) continue;
          seen.add(e.name);
          out.push(e);
        }
      }
      if (opts.markSubscribed) {
        const subscribed = new Set(await this.o.subscriptions.names());
        out = out.map((e) => (subscribed.has(e.name) ? { ...e, attributes: [...e.attributes, '\\Subscribed'] } : e));
      }
    }
    // Special uses: of mailbox files only (a directory or a name with no mailbox has none; INBOX has none).
    const usesOf = await this.o.uses.lookup();
    out = out.map((e) => {
      const key = useKey(e.name);
      const uses = key !== null && e.attributes.includes('\\NoInferiors') ? usesOf(key) : [];
      return uses.length > 0 ? { ...e, uses } : e;
    });
    return opts.selectSpecialUse ? out.filter((e) => e.uses !== undefined) : out;
  }

  /**
   * RFC 5258's SUBSCRIBED selection: the subscribed names any pattern in `tests` matches, in the subscription
   * file's order, with the attributes their mailboxes have (`\NonExistent` when there is none) and `\Subscribed`.
   * With `recursiveMatch` (§3.5), a name the patterns match that has a subscribed name below it which they do not
   * match is listed too, before it, marked childSubscribed (CHILDINFO), `\Subscribed` only if it is subscribed itself.
   */
  private async listSubscribed(tests: readonly string[], recursiveMatch: boolean): Promise<ListEntry[]> {
    const matches = (name: string): boolean =>
      tests.some((t) => (isInbox(name) ? wildMatch('INBOX', t.toUpperCase(), true) : wildMatch(name, t, true)));
    const subscribed = await this.o.subscriptions.names();
    const isSubscribed = new Set(subscribed);
    const out: { name: string; attributes: string[]; childSubscribed?: true }[] = [];
    const byName = new Map<string, (typeof out)[number]>();
    const add = async (name: string): Promise<(typeof out)[number]> => {
      let e = byName.get(name);
      if (e === undefined) {
        const attributes = (await this.describe(name)) ?? ['\\NonExistent'];
        if (isSubscribed.has(name)) attributes.push('\\Subscribed');
        e = { name, attributes };
        byName.set(name, e);
        out.push(e);
      }
      return e;
    };
    for (const s of subscribed) {
      const hit = matches(s);
      if (recursiveMatch && !hit) {
        for (let t = s.indexOf('/'); t > 0; t = s.indexOf('/', t + 1)) {
          const up = s.slice(0, t);
          if (matches(up)) (await add(up)).childSubscribed = true;
        }
      }
      if (hit) await add(s);
    }
    return out;
  }

  /** The attributes LIST gives the mailbox `name` (as {@link listDir} would), or null when there is none. */
  private async describe(name: string): Promise<string[] | null> {
    if (isInbox(name)) return ['\\NoInferiors'];
    let path: string;
    try {
      path = this.o.names.resolve(name).path;
    } catch {
      return null;
    }
    const st = await this.listableStat(path);
    return st === null ? null : this.attributesOf(path, st);
  }

  /**
   * What LIST sees at `path`: its own stat, or for a symbolic link the target's when the link may be listed
   * (UwNames.listable); null when it is not to be listed or cannot be looked at.
   */
  private async listableStat(path: string): Promise<Stats | null> {
    try {
      const l = await lstat(path);
      if (!l.isSymbolicLink()) return l;
      return (await this.o.names.listable(path)) ? await stat(path) : null;
    } catch {
      return null;
    }
  }

  /** LIST's attributes of a directory or mailbox file found at `path` (see {@link list}); null for anything else. */
  private async attributesOf(path: string, st: Stats): Promise<string[] | null> {
    if (st.isDirectory()) return ['\\Noselect', (await this.hasChildren(path)) ? '\\HasChildren' : '\\HasNoChildren'];
    if (!st.isFile()) return null;
    const marked = st.size > 0 && st.mtimeMs > st.atimeMs;
    return ['\\NoInferiors', marked ? '\\Marked' : '\\Unmarked'];
  }

  private async listFiles(test: string, inboxMatches: boolean): Promise<ListEntry[]> {
    const walk: ListWalk = { pattern: test, out: [], seen: new Set(), entries: 0 };
    // The directory to start from: the fixed part of the pattern up to its last delimiter.
    const firstWild = test.search(/[*%]/);
    const fixed = firstWild < 0 ? test : test.slice(0, firstWild);
    const cut = fixed.lastIndexOf('/');
    const start = cut < 0 ? '' : fixed.slice(0, cut + 1);
    // "~fred%" would list users; UW special-cases it, we answer nothing for it.
    if (!(start === '' && (test[0] === '~' || test[0] === '/'))) {
      let dirPath: string | undefined;
      try {
        dirPath = start === '' ? this.o.home : this.o.names.resolve(start).path;
      } catch {
        dirPath = undefined; // a refused prefix lists nothing (UW: mailboxdir() fails)
      }
      if (dirPath !== undefined) await this.listDir(walk, start, dirPath, 0);
    }
    if (inboxMatches) walk.out.push({ name: 'INBOX', attributes: ['\\NoInferiors'] });
    return walk.out;
  }

  /** UW's dummy_list_work: one directory (`prefix` is its name with the trailing `/`, or "" for the home). */
  private async listDir(walk: ListWalk, prefix: string, dirPath: string, level: number): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(dirPath)).sort();
    } catch {
      return; // UW: "do nothing if can't open directory"
    }
    for (const entry of names) {
      if (walk.entries >= this.o.listMaxEntries) return;
      walk.entries++;
      if (entry[0] === '.') continue;
      const name = prefix + entry;
      if (name.length > MAX_NAME_LENGTH) continue;
      const asDir = `${name}/`;
      const matches = wildMatch(name, walk.pattern, true);
      const descend = wildMatch(asDir, walk.pattern, false);
      if (!matches && !descend) continue;
      const path = join(dirPath, entry);
      const st = await this.listableStat(path);
      if (st === null) continue;
      const topInbox = prefix === '' && isInbox(entry);
      if (matches && !topInbox && !walk.seen.has(name)) {
        const attributes = await this.attributesOf(path, st);
        if (attributes !== null) {
          walk.seen.add(name);
          walk.out.push({ name, attributes });
        }
      }
      if (st.isDirectory() && descend && level < this.o.listMaxDepth) await this.listDir(walk, asDir, path, level + 1);
    }
  }

  /** UW's dummy_listed: a directory has children when it holds anything but dot files. */
  private async hasChildren(path: string): Promise<boolean> {
    try {
      return (await readdir(path)).some((e) => e[0] !== '.');
    } catch {
      return false;
    }
  }
}
