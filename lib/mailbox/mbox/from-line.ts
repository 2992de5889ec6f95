/**
 * The mbox `From ` separator line: recognising one exactly as UW c-client does, reading its date (the message's
 * INTERNALDATE), and writing one.
 *
 * Why UW's rule: a body line that begins `From ` but was written unquoted by some other tool must not split a message
 * when it carries no date, and a separator UW accepts must split here too, or UW and we would disagree on message
 * counts (and so on UIDs). UW scans the line *backwards* from its end, because the sender part may hold unquoted
 * spaces. Accepted shapes (each optionally followed by ` remote from HOST`, smail's and Solaris' addition):
 *
 *     From user Wed Dec  2 05:53 1992               From user Wed Dec  2 05:53:22 1992
 *     From user Wed Dec  2 05:53 PST 1992           From user Wed Dec  2 05:53:22 PST 1992
 *     From user Wed Dec  2 05:53 -0700 1992         From user Wed Dec  2 05:53:22 -0700 1992
 *     From user Wed Dec  2 05:53 1992 PST           From user Wed Dec  2 05:53:22 1992 PST
 *     From user Wed Dec  2 05:53 1992 -0700         From user Wed Dec  2 05:53:22 1992 -0700
 *
 * Like UW, the check is structural (spaces and colons in the right columns); the fields are parsed afterwards.
 *
 * This module is pure: no fs, no process. Time zones of `From ` lines without one are the caller's local zone,
 * asked of the {@link ZoneOf} function passed in.
 */
import type { InternalDate } from '../driver.js';

const SP = 0x20;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const CR = 0x0d;

/** Maps a local wall-clock time (as if UTC, ms) to the local zone's offset in minutes east at that time. */
export type ZoneOf = (wallClockAsUtc: number) => number;

/** Positions found by {@link matchFromLine}, relative to the line start. */
interface FromLineShape {
  /** Index of the space before the time (`hh:mm[:ss]`). */
  readonly ti: number;
  /** Index of the space before the zone, or -1 when the line has no zone. */
  readonly zn: number;
  /** Index just past the date (before ` remote from ...` or the line end). */
  readonly end: number;
}

/**
 * UW's VALID test. `buf[start..end)` is one line without its LF (a trailing CR is allowed and ignored).
 * Returns the positions of the date's parts, or null when the line is not a message separator.
 */
function matchFromLine(buf: Uint8Array, start: number, end: number): FromLineShape | null {
  if (end - start < 5) return null;
  if (buf[start] !== 0x46 || buf[start + 1] !== 0x72 || buf[start + 2] !== 0x6f || buf[start + 3] !== 0x6d ||
      buf[start + 4] !== SP) return null;
  let x = end;
  if (x > start && buf[x - 1] === CR) x--;
  const at = (i: number): number => buf[x + i] ?? -1;
  if (x - start >= 41) {
    // Drop a trailing " remote from HOST": find the rightmost space, then look for " remote from" before it.
    let z = -1;
    while (x + z > start && at(z) !== SP) z--;
    if (matchesBackwards(buf, x + z, ' remote from')) x += z - 12;
  }
  if (x - start < 27) return null;
  let ti = 0;
  let zn = 0;
  if (at(-5) === SP) {
    // The line ends with the year.
    if (at(-8) === COLON) { zn = 0; ti = -5; }                                   // no zone
    else if (at(-9) === SP) { ti = zn = -9; }                                   // "ZZZ yyyy"
    else if (at(-11) === SP && (at(-10) === PLUS || at(-10) === MINUS)) ti = zn = -11; // "+zzzz yyyy"
  } else if (at(-4) === SP) {
    if (at(-9) === SP) { zn = -4; ti = -9; }                                     // "yyyy ZZZ"
  } else if (at(-6) === SP) {
    if (at(-11) === SP && (at(-5) === PLUS || at(-5) === MINUS)) { zn = -6; ti = -11; } // "yyyy +zzzz"
  }
  if (!ti) return null;
  // Before ti: "www mmm dd hh:mm" or "www mmm dd hh:mm:ss".
  if (at(ti - 3) !== COLON) return null;
  ti -= at(ti - 6) === COLON ? 9 : 6;
  if (at(ti) !== SP || at(ti - 3) !== SP || at(ti - 7) !== SP || at(ti - 11) !== SP) return null;
  return { ti: x + ti - start, zn: zn ? x + zn - start : -1, end: x - start };
}

function matchesBackwards(buf: Uint8Array, endExclusive: number, text: string): boolean {
  const from = endExclusive - text.length;
  if (from < 0) return false;
  for (let i = 0; i < text.length; i++) if (buf[from + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** True when `buf[start..end)` (one line, LF excluded) is a `From ` line UW would take as a message separator. */
export function isFromLine(buf: Uint8Array, start: number, end: number): boolean {
  return matchFromLine(buf, start, end) !== null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Zone abbreviations UW's date parser and common mailers know, in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, BST: 60, CET: 60, MET: 60, CEST: 120, MEST: 120, EET: 120, EEST: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540,
  AKDT: -480, HST: -600, JST: 540, KST: 540, IST: 330, NZST: 720, NZDT: 780, AEST: 600, AEDT: 660,
};

function digits(buf: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = (buf[at + i] ?? 0) - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Reads the date of a separator line. Returns null when the line is not a separator. A date whose fields do not
 * parse (the line is structurally valid, so it still separates messages, as in UW) gives the epoch.
 */
export function parseFromLine(buf: Uint8Array, start: number, end: number, localZone: ZoneOf): InternalDate | null {
  const shape = matchFromLine(buf, start, end);
  if (!shape) return null;
  const b = (i: number): number => buf[start + i] ?? 0;
  let ti = shape.ti;
  const day = digits(buf, start + ti - 2, 2) || digits(buf, start + ti - 1, 1);
  const mon = MONTHS.indexOf(String.fromCharCode(b(ti - 6), b(ti - 5), b(ti - 4)).toLowerCase());
  const hh = digits(buf, start + ti + 1, 2);
  const mm = digits(buf, start + ti + 4, 2);
  let ss = 0;
  ti += 6;
  if (b(ti) === COLON) {
    ss = digits(buf, start + ti + 1, 2);
    ti += 3;
  }
  // The year follows the time, or the zone when the zone stands before the year.
  if (shape.zn === ti) ti += b(ti + 1) === PLUS || b(ti + 1) === MINUS ? 6 : 4;
  const year = digits(buf, start + ti + 1, 4);
  if ([day, hh, mm, ss, year].some(Number.isNaN) || mon < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) {
    return { time: 0, zone: 0 };
  }
  const wall = Date.UTC(year, mon, day, hh, mm, ss);
  let zone: number | undefined;
  if (shape.zn >= 0) {
    const z0 = b(shape.zn + 1);
    if (z0 === PLUS || z0 === MINUS) {
      const hhmm = digits(buf, start + shape.zn + 2, 4);
      if (!Number.isNaN(hhmm)) zone = (z0 === MINUS ? -1 : 1) * (Math.floor(hhmm / 100) * 60 + (hhmm % 100));
    } else {
      let name = '';
      for (let i = shape.zn + 1; i < shape.end && b(i) !== SP; i++) name += String.fromCharCode(b(i));
      zone = ZONES[name.toUpperCase()];
    }
  }
  if (zone === undefined) zone = localZone(wall);
  return { time: wall - zone * 60_000, zone };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/**
 * A `From ` line (with its LF) in the form UW's append writes: `From SENDER Www Mmm dd hh:mm:ss yyyy +zzzz`, the
 * date in the message's own zone (ctime layout, day padded with a space, zone after the year as Solaris writes it).
 * `sender` must hold no LF; spaces are replaced (UW writes user@host).
 */
export function formatFromLine(sender: string, date: InternalDate): string {
  const d = new Date(date.time + date.zone * 60_000);
  const day = d.getUTCDate();
  const z = Math.abs(date.zone);
  const zone = (date.zone < 0 ? '-' : '+') + pad2(Math.floor(z / 60)) + pad2(z % 60);
  const who = sender.replace(/[\s]/g, '_') || 'MAILER-DAEMON';
  return `From ${who} ${WEEKDAYS[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${day < 10 ? ' ' : ''}${day} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()} ${zone}\n`;
}

/** The ctime() form UW's pseudo-message uses (`Www Mmm dd hh:mm:ss yyyy`, local time, no zone). */
export function ctimeString(time: number, zone: number): string {
  const d = new Date(time + zone * 60_000);
  const day = d.getUTCDate();
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${day < 10 ? ' ' : ''}${day} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
