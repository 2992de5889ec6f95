/**
 * The addon's mbox helpers (servedCount, serveBody, serveHeader, syncFileRange), each loaded on first use; null when the
 * addon cannot be loaded (a tool run from a tree without `make build`), and callers then count or serve in JS with
 * the same result.
 */
import { lazyNative } from '../../native/native.js';

export type Counter = (body: Buffer, verbatim: boolean, out: Float64Array) => void;
export type Server = (data: Buffer, out: Buffer | null, verbatim: boolean, state: Int32Array) => number;
export type HeaderServer = (raw: Buffer, out: Buffer) => number;
export type Writeback = (fd: number, offset: number, nbytes: number) => number;

/** The addon's header server (lib/native serveHeader), or null when the addon cannot be loaded. */
export const nativeHeaderServer = lazyNative<HeaderServer>((n) => n.serveHeader.bind(n));
/** The addon's body server (lib/native serveBody), or null when the addon cannot be loaded. */
export const nativeServer = lazyNative<Server>((n) => n.serveBody.bind(n));
/** The addon's served-size counter (lib/native servedCount), or null when the addon cannot be loaded. */
export const nativeCounter = lazyNative<Counter>((n) => n.servedCount.bind(n));
/** The addon's sync_file_range (lib/native syncFileRange), or null when the addon cannot be loaded. */
export const nativeWriteback = lazyNative<Writeback>((n) => n.syncFileRange.bind(n));

const out = new Float64Array(2);

/** The number of LF bytes in `b`, or -1 when only a JS loop could count them (the caller then over-allocates). */
export function lineFeeds(b: Buffer): number {
  const c = nativeCounter();
  if (c === null) return -1;
  c(b, true, out);
  return out[1] as number;
}
