/**
 * Rewriting an mbox file in place, so that a process killed at any instant cannot lose a message that was not
 * being expunged.
 *
 * Why in place: the file keeps its inode, owner, group and mode (a spool file is `user:mail 0660` in a setgid
 * directory the user cannot create files in), hard links and other readers' open descriptors stay valid.
 *
 * How it stays safe. A rewrite is a list of pieces (copy old bytes / write new bytes) giving the new content.
 * 1. Patch: when every changed piece keeps its size and position (UW pads the metadata block so that flag changes
 *    do), the new bytes are written with one pwrite each. Each write is a few dozen bytes inside one message's
 *    header; a kill between two leaves some flags new and some old, never a message lost.
 * 2. Journal: otherwise data moves. Before the mailbox is touched, the old bytes from the first changed offset
 *    `off` to the old end `S0` are copied to a journal file together with (off, S0, S1 = new size) and a trailer,
 *    and fsynced. If the new file is larger it is then extended to S1 (and the journal notes it), so the file is
 *    never shorter than max(S0, S1) until the rewrite is committed. New content is then written from `off` on, reading every moved
 *    byte from the journal (so overlapping moves cannot eat their own source), and fsynced. The journal is then
 *    marked committed and fsynced, the file truncated to S1 and fsynced, and the journal removed.
 *
 * Recovery ({@link recoverJournal}, run under the mailbox's exclusive lock before anything reads it):
 * - journal without its trailer: the mailbox was not touched yet; the journal is removed;
 * - complete, not committed: the rewrite was under way. Anything past max(S0, S1) (past S0 if the extension
 *   was not noted yet) was appended by a delivery agent after the crash (it had to take over our stale lock first); it is kept aside, the old bytes are put back
 *   at `off`, the file is cut to S0 and the kept mail appended: the mailbox as before the rewrite, plus new mail;
 * - committed: the new content is complete. If the truncation to S1 did not happen yet (the bytes between S1 and
 *   S0 are still the journal's old bytes there), mail appended after the crash is moved down to S1 and the file cut
 *   after it; otherwise nothing is left to do.
 * Either way the journal is removed last, so a crash during recovery just recovers again.
 *
 * The journal lives outside the spool (which users cannot write to): `<journalDir>/uwimap-ts.<dev>.<ino>.journal`,
 * created O_EXCL with mode 0600, and is only trusted when owned by the mailbox's owner and naming its inode.
 */
import {
  closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** One piece of the new content: old bytes copied from `src`, or new bytes. */
export type Piece = { readonly src: number; readonly len: number } | { readonly data: Buffer };

export interface RewriteOptions {
  /** Directory for journal files. */
  readonly journalDir: string;
  /** fsync at each step (off only for benchmarks on throwaway data). Default true. */
  readonly fsync?: boolean;
  /** Copy buffer size. Default 4 MiB. */
  readonly bufferSize?: number;
  /**
   * Called after each step that changes a file (for crash tests: throwing here leaves the files exactly as a
   * process killed at that instant would).
   */
  readonly onStep?: (step: RewriteStep) => void;
}

export type RewriteStep = 'patch' | 'journal' | 'extended' | 'write' | 'written' | 'committed' | 'truncated';

export interface RewriteResult {
  readonly size: number;
  /** 'patch' when data did not move, 'journal' when it did, 'none' when nothing changed. */
  readonly mode: 'none' | 'patch' | 'journal';
}

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

function pieceLength(p: Piece): number {
  return 'data' in p ? p.data.length : p.len;
}

function preadFully(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, offset + got, length - got, position + got);
    if (n === 0) throw new Error(`short read at ${position + got}`);
    got += n;
  }
}

function pwriteFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
}

/**
 * Rewrites the file open on `fd` (size `oldSize`) to the concatenation of `pieces`. The caller holds the
 * mailbox's exclusive locks. Throws on I/O errors; the journal then lets {@link recoverJournal} undo a partial
 * rewrite.
 */
export function rewriteFile(fd: number, oldSize: number, pieces: readonly Piece[], opts: RewriteOptions): RewriteResult {
  const sync = opts.fsync ?? true;
  // Where does the new content first differ from the old, and is every difference a same-size patch?
  let pos = 0;
  let off = -1;
  let patchOnly = true;
  const patches: { at: number; data: Buffer }[] = [];
  for (const p of pieces) {
    const len = pieceLength(p);
    if ('data' in p) {
      if (off < 0) off = pos;
      patches.push({ at: pos, data: p.data });
    } else if (p.src !== pos) {
      if (off < 0) off = pos;
      patchOnly = false;
    }
    pos += len;
  }
  const newSize = pos;
  if (off < 0 && newSize === oldSize) return { size: newSize, mode: 'none' };
  if (off < 0) off = Math.min(newSize, oldSize);
  if (patchOnly && newSize === oldSize) {
    // Only new bytes at unchanged positions; check they replace bytes that differ, and write them.
    for (const { at, data } of patches) {
      pwriteFully(fd, data, at);
      opts.onStep?.('patch');
    }
    if (sync) fsyncSync(fd);
    return { size: newSize, mode: 'patch' };
  }
  const st = fstatSync(fd);
  const jpath = journalPath(opts.journalDir, st.dev, st.ino);
  const bufSize = opts.bufferSize ?? 4 << 20;
  const jfd = openSync(jpath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
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
    //    recovery knows where mail appended after a crash begins.
    if (newSize > oldSize) {
      ftruncateSync(fd, newSize);
      if (sync) fsyncSync(fd);
      pwriteFully(jfd, Buffer.from(STATE_EXTENDED), STATE_OFFSET);
      if (sync) fsyncSync(jfd);
      opts.onStep?.('extended');
    }
    // 3. Write the new content from `off`, moved bytes read from the journal.
    pos = 0;
    for (const p of pieces) {
      const len = pieceLength(p);
      const end = pos + len;
      if (end > off) {
        if ('data' in p) {
          const skip = Math.max(0, off - pos);
          pwriteFully(fd, p.data.subarray(skip), pos + skip);
          opts.onStep?.('write');
        } else {
          for (let done = Math.max(0, off - pos); done < len;) {
            const n = Math.min(bufSize, len - done);
            const src = p.src + done;
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
    if (sync) fsyncSync(fd);
    opts.onStep?.('written');
    // 4. Commit, cut, forget.
    pwriteFully(jfd, Buffer.from(STATE_COMMITTED), STATE_OFFSET);
    if (sync) fsyncSync(jfd);
    opts.onStep?.('committed');
    if (newSize < oldSize) ftruncateSync(fd, newSize);
    if (sync) fsyncSync(fd);
    opts.onStep?.('truncated');
  } finally {
    closeSync(jfd);
  }
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
  const sync = opts.fsync ?? true;
  const st = fstatSync(fd);
  const jpath = journalPath(opts.journalDir, st.dev, st.ino);
  let jfd: number;
  try {
    jfd = openSync(jpath, constants.O_RDWR | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { action: 'none', appended: 0 };
    throw e;
  }
  try {
    const jst = fstatSync(jfd);
    if (jst.uid !== st.uid || !jst.isFile()) return { action: 'none', appended: 0 };
    const header = Buffer.alloc(HEADER_SIZE);
    const hn = readSync(jfd, header, 0, HEADER_SIZE, 0);
    const text = header.toString('latin1', 0, hn);
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
    const complete = meta !== null && jst.size === HEADER_SIZE + meta.keep + TRAILER.length &&
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
      let extra = size > top ? readRange(fd, top, size - top) : Buffer.alloc(0);
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
      // Was the cut to newSize made? If [newSize, oldSize) still holds the old bytes, it was not.
      const n = oldSize - newSize;
      const now = readRange(fd, newSize, n);
      const was = readRange(jfd, HEADER_SIZE + (newSize - off), n);
      if (now.equals(was)) {
        const extra = readRange(fd, oldSize, size - oldSize);
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
  return readSync(jfd, b, 0, b.length, at) === b.length && b.toString('latin1') === TRAILER;
}

function readRange(fd: number, position: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  if (length > 0) preadFully(fd, b, 0, length, position);
  return b;
}
