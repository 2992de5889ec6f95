/**
 * The addon's line counter (lib/native servedCount) and body server (serveBody), loaded on first use; null when the
 * addon cannot be loaded (a tool run from a tree without `make build`), and callers then count or serve in JS with
 * the same result.
 */
import { loadNative } from '../../native/native.js';

export type Counter = (body: Buffer, verbatim: boolean, out: Float64Array) => void;

export type Server = (data: Buffer, out: Buffer | null, verbatim: boolean, state: Int32Array) => number;

let native: Counter | null | undefined;
let server: Server | null | undefined;

export type HeaderServer = (raw: Buffer, out: Buffer) => number;

let headerServer: HeaderServer | null | undefined;

/** The addon's header server (lib/native serveHeader), or null when the addon cannot be loaded. */
export function nativeHeaderServer(): HeaderServer | null {
  if (headerServer === undefined) {
    try {
      const n = loadNative();
      headerServer = n.serveHeader.bind(n);
    } catch {
      headerServer = null;
    }
  }
  return headerServer;
}

/** The addon's body server (lib/native serveBody), or null when the addon cannot be loaded. */
export function nativeServer(): Server | null {
  if (server === undefined) {
    try {
      const n = loadNative();
      server = n.serveBody.bind(n);
    } catch {
      server = null;
    }
  }
  return server;
}

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
