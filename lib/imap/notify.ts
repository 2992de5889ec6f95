/**
 * NOTIFY's notifications (RFC 5465) for one session: what the client asked for, the watches that tell when to look,
 * and what was last told, so that only changes are sent.
 *
 * Storage owns its notifications (ARCHITECTURE.md): the selected mailbox is watched with OpenMailbox.notifyChanges,
 * the others with MailStore.watch; neither says what changed, so each time one fires (or the poll comes round, where
 * a watch could not be set up) the notifier asks: STATUS of each watched mailbox through the STATUS command's own
 * path (shared/status.ts), LIST for names made, removed or renamed and for subscriptions, each compared with what it
 * last told. Events this session caused itself are told too (§5 asks only SHOULD to leave them out; both look
 * alike from the files, and leaving out a change another made at the same moment would lose it).
 *
 * Bounded: at most {@link NOTIFY_MAX_MAILBOXES} mailboxes watched (NOTIFY SET is refused with NO
 * [NOTIFICATIONOVERFLOW] beyond, §3.1) and at most {@link MAX_RESPONSES} responses a round; a watch that grows past
 * the first or a round past the second ends the notifications with `* OK [NOTIFICATIONOVERFLOW]`, as if NOTIFY NONE
 * had been received (§5.8). Every watch is closed by {@link Notifier.close}: NOTIFY NONE, a new NOTIFY SET, the
 * session's end.
 */
import type { ChangeWatch, OpenMailbox } from '../mailbox/driver.js';
import { MailboxError } from '../mailbox/driver.js';
import type { ListEntry, StoreWatch } from '../mailbox/store.js';
import type { NotifyGroup } from '../wire/notify-args.js';
import type { FetchAtt, StatusAtt } from '../wire/parser.js';
import type { AuthenticatedContext, Selected } from './command.js';
import { condstoreOn } from './commands/shared/condstore.js';
import { mailboxName, utf8On } from './commands/shared/mailbox-name.js';
import { statusValues, writeStatus, type StatusValues } from './commands/shared/status.js';
import { FetchError, writeFetch } from './fetch-writer.js';
import { okResponse } from './responses.js';

/** Mailboxes one NOTIFY may watch (STATUS is asked of each when something changes). */
const NOTIFY_MAX_MAILBOXES = 200;
/** Responses one round may send before the client counts as swamped (§5.8). */
const MAX_RESPONSES = 2000;
/** The poll: where a watch is live a slow safety net, otherwise the only way to notice. */
const POLL_LIVE_MS = 30_000;
const POLL_MS = 5_000;
const RETRY_MS = 500;

/** The names of dotlock files, which LIST shows while they last. */
const DOTLOCK = /\.lock(\.[^/]*)?$/;

/** What the client asked for the selected mailbox (SELECTED or SELECTED-DELAYED with events, §6.1). */
export interface SelectedEvents {
  /** SELECTED-DELAYED: expunges wait for a command that allows them (§6.1.2). */
  readonly delayed: boolean;
  /** FlagChange: flag changes carry UID (§5.1). */
  readonly flags: boolean;
  /** MessageNew's fetch attributes: the FETCH of each new message (§5.2); null when none were given. */
  readonly fetch: readonly FetchAtt[] | null;
}

/** A name's state as last seen: whether it exists (its LIST attributes), whether subscribed, its UIDVALIDITY. */
interface NameState {
  readonly entry: ListEntry | null;
  readonly subscribed: boolean;
  readonly uidValidity: number | null;
}

function inScope(g: NotifyGroup, name: string, subscribed: boolean): boolean {
  const f = g.filter;
  switch (f.kind) {
    case 'SELECTED': case 'SELECTED-DELAYED': return false;
    // UW delivers to INBOX only.
    case 'INBOXES': return name === 'INBOX';
    case 'PERSONAL': return true;
    case 'SUBSCRIBED': return subscribed;
    case 'SUBTREE': return f.mailboxes.some((m) => name === m || name.startsWith(`${m}/`));
    case 'MAILBOXES': return f.mailboxes.includes(name);
  }
}

const has = (g: NotifyGroup, event: string): boolean => g.events.some((e) => e.name === event);

/** Thrown by {@link Notifier.start} when the mailboxes asked for are too many (§3.1's NO [NOTIFICATIONOVERFLOW]). */
export class NotifyOverflow extends Error {}

export class Notifier {
  readonly selected: SelectedEvents | null;
  private readonly others: readonly NotifyGroup[];
  private names = new Map<string, NameState>();
  private told = new Map<string, StatusValues>();
  private storeWatch: StoreWatch | null = null;
  private watchedKey = '';
  private boxWatch: ChangeWatch | null = null;
  private watchedBox: OpenMailbox | null = null;
  /** The selected mailbox and the UID from which its new messages still want MessageNew's FETCH. */
  private fetchFrom: { box: OpenMailbox; uid: number } | null = null;
  private dirty = false;
  private pending: Promise<'notify'> | null = null;
  private poke: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private sent = 0;

  /**
   * `ctx` is the NOTIFY SET command's context: its `untagged` and `store` outlive the command and are what the
   * notifications are written with and asked of; `onOverflow` ends them (the session forgets this notifier).
   */
  private constructor(private readonly ctx: AuthenticatedContext, groups: readonly NotifyGroup[],
    private readonly max: number, private readonly onOverflow: () => void) {
    const sel = groups.find((g) => g.filter.kind === 'SELECTED' || g.filter.kind === 'SELECTED-DELAYED');
    this.selected = sel && sel.events.length > 0 ? {
      delayed: sel.filter.kind === 'SELECTED-DELAYED',
      flags: has(sel, 'FlagChange'),
      fetch: sel.events.find((e) => e.name === 'MessageNew')?.fetch ?? null,
    } : null;
    this.others = groups.filter((g) => g !== sel && g.events.length > 0);
  }

  /**
   * Sets up what NOTIFY SET asked: reads the mailboxes' state, sends their STATUS when `status` (§3.1), and starts
   * the watches. Throws NotifyOverflow when they are too many, having sent nothing.
   */
  static async start(ctx: AuthenticatedContext, groups: readonly NotifyGroup[], status: boolean,
    onOverflow: () => void, max = NOTIFY_MAX_MAILBOXES): Promise<Notifier> {
    const n = new Notifier(ctx, groups, max, onOverflow);
    try {
      if (!(await n.refresh(false))) throw new NotifyOverflow();
    } catch (e) {
      n.close();
      throw e;
    }
    if (status) for (const [name, v] of n.told) writeStatus(ctx, name, n.statusAtts(), v);
    return n;
  }

  /** Whether flag changes of the selected mailbox carry UID (FlagChange, §5.1). */
  get flagUids(): boolean {
    return this.selected?.flags === true;
  }

  /** How many filesystem watches are held (tests: none once closed). */
  get watches(): number {
    return (this.storeWatch?.paths ?? 0) + (this.boxWatch ? 1 : 0);
  }

  /** Resolves when something may have changed (a watch fired, or the poll came round). */
  changed(): Promise<'notify'> {
    this.watchBox(this.ctx.session.selected);
    if (this.dirty || this.closed) return this.closed ? new Promise(() => undefined) : Promise.resolve('notify');
    if (this.pending) return this.pending;
    const pending = new Promise<'notify'>((resolve) => {
      this.poke = () => resolve('notify');
    });
    this.pending = pending;
    const live = (this.storeWatch?.live ?? true) && (this.boxWatch?.live ?? true);
    this.timer = setTimeout(() => this.wake(), live ? POLL_LIVE_MS : POLL_MS);
    return pending;
  }

  private wake(): void {
    this.dirty = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const poke = this.poke;
    this.poke = null;
    this.pending = null;
    poke?.();
  }

  /** The selected mailbox is watched while the client wants its events between commands. */
  private watchBox(sel: Selected | null): void {
    const box = this.selected ? sel?.box ?? null : null;
    if (box === this.watchedBox) return;
    this.boxWatch?.stop();
    this.boxWatch = box?.notifyChanges(() => this.wake()) ?? null;
    this.watchedBox = box;
  }

  /**
   * Sends what changed, between commands: the selected mailbox's updates (expunges unless SELECTED-DELAYED holds
   * them, §6.1) when its events were asked for, then the other mailboxes'. In IDLE (`idle`), which reports the
   * selected mailbox itself, only the others. Never throws: a failure is logged and the next round looks again.
   */
  async deliver(idle = false): Promise<void> {
    this.dirty = false;
    this.sent = 0;
    const s = this.ctx.session;
    if (!idle && this.selected && s.selected && !(await s.reportUpdates(!this.selected.delayed))) return;
    if (this.closed) return;
    try {
      if (!(await this.refresh(true))) this.overflow();
    } catch (e) {
      // A look that failed (a file gone between LIST's reading a folder and its stat) is tried again soon: the
      // change that woke it would otherwise wait for the next one, or the poll.
      s.opts.logger.log('notice', `NOTIFY: ${e instanceof Error ? e.message : String(e)} user=${s.user}`);
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.wake();
      }, RETRY_MS);
    }
  }

  /**
   * After the selected mailbox's updates were told: MessageNew's FETCH of each new message (§5.2), its items as
   * asked, \Seen never set (a notification is no reading). The messages there when it was first seen are not new.
   */
  async afterUpdates(sel: Selected): Promise<void> {
    const atts = this.selected?.fetch;
    if (!atts) return;
    const box = sel.box;
    const from = this.fetchFrom?.box === box ? this.fetchFrom.uid : box.uidNext();
    this.fetchFrom = { box, uid: box.uidNext() };
    let seq = box.count();
    while (seq > 0 && box.meta(seq).uid >= from) seq--;
    const out = this.ctx.session.out;
    const opts = {
      uid: false, markSeen: false, recent: !this.ctx.session.rev2, structureCache: sel.structures,
      condstore: condstoreOn(this.ctx),
    };
    for (seq++; seq <= box.count() && this.sent++ < MAX_RESPONSES; seq++) {
      try {
        await writeFetch(out, box, seq, atts, opts);
      } catch (e) {
        // Nothing of this message was queued: an unknown encoding, a message expunged meanwhile.
        if (!(e instanceof FetchError || e instanceof MailboxError)) throw e;
      }
      await out.maybeFlush();
    }
  }

  private statusAtts(): StatusAtt[] {
    const atts: StatusAtt[] = ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'];
    // §5.2, §5.3: HIGHESTMODSEQ once CONDSTORE is on.
    if (condstoreOn(this.ctx)) atts.push('HIGHESTMODSEQ');
    return atts;
  }

  /**
   * Reads the state of every name the groups cover and, when `tell`, sends what changed since the last look.
   * False when the names are more than the limit (nothing sent).
   */
  private async refresh(tell: boolean): Promise<boolean> {
    const { store } = this.ctx;
    const noListing = this.others.every((g) => g.filter.kind !== 'PERSONAL' && g.filter.kind !== 'SUBTREE' &&
      !has(g, 'MailboxName'));
    const wantSubs = this.others.some((g) => g.filter.kind === 'SUBSCRIBED' || has(g, 'SubscriptionChange'));
    const listAll = async (): Promise<Map<string, ListEntry>> => {
      const out = new Map<string, ListEntry>();
      for (const e of noListing ? [] : await store.list('', '*', { subscribedOnly: false })) {
        // `name.lock` and its temporary `name.lock.<host>.<pid>...` are a mailbox's dotlock (lib/lock), there only
        // while a write lasts: no mailboxes to tell of (a mailbox really named so is not watched).
        if (!DOTLOCK.test(e.name)) out.set(e.name, e);
      }
      return out;
    };
    let listed = await listAll();
    // A listing is no snapshot: one that reads a directory just before a RENAME in it and looks at the entries just
    // after finds neither name, and the rename would be told as a deletion and, a round later, a creation without
    // OLDNAME. So when a name known to exist is missing, the directory is listed once more (the rename is over).
    if ([...this.names].some(([n, st]) => st.entry !== null && !listed.has(n))) listed = await listAll();
    const subs = new Set(wantSubs ? (await store.list('', '*', { subscribedOnly: true })).map((e) => e.name) : []);
    const candidates = new Set([...listed.keys(), ...subs, ...this.names.keys()]);
    for (const g of this.others) {
      if (g.filter.kind === 'INBOXES') candidates.add('INBOX');
      if (g.filter.kind === 'MAILBOXES' || g.filter.kind === 'SUBTREE') for (const m of g.filter.mailboxes) candidates.add(m);
    }
    const covering = (name: string, subscribed: boolean): NotifyGroup[] =>
      this.others.filter((g) => inScope(g, name, subscribed));
    const subscribed = (n: string): boolean => subs.has(n) || this.names.get(n)?.subscribed === true;
    const watched = [...candidates].filter((n) => covering(n, subscribed(n)).length > 0);
    if (watched.length > this.max) return false;
    const sel = this.ctx.session.selected;
    const atts = this.statusAtts();
    const next = new Map<string, NameState>();
    for (const name of watched) {
      const groups = covering(name, subscribed(name));
      let entry = listed.get(name) ?? null;
      if (entry?.attributes.includes('\\NonExistent')) entry = null;
      let values: StatusValues | null = null;
      const selectable = !entry?.attributes.includes('\\Noselect');
      if (selectable && (entry !== null || noListing || name === 'INBOX')) {
        values = await statusValues(this.ctx, name, atts).catch(() => null);
        if (values && entry === null) entry = { name, attributes: [] };
      }
      // A STATUS that failed for a while (the mailbox locked by a long write) keeps what was known of it.
      const known = this.names.get(name)?.uidValidity ?? null;
      next.set(name, { entry, subscribed: subs.has(name), uidValidity: values?.UIDVALIDITY ?? (entry ? known : null) });
      const messages = groups.filter((g) => has(g, 'MessageNew'));
      if (!values && entry) continue;
      if (!values || messages.length === 0 || (sel && store.sameMailbox(sel.name, name))) {
        this.told.delete(name);
        continue;
      }
      const before = this.told.get(name);
      this.told.set(name, values);
      if (!tell || !before) continue;
      const flags = messages.some((g) => has(g, 'FlagChange'));
      const keys: StatusAtt[] = flags ? atts : ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY'];
      if (keys.some((k) => before[k] !== values[k])) this.send(() => writeStatus(this.ctx, name, atts, values));
    }
    if (tell) this.tellNames(next, covering);
    // A name neither there nor subscribed was told gone: it is forgotten (else the map would only grow).
    this.names = new Map([...next].filter(([, st]) => st.entry !== null || st.subscribed));
    this.rewatch(watched);
    return this.sent <= MAX_RESPONSES;
  }

  /** §5.4 and §5.5: LIST for names made, removed and renamed, and for subscriptions changed. */
  private tellNames(next: ReadonlyMap<string, NameState>, covering: (n: string, s: boolean) => NotifyGroup[]): void {
    const wants = (event: string, name: string, s: NameState | undefined): boolean =>
      covering(name, s?.subscribed === true).some((g) => has(g, event));
    const born = [...next].filter(([n, s]) => s.entry && !this.names.get(n)?.entry);
    const gone = [...this.names].filter(([n, s]) => s.entry && !next.get(n)?.entry);
    for (const [name, s] of born) {
      // A rename keeps the file, and so its UIDVALIDITY: the name gone with the same one is the old name.
      const i = s.uidValidity === null ? -1 : gone.findIndex(([, g]) => g.uidValidity === s.uidValidity);
      const old = i >= 0 ? gone.splice(i, 1)[0] : undefined;
      if (!wants('MailboxName', name, s) && !(old && wants('MailboxName', old[0], old[1]))) continue;
      this.list(name, s, old?.[0]);
    }
    for (const [name, s] of gone) if (wants('MailboxName', name, s)) this.list(name, next.get(name), undefined);
    for (const [name, s] of next) {
      const before = this.names.get(name);
      if (before && before.subscribed !== s.subscribed && (wants('SubscriptionChange', name, s) ||
        wants('SubscriptionChange', name, before))) this.list(name, s, undefined);
    }
  }

  /** `* LIST (attributes) "/" name`, `\NonExistent` for a name that is gone, with OLDNAME after a rename (§5.4). */
  private list(name: string, s: NameState | undefined, oldName: string | undefined): void {
    const attrs = s?.entry ? s.entry.attributes.filter((a) => a !== '\\Subscribed') : ['\\NonExistent'];
    if (s?.subscribed) attrs.push('\\Subscribed');
    const utf8 = utf8On(this.ctx);
    this.send(() => this.ctx.untagged((b) => {
      mailboxName(b.raw('LIST ').list(attrs, (l, a) => l.raw(a)).raw(' "/" '), name, utf8);
      if (oldName !== undefined) mailboxName(b.raw(' ("OLDNAME" ('), oldName, utf8).raw('))');
    }));
  }

  private send(write: () => void): void {
    if (++this.sent <= MAX_RESPONSES) write();
  }

  /** Watches the names now covered (again only when they changed). */
  private rewatch(names: readonly string[]): void {
    const key = names.join('\0');
    if (this.closed || (this.storeWatch && key === this.watchedKey)) return;
    this.storeWatch?.close();
    this.storeWatch = this.ctx.store.watch(names, () => this.wake());
    this.watchedKey = key;
  }

  /** §5.8: too much to tell; the client hears so and the notifications end. */
  private overflow(): void {
    this.ctx.untagged((b) => okResponse(b, 'NOTIFICATIONOVERFLOW', 'Too many notifications: NOTIFY is off'));
    this.onOverflow();
  }

  /** Ends every watch; nothing more is told. */
  close(): void {
    this.closed = true;
    this.storeWatch?.close();
    this.storeWatch = null;
    this.boxWatch?.stop();
    this.boxWatch = null;
    this.watchedBox = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }
}
