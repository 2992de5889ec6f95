/**
 * POP3 fuzz sessions from a seed: the AUTHORIZATION state (USER/PASS, APOP with the greeting's timestamp, AUTH
 * PLAIN/LOGIN/CRAM-MD5, CAPA, STLS) in root mode, the TRANSACTION state (STAT, LIST, UIDL, RETR, TOP, DELE, RSET,
 * NOOP, LAST, QUIT), mixed with huge and negative arguments, AUTH and APOP garbage, long lines, 8-bit, NUL, lone
 * CR/LF, pipelined floods and random bytes. POP3 framing is lines only: every line the server reads gets one reply,
 * so even random bytes keep their framing (but STLS in them may start TLS, so those are junk).
 */
import { Rng } from './rng.js';
import type { Command, FuzzSession, Mode } from './session.js';
import { PASSWORD, USER } from './sandbox.js';

const NUMS_ODD = ['0', '-1', '4294967295', '4294967296', '99999999999999999999', '1e3', '0x1', '+1', ' 1', '1 2', '', 'x',
  '1\u00001', '\u00b9', '000000001', '999999999', '1000000000'];

class Pop3Gen {
  readonly cmds: Command[] = [];
  loggedIn: boolean;

  constructor(readonly rng: Rng, readonly mode: Mode, readonly readOnly: boolean) {
    this.loggedIn = mode === 'preauth';
  }

  line(s: string, wait = true): void {
    this.cmds.push({ tag: null, parts: [`${s}\r\n`], wait });
  }

  num(): string {
    const r = this.rng;
    return r.chance(0.85) ? String(r.int(1, 12)) : r.pick(NUMS_ODD);
  }

  login(ok: boolean): void {
    const r = this.rng;
    const pass = ok ? PASSWORD : r.pick(['wrong', '', PASSWORD + ' ', 'x'.repeat(5000)]);
    const user = ok ? USER : r.pick([USER, 'root', '', 'x'.repeat(300), 'fu\u0000zz']);
    const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');
    const how = r.weighted<string>([[5, 'user'], [2, 'apop'], [2, 'plain'], [1, 'plain-ir'], [1, 'login'], [2, 'cram']]);
    if (how === 'user') {
      this.line(`USER ${user}`);
      this.line(`PASS ${pass}`);
    } else if (how === 'apop') {
      this.cmds.push({ tag: null, parts: ['(computed)'], wait: true, compute: { kind: 'apop', user, secret: pass } });
    } else if (how === 'plain') {
      this.cmds.push({ tag: null, parts: ['AUTH PLAIN\r\n', `${b64(`\0${user}\0${pass}`)}\r\n`], wait: true });
    } else if (how === 'plain-ir') {
      this.line(`AUTH PLAIN ${b64(`\0${user}\0${pass}`)}`);
    } else if (how === 'login') {
      this.cmds.push({ tag: null, parts: ['AUTH LOGIN\r\n', `${b64(user)}\r\n`, `${b64(pass)}\r\n`], wait: true });
    } else {
      this.cmds.push({ tag: null, parts: ['AUTH CRAM-MD5\r\n', '(computed)\r\n'], wait: true, compute: { kind: 'cram-md5', user, secret: pass } });
    }
    if (ok) this.loggedIn = true;
  }

  authGarbage(): void {
    const r = this.rng;
    const mech = r.pick(['PLAIN', 'LOGIN', 'CRAM-MD5', 'plain', 'X-BOGUS', '']);
    const resp = r.weighted<() => string>([
      [3, () => r.bytes(r.int(1, 100)).replace(/[\r\n]/g, '')],
      [2, () => '*'],
      [2, () => 'A'.repeat(r.pick([100_000, 5000, 4097]))],
      [1, () => '===='],
      [1, () => ''],
    ])();
    this.cmds.push({ tag: null, parts: [`AUTH ${mech}\r\n`, `${resp}\r\n`], wait: true });
  }

  step(): void {
    const r = this.rng;
    const any: [number, () => void][] = [
      [1, () => this.line('CAPA')],
      [0.3, () => this.line(r.pick(['', ' ', 'capa x', 'NOOP', 'XTND XMIT', 'RPOP x', 'HELP', 'QUITX', 'A'.repeat(9)]))],
    ];
    const auth: [number, () => void][] = [
      [6, () => this.login(r.chance(0.85))],
      [1, () => this.authGarbage()],
      [1, () => this.line(r.pick(['APOP', `APOP ${USER}`, `APOP ${USER} ${'0'.repeat(32)}`, `APOP ${USER} ${'g'.repeat(32)}`,
        `APOP ${'x'.repeat(3000)} ${'a'.repeat(32)}`, 'APOP \u0000 1', 'USER', 'PASS', 'PASS x', 'AUTH', 'STAT', 'RETR 1']))],
    ];
    const trans: [number, () => void][] = [
      [3, () => this.line('STAT')],
      [3, () => this.line(r.chance(0.5) ? 'LIST' : `LIST ${this.num()}`)],
      [3, () => this.line(r.chance(0.5) ? 'UIDL' : `UIDL ${this.num()}`)],
      [4, () => this.line(`RETR ${this.num()}`)],
      [3, () => this.line(`TOP ${this.num()} ${r.chance(0.8) ? r.int(0, 20) : r.pick(NUMS_ODD)}`)],
      [2, () => this.line(`DELE ${this.num()}`)],
      [1, () => this.line('RSET')],
      [1, () => this.line('NOOP')],
      [1, () => this.line('LAST')],
      [0.5, () => this.line(r.pick(['USER x', 'PASS x', 'AUTH PLAIN', 'STLS', 'APOP x y', 'TOP', 'TOP 1', 'RETR', 'DELE', 'LIST 1 2',
        'retr 1', 'Stat', 'STAT x', 'NOOP x']))],
    ];
    r.weighted([...any, ...(this.loggedIn ? trans : auth)])();
  }

  mutate(): void {
    const r = this.rng;
    r.weighted<() => void>([
      [3, () => {
        const base = r.pick(['STAT', 'LIST 1', 'RETR 1', 'TOP 1 2', 'UIDL', 'DELE 1', 'NOOP', 'USER fuzzer', 'CAPA']);
        const at = r.int(0, base.length);
        this.line(base.slice(0, at) + r.weighted([[3, '\0'], [3, r.bytes(r.int(1, 8)).replace(/[\r\n]/g, '')], [2, '\r'], [1, '\n']]) + base.slice(at));
      }],
      [2, () => this.line(`${r.pick(['LIST', 'RETR', 'TOP', 'DELE', 'UIDL'])} ${r.pick(NUMS_ODD)}${r.chance(0.3) ? ` ${r.pick(NUMS_ODD)}` : ''}`)],
      [1, () => this.line(`${r.pick(['NOOP ', 'USER ', 'PASS ', 'STAT ', ''])}${'x'.repeat(r.pick([255, 4095, 4096, 4097, 70_000, 1 << 20]))}`)],
      [1, () => this.line(r.bytes(r.int(1, 300)).replace(/\n/g, ''))],
    ])();
  }

  flood(): void {
    const r = this.rng;
    const n = r.pick([50, 500, 3000]);
    const kinds = this.loggedIn ? ['STAT', 'NOOP', 'LIST', 'UIDL 1', 'RETR 1', 'TOP 1 0', 'LAST', 'RSET'] : ['CAPA', 'NOOP', 'USER x', 'BOGUS'];
    let s = '';
    for (let i = 0; i < n; i++) s += `${r.pick(kinds)}\r\n`;
    this.cmds.push({ tag: null, parts: [s], wait: false });
  }

  tail(): void {
    const r = this.rng;
    const bytes = r.weighted<() => string>([
      [3, () => r.bytes(r.int(1, 4000))],
      [1, () => 'AUTH PLAIN\r\n'],
      [1, () => 'AUTH LOGIN\r\nZnV6emVy\r\n'],
      [1, () => `USER ${USER}\r\nPASS ${PASSWORD}`],
      [1, () => '\r'.repeat(r.int(1, 50)) + '\n'.repeat(r.int(1, 50))],
    ])();
    // Framing is kept (every line gets a reply) unless STLS could start TLS.
    this.cmds.push({ tag: null, parts: [bytes], wait: false, ...(/(^|\n)stls/i.test(bytes) ? { junk: true } : {}) });
  }

  stls(): void {
    this.cmds.push({ tag: null, parts: ['STLS\r\n'], wait: true, starttls: true });
    this.cmds.push({ tag: null, parts: [this.rng.pick(['USER fuzzer\r\n', this.rng.bytes(200), '\u0016\u0003\u0001\u0000\u0005hello'])], wait: false, junk: true });
  }
}

const MAILBOXES: readonly (readonly [number, string])[] = [[10, 'imap-fetch.mbox'], [2, 'sample.mbox'], [2, 'dots.mbox'],
  [1, 'imap-thread.mbox'], [1, 'imap-search.mbox'], [0.3, 'none']];

export function pop3Session(seed: number, mode: Mode): FuzzSession {
  const r = new Rng(seed);
  const kind = r.weighted<string>([[45, 'walk'], [12, 'pipelined'], [25, 'mutations'], [6, 'flood'], [6, 'auth'], [6, 'random']]);
  const mailbox = r.weighted(MAILBOXES);
  // Read-only: no QUIT after the login. Only on imap-fetch.mbox, whose messages all have UIDs and Status lines:
  // opening a mailbox with new mail read-write gives it UIDs and clears \Recent in the file (as UW does).
  const readOnly = r.chance(0.25) && mailbox === 'imap-fetch.mbox';
  const g = new Pop3Gen(r.fork(), mode, readOnly);
  const config: string[] = [];
  if (r.chance(0.1)) config.push(`max_bad_commands = ${r.pick([1, 3, 1000])}`);
  if (r.chance(0.1)) config.push(`pop3_uidl_format = ${r.pick(['uw', 'dovecot'])}`);
  if (r.chance(0.1)) config.push(`pop3_status_header = ${r.pick(['yes', 'no'])}`);
  if (mode === 'root' && kind !== 'random') {
    if (r.chance(0.2)) g.line('CAPA');
    if (kind === 'auth' && r.chance(0.3)) g.stls();
    else {
      if (kind === 'auth') {
        for (let i = r.int(1, 2); i > 0; i--) {
          if (r.chance(0.5)) g.login(false);
          else g.authGarbage();
        }
      }
      g.login(r.chance(0.97));
    }
  }
  const steps = kind === 'random' ? 0 : r.small(kind === 'walk' ? 10 : 6, 50);
  for (let i = 0; i < steps; i++) {
    if (kind === 'mutations' && r.chance(0.4)) g.mutate();
    else if (kind === 'walk' && r.chance(0.03)) g.mutate();
    else g.step();
    const last = g.cmds[g.cmds.length - 1];
    if (kind === 'pipelined' && last && last.parts.length === 1 && !last.compute && r.chance(0.7)) g.cmds[g.cmds.length - 1] = { ...last, wait: false };
  }
  if (kind === 'flood') g.flood();
  if (kind === 'random') {
    if (mode === 'root' && r.chance(0.5)) g.login(true);
    for (let i = r.int(1, 4); i > 0; i--) g.tail();
  } else if (r.chance(0.15)) g.tail();
  // A read-only session never sends QUIT once logged in: EOF instead, so nothing is written.
  if (!(readOnly && (g.loggedIn || mode === 'root')) && r.chance(0.75)) g.line('QUIT');
  return { protocol: 'pop3', mode, mailbox, seed, kind, config, readOnly: readOnly, commands: g.cmds };
}
