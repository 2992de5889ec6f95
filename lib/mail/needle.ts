/**
 * Finding SEARCH needles: a set of case-folded needles looked for in text streams that may cut a match across
 * chunks ({@link NeedleSet}); for needles that are ASCII once folded (nearly every search), exact shortcuts that
 * look at bytes and fold only what could hold a match: in a text part ({@link AsciiNeedleScanner}), in decoded text
 * ({@link foldedIncludesAscii}) and in a header block ({@link headerIncludesAscii}).
 *
 * PURE: no fs, net or process.
 */
import { isAscii } from 'node:buffer';
import { type CharsetStream, charsetStream, decodeCharset, isKnownCharset } from './charset.js';
import { decodeHeaderValue, headerPieces } from './encoded-words.js';
import { foldCase } from './fold.js';

const SP = 0x20;

/** One text stream of a {@link NeedleSet}. */
export interface TextStream {
  push(text: string): boolean;
  pushFolded(folded: string): boolean;
}

/**
 * A set of needles searched for in one or more text streams. `found[i]` turns true once needle i has been seen in
 * any stream. Each {@link stream} is matched on its own (a match may straddle that stream's chunks, never two
 * streams: two MIME parts are not one text). An empty needle is found at once (RFC 3501: "a message matches the key
 * if the string is a substring of the field", and "" is a substring of everything).
 */
export class NeedleSet {
  readonly needles: readonly string[];
  readonly found: boolean[];
  private readonly carryLength: number;
  private remaining: number;

  /** Whether every needle is ASCII once folded (what {@link AsciiNeedleScanner} needs). */
  readonly ascii: boolean;

  /** `needles` must already be folded with {@link foldCase}. */
  constructor(needles: readonly string[]) {
    this.needles = needles;
    this.found = needles.map((n) => n.length === 0);
    this.remaining = this.found.filter((f) => !f).length;
    this.carryLength = Math.max(0, ...needles.map((n) => n.length - 1));
    // eslint-disable-next-line no-control-regex
    this.ascii = needles.every((n) => /^[\x00-\x7f]*$/.test(n));
  }

  /** True when every needle has been found; feeding more text cannot change anything. */
  get done(): boolean {
    return this.remaining === 0;
  }

  /** Records needle `i` as found. */
  markFound(i: number): void {
    if (this.found[i] === false) {
      this.found[i] = true;
      this.remaining--;
    }
  }

  /**
   * A fresh text stream. Push unfolded text, or text already folded with {@link foldCase} (`pushFolded`); returns
   * true when this push found a needle not found before.
   */
  stream(): TextStream {
    let carry = '';
    const pushFolded = (folded: string): boolean => {
      if (this.remaining === 0 || folded.length === 0) return false;
      const hay = carry + folded;
      let newly = false;
      for (let i = 0; i < this.needles.length; i++) {
        if (!this.found[i] && hay.includes(this.needles[i] ?? '')) {
          this.found[i] = true;
          this.remaining--;
          newly = true;
        }
      }
      // Keep enough tail for a needle that starts in this chunk and ends in the next. Slicing by UTF-16 units may
      // split a surrogate pair in the carry, but the carry is only ever prefixed to more text, so the pair is whole
      // again in the next haystack when it matters (a needle can only match across it if it contains the pair).
      carry = this.carryLength > 0 ? hay.slice(-this.carryLength) : '';
      return newly;
    };
    return {
      push: (text: string): boolean => (this.remaining === 0 || text.length === 0 ? false : pushFolded(foldCase(text))),
      pushFolded,
    };
  }

  /** Marks needles found in a single complete text (no streaming). */
  matchText(text: string): boolean {
    return this.stream().push(text);
  }
}

/**
 * A non-ASCII run decoded and folded; `joins` when it may be part of an ASCII needle's match (see below): its folded
 * text has an ASCII character, or is empty. `left` / `right`: a match may also extend past its start / end, since its
 * folded text starts / ends with an ASCII character (or is empty); é folds to E + U+0301, so a match can end in its
 * E but not go on past the accent.
 */
interface FoldedRun {
  readonly text: string;
  readonly joins: boolean;
  readonly left: boolean;
  readonly right: boolean;
}

function foldedRun(folded: string): FoldedRun {
  const n = folded.length;
  return {
    text: folded,
    joins: n === 0 || HAS_ASCII.test(folded),
    left: n === 0 || folded.charCodeAt(0) < 0x80,
    right: n === 0 || folded.charCodeAt(n - 1) < 0x80,
  };
}

/** {@link AsciiNeedleScanner}'s folded runs, per charset name (bounded: cleared when full). */
const FOLDS = new Map<string, Map<string, FoldedRun>>();

// eslint-disable-next-line no-control-regex
const HAS_ASCII = /[\x00-\x7f]/;
const NON_ASCII_BYTES = /[\x80-\xff]+/g;

/**
 * A pattern for `needle` (upper-case ASCII, as {@link foldCase} leaves an ASCII string) matching exactly where the
 * text with its ASCII letters upper-cased holds it. The `i` flag without `u` canonicalizes by upper-casing but never
 * maps a character above U+007F to an ASCII one (ECMA-262 Canonicalize: not ı to I, ſ to S, nor the Kelvin sign to
 * K): so a-z meet A-Z and nothing else does. Every character is escaped (`\xHH`).
 */
export function asciiPattern(needle: string): RegExp {
  let src = '';
  for (let i = 0; i < needle.length; i++) src += '\\x' + needle.charCodeAt(i).toString(16).padStart(2, '0');
  return new RegExp(src, 'i');
}

const EMPTY = Buffer.alloc(0);

/** A folded ASCII needle as bytes, and the byte to look for first: see {@link asciiBytesInclude}. */
interface ByteNeedle {
  readonly bytes: Uint8Array;
  /** Where in the needle the anchor is: its rarest character in mail text (by English letter frequency). */
  readonly at: number;
  /** The anchor as upper and lower case bytes (the same byte when it is no letter). */
  readonly upper: number;
  readonly lower: number;
  /** The anchor as a (folded) character. */
  readonly char: string;
}

/** Letters from the most to the least frequent in English text: how rare a needle's letter is as an anchor. */
const LETTER_ORDER = 'ETAOINSHRDLCUMWFGYPBVKJXQZ';

/** {@link byteNeedle}'s results (a search has a needle or two; bounded: cleared when full). */
const BYTE_NEEDLES = new Map<string, ByteNeedle>();

function byteNeedle(needle: string): ByteNeedle {
  let nd = BYTE_NEEDLES.get(needle);
  if (nd === undefined) {
    nd = makeByteNeedle(needle);
    if (BYTE_NEEDLES.size >= 64) BYTE_NEEDLES.clear();
    BYTE_NEEDLES.set(needle, nd);
  }
  return nd;
}

function makeByteNeedle(needle: string): ByteNeedle {
  const bytes = Buffer.from(needle, 'latin1');
  let at = 0;
  let best = -2;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] ?? 0;
    const letter = LETTER_ORDER.indexOf(String.fromCharCode(c));
    // Space is the commonest byte of text; digits and punctuation are about as rare as the middle letters.
    const rank = c === SP ? -1 : letter >= 0 ? letter : 12;
    if (rank > best) {
      best = rank;
      at = i;
    }
  }
  const upper = bytes[at] ?? 0;
  const lower = upper >= 0x41 && upper <= 0x5a ? upper | 0x20 : upper;
  return { bytes, at, upper, lower, char: String.fromCharCode(upper) };
}

/**
 * Whether `data` with its ASCII letters upper-cased holds the needle (folded ASCII, so upper case): each place where
 * the anchor byte occurs (in either case, found by indexOf) is compared in place. No copy of the data is made; the
 * anchor is the needle's rarest letter, so few places are compared.
 */
function asciiBytesInclude(data: Buffer, nd: ByteNeedle): boolean {
  const len = nd.bytes.length;
  if (len === 0) return true;
  const last = data.length - len;
  for (let pass = 0; pass < (nd.lower === nd.upper ? 1 : 2); pass++) {
    const anchor = pass === 0 ? nd.upper : nd.lower;
    for (let k = data.indexOf(anchor, nd.at); k >= 0; k = data.indexOf(anchor, k + 1)) {
      const p = k - nd.at;
      if (p > last) break;
      let i = 0;
      while (i < len && ASCII_UPPER[data[p + i] ?? 0] === nd.bytes[i]) i++;
      if (i === len) return true;
    }
  }
  return false;
}

/** ASCII upper-casing of one byte (a-z to A-Z, everything else as it is). */
const ASCII_UPPER = new Uint8Array(256).map((_, c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));

/**
 * The same answer as decoding a text part with {@link charsetStream}, folding it with {@link foldCase} and looking
 * for the needles in it ({@link NeedleSet.stream}), for needles that are ASCII once folded (nearly every search) in
 * an {@link asciiCompatible} charset, at a fraction of the cost: decoding and i;unicode-casemap are what a SEARCH
 * TEXT over a large mailbox spends its time on.
 *
 * How it stays exact. ASCII bytes are ASCII characters in these charsets, and folding leaves them upper-cased and in
 * place; so a needle found in the ASCII-upper-cased bytes is in the folded text (looked for in place: see
 * {@link asciiBytesInclude}). A match that is not made of ASCII bytes alone
 * must use a character of some non-ASCII run (characters like é, ﬁ or Ｋ fold to ASCII letters), and extends at
 * most longest needle − 1 folded characters before and after that run's folded text: so each run is decoded and
 * folded with that much context on both sides, counted in whole runs (a run's folded text is as long as it is) and
 * ASCII bytes (one character each), so that no character is cut. Folding a window that starts and ends at ASCII
 * characters gives exactly the corresponding piece of the folded whole (ASCII characters are starters: NFKD neither
 * reorders nor composes across them), and decoding such a window gives exactly its piece of the text (the decoders
 * carry no state across ASCII). A run whose folded text has no ASCII character (日本語, emoji, most Cyrillic) cannot
 * be part of a match of an ASCII needle, so it needs no window of its own: only runs that fold to some ASCII (or to
 * nothing) do. Each run is decoded alone, keeping a byte order mark as the character U+FEFF (in the stream only a
 * leading one is dropped, where nothing precedes it to join). Bytes that could still be cut (a run at the end of a
 * chunk) wait for the next chunk.
 */
export class AsciiNeedleScanner {
  private readonly needles: { index: number; text: string; bytes: ByteNeedle }[];
  /** Bytes kept from one chunk for the next: enough for {@link reach} characters before what is not scanned yet. */
  private readonly context: number;
  /** Folded characters (UTF-16 units) a match may extend on either side of a run it uses: the longest needle - 1. */
  private readonly reach: number;
  private readonly charset: string | undefined;
  /** One decoder for every run, made at the first run not in the cache: each is decoded whole (push, then end). */
  private decoder: CharsetStream | null = null;
  private tail: Buffer = EMPTY;

  constructor(
    private readonly set: NeedleSet,
    charset: string | undefined,
  ) {
    this.needles = set.needles.map((n, index) => ({ index, text: n, bytes: byteNeedle(n) }));
    const longest = Math.max(0, ...this.needles.map((n) => n.text.length));
    // A character is at most 4 bytes: this many bytes hold at least longest - 1 characters.
    this.context = 4 * Math.max(0, longest - 1);
    this.reach = Math.max(0, longest - 1);
    this.charset = charset;
    const key = (charset ?? '').trim().toLowerCase();
    let folds = FOLDS.get(key);
    if (folds === undefined) {
      if (FOLDS.size >= 16) FOLDS.clear();
      folds = new Map();
      FOLDS.set(key, folds);
    }
    this.folds = folds;
  }

  /**
   * Scans the next chunk. A view of its last bytes is kept until the next push or end (what a match or a cut
   * character may still span), so the caller must not change the chunk meanwhile: the decoders and the body
   * server hand out fresh buffers.
   */
  push(chunk: Buffer): void {
    if (this.set.done || chunk.length === 0) return;
    this.scan(this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk, false);
  }

  end(): void {
    // Only a run cut by the last chunk's end is left to look at: everything before it has been (a window reaching
    // the end of the data has met the end of the text).
    if (!this.set.done && this.openRun) this.scan(this.tail, true);
    this.tail = EMPTY;
    this.openRun = false;
  }

  /** The last chunk ended inside a non-ASCII run (kept in {@link tail} for the next chunk or the end). */
  private openRun = false;

  /**
   * Folded runs by their bytes, shared by the scanners of a search (one per text part) and kept per charset: mail
   * repeats its names and words, and folding is what costs here.
   */
  private readonly folds: Map<string, FoldedRun>;

  /** The run text[a, b) (the latin1 string of data[a, b)) decoded and folded alone, from the cache. */
  // The chunk being scanned, its latin1 text, its runs ([start, end) pairs) and their folds as first asked: for
  // fold, leftEdge and rightEdge during one scan.
  private data: Buffer = EMPTY;
  private text = '';
  private runs: number[] = [];
  private runFolds: (FoldedRun | undefined)[] = [];

  /** Run q (an index into runs) decoded and folded alone, from the cache. */
  private fold(q: number): FoldedRun {
    let f = this.runFolds[q >> 1];
    if (f === undefined) {
      const a = this.runs[q] ?? 0;
      const b = this.runs[q + 1] ?? 0;
      const key = this.text.slice(a, b);
      f = this.folds.get(key);
      if (f === undefined) {
        const d = (this.decoder ??= charsetStream(this.charset, true));
        f = foldedRun(foldCase(d.push(this.data.subarray(a, b)) + d.end()));
        if (this.folds.size >= 4096) this.folds.clear();
        this.folds.set(key, f);
      }
      this.runFolds[q >> 1] = f;
    }
    return f;
  }

  /**
   * Where the window around run `r` starts: {@link reach} folded characters before the run (an ASCII byte is one,
   * a run as many as its folded text has), or the data's start, or sooner where no match can cross (see
   * {@link FoldedRun}). Always at an ASCII byte or a run's edge.
   */
  private leftEdge(r: number): number {
    return windowLeft(this.runs, this.reach, r, (q) => this.fold(q));
  }

  /** Where the window around run `r` ends: as {@link leftEdge}, after the run, and never past `limit`. */
  private rightEdge(r: number, usable: number, limit: number): number {
    return windowRight(this.runs, this.reach, r, usable, limit, (q) => this.fold(q));
  }

  /**
   * Whether the folded text of data[ws, we) (whose runs start at run `q`) may hold needle `nd`: a match holds the
   * needle's anchor character, which comes from an ASCII byte (in either case) or from a run's folded text.
   */
  private hasAnchor(nd: ByteNeedle, ws: number, we: number, q: number, usable: number): boolean {
    const data = this.data;
    for (let k = ws; k < we; k++) {
      const c = data[k];
      if (c === nd.upper || c === nd.lower) return true;
    }
    for (; q < usable && (this.runs[q] ?? we) < we; q += 2) {
      if (this.fold(q).text.includes(nd.char)) return true;
    }
    return false;
  }

  private scan(data: Buffer, final: boolean): void {
    const n = data.length;
    for (const nd of this.needles) {
      if (!this.set.found[nd.index] && asciiBytesInclude(data, nd.bytes)) this.set.markFound(nd.index);
    }
    if (isAscii(data)) {
      this.tail = final ? EMPTY : data.subarray(Math.max(0, n - this.context));
      this.openRun = false;
      return;
    }
    // The latin1 text of the bytes, to find and fold non-ASCII runs by (ASCII bytes need neither).
    const text = data.toString('latin1');
    // The non-ASCII runs, as [start, end) pairs.
    const runs: number[] = [];
    NON_ASCII_BYTES.lastIndex = 0;
    for (let m = NON_ASCII_BYTES.exec(text); m !== null; m = NON_ASCII_BYTES.exec(text)) {
      runs.push(m.index, m.index + m[0].length);
    }
    this.data = data;
    this.text = text;
    this.runs = runs;
    this.runFolds = [];
    // A run touching the end may be a character cut by the chunk's end: it is looked at with the next chunk.
    const open = !final && runs.length > 0 && runs[runs.length - 1] === n;
    const usable = open ? runs.length - 2 : runs.length;
    // Where the bytes end that may be folded now: the open run is not.
    const limit = open ? (runs[usable] ?? n) : n;
    for (let r = 0; r < usable && !this.set.done; r += 2) {
      if (!this.fold(r).joins) continue;
      const ws = this.leftEdge(r);
      let we = this.rightEdge(r, usable, limit);
      // Merge the runs this window reaches into it (each lies in it whole), with the right context of those that join.
      while (r + 2 < usable && (runs[r + 2] ?? n) < we) {
        r += 2;
        if (this.fold(r).joins) we = Math.max(we, this.rightEdge(r, usable, limit));
      }
      let q = r;
      while (q >= 2 && (runs[q - 1] ?? 0) > ws) q -= 2;
      // Only windows that may hold a needle are folded (most hold no needle's rarest letter).
      let relevant = false;
      for (const nd of this.needles) {
        if (!this.set.found[nd.index] && this.hasAnchor(nd.bytes, ws, we, q, usable)) relevant = true;
      }
      if (!relevant) continue;
      // The window folded: ASCII stretches upper-cased, the runs in it from the cache.
      let folded = '';
      let j = ws;
      for (; q < usable && (runs[q] ?? n) < we; q += 2) {
        const a = runs[q] ?? 0;
        folded += text.slice(j, a).toUpperCase() + this.fold(q).text;
        j = runs[q + 1] ?? 0;
      }
      folded += text.slice(j, we).toUpperCase();
      for (const nd of this.needles) {
        if (!this.set.found[nd.index] && folded.includes(nd.text)) this.set.markFound(nd.index);
      }
    }
    this.data = EMPTY;
    this.text = '';
    this.runs = [];
    this.runFolds = [];
    // Keep what a match or a cut character could still span: the open run and the context before it, or the
    // context before the end.
    let from = limit - this.context;
    from = Math.max(0, from);
    while (from > 0 && (data[from - 1] ?? 0) >= 0x80) from--;
    // A view, not a copy: the chunks given to push are not written to afterwards (each is a fresh buffer).
    this.tail = final ? EMPTY : data.subarray(from);
    this.openRun = open;
  }
}

/**
 * Text of a SEARCH string argument, decoded from the command's CHARSET and case-folded. RFC 3501: "US-ASCII MUST be
 * supported"; 8-bit bytes under US-ASCII are taken as UTF-8 (else ISO-8859-1), the lenient reading clients that
 * forget CHARSET expect. Throws RangeError for a charset {@link isKnownCharset} rejects; the caller answers
 * NO [BADCHARSET].
 */
export function searchNeedle(value: Uint8Array, charset: string): string {
  if (!isKnownCharset(charset)) throw new RangeError(`unsupported search charset ${charset}`);
  return foldCase(decodeCharset(value, charset));
}

/**
 * Whether the header block `raw` (bytes as served) holds the folded ASCII `needle` as {@link decodeHeaderValue} and
 * {@link foldCase} would show it, for a needle without whitespace or line ends (see {@link headerNeedleRaw}): when
 * the block has no encoded word its bytes are searched as they are, as a text part in no charset is
 * ({@link AsciiNeedleScanner}): unfolding only removes line ends before whitespace, which such a needle cannot span.
 * Otherwise the block is decoded and searched ({@link foldedIncludesAscii}).
 */
export function headerIncludesAscii(raw: Buffer, needle: string, pattern: RegExp = asciiPattern(needle)): boolean {
  if (raw.indexOf(ENCODED_WORD_START) < 0) {
    const set = new NeedleSet([needle]);
    const scanner = new AsciiNeedleScanner(set, undefined);
    scanner.push(raw);
    scanner.end();
    return set.found[0] === true;
  }
  // Decoded without unfolding: the needle cannot span a folding line break either way.
  if (!isAscii(raw)) return foldedIncludesAscii(decodeHeaderValue(raw, false), needle, pattern);
  // ASCII bytes (the usual header): a match within a stretch of plain text is in the bytes as they are, so each
  // stretch is searched in place; a match that uses decoded words reaches at most needle.length - 1 characters
  // into the stretches around them, so only the decoded words with that much of each stretch are folded, cut
  // stretches closed by U+FFFF (no ASCII needle matches across it, and it folds to itself).
  const s = raw.toString('latin1');
  const nd = byteNeedle(needle);
  const reach = needle.length - 1;
  const near: string[] = [];
  let found = false;
  headerPieces(
    s,
    (a, b) => {
      if (found) return;
      if (asciiBytesInclude(raw.subarray(a, b), nd)) found = true;
      else near.push(b - a > 2 * reach + 1 ? s.slice(a, a + reach) + '\uffff' + s.slice(b - reach, b) : s.slice(a, b));
    },
    (decoded) => near.push(decoded),
  );
  return found || foldedIncludesAscii(near.join(''), needle, pattern);
}

const ENCODED_WORD_START = Buffer.from('=?');

/** Whether {@link headerIncludesAscii} may be asked for `needle` (folded): ASCII, without SP, HT, CR or LF. */
export function headerNeedleRaw(needle: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x08\x0b\x0c\x0e-\x1f\x21-\x7f]*$/.test(needle);
}

/** Folded non-ASCII runs of JS text, for {@link foldedIncludesAscii} (bounded: cleared when full). */
const TEXT_FOLDS = new Map<string, FoldedRun>();

// eslint-disable-next-line no-control-regex
const NON_ASCII_UNITS = /[^\x00-\x7f]+/g;

function foldTextRun(run: string): FoldedRun {
  let f = TEXT_FOLDS.get(run);
  if (f === undefined) {
    const folded = foldCase(run);
    f = foldedRun(folded);
    if (TEXT_FOLDS.size >= 4096) TEXT_FOLDS.clear();
    TEXT_FOLDS.set(run, f);
  }
  return f;
}

/**
 * Where the window around non-ASCII run `r` starts (runs: start/end offsets in pairs): `reach` folded characters
 * before the run (an ASCII unit counts one, a run its folded length), or the start, or sooner where no match can
 * cross a run's edge (see {@link FoldedRun}). Always at an ASCII unit or a run's edge. Shared by the byte scanner
 * and the decoded-text search.
 */
function windowLeft(runs: readonly number[], reach: number, r: number, fold: (q: number) => FoldedRun): number {
  let need = reach;
  let pos = runs[r] ?? 0;
  if (!fold(r).left) return pos;
  for (let q = r - 2; need > 0; q -= 2) {
    const gap = q >= 0 ? (runs[q + 1] ?? 0) : 0;
    if (pos - gap >= need) return pos - need;
    need -= pos - gap;
    pos = gap;
    if (q < 0) break;
    const f = fold(q);
    if (!f.right) break;
    pos = runs[q] ?? 0;
    need -= f.text.length;
  }
  return pos;
}

/** As {@link windowLeft}, after the run: runs at or past index `usable` do not count, and never past `limit`. */
function windowRight(runs: readonly number[], reach: number, r: number, usable: number, limit: number,
  fold: (q: number) => FoldedRun): number {
  let need = reach;
  let pos = runs[r + 1] ?? 0;
  if (!fold(r).right) return pos;
  for (let q = r + 2; need > 0; q += 2) {
    const gap = q < usable ? (runs[q] ?? 0) : limit;
    if (gap - pos >= need) return pos + need;
    need -= gap - pos;
    pos = gap;
    if (q >= usable) break;
    const f = fold(q);
    if (!f.left) break;
    pos = runs[q + 1] ?? 0;
    need -= f.text.length;
  }
  return pos;
}

/**
 * Whether `foldCase(text)` contains `needle`, a needle that is ASCII once folded (as {@link foldCase} left it),
 * without folding the whole text: the reasoning of {@link AsciiNeedleScanner}, on text already decoded. ASCII
 * characters fold to their upper case in place, so the needle is first looked for among them by a case-insensitive
 * pattern; a match that uses folded non-ASCII characters lies within needle.length - 1 folded characters of a
 * non-ASCII run whose folded text has an ASCII character, so only windows around such runs are folded and searched.
 * Folding a run alone gives its piece of the folded whole (toUpperCase is context-free, and NFKD neither reorders nor
 * composes across ASCII characters). SEARCH TEXT folds every header this way (test/unit/search-decode.test.ts
 * compares it with folding the whole). `pattern` is {@link asciiPattern} of the needle; `ascii` true promises the
 * text is ASCII (the caller knows it cheaper than a scan of the text).
 */
export function foldedIncludesAscii(text: string, needle: string, pattern: RegExp = asciiPattern(needle), ascii = false): boolean {
  if (needle.length === 0 || pattern.test(text)) return true;
  if (ascii) return false;
  const runs: number[] = [];
  NON_ASCII_UNITS.lastIndex = 0;
  for (let m = NON_ASCII_UNITS.exec(text); m !== null; m = NON_ASCII_UNITS.exec(text)) runs.push(m.index, m.index + m[0].length);
  const n = text.length;
  const count = runs.length;
  const reach = needle.length - 1;
  const fold = (q: number): FoldedRun => foldTextRun(text.slice(runs[q] ?? 0, runs[q + 1] ?? 0));
  // The window edges: `reach` folded characters from run r's edge (an ASCII character counts one, a run its folded
  // length), or the text's edge, or sooner where no match can cross (FoldedRun); always at an ASCII character or a
  // run's edge.
  const left = (r: number): number => windowLeft(runs, reach, r, fold);
  const right = (r: number): number => windowRight(runs, reach, r, count, n, fold);
  for (let r = 0; r < count; r += 2) {
    if (!fold(r).joins) continue;
    const ws = left(r);
    let we = right(r);
    while (r + 2 < count && (runs[r + 2] ?? n) < we) {
      r += 2;
      if (fold(r).joins) we = Math.max(we, right(r));
    }
    let q = r;
    while (q >= 2 && (runs[q - 1] ?? 0) > ws) q -= 2;
    let folded = '';
    let j = ws;
    for (; q < count && (runs[q] ?? n) < we; q += 2) {
      folded += text.slice(j, runs[q]).toUpperCase() + fold(q).text;
      j = runs[q + 1] ?? 0;
    }
    folded += text.slice(j, we).toUpperCase();
    if (folded.includes(needle)) return true;
  }
  return false;
}
