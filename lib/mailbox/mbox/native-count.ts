/**
 * The addon's line counter (lib/native servedCount), loaded on first use; null when the addon cannot be loaded (a
 * tool run from a tree without `make build`), and callers then count in JS with the same result.
 */
import { loadNative } from '../../native/native.js';

export type Counter = (body: Buffer, verbatim: boolean, out: Float64Array) => void;

let native: Counter | null | undefined;

export function nativeCounter(): Counter | null {
  if (native === undefined) {
    try {
      const n = loadNative();
      native = n.servedCount.bind(n);
    } catch {
      native = null;
    }
  }
  return native;
}

const out = new Float64Array(2);

/** The number of LF bytes in `b`, or -1 when only a JS loop could count them (the caller then over-allocates). */
export function lineFeeds(b: Buffer): number {
  const c = nativeCounter();
  if (c === null) return -1;
  c(b, true, out);
  return out[1] as number;
}
