/**
 * A deterministic generator of a realistic Unix mbox, for benchmarks (bench/mbox-open.ts) and tests.
 *
 * Same options, same bytes: every random choice comes from one seeded mulberry32 stream, dates are computed in UTC
 * from a fixed start, and nothing reads the clock, the locale or the environment. The file is written through a
 * stream in ~1 MB chunks, so a 550 MB mailbox never sits in memory.
 *
 * What the file looks like, and why:
 * - Each message starts with a `From sender@domain Wed Dec  2 05:53:22 1992` line (asctime date, day padded with a
 *   space, dates increasing), and is followed by one empty line, as UW's unix driver and the usual delivery agents
 *   write it; so the file ends with "\n\n".
 * - Headers as a real delivery leaves them: Return-Path, 2-3 folded Received lines, Date with a zone, From (display
 *   names, some as RFC 2047 encoded-words), To, sometimes Cc, Subject (Re:/Fwd:, some encoded-words), Message-ID,
 *   In-Reply-To/References for replies in threads, MIME headers, sometimes mailing-list headers.
 * - Bodies of 1-20 KB of content skewed toward small (about 5.5 KB a message on average with headers): ~60% text/plain (7bit,
 *   quoted-printable with =XX and soft line breaks, or 8bit UTF-8), ~25% multipart/alternative (text + HTML), ~15%
 *   multipart/mixed with a base64 attachment in 76-character lines.
 * - Body lines that begin "From " are written as ">From " (mboxo quoting, which is what UW and mail.local do), so the
 *   only lines starting "From " are separators. Some bodies deliberately contain such lines, including a quoted
 *   separator-like line with a valid date, and lines with "From" in the middle, to exercise a scanner's edge cases.
 * - With `metadata` (the default), the first ~30% of the messages look as UW's unix_xstatus() leaves them after a
 *   rewrite (a mailbox UW has opened, with new mail delivered since): `Status:`, `X-Status:`, `X-Keywords:` padded
 *   with spaces to UW's fixed width, and `X-UID:`, at the end of the header block; the first message also carries
 *   `X-IMAPbase: <uidvalidity> <uidlast> <keywords...>` (decimal, unpadded). UIDs increase with a few gaps
 *   (expunged messages), and uidlast may exceed the last X-UID, as it does after expunging the newest messages.
 *   Without it, the file is a fresh delivery spool with no metadata lines at all.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Bumped whenever the bytes produced for given options change, so that cached files (bench/data/) made by an older
 * generator are rebuilt rather than silently benchmarked.
 */
export const GENERATOR_VERSION = 1;

/** Options of {@link generateMbox}. */
export interface GenerateOptions {
  /** Number of messages; a non-negative integer. Default 100,000 (about 550 MB). */
  readonly messages?: number;
  /** PRNG seed, taken as an unsigned 32-bit integer. Default 1. */
  readonly seed?: number;
  /** Whether the first ~30% of messages carry UW metadata headers (and the first X-IMAPbase). Default true. */
  readonly metadata?: boolean;
}

/** What {@link generateMbox} wrote. */
export interface GenerateResult {
  /** Size of the file in octets. */
  readonly bytes: number;
  /** Number of messages (separator lines) in it. */
  readonly messages: number;
}

/** Fraction of the messages, from the start, that carry UW metadata when `metadata` is on. */
const METADATA_FRACTION = 0.3;
/** Chunks handed to the write stream are at least this big (~1 MB), so writes are few and large. */
const CHUNK_BYTES = 1 << 20;
/** First delivery time: 2019-01-01T08:00:00Z. UIDVALIDITY is derived from it, as UW derives it from the clock. */
const START_TIME = Date.UTC(2019, 0, 1, 8, 0, 0) / 1000;
/** The mailbox owner, who receives everything. */
const OWNER = { name: 'Jane Doe', addr: 'jane@example.org' };
/** Keywords defined in X-IMAPbase, in UW's user-flag order (bit 0 first). */
const KEYWORDS = ['$Forwarded', 'Junk', 'NonJunk', '$Label1', 'todo'] as const;

/**
 * Writes a generated mbox of `opts.messages` messages to `path`, replacing any file there.
 *
 * The file is written to `path + ".tmp"` and renamed into place once complete, so a reader (or an interrupted
 * benchmark) never sees a partial file at `path`; on failure the temporary file is removed and the error rethrown.
 * Resolves to the octets and messages written. Deterministic: the same options give byte-identical files.
 */
export async function generateMbox(path: string, opts: GenerateOptions = {}): Promise<GenerateResult> {
  const messages = opts.messages ?? 100_000;
  if (!Number.isSafeInteger(messages) || messages < 0) throw new RangeError(`messages must be an integer >= 0: ${messages}`);
  const gen = new MboxGenerator(opts.seed ?? 1, messages, opts.metadata ?? true);
  let bytes = 0;
  function* chunks(): Generator<Buffer> {
    let parts: string[] = [];
    let chars = 0;
    for (let i = 0; i < messages; i++) {
      const msg = gen.message(i);
      parts.push(msg);
      chars += msg.length;
      if (chars >= CHUNK_BYTES) {
        const buf = Buffer.from(parts.join(''), 'utf8');
        bytes += buf.length;
        parts = [];
        chars = 0;
        yield buf;
      }
    }
    if (parts.length > 0) {
      const buf = Buffer.from(parts.join(''), 'utf8');
      bytes += buf.length;
      yield buf;
    }
  }
  const tmp = `${path}.tmp`;
  try {
    await pipeline(chunks(), createWriteStream(tmp, { highWaterMark: CHUNK_BYTES }));
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return { bytes, messages };
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast 32-bit PRNG whose whole state is one integer, so a seed fixes every choice. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An unsigned 32-bit integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element; throws on an empty array (a bug in the tables below). */
  pick<T>(arr: readonly T[]): T {
    return at(arr, Math.floor(this.next() * arr.length));
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  /** `n` random octets (stand-ins for compressed attachment data, which looks random). */
  bytes(n: number): Buffer {
    const buf = Buffer.allocUnsafe((n + 3) & ~3);
    for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE(this.u32(), i);
    return buf.subarray(0, n);
  }
}

/** `arr[i]`, throwing instead of yielding undefined; the index is always in range here, so a throw is a bug. */
function at<T>(arr: readonly T[], i: number): T {
  const v = arr[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range 0..${arr.length - 1}`);
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** asctime(3) form of a UTC time, as in mbox From lines: "Wed Dec  2 05:53:22 1992" (day padded with a space). */
function asctime(sec: number): string {
  const d = new Date(sec * 1000);
  const day = d.getUTCDate();
  return (
    `${at(WEEKDAYS, d.getUTCDay())} ${at(MONTHS, d.getUTCMonth())} ${day < 10 ? ' ' : ''}${day} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()}`
  );
}

/** RFC 5322 §3.3 date-time of `sec` seen in a zone `zone` minutes east of UTC: "Wed, 2 Dec 1992 05:53:22 +0100". */
function rfc5322Date(sec: number, zone: number): string {
  const d = new Date((sec + zone * 60) * 1000);
  const z = Math.abs(zone);
  return (
    `${at(WEEKDAYS, d.getUTCDay())}, ${d.getUTCDate()} ${at(MONTHS, d.getUTCMonth())} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    `${zone < 0 ? '-' : '+'}${pad2(Math.floor(z / 60))}${pad2(z % 60)}`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Encodings

/** Octets a quoted-printable or Q-encoded text may carry as themselves, besides letters and digits. */
function isQpLiteral(b: number): boolean {
  return b >= 33 && b <= 126 && b !== 61; // printable ASCII except "="
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable body encoding (RFC 2045 §6.7) of one logical line: octets outside printable ASCII and "=" become
 * =XX, a space or tab at the end of the line becomes =20/=09, and the line is broken with soft line breaks ("=" at
 * the end) so that no encoded line exceeds 76 characters. Appends the encoded lines to `out`.
 */
function qpEncodeLine(line: string, out: string[]): void {
  const src = Buffer.from(line, 'utf8');
  let cur = '';
  for (let i = 0; i < src.length; i++) {
    const b = src[i] ?? 0;
    const last = i === src.length - 1;
    const tok = isQpLiteral(b) || ((b === 32 || b === 9) && !last) ? String.fromCharCode(b) : `=${HEX[b >> 4]}${HEX[b & 15]}`;
    // 75 characters plus the "=" of a soft break; an =XX is never split.
    if (cur.length + tok.length > 75) {
      out.push(`${cur}=`);
      cur = '';
    }
    cur += tok;
  }
  out.push(cur);
}

/**
 * An RFC 2047 encoded-word sequence for `text` in UTF-8, "B" or "Q" encoding, each word at most 75 characters and
 * never splitting a character; words after the first are folded onto continuation lines ("\n ").
 */
function encodedWords(text: string, enc: 'B' | 'Q'): string {
  const words: string[] = [];
  const prefix = `=?UTF-8?${enc}?`;
  const room = 75 - prefix.length - 2;
  let cur = '';
  let curBytes: number[] = [];
  const flush = (): void => {
    words.push(`${prefix}${enc === 'B' ? Buffer.from(curBytes).toString('base64') : cur}?=`);
    cur = '';
    curBytes = [];
  };
  for (const ch of text) {
    const bytes = [...Buffer.from(ch, 'utf8')];
    if (enc === 'B') {
      if (Math.ceil((curBytes.length + bytes.length) / 3) * 4 > room) flush();
      curBytes.push(...bytes);
    } else {
      let tok = '';
      for (const b of bytes) {
        tok += b === 32 ? '_' : (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) ? String.fromCharCode(b) : `=${HEX[b >> 4]}${HEX[b & 15]}`;
      }
      if (cur.length + tok.length > room) flush();
      cur += tok;
      curBytes.push(...bytes);
    }
  }
  if (curBytes.length > 0) flush();
  return words.join('\n ');
}

/** True when `s` is all 7-bit ASCII. */
function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** `data` in base64, in 76-character lines (RFC 2045 §6.8). */
function base64Lines(data: Buffer, out: string[]): void {
  const b64 = data.toString('base64');
  for (let i = 0; i < b64.length; i += 76) out.push(b64.slice(i, i + 76));
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const FIRST_ASCII = [
  'Alice', 'Bob', 'Carol', 'David', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Karl', 'Laura', 'Mallory',
  'Niaj', 'Olivia', 'Peggy', 'Quentin', 'Rupert', 'Sybil', 'Trent', 'Uma', 'Victor', 'Walter', 'Xavier', 'Yvonne',
  'Zoe', 'Hannah', 'Liam', 'Noah', 'Emma', 'Mark', 'Terry', 'Brian', 'Linda', 'Susan', 'Kevin',
];
const LAST_ASCII = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas',
  'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Crispin',
  "O'Brien", 'van der Berg',
];
const FIRST_INTL = ['José', 'François', 'Jürgen', 'Zoë', 'Søren', 'Łukasz', 'Ángel', 'Björn', 'Chloé', 'Renée', 'Dvořák'];
const LAST_INTL = ['Müller', 'García', 'Núñez', 'Østergaard', 'Nowak', 'Ξενάκης', '王', '佐藤', 'Иванов', 'Çelik', 'Łęcki'];
const DOMAINS = [
  'example.com', 'example.net', 'mail.example.com', 'corp.example', 'uni.example.edu', 'research.example',
  'example.co.uk', 'dept.example.org', 'isp.example.net', 'startup.example',
];
const LISTS = ['dev', 'announce', 'users', 'security', 'ops'];
const MAILERS = [
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Thunderbird/102.6.0',
  'User-Agent: Mutt/1.10.1 (2018-07-13)',
  'User-Agent: Alpine 2.21 (DEB 202 2017-01-01)',
  'X-Mailer: Microsoft Outlook 16.0',
  'X-Mailer: Apple Mail (2.3445.104.11)',
  'User-Agent: Roundcube Webmail/1.4.8',
];
const ZONES = [0, 0, 60, 60, 120, -300, -240, -480, 330, 540, -180, 600];

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you ' +
  'were her all she there would their we him been has when who will more no if out so said what up its about into ' +
  'than them can only other new some could time these two may then do first any my now such like our over man me ' +
  'even most made after also did many before must through back years where much your way well down should because ' +
  'each just those people how too little state good very make world still own see men work long get here between ' +
  'both life being under never day same another know while last might us great old year off come since against go ' +
  'came right used take three server mailbox release build patch review meeting deadline budget report draft ' +
  'schedule question answer proposal config upgrade kernel network backup invoice customer quarter figures notes'
).split(' ');
const CAPITAL = ['I', 'We', 'The', 'It', 'This', 'Please', 'Thanks', 'Yes', 'Also', 'So', 'However', 'Attached'];
const INTL_WORDS = ['café', 'naïve', 'Grüße', 'straße', 'déjà vu', 'über', 'façade', '日本語', 'привет', 'niño', '€20', 'smörgåsbord', '🎉'];
const SUBJECT_NOUNS = [
  'quarterly report', 'meeting on Thursday', 'build failure on main', 'invoice', 'server migration', 'budget draft',
  'holiday schedule', 'release notes', 'security advisory', 'design review', 'backup rotation', 'lunch', 'onboarding',
  'conference travel', 'disk quota', 'mailing list rules', 'patch for the parser', 'benchmark results',
];
const SUBJECT_ADJ = ['Updated', 'Final', 'Question about', 'Re-scheduled', 'Urgent:', 'FYI:', 'Draft', 'Notes from', ''];
const SUBJECT_INTL = [
  "Réunion de l'équipe", 'Grüße aus München', '会議の議事録', 'Отчёт за март', 'Presupuesto año próximo',
  'Smörgåsbord på fredag', 'Ελληνικά θέματα', 'Crème brûlée recipe',
];
const FROM_LINES = [
  'From what I can tell, the problem is on our side.',
  'From my point of view this is ready to merge.',
  'From the logs it looks like the job never started.',
  'From now on, please send invoices to accounts.',
  'From: the original announcement, quoted below.',
];
const ATTACHMENTS = [
  { type: 'application/pdf', name: 'report.pdf' },
  { type: 'image/jpeg', name: 'IMG_4821.jpg' },
  { type: 'image/png', name: 'screenshot.png' },
  { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', name: 'draft.docx' },
  { type: 'application/zip', name: 'logs.zip' },
  { type: 'application/pdf', name: 'Résumé.pdf' },
];

/** A correspondent: how they appear in From/To, their envelope address and the zone their clock is in. */
interface Person {
  readonly header: string;
  readonly addr: string;
  readonly name: string;
  readonly zone: number;
}

/** A conversation replies attach to. */
interface Thread {
  readonly subject: string;
  readonly ids: string[];
  readonly people: Person[];
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

/** Builds message `i` of the mailbox as a string; call {@link message} with i = 0, 1, 2... in order. */
class MboxGenerator {
  private readonly rng: Rng;
  private readonly people: Person[];
  /** Pre-wrapped ASCII and UTF-8 text lines that bodies are cut from (much faster than word-by-word). */
  private readonly asciiLines: string[];
  private readonly intlLines: string[];
  private readonly threads: Thread[] = [];
  /** X-UID of each metadata-carrying message (the first `uids.length` messages). */
  private readonly uids: number[];
  private readonly uidLast: number;
  private readonly uidValidity: number;
  private time = START_TIME;

  constructor(seed: number, private readonly count: number, metadata: boolean) {
    this.rng = new Rng(seed);
    const rng = this.rng;
    this.people = [];
    for (let i = 0; i < 400; i++) this.people.push(this.makePerson(i));
    this.asciiLines = [];
    for (let i = 0; i < 4096; i++) this.asciiLines.push(this.makeLine(false));
    this.intlLines = [];
    for (let i = 0; i < 1024; i++) this.intlLines.push(this.makeLine(true));
    const metaCount = metadata && count > 0 ? Math.max(1, Math.round(count * METADATA_FRACTION)) : 0;
    this.uids = [];
    let uid = 0;
    for (let i = 0; i < metaCount; i++) {
      uid += rng.chance(0.03) ? rng.int(2, 6) : 1; // a few gaps where messages were expunged
      this.uids.push(uid);
    }
    this.uidLast = uid + (rng.chance(0.5) ? rng.int(1, 3) : 0); // the newest may have been expunged, too
    this.uidValidity = START_TIME - rng.int(86400, 86400 * 365);
  }

  private makePerson(i: number): Person {
    const rng = this.rng;
    const intl = rng.chance(0.2);
    const first = intl && rng.chance(0.6) ? rng.pick(FIRST_INTL) : rng.pick(FIRST_ASCII);
    const last = intl ? rng.pick(LAST_INTL) : rng.pick(LAST_ASCII);
    const name = `${first} ${last}`;
    let local = `${first}.${last}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase()
      .replace(/^\.+|\.+$/g, '');
    if (local.length < 2 || local.indexOf('.') < 0) local = `user${i}`;
    const addr = `${local}@${rng.pick(DOMAINS)}`;
    let header: string;
    if (rng.chance(0.08)) header = addr; // no display name at all
    else if (!isAscii(name)) header = `${encodedWords(name, rng.chance(0.5) ? 'B' : 'Q')} <${addr}>`;
    else if (rng.chance(0.1)) header = `"${last}, ${first}" <${addr}>`;
    else header = /[^A-Za-z ]/.test(name) ? `"${name}" <${addr}>` : `${name} <${addr}>`;
    return { header, addr, name, zone: rng.pick(ZONES) };
  }

  /** One line of prose, 30-76 characters, optionally with non-ASCII words. */
  private makeLine(intl: boolean): string {
    const rng = this.rng;
    const target = rng.int(30, 76);
    let line = rng.pick(CAPITAL);
    while (line.length < target) {
      let w = intl && rng.chance(0.15) ? rng.pick(INTL_WORDS) : rng.pick(WORDS);
      if (rng.chance(0.004)) w = 'From'; // "From" in the middle of a line is not a separator
      if (line.length + 1 + w.length > 76) break;
      line += ` ${w}`;
      if (rng.chance(0.08)) line += rng.pick([',', '.', ';', '?']);
    }
    return line;
  }

  /**
   * Paragraphs of prose totalling about `bytes` characters, as lists of lines. The odd special line (a body line
   * beginning "From ", or an mbox From line quoted in a forwarded message) is mixed in for the scanners' sake.
   */
  private paragraphs(bytes: number, intl: boolean): string[][] {
    const rng = this.rng;
    const paras: string[][] = [];
    let size = 0;
    while (size < bytes) {
      const para: string[] = [];
      const lines = rng.int(2, 8);
      for (let j = 0; j < lines && size < bytes; j++) {
        const line = intl && rng.chance(0.3) ? rng.pick(this.intlLines) : rng.pick(this.asciiLines);
        para.push(line);
        size += line.length + 1;
      }
      paras.push(para);
      size += 1;
    }
    if (rng.chance(0.04)) at(paras, rng.int(0, paras.length - 1)).unshift(rng.pick(FROM_LINES));
    if (rng.chance(0.01)) {
      const who = rng.pick(this.people);
      paras.push([`${'-'.repeat(8)} Original mbox entry ${'-'.repeat(8)}`, `From ${who.addr} ${asctime(this.time - rng.int(1e5, 1e7))}`, `Subject: ${rng.pick(SUBJECT_NOUNS)}`]);
    }
    if (rng.chance(0.01)) paras.push(['>From an earlier quoting, left as it was.']);
    return paras;
  }

  /** Plain-text lines of a body: prose, a quoted part for replies, a signature. */
  private textLines(bytes: number, intl: boolean, from: Person, reply: Person | undefined, fwd?: string): string[] {
    const rng = this.rng;
    const paras = this.paragraphs(reply ? bytes * 0.6 : bytes, intl);
    const out: string[] = [];
    if (fwd !== undefined) {
      const orig = rng.pick(this.people);
      out.push('', '-------- Forwarded Message --------', `Subject: ${isAscii(fwd) ? fwd : encodedWords(fwd, 'Q')}`);
      out.push(`Date: ${rfc5322Date(this.time - rng.int(3600, 86400 * 30), orig.zone)}`, `From: ${orig.header}`, `To: ${OWNER.addr}`, '');
    }
    for (const p of paras) out.push(...p, '');
    if (reply) {
      out.push(`On ${rfc5322Date(this.time - rng.int(3600, 86400 * 5), reply.zone)}, ${reply.name} wrote:`);
      for (const p of this.paragraphs(bytes * 0.4, intl)) {
        for (const l of p) out.push(`> ${l}`);
        out.push('>');
      }
      out.push('');
    }
    out.push('-- ', from.name);
    return out;
  }

  /**
   * Message `i` (0-based) with its From line and the empty line after it. Messages must be asked for in order:
   * delivery times, threads and the PRNG stream advance with each call.
   */
  message(i: number): string {
    const rng = this.rng;
    this.time += rng.int(1, 600); // about 100,000 messages a year, one every 5 minutes on average
    const delivered = this.time;

    // Who and what: a new conversation, a reply in a recent thread, or a forward.
    const roll = rng.next();
    let thread: Thread | undefined;
    let subject: string;
    let from: Person;
    let replyTo: Person | undefined;
    let fwd: string | undefined;
    if (roll < 0.3 && this.threads.length > 0) {
      thread = at(this.threads, this.threads.length - 1 - Math.min(this.threads.length - 1, Math.floor(rng.next() ** 3 * 200)));
      replyTo = at(thread.people, thread.people.length - 1);
      from = rng.chance(0.7) ? rng.pick(thread.people) : rng.pick(this.people);
      subject = `${rng.chance(0.9) ? 'Re' : 'RE'}: ${thread.subject}`;
    } else if (roll < 0.35 && this.threads.length > 0) {
      fwd = rng.pick(this.threads).subject;
      subject = `${rng.chance(0.8) ? 'Fwd' : 'Fw'}: ${fwd}`;
      from = rng.pick(this.people);
    } else {
      from = rng.pick(this.people);
      subject = rng.chance(0.08)
        ? rng.pick(SUBJECT_INTL)
        : `${rng.pick(SUBJECT_ADJ)} ${rng.pick(SUBJECT_NOUNS)}${rng.chance(0.3) ? ` ${rng.int(2, 2999)}` : ''}`.trim();
    }
    const list = rng.chance(0.2) ? rng.pick(LISTS) : undefined;
    const msgDomain = from.addr.slice(from.addr.indexOf('@') + 1);
    const msgId = `<${delivered.toString(36)}.${rng.hex(12)}@${msgDomain}>`;
    if (thread) {
      thread.ids.push(msgId);
      if (thread.ids.length > 12) thread.ids.splice(0, thread.ids.length - 12);
      if (!thread.people.includes(from)) thread.people.push(from);
    } else {
      this.threads.push({ subject: subject.replace(/^(Re|RE|Fwd|Fw): /, ''), ids: [msgId], people: [from] });
      if (this.threads.length > 400) this.threads.splice(0, 100);
    }
    const envelope = list ? `${list}-bounces+jane=example.org@lists.example.net` : from.addr;

    const h: string[] = [];
    h.push(`From ${envelope} ${asctime(delivered)}`);
    h.push(`Return-Path: <${envelope}>`);
    const hops = rng.int(2, 3);
    const relay = `smtp${rng.int(1, 9)}.${msgDomain}`;
    h.push(
      `Received: from mx1.example.org (localhost [127.0.0.1])\n\tby mail.example.org (8.15.2/8.15.2) with ESMTP id ` +
        `${rng.hex(14).toUpperCase()}\n\tfor <${OWNER.addr}>; ${rfc5322Date(delivered, 0)}`,
    );
    h.push(
      `Received: from ${relay} (${relay} [192.0.2.${rng.int(1, 254)}])\n\tby mx1.example.org (Postfix) with ESMTPS id ` +
        `${rng.hex(11).toUpperCase()}\n\tfor <${OWNER.addr}>; ${rfc5322Date(delivered - 1, 0)} (UTC)`,
    );
    const sent = delivered - rng.int(2, 90);
    if (hops === 3) {
      h.push(
        `Received: from [198.51.100.${rng.int(1, 254)}] (dsl-${rng.int(1, 9999)}.isp.example.net [198.51.100.${rng.int(1, 254)}])\n` +
          `\tby ${relay} with ESMTPSA id ${rng.hex(16)}\n\t(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384);\n` +
          `\t${rfc5322Date(sent + 1, from.zone)}`,
      );
    }
    h.push(`Date: ${rfc5322Date(sent, from.zone)}`);
    h.push(`From: ${from.header}`);
    h.push(list ? `To: ${list}@lists.example.net` : rng.chance(0.7) ? `To: ${OWNER.name} <${OWNER.addr}>` : `To: ${OWNER.addr}`);
    if (rng.chance(0.25)) {
      const cc = [rng.pick(this.people), rng.pick(this.people), rng.pick(this.people)].slice(0, rng.int(1, 3));
      h.push(`Cc: ${cc.map((p) => p.header).join(',\n\t')}`);
    }
    const subj = list && !thread ? `[${list}] ${subject}` : subject;
    h.push(`Subject: ${isAscii(subj) ? subj : encodedWords(subj, rng.chance(0.5) ? 'Q' : 'B')}`);
    h.push(`Message-ID: ${msgId}`);
    if (thread && thread.ids.length > 1) {
      const refs = thread.ids.slice(0, -1);
      h.push(`In-Reply-To: ${at(refs, refs.length - 1)}`);
      h.push(`References: ${refs.join('\n\t')}`);
    }
    if (list) {
      h.push(`List-Id: ${list} discussion <${list}.lists.example.net>`);
      h.push(`List-Unsubscribe: <mailto:${list}-request@lists.example.net?subject=unsubscribe>`);
      h.push('Precedence: list');
    }
    if (rng.chance(0.7)) h.push(rng.pick(MAILERS));

    // Body: 1-20 KB of content, skewed toward small: u^5.4 puts the content's mean near 4 KB and its median near
    // 1.4 KB; with quoting, MIME parts and encoding, bodies average ~4.5 KB (median ~2 KB, at most ~23 KB).
    const bodyBytes = 1024 + Math.floor(19 * 1024 * rng.next() ** 5.4);
    const body: string[] = [];
    const kind = rng.next();
    const mime = rng.chance(0.97);
    if (kind < 0.6) {
      const enc = rng.next();
      if (enc < 0.55 || !mime) {
        if (mime) h.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit');
        body.push(...this.textLines(bodyBytes, false, from, replyTo, fwd));
      } else if (enc < 0.75) {
        h.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
        this.qpBody(this.textLines(bodyBytes, true, from, replyTo, fwd), body);
      } else {
        h.push('MIME-Version: 1.0', `Content-Type: text/plain; charset=UTF-8${rng.chance(0.3) ? '; format=flowed' : ''}`, 'Content-Transfer-Encoding: 8bit');
        body.push(...this.textLines(bodyBytes, true, from, replyTo, fwd));
      }
    } else if (kind < 0.85) {
      const b = `b1_${rng.hex(24)}`;
      h.push('MIME-Version: 1.0', `Content-Type: multipart/alternative;\n\tboundary="${b}"`);
      const text = this.textLines(bodyBytes * 0.4, true, from, replyTo, fwd);
      body.push('This is a multi-part message in MIME format.', '', `--${b}`);
      body.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '');
      this.qpBody(text, body);
      body.push(`--${b}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '');
      this.qpBody(this.html(text), body);
      body.push(`--${b}--`);
    } else {
      const b = `------------${rng.hex(24)}`;
      h.push('MIME-Version: 1.0', `Content-Type: multipart/mixed;\n boundary="${b}"`);
      const textBytes = Math.min(bodyBytes * 0.3, 1500);
      body.push('This is a multi-part message in MIME format.', `--${b}`);
      body.push('Content-Type: text/plain; charset=UTF-8; format=flowed', 'Content-Transfer-Encoding: 7bit', '');
      body.push(...this.textLines(textBytes, false, from, undefined, fwd), '');
      const att = rng.pick(ATTACHMENTS);
      const filename = isAscii(att.name)
        ? `filename="${att.name}"`
        : `filename*=UTF-8''${encodeURIComponent(att.name)}`;
      body.push(`--${b}`, `Content-Type: ${att.type};\n name="${isAscii(att.name) ? att.name : encodedWords(att.name, 'Q')}"`);
      body.push('Content-Transfer-Encoding: base64', `Content-Disposition: attachment;\n ${filename}`, '');
      base64Lines(rng.bytes(Math.max(256, Math.floor(((bodyBytes - textBytes) * 3) / 4))), body);
      body.push('', `--${b}--`);
    }

    if (i < this.uids.length) this.xstatus(h, i);
    // mboxo quoting: a body line beginning "From " is written ">From ", so only separators begin "From ".
    return `${h.join('\n')}\n\n${body.join('\n').replace(/^From /gm, '>From ')}\n\n`;
  }

  /** Quoted-printable lines of `lines`, each paragraph joined into one long line first, as MUAs produce it. */
  private qpBody(lines: string[], out: string[]): void {
    let para: string[] = [];
    for (const l of lines) {
      if (l === '' || l === '-- ' || l.startsWith('>')) {
        if (para.length > 0) qpEncodeLine(para.join(' '), out);
        para = [];
        qpEncodeLine(l, out);
      } else {
        para.push(l);
      }
    }
    if (para.length > 0) qpEncodeLine(para.join(' '), out);
  }

  /** The HTML alternative of a text body: one paragraph element per paragraph, one long line each. */
  private html(lines: string[]): string[] {
    const out = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>', '<body>'];
    let para: string[] = [];
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    for (const l of [...lines, '']) {
      if (l === '') {
        if (para.length > 0) out.push(`<p style="margin:0 0 1em 0;font-family:Arial,sans-serif">${esc(para.join(' '))}</p>`);
        para = [];
      } else {
        para.push(l);
      }
    }
    out.push('</body></html>');
    return out;
  }

  /**
   * Appends UW's metadata lines for message `i` to the header, exactly as c-client's unix_xstatus() writes them
   * after a rewrite: X-IMAPbase (first message only), Status, X-Status, X-Keywords padded with spaces so the block
   * is at least 50 characters (80 with X-IMAPbase; UW pads so flag changes can be rewritten in place), and X-UID.
   */
  private xstatus(h: string[], i: number): void {
    const rng = this.rng;
    let block = '';
    if (i === 0) block += `X-IMAPbase: ${this.uidValidity} ${this.uidLast} ${KEYWORDS.join(' ')}\n`;
    const seen = rng.chance(0.9);
    block += `Status: ${seen ? 'R' : ''}O\n`;
    let xs = '';
    if (rng.chance(0.01)) xs += 'D';
    if (rng.chance(0.05)) xs += 'F';
    if (rng.chance(0.12)) xs += 'A';
    if (rng.chance(0.005)) xs += 'T';
    block += `X-Status: ${xs}\nX-Keywords:`;
    if (rng.chance(0.08)) {
      const bits = rng.int(1, (1 << KEYWORDS.length) - 1) & rng.int(1, (1 << KEYWORDS.length) - 1);
      KEYWORDS.forEach((k, bit) => {
        if (bits & (1 << bit)) block += ` ${k}`;
      });
    }
    const pad = i === 0 ? 80 : 50;
    if (block.length < pad) block += ' '.repeat(pad - block.length);
    block += `\nX-UID: ${at(this.uids, i)}`;
    h.push(block);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

const USAGE = 'usage: node dist/bench/gen-mbox.js OUT [--messages N] [--seed S] [--no-metadata]';

/** Parses the CLI arguments; throws with a usage message on anything malformed. */
function parseCli(argv: string[]): { out: string; opts: GenerateOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      messages: { type: 'string' },
      seed: { type: 'string' },
      'no-metadata': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const out = positionals[0];
  if (values.help || out === undefined || positionals.length > 1) throw new Error(USAGE);
  const int = (s: string | undefined, name: string): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new Error(`--${name} wants a non-negative integer\n${USAGE}`);
    return Number(s);
  };
  return {
    out,
    opts: { messages: int(values.messages, 'messages'), seed: int(values.seed, 'seed'), metadata: !values['no-metadata'] },
  };
}

async function main(): Promise<void> {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
    return;
  }
  const t0 = performance.now();
  const r = await generateMbox(cli.out, cli.opts);
  const s = (performance.now() - t0) / 1000;
  console.log(`${cli.out}: ${r.messages} messages, ${r.bytes} bytes (${(r.bytes / 1e6).toFixed(1)} MB) in ${s.toFixed(2)} s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
