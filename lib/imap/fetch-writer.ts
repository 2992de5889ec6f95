/**
 * The FETCH writer: one untagged `* <seq> FETCH (...)` response (RFC 3501 §6.4.5, §7.4.2; BINARY of RFC 3516) for
 * one message, written into the {@link ResponseSink}.
 *
 * Sizes before bytes (ARCHITECTURE.md rule 4): every body literal is announced from the index (`{n}` computed from the
 * served sizes the driver knows without reading) and then streamed from the mailbox chunk by chunk, counting; if
 * the mailbox yields more or fewer bytes than announced, {@link FetchSizeMismatch} is thrown and the connection
 * must be dropped, since the client's view of the literal is already broken. A 200 MB message is never held.
 *
 * Everything that can fail without being fatal (parsing the MIME structure, an unknown Content-Transfer-Encoding
 * for BINARY, reading the header) happens before the first byte of the response is queued, so a command that
 * fails with NO leaves nothing half-written in the sink.
 *
 * Few writes (rule 5a): the response is queued into the sink, which gathers it; large literals flush by
 * themselves in pieces of about 64 KiB ({@link ResponseSink.maybeFlush}). The caller flushes after the last
 * response of the command (usually together with the tagged OK).
 *
 * A FETCH whose items are all in the index or kept by the mailbox is written by fetch-kept.ts without awaiting per
 * message; it reads the names of the kept values ({@link CACHED}) from here. INTERNALDATE is written by
 * internal-date.ts.
 */
import type { ResponseSink } from '../io/sink.js';
import { encodeBody, encodeBodyStructure, resolvePart, sectionData, type SectionData } from '../mail/bodystructure.js';
import { contentDecoder, type ContentDecoder } from '../mail/cte.js';
import { writeEnvelope } from '../mail/envelope.js';
import { Header, selectHeaderFields } from '../mail/header.js';
import { type MimePart, parseMimeStream } from '../mail/mime.js';
import { generatePreview } from '../mail/preview.js';
import { Flag, type MessageMeta, type OpenMailbox, type SizedBody } from '../mailbox/driver.js';
import { ByteWriter, fetchItemName, ResponseBuilder, writeFlagList } from '../wire/encode.js';
import type { FetchAtt, PartialRange, Section } from '../wire/parser.js';
import { emailIdOf } from './email-id.js';
import { formatInternalDate, writeInternalDate } from './internal-date.js';
import { StreamBroken } from './errors.js';

/**
 * The mailbox yielded a different number of bytes than the literal announced. FATAL: part of the response is
 * already queued (maybe sent); the session must log it and close the connection without another byte.
 */
export class FetchSizeMismatch extends StreamBroken {
  constructor(
    readonly announced: number,
    readonly actual: number,
  ) {
    super(`FETCH literal announced ${announced} octets but the mailbox gave ${actual}`);
    this.name = 'FetchSizeMismatch';
  }
}

/**
 * A FETCH item that cannot be answered; nothing of the response was written. `UNKNOWN-CTE`: RFC 3516 §4.3 "If
 * the server does not know how to decode the section's Content-Transfer-Encoding, it MUST fail the request and
 * issue a 'NO' response that contains the 'UNKNOWN-CTE' extended response code."
 */
export class FetchError extends Error {
  constructor(
    readonly code: 'UNKNOWN-CTE',
    message: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchOptions {
  /** UID FETCH: the UID item is always included (at the front when the client did not ask for it). */
  readonly uid: boolean;
  /** Whether fetching a body sets \Seen (false for a mailbox opened with EXAMINE). */
  readonly markSeen: boolean;
  /** Whether FLAGS shows \Recent on the messages that have it (not in an IMAP4rev2 session, RFC 9051). */
  readonly recent: boolean;
  /**
   * MIME trees by UID, kept by the session for the selected mailbox (clients fetch BODYSTRUCTURE, then sections):
   * filled here when a tree is parsed. The session owns it and clears it when it deselects.
   */
  readonly structureCache?: Map<number, MimePart>;
  /**
   * CONDSTORE is on (RFC 7162 §3.1): a response that sets \Seen implicitly carries UID and MODSEQ as well as FLAGS,
   * as every FETCH response caused by a flag change does; the \Seen is then written before the response (its MODSEQ
   * is the write's), not at the end of the command.
   */
  readonly condstore?: boolean;
}

/**
 * One item's value, ready to write: protocol text, a literal streamed from the mailbox, the header an ENVELOPE is
 * written from, or a value read from the index as it is written (FLAGS after \Seen is set).
 */
type Value =
  | { readonly kind: 'text'; readonly text: Buffer | string }
  | { readonly kind: 'literal'; readonly body: SizedBody; readonly literal8: boolean }
  | { readonly kind: 'envelope'; readonly header: Buffer }
  | { readonly kind: 'flags' | 'uid' | 'internaldate' | 'size' | 'modseq' };

interface Item {
  readonly name: string;
  readonly value: Value;
}

/**
 * The names under which the mailbox keeps values this writer derives (OpenMailbox.cached): each names its
 * encoding too. Change the name whenever what is written for the item changes (a fix in the BODYSTRUCTURE or
 * ENVELOPE encoder, a new session mode that writes them otherwise), so that no session serves a value made the old
 * way.
 */
export const CACHED = {
  envelope: 'imap.envelope.1', body: 'imap.body.1', bodystructure: 'imap.bodystructure.1',
  // RFC 8970's preview as the IMAP string it is sent as (lib/mail/preview.ts's text, UTF-8, quoted or a literal).
  preview: 'imap.preview.1',
} as const;

/** The items whose values are read from the index as they are written: the same for every message. */
const FLAGS_ITEM: Item = { name: 'FLAGS', value: { kind: 'flags' } };
const UID_ITEM: Item = { name: 'UID', value: { kind: 'uid' } };
const DATE_ITEM: Item = { name: 'INTERNALDATE', value: { kind: 'internaldate' } };
const SIZE_ITEM: Item = { name: 'RFC822.SIZE', value: { kind: 'size' } };
const MODSEQ_ITEM: Item = { name: 'MODSEQ', value: { kind: 'modseq' } };

/** Whether fetching `att` sets \Seen (RFC 3501 §6.4.5: BODY[...] and RFC822[.TEXT] do; .PEEK and BINARY.PEEK not). */
function setsSeen(att: FetchAtt): boolean {
  switch (att.kind) {
    case 'body-section':
    case 'binary-section':
      return !att.peek;
    case 'RFC822':
    case 'RFC822.TEXT':
      return true;
    default:
      return false;
  }
}

/** A SizedBody over bytes in memory. */
function bytesBody(b: Buffer): SizedBody {
  return {
    size: b.length,
    async *chunks(): AsyncIterable<Uint8Array> {
      if (b.length > 0) yield b;
    },
  };
}

/** Skips `skip` bytes of `src` and yields at most `length` after them. */
async function* cut(src: AsyncIterable<Uint8Array>, skip: number, length: number): AsyncIterable<Uint8Array> {
  let left = length;
  for await (let c of src) {
    if (left <= 0) return;
    if (skip > 0) {
      if (c.length <= skip) {
        skip -= c.length;
        continue;
      }
      c = c.subarray(skip);
      skip = 0;
    }
    if (c.length > left) c = c.subarray(0, left);
    left -= c.length;
    yield c;
  }
}

/** RFC 3501 §6.4.5 partial: "If the starting octet is beyond the end of the text, an empty string is returned." */
function clip(size: number, p: PartialRange | null): { start: number; end: number } {
  if (p === null) return { start: 0, end: size };
  const start = Math.min(p.offset, size);
  return { start, end: Math.min(size, start + p.length) };
}

/** Per-message state shared by the items of one response. */
class MessageReader {
  private root: MimePart | null = null;
  private headerBytes: Buffer | null = null;
  /** Served sizes from the index (no reading): the whole message and its header (with the empty line). */
  readonly total: number;
  readonly headerSize: number;

  /**
   * `meta` is `box.meta(seq)`. Asking for the text first is what makes a FETCH of a message another session
   * expunged fail (MailboxError CORRUPT) before anything is written, whatever the items.
   */
  constructor(
    readonly box: OpenMailbox,
    readonly seq: number,
    meta: MessageMeta,
    private readonly cache: Map<number, MimePart> | undefined,
  ) {
    const text = box.text(seq).size;
    this.total = meta.size;
    this.headerSize = this.total - text;
  }

  async header(): Promise<Buffer> {
    this.headerBytes ??= await this.box.header(this.seq);
    return this.headerBytes;
  }

  /**
   * BODY or BODYSTRUCTURE: kept by the mailbox from an earlier session, or encoded from the MIME tree (and then kept
   * for the next).
   */
  async structureText(field: string, encode: (root: MimePart) => Buffer): Promise<Buffer> {
    const kept = this.box.cached(this.seq, field);
    if (kept !== null) return kept;
    const text = encode(await this.structure());
    await this.box.keep(this.seq, field, text);
    return text;
  }

  /**
   * PREVIEW (RFC 8970 §3): kept by the mailbox, or worked out from the body's first bytes (lib/mail/preview.ts) and
   * kept for later commands and sessions, as the IMAP string it is sent as: 8-bit text goes as a literal (the
   * encoder's rule; in IMAP4rev1 a quoted string is 7-bit), as in RFC 8970 §5's first example.
   *
   * LAZY (§4.1) asks for the preview "only if that data can be returned without undue delay": here, when it is kept;
   * otherwise NIL, and nothing is worked out meanwhile. A session is one process serving one command at a time, so
   * working previews out after the command would only hold up the client's next one, which is the delay LAZY asks
   * to avoid; and §4.2 has the client ask again without LAZY for the messages it got NIL for (in the background,
   * in small batches): that request works them out and keeps them, and from then on every session's LAZY has them.
   */
  async preview(lazy: boolean): Promise<Buffer | string> {
    const kept = this.box.cached(this.seq, CACHED.preview);
    if (kept !== null) return kept;
    if (lazy) return 'NIL';
    const text = await generatePreview(await this.header(), this.box.text(this.seq).chunks());
    const value = new ResponseBuilder().string(Buffer.from(text, 'utf8')).toBuffer();
    await this.box.keep(this.seq, CACHED.preview, value);
    return value;
  }

  /** The MIME tree, parsed once by streaming the served message (cached by UID). */
  async structure(): Promise<MimePart> {
    if (this.root !== null) return this.root;
    const uid = this.box.meta(this.seq).uid;
    let root = this.cache?.get(uid);
    if (root === undefined) {
      root = await parseMimeStream(this.box.message(this.seq).chunks());
      this.cache?.set(uid, root);
    }
    this.root = root;
    return root;
  }

  /**
   * Bytes [start, end) of the served message, streamed: the driver's whole message, a range of its text (text
   * offsets count served octets after the header), or the header bytes then the start of the text.
   */
  range(start: number, end: number): SizedBody {
    const size = end - start;
    const hsize = this.headerSize;
    if (start === 0 && end === this.total) return { size, chunks: () => this.box.message(this.seq).chunks() };
    if (start >= hsize) return this.box.text(this.seq, { offset: start - hsize, length: size });
    return {
      size,
      chunks: async function* (this: MessageReader): AsyncIterable<Uint8Array> {
        const h = await this.header();
        yield h.subarray(start, Math.min(end, h.length));
        if (end > hsize) yield* this.box.text(this.seq, { offset: 0, length: end - hsize }).chunks();
      }.bind(this),
    };
  }

  /** Section data (a range of the served message or bytes built from a header), null if there is no such part. */
  async section(s: Section): Promise<SectionData | null> {
    if (s.part.length === 0) {
      switch (s.text?.kind) {
        case undefined:
          return { kind: 'range', start: 0, end: this.total };
        case 'HEADER':
          return { kind: 'range', start: 0, end: this.headerSize };
        case 'TEXT':
          return { kind: 'range', start: this.headerSize, end: this.total };
        case 'HEADER.FIELDS':
          return { kind: 'bytes', bytes: selectHeaderFields(await this.header(), s.text.fields, s.text.not) };
        case 'MIME':
          return null; // MIME needs a part number (the parser refuses it; kept total)
      }
    }
    const root = await this.structure();
    const t = s.text;
    return sectionData(root, {
      path: s.part,
      text: t === null ? 'ALL' : t.kind === 'HEADER.FIELDS' ? (t.not ? 'HEADER.FIELDS.NOT' : 'HEADER.FIELDS') : t.kind,
      ...(t?.kind === 'HEADER.FIELDS' ? { fields: t.fields } : {}),
    });
  }

  /** `BODY[section]<partial>`: the literal to send. A missing section is an empty string (as Dovecot and UW). */
  async bodySection(s: Section, partial: PartialRange | null): Promise<Value> {
    const d = await this.section(s);
    if (d === null) return { kind: 'literal', body: bytesBody(Buffer.alloc(0)), literal8: false };
    if (d.kind === 'bytes') {
      const { start, end } = clip(d.bytes.length, partial);
      return { kind: 'literal', body: bytesBody(d.bytes.subarray(start, end)), literal8: false };
    }
    const { start, end } = clip(d.end - d.start, partial);
    return { kind: 'literal', body: this.range(d.start + start, d.start + end), literal8: false };
  }

  /**
   * The decoded content of a part for BINARY (RFC 3516 §4.2): the part's body after removing its
   * Content-Transfer-Encoding. An empty part path is the whole message: its header as is, then its body decoded.
   * Null when there is no such part. Throws {@link FetchError} UNKNOWN-CTE.
   */
  async decoded(part: readonly number[]):
      Promise<{ prefix: SizedBody | null; raw: SizedBody; identity: boolean; decoder: () => ContentDecoder } | null> {
    const root = await this.structure();
    const p = resolvePart(root, part);
    if (p === null) return null;
    const cte = new Header(p.header).field('content-transfer-encoding');
    const name = cte === undefined ? '7bit' : cte.raw.toString('latin1').replace(/\([^()]*\)/g, '').trim().toLowerCase();
    if (!['7bit', '8bit', 'binary', 'base64', 'quoted-printable', ''].includes(name)) {
      throw new FetchError('UNKNOWN-CTE', `Unknown Content-Transfer-Encoding ${name.slice(0, 40)}`);
    }
    return {
      prefix: part.length === 0 ? this.range(0, p.bodyStart) : null,
      raw: this.range(p.bodyStart, p.bodyEnd),
      identity: name !== 'base64' && name !== 'quoted-printable',
      decoder: () => contentDecoder(name),
    };
  }
}

/**
 * What `BODY.PEEK[section]<partial>` of message `seq` would send, as a body to read (CATENATE's URLs, RFC 4469 §3:
 * "as if the literal returned in a FETCH BODY response were put in place"); null when the message has no such
 * part. `structures` is the selection's cache of MIME trees, when `box` is the selected mailbox.
 */
export async function sectionBody(box: OpenMailbox, seq: number, section: Section | null, partial: PartialRange | null,
  structures?: Map<number, MimePart>): Promise<SizedBody | null> {
  const r = new MessageReader(box, seq, box.meta(seq), structures);
  const d = await r.section(section ?? { part: [], text: null });
  if (d === null) return null;
  if (d.kind === 'bytes') {
    const { start, end } = clip(d.bytes.length, partial);
    return bytesBody(d.bytes.subarray(start, end));
  }
  const { start, end } = clip(d.end - d.start, partial);
  return r.range(d.start + start, d.start + end);
}

/** Decoded bytes of `raw` after an optional undecoded prefix. */
async function* decodeStream(prefix: SizedBody | null, raw: SizedBody, decoder: ContentDecoder): AsyncIterable<Uint8Array> {
  if (prefix !== null) yield* prefix.chunks();
  for await (const c of raw.chunks()) yield* decoder.push(c);
  yield* decoder.end();
}

/** Decoded data kept in memory when it is at most this large; larger data is decoded again while it is sent. */
const KEEP_DECODED = 256 * 1024;

/**
 * `BINARY[part]<partial>` (literal8 only when the data holds a NUL, RFC 3516 §4.2: "If the domain of the decoded
 * data is '8bit' and the data does not contain the NUL octet, the server SHOULD return the data in a <string>") or
 * `BINARY.SIZE[part]` (the decoded size). The size has to be known before the data goes out, so the part is decoded
 * once to count (kept if small) and, if large, decoded again while streaming (the count is checked against it).
 */
async function binary(r: MessageReader, part: readonly number[], partial: PartialRange | null, sizeOnly: boolean): Promise<Value> {
  const src = await r.decoded(part);
  if (src === null) return { kind: 'text', text: sizeOnly ? '0' : 'NIL' };
  // Nothing to decode: the size is known without reading.
  if (sizeOnly && src.identity) return { kind: 'text', text: String((src.prefix?.size ?? 0) + src.raw.size) };
  let total = 0;
  let nul = false;
  const kept: Uint8Array[] = [];
  let keptSize = 0;
  let keeping = !sizeOnly;
  const window = { start: partial?.offset ?? 0, end: partial === null ? Infinity : partial.offset + partial.length };
  for await (const c of decodeStream(src.prefix, src.raw, src.decoder())) {
    if (!sizeOnly) {
      const s = Math.max(0, window.start - total);
      const e = Math.min(c.length, window.end - total);
      if (e > s) {
        const inWindow = c.subarray(s, e);
        if (!nul && inWindow.includes(0)) nul = true;
        if (keeping) {
          kept.push(inWindow);
          keptSize += inWindow.length;
          if (keptSize > KEEP_DECODED) {
            keeping = false;
            kept.length = 0;
          }
        }
      }
    }
    total += c.length;
  }
  if (sizeOnly) return { kind: 'text', text: String(total) };
  const { start, end } = clip(total, partial);
  if (keeping) return { kind: 'literal', body: bytesBody(Buffer.concat(kept)), literal8: nul };
  return {
    kind: 'literal',
    literal8: nul,
    body: { size: end - start, chunks: () => cut(decodeStream(src.prefix, src.raw, src.decoder()), start, end - start) },
  };
}

/** Queues the body of a literal whose `{n}` CRLF is queued, checking its count against n (throws {@link FetchSizeMismatch}). */
async function streamLiteral(out: ResponseSink, body: SizedBody): Promise<void> {
  const size = body.size;
  if (size === 0) return;
  let n = 0;
  try {
    for await (const c of body.chunks()) {
      n += c.length;
      if (n > size) throw new FetchSizeMismatch(size, n);
      out.write(c);
      await out.maybeFlush();
    }
  } catch (e) {
    // `{size}` is out: whatever failed (a read error, the file changed), the rest of the literal cannot follow.
    if (e instanceof StreamBroken) throw e;
    throw new StreamBroken(`FETCH literal of ${size} octets broke off after ${n}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (n !== size) throw new FetchSizeMismatch(size, n);
}

/**
 * The response being built, reused for every message: written only between one await and the next, and handed to
 * the sink (copied) before each await, so it is empty whenever another writeFetch could run.
 */
const line = new ByteWriter();

/**
 * Writes `* <seq> FETCH (<items>)` CRLF for message `seq` of `box` into `out`, items in the order of `atts`
 * (after UID for UID FETCH when the client did not name it). Items: FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE,
 * BODY, BODYSTRUCTURE, UID, RFC822 (= BODY[]), RFC822.HEADER (= BODY.PEEK[HEADER]), RFC822.TEXT (= BODY[TEXT]),
 * BODY[section]<partial> in every section form, BINARY[part]<partial>, BINARY.SIZE[part], MODSEQ (RFC 7162),
 * PREVIEW (RFC 8970; never sets \Seen), EMAILID and THREADID (RFC 8474), SAVEDATE (RFC 8514).
 *
 * When `opts.markSeen` and a non-PEEK body item is fetched from a message without \Seen, \Seen is set through
 * `box.setFlags` before the response is written and FLAGS is added at the end of the response if not requested
 * (RFC 3501 §6.4.5: "the \Seen flag is implicitly set; if this causes the flags to change, they SHOULD be
 * included as part of the FETCH responses"). Returns `seenSet` true then.
 *
 * The response is built as bytes (numbers, dates, flags and the ENVELOPE written straight into one buffer) and
 * queued in one piece, or one piece before each literal. Does not flush the sink beyond what large literals flush by
 * themselves: the caller flushes (and, on an error, decides). Throws {@link FetchError} (NO, nothing written for
 * this message), {@link FetchSizeMismatch} (fatal: drop the connection), MailboxError from the driver (before the
 * first byte if reading the header or structure failed; otherwise mid-literal, which is fatal as well).
 */
export async function writeFetch(
  out: ResponseSink,
  box: OpenMailbox,
  seq: number,
  atts: readonly FetchAtt[],
  opts: FetchOptions,
): Promise<{ seenSet: boolean }> {
  const meta = box.meta(seq);
  const r = new MessageReader(box, seq, meta, opts.structureCache);
  const items: Item[] = [];
  if (opts.uid && !atts.some((a) => a.kind === 'UID')) items.push(UID_ITEM);

  // Prepare every value first: failures that are not fatal happen before anything is queued.
  for (const att of atts) {
    const name = fetchItemName(att);
    switch (att.kind) {
      case 'FLAGS':
        items.push(FLAGS_ITEM);
        break;
      case 'UID':
        items.push(UID_ITEM);
        break;
      case 'INTERNALDATE':
        items.push(DATE_ITEM);
        break;
      case 'RFC822.SIZE':
        items.push(SIZE_ITEM);
        break;
      case 'MODSEQ':
        items.push(MODSEQ_ITEM);
        break;
      // fetch-emailid-resp = "EMAILID" SP "(" objectid ")" (RFC 8474 §7; email-id.ts says how it is made)
      case 'EMAILID':
        items.push({ name, value: { kind: 'text', text: `(${await emailIdOf(box, seq)})` } });
        break;
      // fetch-threadid-resp = "THREADID" SP ( "(" objectid ")" / nil ). No threads are kept (THREAD works them out
      // per command, and an mbox has nowhere to keep one id for a thread that other programs' writes would keep
      // true): "if the server doesn't support THREADID ... it MUST return NIL to all FETCH responses" (§5.2).
      case 'THREADID':
        items.push({ name, value: { kind: 'text', text: 'NIL' } });
        break;
      // msg-att-static =/ "SAVEDATE" SP (date-time / nil) (RFC 8514 §5)
      case 'SAVEDATE':
        items.push({ name, value: { kind: 'text', text: meta.saveDate ? formatInternalDate(meta.saveDate) : 'NIL' } });
        break;
      case 'ENVELOPE': {
        const kept = box.cached(seq, CACHED.envelope);
        items.push({ name, value: kept !== null ? { kind: 'text', text: kept } : { kind: 'envelope', header: await box.parseableHeader(seq) } });
        break;
      }
      case 'BODY':
        items.push({ name, value: { kind: 'text', text: await r.structureText(CACHED.body, encodeBody) } });
        break;
      case 'BODYSTRUCTURE':
        items.push({ name, value: { kind: 'text', text: await r.structureText(CACHED.bodystructure, encodeBodyStructure) } });
        break;
      case 'RFC822':
        items.push({ name, value: await r.bodySection({ part: [], text: null }, null) });
        break;
      case 'RFC822.HEADER':
        items.push({ name, value: await r.bodySection({ part: [], text: { kind: 'HEADER' } }, null) });
        break;
      case 'RFC822.TEXT':
        items.push({ name, value: await r.bodySection({ part: [], text: { kind: 'TEXT' } }, null) });
        break;
      case 'body-section':
        items.push({ name, value: await r.bodySection(att.section, att.partial) });
        break;
      case 'binary-section':
        items.push({ name, value: await binary(r, att.part, att.partial, false) });
        break;
      case 'binary-size':
        items.push({ name, value: await binary(r, att.part, null, true) });
        break;
      case 'PREVIEW':
        items.push({ name, value: { kind: 'text', text: await r.preview(att.lazy) } });
        break;
    }
  }

  let seenSet = false;
  if (opts.markSeen && !box.readOnly && (meta.flags & Flag.Seen) === 0 && atts.some(setsSeen)) {
    box.setFlags([seq], 'add', Flag.Seen, []);
    seenSet = true;
    if (opts.condstore) {
      // The response carries UID and the MODSEQ the change got (RFC 7162 §3.1), which it gets when written: so
      // written now, not with the others at the end of the command. A write that fails (a full disk) leaves the
      // \Seen pending, with no new MODSEQ to tell.
      if (!items.includes(UID_ITEM)) items.push(UID_ITEM);
      const written = await box.checkpoint().then(() => true, () => false);
      if (written && !items.includes(MODSEQ_ITEM)) items.push(MODSEQ_ITEM);
    }
    if (!atts.some((a) => a.kind === 'FLAGS')) items.push(FLAGS_ITEM);
  }

  const w = line;
  /** An ENVELOPE written from the header: kept for the next session once the response is queued. */
  let envelope: Buffer | null = null;
  w.reset();
  w.text('* ');
  w.uint(seq);
  w.text(' FETCH (');
  let first = true;
  for (const it of items) {
    if (!first) w.byte(0x20);
    first = false;
    w.text(it.name);
    w.byte(0x20);
    const v = it.value;
    switch (v.kind) {
      case 'flags': {
        const m = box.meta(seq);
        writeFlagList(w, m.flags, opts.recent && m.recent, m.keywords);
        break;
      }
      case 'uid':
        w.uint(meta.uid);
        break;
      case 'internaldate':
        writeInternalDate(meta.internalDate, w);
        break;
      case 'size':
        w.uint(r.total);
        break;
      case 'modseq':
        // fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")" (RFC 7162 §7)
        w.byte(0x28);
        w.uint(box.meta(seq).modseq);
        w.byte(0x29);
        break;
      case 'envelope': {
        const from = w.length;
        writeEnvelope(v.header, w);
        envelope = Buffer.from(w.view().subarray(from));
        break;
      }
      case 'text':
        if (typeof v.text === 'string') w.text(v.text);
        else w.bytes(v.text);
        break;
      case 'literal':
        if (v.literal8) w.byte(0x7e);
        w.byte(0x7b);
        w.uint(v.body.size);
        w.text('}\r\n');
        out.writeCopy(w.view());
        w.reset();
        await streamLiteral(out, v.body);
        break;
    }
  }
  w.text(')\r\n');
  out.writeCopy(w.view());
  w.reset();
  w.shrink();
  if (envelope !== null) await box.keep(seq, CACHED.envelope, envelope);
  await out.maybeFlush();
  return { seenSet };
}
