/**
 * The command table and the CAPABILITY list. Only what is complete is advertised. I18NLEVEL=1 (RFC 5255) is: SEARCH
 * matches substrings and SORT orders with the i;unicode-casemap comparator (RFC 5051: titlecase + NFKD, see
 * lib/mail/fold.ts unicodeCasemap), and THREAD groups subjects with it. BINARY is: FETCH
 * BINARY decodes every CTE it names, and APPEND takes literal8, stored as a literal of the same bytes is (line ends
 * served as CRLF, NUL kept: see append.ts). CONDSTORE (RFC 7162 §3.1) is: every message has a mod-sequence
 * (lib/mailbox's MessageMeta.modseq), so no mailbox answers NOMODSEQ. QRESYNC (§3.2) is: the driver remembers the
 * UIDs expunged after each mod-sequence (OpenMailbox.expungedSince), and answers from further back are supersets.
 * SEARCHRES (RFC 5182) is: SEARCH RETURN (SAVE) keeps the result with the selection as UIDs, and every command that
 * takes a sequence set takes "$" (shared/sequence.ts resolveSet, the search key in lib/mail/search.ts). ESORT
 * (RFC 5267 §3) is: SORT takes RETURN options and answers ESEARCH in the sort order, SAVE included. CONTEXT=SEARCH
 * and CONTEXT=SORT (§4) are: PARTIAL pages through the result; UPDATE keeps an updating context (shared/context.ts)
 * whose ADDTO/REMOVEFROM come from the session's change reporting, after every command and in IDLE; CANCELUPDATE
 * ends it; a refused UPDATE says NOUPDATE. SORT=DISPLAY (RFC 5957) is: DISPLAYFROM and DISPLAYTO (lib/mail/sort.ts).
 * QUOTA and
 * QUOTA=RES-STORAGE (RFC 9208) are: GETQUOTA and GETQUOTAROOT answer from the store (the filesystem's quota or the
 * configured limit, lib/mailbox/quota.ts; none: no roots), STATUS gives DELETED-STORAGE, and APPEND, COPY and MOVE
 * answer NO [OVERQUOTA] before storing what would exceed a limit. METADATA-SERVER (RFC 5464) is: the configured
 * /shared/comment and /shared/admin, and each user's /private entries in the control directory.
 */
import type { Command } from '../command.js';
import type { ImapSession } from '../session.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { cancelUpdate } from './cancelupdate.js';
import { capability } from './capability.js';
import { check } from './check.js';
import { close } from './close.js';
import { copy, uidCopy } from './copy.js';
import { create } from './create.js';
import { del } from './delete.js';
import { enable } from './enable.js';
import { examine } from './examine.js';
import { expunge, uidExpunge } from './expunge.js';
import { fetch, uidFetch } from './fetch.js';
import { getmetadata } from './getmetadata.js';
import { getquota } from './getquota.js';
import { getquotaroot } from './getquotaroot.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { lsub } from './lsub.js';
import { move, uidMove } from './move.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { notify } from './notify.js';
import { rename } from './rename.js';
import { replace, uidReplace } from './replace.js';
import { search, uidSearch } from './search.js';
import { select } from './select.js';
import { setmetadata } from './setmetadata.js';
import { setquota } from './setquota.js';
import { sort, uidSort } from './sort.js';
import { starttls } from './starttls.js';
import { compress } from './compress.js';
import { status } from './status.js';
import { store, uidStore } from './store.js';
import { subscribe } from './subscribe.js';
import { thread, THREAD_ALGORITHMS, uidThread } from './thread.js';
import { unselect } from './unselect.js';
import { unsubscribe } from './unsubscribe.js';
import { xlist } from './xlist.js';

export function commandTable(): ReadonlyMap<string, Command> {
  const specs: Command[] = [
    capability, noop, logout, login, authenticate, starttls,
    select, examine, create, del, rename, subscribe, unsubscribe, list, lsub, status, append, namespace,
    check, close, unselect, expunge, uidExpunge, search, uidSearch, fetch, uidFetch, store, uidStore, copy, uidCopy,
    move, uidMove, sort, uidSort, thread, uidThread, id, enable, idle, compress, xlist, replace, uidReplace, cancelUpdate,
    getquota, getquotaroot, setquota, getmetadata, setmetadata, notify,
  ];
  return new Map(specs.map((s) => [s.name, s]));
}

/** CAPABILITY as it stands for this session now (STARTTLS, LOGINDISABLED and AUTH= depend on the connection). */
export function capabilities(s: ImapSession): readonly string[] {
  // COMPRESS is a command of the authenticated states (RFC 4978 §5: command-auth), so it is offered once logged in,
  // until it is on.
  const compress = s.state !== 'not-authenticated' && !s.compressed ? ['COMPRESS=DEFLATE'] : [];
  // RFC 7888 §5: LITERAL- or LITERAL+, never both (LITERAL+ promises all that LITERAL- does and more).
  // RFC 9051 §6.3.1: both revisions, IMAP4rev1's rules until the client sends ENABLE IMAP4rev2.
  const caps = ['IMAP4rev1', 'IMAP4rev2', s.opts.literalMinus ? 'LITERAL-' : 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE',
    'UIDPLUS', 'UNSELECT', 'CHILDREN', 'LIST-EXTENDED', 'LIST-STATUS', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'XLIST',
    'STATUS=SIZE', 'ESEARCH', 'SEARCHRES', 'MULTIAPPEND',
    // RFC 7889: one limit for every mailbox (max_literal), so it is given with the capability.
    `APPENDLIMIT=${s.opts.maxLiteral}`, 'MOVE', 'CATENATE', 'REPLACE', 'SORT', 'SORT=DISPLAY', 'ESORT',
    'CONTEXT=SEARCH', 'CONTEXT=SORT',
    // RFC 9208: the STORAGE resource (with STATUS DELETED-STORAGE, §3.1); not MESSAGE (counting a user's messages
    // means reading every mailbox), not QUOTASET (the administrator sets quotas).
    'QUOTA', 'QUOTA=RES-STORAGE',
    // RFC 5464: server annotations only (GETMETADATA/SETMETADATA ""); mailboxes have none, so not METADATA.
    'METADATA-SERVER',
    ...THREAD_ALGORITHMS.map((a) => `THREAD=${a}`), 'PREVIEW', 'WITHIN', 'NOTIFY', 'BINARY', ...compress, 'I18NLEVEL=1',
    'CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'OBJECTID', 'SAVEDATE'];
  if (s.state === 'not-authenticated') {
    if (s.backend.tls && !s.tlsActive) caps.push('STARTTLS');
    if (!s.backend.plaintextAllowed()) caps.push('LOGINDISABLED');
    for (const m of s.backend.mechanisms()) caps.push(`AUTH=${m}`);
  }
  return caps;
}
