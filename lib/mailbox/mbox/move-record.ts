/**
 * MOVE and RENAME INBOX all or nothing, whatever is killed when: after the next open by any of our programs each
 * message is in exactly one of the two mailboxes (UW and Dovecot leave copies in both when killed between the copy
 * and the expunge).
 *
 * A move is an append to the destination (save.ts, with its intent record R: append-journal.ts) followed by an
 * expunge of the same messages, by UID, from the source. The mover holds the destination's write locks throughout,
 * and the source's from before the record below is made until it is removed, so no other process acts on either
 * record while the mover lives. The steps:
 *
 * 1. The copies are written to the destination under R, which also names the source (its device and inode).
 *    Killed here: the destination's next opener cuts the copies (R); the source is untouched.
 * 2. Under the source's locks, with every moved message's UID on disk, the move record M is written and fsynced
 *    beside R: `uwimap-ts.<dev>.<ino>.move`, named after the SOURCE, saying which UIDs (under which UIDVALIDITY)
 *    leave it and which append (the destination's device, inode and R's start) takes them.
 * 3. The destination's data is fsynced and R removed: the commit point. Before it, the move never happened; after
 *    it, it did.
 * 4. The source's messages with those UIDs are expunged (a journaled rewrite, itself finished by the next opener if
 *    killed), and M is removed.
 *
 * Recovery:
 * - The destination's opener, finding R, cuts the copies as for any append; when R names a source it first removes
 *   the M that names this append (never another move's), then R. So M without its R means committed.
 * - The source's opener (under its write locks, after any rewrite journal and append record of its own), finding M:
 *   if the R it names is still there, the move was not committed: M goes, and the messages stay. Otherwise the
 *   messages with those UIDs are expunged (those still there: some may have gone with a journal's rewrite already),
 *   then M goes. A move record that cannot be read (torn by a power failure while being written, before the commit)
 *   is removed.
 *
 * A MOVE whose expunge fails without a kill (a full disk) removes M first, then cuts the copies back (the mover
 * still holds the destination's lock), and answers NO: nothing moved. Killed between those two steps, the copies
 * stay in both (the one case left, a failure and a kill together).
 *
 * Where: the mover's journal directory (its control directory when usable: see control-dir.ts), as for R. The
 * record is trusted only when owned by the mailbox's owner (journal-file.ts), like every journal. Without a place
 * to write M (a shared journal_dir where another user holds the name), the move goes on as UW's does, logged.
 */
import { closeSync, constants, fdatasyncSync, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openOwnedJournal, recordChecksum as checksum } from './journal-file.js';
import { pwriteFully } from './rewrite-forward.js';

const MAGIC = 'uwimap-ts move 1\n';

/** The append that takes the messages: the destination file and where the append began (R's `start`). */
export interface MoveLink {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly start: number;
}

export interface MoveRecord {
  /** The source file. */
  readonly dev: bigint;
  readonly ino: bigint;
  readonly uidValidity: number;
  readonly uids: readonly number[];
  readonly to: MoveLink;
}

export function moveRecordPath(dir: string, dev: number | bigint, ino: number | bigint): string {
  return join(dir, `uwimap-ts.${dev}.${ino}.move`);
}

/** UIDs as a sequence set (runs joined): a MOVE of 100,000 messages in order is a few bytes. */
function uidSet(uids: readonly number[]): string {
  const s = [...uids].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] as number) <= (s[j] as number) + 1) j++;
    out.push(i === j ? `${s[i]}` : `${s[i]}:${s[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function parseUidSet(text: string): number[] | null {
  const out: number[] = [];
  if (text === '') return out;
  for (const part of text.split(',')) {
    const m = /^([0-9]{1,10})(?::([0-9]{1,10}))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 10_000_000) return null;
    for (let u = a; u <= b; u++) out.push(u);
  }
  return out;
}

function encode(r: MoveRecord): Buffer {
  const body = `${r.dev} ${r.ino} ${r.uidValidity} ${r.to.dev} ${r.to.ino} ${r.to.start}\n${uidSet(r.uids)}\n`;
  return Buffer.from(`${MAGIC}${body}${checksum(body)}\n`, 'latin1');
}

function decode(text: string): MoveRecord | null {
  if (!text.startsWith(MAGIC)) return null;
  const rest = text.slice(MAGIC.length);
  const lines = rest.split('\n');
  if (lines.length < 3) return null;
  const [head, set, sum] = lines as [string, string, string];
  if (checksum(`${head}\n${set}\n`) !== sum) return null;
  const f = head.split(' ');
  if (f.length !== 6 || !f.every((x) => /^[0-9]{1,20}$/.test(x))) return null;
  const uids = parseUidSet(set);
  if (uids === null) return null;
  const [dev, ino, uv, tdev, tino, start] = f as [string, string, string, string, string, string];
  return {
    dev: BigInt(dev), ino: BigInt(ino), uidValidity: Number(uv), uids,
    to: { dev: BigInt(tdev), ino: BigInt(tino), start: Number(start) },
  };
}

/**
 * Writes M (step 2) in `dir`, created O_EXCL and fsynced. Returns its path, or null when it cannot be made there for
 * a reason that is not a full disk (a name another user holds in a shared journal_dir, a missing directory): the
 * move then goes on unprotected, as UW's. Throws on a full disk (the move is then refused: nothing happened yet).
 */
export function writeMoveRecord(dir: string, rec: MoveRecord, sync: boolean): string | null {
  const path = moveRecordPath(dir, rec.dev, rec.ino);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw e;
    return null;
  }
  try {
    pwriteFully(fd, encode(rec), 0);
    if (sync) fdatasyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeMoveRecord(dir, rec.dev, rec.ino);
    throw e;
  }
  closeSync(fd);
  return path;
}

/**
 * The move record for the file (`dev`, `ino`, owned by `uid`) in `dir`: the record, 'torn' when one is there that
 * cannot be read, null when there is none (or one that is not the owner's, which is never acted on).
 */
export function readMoveRecord(dir: string, dev: bigint, ino: bigint, uid: number): MoveRecord | 'torn' | null {
  const path = moveRecordPath(dir, dev, ino);
  const fd = openOwnedJournal(path, uid);
  if (fd === null) return null;
  try {
    const buf = Buffer.alloc(1 << 20);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, n);
      if (k <= 0) break;
      n += k;
      if (n === buf.length) return 'torn'; // no record of ours is this large
    }
    const rec = decode(buf.subarray(0, n).toString('latin1'));
    if (rec === null || rec.dev !== dev || rec.ino !== ino) return 'torn';
    return rec;
  } finally {
    closeSync(fd);
  }
}

/** Removes the move record of file (`dev`, `ino`) in `dir`; one already gone is no error. */
export function removeMoveRecord(dir: string, dev: bigint, ino: bigint): void {
  try {
    unlinkSync(moveRecordPath(dir, dev, ino));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * For the destination's recovery: removes the move record of source (`dev`, `ino`) in `dir` when it names the append
 * (`to`) being taken out, and only then (another move from the same source, later, has its own).
 */
export function dropMoveOf(dir: string, source: { dev: bigint; ino: bigint }, to: MoveLink, uid: number): void {
  const rec = readMoveRecord(dir, source.dev, source.ino, uid);
  if (rec === null) return;
  if (rec === 'torn' || (rec.to.dev === to.dev && rec.to.ino === to.ino && rec.to.start === to.start)) {
    removeMoveRecord(dir, source.dev, source.ino);
  }
}
