/**
 * Rewriting an mbox file in place, so that a process killed at any instant cannot lose a message that was not
 * being expunged.
 *
 * Why in place: the file keeps its inode, owner, group and mode (a spool file is `user:mail 0660` in a setgid
 * directory the user cannot create files in), hard links and other readers' open descriptors stay valid.
 *
 * A rewrite is a list of pieces (copy old bytes / write new bytes) giving the new content. Three ways to apply it:
 * 1. Patch: when every changed piece keeps its size and position (UW pads the metadata block so that flag changes
 *    do), the new bytes are written where they are: one pwrite for a lone block, or, where blocks are dense (a
 *    STORE on every message), one read-modify-write per stretch of nearby blocks. A kill between two writes leaves
 *    some flags new and some old, never a message lost.
 * 2. Forward (rewrite-forward.ts, journal format 2), for everything that moves data when no byte moves up by more
 *    than {@link FORWARD_MAX_GROWTH}: an expunge, flag and keyword changes, UIDs written for new mail. New content
 *    is written in ascending steps; before each, the journal gets the few old bytes that step overwrites and the
 *    rest still needs. A kill at any instant is completed by {@link recoverJournal}. It reads and writes the moved
 *    bytes once, not twice.
 * 3. Journal (format 1), for large growth: before the mailbox is touched, the old bytes from the first changed
 *    offset `off` to the old end `S0` are copied to a journal file together with (off, S0, S1 = new size) and a
 *    trailer, and fsynced. If the new file is larger it is then extended to S1 (and the journal notes it), so the
 *    file is never shorter than max(S0, S1) until the rewrite is committed. New content is then written from `off`
 *    on, reading every moved byte from the journal (so overlapping moves cannot eat their own source), and fsynced.
 *    The journal is then marked committed and fsynced, the file truncated to S1 and fsynced, and the journal
 *    removed.
 *
 * Durability. The result is fsynced before the command completes (unless `fsync: false`, for throwaway benchmark
 * data). Kills are covered by ordering alone: the kernel's page cache keeps our writes in the order we made them.
 * A power failure reorders writes that were not fsynced; `stepSync` (configuration `rewrite_sync = step`) also
 * orders every forward step on disk, at about twice the disk writes: UW and Dovecot rewrite in place with no
 * journal at all, so the default already loses nothing they would keep.
 *
 * Recovery ({@link recoverJournal}, run under the mailbox's exclusive lock before anything reads it):
 * - format 2: see rewrite-forward.ts (always completes the rewrite, keeping mail appended after the crash);
 * - format 1 journal without its trailer: the mailbox was not touched yet; the journal is removed;
 * - format 1 complete, not committed: the rewrite was under way. Anything past max(S0, S1) (past S0 if the
 *   extension was not noted yet) was appended by a delivery agent after the crash (it had to take over our stale
 *   lock first); it is kept aside, the old bytes are put back at `off`, the file is cut to S0 and the kept mail
 *   appended: the mailbox as before the rewrite, plus new mail;
 * - format 1 committed: the new content is complete. If the truncation to S1 did not happen yet (the NUL written at
 *   S1 before the commit is still there), mail appended after the crash is moved down to S1 and the file cut after
 *   it; otherwise nothing is left to do.
 * Either way the journal is removed last, so a crash during recovery just recovers again. (Mail appended after a
 * crash is held in memory for a moment while it is moved; a second crash in that moment would lose it.)
 *
 * A full disk or quota (ENOSPC, EDQUOT) stops a rewrite before it overwrites anything, and recovery needs no space:
 * the journal is written whole before the mailbox is touched, a growing file is extended by writing zeros (its pages
 * allocated then, where ftruncate would leave a hole for the steps to fill), and everything after that overwrites
 * pages that exist (rewrite-forward.ts reserves its slots the same way). A failure before the mailbox was touched
 * cuts it back to its old size and removes the journal, so the caller can answer "no room" with the file as it was.
 * Rolling back (format 1) writes old bytes where they were; completing writes within the extended file.
 *
 * Where the journal lives. Not in the spool (users cannot create files there) but in `journalDir`:
 * `<journalDir>/uwimap-ts.<dev>.<ino>.journal`, created O_EXCL with mode 0600, and only trusted when owned by the
 * mailbox's owner and naming its inode. The servers and `mailtool` pass the mailbox owner's private control
 * directory (control-dir.ts) as `journalDir` whenever it is usable: no other unprivileged user can create a name
 * there, so the O_EXCL create cannot be blocked. Recovery must be found by whoever opens the mailbox next (imapd,
 * ipop3d, or `mailtool` run by a delivery agent), so every one of them looks, by name (one lstat each, no directory
 * listing), in `journalDir` and in `legacyJournalDir` (configuration `journal_dir`, default /var/tmp): the
 * shared directory where earlier versions, and sessions that had no usable control directory, wrote theirs.
 * Both are owner-checked, and a journal is always finished by the next opener whichever of the two holds it.
 *
 * Without a usable control directory (no home, a read-only home, a directory failing control-dir.ts's checks, or
 * `mailtool` run as root on another user's mailbox, which must not leave root-owned files in the user's
 * directory) journals go to the shared `journal_dir`, as before. There another local user can create our name
 * first; the O_EXCL create then fails before a single byte of the mailbox is touched, and the rewrite is refused
 * with a clear error ({@link JournalNameTaken}, a `NO [INUSE]` to the client): we never write through, truncate or
 * trust a file we did not make, and picking another name would leave a journal no later opener could find without
 * listing the directory. The mailbox is as it was; only the rewrite waits (the planted file's owner, or root, can
 * remove it). With a usable control directory this cannot happen.
 */
import {
  closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, unlinkSync,
} from 'node:fs';
import { join } from 'node:path';

import { createJournalFile, openOwnedJournal } from './journal-file.js';
import { preadFully, readExactly, readInto } from './byte-source.js';
import { PieceList, type Piece } from './pieces.js';
import {
  analyze, forwardRewrite, MAGIC2, pwriteFully, recoverForward, startWriteback, writeZeros,
  type RewriteStep,
} from './rewrite-forward.js';

export type { RewriteStep } from './rewrite-forward.js';
export { PieceList, type Piece } from './pieces.js';

export interface RewriteOptions {
  /** Directory for journal files: the user's control directory when usable, else journal_dir (module comment). */
  readonly journalDir: string;
  /**
   * A second directory recovery looks in, never written by this process: the shared journal_dir, where earlier
   * versions and sessions without a usable control directory left theirs. Absent or equal to `journalDir`: none.
   */
  readonly legacyJournalDir?: string;
  /** fsync the result (off only for benchmarks and tests on throwaway data). Default true. */
  readonly fsync?: boolean;
  /** Order every step of a forward rewrite on disk too (see the module comment). Default false. */
  readonly stepSync?: boolean;
  /** Copy buffer size (patches, format 1) and forward step size. Default 4 MiB, forward steps 1 MiB. */
  readonly bufferSize?: number;
  /** Which way to move data (tests): the default picks forward unless growth is large. */
  readonly engine?: 'auto' | 'forward' | 'journal';
  /** Narrowest forward step that takes the gap's width (tests). */
  readonly freeStepMin?: number;
  /** Largest single write of a forward step (tests, to be killed mid-step). */
  readonly writeSize?: number;
  /**
   * Called after each step that changes a file (for crash tests: throwing here leaves the files exactly as a
   * process killed at that instant would).
   */
  readonly onStep?: (step: RewriteStep) => void;
}

export interface RewriteResult {
  readonly size: number;
  /** 'patch' when data did not move, 'forward' or 'journal' when it did, 'none' when nothing changed. */
  readonly mode: 'none' | 'patch' | 'forward' | 'journal';
}

/**
 * Bytes per forward step. Its buffers (two reads of up to two steps, the step's output, two slots) are what a rewrite
 * adds to a session's memory: 1 MB steps keep that near 8 MB (a 200 MB message's POP3 session stays near a small
 * one's); the steps' system calls cost little next to the copying.
 */
const FORWARD_STEP = 1 << 20;
/** The forward engine carries up to this many bytes from step to step when content moves up. */
const FORWARD_MAX_GROWTH = 1 << 20;
/** Patches closer than this share one read-modify-write. */
const PATCH_GAP = 16 << 10;

const MAGIC = 'uwimap-ts journal 1\n';
const TRAILER = 'uwimap-ts journal end\n';
const HEADER_SIZE = 128;
/** One byte of state after the magic line. */
const STATE_OFFSET = MAGIC.length;
const STATE_PENDING = '0';
const STATE_EXTENDED = 'E';
const STATE_COMMITTED = '1';

export function journalPath(journalDir: string, dev: number | bigint, ino: number | bigint): string {
  return join(journalDir, `uwimap-ts.${dev}.${ino}.journal`);
}

/** The directories recovery looks in, in order: the one we write to, then the legacy one (module comment). */
export function journalDirs(opts: Pick<RewriteOptions, 'journalDir' | 'legacyJournalDir'>): string[] {
  const l = opts.legacyJournalDir;
  return l === undefined || l === opts.journalDir ? [opts.journalDir] : [opts.journalDir, l];
}


/**
 * Writes same-size patches (in ascending order) where they stand: a lone one with one pwrite, a run of nearby ones
 * with one read, the patches copied in, and one write.
 */
function writePatches(fd: number, patches: readonly { at: number; data: Buffer }[], bufSize: number, sync: boolean,
  onStep: ((s: RewriteStep) => void) | undefined): void {
  let buf: Buffer | null = null;
  for (let i = 0; i < patches.length;) {
    const first = patches[i] as { at: number; data: Buffer };
    let j = i + 1;
    let end = first.at + first.data.length;
    for (; j < patches.length; j++) {
      const p = patches[j] as { at: number; data: Buffer };
      const e = p.at + p.data.length;
      if (p.at - end > PATCH_GAP || e - first.at > bufSize) break;
      end = e;
    }
    if (j === i + 1) {
      pwriteFully(fd, first.data, first.at);
    } else {
      buf ??= Buffer.allocUnsafe(bufSize);
      const w = buf.subarray(0, end - first.at);
      preadFully(fd, w, 0, w.length, first.at);
      for (let k = i; k < j; k++) {
        const p = patches[k] as { at: number; data: Buffer };
        p.data.copy(w, p.at - first.at);
      }
      pwriteFully(fd, w, first.at);
      if (sync) startWriteback(fd, first.at, w.length);
    }
    onStep?.('patch');
    i = j;
  }
}

/**
 * Writes same-size patches (ascending, not overlapping) where they stand, without a journal: each is a whole
 * metadata block, so a kill part way leaves every block either old or new, and the file a valid mbox. Then
 * fdatasync: the size did not change, so only the data must reach the disk, not the new mtime; on ext4 that spares
 * a journal commit per patch, which is most of a one-flag STORE now that STORE writes through.
 */
export function patchFile(fd: number, patches: readonly { at: number; data: Buffer }[], opts: RewriteOptions): void {
  const sync = opts.fsync ?? true;
  writePatches(fd, patches, opts.bufferSize ?? 4 << 20, sync, opts.onStep);
  if (sync) fdatasyncSync(fd);
}

/**
 * Rewrites the file open on `fd` (size `oldSize`) to the concatenation of `pieces`. The caller holds the
 * mailbox's exclusive locks. Throws on I/O errors; the journal then lets {@link recoverJournal} undo a partial
 * rewrite.
 */
export function rewriteFile(fd: number, oldSize: number, given: PieceList | readonly Piece[], opts: RewriteOptions): RewriteResult {
  const sync = opts.fsync ?? true;
  const pieces = given instanceof PieceList ? given : PieceList.from(given);
  // Where does the new content first differ from the old, and is every difference a same-size patch?
  let pos = 0;
  let off = -1;
  let patchOnly = true;
  const patches: { at: number; data: Buffer }[] = [];
  for (let i = 0; i < pieces.count; i++) {
    const len = pieces.len[i] as number;
    if (pieces.isData(i)) {
      if (off < 0) off = pos;
      if (patchOnly) patches.push({ at: pos, data: pieces.dataOf(i) });
    } else if (pieces.src[i] !== pos) {
      if (off < 0) off = pos;
      patchOnly = false;
      patches.length = 0;
    }
    pos += len;
  }
  const newSize = pos;
  if (off < 0 && newSize === oldSize) return { size: newSize, mode: 'none' };
  if (off < 0) off = Math.min(newSize, oldSize);
  if (patchOnly && newSize === oldSize) {
    patchFile(fd, patches, opts);
    return { size: newSize, mode: 'patch' };
  }
  const a = analyze(pieces, oldSize);
  const engine = opts.engine ?? 'auto';
  if (engine === 'forward' || (engine === 'auto' && a.maxGrowth <= FORWARD_MAX_GROWTH)) {
    const st = fstatSync(fd);
    forwardRewrite(fd, oldSize, pieces, a, {
      journalPath: journalPath(opts.journalDir, st.dev, st.ino), fsync: sync, stepSync: opts.stepSync ?? false,
      stepSize: opts.bufferSize ?? FORWARD_STEP, writeSize: opts.writeSize, freeStepMin: opts.freeStepMin, onStep: opts.onStep,
    });
    return { size: newSize, mode: 'forward' };
  }
  const st = fstatSync(fd);
  const jpath = journalPath(opts.journalDir, st.dev, st.ino);
  const bufSize = opts.bufferSize ?? 4 << 20;
  const jfd = createJournalFile(jpath, constants.O_RDWR);
  // Until the file is extended, a failure (a full disk) leaves the mailbox as it was: the journal is removed here.
  let touched = false;
  try {
    // 1. Journal the old bytes [off, S0): the ones the new content overwrites, and those cut off at the end.
    const keep = Math.max(0, oldSize - off);
    const header = Buffer.alloc(HEADER_SIZE, 0x20);
    header.write(MAGIC + STATE_PENDING + JSON.stringify({ off, oldSize, newSize, keep, dev: String(st.dev), ino: String(st.ino) }) + '\n');
    header[HEADER_SIZE - 1] = 0x0a;
    pwriteFully(jfd, header, 0);
    const buf = Buffer.allocUnsafe(bufSize);
    for (let done = 0; done < keep;) {
      const n = Math.min(bufSize, keep - done);
      preadFully(fd, buf, 0, n, off + done);
      pwriteFully(jfd, buf.subarray(0, n), HEADER_SIZE + done);
      done += n;
    }
    pwriteFully(jfd, Buffer.from(TRAILER), HEADER_SIZE + keep);
    if (sync) fsyncSync(jfd);
    opts.onStep?.('journal');
    // 2. Never shorter than max(S0, S1) until committed; the journal says when the file has been extended, so
    //    recovery knows where mail appended after a crash begins. Extended with zeros, not ftruncate: the pages are
    //    then the filesystem's now, and a full disk stops the rewrite here, before any old byte is overwritten.
    if (newSize > oldSize) {
      writeZeros(fd, oldSize, newSize);
      touched = true;
      if (sync) fsyncSync(fd);
      pwriteFully(jfd, Buffer.from(STATE_EXTENDED), STATE_OFFSET);
      if (sync) fsyncSync(jfd);
      opts.onStep?.('extended');
    }
    touched = true;
    // 3. Write the new content from `off`, moved bytes read from the journal.
    pos = 0;
    for (let i = 0; i < pieces.count; i++) {
      const len = pieces.len[i] as number;
      const end = pos + len;
      if (end > off) {
        if (pieces.isData(i)) {
          const skip = Math.max(0, off - pos);
          pwriteFully(fd, pieces.dataOf(i).subarray(skip), pos + skip);
          opts.onStep?.('write');
        } else {
          for (let done = Math.max(0, off - pos); done < len;) {
            const n = Math.min(bufSize, len - done);
            const src = (pieces.src[i] as number) + done;
            if (src >= off) preadFully(jfd, buf, 0, n, HEADER_SIZE + (src - off));
            else if (src + n <= off) preadFully(fd, buf, 0, n, src);
            else {
              const a = off - src;
              preadFully(fd, buf, 0, a, src);
              preadFully(jfd, buf, a, n - a, HEADER_SIZE);
            }
            pwriteFully(fd, buf.subarray(0, n), pos + done);
            done += n;
            opts.onStep?.('write');
          }
        }
      }
      pos = end;
    }
    // A shrinking rewrite marks the first byte to be cut with a NUL before it commits: after a crash between the
    // commit and the cut, recovery must know whether the cut was made, and mail a delivery agent appended after the
    // crash (at S1 if it was, at S0 if not) may start with the very bytes that stood at S1. No mbox message starts
    // with a NUL, so a NUL at S1 says "not cut" and anything else says "cut".
    if (newSize < oldSize) pwriteFully(fd, Buffer.alloc(1), newSize);
    if (sync) fsyncSync(fd);
    opts.onStep?.('written');
    // 4. Commit, cut, forget.
    pwriteFully(jfd, Buffer.from(STATE_COMMITTED), STATE_OFFSET);
    if (sync) fsyncSync(jfd);
    opts.onStep?.('committed');
    if (newSize < oldSize) ftruncateSync(fd, newSize);
    if (sync) fsyncSync(fd);
    opts.onStep?.('truncated');
  } catch (e) {
    closeSync(jfd);
    if (!touched) unlinkSync(jpath);
    throw e;
  }
  closeSync(jfd);
  unlinkSync(jpath);
  return { size: newSize, mode: 'journal' };
}

export interface RecoveryReport {
  readonly action: 'none' | 'discarded' | 'rolled-back' | 'completed';
  /** Bytes found appended after the crash and kept. */
  readonly appended: number;
}

/**
 * Finishes or undoes an interrupted rewrite of the file open on `fd`, as described in the module comment. The
 * caller holds the mailbox's exclusive locks. A journal not owned by the mailbox file's owner is ignored, so another
 * user cannot plant one.
 */
export function recoverJournal(fd: number, opts: RewriteOptions): RecoveryReport {
  let report: RecoveryReport = { action: 'none', appended: 0 };
  for (const dir of journalDirs(opts)) {
    const r = recoverJournalIn(fd, dir, opts);
    if (r.action !== 'none') report = { action: r.action, appended: report.appended + r.appended };
  }
  return report;
}

/** {@link recoverJournal} for the journal in one directory. */
function recoverJournalIn(fd: number, dir: string, opts: RewriteOptions): RecoveryReport {
  const sync = opts.fsync ?? true;
  const st = fstatSync(fd);
  const jpath = journalPath(dir, st.dev, st.ino);
  const jfd = openOwnedJournal(jpath, st.uid);
  if (jfd === null) return { action: 'none', appended: 0 };
  try {
    const header = Buffer.alloc(HEADER_SIZE);
    const hn = readInto(jfd, header, 0, HEADER_SIZE, 0);
    const text = header.toString('latin1', 0, hn);
    if (text.startsWith(MAGIC2)) {
      const r = recoverForward(fd, jfd, {
        journalPath: jpath, fsync: sync, stepSync: opts.stepSync ?? false, stepSize: opts.bufferSize ?? FORWARD_STEP,
      });
      closeSync(jfd);
      unlinkSync(jpath);
      return r;
    }
    let meta: { off: number; oldSize: number; newSize: number; keep: number; dev: string; ino: string } | null = null;
    if (hn === HEADER_SIZE && text.startsWith(MAGIC)) {
      try {
        meta = JSON.parse(text.slice(MAGIC.length + 1, text.indexOf('\n', MAGIC.length + 1)));
      } catch {
        meta = null;
      }
    }
    const state = text[STATE_OFFSET];
    const committed = state === STATE_COMMITTED;
    const complete = meta !== null && fstatSync(jfd).size === HEADER_SIZE + meta.keep + TRAILER.length &&
      trailerOk(jfd, HEADER_SIZE + meta.keep);
    if (!meta || !complete || meta.dev !== String(st.dev) || meta.ino !== String(st.ino)) {
      // Written before the mailbox was touched (or not ours to apply): nothing to undo.
      closeSync(jfd);
      unlinkSync(jpath);
      return { action: 'discarded', appended: 0 };
    }
    const { off, oldSize, newSize, keep } = meta;
    const size = st.size;
    const buf = Buffer.allocUnsafe(opts.bufferSize ?? 4 << 20);
    if (!committed) {
      // Mail appended after the crash starts at max(S0, S1) once the file was extended, else at S0 (past any
      // zeros of an extension made just before the crash).
      const top = state === STATE_EXTENDED ? Math.max(oldSize, newSize) : oldSize;
      let extra = size > top ? readExactly(fd, top, size - top) : Buffer.alloc(0);
      if (state !== STATE_EXTENDED) {
        let z = 0;
        while (z < extra.length && extra[z] === 0) z++;
        extra = extra.subarray(z);
      }
      for (let done = 0; done < keep;) {
        const n = Math.min(buf.length, keep - done);
        preadFully(jfd, buf, 0, n, HEADER_SIZE + done);
        pwriteFully(fd, buf.subarray(0, n), off + done);
        done += n;
      }
      ftruncateSync(fd, oldSize);
      if (extra.length) pwriteFully(fd, extra, oldSize);
      if (sync) fsyncSync(fd);
      closeSync(jfd);
      unlinkSync(jpath);
      return { action: 'rolled-back', appended: extra.length };
    }
    let appended = 0;
    if (newSize < oldSize && size >= oldSize) {
      // Was the cut to newSize made? Not if the NUL written at newSize before the commit is still there (mail
      // appended after a cut starts there with "From "; comparing with the old bytes could not tell the two apart).
      if (readExactly(fd, newSize, 1)[0] === 0) {
        const extra = readExactly(fd, oldSize, size - oldSize);
        pwriteFully(fd, extra, newSize);
        ftruncateSync(fd, newSize + extra.length);
        appended = extra.length;
        if (sync) fsyncSync(fd);
      }
    }
    closeSync(jfd);
    unlinkSync(jpath);
    return { action: 'completed', appended };
  } catch (e) {
    try { closeSync(jfd); } catch { /* already closed */ }
    throw e;
  }
}

function trailerOk(jfd: number, at: number): boolean {
  const b = Buffer.alloc(TRAILER.length);
  return readInto(jfd, b, 0, b.length, at) === b.length && b.toString('latin1') === TRAILER;
}
