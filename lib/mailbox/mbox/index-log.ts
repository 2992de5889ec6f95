/**
 * The change log beside a saved index (`index.<hash>.log`, next to index-file.ts's file): what our own writers
 * changed in place since, one record per write, so that the other sessions of the user (and the next open, from
 * the saved index) follow the change without scanning the mbox again.
 *
 * A record says: the mbox that was exactly this file (device, inode, size, mtime, ctime) became exactly that one,
 * and only these messages' flags, keywords and metadata blocks changed, in place (nothing moved, nothing came or
 * went). It is valid for anyone whose index describes the first file, whichever session wrote it, so a reader
 * applies the records that follow on from its own snapshot, in order, and stops at the first that does not (or
 * that fails its check: a writer killed part way). Anything else a writer does (a rewrite that moves messages, an
 * expunge, an append) is not logged: the file then matches no record, and readers look at the mbox as before.
 *
 * Records are appended under the mailbox's write locks; the log is replaced by an empty one (written under another
 * name and renamed) when a new index is saved, and read under the read locks.
 *
 * Layout (little-endian): a header "UWTSLOG\n" (8 bytes), then records:
 *
 *     length u32 (the whole record), CRC-32 u32 (of what follows it)
 *     from: dev, ino, size u64; mtime, ctime i64      to: the same
 *     keyword table length u32, row count u32, the keyword table (names joined by NUL, UTF-8, padded to 4 bytes)
 *     per row (24 bytes): UID u32, keyword mask u32, metadata hash u32, flags u8, seen by a session (`O`) u8, 0 u16,
 *                         modification sequence f64
 */
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { readInto } from './byte-source.js';
import type { Snapshot } from './mailbox-state.js';

const MAGIC = Buffer.from('UWTSLOG\n', 'latin1');
const FIXED = 8 + 80 + 8;
const ROW = 24;

export interface LoggedRow {
  uid: number;
  keywords: number;
  metaHash: number;
  flags: number;
  old: boolean;
  modseq: number;
}

export interface LogRecord {
  from: Snapshot;
  to: Snapshot;
  /** The writer's keyword table, which the rows' masks index. */
  keywords: string[];
  rows: LoggedRow[];
}

/** Where a reader is in a log: the file (its inode) and the offset after the last record it took. */
export interface LogPlace {
  ino: bigint;
  pos: number;
}

function putSnap(b: Buffer, at: number, s: Snapshot): void {
  b.writeBigUInt64LE(s.dev, at);
  b.writeBigUInt64LE(s.ino, at + 8);
  b.writeBigUInt64LE(BigInt(s.size), at + 16);
  b.writeBigInt64LE(s.mtimeNs, at + 24);
  b.writeBigInt64LE(s.ctimeNs, at + 32);
}

function getSnap(b: Buffer, at: number): Snapshot {
  return {
    dev: b.readBigUInt64LE(at), ino: b.readBigUInt64LE(at + 8), size: Number(b.readBigUInt64LE(at + 16)),
    mtimeNs: b.readBigInt64LE(at + 24), ctimeNs: b.readBigInt64LE(at + 32),
  };
}

function encodeRecord(rec: LogRecord): Buffer {
  const kw = Buffer.from(rec.keywords.join('\0'), 'utf8');
  const kwPadded = (kw.length + 3) & ~3;
  const out = Buffer.alloc(FIXED + kwPadded + rec.rows.length * ROW);
  out.writeUInt32LE(out.length, 0);
  putSnap(out, 8, rec.from);
  putSnap(out, 48, rec.to);
  out.writeUInt32LE(kw.length, 88);
  out.writeUInt32LE(rec.rows.length, 92);
  kw.copy(out, FIXED);
  let at = FIXED + kwPadded;
  for (const r of rec.rows) {
    out.writeUInt32LE(r.uid >>> 0, at);
    out.writeUInt32LE(r.keywords >>> 0, at + 4);
    out.writeUInt32LE(r.metaHash >>> 0, at + 8);
    out[at + 12] = r.flags;
    out[at + 13] = r.old ? 1 : 0;
    out.writeDoubleLE(r.modseq, at + 16);
    at += ROW;
  }
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** The record at `at` of `b`, or null when there is none whole and sound there. */
function decodeRecord(b: Buffer, at: number): { rec: LogRecord; end: number } | null {
  if (at + FIXED > b.length) return null;
  const len = b.readUInt32LE(at);
  if (len < FIXED || at + len > b.length) return null;
  const r = b.subarray(at, at + len);
  if (crc32(r.subarray(8)) !== r.readUInt32LE(4)) return null;
  const kwLength = r.readUInt32LE(88);
  const count = r.readUInt32LE(92);
  const kwPadded = (kwLength + 3) & ~3;
  if (FIXED + kwPadded + count * ROW !== len) return null;
  const kwText = r.subarray(FIXED, FIXED + kwLength).toString('utf8');
  const rows: LoggedRow[] = [];
  for (let i = 0, o = FIXED + kwPadded; i < count; i++, o += ROW) {
    rows.push({
      uid: r.readUInt32LE(o), keywords: r.readUInt32LE(o + 4), metaHash: r.readUInt32LE(o + 8),
      flags: r[o + 12] as number, old: r[o + 13] === 1, modseq: r.readDoubleLE(o + 16),
    });
  }
  return {
    rec: { from: getSnap(r, 8), to: getSnap(r, 48), keywords: kwText === '' ? [] : kwText.split('\0'), rows },
    end: at + len,
  };
}

/**
 * Replaces the log at `path` with an empty one (a new index was saved). Returns its place, or null when another
 * process was replacing it at the same moment (see index-file.ts's writeIndex, whose way this follows).
 */
export function emptyLog(path: string): LogPlace | null {
  const tmp = `${path}.new`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, MAGIC, 0, MAGIC.length, 0);
    const ino = fstatSync(fd, { bigint: true }).ino;
    renameSync(tmp, path);
    return { ino, pos: MAGIC.length };
  } catch {
    // Renamed into place by the other one first: its log is as good.
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Appends `rec` to the log at `path` (which must exist: one is made with each saved index). Caller holds the write locks. */
export function appendRecord(path: string, rec: LogRecord): LogPlace | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const data = encodeRecord(rec);
    for (let o = 0; o < data.length;) o += writeSync(fd, data, o, data.length - o);
    const st = fstatSync(fd, { bigint: true });
    return { ino: st.ino, pos: Number(st.size) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The records of the log at `path` from `place` on (from its start when the log is another file than the one
 * `place` names), with the place after each; stops at the end or at the first record not whole and sound.
 */
export function readRecords(path: string, place: LogPlace | null): { rec: LogRecord; place: LogPlace }[] {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return [];
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const from = place !== null && place.ino === st.ino ? place.pos : MAGIC.length;
    const size = Number(st.size);
    if (size <= from) return [];
    const head = Buffer.alloc(MAGIC.length);
    if (readSync(fd, head, 0, head.length, 0) !== head.length || !head.equals(MAGIC)) return [];
    const b = Buffer.alloc(size - from);
    const got = readInto(fd, b, 0, b.length, from);
    const out: { rec: LogRecord; place: LogPlace }[] = [];
    for (let at = 0; ;) {
      const d = decodeRecord(b.subarray(0, got), at);
      if (d === null) break;
      at = d.end;
      out.push({ rec: d.rec, place: { ino: st.ino, pos: from + at } });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

