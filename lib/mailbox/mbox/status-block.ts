/**
 * The metadata headers we write, byte for byte as UW c-client writes them (unix.c), so UW imapd, Pine/Alpine and
 * Dovecot keep the same UIDs and flags after we write a file, and we after they do.
 *
 * Per message, at the end of the header, just before its empty line:
 *
 *     X-IMAPbase: 1700000000 42 keyword1 keyword2     (first message only, when there is no pseudo-message)
 *     Status: RO                                      (R = \Seen, O = seen by a session: not \Recent)
 *     X-Status: DFAT                                  (\Deleted \Flagged \Answered \Draft)
 *     X-Keywords: keyword1                            (padded with spaces, see below)
 *     X-UID: 17
 *
 * UW pads the `X-Keywords:` line with spaces so that everything from the block's start to the end of that line is at
 * least 50 bytes (80 with an X-IMAPbase line): setting or clearing a flag then changes no size, and the block is
 * rewritten in place without moving any other byte of the file. The numbers in X-IMAPbase are unpadded; in the
 * pseudo-message's X-IMAP they are ten digits with leading zeros.
 */
import type { InternalDate } from '../driver.js';
import { Flag } from '../driver.js';
import { ctimeString } from './from-line.js';

export interface BaseInfo {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
}

export interface BlockFields {
  readonly flags: number;
  /** Write `O` in Status: (the message is no longer \Recent for other sessions). */
  readonly old: boolean;
  readonly keywords: readonly string[];
  readonly uid: number;
  /** Write an X-IMAPbase line first (first message of a file without a pseudo-message). */
  readonly base: BaseInfo | null;
}

/**
 * The metadata block, lines ending in LF, without the header's empty line. Latin-1/ASCII text.
 *
 * With `size`, the X-Keywords padding makes the block exactly `size` bytes when it fits in that many (a rewrite
 * then keeps a block's old size, or takes back bytes the block before it grew by, so the rest of the file does not
 * move: see writeLocked in write-back.ts); otherwise, and without `size`, UW's padding.
 */
export function formatStatusBlock(f: BlockFields, size?: number): string {
  let s = '';
  let pad = 50;
  if (f.base) {
    s += `X-IMAPbase: ${f.base.uidValidity} ${f.base.uidLast}`;
    for (const k of f.base.keywords) s += ' ' + k;
    s += '\n';
    pad += 30;
  }
  s += 'Status: ' + (f.flags & Flag.Seen ? 'R' : '') + (f.old ? 'O' : '') + '\n';
  s += 'X-Status: ' + (f.flags & Flag.Deleted ? 'D' : '') + (f.flags & Flag.Flagged ? 'F' : '') +
    (f.flags & Flag.Answered ? 'A' : '') + (f.flags & Flag.Draft ? 'T' : '') + '\n';
  s += 'X-Keywords:';
  for (const k of f.keywords) s += ' ' + k;
  const tail = `\nX-UID: ${f.uid}\n`;
  if (size !== undefined && s.length + tail.length <= size) return s + ' '.repeat(size - s.length - tail.length) + tail;
  if (s.length < pad) s += ' '.repeat(pad - s.length);
  return s + tail;
}

const PSEUDO_FROM = 'MAILER-DAEMON';
const PSEUDO_NAME = 'Mail System Internal Data';
const PSEUDO_SUBJECT = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";
const PSEUDO_TEXT =
  'This text is part of the internal format of your mail folder, and is not\n' +
  'a real message.  It is created automatically by the mail system software.\n' +
  'If deleted, important folder data will be lost, and it will be re-created\n' +
  'with the data reset to initial values.\n';

const pad10 = (n: number): string => String(n).padStart(10, '0');
const pad2 = (n: number): string => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 5322 date (`Sat, 21 Nov 2026 21:33:13 +0000`). */
function rfc5322Date(date: InternalDate): string {
  const d = new Date(date.time + date.zone * 60_000);
  const z = Math.abs(date.zone);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    `${date.zone < 0 ? '-' : '+'}${pad2(Math.floor(z / 60))}${pad2(z % 60)}`;
}

/**
 * UW's pseudo-message ("DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA") that carries the mailbox's UID data
 * in a file with no mail, and in files UW created. Includes the separator empty line at its end.
 */
export function formatPseudoMessage(base: BaseInfo, now: InternalDate, hostname: string): string {
  let s = `From ${PSEUDO_FROM} ${ctimeString(now.time, now.zone)}\n` +
    `Date: ${rfc5322Date(now)}\n` +
    `From: ${PSEUDO_NAME} <${PSEUDO_FROM}@${hostname}>\n` +
    `Subject: ${PSEUDO_SUBJECT}\n` +
    `Message-ID: <${Math.floor(now.time / 1000)}@${hostname}>\n` +
    `X-IMAP: ${pad10(base.uidValidity)} ${pad10(base.uidLast)}`;
  for (const k of base.keywords) s += ' ' + k;
  s += '\nStatus: RO\n\n' + PSEUDO_TEXT + '\n';
  return s;
}
