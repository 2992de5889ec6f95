/**
 * The POP3 maildrop: a mailbox as one POP3 session sees it (RFC 1939).
 *
 * - Message numbers are fixed when the session opens: mail delivered during the session is not shown (the next
 *   session sees it), and deleted messages keep their numbers.
 * - DELE only marks; at QUIT exactly the marked messages are expunged, and retrieved ones get \Seen, with UIDs,
 *   flags and newly arrived mail left intact. A session that ends without QUIT changes nothing.
 * - The maildrop is exclusive between POP3 sessions (a second gets `[IN-USE]` at once, where UW waits 14 s), but
 *   an IMAP session on the same mailbox is neither locked out nor killed: the exclusivity lock is a separate one.
 */
import type { FlagsUndo, MessageMeta, OpenMailbox, SizedBody } from '../mailbox/driver.js';
import { Flag, MailboxError } from '../mailbox/driver.js';

export class Maildrop {
  private readonly n: number;
  /** 1 for a message marked deleted, by message number (entry 0 unused); `deletedN` counts them. */
  private readonly deleted: Uint8Array;
  private deletedN = 0;
  private readonly retrieved = new Set<number>();
  /** Highest message number accessed by this session (UW's LAST is the greater of it and `seenAtStart`). */
  private last = 0;
  /** The highest message number with \Seen when the session started (0: none), found when first asked for. */
  private seenAtStart: number | null = null;
  /** The messages' UIDs and served sizes (entry i - 1 for message i), read when first asked for. */
  private uidList: Uint32Array | null = null;
  private sizeList: Float64Array | null = null;

  /** `onClose` runs after the mailbox is closed, by {@link update} or {@link abandon} (it releases the POP3 lock). */
  constructor(
    private readonly box: OpenMailbox,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.n = box.count();
    this.deleted = new Uint8Array(this.n + 1);
  }

  get uidValidity(): number {
    return this.box.uidValidity;
  }

  /** Messages as numbered at the start (deleted ones included). */
  get count(): number {
    return this.n;
  }

  /** True when `i` names a message that exists and is not marked deleted. */
  valid(i: number): boolean {
    return Number.isInteger(i) && i >= 1 && i <= this.n && this.deleted[i] === 0;
  }

  meta(i: number): MessageMeta {
    return this.box.meta(i);
  }

  /** The messages' UIDs: entry i - 1 for message i (not to be changed). */
  uids(): Uint32Array {
    this.uidList ??= this.box.uids();
    return this.uidList;
  }

  /** The messages' served sizes, as {@link MessageMeta.size}: entry i - 1 for message i (not to be changed). */
  sizes(): Float64Array {
    this.sizeList ??= this.box.sizes();
    return this.sizeList;
  }

  /** Not 0 for the messages marked deleted: entry i - 1 for message i (a view that follows DELE and RSET). */
  deletedMarks(): Uint8Array {
    return this.deleted.subarray(1);
  }

  /** Message `i`'s UID (`i` a message number). */
  uid(i: number): number {
    return this.uids()[i - 1] as number;
  }

  /** Message `i`'s served size (`i` a message number). */
  size(i: number): number {
    return this.sizes()[i - 1] as number;
  }

  /** Messages not marked deleted, and their total size as {@link size} counts. */
  stat(): { count: number; octets: number } {
    const sizes = this.sizes();
    let octets = 0;
    for (let i = 1; i <= this.n; i++) if (this.deleted[i] === 0) octets += sizes[i - 1] as number;
    return { count: this.n - this.deletedN, octets };
  }

  header(i: number): Promise<Buffer> {
    this.touch(i);
    return this.box.header(i);
  }

  text(i: number): SizedBody {
    this.touch(i);
    return this.box.text(i);
  }

  /** Notes a RETR: the message gets \Seen at QUIT (TOP does not count, as in UW). */
  noteRetrieved(i: number): void {
    this.retrieved.add(i);
  }

  dele(i: number): void {
    this.touch(i);
    if (this.deleted[i] === 0) this.deletedN++;
    this.deleted[i] = 1;
  }

  rset(): void {
    this.deleted.fill(0);
    this.deletedN = 0;
  }

  get lastAccessed(): number {
    if (this.seenAtStart === null) {
      const flags = this.box.systemFlags();
      let i = this.n;
      while (i >= 1 && !((flags[i - 1] as number) & Flag.Seen)) i--;
      this.seenAtStart = i;
    }
    return Math.max(this.last, this.seenAtStart);
  }

  get deletedCount(): number {
    return this.deletedN;
  }

  /** The message numbers marked deleted, ascending. */
  private deletedNumbers(): number[] {
    const out: number[] = [];
    for (let i = this.deleted.indexOf(1); i > 0; i = this.deleted.indexOf(1, i + 1)) out.push(i);
    return out;
  }

  private touch(i: number): void {
    if (i > this.last) this.last = i;
  }

  /**
   * QUIT in TRANSACTION state (RFC 1939 UPDATE): marks retrieved messages \Seen, expunges exactly the DELE'd ones
   * (by UID, so messages delivered or changed by others meanwhile are untouched), and closes the mailbox.
   * Returns the numbers of messages removed and seen.
   *
   * All or nothing: the \Seen marks and the expunge are one write. When it cannot be made (a full disk or quota:
   * MailboxError OVERQUOTA; a lock held too long: INUSE; ...) nothing is deleted and no mark is written, the mailbox
   * is closed and the POP3 lock released all the same, and that MailboxError is thrown (its message is for the log:
   * it names paths). The session answers it with `-ERR [SYS/TEMP]`; the messages are there for the next session.
   */
  async update(): Promise<{ deleted: number; seen: number }> {
    const seen = [...this.retrieved].filter((i) => this.deleted[i] === 0);
    const dele = this.deletedNumbers();
    const undo: FlagsUndo[] = [];
    let removed = 0;
    try {
      await this.box.sync();
      if (seen.length) undo.push(this.box.setFlags(seen, 'add', Flag.Seen, []));
      if (dele.length) {
        const uids = new Set(dele.map((i) => this.uid(i)));
        undo.push(this.box.setFlags(dele, 'add', Flag.Deleted, []));
        removed = (await this.box.expunge(uids)).length;
      } else {
        await this.box.checkpoint();
      }
    } catch (e) {
      // The marks go from memory too, so that closing cannot write a \Deleted that the next IMAP CLOSE would act on.
      for (const u of undo.reverse()) u();
      await this.abandon().catch(() => undefined);
      throw e instanceof MailboxError ? e : new MailboxError('IO', `updating the maildrop: ${String(e)}`, { cause: e });
    }
    try {
      await this.box.close(); // nothing left to write: cannot fail for want of room
    } finally {
      await this.onClose();
    }
    return { deleted: removed, seen: seen.length };
  }

  /** Ends the session without changes (no QUIT: a dropped connection deletes nothing). */
  async abandon(): Promise<void> {
    try {
      await this.box.close();
    } finally {
      await this.onClose();
    }
  }
}
