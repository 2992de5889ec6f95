/**
 * The save path of the mbox driver: writing messages at the end of a mailbox (APPEND, MULTIAPPEND, COPY, MOVE's
 * copies, RENAME INBOX's copies, deliveries by `mailtool append`) so that a failure or a kill part way leaves every
 * message whole or absent, and the recovery that the next opener runs for a writer that died (see append-journal.ts
 * for the intent record and why it makes a kill at any instant safe, rewrite.ts for rewrite journals).
 */
import { fstatSync, fsyncSync, existsSync, ftruncateSync } from 'node:fs';
import type { AppendMessage } from '../driver.js';
import type { MailEnv } from '../../env/env.js';
import { MailboxError } from '../driver.js';
import { readInto } from './byte-source.js';
import { formatFromLine } from './from-line.js';
import { MessageStorer } from './render.js';
import { AppendIntent, recoverAppend } from './append-journal.js';
import { journalDirs, journalPath, recoverJournal, type RewriteOptions } from './rewrite.js';
import { isNoSpace, pwriteFully } from './rewrite-forward.js';

/** An append reserves room (append-journal.ts) for this many messages or bytes at once, whichever comes first. */
const BATCH_MESSAGES = 256;
const BATCH_BYTES = 8 << 20;
/** Longest stored header we accept from APPEND (it is collected in memory to place the metadata block). */
const MAX_APPEND_HEADER = 1 << 20;

/**
 * What the mbox driver needs of the environment (MailEnv with its defaults filled in): the clock and the `From `
 * line's sender for what it stores, and a logger for recoveries and warnings.
 */
export interface MboxEnv {
  clock: MailEnv['clock'];
  logger: MailEnv['logger'];
  hostname: string;
  username: string;
}

/**
 * Under the exclusive locks: finishes an interrupted rewrite (rewrite.ts), then takes out what an interrupted append
 * left (append-journal.ts), in that order (the append's cut is itself a rewrite). Returns whether the file changed.
 * On failure the journal or record is kept for the next opener, and the error is thrown.
 */
export function recoverLocked(fd: number, path: string, env: MboxEnv, opts: RewriteOptions): boolean {
  let changed = false;
  try {
    const st = fstatSync(fd);
    if (journalDirs(opts).some((d) => existsSync(journalPath(d, st.dev, st.ino)))) {
      const r = recoverJournal(fd, opts);
      if (r.action !== 'none') {
        changed = true;
        env.logger.log('warning', `${path}: interrupted rewrite ${r.action}, ${r.appended} bytes of later mail kept`);
      }
    }
    const a = recoverAppend(fd, opts);
    if (a.action === 'cut') {
      changed = true;
      env.logger.log('warning', `${path}: ${a.bytes} bytes of an interrupted append taken out, ${a.after} bytes of later mail kept`);
    }
  } catch (e) {
    env.logger.log('err', `${path}: recovering an interrupted write failed: ${String(e)}`);
    throw writeError(e, path);
  }
  return changed;
}

/**
 * An error met while writing a mailbox (or its journal, or reading what is being appended) as a MailboxError: a
 * full disk or quota is OVERQUOTA, anything else not already typed IO. Unlike {@link fsError} it never says a
 * missing file means a missing mailbox (a write can fail with ENOENT on a journal directory that is gone).
 */
export function writeError(e: unknown, path: string): MailboxError {
  if (e instanceof MailboxError) return e;
  if (isNoSpace(e)) return new MailboxError('OVERQUOTA', `${path}: no space left (${(e as NodeJS.ErrnoException).code})`, { cause: e });
  return new MailboxError('IO', `${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * Writes messages at the end of an mbox file in stored form (render.ts): makes sure an empty line separates them
 * from what is there, and can cut the file back to its old size if anything fails (a full disk part way through a
 * message: the caller holds the write locks, so nobody has appended after us and the cut leaves the file exactly as
 * it was). Every message's length is measured before it is written and recorded in an intent record
 * (append-journal.ts), so that a process killed part way leaves nothing the next opener cannot take out again.
 * Throws what the writes throw; a failed constructor has written nothing.
 */
export class TailWriter {
  readonly startSize: number;
  private pos: number;
  /** The separator still to write before the first message. */
  private sep: Buffer;
  private readonly intent: AppendIntent;
  /** Messages measured and not written yet, and their stored length. */
  private readonly batch: { m: AppendMessage; from: Buffer; block: ((headerBytes: number) => string) | null; n: number }[] = [];
  private batchBytes = 0;

  constructor(private readonly fd: number, private readonly sync: boolean, private readonly path: string, journalDir: string,
    private readonly logger: MailEnv['logger'], moveFrom: { dev: bigint; ino: bigint } | null = null) {
    try {
      this.startSize = fstatSync(fd).size;
      this.intent = new AppendIntent(fd, journalDir, sync, this.startSize, moveFrom);
    } catch (e) {
      throw writeError(e, path);
    }
    this.pos = this.startSize;
    this.sep = Buffer.alloc(0);
    if (this.pos > 0) {
      // The previous message must end with a newline and be followed by an empty line.
      const tail = Buffer.alloc(2);
      const n = readInto(fd, tail, 0, 2, this.pos - 2 < 0 ? 0 : this.pos - 2);
      const last2 = tail.subarray(0, n);
      const sep = last2.length >= 2 && last2[0] === 0x0a && last2[1] === 0x0a ? '' :
        last2[last2.length - 1] === 0x0a ? (this.pos === 1 ? '' : '\n') : '\n\n';
      this.sep = Buffer.from(sep);
    }
  }

  private readonly write = (b: Buffer): void => {
    pwriteFully(this.fd, b, this.pos);
    this.pos += b.length;
  };

  /**
   * Stores one message: measured now, written with the batch it joins (see {@link flush}). `block` is the metadata
   * block to place before the header's empty line (null: none), asked for once. The body must stay readable until
   * {@link finish}.
   */
  async message(m: AppendMessage, env: MboxEnv, block: ((headerBytes: number) => string) | null): Promise<void> {
    const now = env.clock.now();
    const date = m.internalDate ?? { time: now, zone: env.clock.zoneAt(now) };
    const from = Buffer.from(formatFromLine(m.sender ?? `${env.username}@${env.hostname}`, date), 'latin1');
    let text: string | null = null;
    const once = block === null ? null : (h: number): string => (text ??= block(h));
    const n = await storeMessage(m, from, once, null);
    this.batch.push({ m, from, block: once, n });
    this.batchBytes += n;
    if (this.batch.length >= BATCH_MESSAGES || this.batchBytes >= BATCH_BYTES) await this.flush();
  }

  /**
   * Writes the measured messages: one reservation in the intent record for all of them (two small fsyncs per batch,
   * not per message: a COPY of 10,000 messages is a few dozen batches), then their bytes.
   */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const before = this.intent.unprotected;
    this.intent.reserve(this.sep.length + this.batchBytes);
    if (before === null && this.intent.unprotected !== null) {
      this.logger.log('warning', `${this.path}: appending without an intent record (a kill part way leaves a fragment): ${this.intent.unprotected}`);
    }
    if (this.sep.length) this.write(this.sep);
    this.sep = Buffer.alloc(0);
    for (const b of this.batch) {
      const at = this.pos;
      await storeMessage(b.m, b.from, b.block, this.write);
      if (this.pos - at !== b.n) throw new MailboxError('IO', `message changed while stored (${this.pos - at} of ${b.n} bytes)`);
    }
    this.batch.length = 0;
    this.batchBytes = 0;
  }

  /** Writes what is measured, makes it durable, and the mailbox's: the commit point (append-journal.ts). */
  async finish(): Promise<void> {
    await this.complete();
    this.commit();
  }

  /** Writes what is measured and makes it durable, not yet the mailbox's (a MOVE commits later: move-record.ts). */
  async complete(): Promise<void> {
    await this.flush();
    if (this.sync) fsyncSync(this.fd);
  }

  /** After {@link complete}: the commit point. */
  commit(): void {
    this.intent.commit();
  }

  /** Cuts the file back to where it was before this writer wrote anything (frees no more than it took). */
  abort(): void {
    this.batch.length = 0;
    this.batchBytes = 0;
    ftruncateSync(this.fd, this.startSize);
    this.pos = this.startSize;
    this.intent.abort();
  }

  /** The end of what is written (after {@link finish}: of every message). */
  get size(): number {
    return this.pos;
  }
}

/**
 * One message in stored form: the `From ` line, the header with `block` before its empty line, the body, a final
 * empty line. Gives each piece to `out` (null: only measures); returns the length.
 */
async function storeMessage(m: AppendMessage, from: Buffer, block: ((headerBytes: number) => string) | null,
  out: ((b: Buffer) => void) | null): Promise<number> {
  let len = 0;
  const write = (b: Buffer): void => {
    len += b.length;
    if (out) out(b);
  };
  write(from);
  const storer = new MessageStorer();
  let headerBytes = 0;
  let bodyStarted = false;
  let total = 0;
  const flushHeader = (): void => {
    const h = Buffer.concat(storer.header);
    storer.header.length = 0;
    write(h);
    headerBytes += h.length;
  };
  for await (const chunk of m.body.chunks()) {
    total += chunk.length;
    const bufs = storer.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    if (!bodyStarted) {
      let pending = 0;
      for (const b of storer.header) pending += b.length;
      if (pending + headerBytes > MAX_APPEND_HEADER) {
        throw new MailboxError('LIMIT', 'message header too large');
      }
      if (storer.headerEnded) {
        flushHeader();
        write(Buffer.from((block ? block(headerBytes) : '') + '\n', 'latin1'));
        bodyStarted = true;
      }
    }
    for (const b of bufs) write(b);
  }
  const rest = storer.end();
  if (!bodyStarted) {
    flushHeader();
    write(Buffer.from((block ? block(headerBytes) : '') + '\n', 'latin1'));
  }
  for (const b of rest) write(b);
  if (total !== m.body.size) throw new MailboxError('IO', `message size ${total} differs from ${m.body.size}`);
  write(Buffer.from('\n'));
  return len;
}
