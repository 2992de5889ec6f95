/**
 * BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) of a parsed MIME tree, and section addressing for `BODY[section]<partial>`
 * (RFC 3501 §6.4.5): which bytes of the served message a section is, so FETCH can stream them from the mailbox.
 *
 * Field choices follow Dovecot 2.3 byte for byte (test/fixtures/mime): types, subtypes, parameter names and values
 * and the transfer encoding as written; defaults `"text" "plain"`, `"7bit"`; a text part without a charset parameter
 * gets `"charset" "us-ascii"` appended (RFC 2045 §5.2); a multipart with no parts shows one empty text/plain part
 * (`body-type-mpart = 1*body SP media-subtype` needs at least one). PURE.
 */
import { FieldSet, fieldValues, selectHeaderFields } from './header.js';
import { envelopeOf, envelopeValue, headerString } from './envelope.js';
import { type ImapValue, encodeImap } from '../wire/encode.js';
import { type MimeParam, type MimePart, isMessageRfc822, isMultipart, paramValue, parseDisposition } from './mime.js';

function params(list: readonly MimeParam[], defaultCharset: boolean): ImapValue {
  const out: ImapValue[] = [];
  for (const p of list) out.push(p.name, p.value);
  if (defaultCharset && paramValue(list, 'charset') === null) out.push(Buffer.from('charset'), Buffer.from('us-ascii'));
  return out.length === 0 ? null : out;
}

/** A raw value with leading and trailing SP, HT, CR and LF removed (a view). */
function trimmed(raw: Buffer | null): Buffer | null {
  if (raw === null) return null;
  let s = 0;
  let e = raw.length;
  while (s < e && isSpace(raw[s])) s++;
  while (e > s && isSpace(raw[e - 1])) e--;
  return raw.subarray(s, e);
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** `body-fld-dsp = "(" string SP body-fld-param ")" / nil`. */
function disposition(raw: Buffer | null): ImapValue {
  const d = parseDisposition(raw);
  return d === null ? null : [d.type, params(d.params, false)];
}

/** `body-fld-lang = nstring / "(" string *(SP string) ")"`: Content-Language's comma-separated tags, as a list. */
function language(raw: Buffer | null): ImapValue {
  const v = trimmed(raw);
  if (v === null) return null;
  const tags = v.toString('latin1').replace(/\([^()]*\)/g, ' ').split(',').map((t) => t.trim()).filter((t) => t !== '');
  return tags.length === 0 ? null : tags.map((t) => Buffer.from(t, 'latin1'));
}

/**
 * The fields of a part's header that BODY and BODYSTRUCTURE show (besides Content-Type, which the MIME parser
 * keeps), found in one walk over the header: the first of each, as {@link Header.field} would find it.
 */
const PART_FIELDS = new FieldSet(['content-id', 'content-description', 'content-transfer-encoding', 'content-md5',
  'content-disposition', 'content-language', 'content-location']);
/** Scratch for {@link fieldValues}: used and read before bodyValue recurses. */
const partRanges = new Int32Array(2 * PART_FIELDS.size);

const SEVEN_BIT = Buffer.from('7bit');

const EMPTY_TEXT_BODY: ImapValue[] = [Buffer.from('text'), Buffer.from('plain'),
  [Buffer.from('charset'), Buffer.from('us-ascii')], null, null, Buffer.from('7bit'), 0, 0];

/**
 * The BODY (`extended` false) or BODYSTRUCTURE (`extended` true) value of part `p` (RFC 3501 §9 `body`):
 * `body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]` with
 * `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`,
 * `body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines`,
 * `body-type-text = media-text SP body-fields SP body-fld-lines`,
 * `body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`,
 * `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`,
 * `body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`.
 */
function bodyValue(p: MimePart, extended: boolean): ImapValue {
  const [id = null, description = null, cte = null, md5 = null, dsp = null, lang = null, location = null] =
    fieldValues(PART_FIELDS, p.header, partRanges);
  const ct = p.contentType;
  const ext = (first: ImapValue): ImapValue[] => extended
    ? [first, disposition(dsp), language(lang), headerString(trimmed(location))] : [];
  if (isMultipart(p)) {
    const children = p.children.length === 0
      ? [extended ? [...EMPTY_TEXT_BODY, null, null, null, null] : EMPTY_TEXT_BODY]
      : p.children.map((c) => bodyValue(c, extended));
    return [{ adjacent: children }, ct.subtype, ...ext(params(ct.params, false))];
  }
  const isText = ct.typeLower === 'text';
  const out: ImapValue[] = [ct.type, ct.subtype, params(ct.params, isText), headerString(trimmed(id)),
    headerString(trimmed(description)), headerString(trimmed(cte) ?? SEVEN_BIT), p.bodyEnd - p.bodyStart];
  if (isMessageRfc822(p) && p.message !== null) {
    out.push(envelopeValue(envelopeOf(p.message.header)), bodyValue(p.message, extended), p.bodyLines);
  } else if (isText) {
    out.push(p.bodyLines);
  }
  out.push(...ext(headerString(trimmed(md5))));
  return out;
}

/** `BODYSTRUCTURE` of a message: its encoded value. */
export function encodeBodyStructure(root: MimePart): Buffer {
  return encodeImap(bodyValue(root, true));
}

/** `BODY` (non-extensible BODYSTRUCTURE) of a message: its encoded value. */
export function encodeBody(root: MimePart): Buffer {
  return encodeImap(bodyValue(root, false));
}

// ------------------------------------------------------------------------------------------------------------------
// Sections
// ------------------------------------------------------------------------------------------------------------------

/**
 * A section spec, RFC 3501 §9: `section-spec = section-msgtext / (section-part ["." section-text])`,
 * `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`, `section-text =
 * section-msgtext / "MIME"`. `path` is the section-part (empty for the top level); `text` 'ALL' is no section-text.
 */
export interface SectionSpec {
  readonly path: readonly number[];
  readonly text: 'ALL' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** The header-list of HEADER.FIELDS[.NOT]. */
  readonly fields?: readonly string[];
}

/** Where a section's bytes are: a range [start, end) of the served message, or bytes built from kept headers. */
export type SectionData =
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'bytes'; readonly bytes: Buffer };

/**
 * The entity a section-part names. RFC 3501 §6.4.5: "Every message has at least one part number. Non-[MIME-IMB]
 * messages, and non-multipart [MIME-IMB] messages with no encapsulated message, only have a part 1. Multipart
 * messages are assigned consecutive part numbers, as are individual parts of the message" and, for a part of type
 * MESSAGE/RFC822, its numbers address the parts of the encapsulated message's body. Null if there is no such part.
 */
export function resolvePart(root: MimePart, path: readonly number[]): MimePart | null {
  let cur = root;
  let first = true;
  for (const n of path) {
    let m = cur;
    if (!first && isMessageRfc822(cur)) {
      if (cur.message === null) return null;
      m = cur.message;
    } else if (!first && !isMultipart(cur)) {
      return null;
    }
    if (isMultipart(m)) {
      const c = m.children[n - 1];
      if (c === undefined) return null;
      cur = c;
    } else if (n === 1) {
      cur = m;
    } else {
      return null;
    }
    first = false;
  }
  return cur;
}

/**
 * The bytes of section `spec` of the message whose structure is `root`, or null when the section does not exist
 * (the caller sends an empty string, as Dovecot and UW do). `HEADER`, `HEADER.FIELDS[.NOT]` and `TEXT` after a
 * part number need a MESSAGE/RFC822 part ("the [RFC-2822] header of the message or of an encapsulated [MIME-IMB]
 * MESSAGE/RFC822 message"); `MIME` needs a part number. Ranges always lie within [0, root.bodyEnd).
 */
export function sectionData(root: MimePart, spec: SectionSpec): SectionData | null {
  const e = resolvePart(root, spec.path);
  if (e === null) return null;
  const top = spec.path.length === 0;
  if (spec.text === 'ALL') return top ? { kind: 'range', start: root.headerStart, end: root.bodyEnd }
    : { kind: 'range', start: e.bodyStart, end: e.bodyEnd };
  if (spec.text === 'MIME') return top ? null : { kind: 'range', start: e.headerStart, end: e.headerEnd };
  const msg = top ? e : isMessageRfc822(e) ? e.message : null;
  if (msg === null) return null;
  if (spec.text === 'HEADER') return { kind: 'range', start: msg.headerStart, end: msg.headerEnd };
  if (spec.text === 'TEXT') return { kind: 'range', start: msg.bodyStart, end: msg.bodyEnd };
  return { kind: 'bytes', bytes: selectHeaderFields(msg.header, spec.fields ?? [], spec.text === 'HEADER.FIELDS.NOT') };
}
