/**
 * Runs protocol transcripts through the real server binaries over stdin/stdout.
 *
 * A transcript (`*.t`) is text:
 *
 *     # comments
 *     mailbox: sample.mbox     the maildrop: a copy of test/fixtures/<name> ("none": no mailbox file)
 *     home-file: mbox empty    a file in the session's HOME before it starts: a copy of test/fixtures/<name>, or
 *                              ("empty") an empty file (UW's ~/mbox INBOX, say)
 *     feed: bytes              send the client's lines one byte per write (default: a batch per group of C: lines)
 *     C: STAT                  a line the client sends (CRLF added); consecutive C: lines go out together;
 *                              `${name}` in it is the value an S: line bound to $name before it (a MODSEQ, say)
 *     L: line two              a line the client sends with a bare LF end (no CR), like C: otherwise (L2: the
 *                              second session): for literal content whose line ends are bare
 *     S: +OK $n $*             a line the server must send: `$*` matches the rest, `$name` binds a token (\S+)
 *                              the first time and must match the same text later; `$$` is a literal `$`
 *     C2: / S2:                lines of a second concurrent session (C1:/S1: or C:/S: are the first)
 *     close2                   the second session's client hangs up (no QUIT)
 *     uids: 3 4 5              after all sessions end: the maildrop holds exactly these UIDs (read by our driver)
 *     distinct: a b c          after all sessions end: the values bound to $a, $b and $c are all different
 *     config: key = value      a line of the configuration file the server is started with (`-c FILE`)
 *     no rev2 replay: REASON   (IMAP) not replayed in IMAP4rev2 sessions, for this reason (see rev2.ts)
 *     compress                 (compress2: the second session) from here on the session's bytes are raw DEFLATE
 *                              both ways (RFC 4978), after `C: a COMPRESS DEFLATE` and its `S: a OK ...`: what the
 *                              client sends is deflated and flushed per batch, what it reads is inflated first
 *
 * Sessions run as the unprivileged user `nobody` (or, when the tests are not run as root, as the user running them)
 * with `$MAIL` naming the maildrop (the servers' PREAUTH mode).
 * After the last expected line a session must send nothing more before exiting.
 *
 * Then every mbox the transcript left (the maildrop and any mailbox created under the session's HOME) is read by
 * UW's own `mailutil check` (c-client, as nobody: it refuses root) and must hold as many messages as our driver
 * reads there, and as `uids:` lists for the maildrop.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { constants as zlibConstants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const NOBODY = 65534;
/**
 * As root (make test, CI) the servers run as `nobody`; run by a user (make test-fast, the inner loop without root)
 * they run as that user, which is the same PREAUTH mode.
 */
const AS_ROOT = process.getuid?.() === 0;

/** `argv` run as nobody (when we are root) or as ourselves, with exactly the environment `env`. */
function asSessionUser(env: Record<string, string>, argv: string[]): [string, string[]] {
  const envArgs = ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
  return AS_ROOT ? ['/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', ...envArgs]] : ['/usr/bin/env', envArgs];
}

function chownToSessionUser(path: string): void {
  if (AS_ROOT) chownSync(path, NOBODY, NOBODY);
}

export type Step =
  | { kind: 'send'; session: number; text: string; eol: string }
  | { kind: 'expect'; session: number; pattern: string; line: number }
  | { kind: 'close'; session: number }
  | { kind: 'compress'; session: number };

export interface Transcript {
  mailbox: string;
  /** Files put in HOME first: its name there, and the fixture copied (null: an empty file). */
  homeFiles: { name: string; fixture: string | null }[];
  config: string[];
  bytewise: boolean;
  steps: Step[];
  uids: number[] | null;
  /** Groups of binding names whose values must all differ. */
  distinct: string[][];
  /** Why the transcript is not replayed in IMAP4rev2 sessions (rev2.ts), or null when it is. */
  noRev2: string | null;
}

function parseTranscript(text: string): Transcript {
  const t: Transcript = { mailbox: 'none', homeFiles: [], config: [], bytewise: false, steps: [], uids: null, distinct: [], noRev2: null };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) return;
    let m: RegExpExecArray | null;
    if ((m = /^mailbox: (\S+)$/.exec(line))) t.mailbox = m[1] as string;
    else if ((m = /^home-file: ([A-Za-z0-9._-]+) (\S+)$/.exec(line))) {
      t.homeFiles.push({ name: m[1] as string, fixture: m[2] === 'empty' ? null : m[2] as string });
    } else if (line === 'feed: bytes') t.bytewise = true;
    else if ((m = /^config: (.+)$/.exec(line))) t.config.push(m[1] as string);
    else if ((m = /^no rev2 replay: (.+)$/.exec(line))) t.noRev2 = m[1] as string;
    else if ((m = /^uids:((?: \d+)*)$/.exec(line))) t.uids = (m[1] as string).trim().split(/\s+/).filter(Boolean).map(Number);
    else if ((m = /^distinct:((?: [A-Za-z_][A-Za-z0-9_]*){2,})$/.exec(line))) t.distinct.push((m[1] as string).trim().split(' '));
    else if ((m = /^close(\d)$/.exec(line))) t.steps.push({ kind: 'close', session: Number(m[1]) });
    else if ((m = /^compress(\d?)$/.exec(line))) t.steps.push({ kind: 'compress', session: Number(m[1] || '1') });
    else if ((m = /^([CSL])(\d?): ?(.*)$/.exec(line))) {
      const session = Number(m[2] || '1');
      if (m[1] !== 'S') t.steps.push({ kind: 'send', session, text: m[3] as string, eol: m[1] === 'L' ? '\n' : '\r\n' });
      else t.steps.push({ kind: 'expect', session, pattern: m[3] as string, line: i + 1 });
    } else throw new Error(`transcript line ${i + 1}: cannot parse ${JSON.stringify(line)}`);
  });
  return t;
}

/** Compiles an S: pattern against the bindings made so far; returns the new bindings on a match, else null. */
function matchLine(pattern: string, actual: string, vars: Map<string, string>): Map<string, string> | null {
  let re = '^';
  const names: string[] = [];
  const parts = pattern.split(/(\$\$|\$\*|\$[A-Za-z_][A-Za-z0-9_]*)/);
  for (const p of parts) {
    if (p === '$$') re += '\\$';
    else if (p === '$*') re += '.*';
    else if (/^\$[A-Za-z_]/.test(p)) {
      const name = p.slice(1);
      const bound = vars.get(name);
      if (bound !== undefined) re += bound.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      else {
        re += '(\\S+)';
        names.push(name);
      }
    } else re += p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(re + '$', 's').exec(actual);
  if (!m) return null;
  const out = new Map(vars);
  names.forEach((n, i) => out.set(n, m[i + 1] as string));
  return out;
}

/** A client line with each `${name}` replaced by the value bound to $name so far (an unbound name is an error). */
function substitute(text: string, vars: Map<string, string>, name: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => {
    const bound = vars.get(v);
    if (bound === undefined) throw new Error(`${name}: \${${v}} used before $${v} was bound`);
    return bound;
  });
}

class Session {
  readonly child: ChildProcess;
  private buf = '';
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  exited = false;
  exitCode: number | null = null;
  stderr = '';

  constructor(argv: string[], env: Record<string, string>) {
    const [file, args] = asSessionUser(env, argv);
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      if (this.inflate) this.inflate.write(d);
      else this.take(d);
    });
    this.child.stdout?.on('end', () => this.inflate?.end());
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('latin1');
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
      this.wake();
    });
  }

  /** COMPRESS: the server's bytes are inflated before they are read as lines, and ours deflated. */
  private inflate: InflateRaw | null = null;
  private deflate: DeflateRaw | null = null;
  /** Settles once all the server sent is inflated (its output ended); till then `inflating` is true. */
  private inflated: Promise<void> = Promise.resolve();
  private inflating = false;

  private take(d: Buffer): void {
    this.buf += d.toString('latin1');
    let nl: number;
    while ((nl = this.buf.indexOf('\r\n')) >= 0) {
      this.lines.push(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 2);
    }
    this.wake();
  }

  /** From now on both directions are raw DEFLATE; what came after the last whole line is compressed already. */
  compress(): void {
    const inflate = createInflateRaw();
    inflate.on('data', (d: Buffer) => this.take(d));
    this.inflating = true;
    this.inflated = new Promise<void>((resolve) => {
      const done = (): void => {
        this.inflating = false;
        this.wake();
        resolve();
      };
      inflate.on('end', done);
      inflate.on('error', (e: Error) => {
        this.stderr += `(the client could not inflate what the server sent: ${e.message})`;
        done();
      });
    });
    const deflate = createDeflateRaw();
    deflate.on('data', (d: Buffer) => this.child.stdin?.write(d));
    const pending = Buffer.from(this.buf, 'latin1');
    this.buf = '';
    this.inflate = inflate;
    this.deflate = deflate;
    if (pending.length) inflate.write(pending);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async nextLine(timeoutMs: number): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.exited && !this.inflating) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the server');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.lines.shift() as string;
  }

  /** Whatever the server still sends until it exits (partial last line included). */
  async rest(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (this.exited) await this.inflated;
    const out = this.lines.map((l) => l + '\r\n').join('') + this.buf;
    this.lines = [];
    this.buf = '';
    return out;
  }

  async send(text: string, bytewise: boolean): Promise<void> {
    const data = Buffer.from(text, 'latin1');
    const stdin = this.child.stdin;
    if (!stdin) return;
    const write = (b: Buffer): void => {
      if (this.deflate === null) {
        stdin.write(b);
        return;
      }
      this.deflate.write(b);
      this.deflate.flush(zlibConstants.Z_SYNC_FLUSH);
    };
    if (!bytewise) {
      write(data);
      return;
    }
    for (const b of data) {
      write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
  }
}

/**
 * Runs a transcript against `server` (a path under bin/, e.g. 'bin/ipop3d'). Throws an AssertionError naming the
 * transcript line that did not match.
 */
export async function runTranscript(server: string, t: Transcript, name: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
  chownToSessionUser(dir);
  const mbox = join(dir, 'INBOX');
  if (t.mailbox !== 'none') {
    copyFileSync(join(ROOT, 'test', 'fixtures', t.mailbox), mbox);
    chownToSessionUser(mbox);
  }
  for (const f of t.homeFiles) {
    const path = join(dir, f.name);
    if (f.fixture === null) writeFileSync(path, '');
    else copyFileSync(join(ROOT, 'test', 'fixtures', f.fixture), path);
    chownToSessionUser(path);
  }
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, MAIL: mbox, HOME: dir };
  const argv = [join(ROOT, server)];
  if (t.config.length) {
    const conf = join(dir, 'server.conf');
    writeFileSync(conf, t.config.join('\n') + '\n');
    argv.push('-c', conf);
  }
  const sessions = new Map<number, Session>();
  const get = (n: number): Session => {
    let s = sessions.get(n);
    if (!s) {
      s = new Session(argv, env);
      sessions.set(n, s);
    }
    return s;
  };
  let vars = new Map<string, string>();
  try {
    // Consecutive C: lines of one session go out together (pipelined).
    const batch = { session: 0, text: '' };
    const flush = async (): Promise<void> => {
      if (batch.text) await get(batch.session).send(batch.text, t.bytewise);
      batch.text = '';
    };
    for (const step of t.steps) {
      if (step.kind === 'send') {
        if (batch.text && batch.session !== step.session) await flush();
        batch.session = step.session;
        batch.text += substitute(step.text, vars, name) + step.eol;
        continue;
      }
      await flush();
      const s = get(step.session);
      if (step.kind === 'close') {
        s.child.stdin?.end();
        await s.rest(10_000);
        continue;
      }
      if (step.kind === 'compress') {
        s.compress();
        continue;
      }
      const actual = await s.nextLine(15_000).catch((e: unknown) => {
        throw new Error(`${name}:${step.line}: ${e instanceof Error ? e.message : String(e)}, expected ${JSON.stringify(step.pattern)}`);
      });
      assert.notEqual(actual, null, `${name}:${step.line}: server ended, expected ${JSON.stringify(step.pattern)}; stderr: ${s.stderr}`);
      const next = matchLine(step.pattern, actual as string, vars);
      assert.ok(next, `${name}:${step.line}: expected ${JSON.stringify(step.pattern)}\n  got ${JSON.stringify(actual)}`);
      vars = next;
    }
    await flush();
    for (const [n, s] of sessions) {
      s.child.stdin?.end();
      const rest = await s.rest(15_000);
      assert.equal(rest, '', `${name}: session ${n} sent more than the transcript expects`);
      assert.equal(s.stderr, '', `${name}: session ${n} wrote to stderr`);
    }
    for (const names of t.distinct) {
      const values = names.map((n) => {
        const v = vars.get(n);
        assert.ok(v !== undefined, `${name}: distinct: $${n} was never bound`);
        return v;
      });
      assert.equal(new Set(values).size, values.length, `${name}: distinct: ${names.map((n, i) => `$${n}=${values[i]}`).join(' ')}`);
    }
    if (t.uids) {
      const box = await new MboxDriver({ journalDir: dir }).open(mbox, { readOnly: true });
      const uids = Array.from({ length: box.count() }, (_, i) => box.meta(i + 1).uid);
      await box.close();
      assert.deepEqual(uids, t.uids, `${name}: UIDs left in the maildrop`);
    }
    await checkWithMailutil(dir, mbox, t, name);
    // The sessions ran with the default journal_dir (/var/tmp): nothing named after their mailboxes may be left
    // there (the POP3 lock and \Recent claims live in the control directory under HOME; journals are removed).
    const ids = [mbox, ...filesUnder(dir)].filter((p) => existsSync(p)).map((p) => {
      const st = statSync(p);
      return `uwimap-ts.${st.dev}.${st.ino}.`;
    });
    const litter = readdirSync('/var/tmp').filter((f) => ids.some((id) => f.startsWith(id)));
    assert.deepEqual(litter, [], `${name}: files left in /var/tmp`);
  } finally {
    for (const s of sessions.values()) if (!s.exited) s.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = promisify(execFile);

/** Files under `dir` (recursively), dot files and directories skipped: where a session's mailboxes can be. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * UW's `mailutil check NAME` as nobody, in HOME (c-client takes names relative to the home directory; "./INBOX",
 * because a bare INBOX would mean the system maildrop). Returns the "N total" it reports.
 */
async function mailutilCount(home: string, path: string): Promise<number> {
  const rel = `./${relative(home, path)}`;
  const [file, args] = asSessionUser({ HOME: home, PATH: '/usr/bin:/bin' }, ['mailutil', 'check', rel]);
  const r = await run(file, args, { cwd: home, encoding: 'latin1' });
  const m = /(?:\d+ new message\(s\) \(\d+ unseen\)|No new messages), (\d+) total in /.exec(r.stdout);
  assert.ok(m, `mailutil check ${rel}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** After a transcript: every mbox it left is readable by c-client with the message count our driver sees. */
async function checkWithMailutil(home: string, inbox: string, t: Transcript, name: string): Promise<void> {
  const driver = new MboxDriver({ journalDir: home });
  for (const path of filesUnder(home)) {
    if (path === join(home, 'server.conf') || !(await driver.valid(path))) continue;
    const box = await driver.open(path, { readOnly: true });
    const ours = box.count();
    await box.close();
    const theirs = await mailutilCount(home, path);
    const what = `${name}: ${relative(home, path)}`;
    assert.equal(theirs, ours, `${what}: mailutil check counts ${theirs} messages, our driver ${ours}`);
    if (path === inbox && t.uids) assert.equal(theirs, t.uids.length, `${what}: mailutil check against uids:`);
  }
}

export function loadTranscript(path: string): Transcript {
  return parseTranscript(readFileSync(path, 'latin1'));
}
