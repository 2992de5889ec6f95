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
  /** UIDs and their modification sequences, in the order they were expunged (modseqs ascending). */
  private uids: number[] = [];
  private modseqs: number[] = [];

  /** Complete for changes with a modification sequence above this (see the module comment). */
  horizon: number;

  constructor(horizon = 0) {
    this.horizon = horizon;
  }

  get size(): number {
    return this.uids.length;
  }

  /** Remembers that `uid` was expunged by the change numbered `modseq` (not below any remembered before). */
  add(uid: number, modseq: number): void {
    this.uids.push(uid);
    this.modseqs.push(modseq);
    if (this.uids.length > EXPUNGE_MEMORY) {
      const drop = this.uids.length - EXPUNGE_MEMORY;
      this.horizon = Math.max(this.horizon, this.modseqs[drop - 1] as number);
      this.uids.splice(0, drop);
      this.modseqs.splice(0, drop);
    }
  }

  /** The UIDs expunged by changes numbered above `modseq`, ascending; null when that is before the horizon. */
  since(modseq: number): number[] | null {
    if (modseq < this.horizon) return null;
    const out: number[] = [];
    for (let i = this.modseqs.length - 1; i >= 0 && (this.modseqs[i] as number) > modseq; i--) out.push(this.uids[i] as number);
    return out.sort((a, b) => a - b);
  }

  /** The entries, for the index file: UID and modification sequence pairs, oldest first. */
  entries(): { uid: number; modseq: number }[] {
    return this.uids.map((uid, i) => ({ uid, modseq: this.modseqs[i] as number }));
  }
}
