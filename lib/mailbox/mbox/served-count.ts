/**
 * The served size of a whole mbox body (RFC822.SIZE's share of the body), counted natively when the addon is there.
 *
 * The driver indexes a mailbox without reading bodies line by line (the scan finds the next `From ` natively), so
 * each body's served size is counted the first time a client asks for it. On a large mailbox a FETCH of
 * RFC822.SIZE asks for all of them: counting line ends with memchr in the addon (lib/native) is several times
 * faster than the per-line loop of {@link BodyServer}. The rule is BodyServer's (the test
 * test/unit/served-count.test.ts holds both to the same answers); when the addon cannot be loaded (a tool run
 * from a tree without `make build`), BodyServer counts, with the same result.
 */
import { nativeCounter } from './native-count.js';
import { BodyServer } from './render.js';

const out = new Float64Array(2);

/** Octets and LF-terminated lines of `body` (a whole body, from a line start) as served. */
export function servedCount(body: Buffer, verbatim: boolean): { octets: number; lines: number } {
  const fast = nativeCounter();
  if (fast !== null) {
    fast(body, verbatim, out);
    return { octets: out[0] as number, lines: out[1] as number };
  }
  return servedCountJs(body, verbatim);
}

/** The same, counted by {@link BodyServer}'s JS walk (the reference). */
export function servedCountJs(body: Buffer, verbatim: boolean): { octets: number; lines: number } {
  const server = new BodyServer(verbatim, false);
  const c = server.count(body);
  let octets = c.octets;
  for (const b of server.end()) octets += b.length;
  return { octets, lines: c.lines };
}
