/**
 * The date a message says it was written: RFC 5322 §3.3 `date-time` in the Date: field, read leniently. SEARCH
 * SENTBEFORE/SENTON/SENTSINCE take its day, SORT DATE and THREAD its instant.
 *
 * PURE: no fs, net or process.
 */
import type { SearchDate } from '../values/search-key.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 5322 §4.3 obs-zone names, with their offsets in minutes. Military letters are "0000" per §4.3. */
const ZONES: ReadonlyMap<string, number> = new Map([
  ['ut', 0],
  ['utc', 0],
  ['gmt', 0],
  ['z', 0],
  ['est', -300],
  ['edt', -240],
  ['cst', -360],
  ['cdt', -300],
  ['mst', -420],
  ['mdt', -360],
  ['pst', -480],
  ['pdt', -420],
]);

/** A date as written in a message: the calendar day and time in the writer's zone, and the instant it denotes. */
export interface MessageDate extends SearchDate {
  /** The instant, ms since the epoch UTC (the zone applied; a missing time is 00:00). */
  readonly time: number;
  /** The zone offset in minutes east of UTC (0 when absent or unknown). */
  readonly zone: number;
}

/**
 * Parses an RFC 5322 `date-time` leniently (RFC 5322 §3.3 and the §4.3 obsolete forms): optional day of week,
 * comments, 2- and 3-digit years ("If a two digit year is encountered whose value is between 00 and 49, the year is
 * interpreted by adding 2000 ... 50 and 99 ... adding 1900"; three digits: add 1900), obsolete zone names, missing
 * seconds, and the asctime order `Mon Jan  2 15:04:05 2006` some software writes. Returns undefined when no day,
 * month and year can be found, or the day or the time of day does not exist (a leap second, :60, is let in).
 */
export function parseMessageDate(text: string): MessageDate | undefined {
  let s = text;
  // Strip comments, innermost first (RFC 5322 CFWS may nest).
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\([^()]*\)/g, ' ');
  }
  const tokens = s
    .trim()
    .split(/[\s,]+/)
    .filter((t) => t.length > 0);
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  let hms: [number, number, number] | undefined;
  let zone: number | undefined;
  for (const tok of tokens) {
    const lower = tok.toLowerCase();
    if (/^\d{1,2}-[a-z]{3}-\d{2,4}$/i.test(tok)) {
      // `1-Jan-2024` (IMAP's own date form, seen in the wild).
      const [d, mon, y] = tok.split('-');
      day = Number(d);
      month = MONTHS.indexOf((mon ?? '').toLowerCase()) + 1 || undefined;
      year = Number(y);
    } else if (/^\d{1,2}:\d{1,2}(:\d{1,2})?$/.test(tok) && hms === undefined) {
      const [h, m, sec] = tok.split(':').map(Number);
      hms = [h ?? 0, m ?? 0, sec ?? 0];
    } else if (/^[+-]\d{4}$/.test(tok) && zone === undefined) {
      const sign = tok.startsWith('-') ? -1 : 1;
      zone = sign * (Number(tok.slice(1, 3)) * 60 + Number(tok.slice(3, 5)));
    } else if (/^\d+$/.test(tok)) {
      if (day === undefined && tok.length <= 2 && month === undefined) day = Number(tok);
      else if (day === undefined && tok.length <= 2 && year === undefined && month !== undefined && hms === undefined) day = Number(tok);
      else if (year === undefined) year = Number(tok) + (tok.length === 2 ? (Number(tok) < 50 ? 2000 : 1900) : tok.length === 3 ? 1900 : 0);
    } else if (month === undefined && lower.length >= 3 && MONTHS.includes(lower.slice(0, 3)) && /^[a-z]+\.?$/.test(lower)) {
      month = MONTHS.indexOf(lower.slice(0, 3)) + 1;
    } else if (zone === undefined && ZONES.has(lower)) {
      zone = ZONES.get(lower);
    }
  }
  if (day === undefined || month === undefined || year === undefined) return undefined;
  if (day < 1 || day > 31) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day) return undefined;
  const [h, m, sec] = hms ?? [0, 0, 0];
  if (h > 23 || m > 59 || sec > 60) return undefined;
  const z = zone ?? 0;
  const time = Date.UTC(year, month - 1, day, h, m, sec) - z * 60_000;
  return { year, month, day, time, zone: z };
}
