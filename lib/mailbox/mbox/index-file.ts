/**
 * A mailbox's index kept between sessions (`index.<hash>` in the user's control directory, control-dir.ts): what a
 * scan of the mbox produced, so that the next open of an unchanged mailbox reads this instead of the mbox.
 *
 * It is only a cache of the mbox, which stays the truth: it is trusted only for the exact file it describes (device,
 * inode, size, mtime and ctime to the nanosecond, and the local zone the scan used for `From ` lines without one),
 * and anything else (another magic, another version, a size that does not add up, a checksum that fails) is not
 * used, and the mailbox is scanned as if there were none. The file is written whole under another name and renamed
 * over the old one, so a reader finds the old index or the new, never a mix; it is not fsynced (after a crash a
 * torn one fails its checksums, and costs one scan).
 *
 * Layout (little-endian):
 *
 *     0   magic "UWTSIDX\n"            8
 *     8   version (3)                  u32
 *     12  rows                         u32
 *     16  dev, ino, size               u64 each
 *     40  mtime, ctime (ns)            i64 each
 *     56  uidValidity, uidLast         u32 each
 *     64  pseudo start, end            f64 each (-1: no pseudo-message)
 *     80  header flags (1: base dirty) u32
 *     84  zone at two fixed instants   i16 each (minutes east)
 *     88  keyword table length         u32
 *     92  column count                 u32
 *     96  rows not Old or with NewUid  u32 (0: a session adds no bits to any row)
 *     100 expunged UIDs remembered     u32 (expunge-memory.ts)
 *     104 highest modification seq.    f64 (RFC 7162's HIGHESTMODSEQ)
 *     112 their horizon                f64
 *     120 CRC-32 of the expunged UIDs  u32
 *     124 reserved                     (zeros)
 *     128 per column: offset, CRC-32   u32 each
 *     .   CRC-32 of the bytes before it and of the keyword table   u32
 *     .   the keyword table: names joined by NUL (UTF-8), padded to 8 bytes
 *     .   the columns, in message-index.ts's COLUMNS order, `rows` entries each, each padded to 8 bytes
 *     .   the expunged UIDs, oldest first: UID u32, 0 u32, modification sequence f64
 *
 * The first columns (HOT_COLUMNS: UIDs, keywords, flags, bits) are read and checked at open; every other column
 * when first used, checked then. A later column that fails its check is rebuilt by the caller from the mbox
 * (`repair`), which still holds the rows the file described.
 */
import {
  closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, renameSync, statSync, type Stats, writeSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import { readInto } from './byte-source.js';
import { flockOp } from '../../lock/fs-ext.js';
import {
  type AnyColumn, Bit, COLUMN_NAMES, COLUMNS, type ColumnName, HOT_COLUMNS, MessageIndex,
} from './message-index.js';
import type { Snapshot } from './mailbox-state.js';
import { ExpungeMemory } from './expunge-memory.js';

const MAGIC = Buffer.from('UWTSIDX\n', 'latin1');
// 3: the `saved` column (RFC 8514's save date). An index of an earlier version is not read (headerBytes) and the
// mailbox is scanned as if there were none: its messages' save dates are then unknown (0), as for mail a scan finds.
const VERSION = 3;
const FIXED = 128;
const HEADER = FIXED + COLUMN_NAMES.length * 8 + 4;
/** The row bits that describe the file; the others are a session's (reconcile.ts's sessionBits adds them back). */
const FILE_BITS = Bit.Old | Bit.Verbatim | Bit.Quoted | Bit.NewUid;
/** The two instants whose local zone is recorded: an index made under another TZ dated zone-less `From ` lines otherwise. */
const ZONE_PROBES = [Date.UTC(2024, 0, 15), Date.UTC(2024, 6, 15)];

/** What an index holds besides the rows. */
interface IndexBase {
  uidValidity: number;
  uidLast: number;
  keywords: string[];
}

export interface IndexImage {
  /** The mbox the index describes. */
  snap: Snapshot;
  idx: MessageIndex;
  base: IndexBase;
  pseudo: { start: number; end: number } | null;
  baseDirty: boolean;
  highestModseq: number;
  /** UIDs expunged, for QRESYNC's VANISHED. */
  expunged: ExpungeMemory;
}

/** An index read from its file, with its unread columns still to come (see {@link readIndex}). */
export interface LoadedIndex extends IndexImage {
  /** Which file of that name was read ({@link savedVersion}): a later look can tell whether it was replaced since. */
  version: string;
  /** No row is new (without Old) or has a UID of ours: a session adds no bits to any (reconcile.ts's sessionBits). */
  settled: boolean;
  /** Closes the index file if columns are still unread (a mailbox's close). */
  release(): void;
}

/** The local zones recorded in an index (see ZONE_PROBES). */
export function zoneProbe(zoneAt: (time: number) => number): [number, number] {
  return [zoneAt(ZONE_PROBES[0] as number), zoneAt(ZONE_PROBES[1] as number)];
}

const pad8 = (n: number): number => (n + 7) & ~7;

function columnBytes(name: ColumnName, rows: number): number {
  return rows * COLUMNS[name].BYTES_PER_ELEMENT;
}

/** The bytes of an index file for `image` (whose rows hold no session state: see FILE_BITS). */
export function encodeIndex(image: IndexImage, zones: [number, number]): Buffer {
  const { idx, snap, base, pseudo } = image;
  const rows = idx.length;
  const kw = Buffer.from(base.keywords.join('\0'), 'utf8');
  let at = HEADER + pad8(kw.length);
  const offsets: number[] = [];
  for (const k of COLUMN_NAMES) {
    offsets.push(at);
    at += pad8(columnBytes(k, rows));
  }
  const gone = image.expunged.entries();
  const goneAt = at;
  const out = Buffer.alloc(at + gone.length * 16);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(VERSION, 8);
  out.writeUInt32LE(rows, 12);
  out.writeBigUInt64LE(snap.dev, 16);
  out.writeBigUInt64LE(snap.ino, 24);
  out.writeBigUInt64LE(BigInt(snap.size), 32);
  out.writeBigInt64LE(snap.mtimeNs, 40);
  out.writeBigInt64LE(snap.ctimeNs, 48);
  out.writeUInt32LE(base.uidValidity, 56);
  out.writeUInt32LE(base.uidLast, 60);
  out.writeDoubleLE(pseudo ? pseudo.start : -1, 64);
  out.writeDoubleLE(pseudo ? pseudo.end : -1, 72);
  out.writeUInt32LE(image.baseDirty ? 1 : 0, 80);
  out.writeInt16LE(zones[0], 84);
  out.writeInt16LE(zones[1], 86);
  out.writeUInt32LE(kw.length, 88);
  out.writeUInt32LE(COLUMN_NAMES.length, 92);
  out.writeDoubleLE(image.highestModseq, 104);
  out.writeUInt32LE(gone.length, 100);
  out.writeDoubleLE(image.expunged.horizon, 112);
  gone.forEach((g, i) => {
    out.writeUInt32LE(g.uid, goneAt + i * 16);
    out.writeDoubleLE(g.modseq, goneAt + i * 16 + 8);
  });
  out.writeUInt32LE(crc32(out.subarray(goneAt)), 120);
  kw.copy(out, HEADER);
  COLUMN_NAMES.forEach((k, i) => {
    const col = idx.column(k);
    const bytes = Buffer.from(col.buffer, col.byteOffset, columnBytes(k, rows));
    const o = offsets[i] as number;
    bytes.copy(out, o);
    if (k === 'bits') {
      let unsettled = 0;
      for (let r = 0; r < rows; r++) {
        const b = (out[o + r] as number) & FILE_BITS;
        out[o + r] = b;
        if ((b & (Bit.Old | Bit.NewUid)) !== Bit.Old) unsettled++;
      }
      out.writeUInt32LE(unsettled, 96);
    }
    out.writeUInt32LE(o, FIXED + i * 8);
    out.writeUInt32LE(crc32(out.subarray(o, o + bytes.length)), FIXED + i * 8 + 4);
  });
  out.writeUInt32LE(headerCrc(out, kw.length), HEADER - 4);
  return out;
}

function headerCrc(buf: Buffer, kwLength: number): number {
  return crc32(buf.subarray(HEADER, HEADER + kwLength), crc32(buf.subarray(0, HEADER - 4)));
}

/**
 * Writes an index file at `path` (see the module comment): into `<path>.new`, renamed over `path`. Only one
 * writer at a time (flock on the new file); when another holds it, returns false having written nothing.
 */
export async function writeIndex(path: string, data: Buffer): Promise<boolean> {
  const tmp = `${path}.new`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await flockOp(fd, 'exnb');
    } catch {
      return false;
    }
    // Another writer may have renamed the file we opened into place since: then it is the live index.
    if (fstatSync(fd).ino !== lstatSync(tmp).ino) return false;
    ftruncateSync(fd, 0);
    for (let o = 0; o < data.length;) o += writeSync(fd, data, o, data.length - o, o);
    renameSync(tmp, path);
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the index at `path` when it describes the file `file` (its device and inode; the caller compares the rest of
 * the snapshot) under the zones `zones`: the header, the keyword table and the hot columns now, the rest when first
 * used. Gives why instead when there is none or it cannot be trusted. `repair(name)` gives a column whose stored
 * bytes fail their check (see the module comment). `wanted`, when given, is asked first whether an index of the
 * file in the state it describes, with that HIGHESTMODSEQ, is of use (a caller that only takes some states then
 * reads no column of others).
 */
export function readIndex(path: string, file: { dev: bigint; ino: bigint }, zones: [number, number],
  repair: (name: ColumnName) => AnyColumn, wanted?: (described: Snapshot, highestModseq: number) => boolean):
  { index: LoadedIndex } | { why: string; highestModseq?: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    return { why: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : String(e) };
  }
  let keep = false;
  try {
    const r = readHeader(fd, file, zones);
    if ('why' in r) return r;
    if (wanted && !wanted(r.image.snap, r.image.highestModseq)) return { why: 'another state of the file', highestModseq: r.image.highestModseq };
    const { rows, offsets, crcs, image } = r;
    const gone = Buffer.alloc(r.expunged.count * 16);
    if (readInto(fd, gone, 0, gone.length, r.expunged.at) !== gone.length || crc32(gone) !== r.expunged.crc) {
      return { why: 'expunged UIDs fail their check' };
    }
    const expunged = new ExpungeMemory(r.expunged.horizon);
    for (let i = 0; i < r.expunged.count; i++) expunged.add(gone.readUInt32LE(i * 16), gone.readDoubleLE(i * 16 + 8));
    const given: Partial<Record<ColumnName, AnyColumn>> = {};
    const readColumn = (k: ColumnName): AnyColumn | null => {
      const i = COLUMN_NAMES.indexOf(k);
      const len = columnBytes(k, rows);
      // A buffer of its own: the typed array then starts at offset 0 of it, aligned for any kind.
      const buf = Buffer.allocUnsafeSlow(Math.max(8, len));
      if (readInto(fd, buf, 0, len, offsets[i] as number) !== len) return null;
      if (crc32(buf.subarray(0, len)) !== crcs[i]) return null;
      return new COLUMNS[k](buf.buffer, 0, rows);
    };
    for (const k of HOT_COLUMNS) {
      const col = readColumn(k);
      if (col === null) return { why: `column ${k} fails its check` };
      given[k] = col;
    }
    let unread = COLUMN_NAMES.length - HOT_COLUMNS.length;
    let open = true;
    const release = (): void => {
      if (open) closeSync(fd);
      open = false;
    };
    const idx = MessageIndex.fromColumns(rows, given, (k) => {
      const col = open ? readColumn(k) : null;
      if (--unread === 0) release();
      return col ?? repair(k);
    });
    keep = unread > 0;
    return { index: { ...image, expunged, idx, release, settled: r.unsettled === 0, version: r.version } };
  } catch (e) {
    return { why: String(e) };
  } finally {
    if (!keep) closeSync(fd);
  }
}

function readHeader(fd: number, file: { dev: bigint; ino: bigint }, zones: [number, number]):
  {
    rows: number; unsettled: number; offsets: number[]; crcs: number[]; version: string;
    expunged: { at: number; count: number; horizon: number; crc: number }; image: Omit<IndexImage, 'idx' | 'expunged'>;
  } |
  { why: string; highestModseq?: number } {
  const st = fstatSync(fd);
  const size = st.size;
  const h = headerBytes(fd, size);
  if ('why' in h) return h;
  const { all: head, kwLength } = h;
  const rows = head.readUInt32LE(12);
  const offsets: number[] = [];
  const crcs: number[] = [];
  let at = HEADER + pad8(kwLength);
  for (let i = 0; i < COLUMN_NAMES.length; i++) {
    const o = head.readUInt32LE(FIXED + i * 8);
    if (o !== at) return { why: 'columns out of place' };
    offsets.push(o);
    crcs.push(head.readUInt32LE(FIXED + i * 8 + 4));
    at += pad8(columnBytes(COLUMN_NAMES[i] as ColumnName, rows));
  }
  const expunged = { at, count: head.readUInt32LE(100), horizon: head.readDoubleLE(112), crc: head.readUInt32LE(120) };
  if (at + expunged.count * 16 !== size) return { why: `size ${size}, not ${at + expunged.count * 16}` };
  const described: Snapshot = {
    dev: head.readBigUInt64LE(16), ino: head.readBigUInt64LE(24), size: Number(head.readBigUInt64LE(32)),
    mtimeNs: head.readBigInt64LE(40), ctimeNs: head.readBigInt64LE(48),
  };
  const highestModseq = head.readDoubleLE(104);
  if (described.dev !== file.dev || described.ino !== file.ino) return { why: 'another file', highestModseq };
  if (head.readInt16LE(84) !== zones[0] || head.readInt16LE(86) !== zones[1]) return { why: 'made in another time zone' };
  const pStart = head.readDoubleLE(64);
  const kwText = head.subarray(HEADER).toString('utf8');
  return {
    rows, unsettled: head.readUInt32LE(96), offsets, crcs, expunged, version: versionOf(st),
    image: {
      snap: described,
      base: {
        uidValidity: head.readUInt32LE(56), uidLast: head.readUInt32LE(60),
        keywords: kwText === '' ? [] : kwText.split('\0'),
      },
      pseudo: pStart < 0 ? null : { start: pStart, end: head.readDoubleLE(72) },
      baseDirty: (head.readUInt32LE(80) & 1) !== 0,
      highestModseq,
    },
  };
}

/**
 * Which file the index at `path` is now (its inode, size and mtime: an index is written under another name and
 * renamed into place, so a new one is another inode), as {@link LoadedIndex.version} says of one read; null: none.
 */
export function savedVersion(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? null : versionOf(st);
}

function versionOf(st: Stats): string {
  return `${st.ino} ${st.size} ${st.mtimeMs}`;
}

/** The header and keyword table of the index open at `fd` (`size` bytes), checked (magic, version, checksum). */
function headerBytes(fd: number, size: number): { all: Buffer; kwLength: number } | { why: string } {
  const head = Buffer.alloc(HEADER);
  if (size < HEADER || readInto(fd, head, 0, HEADER, 0) !== HEADER) return { why: 'truncated' };
  if (!head.subarray(0, 8).equals(MAGIC)) return { why: 'not an index' };
  if (head.readUInt32LE(8) !== VERSION) return { why: `version ${head.readUInt32LE(8)}` };
  if (head.readUInt32LE(92) !== COLUMN_NAMES.length) return { why: 'other columns' };
  const kwLength = head.readUInt32LE(88);
  if (HEADER + kwLength > size) return { why: 'truncated' };
  const all = Buffer.alloc(HEADER + kwLength);
  head.copy(all);
  if (readInto(fd, all, HEADER, kwLength, HEADER) !== kwLength) return { why: 'truncated' };
  if (headerCrc(all, kwLength) !== all.readUInt32LE(HEADER - 4)) return { why: 'header fails its check' };
  return { all, kwLength };
}
