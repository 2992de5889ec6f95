/**
 * IMAP's `date-time` (RFC 3501 §9) as FETCH writes INTERNALDATE and SAVEDATE (RFC 8514): as a string, and straight
 * into a {@link ByteWriter} without making strings, for the writers of fetch-writer.ts and fetch-kept.ts.
 */
import type { InternalDate } from '../mailbox/driver.js';
import type { ByteWriter } from '../wire/encode.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE` with
 * `date-day-fixed = (SP DIGIT) / 2DIGIT` (RFC 3501 §9), in the message's own zone (as UW keeps it).
 */
export function formatInternalDate(d: InternalDate): string {
  const t = new Date(d.time + d.zone * 60_000);
  const day = t.getUTCDate();
  const z = Math.abs(d.zone);
  return `"${day < 10 ? ' ' : ''}${day}-${MONTHS[t.getUTCMonth()] ?? 'Jan'}-${String(t.getUTCFullYear()).padStart(4, '0')} ` +
    `${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())} ` +
    `${d.zone < 0 ? '-' : '+'}${pad2(Math.floor(z / 60))}${pad2(z % 60)}"`;
}

/**
 * {@link formatInternalDate} written into `w` without making strings (FETCH 1:* INTERNALDATE does it per message):
 * the civil date is worked out from the day number (H. Hinnant's days_from_civil inverse), the same as Date's UTC
 * fields for every date of years 0 to 9999; anything else (fractions, other years) goes through the string form.
 */
export function writeInternalDate(d: InternalDate, w: ByteWriter): void {
  const t = d.time + d.zone * 60_000;
  const z = Math.abs(d.zone);
  if (!Number.isSafeInteger(t) || !Number.isInteger(d.zone) || z >= 6000) {
    w.text(formatInternalDate(d));
    return;
  }
  const days = Math.floor(t / 86_400_000);
  const secs = Math.floor((t - days * 86_400_000) / 1000);
  const zd = days + 719_468;
  const era = Math.floor(zd / 146_097);
  const doe = zd - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) {
    w.text(formatInternalDate(d));
    return;
  }
  w.room(28);
  const b = w.buf;
  let o = w.length;
  b[o++] = 0x22;
  b[o++] = day < 10 ? 0x20 : 0x30 + Math.floor(day / 10);
  b[o++] = 0x30 + (day % 10);
  b[o++] = 0x2d;
  const mon = MONTHS[month - 1] ?? 'Jan';
  b[o++] = mon.charCodeAt(0);
  b[o++] = mon.charCodeAt(1);
  b[o++] = mon.charCodeAt(2);
  b[o++] = 0x2d;
  b[o++] = 0x30 + Math.floor(year / 1000);
  b[o++] = 0x30 + (Math.floor(year / 100) % 10);
  b[o++] = 0x30 + (Math.floor(year / 10) % 10);
  b[o++] = 0x30 + (year % 10);
  b[o++] = 0x20;
  o = two(b, o, Math.floor(secs / 3600));
  b[o++] = 0x3a;
  o = two(b, o, Math.floor(secs / 60) % 60);
  b[o++] = 0x3a;
  o = two(b, o, secs % 60);
  b[o++] = 0x20;
  b[o++] = d.zone < 0 ? 0x2d : 0x2b;
  o = two(b, o, Math.floor(z / 60));
  o = two(b, o, z % 60);
  b[o++] = 0x22;
  w.length = o;
}

/** Two decimal digits of `n` (0-99) at b[o]; returns the offset after them. */
function two(b: Buffer, o: number, n: number): number {
  b[o] = 0x30 + Math.floor(n / 10);
  b[o + 1] = 0x30 + (n % 10);
  return o + 2;
}
