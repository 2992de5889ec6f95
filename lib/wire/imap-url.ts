/**
 * IMAP URLs (RFC 5092) naming a message or a part of one, as CATENATE takes them (RFC 4469 §3): parsed and resolved
 * against the session they are sent in, never fetched from anywhere else.
 *
 * RFC 4469 §3 resolves a relative URL against "imap://user@server/" (the logged-in user, this server). So:
 * - an absolute-path reference ("/INBOX;UIDVALIDITY=5/;UID=20/;SECTION=1.2") names a mailbox of this user;
 * - an absolute URL ("imap://user@host/...") or a network-path reference ("//user@host/...") is taken when its
 *   user is the logged-in one and its host this server's name (any port: the same server may listen on several);
 *   RFC 4469 leaves absolute URLs to other extensions, and one naming another user or server is refused;
 * - a relative-path reference (no leading "/") is refused: RFC 5092 §7.2 says implementations "MUST NOT generate
 *   or accept" one (against the base above it could not name a mailbox anyway);
 * - anything that is not one message or part (a mailbox, a search, URLAUTH's ";EXPIRE=" and ";URLAUTH=") is refused.
 *
 * Names are percent-decoded, read as UTF-8 and turned into modified UTF-7 (RFC 5092 §8), the name IMAP commands use.
 * Dot segments are removed first (RFC 3986 §5.2.4), as resolution against the base does. The section is the
 * section-spec of RFC 3501 §9, parsed by the command parser's own rule.
 */
import { ArgCursor, ParseError, type PartialRange, type Section } from './parser.js';
import { encodeMutf7 } from './mutf7.js';

/** One message or part of one in a mailbox of this session's user (RFC 5092 §6 imessagepart). */
export interface MessagePartUrl {
  /** The mailbox name as IMAP commands send it (modified UTF-7). */
  readonly mailbox: string;
  /** Null when the URL gives none (it is optional: RFC 5092 §5). */
  readonly uidValidity: number | null;
  readonly uid: number;
  /** Null: the whole message (BODY.PEEK[]). */
  readonly section: Section | null;
  /** ";PARTIAL=offset[.length]"; a missing length is the rest of the part. */
  readonly partial: PartialRange | null;
}

/** Why a URL was refused (the command answers NO [BADURL "the url"]). */
export class BadUrl extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadUrl';
  }
}

/** Who the session is: a URL's server part must name this user on this server. */
export interface UrlBase {
  readonly user: string;
  readonly host: string;
}

const MAX_NUMBER = 4294967295;

/** RFC 3986 unreserved, and RFC 5092's sub-delims-sh plus "&" and "=" (achar), plus ":" "@" "/" (bchar). */
const isBchar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
  '-._~!$\'()*+,&=:@/'.includes(String.fromCharCode(c));

/** Percent-decodes `s` (bchar and pct-encoded only), to octets. */
function pctDecode(s: string, what: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new BadUrl(`invalid percent-encoding in ${what}`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (isBchar(c)) {
      out.push(c);
    } else {
      throw new BadUrl(`invalid character in ${what}`);
    }
  }
  return Buffer.from(out);
}

/** UTF-8 octets to a string; refuses what is not UTF-8 (RFC 5092 §8: names in URLs are UTF-8). */
function utf8(b: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new BadUrl(`${what} is not UTF-8`);
  }
}

function number(s: string, nz: boolean, what: string): number {
  if (!/^[0-9]{1,10}$/.test(s)) throw new BadUrl(`invalid ${what}`);
  const n = Number(s);
  if (n > MAX_NUMBER || (nz && n === 0)) throw new BadUrl(`invalid ${what}`);
  return n;
}

/** RFC 3986 §5.2.4 remove_dot_segments, over "/"-separated segments. */
function removeDotSegments(path: string): string {
  const input = path.split('/');
  const out: string[] = [];
  // input[0] is the empty segment before the leading "/".
  for (let i = 1; i < input.length; i++) {
    const seg = input[i] as string;
    const last = i === input.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      out.pop();
      if (last) out.push('');
    } else {
      out.push(seg);
    }
  }
  return `/${out.join('/')}`;
}

/** `user[;AUTH=...]@host[:port]` (RFC 5092 iserver): must be the session's user on this server. */
function checkServer(authority: string, base: UrlBase): void {
  const at = authority.lastIndexOf('@');
  if (at < 0) throw new BadUrl('URL names no user');
  let userinfo = authority.slice(0, at);
  const auth = userinfo.search(/;AUTH=/i);
  if (auth >= 0) userinfo = userinfo.slice(0, auth);
  const user = utf8(pctDecode(userinfo, 'user name'), 'user name');
  const host = authority.slice(at + 1).replace(/:[0-9]*$/, '');
  if (user !== base.user) throw new BadUrl('URL names another user');
  if (host.toLowerCase() !== base.host.toLowerCase()) throw new BadUrl('URL names another server');
}

/**
 * Parses `url` as sent in a CATENATE URL part and resolves it for the session `base`. Throws {@link BadUrl} for
 * anything it cannot take (see the module comment).
 */
export function parseMessageUrl(url: string, base: UrlBase): MessagePartUrl {
  let path: string;
  const abs = /^imap:\/\//i.exec(url);
  if (abs !== null || url.startsWith('//')) {
    const rest = url.slice(abs !== null ? abs[0].length : 2);
    const slash = rest.indexOf('/');
    if (slash < 0) throw new BadUrl('URL names no message');
    checkServer(rest.slice(0, slash), base);
    path = rest.slice(slash);
  } else if (url.startsWith('/')) {
    path = url;
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) {
    throw new BadUrl('not an IMAP URL');
  } else {
    throw new BadUrl('relative-path IMAP URLs are not accepted');
  }
  if (path.includes('?') || path.includes('#')) throw new BadUrl('URL names no message');
  path = removeDotSegments(path);

  // "/" enc-mailbox [";UIDVALIDITY=" nz-number] "/;UID=" nz-number ["/;SECTION=" enc-section]
  // ["/;PARTIAL=" partial-range]: ";" appears in none of the encoded parts, so it starts every parameter.
  const semi = path.indexOf(';');
  if (semi < 0) throw new BadUrl('URL names no message');
  const mailboxEnc = path.slice(1, path[semi - 1] === '/' ? semi - 1 : semi);
  if (mailboxEnc === '') throw new BadUrl('URL names no mailbox');
  const mailbox = encodeMutf7(utf8(pctDecode(mailboxEnc, 'mailbox name'), 'mailbox name'));
  const params = path.slice(path[semi - 1] === '/' ? semi - 1 : semi).split(/\/(?=;)/).filter((p) => p !== '');

  let uidValidity: number | null = null;
  let uid = 0;
  let section: Section | null = null;
  let partial: PartialRange | null = null;
  // The parameters in the grammar's order, each once: UIDVALIDITY is part of the mailbox's segment (no "/" before).
  const order = ['UIDVALIDITY', 'UID', 'SECTION', 'PARTIAL'];
  let at = 0;
  params.forEach((p, i) => {
    const m = /^;([A-Za-z]+)=([^;]*)$/.exec(p);
    if (m === null) throw new BadUrl('invalid URL parameter');
    const name = (m[1] as string).toUpperCase();
    const value = m[2] as string;
    const k = order.indexOf(name, at);
    if (k < 0 || (name === 'UIDVALIDITY') !== (i === 0 && path[semi - 1] !== '/')) {
      throw new BadUrl(name === 'URLAUTH' || name === 'EXPIRE' ? 'URLAUTH is not supported' : 'invalid URL parameter');
    }
    at = k + 1;
    switch (name) {
      case 'UIDVALIDITY':
        uidValidity = number(value, true, 'UIDVALIDITY');
        break;
      case 'UID':
        uid = number(value, true, 'UID');
        break;
      case 'SECTION':
        section = parseSection(utf8(pctDecode(value, 'section'), 'section'));
        break;
      case 'PARTIAL': {
        const r = /^([0-9]+)(?:\.([0-9]+))?$/.exec(value);
        if (r === null) throw new BadUrl('invalid PARTIAL');
        const offset = number(r[1] as string, false, 'PARTIAL');
        const length = r[2] === undefined ? MAX_NUMBER : number(r[2], true, 'PARTIAL');
        partial = { offset, length };
        break;
      }
    }
  });
  if (uid === 0) throw new BadUrl('URL names no message');
  return { mailbox, uidValidity, uid, section, partial };
}

/** enc-section, decoded: RFC 3501's section-spec, as BODY[...] takes it. */
function parseSection(text: string): Section {
  try {
    const a = ArgCursor.of(`[${text}]`);
    const s = a.section();
    a.end();
    if (s.part.length === 0 && s.text === null) throw new ParseError('empty section');
    return s;
  } catch (e) {
    if (e instanceof ParseError) throw new BadUrl('invalid SECTION');
    throw e;
  }
}
