/**
 * IMAP fuzz sessions from a seed: a walk through the protocol's states (RFC 3501 and the extensions imapd
 * advertises: LITERAL+, SASL-IR, ID, ENABLE, IDLE, NAMESPACE, UIDPLUS, UNSELECT, LIST-EXTENDED, LIST-STATUS,
 * SPECIAL-USE, CREATE-SPECIAL-USE, XLIST, STATUS=SIZE, ESEARCH, SEARCHRES, MULTIAPPEND, APPENDLIMIT, MOVE, CATENATE,
 * REPLACE, SORT, SORT=DISPLAY, ESORT, CONTEXT=SEARCH, CONTEXT=SORT (and CANCELUPDATE), THREAD, WITHIN, NOTIFY, BINARY, QUOTA,
 * METADATA-SERVER, IMAP4rev2 (ENABLE); COMPRESS
 * only as forms it refuses, since the fuzzer speaks plaintext) with valid
 * commands, commands of extensions it lacks (capability probes), mixed with the mutations of issue 11: literal counts out of range,
 * LITERAL+ where it is not allowed, unbalanced and deep parentheses, 8-bit and NUL bytes, lone CR/LF, 1 MB lines,
 * odd and huge sequence sets, deep sections and huge partials, deep NOT/OR, invalid modified UTF-7, APPEND or IDLE
 * cut by EOF, garbage and huge AUTHENTICATE responses, STARTTLS then garbage, pipelined floods, random bytes.
 *
 * A mutation that keeps the command's framing (the server can still tell where it ends) stays a lockstep or
 * pipelined command whose tagged response is owed; one that does not (an open literal, random bytes) is `junk`
 * and only comes at the end of a session, before the EOF.
 */
import { Rng } from './rng.js';
import type { Command, FuzzSession, Mode } from './session.js';
import { PASSWORD, USER } from './sandbox.js';
import { messages } from './messages.js';

type State = 'nonauth' | 'auth' | 'selected';

/** UW imapd's limit on literals other than APPEND's (lib/imap/literals.ts MAX_CLIENT_LITERAL). */
const CLIENT_LITERAL = 10_000;
/** Defaults of lib/env/config.ts the generator must stay clear of (or deliberately cross). */
const MAX_LINE = 65536;

const MAILBOXES_OK = ['INBOX', 'inbox', 'saved', 'Archive', 'Archive/2024', 'Trash', 'a b', '&AOQ-rger', 'Entw&APw-rfe',
  'x.y', 'deep/er/still', '~/saved', 'INBOX.sub'];
const MAILBOXES_ODD = ['&Jjo', '&', 'a&b', '&AGE-', '&2D3eAA-', '&-&-', '&ZeVnLIqe', '&U,BTFw-', '../../etc/passwd', '/etc/passwd',
  '~root/x', '#news.comp', '%', '*', 'INBOX/../..', '..', '.', '', 'a'.repeat(1000), 'a/'.repeat(300), 'Grüße', 'x\u0000y',
  '\u00e4\u00f6', 'INBOX/', '/', '//', 'con', '.mailboxlist', 'saved.lock', '#mhinbox', '{localhost}INBOX'];
const FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '$Label1', 'Junk', '$Forwarded', 'NonJunk'];
const FLAGS_ODD = ['\\Recent', '\\Bogus', '\\', '\\*', '(', ')', '%', 'a]b', 'x{3}', '"quoted"', '\u00e9t\u00e9', 'k'.repeat(300)];
const HEADERS = ['From', 'To', 'Subject', 'Date', 'Message-ID', 'Content-Type', 'X-Nope', 'Received', 'MIME-Version', 'cc'];
const SEARCH_STRINGS = ['alice', 'Message', 'caf\u00e9', 'Gr\u00c3\u00bc\u00c3\u009fe', '', ' ', 'a"b', 'x\\y', 'example.org', 'the', '\u00ff\u00fe'];
const DATES = ['1-Jan-2024', '01-Jan-2024', '"4-Jan-2024"', '31-Dec-1999', '29-Feb-2024', '32-Jan-2024', '1-Foo-2024',
  '1-Jan-99999', '0-Jan-0', 'yesterday', '"1-Jan-2024 10:00:00 +0000"'];
const DATE_TIMES = ['"01-Jan-2024 10:00:00 +0000"', '" 1-Jan-2024 23:59:59 -1200"', '"31-Dec-2099 00:00:00 +1400"',
  '"30-Feb-2024 10:00:00 +0000"', '"01-Jan-2024 25:61:61 +9999"', '"bogus"', '"01-Jan-2024"'];
const NUMBERS_ODD = ['0', '-1', '4294967295', '4294967296', '18446744073709551616', '99999999999999999999', '1e3', '0x10', '+1',
  '00000000000000000001', ''];

class Builder {
  readonly parts: string[] = [];
  cur = '';
  /** A synchronizing literal the server should refuse (beyond its limits) was written. */
  refuse = false;
  text(s: string): this {
    this.cur += s;
    return this;
  }
  /** `{n}` CRLF, wait for "+", then the octets. */
  sync(data: string, marker = `{${data.length}}`): this {
    this.cur += `${marker}\r\n`;
    this.parts.push(this.cur);
    this.cur = data;
    return this;
  }
  nonSync(data: string, marker = `{${data.length}+}`): this {
    this.cur += `${marker}\r\n${data}`;
    return this;
  }
  end(): string[] {
    return [...this.parts, this.cur + '\r\n'];
  }
}

class ImapGen {
  private n = 0;
  state: State;
  readonly cmds: Command[] = [];
  /** Names the session created (so that later commands find them sometimes). */
  private readonly known = ['INBOX', 'saved'];
  private selectedReadOnly = false;

  constructor(
    readonly rng: Rng,
    readonly mode: Mode,
    /** Nothing may change the INBOX: no SELECT (EXAMINE only), no APPEND/COPY/MOVE/RENAME to or of it. */
    readonly readOnly: boolean,
  ) {
    this.state = mode === 'root' ? 'nonauth' : 'auth';
  }

  tag(): string {
    this.n++;
    const r = this.rng;
    return r.weighted([[6, `A${String(this.n).padStart(3, '0')}`], [2, `t${this.n}`], [1, `x.${this.n}`], [1, `Tag-${this.n}_z`],
      [1, `${this.n}`]]);
  }

  push(c: Command): void {
    this.cmds.push(c);
  }

  /** A whole command: tag, then `body(builder)`, CRLF. */
  cmd(body: (b: Builder) => void, opts: { wait?: boolean; junk?: boolean; tag?: string } = {}): Command {
    const tag = opts.tag ?? this.tag();
    const b = new Builder().text(`${tag} `);
    body(b);
    const c: Command = { tag, parts: b.end(), wait: opts.wait ?? true, ...(b.refuse ? { refuse: true } : {}), ...(opts.junk ? { junk: true } : {}) };
    this.push(c);
    return c;
  }

  // ------------------------------------------------------------------ arguments

  /** An astring (atom, quoted, literal or LITERAL+), `value` as given (latin1). */
  astring(b: Builder, value: string, literalOk = true): void {
    const r = this.rng;
    const atomOk = value !== '' && /^[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|}~\]]+$/.test(value);
    const quotedOk = !/[\r\n\0\u0080-\u00ff]/.test(value);
    const choice = r.weighted<string>([[atomOk ? 5 : 0, 'atom'], [quotedOk ? 4 : 0, 'quoted'], [literalOk ? 2 : 0, 'sync'],
      [literalOk ? 2 : 0, 'nonsync'], [atomOk || quotedOk || literalOk ? 0 : 1, 'quoted-raw']]);
    if (choice === 'atom') b.text(value);
    else if (choice === 'quoted' || choice === 'quoted-raw') b.text(`"${value.replace(/[\\"]/g, (c) => '\\' + c)}"`);
    else if (choice === 'sync') {
      if (value.length > CLIENT_LITERAL) b.refuse = true;
      b.sync(value);
    } else b.nonSync(value);
  }

  mailbox(forWrite = false): string {
    const r = this.rng;
    let name = r.weighted<string>([[6, r.pick(this.known)], [5, r.pick(MAILBOXES_OK)], [2, r.pick(MAILBOXES_ODD)]]);
    if (this.readOnly && forWrite && /^inbox$/i.test(name)) name = 'saved';
    return name;
  }

  seqNum(): string {
    const r = this.rng;
    return r.weighted([[8, String(r.int(1, 12))], [3, '*'], [1, r.pick(['0', '4294967295', '4294967296', '2147483648', '-1', '99999999999'])]]);
  }

  seqSet(): string {
    const r = this.rng;
    const kind = r.weighted<string>([[10, 'simple'], [3, 'list'], [1, 'saved'], [1, 'odd'], [0.15, 'huge']]);
    // SEARCHRES (RFC 5182): "$" alone is the saved result; mixed into a set it is an error.
    if (kind === 'saved') return r.pick(['$', '$', '1,$', '$:3', '$,*']);
    if (kind === 'simple') return r.chance(0.5) ? this.seqNum() : `${this.seqNum()}:${this.seqNum()}`;
    if (kind === 'list') return Array.from({ length: r.int(2, 6) }, () => (r.chance(0.5) ? this.seqNum() : `${this.seqNum()}:${this.seqNum()}`)).join(',');
    if (kind === 'odd') return r.pick(['0', '*:*', '4294967295:1', '1:4294967295', '0:*', '1,,2', ',1', '1:', ':1', '1:2:3', '$',
      '4294967296', '1.5', '\u00b9', '*,*,*', '1:*,0']);
    const n = r.pick([1000, 20000, 60000]);
    return Array.from({ length: n }, (_, i) => String(r.chance(0.9) ? i + 1 : r.int(1, 4294967295))).join(',');
  }

  flagList(): string {
    const r = this.rng;
    const fl = Array.from({ length: r.int(0, 3) }, () => (r.chance(0.85) ? r.pick(FLAGS) : r.pick(FLAGS_ODD)));
    return `(${fl.join(' ')})`;
  }

  section(): string {
    const r = this.rng;
    const depth = r.weighted([[6, 0], [5, 1], [3, 2], [1, 3], [0.2, 50], [0.1, 2000]]);
    const nums = Array.from({ length: depth }, () => String(r.weighted([[10, r.int(1, 4)], [1, r.int(5, 50)], [0.3, 0], [0.2, 4294967296]])));
    const fields = (): string => `(${Array.from({ length: r.int(0, 4) }, () => r.pick(HEADERS)).join(' ')})`;
    const text = r.weighted<string>([[6, ''], [3, 'HEADER'], [3, 'TEXT'], [depth ? 2 : 0.2, 'MIME'],
      [2, `HEADER.FIELDS ${fields()}`], [1, `HEADER.FIELDS.NOT ${fields()}`], [0.3, 'HEADER.FIELDS ()'], [0.3, 'BOGUS']]);
    return [...nums, ...(text ? [text] : [])].join('.');
  }

  partial(): string {
    const r = this.rng;
    if (r.chance(0.7)) return '';
    const a = r.weighted([[6, String(r.int(0, 300))], [1, '4294967295'], [1, '4294967296'], [0.5, '-1'], [0.5, '99999999999999999999']]);
    const b = r.weighted([[6, String(r.int(1, 300))], [1, '0'], [1, '4294967295'], [0.5, '4294967296'], [0.3, '']]);
    return r.chance(0.95) ? `<${a}.${b}>` : `<${a}>`;
  }

  fetchItem(): string {
    const r = this.rng;
    return r.weighted<() => string>([
      [8, () => r.pick(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'UID'])],
      [2, () => r.pick(['RFC822', 'RFC822.HEADER', 'RFC822.TEXT'])],
      [1, () => r.pick(['EMAILID', 'THREADID', 'SAVEDATE'])],
      [6, () => `${r.pick(['BODY', 'BODY.PEEK'])}[${this.section()}]${this.partial()}`],
      [2, () => `${r.pick(['BINARY', 'BINARY.PEEK'])}[${this.section().replace(/\.?(HEADER.*|TEXT|MIME)$/, '')}]${this.partial()}`],
      [1, () => `BINARY.SIZE[${r.chance(0.8) ? r.int(1, 3) : this.section()}]`],
      // RFC 8970: PREVIEW and its LAZY modifier, with the malformed ones.
      [1, () => r.pick(['PREVIEW', 'PREVIEW (LAZY)', 'PREVIEW (lazy LAZY)', 'PREVIEW (FUZZY)', 'PREVIEW ()', 'PREVIEW LAZY', 'PREVIEW (LAZY'])],
      [0.5, () => r.pick(['BODY[', 'BODY]', 'BODY[]<', 'BODY[1.]', 'BODY[.1]', 'BODY[HEADER.FIELDS]', 'X-GM-MSGID', 'MODSEQ',
        'BODY[1]<1.2.3>', 'RFC822.PEEK', 'BODY.PEEK', 'BINARY[]<0.0>', 'BODY[TEXT]<0.4294967295>'])],
    ])();
  }

  /** NOTIFY (RFC 5465): SET with filters and events, valid and not (BAD, NO [BADEVENT]), and NONE. */
  notify(): void {
    const r = this.rng;
    this.cmd((b) => {
      if (r.chance(0.2)) {
        b.text(r.pick(['NOTIFY NONE', 'NOTIFY', 'NOTIFY SET', 'NOTIFY SET ()', 'NOTIFY GET', 'NOTIFY NONE x']));
        return;
      }
      b.text(`NOTIFY SET${r.chance(0.3) ? ' STATUS' : ''}`);
      for (let i = r.int(1, 3); i > 0; i--) {
        const filter = r.pick(['SELECTED', 'SELECTED-DELAYED', 'INBOXES', 'PERSONAL', 'SUBSCRIBED', 'SUBTREE', 'MAILBOXES', 'BOGUS']);
        b.text(` (${filter}`);
        if (filter === 'SUBTREE' || filter === 'MAILBOXES') {
          b.text(' ');
          this.astring(b, this.mailbox());
        }
        b.text(` ${r.pick(['NONE', '(MessageNew MessageExpunge)', '(MessageNew MessageExpunge FlagChange)', '(MailboxName)',
          '(SubscriptionChange MailboxName)', '(MessageNew)', '(FlagChange)', '(AnnotationChange MessageNew MessageExpunge)',
          '(MailboxMetadataChange)', '(XNope)', `(MessageNew ${this.fetchAtts()} MessageExpunge)`, '()'])})`);
      }
    });
  }

  fetchAtts(): string {
    const r = this.rng;
    const k = r.weighted<string>([[2, 'macro'], [3, 'one'], [6, 'list'], [0.3, 'deep'], [0.3, 'unbalanced']]);
    if (k === 'macro') return r.pick(['ALL', 'FAST', 'FULL']);
    if (k === 'one') return this.fetchItem();
    if (k === 'list') return `(${Array.from({ length: r.int(1, 6) }, () => this.fetchItem()).join(' ')})`;
    if (k === 'deep') {
      const d = r.pick([100, 1000, 10000]);
      return '('.repeat(d) + 'FLAGS' + ')'.repeat(d);
    }
    return r.pick(['(FLAGS', 'FLAGS)', '((FLAGS)', '(FLAGS))', '()', '(', ')', '(' + '('.repeat(r.int(1, 20000))]);
  }

  searchKey(depth: number): string {
    const r = this.rng;
    const str = (): string => {
      const v = r.pick(SEARCH_STRINGS);
      return /^[A-Za-z.]+$/.test(v) ? v : /[\u0080-\u00ff]/.test(v) ? `{${v.length}+}\r\n${v}` : `"${v.replace(/[\\"]/g, (c) => '\\' + c)}"`;
    };
    const leaf = (): string => r.weighted<() => string>([
      [6, () => r.pick(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED',
        'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN'])],
      [4, () => `${r.pick(['BCC', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO', 'BODY'])} ${str()}`],
      [2, () => `HEADER ${r.pick(HEADERS)} ${str()}`],
      [1, () => `${r.pick(['KEYWORD', 'UNKEYWORD'])} ${r.pick([...FLAGS.filter((f) => !f.startsWith('\\')), 'foo'])}`],
      [2, () => `${r.pick(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'])} ${r.pick(DATES)}`],
      [2, () => `${r.pick(['LARGER', 'SMALLER'])} ${r.chance(0.7) ? r.int(0, 5000) : r.pick(NUMBERS_ODD)}`],
      [1, () => `${r.pick(['OLDER', 'YOUNGER'])} ${r.chance(0.7) ? r.int(0, 1e9) : r.pick(NUMBERS_ODD)}`],
      [1, () => `${r.pick(['SAVEDBEFORE', 'SAVEDON', 'SAVEDSINCE'])} ${r.pick(DATES)}`],
      [0.5, () => r.pick(['SAVEDATESUPPORTED', 'EMAILID M0123abc', 'THREADID T1', `EMAILID ${'x'.repeat(r.pick([255, 256]))}`,
        'EMAILID M.1', 'EMAILID', 'THREADID "T1"'])],
      [2, () => `UID ${this.seqSet()}`],
      [2, () => this.seqSet()],
      [0.3, () => r.pick(['BOGUS', 'NOT', 'OR ALL', 'HEADER', 'UID', 'LARGER', '(', ')', '()', 'CHARSET', '$', 'MODSEQ 1'])],
    ])();
    if (depth > 3) return leaf();
    return r.weighted<() => string>([
      [8, leaf],
      [2, () => `NOT ${this.searchKey(depth + 1)}`],
      [2, () => `OR ${this.searchKey(depth + 1)} ${this.searchKey(depth + 1)}`],
      [2, () => `(${Array.from({ length: r.int(1, 3) }, () => this.searchKey(depth + 1)).join(' ')})`],
      [0.1, () => 'NOT '.repeat(r.pick([1000, 10000])) + 'ALL'],
      [0.1, () => { const d = r.pick([1000, 5000]); return 'OR '.repeat(d) + 'ALL '.repeat(d) + 'ALL'; }],
      [0.1, () => '('.repeat(r.pick([1000, 10000])) + 'ALL' + ')'.repeat(r.pick([1000, 10000, 3]))],
    ])();
  }

  searchKeys(): string {
    const r = this.rng;
    return Array.from({ length: r.int(1, 3) }, () => this.searchKey(0)).join(' ');
  }

  charset(): string {
    const r = this.rng;
    return r.weighted([[6, ''], [3, 'CHARSET UTF-8 '], [1, 'CHARSET US-ASCII '], [1, 'CHARSET ISO-8859-1 '], [0.5, 'CHARSET X-BOGUS '],
      [0.2, 'CHARSET "" ']]);
  }

  message(): string {
    const r = this.rng;
    const m = r.pick(messages());
    return r.weighted<() => string>([
      [8, () => m],
      [1, () => `Subject: tiny\r\n\r\nbody ${r.int(0, 9999)}\r\n`],
      [0.5, () => ''],
      [0.5, () => m.replace(/\r\n/g, '\n')],
      [0.5, () => `From ${USER}@x Mon Jan  1 00:00:00 2024\r\n${m}`],
      [0.3, () => m + 'From evil@example.org Mon Jan  1 00:00:00 2024\r\nSubject: smuggled\r\n\r\n'],
      [0.3, () => r.bytes(r.int(1, 3000))],
      [0.1, () => m + 'x'.repeat(300_000) + '\r\n'],
    ])();
  }

  // ------------------------------------------------------------------ commands

  login(ok: boolean): void {
    const r = this.rng;
    const pass = ok ? PASSWORD : r.pick(['wrong', '', 'correct  horse', PASSWORD + '\u00e9', 'x'.repeat(r.chance(0.1) ? 20000 : 10)]);
    const user = ok ? USER : r.pick([USER, 'root', 'nobody', 'FUZZER', '', 'x'.repeat(500), 'fu\u0000zzer']);
    const how = r.weighted<string>([[5, 'login'], [3, 'plain'], [2, 'plain-ir'], [2, 'login-mech'], [2, 'cram']]);
    if (how === 'login') {
      this.cmd((b) => {
        b.text('LOGIN ');
        this.astring(b, user);
        b.text(' ');
        this.astring(b, pass);
      });
    } else if (how === 'plain' || how === 'plain-ir') {
      const resp = Buffer.from(`${r.chance(0.2) ? USER : ''}\0${user}\0${pass}`, 'latin1').toString('base64');
      if (how === 'plain-ir') this.cmd((b) => b.text(`AUTHENTICATE PLAIN ${resp}`));
      else {
        const tag = this.tag();
        this.push({ tag, parts: [`${tag} AUTHENTICATE PLAIN\r\n`, `${resp}\r\n`], wait: true });
      }
    } else if (how === 'login-mech') {
      const tag = this.tag();
      const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');
      this.push({ tag, parts: [`${tag} AUTHENTICATE LOGIN\r\n`, `${b64(user)}\r\n`, `${b64(pass)}\r\n`], wait: true });
    } else {
      const tag = this.tag();
      this.push({ tag, parts: [`${tag} AUTHENTICATE CRAM-MD5\r\n`, '(computed)\r\n'], wait: true,
        compute: { kind: 'cram-md5', user, secret: ok ? PASSWORD : pass } });
    }
    if (ok) this.state = 'auth';
  }

  /** A command valid in some state, by weight for the current one. */
  step(): void {
    const r = this.rng;
    const s = this.state;
    const any: [number, () => void][] = [
      [1, () => this.cmd((b) => b.text('CAPABILITY'))],
      [1, () => this.cmd((b) => b.text('NOOP'))],
      [1, () => this.cmd((b) => b.text(r.weighted([[3, 'ID NIL'], [3, 'ID ("name" "fuzz" "version" "1.0")'], [1, 'ID ()'],
        [1, 'ID ("a")'], [1, 'ID ("k" NIL "k2" {3+}\r\nabc)'], [1, 'ID x'], [1, 'ID -1("a")'], [0.5, `ID (${'"k" "v" '.repeat(40)})`],
        [0.5, 'ID ("x" "' + 'y'.repeat(2000) + '")'], [0.3, 'ID ' + '('.repeat(5000)]])))],
    ];
    const nonauth: [number, () => void][] = [
      [6, () => this.login(r.chance(0.85))],
      [0.5, () => this.cmd((b) => b.text(r.pick(['AUTHENTICATE', 'AUTHENTICATE X-BOGUS', 'AUTHENTICATE PLAIN =', 'AUTHENTICATE PLAIN !!!',
        'AUTHENTICATE PLAIN AAAA AAAA', 'LOGIN', 'LOGIN fuzzer', 'LOGIN "fuzzer" "correct horse" extra', 'SELECT INBOX'])))],
    ];
    const auth: [number, () => void][] = [
      [5, () => this.select(r.chance(this.readOnly ? 0 : 0.7) ? 'SELECT' : 'EXAMINE')],
      [2, () => this.cmd((b) => {
        const verb = r.pick(['LIST', 'LIST', 'LSUB', 'XLIST']);
        b.text(`${verb} `);
        // LIST-EXTENDED (RFC 5258) and SPECIAL-USE (RFC 6154): selection options before the reference.
        if (verb === 'LIST' && r.chance(0.3)) {
          b.text(`(${Array.from({ length: r.int(0, 3) }, () => r.pick(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE', 'BOGUS']))
            .join(' ')}) `);
        }
        this.astring(b, r.pick(['', '', 'INBOX', '~', '/', 'Archive/', '#news.']), r.chance(0.2));
        b.text(' ');
        const pattern = (): string => r.pick(['*', '%', 'INBOX', '%/%', 'A*', '*x*', 'saved', '&AOQ-*', '*'.repeat(40), '%'.repeat(200), '']);
        if (verb === 'LIST' && r.chance(0.15)) b.text(`(${Array.from({ length: r.int(0, 3) }, () => `"${pattern()}"`).join(' ')})`);
        else this.astring(b, pattern(), r.chance(0.2));
        // Return options, LIST-STATUS's among them (RFC 5819).
        if (verb === 'LIST' && r.chance(0.3)) {
          b.text(` RETURN (${Array.from({ length: r.int(0, 3) }, () => r.pick(['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE', 'BOGUS',
            `STATUS (${r.pick(['MESSAGES', 'UNSEEN SIZE', 'APPENDLIMIT UIDNEXT', 'HIGHESTMODSEQ', 'MAILBOXID', '', 'BOGUS'])})`])).join(' ')})`);
        }
      })],
      [2, () => this.cmd((b) => {
        b.text('STATUS ');
        this.astring(b, this.mailbox());
        const items = Array.from({ length: r.int(0, 5) }, () => r.pick(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN',
          'SIZE', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID', 'DELETED', 'DELETED-STORAGE',
          'BOGUS']));
        b.text(r.chance(0.95) ? ` (${items.join(' ')})` : ' MESSAGES');
      })],
      [2, () => this.mailboxOp()],
      [2, () => this.append()],
      [1, () => this.cmd((b) => b.text('NAMESPACE'))],
      // QUOTA (RFC 9208): the roots of any mailbox, a root by name, SETQUOTA refused or malformed.
      [1, () => this.cmd((b) => {
        const verb = r.pick(['GETQUOTAROOT', 'GETQUOTAROOT', 'GETQUOTA', 'SETQUOTA']);
        b.text(`${verb} `);
        if (verb === 'GETQUOTAROOT') this.astring(b, this.mailbox());
        else b.text(r.pick(['"User quota"', '""', '"Filesystem quota"', 'INBOX', '{3+}\r\nabc', '"User quota" extra']));
        if (verb === 'SETQUOTA') b.text(r.pick([' (STORAGE 512)', ' ()', ' (STORAGE)', ' STORAGE 1', ' (MESSAGE 99999999999999999999)']));
      })],
      // METADATA-SERVER (RFC 5464): server annotations, options, depths, NIL, literal8, mailbox annotations refused.
      [1, () => this.cmd((b) => b.text(r.pick([
        `GETMETADATA ${r.pick(['', '(MAXSIZE 5) ', '(DEPTH 1) ', '(DEPTH infinity MAXSIZE 1024) ', '(DEPTH 2) ', '(BOGUS 1) '])}"" ${
          r.pick(['/shared/comment', '(/shared/admin /private/comment)', '/private', '/shared/*', '//x', '/other', 'INBOX'])}`,
        `GETMETADATA ${r.pick(['INBOX', '""'])} /shared/comment`,
        `SETMETADATA "" (/private/comment ${r.pick(['"hello"', 'NIL', '{3+}\r\nabc', '~{3+}\r\na\0c', `"${'x'.repeat(5000)}"`])})`,
        `SETMETADATA ${r.pick(['""', 'INBOX'])} (${r.pick(['/shared/comment "x"', '/private "x"', '/private/a "1" /private/b NIL', '/private/x/ "y"', ''])})`,
      ])))],
      [1, () => this.cmd((b) => b.text(r.pick(['ENABLE', 'ENABLE CONDSTORE', 'ENABLE UTF8=ACCEPT', 'ENABLE IMAP4rev2', 'ENABLE X-NOPE QRESYNC', 'ENABLE ""',
        'ENABLE (CONDSTORE)'])))],
      [1, () => this.idle()],
      [1, () => this.notify()],
      // COMPRESS as it is refused (a DEFLATE stream is beyond this plaintext fuzzer), and commands of extensions
      // imapd lacks, which a client sends to probe (answered BAD without counting toward the disconnect).
      [0.5, () => this.cmd((b) => b.text(r.pick(['COMPRESS', 'COMPRESS GZIP', 'COMPRESS DEFLATE x', 'COMPRESS "DEFLATE"',
        'URLFETCH x', 'UNAUTHENTICATE', 'MYRIGHTS INBOX'])))],
    ];
    const selected: [number, () => void][] = [
      [10, () => this.cmd((b) => b.text(`${r.chance(0.4) ? 'UID ' : ''}FETCH ${this.seqSet()} ${this.fetchAtts()}`))],
      [5, () => this.search()],
      [3, () => this.cmd((b) => b.text(`${r.chance(0.4) ? 'UID ' : ''}STORE ${this.seqSet()} ${r.pick(['', '+', '-', '', '*'])}FLAGS${r.chance(0.3) ? '.SILENT' : ''} ${r.chance(0.9) ? this.flagList() : r.pick(FLAGS)}`))],
      [3, () => this.cmd((b) => {
        b.text(`${r.chance(0.4) ? 'UID ' : ''}${r.pick(['COPY', 'COPY', 'MOVE'])} ${this.seqSet()} `);
        this.astring(b, this.mailbox(true));
      })],
      [1, () => this.cmd((b) => b.text(r.pick(['CHECK', 'EXPUNGE', `UID EXPUNGE ${this.seqSet()}`])))],
      [1, () => this.replace()],
      [1, () => {
        this.cmd((b) => b.text(r.pick(['CLOSE', 'UNSELECT'])));
        this.state = 'auth';
      }],
      [2, () => this.cmd((b) => b.text(`${r.chance(0.3) ? 'UID ' : ''}SORT ${r.chance(0.2) ? `RETURN (${Array.from({ length: r.int(0, 3) },
        () => this.returnOpt()).join(' ')}) ` : ''}(${Array.from({ length: r.int(0, 3) }, () => `${r.chance(0.3) ? 'REVERSE ' : ''}${r.pick(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO', 'BOGUS'])}`).join(' ')}) ${r.pick(['UTF-8', 'US-ASCII', 'X-BOGUS'])} ${this.searchKeys()}`))],
      // CANCELUPDATE (RFC 5267 §4.3.5): quoted tags of earlier commands (some with UPDATE), an unknown one, bad forms.
      [1, () => this.cmd((b) => b.text(`CANCELUPDATE ${r.pick([`"A${String(r.int(1, this.n)).padStart(3, '0')}"`, `"t${r.int(1, this.n)}"`,
        '"nope" "A001"', '', 'A001', '"a\\"b"'])}`))],
      [2, () => this.cmd((b) => b.text(`${r.chance(0.3) ? 'UID ' : ''}THREAD ${r.pick(['REFERENCES', 'ORDEREDSUBJECT', 'REFS', 'X'])} ${r.pick(['UTF-8', 'US-ASCII'])} ${this.searchKeys()}`))],
    ];
    const table = s === 'nonauth' ? [...any, ...nonauth] : s === 'auth' ? [...any, ...auth] : [...any, ...auth.map(([w, f]) => [w / 3, f] as [number, () => void]), ...selected];
    r.weighted(table)();
  }

  select(verb: 'SELECT' | 'EXAMINE'): void {
    const r = this.rng;
    this.cmd((b) => {
      b.text(`${verb} `);
      this.astring(b, r.chance(0.8) ? 'INBOX' : this.mailbox());
      if (r.chance(0.05)) b.text(r.pick([' (CONDSTORE)', ' ()', ' extra']));
    });
    this.state = 'selected';
    this.selectedReadOnly = verb === 'EXAMINE';
  }

  mailboxOp(): void {
    const r = this.rng;
    const verb = r.pick(['CREATE', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE']);
    const name = this.mailbox(true);
    this.cmd((b) => {
      b.text(`${verb} `);
      this.astring(b, name);
      // CREATE-SPECIAL-USE (RFC 6154 §3).
      if (verb === 'CREATE' && r.chance(0.2)) {
        b.text(` (USE (${Array.from({ length: r.int(0, 2) }, () => r.pick(['\\Sent', '\\Drafts', '\\Trash', '\\All', '\\Bogus', 'Sent']))
          .join(' ')}))`);
      }
      if (verb === 'RENAME') {
        b.text(' ');
        const to = this.mailbox(true);
        this.astring(b, to);
        this.known.push(to);
      }
    });
    if (verb === 'CREATE' && !this.known.includes(name)) this.known.push(name);
  }

  append(): void {
    const r = this.rng;
    const tag = this.tag();
    const b = new Builder().text(`${tag} APPEND `);
    this.astring(b, this.mailbox(true), r.chance(0.2));
    const count = r.weighted([[8, 1], [2, 2], [0.5, 5]]);
    for (let i = 0; i < count; i++) {
      if (r.chance(0.4)) b.text(` ${this.flagList()}`);
      if (r.chance(0.3)) b.text(` ${r.pick(DATE_TIMES)}`);
      b.text(' ');
      this.appendData(b);
    }
    this.push({ tag, parts: b.end(), wait: true });
  }

  /** REPLACE and UID REPLACE (RFC 8508): a message of the selection, a target, one append-message. */
  replace(): void {
    const r = this.rng;
    const tag = this.tag();
    const b = new Builder().text(`${tag} ${r.chance(0.5) ? 'UID ' : ''}REPLACE ${r.pick(['1', '2', '*', '3', '0', '4294967295'])} `);
    this.astring(b, this.mailbox(true), r.chance(0.2));
    if (r.chance(0.4)) b.text(` ${this.flagList()}`);
    if (r.chance(0.2)) b.text(` ${r.pick(DATE_TIMES)}`);
    b.text(' ');
    this.appendData(b);
    this.push({ tag, parts: b.end(), wait: true });
  }

  /** append-data: a message literal (or what is not one), or RFC 4469's CATENATE of TEXT literals and URLs. */
  appendData(b: Builder): void {
    const r = this.rng;
    if (r.chance(0.25)) {
      b.text('CATENATE (');
      const n = r.weighted([[6, 1], [3, 2], [1, 4], [0.2, 0]]);
      for (let i = 0; i < n; i++) {
        if (i > 0) b.text(' ');
        if (r.chance(0.5)) {
          b.text('TEXT ');
          const msg = this.message();
          const kind = r.weighted<string>([[4, 'sync'], [4, 'nonsync'], [1, 'lit8'], [0.3, 'quoted']]);
          if (kind === 'sync') b.sync(msg);
          else if (kind === 'nonsync') b.nonSync(msg);
          else if (kind === 'lit8') b.nonSync(msg, `~{${msg.length}+}`);
          else b.text('"x"');
        } else {
          b.text('URL ');
          const url = r.pick(['/INBOX/;UID=1', '/INBOX;UIDVALIDITY=1/;UID=1', '/INBOX/;UID=1/;SECTION=HEADER',
            '/INBOX/;UID=2/;SECTION=1.MIME', '/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=0.10', '/saved/;UID=1',
            '/INBOX/;UID=*', ';UID=1', '/INBOX', 'imap://fuzzer@localhost/INBOX/;UID=1', '/IN%ZZ/;UID=1', '/%FF/;UID=1',
            `/INBOX/;UID=1/;SECTION=${'1.'.repeat(r.int(1, 60))}1`, '/INBOX/;UID=1;URLAUTH=anonymous:internal:00', '']);
          if (r.chance(0.8)) b.text(`"${url}"`);
          else b.nonSync(url);
        }
      }
      b.text(r.chance(0.95) ? ')' : '');
      return;
    }
    const msg = this.message();
    const kind = r.weighted<string>([[5, 'sync'], [4, 'nonsync'], [1, 'lit8'], [0.5, 'lit8+'], [0.3, 'quoted']]);
    if (kind === 'sync') b.sync(msg);
    else if (kind === 'nonsync') b.nonSync(msg);
    else if (kind === 'lit8') b.sync(msg, `~{${msg.length}}`);
    else if (kind === 'lit8+') b.nonSync(msg, `~{${msg.length}+}`);
    else b.text(`"${msg.slice(0, 40).replace(/[\r\n"\\]/g, '')}"`);
  }

  /** One RETURN option of SEARCH or SORT: RFC 4731's, SAVE, RFC 5267's CONTEXT/UPDATE/PARTIAL (odd ranges too). */
  returnOpt(): string {
    const r = this.rng;
    return r.pick(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'CONTEXT', 'UPDATE', 'UPDATE', 'BOGUS',
      `PARTIAL ${r.int(1, 6)}:${r.int(1, 6)}`, `PARTIAL ${r.pick(['0:3', '1:*', '4294967295:1', '5', '-1:-3', ''])}`]);
  }

  search(): void {
    const r = this.rng;
    const ret = r.chance(0.2) ? `RETURN (${Array.from({ length: r.int(0, 3) }, () => this.returnOpt()).join(' ')}) ` : '';
    const keys = this.searchKeys();
    this.cmd((b) => b.text(`${r.chance(0.4) ? 'UID ' : ''}SEARCH ${ret}${this.charset()}${keys}`));
  }

  idle(): void {
    const tag = this.tag();
    this.push({ tag, parts: [`${tag} IDLE\r\n`, this.rng.pick(['DONE\r\n', 'DONE\r\n', 'done\r\n', 'DONE \r\n', 'NOPE\r\n'])], wait: true });
  }

  // ------------------------------------------------------------------ mutations

  /** A valid-looking command line, mutated in a way that keeps its framing. */
  mutateLine(): void {
    const r = this.rng;
    const tag = this.tag();
    const plain = (rest: string): void => this.push({ tag, parts: [`${tag} ${rest}\r\n`], wait: true });
    r.weighted<() => void>([
      [3, () => {
        // 8-bit, NUL, lone CR inside the line (after the tag).
        const base = r.pick(['NOOP', 'FETCH 1 (FLAGS)', 'SEARCH ALL', 'SELECT INBOX', 'LIST "" *', 'STATUS INBOX (MESSAGES)',
          'LOGIN fuzzer x', 'CAPABILITY', 'EXAMINE INBOX', 'STORE 1 +FLAGS (\\Seen)', 'CREATE x'])
          .replace(/^SELECT /, this.readOnly ? 'EXAMINE ' : 'SELECT ');
        const at = r.int(0, base.length);
        const junk = r.weighted([[3, '\0'], [3, r.bytes(r.int(1, 8)).replace(/[\r\n]/g, '')], [2, '\r'], [1, '\u00ff\u00fe'], [1, '\r\r\r']]);
        plain(base.slice(0, at) + junk + base.slice(at));
      }],
      [2, () => {
        // A lone LF splits the line in two: two lines, each answered on its own.
        const base = r.pick(['NOOP', 'FETCH 1 FLAGS', 'SEARCH ALL', 'LIST "" *', 'CAPABILITY']);
        const at = r.int(1, base.length);
        this.push({ tag, parts: [`${tag} ${base.slice(0, at)}\n${base.slice(at)}\r\n`], wait: true });
      }],
      [2, () => {
        // Literal counts out of range, and literals where none belong.
        const marker = r.pick(['{4294967296}', '{4294967295}', '{99999999999999999999}', '{10001}', '{200000000}', '{1048577}']);
        this.push({ tag, parts: [`${tag} LOGIN ${marker}\r\n`, `${USER} x\r\n`], wait: true, refuse: true });
      }],
      [2, () => plain(r.pick(['LOGIN {-1}', 'LOGIN {}', 'LOGIN {+}', 'LOGIN {1a}', 'LOGIN {-1+}', 'SELECT {0x10}', 'NOOP {5}x',
        'LOGIN { 5}', 'SELECT ~{5', 'LIST "" {']))],
      [2, () => {
        // A literal whose count is fine, in odd places.
        const data = r.pick(['INBOX', '1:*', '(FLAGS)', '', 'a\0b', '\u00e9']);
        // A read-only session must not SELECT (the literal may well be INBOX): it EXAMINEs instead.
        const place = r.pick(['SELECT ', 'FETCH ', 'FETCH 1 ', 'SEARCH ', 'SEARCH TEXT ', 'STATUS ', 'NOOP ', 'ID (', 'LIST "" ', 'ENABLE '])
          .replace(/^SELECT /, this.readOnly ? 'EXAMINE ' : 'SELECT ');
        const lit8 = r.chance(0.2);
        const b = new Builder().text(`${tag} ${place}`);
        if (r.chance(0.5)) b.sync(data, `${lit8 ? '~' : ''}{${data.length}}`);
        else b.nonSync(data, `${lit8 ? '~' : ''}{${data.length}+}`);
        b.text(r.pick(['', ' (FLAGS)', ')', ' ALL', ' INBOX']));
        this.push({ tag, parts: b.end(), wait: true });
      }],
      [1, () => {
        // LITERAL+ beyond the limit for a non-APPEND command: the octets are read and dropped, then BAD.
        const n = r.pick([10_001, 20_000, 100_000]);
        plain(`LOGIN {${n}+}\r\n${'x'.repeat(n)} y`);
      }],
      [0.5, () => this.push({ tag, parts: [`${tag} LOGIN {${r.pick([1_048_577, 4294967295, 4294967296])}+}\r\n`], wait: false, junk: true })],
      [1, () => plain(`NOOP ${'x'.repeat(r.pick([MAX_LINE - 10, MAX_LINE + 10, 1 << 20]))}`)],
      [1, () => plain(r.pick(['', ' ', 'NOOP ', 'noop', 'NoOp', 'UID', 'UID NOOP', 'UID FETCH', 'UID BOGUS 1', 'X' + 'Y'.repeat(100),
        'FETCH', 'STORE 1', 'COPY 1', 'LOGOUT extra', 'CAPABILITY x', 'SELECT', 'APPEND', 'APPEND INBOX', 'APPEND INBOX (\\Seen)',
        'SEARCH', 'SEARCH CHARSET', 'AUTHENTICATE', 'STARTTLS x', 'ENABLE', 'IDLE x', 'NAMESPACE x']))],
      [1, () => {
        const d = r.pick([100, 10_000, 30_000]);
        plain(r.pick([`FETCH 1 ${'('.repeat(d)}FLAGS${')'.repeat(d)}`, `SEARCH ${'('.repeat(d)}ALL${')'.repeat(d)}`,
          `SEARCH ${'NOT '.repeat(d)}ALL`, `SEARCH ${'OR ALL '.repeat(d)}ALL`, `STORE 1 FLAGS ${'('.repeat(d)}`,
          `ID ${'('.repeat(d)}`, `LIST ${'('.repeat(d)} *`, `FETCH 1 BODY[${'1.'.repeat(d)}1]`, `APPEND INBOX ${'('.repeat(d)}`]));
      }],
      [1, () => plain(`FETCH ${r.pick(['1', '*', '1:*'])} BODY[${Array.from({ length: r.pick([100, 1000, 5000]) }, () => r.int(1, 3)).join('.')}]<${r.pick(['0.4294967295', '4294967295.4294967295', '4294967296.1', '0.99999999999999999999'])}>`)],
      [1, () => plain(`${r.pick(['SELECT', 'CREATE', 'DELETE', 'STATUS', 'SUBSCRIBE', 'EXAMINE'])} "${r.pick(MAILBOXES_ODD).replace(/[\\"]/g, '')}"${r.chance(0.3) ? ' (MESSAGES)' : ''}`)],
      [0.5, () => plain(`RENAME "${r.pick(MAILBOXES_ODD).replace(/[\\"]/g, '')}" "${r.pick(MAILBOXES_ODD).replace(/[\\"]/g, '')}"`)],
      [1, () => plain(`${r.pick(['FETCH', 'STORE', 'COPY', 'SEARCH', 'UID FETCH', 'MOVE'])} ${r.pick(['0', '4294967295:1', '4294967296', '*:0', '1:*:*', ''])} ${r.pick(['FLAGS', '+FLAGS (\\Seen)', 'saved', 'ALL', ''])}`)],
    ])();
  }

  /** The selected mailbox deleted or renamed under the session, then used. */
  vanish(): void {
    const r = this.rng;
    const name = r.pick(['saved', 'Archive/2024', '&AOQ-rger']);
    this.cmd((b) => b.text(`CREATE "${name}"`));
    if (r.chance(0.7)) this.cmd((b) => b.text(`APPEND "${name}" {${messages()[0]?.length ?? 0}+}\r\n${messages()[0] ?? ''}`));
    this.cmd((b) => b.text(`${r.pick(['SELECT', 'EXAMINE'])} "${name}"`));
    this.state = 'selected';
    const pipelined = r.chance(0.3);
    const verb = r.pick(['DELETE', 'RENAME']);
    this.push({ ...this.cmd((b) => b.text(verb === 'DELETE' ? `DELETE "${name}"` : `RENAME "${name}" "other"`)), wait: !pipelined });
    this.cmds.splice(this.cmds.length - 2, 1);
    for (let i = r.int(0, 3); i > 0; i--) {
      this.cmd((b) => b.text(r.pick(['NOOP', 'FETCH 1 (FLAGS BODY[])', 'STORE 1 +FLAGS (\\Deleted)', 'EXPUNGE', 'CHECK', 'CLOSE',
        'SEARCH ALL', `STATUS "${name}" (MESSAGES)`, 'COPY 1 INBOX', 'UNSELECT'])));
    }
  }

  /** A flood of pipelined commands. */
  flood(): void {
    const r = this.rng;
    const n = r.pick([50, 500, 3000]);
    const kinds = this.state === 'selected' ? ['NOOP', 'FETCH 1 FLAGS', 'SEARCH ALL', 'CHECK', 'FETCH 1:* UID'] : ['NOOP', 'CAPABILITY', 'LIST "" %'];
    for (let i = 0; i < n; i++) {
      const tag = this.tag();
      this.push({ tag, parts: [`${tag} ${r.pick(kinds)}\r\n`], wait: false });
    }
  }

  /** Something after which framing is lost: only before the EOF. */
  tail(): void {
    const r = this.rng;
    const junk = (s: string): void => this.push({ tag: null, parts: [s], wait: false, junk: true });
    r.weighted<() => void>([
      [3, () => junk(r.bytes(r.int(1, 4000)))],
      [1, () => junk(r.bytes(r.int(1, 200)).replace(/\n/g, '') + '\r\n' + r.bytes(r.int(1, 200)))],
      [2, () => {
        // APPEND cut short by the EOF.
        const tag = this.tag();
        const msg = this.message();
        const cut = msg.slice(0, r.int(0, msg.length));
        this.push({ tag, parts: r.chance(0.5) ? [`${tag} APPEND saved {${msg.length + 10}}\r\n`, cut] : [`${tag} APPEND INBOX {${msg.length + 10}+}\r\n${cut}`], wait: false, junk: true });
      }],
      [2, () => {
        const tag = this.tag();
        this.push({ tag, parts: [`${tag} IDLE\r\n`, r.pick(['', 'DON', 'NOOP\r\n'])], wait: false, junk: true });
      }],
      [1, () => junk(`${this.tag()} LOGIN {5}\r\nab`)],
      [1, () => junk(`${this.tag()} NOOP`)],
      [1, () => junk(`${this.tag()} APPEND INBOX {${r.pick([4294967295, 300_000_000, 200_000_000])}+}\r\n${'x'.repeat(r.int(0, 5000))}`)],
      [1, () => {
        const tag = this.tag();
        this.push({ tag, parts: [`${tag} AUTHENTICATE ${r.pick(['PLAIN', 'LOGIN', 'CRAM-MD5'])}\r\n`, r.pick(['', 'AAAA', r.bytes(50)])], wait: false, junk: true });
      }],
      [1, () => junk('\r\n'.repeat(r.int(1, 50)) + '\n'.repeat(r.int(0, 50)) + '\r'.repeat(r.int(0, 50)))],
    ])();
  }

  /** STARTTLS and then bytes that are not TLS (root mode over a socket); elsewhere STARTTLS is refused. */
  starttls(): void {
    const tag = this.tag();
    this.push({ tag, parts: [`${tag} STARTTLS\r\n`], wait: true, starttls: true });
    this.push({ tag: null, parts: [this.rng.pick([`${this.tag()} LOGIN ${USER} x\r\n`, this.rng.bytes(300), '\u0016\u0003\u0001\u0000\u0005hello'])], wait: false, junk: true });
  }

  logout(): void {
    this.cmd((b) => b.text('LOGOUT'));
  }
}

const MAILBOXES: readonly (readonly [number, string])[] = [[10, 'imap-fetch.mbox'], [2, 'imap-thread.mbox'], [2, 'imap-search.mbox'],
  [1, 'sample.mbox'], [1, 'dots.mbox'], [0.3, 'none']];

/** The IMAP session for `seed` in `mode`. */
export function imapSession(seed: number, mode: Mode): FuzzSession {
  const r = new Rng(seed);
  const kind = r.weighted<string>([[45, 'walk'], [12, 'pipelined'], [25, 'mutations'], [6, 'flood'], [6, 'auth'], [6, 'random'],
    [4, 'vanish']]);
  const readOnly = kind !== 'random' && kind !== 'vanish' && r.chance(0.2);
  const g = new ImapGen(r.fork(), mode, readOnly);
  const config: string[] = [];
  if (r.chance(0.1)) config.push(`max_bad_commands = ${r.pick([1, 3, 1000])}`);
  if (r.chance(0.05)) config.push(`max_line_length = ${r.pick(['8K', '1M'])}`);
  const mailbox = r.weighted(MAILBOXES);
  if (mode === 'root' && kind !== 'random') {
    if (r.chance(0.2)) g.step();
    if (kind === 'auth' && r.chance(0.3)) g.starttls();
    else if (kind === 'auth') {
      // Failed and odd logins first.
      for (let i = r.int(1, 3); i > 0; i--) {
        if (r.chance(0.5)) g.login(false);
        else authGarbage(g);
      }
      g.login(true);
    } else g.login(r.chance(0.97));
  }
  const steps = kind === 'random' ? 0 : r.small(kind === 'walk' ? 12 : 6, 60);
  for (let i = 0; i < steps; i++) {
    if (kind === 'mutations' && r.chance(0.35)) g.mutateLine();
    else if (kind === 'walk' && r.chance(0.03)) g.mutateLine();
    else g.step();
    const last = g.cmds[g.cmds.length - 1];
    if (last?.junk) break; // framing is lost: nothing after it could be judged
    if (kind === 'pipelined' && last && last.parts.length === 1 && !last.junk && r.chance(0.7)) {
      g.cmds[g.cmds.length - 1] = { ...last, wait: false };
    }
  }
  if (kind === 'vanish') g.vanish();
  if (kind === 'flood') g.flood();
  if (kind === 'random') {
    if (mode === 'root' && r.chance(0.5)) g.login(true);
    for (let i = r.int(1, 4); i > 0; i--) g.tail();
  } else if (r.chance(0.15)) g.tail();
  else if (r.chance(0.7)) g.logout();
  return { protocol: 'imap', mode, mailbox, seed, kind, config, readOnly, commands: g.cmds };
}

function authGarbage(g: ImapGen): void {
  const r = g.rng;
  const tag = g.tag();
  const mech = r.pick(['PLAIN', 'LOGIN', 'CRAM-MD5', 'plain']);
  const resp = r.weighted<() => string>([
    [3, () => r.bytes(r.int(1, 100)).replace(/[\r\n]/g, '')],
    [2, () => '*'],
    [2, () => 'A'.repeat(r.pick([100_000, 70_000, 65_537]))],
    [1, () => Buffer.from(r.bytes(75_000)).toString('base64')],
    [1, () => '===='],
    [1, () => ''],
    [1, () => Buffer.from('\0\0\0').toString('base64')],
  ])();
  g.push({ tag, parts: [`${tag} AUTHENTICATE ${mech}\r\n`, `${resp}\r\n`], wait: true });
}
