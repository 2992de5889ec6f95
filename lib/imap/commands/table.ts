/**
 * The command table and the CAPABILITY list. Only what is complete is advertised; more of issue 5's list (MOVE,
 * SORT, THREAD, ESEARCH in SEARCH is here, BINARY, WITHIN, I18NLEVEL) is added as it lands.
 */
import type { AnySpec, ImapSession } from '../session.js';
import { capability, logout, noop } from './any-state.js';
import { authenticate, login, starttls } from './auth.js';
import { fetch, uidFetch } from './fetch.js';
import { check, close, examine, expunge, select, uidExpunge, unselectCmd } from './mailbox.js';
import { search, store, uidSearch, uidStore } from './messages.js';
import { copy, enable, id, idle, uidCopy } from './misc.js';
import { append, create, del, list, lsub, namespace, rename, status, subscribe, unsubscribe } from './store.js';

export function commandTable(): ReadonlyMap<string, AnySpec> {
  const specs: AnySpec[] = [
    capability, noop, logout, login, authenticate, starttls,
    select, examine, create, del, rename, subscribe, unsubscribe, list, lsub, status, append, namespace,
    check, close, unselectCmd, expunge, uidExpunge, search, uidSearch, fetch, uidFetch, store, uidStore, copy, uidCopy,
    id, enable, idle,
  ];
  return new Map(specs.map((s) => [s.name, s]));
}

/** CAPABILITY as it stands for this session now (STARTTLS, LOGINDISABLED and AUTH= depend on the connection). */
export function capabilities(s: ImapSession): readonly string[] {
  const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'UNSELECT', 'CHILDREN',
    'ESEARCH', 'MULTIAPPEND'];
  if (s.state === 'not-authenticated') {
    if (s.backend.tls && !s.tlsActive) caps.push('STARTTLS');
    if (!s.backend.plaintextAllowed()) caps.push('LOGINDISABLED');
    for (const m of s.backend.mechanisms()) caps.push(`AUTH=${m}`);
  }
  return caps;
}
