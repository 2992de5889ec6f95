/**
 * A session's flag changes not yet written, kept as deltas per message rather than as the flags it ended with, so
 * that they merge with what other sessions wrote meanwhile: `+FLAGS` and `-FLAGS` apply to the flags on disk at the
 * moment of the write, `FLAGS` replaces them (issue 13: session A adds \Answered, session B adds \Flagged, both
 * survive, as in Dovecot).
 *
 * One delta per UID: the system-flag bits and keyword bits to set and to clear. Changes compose: adding F after
 * removing it sets F; a replace clears every bit but its own. The result of a delta on bits `d` read from the file is
 * `(d & ~clear) | set`.
 *
 * Entries live in two typed arrays (four 32-bit words a message) reached through one Map from UID to slot, and only
 * between a change and its write: a STORE on 100,000 messages costs them for the length of the command.
 */

export type FlagOp = 'add' | 'remove' | 'replace';

/** What a delta was before one change (for taking that change back), or null when the UID had none. */
export type DeltaBefore = readonly [number, number, number, number] | null;

const ALL = 0xffffffff;

export class FlagDeltas {
  private readonly slot = new Map<number, number>();
  private words = new Uint32Array(64);

  get size(): number {
    return this.slot.size;
  }

  has(uid: number): boolean {
    return this.slot.has(uid);
  }

  /** Composes one change into `uid`'s delta. Returns what it was before. */
  change(uid: number, op: FlagOp, flags: number, keywords: number): DeltaBefore {
    let s = this.slot.get(uid);
    let before: DeltaBefore = null;
    if (s === undefined) {
      s = this.slot.size;
      if ((s + 1) * 4 > this.words.length) {
        const w = new Uint32Array(this.words.length * 2);
        w.set(this.words);
        this.words = w;
      }
      this.slot.set(uid, s);
      this.words.fill(0, s * 4, s * 4 + 4);
    } else {
      const o = s * 4;
      before = [this.words[o] as number, this.words[o + 1] as number, this.words[o + 2] as number, this.words[o + 3] as number];
    }
    const w = this.words;
    const o = s * 4;
    const f = flags >>> 0;
    const k = keywords >>> 0;
    if (op === 'add') {
      w[o] = (w[o] as number) | f;
      w[o + 1] = (w[o + 1] as number) & ~f;
      w[o + 2] = (w[o + 2] as number) | k;
      w[o + 3] = (w[o + 3] as number) & ~k;
    } else if (op === 'remove') {
      w[o] = (w[o] as number) & ~f;
      w[o + 1] = (w[o + 1] as number) | f;
      w[o + 2] = (w[o + 2] as number) & ~k;
      w[o + 3] = (w[o + 3] as number) | k;
    } else {
      w[o] = f;
      w[o + 1] = ALL & ~f;
      w[o + 2] = k;
      w[o + 3] = ALL & ~k;
    }
    return before;
  }

  /**
   * Puts `uid`'s delta back as {@link change} found it. Takes changes back in the reverse order they were made
   * (a slot freed here is reused only when it is the last one).
   */
  restore(uid: number, before: DeltaBefore): void {
    const s = this.slot.get(uid);
    if (s === undefined) return;
    if (before === null) {
      this.slot.delete(uid);
      // Keep slots dense: the last slot moves into the freed one.
      const last = this.slot.size;
      if (s !== last) {
        for (const [u, t] of this.slot) {
          if (t === last) {
            this.words.copyWithin(s * 4, last * 4, last * 4 + 4);
            this.slot.set(u, s);
            break;
          }
        }
      }
      return;
    }
    this.words.set(before, s * 4);
  }

  /** `uid`'s flags and keyword bits after its delta, from those read from the file. */
  apply(uid: number, flags: number, keywords: number): { flags: number; keywords: number } {
    const s = this.slot.get(uid);
    if (s === undefined) return { flags, keywords };
    const w = this.words;
    const o = s * 4;
    return {
      flags: ((flags & ~(w[o + 1] as number)) | (w[o] as number)) & 0xff,
      keywords: ((keywords & ~(w[o + 3] as number)) | (w[o + 2] as number)) >>> 0,
    };
  }

  /** The UIDs that have a delta. */
  uids(): IterableIterator<number> {
    return this.slot.keys();
  }

  /** Forgets every delta (they were written). */
  clear(): void {
    this.slot.clear();
    if (this.words.length > 4096) this.words = new Uint32Array(64);
  }
}
