/**
 * Oracles: the real UW (c-client) and Dovecot programs from Debian, driven against mbox files in a sandbox, so tests
 * can check that what we write is read by them exactly as we intend, and that we read what they write.
 *
 * What runs, and as whom (see {@link makeSandbox}):
 * - **UW**: Debian no longer ships uw-imapd, so UW's mbox code is reached two ways: the uw-mailutils programs
 *   (`mailutil`, `dmail`, `tmail`) and `cclient-oracle`, a ~200-line C front end (./cclient-oracle.c) linked against
 *   Debian's libc-client2007e, the very library those programs and UW imapd use. Every on-disk behaviour of UW imapd
 *   (pseudo-message, `X-IMAP`/`X-IMAPbase`, `X-UID`, `Status`, `X-Status`, padded `X-Keywords`, rewrites on
 *   expunge) lives in that library's unix driver, so `uwFetch`, `uwAppend`, `uwStore` and `uwExpunge` read and write
 *   exactly as UW imapd's SELECT/FETCH, APPEND, STORE and UID EXPUNGE would. It is compiled on first use with `cc`
 *   and needs the Debian package `libc-client2007e-dev`.
 * - **Dovecot**: `/usr/lib/dovecot/imap` run standalone (no daemon) in PREAUTH mode on stdin/stdout, with a minimal
 *   config in the sandbox, `INDEX=MEMORY` (no index files: every session reads the mbox afresh) and the mbox under
 *   test as its INBOX.
 * - **procmail** and **dotlockfile** as delivery agents.
 *
 * Pitfalls found while building this (each handled below):
 * - As root, c-client counts as "not logged in" (myusername() skips env_init for euid 0), so it resolves no local
 *   mailbox name at all: `mailutil check box` says "no such mailbox". And Debian builds c-client so that absolute
 *   names are refused too, for any user (mailboxfile() returns NIL for `/...` unless it is the system INBOX). Names
 *   are therefore given relative to HOME, HOME is the sandbox directory (c-client takes $HOME over the passwd entry
 *   when it names an existing directory), and everything runs as an unprivileged user.
 * - `tmail` ignores $HOME: it delivers to `user+folder` under the *passwd* home of the user, and only root may run
 *   it for another user. Hence a dedicated system user whose passwd home contains every sandbox.
 * - `dmail +folder` delivers to the folder only when the file exists; otherwise it falls back to INBOX
 *   (/var/mail/USER), which fails. {@link dmailDeliver} creates an empty file first.
 * - Dovecot rewrites an mbox even on EXAMINE when its metadata is missing or not in its own form (adds `X-IMAPbase`
 *   and `X-UID`, re-pads `X-Keywords`). {@link dovecotFetch} therefore reads a scratch copy by default and reports
 *   whether Dovecot changed it.
 *
 * This module may touch the filesystem and spawn processes: it is test code, not part of lib/.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import {
  access, appendFile, chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile,
} from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// ------------------------------------------------------------------------------------------------------------------
// Sandbox and process running
// ------------------------------------------------------------------------------------------------------------------

/** The system user the oracles run as when the tests run as root. Created by {@link makeSandbox} if missing. */
const ORACLE_USER = 'uwimap-oracle';
/** The passwd home given to {@link ORACLE_USER} when {@link makeSandbox} creates it; every sandbox lives inside. */
const ORACLE_HOME = '/var/tmp/uwimap-oracle';

/** A private directory in which the oracles run, and the identity they run as. */
export interface Sandbox {
  /** Absolute path of the sandbox directory, owned by {@link uid}:{@link gid}, mode 0700. HOME of every oracle. */
  readonly dir: string;
  /** The passwd home of {@link user}. When privileged, {@link dir} is inside it (tmail delivers relative to it). */
  readonly home: string;
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /** True when the test process is root: oracles then run as {@link uid}:{@link gid} and `tmail` is usable. */
  readonly privileged: boolean;
  /** Removes the sandbox directory and everything in it. Safe to call more than once. */
  cleanup(): Promise<void>;
}

/** What a finished child process gave back. */
export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options of {@link runInSandbox}. */
export interface RunOptions {
  /** Bytes written to the child's stdin, which is then closed. Default: nothing (stdin closed at once). */
  readonly input?: string | Uint8Array;
  /** Run as root rather than as the sandbox user (only `tmail` needs this). Default false. */
  readonly asRoot?: boolean;
  /** Extra environment entries, over the minimal one (HOME, USER, LOGNAME, PATH, TZ=UTC, LANG=C). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the child after this many ms. Default 30000. */
  readonly timeoutMs?: number;
}

/** Thrown when an oracle program fails; carries its output so the test log shows why. */
class OracleError extends Error {
  constructor(message: string, readonly result?: RunResult) {
    super(result === undefined ? message :
      `${message} (exit ${result.code ?? result.signal}):\n${result.stdout.toString('utf8')}${result.stderr}`);
    this.name = 'OracleError';
  }
}

/** The environment every oracle process gets: nothing is inherited from the test process. */
function oracleEnv(sb: Sandbox, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    HOME: sb.dir, USER: sb.user, LOGNAME: sb.user, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TZ: 'UTC', LANG: 'C',
    ...extra,
  };
}

/**
 * Runs `argv` with the sandbox's identity (setuid/setgid with supplementary groups dropped, done by libuv in the
 * child) unless `asRoot`, in the sandbox directory, with {@link oracleEnv}. Never uses a shell. Resolves with the
 * result whatever the exit code; rejects only if the program cannot be started or times out.
 */
export function runInSandbox(sb: Sandbox, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('runInSandbox: empty argv'));
  const env = oracleEnv(sb, opts.env);
  const ids = sb.privileged && opts.asRoot !== true ? { uid: sb.uid, gid: sb.gid } : {};
  return runProcess(file, args, { env, cwd: sb.dir, ...ids }, opts.input, opts.timeoutMs ?? 30_000);
}

interface SpawnIds { readonly uid?: number; readonly gid?: number }

function runProcess(file: string, args: readonly string[], spawnOpts: SpawnIds & { env: Record<string, string>;
  cwd: string }, input: string | Uint8Array | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { ...spawnOpts, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => { /* the child may exit without reading its input; its exit code tells */ });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = { code, signal, stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8') };
      if (timedOut) reject(new OracleError(`${file} timed out after ${timeoutMs} ms`, result));
      else resolvePromise(result);
    });
    child.stdin.end(input === undefined ? undefined : Buffer.from(input));
  });
}

/** Runs a command as root outside any sandbox (user management). Rejects on a non-zero exit. */
async function runRoot(argv: readonly string[]): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runRoot: empty argv');
  const r = await runProcess(file, args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }, cwd: '/' },
    undefined, 30_000);
  if (r.code !== 0) throw new OracleError(argv.join(' '), r);
  return r;
}

interface PasswdEntry { readonly name: string; readonly uid: number; readonly gid: number; readonly home: string }

async function getpwnam(name: string): Promise<PasswdEntry | undefined> {
  const r = await runProcess('getent', ['passwd', name], { env: { PATH: '/usr/bin:/bin' }, cwd: '/' }, undefined,
    10_000);
  if (r.code !== 0) return undefined;
  const f = r.stdout.toString('utf8').trim().split(':');
  if (f.length < 7) return undefined;
  return { name: f[0] ?? name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
}

/** Looks up {@link ORACLE_USER}, creating it (system user, own group, no login shell) when missing. */
async function ensureOracleUser(): Promise<PasswdEntry> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pw = await getpwnam(ORACLE_USER);
    if (pw !== undefined) return pw;
    try {
      await runRoot(['useradd', '--system', '--user-group', '--no-create-home', '--home-dir', ORACLE_HOME,
        '--shell', '/usr/sbin/nologin', '--comment', 'uwimap-ts interop oracles', ORACLE_USER]);
    } catch {
      // Another test process may be creating it at the same moment (useradd locks /etc/passwd): look again.
      await new Promise((r) => setTimeout(r, 100 + attempt * 50));
    }
  }
  throw new Error(`could not create the system user ${ORACLE_USER}`);
}

/**
 * Makes a fresh sandbox directory for the oracles.
 *
 * As root (the tests' normal case, here and in CI): ensures the system user {@link ORACLE_USER} exists (useradd
 * once, then reused), makes its passwd home, and creates the sandbox inside that home, owned by the user, mode 0700.
 * UW's programs will not serve root's mailboxes the way they serve a user's, and `tmail` needs a recipient whose
 * passwd home holds the target folder: hence a real user rather than `nobody` (whose home /nonexistent breaks both
 * `tmail` and procmail's chdir).
 *
 * Not root: the oracles run as the current user, the sandbox is under the OS temp dir, and {@link tmailDeliver}
 * is unavailable.
 *
 * The caller owns the sandbox and must call `cleanup()`.
 */
export async function makeSandbox(): Promise<Sandbox> {
  const privileged = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!privileged) {
    const me = userInfo();
    const dir = await mkdtemp(join(tmpdir(), 'uwimap-oracle-'));
    await chmod(dir, 0o700);
    return { dir, home: me.homedir, user: me.username, uid: me.uid, gid: me.gid, privileged,
      cleanup: () => removeSandbox(dir, me.uid) };
  }
  const pw = await ensureOracleUser();
  await mkdir(pw.home, { recursive: true, mode: 0o755 });
  await chown(pw.home, pw.uid, pw.gid);
  await chmod(pw.home, 0o755);
  const dir = await mkdtemp(join(pw.home, 'sbx-'));
  await chown(dir, pw.uid, pw.gid);
  await chmod(dir, 0o700);
  return { dir, home: pw.home, user: pw.name, uid: pw.uid, gid: pw.gid, privileged,
    cleanup: () => removeSandbox(dir, pw.uid) };
}

/**
 * A sandbox over a directory and a user that exist already, such as a real login's mail spool (a throwaway user
 * and spool made by inetd-harness.ts): the oracles run as that user, with HOME and the working directory `dir`, so
 * that `dmail +NAME` and `mailutil check NAME` reach the file NAME in it. `dir` need not be the user's, nor 0700
 * (a spool is root:mail 2775: c-client then warns "Mailbox vulnerable" and locks with flock() alone). Only as
 * root. `cleanup()` removes what c-client left in /tmp for the files in `dir` and leaves `dir` to whoever made it.
 */
export function sandboxOver(dir: string, user: { readonly name: string; readonly uid: number; readonly gid: number }):
    Sandbox {
  if (process.getuid?.() !== 0) throw new Error('sandboxOver needs root (the oracles run as another user)');
  return { dir, home: dir, user: user.name, uid: user.uid, gid: user.gid, privileged: true,
    cleanup: () => removeCclientLocks(dir, user.uid) };
}

/** Removes a sandbox and the lock files c-client left in /tmp for its files ({@link removeCclientLocks}). */
async function removeSandbox(dir: string, uid: number): Promise<void> {
  await removeCclientLocks(dir, uid);
  await rm(dir, { recursive: true, force: true });
}

/**
 * Removes the lock files c-client left in /tmp for the files under `dir`, if `uid` made them. c-client locks a
 * mailbox through `/tmp/.<st_dev hex>.<st_ino hex>` (mode 0666, holding the locker's PID) and does not always
 * unlink it; once the mailbox is gone nothing else would.
 */
async function removeCclientLocks(dir: string, uid: number): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
  for (const name of names) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st === undefined || !st.isFile()) continue;
    const lock = `/tmp/.${st.dev.toString(16)}.${st.ino.toString(16)}`;
    const lst = await stat(lock).catch(() => undefined);
    if (lst !== undefined && lst.isFile() && lst.uid === uid) await rm(lock, { force: true });
  }
}

/**
 * Writes `data` to `path` (absolute inside the sandbox, or relative to it), creating parent directories, and gives
 * the file and any new directories to the sandbox user. Returns the absolute path.
 */
export async function putSandboxFile(sb: Sandbox, path: string, data: string | Uint8Array, mode = 0o600):
    Promise<string> {
  const abs = insideSandbox(sb, path);
  await mkdirOwned(sb, dirname(abs));
  await writeFile(abs, data, { mode });
  await chown(abs, sb.uid, sb.gid);
  await chmod(abs, mode);
  return abs;
}

async function mkdirOwned(sb: Sandbox, dir: string): Promise<void> {
  const rel = relative(sb.dir, dir);
  let cur = sb.dir;
  for (const part of rel === '' ? [] : rel.split(sep)) {
    cur = join(cur, part);
    try {
      await mkdir(cur, { mode: 0o700 });
      await chown(cur, sb.uid, sb.gid);
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
  }
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Resolves `path` against the sandbox and checks that it stays inside it. */
function insideSandbox(sb: Sandbox, path: string): string {
  const abs = resolve(sb.dir, path);
  const rel = relative(sb.dir, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${path} is not inside ${sb.dir}`);
  return abs;
}

/**
 * The c-client mailbox name for a file in the sandbox: its path relative to HOME (= the sandbox). Debian's c-client
 * refuses absolute names, and some relative names are special to it (INBOX, namespaces `#...`, `~user`, wildcards).
 */
function cclientName(sb: Sandbox, path: string): string {
  const rel = relative(sb.dir, insideSandbox(sb, path)).split(sep).join('/');
  if (/^inbox$/i.test(rel) || /^[#~{]/.test(rel) || /[%*\r\n]/.test(rel) || rel.includes('//')) {
    throw new Error(`${rel} is not a plain c-client mailbox name`);
  }
  return rel;
}

// ------------------------------------------------------------------------------------------------------------------
// Common result types
// ------------------------------------------------------------------------------------------------------------------

/** IMAP system flags an oracle can report (\Recent is reported separately). */
type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';
const SYSTEM_FLAGS: readonly SystemFlag[] = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

/** One message as an oracle sees it. */
interface OracleMessage {
  readonly uid: number;
  /** System flags, always in the order \Seen \Answered \Flagged \Deleted \Draft. */
  readonly flags: readonly SystemFlag[];
  /** Keywords set on the message, sorted by code point. */
  readonly keywords: readonly string[];
  /** \Recent as this session saw it (depends on the program and on read-only mode; rarely worth asserting). */
  readonly recent: boolean;
  /** RFC822.SIZE: the message with CRLF line ends, metadata headers excluded. */
  readonly size: number;
  /** INTERNALDATE, normalised to `dd-Mon-yyyy hh:mm:ss +zzzz` (two-digit day). */
  readonly internalDate: string;
}

/** A mailbox as an oracle sees it. */
export interface MailboxView {
  readonly uidValidity: number;
  readonly uidNext: number;
  /** Keywords defined in the mailbox, in the mailbox's own order (UW: the X-IMAP/X-IMAPbase list). */
  readonly keywords: readonly string[];
  readonly messages: readonly OracleMessage[];
}

/** Flags and keywords to give a message (APPEND) or to change (STORE). */
export interface FlagSet {
  readonly flags?: readonly SystemFlag[];
  readonly keywords?: readonly string[];
}

/** Options of the APPEND-like operations. */
export interface AppendOptions extends FlagSet {
  /** IMAP date-time for INTERNALDATE, e.g. `01-Jan-2024 10:00:00 +0000`; see {@link imapDateTime}. */
  readonly date?: string;
}

/** STORE operation: add (+FLAGS), remove (-FLAGS) or replace (FLAGS). */
export type StoreOp = '+' | '-' | '=';

/**
 * The instant an IMAP date-time denotes (`dd-Mon-yyyy hh:mm:ss +zzzz`, day possibly space-padded), in ms since the
 * epoch. Programs print INTERNALDATE in different zones (UW keeps the zone of the From_ line, Dovecot converts to
 * its local zone), so compare instants, not strings. Throws on a malformed date.
 */
export function imapDateMs(s: string): number {
  const m = /^ ?(\d{1,2})-([A-Z][a-z]{2})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s);
  const mon = m === null ? -1 : ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    .indexOf(m[2] ?? '');
  if (m === null || mon < 0) throw new Error(`not an IMAP date-time: ${JSON.stringify(s)}`);
  const zone = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - zone * 60_000;
}

/** Turns bare LF line ends into CRLF, as an IMAP client sends a message. CRLF already present is kept. */
export function toCrlf(message: string | Uint8Array): Buffer {
  const b = Buffer.from(message);
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i] ?? 0;
    if (c === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(c);
  }
  return Buffer.from(out);
}

/** Turns CRLF line ends into LF, as mbox files store them. */
function toLf(message: string | Uint8Array): Buffer {
  return Buffer.from(Buffer.from(message).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

function uidSet(uids: readonly number[]): string {
  if (uids.length === 0) throw new Error('empty UID set');
  for (const u of uids) if (!Number.isInteger(u) || u < 1) throw new Error(`bad UID ${u}`);
  return uids.join(',');
}

function flagWords(f: FlagSet): string[] {
  const words = [...(f.flags ?? []), ...(f.keywords ?? [])];
  for (const w of words) {
    if (!/^\\?[!#$&'+\-./0-9:;<=>?@A-Z^_`a-z|~]+$/.test(w)) throw new Error(`not a flag atom: ${JSON.stringify(w)}`);
  }
  return words;
}

function normaliseDate(d: string): string {
  const t = d.trim();
  return /^\d-/.test(t) ? `0${t}` : t;
}

function splitFlags(words: readonly string[]): { flags: SystemFlag[]; keywords: string[]; recent: boolean } {
  const lower = new Set(words.map((w) => w.toLowerCase()));
  return {
    flags: SYSTEM_FLAGS.filter((f) => lower.has(f.toLowerCase())),
    keywords: words.filter((w) => !w.startsWith('\\')).sort(),
    recent: lower.has('\\recent'),
  };
}

// ------------------------------------------------------------------------------------------------------------------
// UW: cclient-oracle (c-client itself)
// ------------------------------------------------------------------------------------------------------------------

/** Where this module's C source lives, whether run from test/interop (ts) or dist/test/interop (compiled). */
async function cclientSource(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'cclient-oracle.c'), join(here, '..', '..', '..', 'test', 'interop',
    'cclient-oracle.c')]) {
    if (await exists(candidate)) return candidate;
  }
  throw new Error(`cclient-oracle.c not found near ${here}`);
}

/**
 * Path of the compiled cclient-oracle, building it if needed into `$TMPDIR/uwimap-ts-cclient-<hash of source>/`
 * (mode 0755, so the sandbox user can run it). Concurrent callers are safe: each compiles to a private name and
 * renames into place. Throws with an install hint if the c-client headers or `cc` are missing.
 */
async function cclientOracleBinary(): Promise<string> {
  const src = await cclientSource();
  const text = await readFile(src);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `uwimap-ts-cclient-${hash}`);
  const bin = join(dir, 'cclient-oracle');
  try {
    await access(bin, fsConstants.X_OK);
    return bin;
  } catch {
    // not built yet
  }
  if (!(await exists('/usr/include/c-client/c-client.h'))) {
    throw new Error('c-client headers missing: apt-get install libc-client2007e-dev');
  }
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = await runProcess('cc', ['-O1', '-o', tmp, src, '-lc-client'],
    { env: { PATH: '/usr/bin:/bin', LANG: 'C' }, cwd: dir }, undefined, 120_000);
  if (r.code !== 0) throw new OracleError('compiling cclient-oracle.c failed (is gcc installed?)', r);
  await chmod(tmp, 0o755);
  await rename(tmp, bin);
  return bin;
}

/** One c-client log message (mm_log), as cclient-oracle reports it. */
export interface CclientLog { readonly level: 'error' | 'warn' | 'parse' | 'bye' | 'info'; readonly text: string }

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function obj(v: Json | undefined, what: string): { [k: string]: Json } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what}: expected an object`);
  return v;
}
function num(o: { [k: string]: Json }, k: string): number {
  const v = o[k];
  if (typeof v !== 'number') throw new Error(`expected a number in ${k}`);
  return v;
}
function str(o: { [k: string]: Json }, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Error(`expected a string in ${k}`);
  return v;
}
function strs(o: { [k: string]: Json }, k: string): string[] {
  const v = o[k];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new Error(`expected strings in ${k}`);
  }
  return v;
}
function arr(o: { [k: string]: Json }, k: string): Json[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new Error(`expected an array in ${k}`);
  return v;
}

/** Runs cclient-oracle as the sandbox user; resolves with its JSON result, rejects if it reports failure. */
async function cclient(sb: Sandbox, args: readonly string[], input?: Uint8Array):
    Promise<{ [k: string]: Json } & { log: Json }> {
  const bin = await cclientOracleBinary();
  const r = await runInSandbox(sb, [bin, ...args], input === undefined ? {} : { input });
  let parsed: { [k: string]: Json };
  try {
    parsed = obj(JSON.parse(r.stdout.toString('utf8')) as Json, 'cclient-oracle output');
  } catch {
    throw new OracleError(`cclient-oracle ${args.join(' ')}: unreadable output`, r);
  }
  if (r.code !== 0 || parsed.ok !== true) throw new OracleError(`cclient-oracle ${args.join(' ')} failed`, r);
  return { ...parsed, log: parsed.log ?? [] };
}

function logsOf(o: { log: Json }): CclientLog[] {
  if (!Array.isArray(o.log)) return [];
  return o.log.map((l) => {
    const e = obj(l, 'log entry');
    const level = str(e, 'level');
    return { level: (['error', 'warn', 'parse', 'bye'].includes(level) ? level : 'info') as CclientLog['level'],
      text: str(e, 'text') };
  });
}

/** {@link MailboxView} from c-client, with its log (e.g. "Assigning new unique identifiers to all messages"). */
export interface UwMailboxView extends MailboxView { readonly log: readonly CclientLog[] }

/**
 * Opens the mailbox read-only with c-client (UW imapd's EXAMINE) and reports UIDVALIDITY, UIDNEXT, the mailbox's
 * keywords and every message's UID, flags, keywords, size and INTERNALDATE. Never writes the file. The UW
 * pseudo-message is not a message. A mailbox without UW metadata gets UIDs 1..n and UIDVALIDITY = now, as UW would
 * assign on a first read-write open. Rejects if c-client cannot open it (not an mbox, missing, permissions).
 */
export async function uwFetch(sb: Sandbox, path: string): Promise<UwMailboxView> {
  const o = await cclient(sb, ['fetch', cclientName(sb, path)]);
  return {
    uidValidity: num(o, 'uidValidity'), uidNext: num(o, 'uidNext'), keywords: strs(o, 'keywords'),
    messages: arr(o, 'messages').map((m) => {
      const e = obj(m, 'message');
      return { uid: num(e, 'uid'), ...splitFlags(strs(e, 'flags')), keywords: strs(e, 'keywords').sort(),
        recent: e.recent === true, size: num(e, 'size'), internalDate: normaliseDate(str(e, 'internalDate')) };
    }),
    log: logsOf(o),
  };
}

/** STATUS of a mailbox as c-client computes it (mail_status: what UW imapd's STATUS answers). */
export interface MailboxStatus {
  readonly messages: number;
  readonly recent: number;
  readonly unseen: number;
  readonly uidNext: number;
  readonly uidValidity: number;
}

/** c-client's mail_status on the mailbox (opens it read-only; never writes). */
export async function uwStatus(sb: Sandbox, path: string): Promise<MailboxStatus> {
  const o = await cclient(sb, ['status', cclientName(sb, path)]);
  return { messages: num(o, 'messages'), recent: num(o, 'recent'), unseen: num(o, 'unseen'),
    uidNext: num(o, 'uidNext'), uidValidity: num(o, 'uidValidity') };
}

/**
 * Creates the mailbox with c-client (UW imapd's CREATE; `mailutil create` does the same): a file holding only UW's
 * pseudo-message with `X-IMAP: <uidvalidity> 0000000000`. Rejects if it exists. The file is mode 0600.
 */
export async function uwCreate(sb: Sandbox, path: string): Promise<void> {
  await mkdirOwned(sb, dirname(insideSandbox(sb, path)));
  await cclient(sb, ['create', cclientName(sb, path)]);
}

/**
 * Appends one message with c-client's mail_append_full (UW imapd's APPEND). The message is sent with CRLF line ends
 * as a client would (c-client stores LF). Keywords not yet defined in the mailbox are dropped by c-client (as UW
 * imapd's APPEND does): define them first with {@link uwStore}. The mailbox must exist (empty file or
 * {@link uwCreate}); otherwise c-client answers TRYCREATE and this rejects.
 * Resolves with APPENDUID's UIDVALIDITY and UID, and c-client's log.
 */
export async function uwAppend(sb: Sandbox, path: string, message: string | Uint8Array, opts: AppendOptions = {}):
    Promise<{ uidValidity: number; uid: number; log: readonly CclientLog[] }> {
  const o = await cclient(sb, ['append', cclientName(sb, path), flagWords(opts).join(' '), opts.date ?? ''],
    toCrlf(message));
  return { uidValidity: num(o, 'uidValidity'), uid: num(o, 'uid'), log: logsOf(o) };
}

/**
 * UID STORE with c-client on a read-write open, then a checkpoint (the file is rewritten with new Status, X-Status,
 * X-Keywords). Unknown keywords are created (UW allows 30 per mailbox). `=` clears every system flag and every
 * defined keyword before setting. UIDs that do not exist are ignored, as in IMAP.
 */
export async function uwStore(sb: Sandbox, path: string, uids: readonly number[], op: StoreOp, set: FlagSet):
    Promise<readonly CclientLog[]> {
  return logsOf(await cclient(sb, ['store', cclientName(sb, path), uidSet(uids), op, flagWords(set).join(' ')]));
}

/** Sets \Deleted on the UIDs and expunges exactly those (UW imapd's UID EXPUNGE, c-client mail_expunge_full). */
export async function uwExpunge(sb: Sandbox, path: string, uids: readonly number[]): Promise<readonly CclientLog[]> {
  return logsOf(await cclient(sb, ['expunge', cclientName(sb, path), uidSet(uids)]));
}

// ------------------------------------------------------------------------------------------------------------------
// UW: mailutil, dmail, tmail
// ------------------------------------------------------------------------------------------------------------------

/** Counts printed by `mailutil check`. */
export interface MailutilCheck {
  /** Total messages (the UW pseudo-message is not counted). */
  readonly messages: number;
  /** Messages with \Recent (for an mbox: no `O` in Status). */
  readonly recent: number;
  readonly unseen: number;
  /** mailutil's stdout, e.g. `1 new message(s) (1 unseen), 2 total in box.mbox`. */
  readonly raw: string;
}

/**
 * `mailutil check NAME` as the sandbox user, NAME relative to HOME. mailutil prints
 * `R new message(s) (U unseen), N total in NAME` or, when R and U are both 0, `No new messages, N total in NAME`.
 * Read-only: does not write the file. Rejects when mailutil fails (e.g. "no such mailbox").
 */
export async function uwCheck(sb: Sandbox, path: string): Promise<MailutilCheck> {
  const r = await runInSandbox(sb, ['mailutil', 'check', cclientName(sb, path)]);
  const raw = r.stdout.toString('utf8');
  const m = /^(?:(\d+) new message\(s\) \((\d+) unseen\)|No new messages), (\d+) total in /m.exec(raw);
  if (r.code !== 0 || m === null) throw new OracleError('mailutil check', r);
  return { recent: Number(m[1] ?? 0), unseen: Number(m[2] ?? 0), messages: Number(m[3]), raw };
}

/**
 * `mailutil append [-kw|-ig] SOURCE DEST`: c-client copies every message of SOURCE (any mailbox it can read, e.g.
 * an mbox we wrote) to the existing DEST, with flags and INTERNALDATEs. `keywords: 'copy'` (-kw) creates SOURCE's
 * keywords in DEST; 'ignore' (-ig) drops them; the default keeps only keywords DEST already has.
 */
export async function mailutilAppend(sb: Sandbox, source: string, dest: string,
    opts: { keywords?: 'copy' | 'ignore' } = {}): Promise<RunResult> {
  const sw = opts.keywords === 'copy' ? ['-kw'] : opts.keywords === 'ignore' ? ['-ig'] : [];
  const r = await runInSandbox(sb, ['mailutil', 'append', ...sw, cclientName(sb, source), cclientName(sb, dest)]);
  if (r.code !== 0) throw new OracleError('mailutil append', r);
  return r;
}

/**
 * `mailutil prune NAME CRITERIA`: deletes the messages matching the RFC 1176 SEARCH criteria (e.g. `subject foo`,
 * `flagged`, `before 1-jan-2004`) and expunges (which also removes anything already \Deleted). mailutil's exit
 * code is useless here (prune never sets success, so it exits 1 even when it worked): the result is read from its
 * output, `N message(s) purged` or `No matching messages, so nothing purged`. Resolves with N; rejects otherwise.
 */
export async function mailutilPrune(sb: Sandbox, path: string, criteria: string):
    Promise<{ purged: number; raw: string }> {
  const r = await runInSandbox(sb, ['mailutil', 'prune', cclientName(sb, path), criteria]);
  const raw = r.stdout.toString('utf8');
  const m = /^(?:(\d+) message\(s\) purged|No matching messages, so nothing purged)$/m.exec(raw);
  if (m === null) throw new OracleError('mailutil prune', r);
  return { purged: Number(m[1] ?? 0), raw };
}

/**
 * Delivers with `dmail [-s] [-k "KW ..."] [-f FROM] +NAME` as the sandbox user (NAME relative to HOME). dmail is
 * UW's procmail-style delivery agent: it appends through c-client, so the message gets UW's Status/X-Status/
 * X-Keywords/X-UID block and a `Received: via dmail-2007f.18 for +NAME; DATE` header first (and `Return-Path:` with
 * -f). `-s` sets \Seen; `-k` sets keywords only if already defined in the mailbox ("Unknown flag" otherwise).
 * If the file does not exist an empty one (mode 0600) is created first: dmail would otherwise fall back to INBOX.
 * Exit code 0 on delivery, 75 (EX_TEMPFAIL) on failure, which rejects.
 */
export async function dmailDeliver(sb: Sandbox, path: string, message: string | Uint8Array,
    opts: { seen?: boolean; keywords?: readonly string[]; from?: string } = {}): Promise<RunResult> {
  const abs = insideSandbox(sb, path);
  if (!(await exists(abs))) await putSandboxFile(sb, abs, '');
  const args = ['dmail', ...(opts.seen === true ? ['-s'] : []),
    ...(opts.keywords !== undefined ? ['-k', flagWords({ keywords: opts.keywords }).join(' ')] : []),
    ...(opts.from !== undefined ? ['-f', opts.from] : []), `+${cclientName(sb, abs)}`];
  const r = await runInSandbox(sb, args, { input: message });
  if (r.code !== 0) throw new OracleError('dmail', r);
  return r;
}

/**
 * Delivers with UW's `tmail [-f FROM] USER+FOLDER` run as root (the way an MTA runs it; tmail then becomes USER),
 * FOLDER being the path relative to USER's passwd home ({@link Sandbox.home}; tmail ignores $HOME). The message is
 * sent with CRLF line ends, which tmail requires (it logs a warning otherwise). tmail prepends `Received: via
 * tmail-2007f.18 for USER+FOLDER; DATE` (and `Return-Path:` with -f). Creates an empty file first if needed (tmail,
 * like dmail, falls back to INBOX). Only possible when the tests run as root; rejects otherwise or on failure.
 */
export async function tmailDeliver(sb: Sandbox, path: string, message: string | Uint8Array,
    opts: { from?: string } = {}): Promise<RunResult> {
  if (!sb.privileged) throw new Error('tmailDeliver needs root (tmail delivers only as the MTA would)');
  const abs = insideSandbox(sb, path);
  if (!(await exists(abs))) await putSandboxFile(sb, abs, '');
  const folder = relative(sb.home, abs).split(sep).join('/');
  const args = ['tmail', ...(opts.from !== undefined ? ['-f', opts.from] : []), `${sb.user}+${folder}`];
  const r = await runInSandbox(sb, args, { input: toCrlf(message), asRoot: true });
  if (r.code !== 0) throw new OracleError('tmail', r);
  return r;
}

// ------------------------------------------------------------------------------------------------------------------
// procmail and dotlockfile
// ------------------------------------------------------------------------------------------------------------------

function plainPath(p: string): string {
  if (!/^[A-Za-z0-9._/+-]+$/.test(p)) throw new Error(`path not usable in a procmailrc: ${p}`);
  return p;
}

/**
 * Delivers with procmail as the sandbox user: `procmail -m [-f FROM] RCFILE` with the recipe `:0:` + the mbox path,
 * so procmail takes its `PATH.lock` dotlock (and its kernel lock) and appends. procmail writes the `From ` line
 * (`From FROM  asctime-date`, two spaces; without -f the sender comes from the message's headers), quotes body lines
 * that begin `From ` as `>From `, and ends the message with a blank line only if it ended with a newline. No Status
 * or Content-Length header is added. Rejects on a non-zero exit.
 */
export async function procmailDeliver(sb: Sandbox, path: string, message: string | Uint8Array,
    opts: { from?: string } = {}): Promise<RunResult> {
  const abs = plainPath(insideSandbox(sb, path));
  const rc = await putSandboxFile(sb, join(sb.dir, '.oracle', 'procmailrc'),
    `# written by test/interop/oracles.ts\nSHELL=/bin/sh\n:0:\n${abs}\n`, 0o600);
  const args = ['procmail', '-m', ...(opts.from !== undefined ? ['-f', opts.from] : []), rc];
  const r = await runInSandbox(sb, args, { input: toLf(message) });
  if (r.code !== 0) throw new OracleError('procmail', r);
  return r;
}

/** asctime()-style date of a `From ` line, in UTC: `Mon Jan  1 00:00:00 2024`. */
function asctimeUtc(d: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] ?? 'Sun';
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${mon ?? 'Jan'} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:` +
    `${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/**
 * Appends one mbox message the plain way, under `dotlockfile`'s lock: `dotlockfile -l -r 5 PATH.lock` (as the
 * sandbox user), then an append of `From FROM DATE\n` + the message (LF line ends; body lines beginning `From ` are
 * quoted `>From ` unless `quoteFrom` is false) + a final newline if missing + one blank line, then
 * `dotlockfile -u PATH.lock`. The file is created (mode 0600, owned by the sandbox user) if missing.
 * `pollMs`: instead of dotlockfile's own retries (it sleeps 5 s after a first failure, then 10 s, ...), try once
 * (`-r 0`) and again every `pollMs` ms for up to a minute, as an agent that polls faster would: a race with busy
 * lockers then still delivers more than one message every few seconds.
 * Returns the bytes appended.
 */
export async function dotlockfileAppend(sb: Sandbox, path: string, message: string | Uint8Array,
    opts: { from?: string; date?: Date; quoteFrom?: boolean; pollMs?: number } = {}): Promise<Buffer> {
  const abs = insideSandbox(sb, path);
  const lock = `${abs}.lock`;
  let lockResult = await runInSandbox(sb, ['dotlockfile', '-l', '-r', opts.pollMs === undefined ? '5' : '0', lock]);
  /** liblockfile's L_MAXTRYS: the lock is held by someone else. */
  const busy = 4;
  for (const deadline = Date.now() + 60_000; opts.pollMs !== undefined && lockResult.code === busy && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, opts.pollMs));
    lockResult = await runInSandbox(sb, ['dotlockfile', '-l', '-r', '0', lock]);
  }
  if (lockResult.code !== 0) throw new OracleError('dotlockfile -l', lockResult);
  let bytes: Buffer;
  try {
    let body = toLf(message).toString('latin1');
    if (opts.quoteFrom !== false) body = body.replace(/^From /gm, '>From ');
    if (!body.endsWith('\n')) body += '\n';
    bytes = Buffer.from(`From ${opts.from ?? 'MAILER-DAEMON'} ${asctimeUtc(opts.date ?? new Date())}\n${body}\n`,
      'latin1');
    const created = !(await exists(abs));
    await appendFile(abs, bytes, { mode: 0o600 });
    if (created) await chown(abs, sb.uid, sb.gid);
  } catch (e) {
    await runInSandbox(sb, ['dotlockfile', '-u', lock]);
    throw e;
  }
  const unlock = await runInSandbox(sb, ['dotlockfile', '-u', lock]);
  if (unlock.code !== 0) throw new OracleError('dotlockfile -u', unlock);
  return bytes;
}

// ------------------------------------------------------------------------------------------------------------------
// IMAP transcripts (Dovecot; any PREAUTH server on stdin/stdout)
// ------------------------------------------------------------------------------------------------------------------

/** How one tagged command ended, with the untagged responses that came before its completion. */
interface ImapCommandResult {
  readonly tag: string;
  /** The command as sent, without tag; literal contents are elided as `{N}`. */
  readonly command: string;
  readonly status: 'OK' | 'NO' | 'BAD';
  /** Response code without brackets, e.g. `APPENDUID 1795297196 1`, or undefined. */
  readonly code: string | undefined;
  readonly text: string;
  /** Untagged responses (`* ...`) received after the command was sent, without CRLF, literals inline. */
  readonly untagged: readonly string[];
}

/** Everything an IMAP session produced. */
export interface ImapTranscript {
  /** The greeting line, e.g. `* PREAUTH [CAPABILITY ...] Logged in as ...`. */
  readonly greeting: string;
  readonly results: readonly ImapCommandResult[];
  /** The server's whole output (latin1-decoded). */
  readonly text: string;
  /** The server's stderr (Dovecot logs there with log_path=/dev/stderr). */
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Identity and limits for {@link imapTranscript}. */
interface TranscriptOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly cwd?: string;
  /** Whole-session limit in ms; default 30000. */
  readonly timeoutMs?: number;
}

/**
 * Splits a byte stream into IMAP responses: a line ending CRLF, extended over any `{N}` literal announced at its
 * end. Returns the complete responses found and how many bytes they used.
 */
export function splitResponses(buf: Buffer): { responses: string[]; used: number } {
  const responses: string[] = [];
  let start = 0;
  let pos = 0;
  for (;;) {
    const crlf = buf.indexOf('\r\n', pos, 'latin1');
    if (crlf < 0) break;
    const line = buf.toString('latin1', pos, crlf);
    const lit = /\{(\d+)\+?\}$/.exec(line);
    if (lit !== null) {
      const end = crlf + 2 + Number(lit[1]);
      if (end > buf.length) break;
      pos = end;
      continue;
    }
    responses.push(buf.toString('latin1', start, crlf));
    start = pos = crlf + 2;
  }
  return { responses, used: start };
}

/**
 * Runs the IMAP server `argv` (it must greet `* PREAUTH` on stdout, as Dovecot's imap binary and UW imapd do when
 * started as a logged-in user) and sends `commands` one at a time, each with a generated tag (`o1`, `o2`, ...),
 * waiting for each tagged completion before the next. A command may contain synchronising literals (`{N}\r\n`
 * followed by N bytes): the helper waits for the server's `+` continuation before sending each literal; `{N+}`
 * (LITERAL+) is sent at once. A final LOGOUT is sent if the commands did not include one; stdin is then closed and
 * the process awaited. Never uses a shell: `env` is the child's whole environment.
 *
 * Resolves with every command's result (a NO or BAD does not reject: assert on `status`); rejects if the greeting is
 * not PREAUTH, the server exits early or the session exceeds the time limit.
 */
function imapTranscript(argv: readonly string[], env: Readonly<Record<string, string>>,
    commands: readonly (string | Uint8Array)[], opts: TranscriptOptions = {}): Promise<ImapTranscript> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('imapTranscript: empty argv'));
  const ids: SpawnIds = opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {};
  const child = spawn(file, args, { env: { ...env }, cwd: opts.cwd ?? '/', stdio: ['pipe', 'pipe', 'pipe'], ...ids });
  const all: Buffer[] = [];
  const err: Buffer[] = [];
  let pending = Buffer.alloc(0);
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let exitCode: number | null = null;
  let failure: Error | undefined;

  child.stdout.on('data', (b: Buffer) => {
    all.push(b);
    pending = Buffer.concat([pending, b]);
    const { responses, used } = splitResponses(pending);
    pending = pending.subarray(used);
    queue.push(...responses);
    wake?.();
  });
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => { /* reported through the exit and the missing responses */ });
  let markExited: () => void = () => undefined;
  const exited = new Promise<void>((res) => { markExited = res; });
  child.on('close', (code) => { exitCode = code; closed = true; wake?.(); markExited(); });
  // A spawn failure (ENOENT, EACCES) may come without 'close'.
  child.on('error', (e) => { failure = e; closed = true; wake?.(); markExited(); });
  const timer = setTimeout(() => {
    failure = new Error(`IMAP session timed out after ${opts.timeoutMs ?? 30_000} ms`);
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 30_000);

  const next = async (): Promise<string> => {
    for (;;) {
      const r = queue.shift();
      if (r !== undefined) return r;
      if (failure !== undefined) throw failure;
      if (closed) throw new Error('IMAP server closed the connection');
      await new Promise<void>((res) => { wake = res; });
      wake = undefined;
    }
  };
  const fail = (e: unknown): Error => new Error(`${e instanceof Error ? e.message : String(e)}\n--- server output:\n` +
    `${Buffer.concat(all).toString('latin1')}\n--- stderr:\n${Buffer.concat(err).toString('utf8')}`);

  const session = async (): Promise<ImapTranscript> => {
    const greeting = await next();
    if (!greeting.startsWith('* PREAUTH')) throw new Error(`expected a PREAUTH greeting, got: ${greeting}`);
    const results: ImapCommandResult[] = [];
    const list = [...commands];
    if (!list.some((c) => /^LOGOUT\s*$/i.test(Buffer.from(c).toString('latin1')))) list.push('LOGOUT');
    for (const [i, command] of list.entries()) {
      const tag = `o${i + 1}`;
      const bytes = Buffer.concat([Buffer.from(`${tag} `), Buffer.from(command), Buffer.from('\r\n')]);
      const untagged: string[] = [];
      let shown = '';
      let completion: string | undefined;
      // Send up to each synchronising literal, then wait for "+" (or a tagged refusal).
      let from = 0;
      const text = bytes.toString('latin1');
      const re = /\{(\d+)(\+?)\}\r\n/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const headEnd = m.index + m[0].length;
        const litLen = Number(m[1]);
        shown += text.slice(from, m.index) + `{${litLen}${m[2]}}`;
        if (m[2] === '') {
          child.stdin.write(bytes.subarray(from, headEnd));
          for (;;) {
            const r = await next();
            if (r.startsWith('+')) break;
            if (r.startsWith(`${tag} `)) { completion = r; break; }
            untagged.push(r);
          }
          if (completion !== undefined) break;
          child.stdin.write(bytes.subarray(headEnd, headEnd + litLen));
        } else {
          child.stdin.write(bytes.subarray(from, headEnd + litLen));
        }
        from = headEnd + litLen;
        re.lastIndex = from;
      }
      if (completion === undefined) {
        shown += text.slice(from).replace(/\r\n$/, '');
        child.stdin.write(bytes.subarray(from));
        for (;;) {
          const r = await next();
          if (r.startsWith(`${tag} `)) { completion = r; break; }
          untagged.push(r);
        }
      }
      const cm = /^\S+ (OK|NO|BAD)(?: \[([^\]]*)\])? ?(.*)$/.exec(completion);
      if (cm === null) throw new Error(`unparsable completion: ${completion}`);
      results.push({ tag, command: shown.slice(tag.length + 1), status: cm[1] as 'OK' | 'NO' | 'BAD', code: cm[2],
        text: cm[3] ?? '', untagged });
    }
    child.stdin.end();
    await exited;
    return { greeting, results, text: Buffer.concat(all).toString('latin1'),
      stderr: Buffer.concat(err).toString('utf8'), exitCode };
  };

  return session().then(
    (t) => { clearTimeout(timer); return t; },
    async (e: unknown) => {
      clearTimeout(timer);
      if (!closed) child.kill('SIGKILL');
      await exited;
      throw fail(e);
    });
}

/** An IMAP value as {@link parseImapList} returns it: atoms, numbers, strings and literals as strings; NIL as null. */
export type ImapValue = string | null | ImapValue[];

/**
 * Parses a sequence of IMAP values (atoms, quoted strings, `{N}\r\n` literals, NIL, parenthesised lists) from `s`
 * starting at `pos`, up to an unmatched `)` or the end. Brackets in atoms like `BODY[HEADER]` stay in the atom.
 */
export function parseImapList(s: string, pos = 0): { values: ImapValue[]; end: number } {
  const values: ImapValue[] = [];
  let i = pos;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ') { i++; continue; }
    if (c === ')') return { values, end: i };
    if (c === '(') {
      const inner = parseImapList(s, i + 1);
      values.push(inner.values);
      i = inner.end + 1;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') i++;
        v += s[i] ?? '';
        i++;
      }
      values.push(v);
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)\+?\}\r\n/.exec(s.slice(i));
      if (m === null) throw new Error(`bad literal at ${i}: ${s.slice(i, i + 20)}`);
      const start = i + m[0].length;
      values.push(s.slice(start, start + Number(m[1])));
      i = start + Number(m[1]);
    } else {
      let j = i;
      let depth = 0;
      while (j < s.length && (depth > 0 || (s[j] !== ' ' && s[j] !== ')' && s[j] !== '('))) {
        if (s[j] === '[') depth++;
        else if (s[j] === ']') depth--;
        j++;
      }
      const atom = s.slice(i, j);
      values.push(atom.toUpperCase() === 'NIL' ? null : atom);
      i = j;
    }
  }
  return { values, end: i };
}

/** Parses `* N FETCH (...)` into its sequence number and attribute map (names upper-cased); null if not FETCH. */
export function parseFetch(response: string): { seq: number; attrs: Map<string, ImapValue> } | null {
  const m = /^\* (\d+) FETCH \(/i.exec(response);
  if (m === null) return null;
  const { values } = parseImapList(response, m[0].length);
  const attrs = new Map<string, ImapValue>();
  for (let i = 0; i + 1 < values.length; i += 2) {
    const k = values[i];
    if (typeof k === 'string') attrs.set(k.toUpperCase(), values[i + 1] ?? null);
  }
  return { seq: Number(m[1]), attrs };
}

// ------------------------------------------------------------------------------------------------------------------
// Dovecot
// ------------------------------------------------------------------------------------------------------------------

/** Dovecot's standalone IMAP binary (Debian dovecot-imapd). */
const DOVECOT_IMAP = '/usr/lib/dovecot/imap';

/**
 * Writes (once per sandbox) `.dovecot/dovecot.conf`: base_dir inside the sandbox, logs to stderr, no SSL, and
 * UW-compatible mbox locking (`mbox_write_locks = dotlock fcntl`, `mbox_read_locks = fcntl`). mail_location is
 * given per session with `-o`. Returns the config path.
 */
async function dovecotConfig(sb: Sandbox): Promise<string> {
  const base = join(sb.dir, '.dovecot');
  const conf = join(base, 'dovecot.conf');
  if (await exists(conf)) return conf;
  for (const d of ['run', 'root', 'control', 'scratch']) await mkdirOwned(sb, join(base, d));
  await putSandboxFile(sb, conf, [
    '# Minimal standalone Dovecot for the interop oracles (test/interop/oracles.ts). No daemon is started:',
    '# /usr/lib/dovecot/imap runs as a PREAUTH session on stdin/stdout.',
    `base_dir = ${join(base, 'run')}`,
    'log_path = /dev/stderr',
    'info_log_path = /dev/stderr',
    'ssl = no',
    'protocols = imap',
    `mail_location = mbox:${join(base, 'root')}:INDEX=MEMORY`,
    'mbox_write_locks = dotlock fcntl',
    'mbox_read_locks = fcntl',
    'mbox_lock_timeout = 30 secs',
    '',
  ].join('\n'), 0o644);
  return conf;
}

/**
 * Runs one Dovecot IMAP session with the mbox file `path` as INBOX (`mail_location=mbox:ROOT:INBOX=PATH:
 * INDEX=MEMORY:CONTROL=...`, so no index or control files are written next to it and each session reads the file
 * afresh), as the sandbox user. Returns the transcript; see {@link imapTranscript}.
 */
export async function dovecotSession(sb: Sandbox, path: string, commands: readonly (string | Uint8Array)[]):
    Promise<ImapTranscript> {
  const abs = insideSandbox(sb, path);
  if (abs.includes(':')) throw new Error(`Dovecot mail_location cannot name a path with ':' (${abs})`);
  const conf = await dovecotConfig(sb);
  const base = join(sb.dir, '.dovecot');
  const location = `mbox:${join(base, 'root')}:INBOX=${abs}:INDEX=MEMORY:CONTROL=${join(base, 'control')}`;
  const ids = sb.privileged ? { uid: sb.uid, gid: sb.gid } : {};
  return imapTranscript([DOVECOT_IMAP, '-c', conf, '-o', `mail_location=${location}`], oracleEnv(sb), commands,
    { ...ids, cwd: sb.dir });
}

function requireOk(t: ImapTranscript, what: string): void {
  const bad = t.results.find((r) => r.status !== 'OK');
  if (bad !== undefined) {
    throw new Error(`${what}: ${bad.command} -> ${bad.status} ${bad.text}\n${t.text}\n${t.stderr}`);
  }
}

/** {@link MailboxView} from Dovecot, and whether reading it made Dovecot change the file it read. */
export interface DovecotMailboxView extends MailboxView {
  /** Dovecot rewrote the file it examined (it adds X-IMAPbase/X-UID and re-pads headers on a dirty sync). */
  readonly rewrote: boolean;
  readonly transcript: ImapTranscript;
}

/**
 * Reads the mailbox with Dovecot: `EXAMINE INBOX` then `UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)`.
 * UIDVALIDITY and UIDNEXT come from EXAMINE's response codes, the mailbox keywords from its FLAGS response.
 *
 * Dovecot rewrites an mbox even on EXAMINE when it finds no UID metadata, or metadata not in its own form (it adds
 * `X-IMAPbase` and `X-UID`, rewrites `X-IMAPbase` with a zero-padded UIDNEXT-1, re-pads `X-Keywords`). So by default
 * it reads a private copy (`.dovecot/scratch/`), leaving `path` untouched, and reports in `rewrote` whether the copy
 * changed. `inPlace: true` lets it read (and possibly rewrite) `path` itself.
 */
export async function dovecotFetch(sb: Sandbox, path: string, opts: { inPlace?: boolean } = {}):
    Promise<DovecotMailboxView> {
  const abs = insideSandbox(sb, path);
  let target = abs;
  if (opts.inPlace !== true) {
    await dovecotConfig(sb);
    target = join(sb.dir, '.dovecot', 'scratch', `${basename(abs)}.examine`);
    await copyFile(abs, target);
    await chown(target, sb.uid, sb.gid);
    await chmod(target, 0o600);
  }
  const before = await readFile(target);
  const t = await dovecotSession(sb, target, ['EXAMINE INBOX', 'UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)']);
  requireOk(t, 'dovecotFetch');
  const after = await readFile(target);
  const [examine, fetch] = t.results;
  if (examine === undefined || fetch === undefined) throw new Error('dovecotFetch: missing results');
  const code = (name: string): number => {
    for (const u of examine.untagged) {
      const m = new RegExp(`^\\* OK \\[${name} (\\d+)\\]`).exec(u);
      if (m !== null) return Number(m[1]);
    }
    throw new Error(`dovecotFetch: no ${name} in EXAMINE response\n${t.text}`);
  };
  const flagsLine = examine.untagged.find((u) => u.startsWith('* FLAGS ('));
  const mailboxFlags = flagsLine === undefined ? [] : parseImapList(flagsLine, '* FLAGS ('.length).values;
  const messages: OracleMessage[] = [];
  for (const u of fetch.untagged) {
    const f = parseFetch(u);
    if (f === null) continue;
    const flags = f.attrs.get('FLAGS');
    const uid = f.attrs.get('UID');
    const size = f.attrs.get('RFC822.SIZE');
    const date = f.attrs.get('INTERNALDATE');
    if (!Array.isArray(flags) || typeof uid !== 'string' || typeof size !== 'string' || typeof date !== 'string') {
      throw new Error(`dovecotFetch: incomplete FETCH response: ${u}`);
    }
    messages.push({ uid: Number(uid), ...splitFlags(flags.filter((x): x is string => typeof x === 'string')),
      size: Number(size), internalDate: normaliseDate(date) });
  }
  if (opts.inPlace !== true) await rm(target, { force: true });
  return {
    uidValidity: code('UIDVALIDITY'), uidNext: code('UIDNEXT'),
    keywords: mailboxFlags.filter((x): x is string => typeof x === 'string' && !x.startsWith('\\')),
    messages, rewrote: !before.equals(after), transcript: t,
  };
}

/**
 * Appends one message with Dovecot: `APPEND INBOX (FLAGS) "DATE" {N}` (message sent with CRLF line ends). Dovecot
 * creates the file if missing, writes its `From ` line (`From USER@HOST  asctime-date`), its metadata headers
 * (`X-IMAPbase` on the first message, `X-UID`, `Status`, `X-Status`, `X-Keywords`, `Content-Length`) and defines
 * new keywords. Resolves with APPENDUID's UIDVALIDITY and UID; rejects on NO/BAD.
 */
export async function dovecotAppend(sb: Sandbox, path: string, message: string | Uint8Array,
    opts: AppendOptions = {}): Promise<{ uidValidity: number; uid: number; transcript: ImapTranscript }> {
  const body = toCrlf(message);
  const date = opts.date !== undefined ? ` "${opts.date}"` : '';
  const cmd = Buffer.concat([Buffer.from(`APPEND INBOX (${flagWords(opts).join(' ')})${date} {${body.length}}\r\n`),
    body]);
  const t = await dovecotSession(sb, path, [cmd]);
  requireOk(t, 'dovecotAppend');
  const m = /^APPENDUID (\d+) (\d+)$/.exec(t.results[0]?.code ?? '');
  if (m === null) throw new Error(`dovecotAppend: no APPENDUID\n${t.text}`);
  return { uidValidity: Number(m[1]), uid: Number(m[2]), transcript: t };
}

/**
 * `SELECT INBOX` + `UID STORE uids {+|-|}FLAGS.SILENT (...)` with Dovecot; the change reaches the file when the
 * session ends (LOGOUT). Rejects on NO/BAD.
 */
export async function dovecotStore(sb: Sandbox, path: string, uids: readonly number[], op: StoreOp, set: FlagSet):
    Promise<ImapTranscript> {
  const item = `${op === '=' ? '' : op}FLAGS.SILENT`;
  const t = await dovecotSession(sb, path, ['SELECT INBOX', `UID STORE ${uidSet(uids)} ${item} (${flagWords(set)
    .join(' ')})`]);
  requireOk(t, 'dovecotStore');
  return t;
}

/** `SELECT INBOX`, `UID STORE uids +FLAGS.SILENT (\Deleted)`, `UID EXPUNGE uids` with Dovecot. Rejects on NO/BAD. */
export async function dovecotExpunge(sb: Sandbox, path: string, uids: readonly number[]): Promise<ImapTranscript> {
  const set = uidSet(uids);
  const t = await dovecotSession(sb, path, ['SELECT INBOX', `UID STORE ${set} +FLAGS.SILENT (\\Deleted)`,
    `UID EXPUNGE ${set}`]);
  requireOk(t, 'dovecotExpunge');
  return t;
}

/** Whether the Debian packages behind each oracle are installed; tests skip (with the reason) what is missing. */
export async function oracleAvailability(): Promise<{ cclient: string | true; dovecot: string | true;
  mailutils: string | true; procmail: string | true; dotlockfile: string | true }> {
  const have = async (p: string, pkg: string): Promise<string | true> => (await exists(p)) ? true :
    `${p} missing: apt-get install ${pkg}`;
  return {
    cclient: await have('/usr/include/c-client/c-client.h', 'libc-client2007e-dev'),
    dovecot: await have(DOVECOT_IMAP, 'dovecot-imapd'),
    mailutils: await have('/usr/bin/mailutil', 'uw-mailutils'),
    procmail: await have('/usr/bin/procmail', 'procmail'),
    dotlockfile: await have('/usr/bin/dotlockfile', 'liblockfile-bin'),
  };
}
