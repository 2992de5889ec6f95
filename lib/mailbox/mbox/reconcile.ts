/**
 * Keeping an open mbox's index in step with the file: the first scan, the scan of new mail at the end, the full
 * rescan reconciled with what the client knows, the updates to report, and which new messages are \Recent here.
 *
 * UIDs follow UW's rules: UIDVALIDITY, last UID and keywords come from `X-IMAP:` (pseudo-message) or `X-IMAPbase:`
 * (first message); `X-UID:` is believed when a UIDVALIDITY is known and it is greater than the previous message's;
 * other messages get the next UID, kept in memory and written at the next checkpoint. Unlike UW, a UID that goes
 * backwards renumbers just that message instead of starting a new UIDVALIDITY for the whole mailbox (as Dovecot),
 * and keywords a message carries that the base header lacks are added to it instead of being dropped.
 *
 * Other writers are noticed by {@link sync}: growth with the old messages' metadata intact (checked by a hash of
 * each message's metadata lines) is new mail, scanned from the old end; anything else is a rewrite, and the whole
 * file is scanned again and reconciled with the index by UID (gone UIDs become expunges, changed flags become flag
 * updates, higher UIDs are new mail).
 */
import { closeSync, constants, fstatSync, openSync, statSync, type BigIntStats } from 'node:fs';
import type { MailboxUpdate } from '../driver.js';
import { MailboxError } from '../driver.js';
import { FdSource } from './byte-source.js';
import { isFromLine } from './from-line.js';
import { Bit, MessageIndex } from './message-index.js';
import { metaHashOf, scanMbox } from './scanner.js';
import { fsError } from '../fs-errors.js';
import { followLog } from './change-log.js';
import { ExpungeMemory } from './expunge-memory.js';
import { type LoadedIndex, readIndex, zoneProbe } from './index-file.js';
import {
  MAX_KEYWORDS, MAX_RESYNCS, type MailboxState, sameSnapshot, type Snapshot, snapshotOf,
} from './mailbox-state.js';

/**
 * \Recent goes to one session only (RFC 3501 §2.3.2): the first to see a message after it arrived, whether it
 * opens the mailbox then or already has it open. The file says which messages no session has seen (no `O` in
 * Status:), but a session writes its `O`s only at its next write; so the highest UID claimed is also kept in the
 * user's control directory (ControlDir.claimRecent), taken under flock() for the messages this object has not
 * settled yet (those above its `settledRecent`), and a message at or below another session's claim is not
 * \Recent here. A read-only session and the driver's short opens (STATUS) only read the claim. Without a control
 * directory nothing is claimed (never in a shared directory, where another user could plant a claim).
 */
export async function settleRecent(box: MailboxState): Promise<void> {
  const x = box.idx;
  const n = x.length;
  if (n === 0 || x.uid(n - 1) <= box.settledRecent) return;
  const top = x.uid(n - 1);
  const control = box.opts.control;
  let claimed = 0;
  if (control) {
    // The claim names the mailbox (UIDVALIDITY and path), so one a removed mailbox of the same name left (its
    // UIDVALIDITY is never given again) is not taken for this one's.
    const owner = `${box.base.uidValidity} ${box.path}`;
    claimed = box.claims && !box.readOnly ? await control.claimRecent(box.path, owner, top) :
      control.recentClaim(box.path, owner);
  }
  // Rows are in ascending UID order: those above settledRecent and at most the claim.
  x.clearBitsIn(x.rowAbove(box.settledRecent), x.rowAbove(claimed), Bit.Recent);
  box.settledRecent = top;
}

/**
 * The bits a session adds to a row's bits from the file (index-file.ts's FILE_BITS): a UID of ours is still to be
 * written, and a message no session has seen is \Recent here (and its `O` to be written, by a session that claims).
 */
function sessionBits(box: MailboxState, fileBits: number): number {
  let bits = fileBits & Bit.NewUid ? Bit.Dirty : 0;
  if (!(fileBits & Bit.Old)) bits |= Bit.Recent | (box.readOnly || !box.claims ? 0 : Bit.Dirty);
  return bits;
}

/**
 * Adds {@link sessionBits} to the rows of an index read from its file (which holds only the file's bits). Returns
 * false, having nothing to add, when the index says no row is new or has a UID of ours.
 */
export function addSessionBits(box: MailboxState, saved: LoadedIndex): boolean {
  if (saved.settled) return false;
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) table[b] = b | sessionBits(box, b);
  saved.idx.mapBits(table);
  return true;
}

/** What one scan of the whole file found. */
interface FullScan {
  fresh: MessageIndex;
  /** The base data in the file, or null when it has none. */
  found: { uidValidity: number; uidLast: number } | null;
  keywords: string[];
  pseudo: { start: number; end: number } | null;
  keywordsGrew: boolean;
  uidLast: number;
}

/** Scans the whole file (`size` bytes) into a new index, by UW's rules (see the module comment). */
function scanAll(box: MailboxState, size: number): FullScan {
  const fresh = new MessageIndex(Math.max(64, box.idx.length + 16));
  let found: { uidValidity: number; uidLast: number } | null = null;
  const keywords: string[] = [];
  let pseudo: { start: number; end: number } | null = null;
  let keywordsGrew = false;
  let uidLast = 0;
  let prevUid = 0;
  let first = true;
  const src = new FdSource(box.fd, size);
  const result = scanMbox(src, { localZone: box.localZone, window: box.opts.window, lazyBodies: true }, (m) => {
    if (first) {
      first = false;
      if (m.base) {
        found = { uidValidity: m.base.uidValidity, uidLast: m.base.uidLast };
        keywords.push(...m.base.keywords.filter(isAtom).slice(0, MAX_KEYWORDS));
        uidLast = m.base.uidLast;
        if (m.base.pseudo) {
          pseudo = { start: m.start, end: m.end };
          return;
        }
      } else if (m.badBase) {
        // UW drops it as silently; said here so that `mailtool check` reports it and the log shows why every
        // client had to forget what it knew of the mailbox.
        box.env.logger.log('warning', `${box.path}: the first message's X-IMAPbase (or X-IMAP) line cannot be read: ` +
          'its UIDs are lost, and the mailbox gets a new UIDVALIDITY');
      }
    }
    // X-UID is believed only under a known UIDVALIDITY, and only while UIDs increase.
    let uid: number;
    let bits = 0;
    if (found && m.uid > prevUid) {
      uid = m.uid;
      if (uid > uidLast) uidLast = uid;
    } else {
      uid = ++uidLast;
      bits |= Bit.NewUid;
      if (found && m.uid > 0) {
        // UW would start a new UIDVALIDITY for the whole mailbox here; renumbering one message is kinder.
        box.env.logger.log('warning', `${box.path}: message at offset ${m.start} has X-UID ${m.uid}, not above ` +
          `${prevUid}; it gets UID ${uid}`);
      }
    }
    prevUid = uid;
    let mask = 0;
    for (const k of m.keywords ?? []) {
      let i = keywords.indexOf(k);
      if (i < 0 && keywords.length < MAX_KEYWORDS && isAtom(k)) {
        i = keywords.push(k) - 1;
        keywordsGrew = true;
      }
      if (i >= 0) mask |= 1 << i;
      else box.env.logger.log('warning', `${box.path}: keyword ${JSON.stringify(k)} dropped (not an atom, or table full)`);
    }
    fresh.push(m, uid, m.flags, mask >>> 0, bits | sessionBits(box, bits | (m.old ? Bit.Old : 0)));
  });
  if (result.garbage) throw new MailboxError('NOTMAILBOX', `${box.path} is not an mbox file`);
  return { fresh, found, keywords, pseudo, keywordsGrew, uidLast };
}

/**
 * Scans the whole file and makes the index match it. On the first scan (`initial`) the index is built; later
 * it is reconciled by UID with what the client knows. Caller holds the read or write locks.
 *
 * `overSaved`, on a first scan: the index holds a saved index of an earlier state of this file (saved-index.ts's
 * firstLook, which could not follow the change). When the file still has that index's UIDVALIDITY, the messages
 * the change left alone (same UID, flags and keywords) keep the numbers it gives them, as the sessions that have the
 * mailbox open keep theirs when they reconcile (RFC 7162: one MODSEQ whoever asks); what changed or came gets one new
 * number, and the UIDs gone are remembered as expunged by it. Everything else is as a first scan finds it.
 */
export function rescan(box: MailboxState, initial: boolean, overSaved = false): void {
  const st = fstatSync(box.fd, { bigint: true });
  const { fresh, found: f, keywords, pseudo, keywordsGrew, uidLast } = scanAll(box, Number(st.size));
  // Without UID data the mailbox starts a new UIDVALIDITY (an open session keeps the one it gave).
  const validity = f ? f.uidValidity :
    initial || box.base.uidValidity === 0 ? Math.floor(box.env.clock.now() / 1000) : box.base.uidValidity;
  const base = { uidValidity: validity, uidLast, keywords };
  // UIDs given here must be recorded as used (UW's X-IMAP/X-IMAPbase last UID) when they are written, or a later
  // session could give them again to other messages (RFC 3501 §2.3.1.1).
  const baseDirty = keywordsGrew || (!f && fresh.length > 0) || (f !== null && uidLast > f.uidLast);
  box.covered = false;
  if (initial) {
    const old = overSaved && f !== null && box.indexed && f.uidValidity === box.base.uidValidity ?
      { idx: box.idx, keywords: box.base.keywords, expunged: box.expunged } : null;
    // Before a number is given: a mailbox without a UIDVALIDITY has no counter (MailboxState.nextModseq).
    box.noValidity = !f;
    // Nothing is known of earlier changes (but what a saved index of this file says): every message is as new
    // (clients look at all of them again), and of earlier expunges.
    const v = box.nextModseq();
    fresh.setModseqIn(0, fresh.length, v);
    let expunged = new ExpungeMemory(v);
    if (old !== null) {
      expunged = old.expunged;
      carryNumbers(old.idx, old.keywords, fresh, keywords, (uid) => expunged.add(uid, v));
    }
    box.releaseIndex();
    box.indexed = true;
    box.idx = fresh;
    box.base = base;
    box.pseudo = pseudo;
    box.baseDirty = baseDirty;
    box.newValidity = !f && fresh.length > 0;
    box.expunged = expunged;
  } else {
    reconcile(box, fresh, base, pseudo, baseDirty);
  }
  box.snap = snapshotOf(st);
}

/**
 * Gives the rows of `fresh` that `old` holds alike (UID, flags, keyword names) the number `old` gave them, and every
 * row of a UID `old` holds its save date; `gone` is told each UID of `old` that `fresh` lacks. Both in ascending UID order.
 */
function carryNumbers(old: MessageIndex, oldKeywords: readonly string[], fresh: MessageIndex,
  freshKeywords: readonly string[], gone: (uid: number) => void): void {
  // Each keyword bit of `fresh` as `old` numbers it (0: a name `old` lacks, so a row that has it differs: -1).
  const map = freshKeywords.map((k) => (oldKeywords.includes(k) ? (1 << oldKeywords.indexOf(k)) >>> 0 : 0));
  const remap = (mask: number): number => {
    let out = 0;
    for (let i = 0; i < map.length; i++) {
      if (!(mask & (1 << i))) continue;
      if (map[i] === 0) return -1;
      out |= map[i] as number;
    }
    return out >>> 0;
  };
  let j = 0;
  for (let r = 0; r < old.length; r++) {
    const uid = old.uid(r);
    while (j < fresh.length && fresh.uid(j) < uid) j++;
    if (j < fresh.length && fresh.uid(j) === uid) {
      if (fresh.flags(j) === old.flags(r) && remap(fresh.keywordMask(j)) === old.keywordMask(r)) {
        fresh.setModseq(j, old.modseq(r));
      }
      // The same message (same UID under the same UIDVALIDITY) was saved when it was, whatever its flags now.
      fresh.setSavedIn(j, j + 1, old.saved(r));
      j++;
    } else {
      gone(uid);
    }
  }
}

/**
 * The file scanned again without the locks, for a column of the saved index that failed its check when first read
 * (index-file.ts): the rows are still the ones the index described (any change to them reads every column first),
 * so the scan of the file as it is gives them again, checked by their UIDs. A scan during which the file changed is
 * made again, up to {@link MAX_RESYNCS} times.
 */
export function scanAgain(box: MailboxState): MessageIndex {
  for (let i = 0; i < MAX_RESYNCS; i++) {
    const before = snapshotOf(fstatSync(box.fd, { bigint: true }));
    const { fresh } = scanAll(box, before.size);
    if (!sameSnapshot(before, snapshotOf(fstatSync(box.fd, { bigint: true })))) continue;
    let same = fresh.length === box.idx.length;
    for (let r = 0; same && r < fresh.length; r++) same = fresh.uid(r) === box.idx.uid(r);
    if (!same) break;
    return fresh;
  }
  throw new MailboxError('IO', `${box.path}: its saved index is damaged and the file changed since; open it again`);
}

/** Merges a fresh scan into the index by UID (see the module comment). */
function reconcile(box: MailboxState, fresh: MessageIndex, base: { uidValidity: number; uidLast: number; keywords: string[] },
  pseudo: { start: number; end: number } | null, baseDirty: boolean,
  /** `fresh` is a saved index: its rows' mod-sequences are taken, not new ones given (see {@link adoptSaved}). */
  saved: { highestModseq: number } | null = null): void {
  if (base.uidValidity !== box.base.uidValidity) {
    throw new MailboxError('CORRUPT', `UIDVALIDITY of ${box.path} changed from ${box.base.uidValidity} to ${base.uidValidity}`);
  }
  // Keyword numbering may differ: map fresh keyword bits onto ours, adding new names.
  const map: number[] = [];
  for (const k of base.keywords) {
    let i = box.base.keywords.indexOf(k);
    if (i < 0 && box.base.keywords.length < MAX_KEYWORDS) {
      i = box.base.keywords.push(k) - 1;
      box.keywordsChanged = true;
    }
    map.push(i);
  }
  const remap = (mask: number): number => {
    let out = 0;
    for (let i = 0; i < map.length; i++) if (mask & (1 << i) && (map[i] ?? -1) >= 0) out |= 1 << (map[i] as number);
    return out >>> 0;
  };
  const old = box.idx;
  const next = new MessageIndex(Math.max(64, fresh.length + 16));
  // One modification sequence for everything this look found changed (flags, arrivals, expunges), or the ones the
  // session that saved the index gave.
  let v = 0;
  const modseq = (j: number): number => (saved ? fresh.modseq(j) : (v ||= box.nextModseq()));
  let j = 0;
  for (let r = 0; r < old.length; r++) {
    const uid = old.uid(r);
    while (j < fresh.length && fresh.uid(j) < uid) {
      // A UID we never knew, below one we know: UIDs can only have been renumbered.
      if (r < box.reported) {
        throw new MailboxError('CORRUPT', `${box.path}: message UID ${fresh.uid(j)} appeared below known UID ${uid}`);
      }
      j++;
    }
    if (j < fresh.length && fresh.uid(j) === uid) {
      const n = next.pushRow(old, r);
      next.setLayout(n, fresh.layout(j));
      next.setMetaHash(n, fresh.metaHash(j));
      const fb = fresh.bits(j);
      const ob = old.bits(r);
      // Sizes and body form come from the file; \Recent and unwritten changes are this session's.
      let bits = (fb & (Bit.Old | Bit.Verbatim | Bit.Quoted)) | (ob & (Bit.Recent | Bit.FlagsDirty));
      if (fb & Bit.NewUid) bits |= Bit.NewUid | Bit.Dirty; // its UID is still not on disk
      if (ob & Bit.Recent && !(fb & Bit.Old) && !box.readOnly) bits |= Bit.Dirty;
      // The file's flags, with this session's unwritten changes applied to them again (flag-deltas.ts).
      const ff = fresh.flags(j);
      const fk = remap(fresh.keywordMask(j));
      const { flags: f, keywords: k } = ob & Bit.FlagsDirty ? box.deltas.apply(uid, ff, fk) : { flags: ff, keywords: fk };
      if (f !== ff || k !== fk) {
        // As in change-log.ts: our change still changes what is on disk, so it is numbered when written.
        bits |= Bit.Dirty;
        box.unnumbered.add(uid);
      }
      next.setBits(n, bits);
      if (f !== old.flags(r) || k !== old.keywordMask(r)) {
        next.setFlags(n, f);
        next.setKeywordMask(n, k);
        next.setModseq(n, modseq(j));
        if (r < box.reported) box.flagChanged.add(uid);
      }
      j++;
    } else {
      // Gone from the file: keep the row (marked) until the client is told.
      const n = next.pushRow(old, r);
      if (!(old.bits(r) & Bit.Gone)) box.expunged.add(uid, saved ? saved.highestModseq : modseq(-1));
      next.addBits(n, Bit.Gone);
      next.clearBits(n, Bit.Dirty | Bit.FlagsDirty);
    }
  }
  for (; j < fresh.length; j++) {
    const n = next.pushRow(fresh, j);
    next.setKeywordMask(n, remap(fresh.keywordMask(j)));
    next.setModseq(n, modseq(j));
  }
  if (saved) box.highestModseq = Math.max(box.highestModseq, saved.highestModseq);
  box.idx = next;
  box.pseudo = pseudo;
  box.base.uidLast = Math.max(box.base.uidLast, base.uidLast);
  box.baseDirty = box.baseDirty || baseDirty;
}

/** Scans mail appended since the last look, from `from` (the old end of the file). Caller holds the locks. */
export function scanTail(box: MailboxState, from: number, st: BigIntStats): void {
  const firstNew = box.idx.length;
  const size = Number(st.size);
  const src = new FdSource(box.fd, size);
  let prevUid = box.idx.length ? box.idx.uid(box.idx.length - 1) : 0;
  const atFileStart = box.idx.length === 0 && box.pseudo === null;
  let first = true;
  scanMbox(src, { start: from, atFileStart, localZone: box.localZone, window: box.opts.window, lazyBodies: true },
    (m) => {
      if (first && atFileStart && m.base) {
        if (box.base.uidValidity === 0 || box.idx.length === 0) {
          box.base.uidValidity = m.base.uidValidity;
          box.base.uidLast = Math.max(box.base.uidLast, m.base.uidLast);
        }
        for (const k of m.base.keywords) box.keywordBit(k, true);
      }
      first = false;
      let uid: number;
      let bits = 0;
      if (m.uid > prevUid && m.uid > 0) {
        uid = m.uid;
        if (uid > box.base.uidLast) box.base.uidLast = uid;
      } else {
        uid = ++box.base.uidLast;
        bits |= Bit.NewUid;
        box.baseDirty = true;
      }
      prevUid = uid;
      let mask = 0;
      for (const k of m.keywords ?? []) {
        if (!isAtom(k)) continue;
        try {
          mask |= box.keywordBit(k, true);
        } catch {
          /* keyword table full: drop it, as UW does */
        }
      }
      box.idx.push(m, uid, m.flags, mask >>> 0, bits | sessionBits(box, bits | (m.old ? Bit.Old : 0)));
    });
  if (box.idx.length > firstNew) box.idx.setModseqIn(firstNew, box.idx.length, box.nextModseq());
  box.snap = snapshotOf(st);
  box.covered = false;
}

/** True when every known message's metadata lines still read as they did (nobody rewrote them in place). */
export function metadataIntact(box: MailboxState): boolean {
  const x = box.idx;
  for (let r = 0; r < x.length; r++) {
    if (x.bits(r) & Bit.Gone) continue;
    const ms = x.metaStart(r);
    const region = ms >= 0 ? box.readRange(ms, x.metaEnd(r) - ms) :
      box.readRange(x.headerStart(r), x.bodyStart(r) - x.headerStart(r));
    if (metaHashOf(region) !== x.metaHash(r)) return false;
  }
  if (box.pseudo) {
    // The pseudo-message holds the base data; any change there means a rewrite.
    const len = box.pseudo.end - box.pseudo.start;
    if (box.readRange(box.pseudo.start, Math.min(len, 5)).toString('latin1') !== 'From ') return false;
  }
  return true;
}

/**
 * Brings the index up to date with the file. Caller holds the read or write locks. Returns true when this object
 * scanned the file (its tail, or all of it) and numbered what it found changed (see {@link sync}).
 *
 * What our sessions did comes first: changes they made in place, from the change log; then (see {@link scanLocked})
 * the saved index, and only then a scan.
 */
export function syncLocked(box: MailboxState): boolean {
  const now = snapshotOf(fstatSync(box.fd, { bigint: true }));
  if (box.snap && sameSnapshot(now, box.snap)) return false;
  if (followLog(box, now)) return false;
  return scanLocked(box);
}

/**
 * {@link syncLocked} once the change log has been followed: the saved index, when another session saved it for the
 * file as it is or as it was on the way here (after a write that moved messages, or after finding and numbering a
 * change another program made), with its numbers rather than new ones; then what is left is scanned (the tail
 * when the file only grew, else all of it) and numbered. Returns true when it scanned.
 */
function scanLocked(box: MailboxState): boolean {
  const st = fstatSync(box.fd, { bigint: true });
  const now = snapshotOf(st);
  if (adoptSaved(box, now)) return false;
  const snap = box.snap;
  const size = Number(st.size);
  if (snap && size > snap.size && tailStartsMessage(box, snap.size) && metadataIntact(box)) {
    scanTail(box, snap.size, st);
    return true;
  }
  rescan(box, false);
  return true;
}

/**
 * Reconciles with the saved index instead of a scan, taking the mod-sequences the session that saved it gave, so
 * that all sessions number a change alike: when it describes the file as it is now, or a later state of the file
 * than this object's (same file, a later ctime: another session found a change and saved the index, then the file
 * changed again; and none of the numbers this object knows above the index's, which a clock set back could
 * otherwise have an older index pass for a later one), followed then by the change log as far as it leads. True when that brought the index to the file
 * as it is now; false when there is no such index (or it cannot be read whole), or it led only part of the way
 * (the index is then that of the state it describes, {@link MailboxState.snap}): the caller scans from there.
 */
function adoptSaved(box: MailboxState, now: Snapshot): boolean {
  const path = box.indexFile();
  if (path === null) return false;
  const r = readIndex(path, now, zoneProbe(box.env.clock.zoneAt), (k) => {
    throw new Error(`column ${k} of the saved index is damaged`);
  }, (snap, highest) => sameSnapshot(snap, now) || (later(snap, box.snap) && highest >= box.highestModseq));
  if ('why' in r) return false;
  const saved = r.index;
  try {
    addSessionBits(box, saved);
    reconcile(box, saved.idx, saved.base, saved.pseudo, saved.baseDirty, saved);
    box.snap = saved.snap;
    box.covered = true;
    box.logPlace = null;
  } catch (e) {
    box.env.logger.log('debug', `${path}: saved index not used: ${(e as Error).message}`);
    return false;
  } finally {
    saved.release();
  }
  return sameSnapshot(box.snap, now) || followLog(box, now);
}

/**
 * Whether `a` is a later state of the file `b` describes: ctime moves forward at every change of a file (its data,
 * its times), so a later ctime on the same inode is a later state, whichever way its size went.
 */
function later(a: Snapshot, b: Snapshot | null): boolean {
  return b !== null && a.dev === b.dev && a.ino === b.ino && a.ctimeNs > b.ctimeNs;
}

/** True when the bytes from `at` on begin (after blank bytes) with a `From ` line. */
export function tailStartsMessage(box: MailboxState, at: number): boolean {
  const b = box.readRange(at, 4096);
  let i = 0;
  while (i < b.length && (b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x20 || b[i] === 0x09)) i++;
  let e = b.indexOf(0x0a, i);
  if (e < 0) e = b.length;
  return i < b.length && isFromLine(b, i, e);
}

/**
 * Brings the index up to date with the file (reopening a file replaced under its name). When that took a scan
 * (another program changed the file), the scan, its numbers and `publish` (the caller saves the index) are one step
 * under the counter's flock ({@link MailboxState.numbering}), and a session that comes second to the change takes
 * the first one's numbers from that index (reconcile.ts's adoptSaved) rather than give its own. A file unchanged,
 * or changed only by our own sessions' in-place writes (the change log), costs no more than before.
 */
export async function sync(box: MailboxState, publish?: () => Promise<void>): Promise<void> {
  box.live();
  // A file replaced under the same name (some tools rewrite by rename) is reopened.
  let pathSt;
  try {
    pathSt = statSync(box.path, { bigint: true });
  } catch (e) {
    throw fsError(e, box.path);
  }
  const fdSt = fstatSync(box.fd, { bigint: true });
  box.win = null;
  if (pathSt.ino !== fdSt.ino || pathSt.dev !== fdSt.dev) {
    const fd = openSync(box.path, box.readOnly ? constants.O_RDONLY : constants.O_RDWR);
    closeSync(box.fd);
    box.fd = fd;
    box.snap = null;
  } else if (box.snap && sameSnapshot(snapshotOf(fdSt), box.snap)) {
    // Mail a write of ours found (new rows while it held the lock) is still settled here.
    await settleRecent(box);
    return;
  }
  await box.withLock('shared', async () => {
    const now = snapshotOf(fstatSync(box.fd, { bigint: true }));
    if (box.snap && (sameSnapshot(now, box.snap) || followLog(box, now))) return;
    await box.numbering(async () => {
      if (scanLocked(box) && publish) await publish();
    });
  });
  await settleRecent(box);
}

export function takeUpdates(box: MailboxState, allowExpunge: boolean): MailboxUpdate[] {
  const out: MailboxUpdate[] = [];
  const x = box.idx;
  if (allowExpunge && x.findBits(Bit.Gone, Bit.Gone) >= 0) {
    let removed = 0;
    let known = box.reported;
    for (let r = 0; r < x.length; r++) {
      if (x.bits(r) & Bit.Gone) {
        if (r < box.reported) {
          out.push({ kind: 'expunge', seq: r + 1 - removed, uid: x.uid(r) });
          removed++;
          known--;
        }
      }
    }
    x.filter((r) => !(x.bits(r) & Bit.Gone));
    box.reported = known;
  }
  if (box.keywordsChanged) {
    out.push({ kind: 'keywords', keywords: box.base.keywords.slice() });
    box.keywordsChanged = false;
  }
  for (const uid of box.flagChanged) {
    const seq = box.seqOf(uid);
    if (seq !== undefined) out.push({ kind: 'flags', seq });
  }
  box.flagChanged.clear();
  if (x.length > box.reported) {
    box.reported = x.length;
    out.push({ kind: 'exists', count: x.length });
    out.push({ kind: 'recent', count: x.countBits(Bit.Recent) });
  }
  return out;
}

/** IMAP atom characters only: keywords must be atoms to be sent back in FLAGS responses. */
function isAtom(k: string): boolean {
  if (k.length === 0 || k.startsWith('\\')) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || '(){%*"\\]'.includes(k[i] as string)) return false;
  }
  return true;
}
