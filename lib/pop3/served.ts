/**
 * A message as POP3 serves it, compatible with UW ipop3d where clients can tell: UW's `Status:` line added to the
 * header (its octets counted in STAT, LIST and RETR sizes) and the unique id UIDL gives.
 */
import { hex8, type NumberedLines } from '../io/numbered-lines.js';
import type { Maildrop } from './maildrop.js';
import type { Pop3Options } from './session.js';

const STATUS_LEN = 'Status: RO\r\n'.length;

/** Octets as sent: the message with CRLF, plus UW's Status: line when it is added (before dot-stuffing). */
export function servedSize(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'statusHeader'>): number {
  return drop.size(i) + (opts.statusHeader ? STATUS_LEN : 0);
}

/** STAT's answer: the messages not marked deleted, and their octets as {@link servedSize} counts them. */
export function servedTotal(drop: Maildrop, opts: Pick<Pop3Options, 'statusHeader'>): { count: number; octets: number } {
  const s = drop.stat();
  return { count: s.count, octets: s.octets + s.count * (opts.statusHeader ? STATUS_LEN : 0) };
}

/**
 * UIDL's unique id: UW's `%08lx%08lx` of UIDVALIDITY and UID, or Dovecot's UID then UIDVALIDITY in upper case.
 * {@link uniqueIdLines} gives the same ids for every message.
 */
export function uniqueId(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'uidlFormat'>): string {
  const uw = opts.uidlFormat === 'uw';
  const v = hex8(drop.uidValidity, !uw);
  const u = hex8(drop.uid(i), !uw);
  return uw ? v + u : u + v;
}

/** UIDL's listing of every message: {@link uniqueId}'s ids as numbered lines. */
export function uniqueIdLines(drop: Maildrop, opts: Pick<Pop3Options, 'uidlFormat'>): ListingValues {
  const uw = opts.uidlFormat === 'uw';
  const v = hex8(drop.uidValidity, !uw);
  return uw ? { values: drop.uids(), form: 'hex', before: v } : { values: drop.uids(), form: 'HEX', after: v };
}

/** LIST's listing of every message: {@link servedSize}'s sizes as numbered lines. */
export function servedSizeLines(drop: Maildrop, opts: Pick<Pop3Options, 'statusHeader'>): ListingValues {
  return { values: drop.sizes(), form: 'decimal', add: opts.statusHeader ? STATUS_LEN : 0 };
}

/** A listing's values, one per message (the lines of messages marked deleted are left out when it is written). */
export type ListingValues = Omit<NumberedLines, 'skip'>;

/** The header as RETR/TOP send it: UW's Status: line before the empty line ending the header. */
export async function servedHeader(drop: Maildrop, i: number, opts: Pick<Pop3Options, 'statusHeader'>): Promise<Buffer> {
  const h = await drop.header(i);
  if (!opts.statusHeader) return h;
  const m = drop.meta(i);
  const status = `Status: ${m.flags & 1 ? 'R' : ' '}${m.recent ? ' ' : 'O'}\r\n`;
  const ends = h.length >= 2 && h[h.length - 2] === 0x0d && h[h.length - 1] === 0x0a;
  const blank = h.length >= 4 && h.subarray(h.length - 4).toString('latin1') === '\r\n\r\n';
  if (blank || (h.length === 2 && ends)) {
    return Buffer.concat([h.subarray(0, h.length - 2), Buffer.from(status, 'latin1'), Buffer.from('\r\n')]);
  }
  // No empty line after the header (a header-only message): end the header, then the status line.
  return Buffer.concat([h, Buffer.from(ends ? '' : '\r\n'), Buffer.from(status, 'latin1')]);
}
