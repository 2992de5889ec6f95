/**
 * Which UIDs left a mailbox, and with which modification sequence: what QRESYNC's VANISHED (EARLIER) answers
 * from (RFC 7162 §3.2.5.2, §3.2.6). Kept with the saved index (index-file.ts), so it outlives sessions.
 *
 * The memory is bounded: the last {@link EXPUNGE_MEMORY} expunged UIDs. It is complete only from its horizon on:
 * the modification sequence of the last entry it dropped, or of the moment it started (an index built by a scan
 * knows nothing of earlier expunges). Asked about an earlier point, it answers null, and the caller falls back to
 * what the RFC allows: every UID the client names that does not exist now.
 */

/** How many expunged UIDs are remembered: 16 bytes each, so 1 MB at most in the index. */
export const EXPUNGE_MEMORY = 65_536;

export class ExpungeMemory {
  /**
   * UIDs and their modification sequences, in the order they were expunged (modseqs ascending), in a ring of
   * {@link EXPUNGE_MEMORY}: the oldest is overwritten in place when it is full, so an expunge of thousands of
   * messages in a full memory moves nothing.
   */
  private uids = new Uint32Array(0);
  private modseqs = new Float64Array(0);
  /** Where the oldest entry is, and how many there are. */
  private head = 0;
  private count = 0;

  /** Complete for changes with a modification sequence above this (see the module comment). */
  horizon: number;

  constructor(horizon = 0) {
    this.horizon = horizon;
  }

  get size(): number {
    return this.count;
  }

  /** Remembers that `uid` was expunged by the change numbered `modseq` (not below any remembered before). */
  add(uid: number, modseq: number): void {
    if (this.count === this.uids.length && this.count < EXPUNGE_MEMORY) this.grow();
    if (this.count === EXPUNGE_MEMORY) {
      // Full: the oldest goes, and the memory is complete only from its number on.
      this.horizon = Math.max(this.horizon, this.modseqs[this.head] as number);
      this.uids[this.head] = uid;
      this.modseqs[this.head] = modseq;
      this.head = (this.head + 1) % EXPUNGE_MEMORY;
      return;
    }
    const at = (this.head + this.count) % this.uids.length;
    this.uids[at] = uid;
    this.modseqs[at] = modseq;
    this.count++;
  }

  /** The UIDs expunged by changes numbered above `modseq`, ascending; null when that is before the horizon. */
  since(modseq: number): number[] | null {
    if (modseq < this.horizon) return null;
    const out: number[] = [];
    for (let k = this.count - 1; k >= 0; k--) {
      const at = (this.head + k) % this.uids.length;
      if ((this.modseqs[at] as number) <= modseq) break;
      out.push(this.uids[at] as number);
    }
    return out.sort((a, b) => a - b);
  }

  /** The entries, for the index file: UID and modification sequence pairs, oldest first. */
  entries(): { uid: number; modseq: number }[] {
    const out: { uid: number; modseq: number }[] = [];
    for (let k = 0; k < this.count; k++) {
      const at = (this.head + k) % this.uids.length;
      out.push({ uid: this.uids[at] as number, modseq: this.modseqs[at] as number });
    }
    return out;
  }

  /** Room for more entries, in order from 0 (the ring is not full yet, so it has not wrapped: head is 0). */
  private grow(): void {
    const cap = Math.min(EXPUNGE_MEMORY, Math.max(64, this.uids.length * 2));
    const uids = new Uint32Array(cap);
    const modseqs = new Float64Array(cap);
    uids.set(this.uids);
    modseqs.set(this.modseqs);
    this.uids = uids;
    this.modseqs = modseqs;
  }
}
