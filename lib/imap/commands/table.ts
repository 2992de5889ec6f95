/**
 * The command table and the CAPABILITY list. Only what is complete is advertised. I18NLEVEL=1 (RFC 5255) is: SEARCH
 * matches substrings and SORT orders with the i;unicode-casemap comparator (RFC 5051: titlecase + NFKD, see
 * lib/mail/fold.ts unicodeCasemap), and THREAD groups subjects with it. BINARY is: FETCH
 * BINARY decodes every CTE it names, and APPEND takes literal8, refusing with NO [UNKNOWN-CTE] the binary content
 * a store would change (see store.ts storableBinary).
 */
import type { Command, ImapSession } from '../session.js';
import { capability, logout, noop } from './any-state.js';
import { authenticate, login, starttls } from './auth.js';
import { fetch, uidFetch } from './fetch.js';
import { check, close, examine, expunge, select, uidExpunge, unselectCmd } from './mailbox.js';
import { search, store, uidSearch, uidStore } from './messages.js';
import { copy, enable, id, idle, uidCopy } from './misc.js';
import { move, uidMove } from './move.js';
import { sort, uidSort } from './sort.js';
import { append, create, del, list, lsub, namespace, rename, status, subscribe, unsubscribe } from './store.js';
import { thread, THREAD_ALGORITHMS, uidThread } from './thread.js';

export function commandTable(): ReadonlyMap<string, Command> {
  const specs: Command[] = [
    capability, noop, logout, login, authenticate, starttls,
    select, examine, create, del, rename, subscribe, unsubscribe, list, lsub, status, append, namespace,
    check, close, unselectCmd, expunge, uidExpunge, search, uidSearch, fetch, uidFetch, store, uidStore, copy, uidCopy,
    move, uidMove, sort, uidSort, thread, uidThread, id, enable, idle,
  ];
  return new Map(specs.map((s) => [s.name, s]));
}

/** CAPABILITY as it stands for this session now (STARTTLS, LOGINDISABLED and AUTH= depend on the connection). */
export function capabilities(s: ImapSession): readonly string[] {
  const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'UNSELECT', 'CHILDREN',
    'ESEARCH', 'MULTIAPPEND', 'MOVE', 'SORT',
    ...THREAD_ALGORITHMS.map((a) => `THREAD=${a}`), 'WITHIN', 'BINARY', 'I18NLEVEL=1'];
  if (s.state === 'not-authenticated') {
    if (s.backend.tls && !s.tlsActive) caps.push('STARTTLS');
    if (!s.backend.plaintextAllowed()) caps.push('LOGINDISABLED');
    for (const m of s.backend.mechanisms()) caps.push(`AUTH=${m}`);
  }
  return caps;
}
