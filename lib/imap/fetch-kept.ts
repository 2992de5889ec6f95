/**
 * FETCH's kept-value path: the responses of a FETCH whose every item is in the index or kept by the mailbox
 * (FLAGS, UID, INTERNALDATE, RFC822.SIZE, MODSEQ, and the ENVELOPE, BODY, BODYSTRUCTURE and PREVIEW an earlier
 * command worked out), written without reading a message and without awaiting per message (ARCHITECTURE.md, "Derived
 * values are kept too"). FETCH 1:* BODYSTRUCTURE over 100,000 messages is one loop over the kept values, or, when the
 * items are one kept value after the UID or alone, a few hundred runs written by the addon. Anything else, and any
 * message whose value is not kept, goes through {@link writeFetch} (fetch-writer.ts), which works values out.
 *
 * The bytes are the same as writeFetch's for the same items (test/unit/field-cache.test.ts compares them).
 */
import { type NumberedSlices, SLICE_NUMBERS, writeNumberedSlices } from '../io/numbered-lines.js';
import type { ResponseSink } from '../io/sink.js';
import type { CachedRun, MessageMeta, OpenMailbox } from '../mailbox/driver.js';
import { ByteWriter, writeFlagList } from '../wire/encode.js';
import type { FetchAtt } from '../wire/parser.js';
import { CACHED } from './fetch-writer.js';
import { writeInternalDate } from './internal-date.js';

/** The items a {@link KeptPlan} can hold: written from the index, or from a value the mailbox keeps. */
const KEPT_ITEMS = ['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'PREVIEW'] as const;
type KeptItem = (typeof KEPT_ITEMS)[number];

/** The items of a FETCH whose every item can be written without reading the mailbox (see {@link writeFetchKept}). */
export interface KeptPlan {
  readonly items: readonly KeptItem[];
  /** FLAGS shows \Recent (FetchOptions.recent). */
  readonly recent: boolean;
  /** When the items are one kept value, alone or after the UID: how {@link writeKeptRun} writes them. */
  readonly run: RunPlan | null;
}

/**
 * The responses of a {@link KeptPlan} of one kept value, alone or after the UID, as numbered slices: `* ` seq
 * ` FETCH (BODYSTRUCTURE ` value `)` CRLF, or `* ` seq ` FETCH (UID ` uid ` BODYSTRUCTURE ` value `)` CRLF.
 */
interface RunPlan {
  readonly field: string;
  readonly uid: boolean;
  readonly pieces: NumberedSlices['pieces'];
  /** The octets a response takes beyond its value, at most. */
  readonly extra: number;
}

function runPlan(items: readonly KeptItem[]): RunPlan | null {
  const item = items[items.length - 1] as KeptItem;
  const field = KEPT_FIELD[item];
  const uid = items.length === 2 && items[0] === 'UID';
  if (field === undefined || (items.length !== 1 && !uid)) return null;
  const piece = (s: string): Buffer => Buffer.from(s, 'latin1');
  const pieces = uid ? [piece('* '), piece(' FETCH (UID '), piece(` ${item} `), piece(')\r\n')] as const
    : [piece('* '), piece(` FETCH (${item} `), piece(''), piece(')\r\n')] as const;
  return { field, uid, pieces, extra: SLICE_NUMBERS + pieces.reduce((n, p) => n + p.length, 0) };
}

const KEPT_FIELD: Partial<Record<KeptItem, string>> = {
  ENVELOPE: CACHED.envelope, BODY: CACHED.body, BODYSTRUCTURE: CACHED.bodystructure, PREVIEW: CACHED.preview,
};

/** `<name> ` as bytes, for each item (written 100,000 times by FETCH 1:*). */
const KEPT_NAME = Object.fromEntries(KEPT_ITEMS.map((k) => [k, Buffer.from(`${k} `, 'latin1')])) as Record<KeptItem, Buffer>;
const FETCH_OPEN = Buffer.from(' FETCH (', 'latin1');

/**
 * The plan for {@link writeFetchKept}, or null when an item needs the message's bytes (a body section, BINARY,
 * RFC822...; these may also set \Seen). The UID comes first for UID FETCH, as in {@link writeFetch}.
 */
export function keptPlan(atts: readonly FetchAtt[], opts: { uid: boolean; recent: boolean }): KeptPlan | null {
  const items: KeptItem[] = [];
  if (opts.uid && !atts.some((a) => a.kind === 'UID')) items.push('UID');
  for (const a of atts) {
    const kind = KEPT_ITEMS.find((k) => k === a.kind);
    if (kind === undefined) return null;
    items.push(kind);
  }
  return { items, recent: opts.recent, run: runPlan(items) };
}

/** Where the values found kept for one message lie, by the plan's item index (reused: see writeFetchKept). */
const keptBufs: (Buffer | null)[] = [];
const keptStarts: number[] = [];
const keptEnds: number[] = [];

/**
 * The responses {@link writeFetchKept} writes, gathered into blocks of about KEPT_BLOCK bytes that go to the sink
 * as they are (handed over, not copied): FETCH 1:* BODYSTRUCTURE of 100,000 messages makes 300 blocks, not
 * 100,000 pieces. {@link flushKept} hands over what is gathered: the caller does so before writing anything else,
 * and at its end.
 */
const kept = new ByteWriter();
const KEPT_BLOCK = 64 * 1024;
// Room for a block and the response that ends it (most are a few hundred bytes): each block handed over is a new
// buffer of this size, 300 of them for FETCH 1:* BODYSTRUCTURE of 100,000 messages.
kept.buf = Buffer.allocUnsafe(KEPT_BLOCK + 8 * 1024);

export function flushKept(out: ResponseSink): void {
  if (kept.length > 0) out.write(kept.handOver());
}

/** How many messages {@link writeKeptRun} writes in one call, at most (its arrays' length). */
const RUN = 1024;
const run: CachedRun = { buf: Buffer.alloc(0), starts: new Float64Array(RUN), lengths: new Uint32Array(RUN), uids: new Uint32Array(RUN) };

/**
 * The responses for messages `first`, `first + 1`, ... up to `last` at most, when `plan` is one kept value (see
 * {@link RunPlan}) and the mailbox holds them in a row: written at once into the kept block, as many as its room
 * takes (handed to `out` when full), and how many. 0, with nothing written, when message `first`'s value is not
 * found that way: the caller then tries {@link writeFetchKept}. FETCH 1:* BODYSTRUCTURE over 100,000 messages is a
 * few hundred calls, each writing a block of responses in one go (lib/io/numbered-lines.ts).
 */
export function writeKeptRun(out: ResponseSink, box: OpenMailbox, first: number, last: number, plan: KeptPlan): number {
  const p = plan.run;
  if (p === null) return 0;
  const w = kept;
  for (;;) {
    const n = box.cachedRun(first, last, p.field, run, w.buf.length - w.length, p.extra);
    if (n > 0) {
      const spec = { src: run.buf, starts: run.starts, lengths: run.lengths, seconds: p.uid ? run.uids : null, pieces: p.pieces };
      w.length = writeNumberedSlices(spec, n, first, w.buf, w.length);
      if (w.length >= KEPT_BLOCK) out.write(w.handOver());
      return n;
    }
    // Not found, or more than the block's room: once more with an empty block (a value that does not fit one goes
    // the long way, which makes room).
    if (w.length === 0) return 0;
    out.write(w.handOver());
  }
}

/**
 * The response for message `seq` when every item of `plan` is in the index or kept by the mailbox (ENVELOPE, BODY,
 * BODYSTRUCTURE from an earlier session): written at once, without awaiting, into the kept block (handed to `out`
 * when full, and by {@link flushKept}), and true. False, with nothing written, when a value is not kept (or the
 * message is gone): the caller then calls flushKept and uses {@link writeFetch}, which works it out.
 * FETCH 1:* BODYSTRUCTURE over 100,000 messages is then one loop that reads the kept values in order.
 */
export function writeFetchKept(out: ResponseSink, box: OpenMailbox, seq: number, plan: KeptPlan): boolean {
  const items = plan.items;
  for (let i = 0; i < items.length; i++) {
    const field = KEPT_FIELD[items[i] as KeptItem];
    if (field === undefined) continue;
    const v = box.cachedAt(seq, field);
    if (v === null) {
      keptBufs.fill(null);
      return false;
    }
    keptBufs[i] = v.buf;
    keptStarts[i] = v.start;
    keptEnds[i] = v.end;
  }
  const w = kept;
  w.byte(0x2a);
  w.byte(0x20);
  w.uint(seq);
  w.bytes(FETCH_OPEN);
  let meta: MessageMeta | null = null;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.byte(0x20);
    const it = items[i] as KeptItem;
    w.bytes(KEPT_NAME[it]);
    switch (it) {
      case 'FLAGS':
        meta ??= box.meta(seq);
        writeFlagList(w, meta.flags, plan.recent && meta.recent, meta.keywords);
        break;
      case 'UID':
        meta ??= box.meta(seq);
        w.uint(meta.uid);
        break;
      case 'INTERNALDATE':
        meta ??= box.meta(seq);
        writeInternalDate(meta.internalDate, w);
        break;
      case 'RFC822.SIZE':
        meta ??= box.meta(seq);
        w.uint(meta.size);
        break;
      case 'MODSEQ':
        meta ??= box.meta(seq);
        w.byte(0x28);
        w.uint(meta.modseq);
        w.byte(0x29);
        break;
      default:
        w.range(keptBufs[i] as Buffer, keptStarts[i] as number, keptEnds[i] as number);
        keptBufs[i] = null;
    }
  }
  w.byte(0x29);
  w.byte(0x0d);
  w.byte(0x0a);
  if (w.length >= KEPT_BLOCK) out.write(w.handOver());
  return true;
}
