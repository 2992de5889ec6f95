/**
 * RFC 5322 (ex-2822) header sections over bytes: fields and their exact original lines, unfolding, case-insensitive
 * lookup, and the IMAP `HEADER.FIELDS` / `HEADER.FIELDS.NOT` selections (address lists: address.ts; RFC 2047
 * encoded words: encoded-words.ts; dates: date.ts).
 *
 * PURE: no fs, net or process. Everything takes and returns bytes (a header may carry 8-bit text in any charset, so
 * it is never decoded as a whole). Nothing
 * here throws on malformed input: mail in the wild is broken in every way, and a FETCH must still answer.
 */

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** SP or HT: RFC 5322 WSP. */
export function isWsp(c: number | undefined): boolean {
  return c === SP || c === HT;
}

/** `b` as a Buffer, without a copy. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

// ------------------------------------------------------------------------------------------------------------------
// Fields
// ------------------------------------------------------------------------------------------------------------------

/**
 * One header field as it appears in its header section. Offsets are relative to the buffer given to
 * {@link splitHeader}; `end` includes the line terminator of the field's last line.
 */
export interface HeaderField {
  /** The field name as written (bytes before the colon, trailing whitespace removed), latin1-decoded. */
  readonly name: string;
  /** {@link name} in lower case, for case-insensitive lookup (RFC 5322 §1.2.2: field names are case-insensitive). */
  readonly key: string;
  /** Offset of the first byte of the field's first line. */
  readonly start: number;
  /** Offset just after the colon (the value, folds and all, runs from here to `end`). */
  readonly valueStart: number;
  /** Offset just after the field's last line terminator (or the end of the section). */
  readonly end: number;
  /** The raw value: bytes after the colon up to the last line's terminator (exclusive), folds kept. A view. */
  readonly raw: Buffer;
}

/**
 * The length of the header section at the start of `msg`: the offset just past the empty line that ends it
 * (RFC 5322 §2.1: "a header section, followed, optionally, by a body ... separated by an empty line"), or
 * `msg.length` if there is none. A message that starts with an empty line has an empty header of that one line.
 * Bare LF line ends are accepted as well as CRLF.
 */
function headerLength(msg: Uint8Array): number {
  let pos = 0;
  while (pos < msg.length) {
    if (msg[pos] === LF) return pos + 1;
    if (msg[pos] === CR && msg[pos + 1] === LF) return pos + 2;
    const nl = msg.indexOf(LF, pos);
    if (nl < 0) return msg.length;
    pos = nl + 1;
  }
  return msg.length;
}

/**
 * Splits a header section into fields (RFC 5322 §2.2: `field-name ":" unstructured CRLF`, continued by lines that
 * begin with WSP, §2.2.3 folding). Stops at the empty line that ends the section, if any. A line that starts a
 * field but has no colon becomes a field whose name is the whole line and whose value is empty: it is kept so that
 * `HEADER.FIELDS.NOT` returns it as Dovecot does. Continuation lines before the first field are attached to a
 * nameless field. Never throws.
 */
export function splitHeader(header: Uint8Array): HeaderField[] {
  const buf = asBuffer(header);
  const fields: HeaderField[] = [];
  eachField(buf, (start, nameEnd, valueStart, rawEnd, end) => {
    const name = isWsp(buf[start]) ? '' : buf.toString('latin1', start, nameEnd);
    fields.push({ name, key: name.toLowerCase(), start, valueStart, end, raw: buf.subarray(valueStart, rawEnd) });
    return false;
  });
  return fields;
}

/**
 * The one walk over a header section that {@link splitHeader} and the lookups share (so they agree on what a field
 * is): calls `visit` with each field's start, the end of its name (trailing whitespace removed; a field that starts
 * with whitespace is a nameless continuation at the top of the section), where its value starts, where its raw
 * value ends (line terminator excluded) and where the field ends. Stops when `visit` returns true. Makes no strings
 * and no objects.
 */
function eachField(
  buf: Buffer,
  visit: (start: number, nameEnd: number, valueStart: number, rawEnd: number, end: number) => boolean,
): void {
  const end = headerLength(buf);
  let pos = 0;
  while (pos < end) {
    const lineEnd = nextLine(buf, pos, end);
    if (lineEnd - pos <= 2 && (buf[pos] === LF || (buf[pos] === CR && buf[pos + 1] === LF))) break;
    let fEnd = lineEnd;
    while (fEnd < end && isWsp(buf[fEnd])) fEnd = nextLine(buf, fEnd, end);
    const colon = buf.indexOf(COLON, pos);
    let nameEnd: number;
    let valueStart: number;
    if (colon >= 0 && colon < lineEnd && !isWsp(buf[pos])) {
      nameEnd = colon;
      valueStart = colon + 1;
    } else {
      nameEnd = trimEol(buf, pos, lineEnd);
      valueStart = nameEnd;
    }
    while (nameEnd > pos && isWsp(buf[nameEnd - 1])) nameEnd--;
    if (visit(pos, nameEnd, valueStart, Math.max(valueStart, trimEol(buf, pos, fEnd)), fEnd)) return;
    pos = fEnd;
  }
}

/** Whether `buf[s..e)` is the lower-case ASCII `key`, compared case-insensitively. */
function nameIs(buf: Buffer, s: number, e: number, key: string): boolean {
  if (e - s !== key.length) return false;
  for (let k = 0; k < key.length; k++) {
    const c = buf[s + k] ?? 0;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== key.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The raw values of every field named `key` (lower case), in order: the fields {@link splitHeader} gives that key,
 * found by comparing names in place, without making the others (SEARCH FROM, HEADER and the like).
 */
export function valuesOf(header: Uint8Array, key: string): Buffer[] {
  const buf = asBuffer(header);
  const out: Buffer[] = [];
  eachField(buf, (start, nameEnd, valueStart, rawEnd) => {
    if (!isWsp(buf[start]) && nameIs(buf, start, nameEnd, key)) out.push(buf.subarray(valueStart, rawEnd));
    return false;
  });
  return out;
}

/**
 * The raw values of the first field named by each of `keys` (lower-case), in one walk over the section, or null
 * for those absent: what ENVELOPE needs of a header, without building every field of it. The fields are those
 * {@link splitHeader} finds (the test holds the walk to it); lines are skipped with memchr and only compared with
 * the names where they start.
 */
export function firstValues(header: Uint8Array, keys: readonly string[]): (Buffer | null)[] {
  const buf = asBuffer(header);
  const ranges = new Int32Array(2 * keys.length);
  walkFirst(buf, keys.map((k) => Buffer.from(k, 'latin1')), null, ranges);
  return keys.map((_, i) => {
    const st = ranges[2 * i] as number;
    return st < 0 ? null : buf.subarray(st, ranges[2 * i + 1]);
  });
}

/**
 * The walk of {@link firstValues} and {@link FieldSet.firstRanges}: for the i-th key (lower case, as bytes),
 * out[2i] and out[2i + 1] = where the raw value of its first field starts and ends, or -1 and -1. `byFirst`, when
 * given, lists for each byte the keys starting with it (either case); otherwise every key is tried on every line.
 */
function walkFirst(header: Buffer, keys: readonly Uint8Array[], byFirst: readonly (readonly number[])[] | null,
    out: Int32Array): void {
  const n = header.length;
  out.fill(-1, 0, 2 * keys.length);
  let left = keys.length;
  let pos = 0;
  while (pos < n && left > 0) {
    const c = header[pos] as number;
    // The empty line ends the section (as headerLength and eachField find it).
    if (c === LF || (c === CR && header[pos + 1] === LF)) return;
    let next = -1;
    const candidates = byFirst === null ? null : byFirst[c] ?? [];
    const count = candidates === null ? keys.length : candidates.length;
    for (let x = 0; x < count; x++) {
      const i = candidates === null ? x : (candidates[x] as number);
      if (out[2 * i] !== -1) continue;
      // eachField's name is the text before the line's colon, or the whole line when it has none, trailing WSP
      // removed: it is this key when the key is followed by WSP and then the colon or the line's end.
      const j = afterName(header, pos, n, keys[i] as Uint8Array);
      if (j < 0) continue;
      const valueStart = header[j] === COLON ? j + 1 : j;
      let fEnd = nextLine(header, j, n);
      while (fEnd < n && isWsp(header[fEnd])) fEnd = nextLine(header, fEnd, n);
      out[2 * i] = valueStart;
      out[2 * i + 1] = Math.max(valueStart, trimEol(header, pos, fEnd));
      left--;
      next = fEnd;
      break;
    }
    // Not a name we want, or a continuation line (WSP never starts a name): on to the next line.
    pos = next < 0 ? nextLine(header, pos, n) : next;
  }
}

/**
 * A fixed set of field names to pick the first occurrences of, for readers that run over every message of a
 * mailbox (FETCH 1:* ENVELOPE): {@link firstRanges} finds the same values as {@link firstValues}, but compares each
 * line only with the names that start with its first byte, and reports offsets instead of making a Buffer per
 * value.
 */
export class FieldSet {
  /** The names, lower case, as bytes. */
  private readonly keys: Uint8Array[];
  /** For each byte, the indexes of the names that start with it (either case). */
  private readonly byFirst: (readonly number[])[];

  /** How many names. */
  get size(): number {
    return this.keys.length;
  }

  /** `names` in lower case (ASCII). */
  constructor(names: readonly string[]) {
    this.keys = names.map((n) => Buffer.from(n, 'latin1'));
    const byFirst: number[][] = Array.from({ length: 256 }, () => []);
    this.keys.forEach((k, i) => {
      const c = k[0] ?? 0;
      byFirst[c]?.push(i);
      if (c >= 0x61 && c <= 0x7a) byFirst[c - 0x20]?.push(i);
    });
    this.byFirst = byFirst;
  }

  /**
   * For the i-th name, `out[2i]` and `out[2i + 1]` are where the raw value of the first field of that name starts
   * and ends in `header` (what {@link firstValues} would return a view of), or both -1 when there is none. `out` must
   * hold two entries per name. Never throws.
   */
  firstRanges(bytes: Uint8Array, out: Int32Array): void {
    walkFirst(asBuffer(bytes), this.keys, this.byFirst, out);
  }

  /**
   * Every field of these names, as {@link selectHeaderFields} gives them (the lines as they are, in order, each
   * ended, then the empty line), found as {@link firstRanges} finds the first: each line compared only with the
   * names that start with its first byte.
   */
  select(bytes: Uint8Array): Buffer {
    const b = asBuffer(bytes);
    const n = b.length;
    const out = Buffer.allocUnsafe(n + 4);
    let o = 0;
    let pos = 0;
    while (pos < n) {
      const c = b[pos] as number;
      if (c === LF || (c === CR && b[pos + 1] === LF)) break;
      let next = -1;
      for (const i of this.byFirst[c] ?? []) {
        const j = afterName(b, pos, n, this.keys[i] as Uint8Array);
        if (j < 0) continue;
        let fEnd = nextLine(b, j, n);
        while (fEnd < n && isWsp(b[fEnd])) fEnd = nextLine(b, fEnd, n);
        o += b.copy(out, o, pos, fEnd);
        if (b[fEnd - 1] !== LF) {
          out[o++] = CR;
          out[o++] = LF;
        }
        next = fEnd;
        break;
      }
      pos = next < 0 ? nextLine(b, pos, n) : next;
    }
    out[o++] = CR;
    out[o++] = LF;
    return out.subarray(0, o);
  }
}

/**
 * Where the field name `key` (lower case) ends at b[pos..]: the offset of the colon after it, or of its line's end
 * (CR LF, LF, a CR ending the section, or n) for a line without one, WSP between allowed; -1 when the line's name is
 * something else.
 */
function afterName(b: Buffer, pos: number, n: number, key: Uint8Array): number {
  const k = key.length;
  if (pos + k > n) return -1;
  for (let i = 0; i < k; i++) {
    const c = b[pos + i] as number;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== key[i]) return -1;
  }
  let j = pos + k;
  while (j < n && isWsp(b[j])) j++;
  if (j === n) return j;
  const c = b[j];
  return c === COLON || c === LF || (c === CR && (j + 1 === n || b[j + 1] === LF)) ? j : -1;
}

/** FieldSet ranges as views: what {@link firstValues} returns for the set's names. Never throws. */
export function fieldValues(set: FieldSet, header: Uint8Array, scratch: Int32Array): (Buffer | null)[] {
  const buf = asBuffer(header);
  set.firstRanges(buf, scratch);
  const out: (Buffer | null)[] = [];
  for (let i = 0; i < set.size; i++) {
    const s = scratch[2 * i] as number;
    out.push(s < 0 ? null : buf.subarray(s, scratch[2 * i + 1]));
  }
  return out;
}

/** The offset after the LF that ends the line holding `pos`, or `end` (memchr: faster than a loop for a line). */
function nextLine(buf: Buffer, pos: number, end: number): number {
  const nl = buf.indexOf(LF, pos);
  return nl < 0 || nl >= end ? end : nl + 1;
}

/** The offset of the line terminator (CRLF or LF) ending at `lineEnd`, or `lineEnd` if the line has none. */
function trimEol(buf: Uint8Array, start: number, lineEnd: number): number {
  let e = lineEnd;
  if (e > start && buf[e - 1] === LF) e--;
  if (e > start && buf[e - 1] === CR) e--;
  return e;
}

/**
 * Unfolds a raw value (RFC 5322 §2.2.3: "Unfolding is accomplished by simply removing any CRLF that is immediately
 * followed by WSP"): every CR and LF is removed, the whitespace after them kept. Returns a new Buffer.
 */
export function unfold(raw: Uint8Array): Buffer {
  const b = asBuffer(raw);
  if (b.indexOf(LF) < 0 && b.indexOf(CR) < 0) return Buffer.from(b);
  const out = Buffer.allocUnsafe(b.length);
  let n = 0;
  for (const c of b) if (c !== CR && c !== LF) out[n++] = c;
  return out.subarray(0, n);
}

/** A parsed header section: its fields and case-insensitive lookup. Owns nothing beyond views of the input. */
export class Header {
  private split: readonly HeaderField[] | null = null;

  /**
   * Keeps `header` (the section, with or without its empty line; anything after that line is ignored). Fields are
   * split only when all of them are asked for: a lookup by name walks the bytes without building the others.
   */
  constructor(readonly bytes: Buffer) {}

  get fields(): readonly HeaderField[] {
    this.split ??= splitHeader(this.bytes);
    return this.split;
  }

  /** All fields named `name` (case-insensitive), in order. */
  all(name: string): HeaderField[] {
    const k = name.toLowerCase();
    return this.fields.filter((f) => f.key === k);
  }

  /** The first field named `name`, or undefined. */
  field(name: string): HeaderField | undefined {
    const k = name.toLowerCase();
    if (this.split !== null) return this.split.find((f) => f.key === k);
    const buf = this.bytes;
    let found: HeaderField | undefined;
    eachField(buf, (start, nameEnd, valueStart, rawEnd, end) => {
      if (isWsp(buf[start]) || !nameIs(buf, start, nameEnd, k)) return false;
      const fieldName = buf.toString('latin1', start, nameEnd);
      found = { name: fieldName, key: k, start, valueStart, end, raw: buf.subarray(valueStart, rawEnd) };
      return true;
    });
    return found;
  }

  /**
   * The unfolded value of the first field `name` with leading whitespace removed (the form Dovecot and UW put in
   * ENVELOPE), or null if the field is absent.
   */
  value(name: string): Buffer | null {
    const f = this.field(name);
    if (f === undefined) return null;
    const u = unfold(f.raw);
    let s = 0;
    while (s < u.length && isWsp(u[s])) s++;
    return u.subarray(s);
  }
}

/**
 * The header fields SORT and THREAD read (RFC 5256), and with them all that the header keys of SEARCH most used
 * read (FROM, TO, CC, BCC, SUBJECT, SENT*): a header cut down to these answers them as the whole header would.
 */
export const SUMMARY_FIELDS: readonly string[] = [
  'date', 'subject', 'from', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references',
];

const SUMMARY_SET = new FieldSet(SUMMARY_FIELDS);

/** The header's {@link SUMMARY_FIELDS}: `selectHeaderFields(header, SUMMARY_FIELDS, false)`, found faster. */
export function summaryHeader(header: Uint8Array): Buffer {
  return SUMMARY_SET.select(header);
}

/**
 * The IMAP `HEADER.FIELDS (names)` / `HEADER.FIELDS.NOT (names)` selection (RFC 3501 §6.4.5): "the subset of the
 * header is returned" — the exact original lines of every matching field (every matching occurrence, in message
 * order, folds included), followed by the empty line: "The blank line between the header and the body is included
 * in all header fetches". Names are compared case-insensitively. Lines of the section that are not fields (a
 * nameless continuation at the very top) count as not matching. Returns a new Buffer.
 */
export function selectHeaderFields(header: Uint8Array, names: readonly string[], not: boolean): Buffer {
  const buf = asBuffer(header);
  const want = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  for (const f of splitHeader(buf)) {
    if (want.has(f.key) !== not && f.name !== '') out.push(withCrlf(buf.subarray(f.start, f.end)));
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** A field's lines, with a CRLF added if the section ended without a line terminator. */
function withCrlf(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === LF ? b : Buffer.concat([b, Buffer.from('\r\n')]);
}
