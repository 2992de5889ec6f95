/**
 * Crash-proof appends: an intent record written before a message's first byte reaches the mailbox, so that a
 * process killed at any instant of an APPEND, MULTIAPPEND, COPY or delivery leaves, after the next open by any of
 * our programs, every message whole or absent, and no other message touched, even when a delivery agent appended
 * after the kill.
 *
 * The difficulty is the end of the fragment. A killed append leaves some prefix of what it meant to write at the
 * end of the file; a delivery agent (procmail, dotlockfile + cat, tmail) that takes over the stale lock appends
 * its own message right after that prefix. Knowing where the append began is not enough to cut the fragment out:
 * its length is needed, and bytes alone cannot say where our prefix stops and the agent's message starts (the
 * agent's bytes may well equal what we were about to write). So the length is made a fact of the file before any
 * byte is written:
 *
 * 1. Each message's stored length N is measured first (its bytes rendered once without writing: the body is read
 *    twice, never held whole in memory).
 * 2. The record says (state P): our append began at `start` (the file's size before the command, the separator
 *    included), the file now ends at `prev` (what earlier messages of this command took), and is about to end at
 *    `end = prev + N`. It is written and fsynced.
 * 3. The file is extended to `end` by one ftruncate: its size goes from `prev` to `end` in one step, and the new
 *    bytes read as zeros.
 * 4. The record says (state E) that [start, end) is ours, and is fsynced.
 * 5. The message is written into [prev, end); steps 2 to 5 repeat for the next message of a MULTIAPPEND.
 * 6. The data is fsynced and the record removed: the commit point of the whole command (all or nothing).
 *
 * Recovery ({@link recoverAppend}, under the mailbox's exclusive locks, by whoever opens the mailbox or appends to
 * it next, after any rewrite journal has been finished) reads the record:
 * - E: [start, end) is ours, whatever it holds now (parts of messages, zeros); anything after `end` came later.
 * - P: the kill fell between steps 2 and 4. If the extension happened, [prev, end) is still all zeros (no data is
 *   written before E) and the file is at least `end` long; if it did not, whatever lies at `prev` was appended by
 *   someone else, and a delivered message begins with `From ` (or a newline), never with a zero byte, let alone
 *   N of them. So: all zeros there means ours up to `end`, anything else ours up to `prev` only.
 * - The range found ([start, cut)) is first overwritten with zeros and the record set to Z (cutting [start, cut)),
 *   fsynced; then the range is cut out by the journaled rewrite (rewrite.ts), which moves later mail down and is
 *   itself finished by the next opener if killed; then the record is removed.
 * - Z: if [start, cut) is still all zeros the cut did not happen yet and is made; otherwise it was made (the bytes
 *   at `start` are now later mail, which begins with a non-zero byte, or the file ends before `cut`) and only the
 *   record is removed. Zeroing first is what makes the cut idempotent.
 * A file shorter than the range the record names was cut back by the writer itself (a full disk, then killed
 * before it removed the record) or rewritten by a program that knows no records: nothing is cut.
 *
 * A kill after the data was fsynced and before the record was removed cuts messages that were whole: the client
 * got no OK, so that is "absent", never a fragment. The record is removed before anything that moves data (the UID
 * counter's rewrite, a MOVE's expunge of its source), so a record never names bytes that moved.
 *
 * The record is one fixed-size block rewritten in place (a pwrite of {@link RECORD_SIZE} bytes within one page,
 * which a kill cannot tear), with a checksum: a record torn by a power failure is one whose writer had not
 * touched the mailbox yet (P is fsynced before the extension) and is dropped. It lives beside the rewrite journal,
 * `<journalDir>/uwimap-ts.<dev>.<ino>.append`, created O_EXCL mode 0600, trusted only when owned by the mailbox's
 * owner and naming its device and inode.
 *
 * Where: as for rewrite journals (rewrite.ts's module comment), `journalDir` is the mailbox owner's private control
 * directory whenever the writing process can use it, else the shared journal_dir; recovery looks in both (one
 * lstat each), so a record left by an earlier version, or by a session or delivery that had no usable control
 * directory, is still taken out by the next opener. In the shared directory another user may have taken our name
 * first: the append then goes on without a record, as UW's and Dovecot's do ({@link AppendIntent.unprotected},
 * logged), rather than refuse mail; with a usable control directory that cannot happen.
 */
import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import { readInto } from './byte-source.js';
import { openOwnedJournal, recordChecksum as checksum } from './journal-file.js';
import { PieceList } from './pieces.js';
import { dropMoveOf, type MoveLink } from './move-record.js';
import { journalDirs, rewriteFile, type RewriteOptions } from './rewrite.js';
import { pwriteFully } from './rewrite-forward.js';

const MAGIC = 'uwimap-ts append 1\n';
/** A record of an append that is a MOVE's copy (move-record.ts): it also names the source file. */
const MAGIC_MOVE = 'uwimap-ts append 2\n';
const RECORD_SIZE = 256;

type State = 'P' | 'E' | 'Z';

interface Record {
  state: State;
  dev: bigint;
  ino: bigint;
  start: number;
  prev: number;
  end: number;
  /** The source of a MOVE (or RENAME INBOX) whose copies these are, or null. */
  move: { dev: bigint; ino: bigint } | null;
}

export function appendRecordPath(journalDir: string, dev: number | bigint, ino: number | bigint): string {
  return join(journalDir, `uwimap-ts.${dev}.${ino}.append`);
}

function encode(r: Record): Buffer {
  const fields = `${r.state} ${r.dev} ${r.ino} ${r.start} ${r.prev} ${r.end}` + (r.move ? ` ${r.move.dev} ${r.move.ino}` : '');
  const text = `${r.move ? MAGIC_MOVE : MAGIC}${fields} ${checksum(fields)}\n`;
  const b = Buffer.alloc(RECORD_SIZE, 0x20);
  b.write(text, 0, 'latin1');
  b[RECORD_SIZE - 1] = 0x0a;
  return b;
}

function decode(b: Buffer): Record | null {
  const text = b.toString('latin1');
  const isMove = text.startsWith(MAGIC_MOVE);
  if (!isMove && !text.startsWith(MAGIC)) return null;
  const line = text.slice(MAGIC.length, text.indexOf('\n', MAGIC.length));
  const parts = line.split(' ');
  const n = isMove ? 9 : 7;
  if (parts.length !== n) return null;
  const [state, dev, ino, start, prev, end] = parts as [string, string, string, string, string, string];
  const sum = parts[n - 1];
  if (checksum(parts.slice(0, n - 1).join(' ')) !== sum) return null;
  let move: Record['move'] = null;
  if (isMove) {
    const [mdev, mino] = parts.slice(6, 8) as [string, string];
    if (!/^[0-9]{1,20}$/.test(mdev) || !/^[0-9]{1,20}$/.test(mino)) return null;
    move = { dev: BigInt(mdev), ino: BigInt(mino) };
  }
  if (state !== 'P' && state !== 'E' && state !== 'Z') return null;
  const nums = [start, prev, end].map(Number);
  if (nums.some((n) => !Number.isSafeInteger(n) || n < 0)) return null;
  const [s, p, e] = nums as [number, number, number];
  if (!(s <= p && p <= e)) return null;
  return { state, dev: BigInt(dev), ino: BigInt(ino), start: s, prev: p, end: e, move };
}

/**
 * For a MOVE's source recovery (move-record.ts): whether the destination's append `to` is still uncommitted, its
 * record in `dir` naming it (same start) and the source `from`.
 */
export function appendPending(dir: string, to: MoveLink, from: { dev: bigint; ino: bigint }, uid: number): boolean {
  const rfd = openOwnedJournal(appendRecordPath(dir, to.dev, to.ino), uid);
  if (rfd === null) return false;
  try {
    const b = Buffer.alloc(RECORD_SIZE);
    const rec = readSync(rfd, b, 0, RECORD_SIZE, 0) === RECORD_SIZE ? decode(b) : null;
    return rec !== null && rec.dev === to.dev && rec.ino === to.ino && rec.start === to.start &&
      rec.move !== null && rec.move.dev === from.dev && rec.move.ino === from.ino;
  } finally {
    closeSync(rfd);
  }
}

/**
 * One command's intent record (see the module comment). The caller holds the mailbox's exclusive locks from
 * before {@link reserve} until after {@link commit} or {@link abort}.
 */
export class AppendIntent {
  private rfd = -1;
  private readonly path: string;
  private rec: Record;

  constructor(private readonly fd: number, journalDir: string, private readonly sync: boolean, start: number,
    move: { dev: bigint; ino: bigint } | null = null) {
    const st = fstatSync(fd, { bigint: true });
    this.path = appendRecordPath(journalDir, st.dev, st.ino);
    this.rec = { state: 'E', dev: st.dev, ino: st.ino, start, prev: start, end: start, move };
  }

  /**
   * Why no record could be made, or null. The append then goes on unprotected, as UW's and Dovecot's do, rather than
   * refuse mail: the journal directory is missing or not writable, or holds a file of that name that is not ours
   * (another user's, in a shared /var/tmp; recovery ignores it). A full disk is not this: it fails the append.
   */
  unprotected: string | null = null;

  private put(r: Record): void {
    if (this.rfd < 0) {
      try {
        this.rfd = openSync(this.path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EROFS') throw e;
        this.unprotected = `cannot create ${this.path} (${code})`;
        return;
      }
    }
    pwriteFully(this.rfd, encode(r), 0);
    if (this.sync) fdatasyncSync(this.rfd);
    this.rec = r;
  }

  /**
   * Makes [current end, current end + n) ours: recorded, then the file extended to it (zeros). The caller then
   * writes exactly n bytes there.
   */
  reserve(n: number): void {
    if (this.unprotected !== null) return;
    const prev = this.rec.end;
    const end = prev + n;
    this.put({ ...this.rec, state: 'P', prev, end });
    if (this.unprotected !== null) return;
    ftruncateSync(this.fd, end);
    this.put({ ...this.rec, state: 'E', prev: end, end });
  }

  /** The data is written and fsynced: the messages are the mailbox's now. */
  commit(): void {
    this.drop();
  }

  /** The caller has cut the file back to `start`: nothing of ours is left. */
  abort(): void {
    this.drop();
  }

  private drop(): void {
    if (this.rfd < 0) return;
    closeSync(this.rfd);
    this.rfd = -1;
    unlinkSync(this.path);
  }
}

/** True when [from, to) of the file is all zero bytes (and within it). */
function allZero(fd: number, from: number, to: number, size: number): boolean {
  if (to > size) return false;
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
  for (let pos = from; pos < to;) {
    const n = readInto(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n <= 0) return false;
    for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
    pos += n;
  }
  return true;
}

function zeroRange(fd: number, from: number, to: number): void {
  const buf = Buffer.alloc(Math.min(1 << 20, Math.max(1, to - from)));
  for (let pos = from; pos < to;) {
    const n = Math.min(buf.length, to - pos);
    pwriteFully(fd, buf.subarray(0, n), pos);
    pos += n;
  }
}

export interface AppendRecovery {
  /** 'cut': a fragment was taken out; 'dropped': the record named nothing to cut; 'none': no record. */
  readonly action: 'none' | 'cut' | 'dropped';
  /** Bytes cut out. */
  readonly bytes: number;
  /** Bytes after the cut range (mail appended after the kill), kept. */
  readonly after: number;
}

/**
 * Takes out what an interrupted append left (see the module comment). The caller holds the mailbox's exclusive
 * locks and has finished any rewrite journal first. Throws on I/O errors with the record kept (the next opener
 * tries again).
 */
export function recoverAppend(fd: number, opts: RewriteOptions): AppendRecovery {
  let report: AppendRecovery = { action: 'none', bytes: 0, after: 0 };
  for (const dir of journalDirs(opts)) {
    const r = recoverAppendIn(fd, dir, opts);
    if (r.action === 'cut' || report.action === 'none') report = r;
  }
  return report;
}

/**
 * {@link recoverAppend} for the record in one directory. The cut it makes is a rewrite whose journal goes to
 * `opts.journalDir` (the control directory when usable), whichever directory held the record.
 */
function recoverAppendIn(fd: number, dir: string, opts: RewriteOptions): AppendRecovery {
  const sync = opts.fsync ?? true;
  const st = fstatSync(fd, { bigint: true });
  const rpath = appendRecordPath(dir, st.dev, st.ino);
  // Another user's file under our name is not ours to act on, nor to remove, nor a reason to fail the open.
  const rfd = openOwnedJournal(rpath, Number(st.uid));
  if (rfd === null) return { action: 'none', bytes: 0, after: 0 };
  try {
    const b = Buffer.alloc(RECORD_SIZE);
    const n = readSync(rfd, b, 0, RECORD_SIZE, 0);
    const rec = n === RECORD_SIZE ? decode(b) : null;
    const size = Number(st.size);
    let cut = -1;
    if (rec !== null && rec.dev === st.dev && rec.ino === st.ino) {
      if (rec.state === 'Z') {
        cut = allZero(fd, rec.start, rec.end, size) ? rec.end : -1;
      } else {
        const end = rec.state === 'E' || allZero(fd, rec.prev, rec.end, size) ? rec.end : rec.prev;
        if (end > rec.start && end <= size) {
          zeroRange(fd, rec.start, end);
          if (sync) fdatasyncSync(fd);
          pwriteFully(rfd, encode({ ...rec, state: 'Z', prev: end, end }), 0);
          if (sync) fdatasyncSync(rfd);
          cut = end;
        }
      }
    }
    // A MOVE's copies taken out: its move record goes first, so that a record without its append means committed.
    const dropMove = (): void => {
      if (rec?.move) dropMoveOf(dir, rec.move, { dev: rec.dev, ino: rec.ino, start: rec.start }, Number(st.uid));
    };
    if (cut < 0 || rec === null) {
      dropMove();
      unlinkSync(rpath);
      return { action: 'dropped', bytes: 0, after: 0 };
    }
    const pieces = new PieceList();
    if (rec.start > 0) pieces.copy(0, rec.start);
    if (size > cut) pieces.copy(cut, size - cut);
    rewriteFile(fd, size, pieces, opts);
    dropMove();
    unlinkSync(rpath);
    return { action: 'cut', bytes: cut - rec.start, after: size - cut };
  } finally {
    closeSync(rfd);
  }
}
