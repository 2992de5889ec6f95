/**
 * RFC 5256 §2.1 base subject extraction, used by SORT SUBJECT and by both THREAD algorithms. PURE.
 *
 * The ABNF the steps refer to (RFC 5256 §5):
 * ```
 * subj-refwd      = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
 * subj-blob       = "[" *BLOBCHAR "]" *WSP
 * subj-fwd-hdr    = "[fwd:"
 * subj-fwd-trl    = "]"
 * subj-leader     = (*subj-blob subj-refwd) / WSP
 * subj-trailer    = "(fwd)" / WSP
 * BLOBCHAR        = %x01-5a / %x5c / %x5e-7f   ; any CHAR except '[' and ']'
 * ```
 * "All servers and disconnected clients MUST use exactly this algorithm when sorting by subject", so BLOBCHAR is
 * taken literally: a `[...]` holding non-ASCII text is not a blob (Dovecot is laxer here; we follow the RFC).
 * Matching is case-insensitive (ABNF literals are).
 */
import { decodeHeaderValue } from './encoded-words.js';
import { unicodeCasemap } from './fold.js';

/** The base subject and whether the subject marked a reply or forward (RFC 5256 §3 REFERENCES step 5). */
export interface BaseSubject {
  /** The base subject text (not case-folded). */
  readonly subject: string;
  /**
   * True when extraction removed a subj-refwd, a "(fwd)" subj-trailer, or a subj-fwd-hdr/subj-fwd-trl pair: what
   * REFERENCES calls "a reply or forward".
   */
  readonly isReplyOrForward: boolean;
}

const TRAILER = /(?:\(fwd\)| )$/i;
const BLOB = String.raw`\[[\x01-\x5a\x5c\x5e-\x7f]*\] *`;
const LEADER_REFWD = new RegExp(String.raw`^(?:${BLOB})*(?:re|fwd?) *(?:${BLOB})?:`, 'i');
const LEADING_BLOB = new RegExp('^' + BLOB, 'i');

/**
 * Extracts the RFC 5256 §2.1 base subject. `subject` is the raw Subject field value (bytes: RFC 2047 words are
 * decoded, step 1) or text already decoded. An absent subject is the empty string.
 */
export function baseSubject(subject: Uint8Array | string): BaseSubject {
  // (1) "Convert any RFC 2047 encoded-words in the subject to UTF-8. Convert all tabs and continuations to space.
  // Convert all multiple spaces to a single space."
  let s = (typeof subject === 'string' ? subject : decodeHeaderValue(subject)).replace(/[\t\r\n ]+/g, ' ');
  let reply = false;
  for (;;) {
    // (2) "Remove all trailing text of the subject that matches the subj-trailer ABNF, repeat until no more
    // matches are possible."
    for (let m = TRAILER.exec(s); m !== null; m = TRAILER.exec(s)) {
      if (m[0].length > 1) reply = true; // "(fwd)"
      s = s.slice(0, s.length - m[0].length);
    }
    // (5) "Repeat (3) and (4) until no matches remain."
    for (let changed = true; changed; ) {
      changed = false;
      // (3) "Remove all prefix text of the subject that matches the subj-leader ABNF."
      for (;;) {
        if (s.startsWith(' ')) {
          s = s.slice(1);
        } else {
          const m = LEADER_REFWD.exec(s);
          if (m === null) break;
          reply = true;
          s = s.slice(m[0].length);
        }
        changed = true;
      }
      // (4) "If there is prefix text of the subject that matches the subj-blob ABNF, and removing that prefix
      // leaves a non-empty subj-base, then remove the prefix text."
      const blob = LEADING_BLOB.exec(s);
      if (blob !== null && blob[0].length < s.length) {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // (6) "If the resulting text begins with the subj-fwd-hdr ABNF and ends with the subj-fwd-trl ABNF, remove the
    // subj-fwd-hdr and subj-fwd-trl and repeat from step (2)."
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      s = s.slice(5, -1);
      reply = true;
      continue;
    }
    // (7) "The resulting text is the "base subject" used in the SORT."
    return { subject: s, isReplyOrForward: reply };
  }
}

/**
 * The i;unicode-casemap comparison key (RFC 5051; the comparator of I18NLEVEL=1, RFC 5255 §4.3, for SORT): the
 * titlecased canonicalized UTF-8 octets of `text` (see {@link unicodeCasemap}), compared as i;octet.
 */
export function unicodeCasemapKey(text: string): Buffer {
  return Buffer.from(unicodeCasemap(text), 'utf8');
}
