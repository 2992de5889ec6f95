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
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Set<number>();
  /** Highest message number accessed (UW's LAST). */
  private last = 0;

  /** `onClose` runs after the mailbox is closed, by {@link update} or {@link abandon} (it releases the POP3 lock). */
  constructor(
    private readonly box: OpenMailbox,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.n = box.count();
    for (let i = this.n; i >= 1; i--) {
      if (box.meta(i).flags & Flag.Seen) {
        this.last = i;
        break;
      }
    }
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
    return Number.isInteger(i) && i >= 1 && i <= this.n && !this.deleted.has(i);
  }

  meta(i: number): MessageMeta {
    return this.box.meta(i);
  }

  /** Messages not marked deleted, and their total size as `size(i)` counts. */
  stat(size: (i: number) => number): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (let i = 1; i <= this.n; i++) {
      if (this.deleted.has(i)) continue;
      count++;
      octets += size(i);
    }
    return { count, octets };
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
    this.deleted.add(i);
  }

  rset(): void {
    this.deleted.clear();
  }

  get lastAccessed(): number {
    return this.last;
  }

  get deletedCount(): number {
    return this.deleted.size;
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
    const seen = [...this.retrieved].filter((i) => !this.deleted.has(i));
    const dele = [...this.deleted];
    const undo: FlagsUndo[] = [];
    let removed = 0;
    try {
      await this.box.sync();
      if (seen.length) undo.push(this.box.setFlags(seen, 'add', Flag.Seen, []));
      if (dele.length) {
        const uids = new Set(dele.map((i) => this.box.meta(i).uid));
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
