/**
 * The randomness port: SASL CRAM-MD5 and APOP challenges, and anything else that must be unpredictable, take their
 * bytes from a {@link Random} held in the Env, so tests can fix them and the challenges in transcripts are stable.
 */
import { randomBytes } from 'node:crypto';

export interface Random {
  /**
   * `n` fresh bytes (n a non-negative integer); the caller owns the returned Buffer. The system implementation is
   * cryptographically strong; throws RangeError for a bad `n`.
   */
  bytes(n: number): Buffer;
}

/** node:crypto's CSPRNG. */
export const systemRandom: Random = Object.freeze({ bytes: (n: number) => randomBytes(n) });

/**
 * For tests: yields `pattern` over and over (a call continues where the last one stopped), so a challenge is the
 * same on every run. Not random at all: never hand it to bin/. Throws RangeError for an empty pattern.
 */
export function fixedRandom(pattern: Uint8Array | readonly number[]): Random {
  const bytes = Buffer.from(pattern);
  if (bytes.length === 0) throw new RangeError('fixedRandom needs at least one byte');
  let next = 0;
  return {
    bytes(n: number): Buffer {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad byte count ${n}`);
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) {
        out[i] = bytes[next] ?? 0;
        next = (next + 1) % bytes.length;
      }
      return out;
    },
  };
}
