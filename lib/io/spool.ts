/**
 * Large literals (a message being APPENDed) spooled to disk as they arrive, so a 200 MB APPEND costs a read buffer of
 * memory, not 200 MB (Dovecot does the same with its mail-temp files).
 *
 * The file is created O_EXCL with mode 0600 in the given directory (the configured journal_dir, /var/tmp by default:
 * disk, where /tmp may be RAM) and unlinked at once: it has no name while the session holds it, is readable only
 * through our descriptor, and vanishes when the descriptor closes, also when the process is killed. It is created
 * as the logged-in user (APPEND runs after the privilege drop), so its blocks count against that user's quota.
 *
 * A write that fails (the directory's filesystem full, the user's quota used up) does not end the command: the
 * file is dropped at once (giving its space back), the rest of the literal is read and thrown away so the session
 * stays in step with the client, and reading the spooled literal throws that write's error (its errno `code`
 * kept, ENOSPC or EDQUOT), which the mail store turns into `NO [OVERQUOTA]` before it has stored anything.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LiteralSpool, SpooledLiteral } from '../wire/fragmentizer.js';

const READ_STEP = 64 * 1024;

/** A failed spool write, its errno code kept (so ENOSPC and EDQUOT read as a full disk further up). */
function spoolError(e: unknown): Error {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return Object.assign(new Error(`spool file: ${e instanceof Error ? e.message : String(e)}`, { cause: e }), { code });
}

/** A spool in `dir`. Throws (an fs error) when no file can be made there. */
export function fileSpool(dir: string): LiteralSpool {
  // The name lives only until the unlink below; 96 random bits keep two sessions' names apart.
  const path = join(dir, `uwimap-ts.literal.${randomBytes(12).toString('hex')}`);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    unlinkSync(path);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let size = 0;
  let open = true;
  /** The write that failed; from then on the literal's octets are counted and dropped. */
  let failed: Error | null = null;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write(chunk: Buffer): void {
      if (failed === null) {
        try {
          for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done, size + done);
        } catch (e) {
          failed = spoolError(e);
          close();
        }
      }
      size += chunk.length;
    },
    finish(): SpooledLiteral {
      const total = size;
      return {
        size: total,
        async *chunks(): AsyncIterable<Uint8Array> {
          if (failed !== null) throw failed;
          // One buffer, refilled for each chunk: a chunk is valid until the next is asked for (the mail store
          // copies what it keeps), so 200 MB pass through 64 KB of memory.
          const buf = Buffer.allocUnsafe(Math.min(READ_STEP, Math.max(1, total)));
          for (let pos = 0; pos < total;) {
            if (!open) throw new Error('spooled literal read after release');
            const n = readSync(fd, buf, 0, Math.min(buf.length, total - pos), pos);
            if (n === 0) throw new Error('spooled literal shorter than written');
            pos += n;
            yield buf.subarray(0, n);
          }
        },
        release: close,
      };
    },
    discard: close,
  };
}
