/**
 * A private directory per fuzz session (mkdtemp, removed afterwards; nothing of the host's /etc is read):
 *
 *     DIR/etc/        passwd, shadow, cram-md5.pwd (root, 0600: read before the login drops privileges)
 *     DIR/server.conf the configuration (-c), readable by the user (PREAUTH mode reads it as the user)
 *     DIR/spool/      spool_dir: the INBOX `spool/fuzzer`, a fresh copy of a fixture mailbox
 *     DIR/home/       the user's home: mailboxes the session creates; HOME in PREAUTH mode
 *     DIR/tmp/        journal_dir (1777), and DIR/run/ for the harness's own files
 *
 * The throwaway account `fuzzer` has uid and gid 65534 (nobody's: UW's `mailutil check`, run as nobody, can then
 * read what the session wrote, and no account has to be added to the host). Its password is "correct horse",
 * in shadow and in cram-md5.pwd (so CRAM-MD5 and APOP are offered too).
 */
import { execFile } from 'node:child_process';
import {
  chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { accessSync, constants as fsConstants } from 'node:fs';
import { join, relative } from 'node:path';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { filesUnder } from '../transcripts/runner.js';
import { plannedBytes, type FuzzSession } from './session.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const USER = 'fuzzer';
export const PASSWORD = 'correct horse';
export const UID = 65534;
export const GID = 65534;
/** "correct horse" (test/fixtures/auth/shadow). */
const HASH = '$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0';

/**
 * Where sandboxes go: $FUZZ_TMPDIR, else /dev/shm when there is one (a tmpfs: creating and removing a sandbox on
 * this machine's ext4 /tmp cost 13 ms, most of a short session), else the system's temporary directory.
 */
function sandboxParent(): string {
  const env = process.env.FUZZ_TMPDIR;
  if (env) return env;
  try {
    accessSync('/dev/shm', fsConstants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export interface Sandbox {
  readonly dir: string;
  readonly config: string;
  readonly spool: string;
  readonly home: string;
  readonly inbox: string;
  readonly run: string;
  /** The fixture the INBOX was copied from. */
  readonly original: string;
}

/** Files shared by every session of a run (a TLS certificate), made once by {@link makeAssets}. */
export interface Assets {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate (for STARTTLS/STLS in root mode over a socket), in its own mkdtemp directory. */
export async function makeAssets(): Promise<Assets> {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-assets-'));
  chmodSync(dir, 0o755);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await new Promise<void>((resolve, reject) => execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes',
    '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', cert], (e) => (e ? reject(e) : resolve())));
  chmodSync(key, 0o600);
  return { dir, cert, key };
}

export function removeAssets(a: Assets): void {
  rmSync(a.dir, { recursive: true, force: true });
}

export function makeSandbox(session: FuzzSession, assets: Assets | null): Sandbox {
  const dir = mkdtempSync(join(sandboxParent(), 'fuzz-'));
  chmodSync(dir, 0o755);
  const etc = join(dir, 'etc');
  const spool = join(dir, 'spool');
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  const run = join(dir, 'run');
  for (const d of [etc, spool, home, tmp, run]) mkdirSync(d);
  // Searchable, as /etc is: the passwd file is world-readable as /etc/passwd is (a preauthenticated session, running
  // as the user, finds its own account there: account_source = file); shadow and cram-md5.pwd stay root's.
  chmodSync(etc, 0o711);
  chmodSync(tmp, 0o1777);
  for (const d of [spool, home, run]) chownSync(d, UID, GID);
  writeFileSync(join(etc, 'passwd'), `${USER}:x:${UID}:${GID}:Fuzz:${home}:/bin/sh\n`, { mode: 0o644 });
  writeFileSync(join(etc, 'shadow'), `${USER}:${HASH}:19500:0:99999:7:::\n`, { mode: 0o600 });
  writeFileSync(join(etc, 'cram-md5.pwd'), `${USER}\t${PASSWORD}\n`, { mode: 0o600 });
  const original = join(FIXTURES, session.mailbox);
  const inbox = join(spool, USER);
  if (session.mailbox !== 'none') {
    copyFileSync(original, inbox);
    chownSync(inbox, UID, GID);
    chmodSync(inbox, 0o600);
  }
  const lines = [
    `spool_dir = ${spool}`, 'account_source = file', `passwd_file = ${join(etc, 'passwd')}`,
    `shadow_file = ${join(etc, 'shadow')}`,
    `cram_md5_file = ${join(etc, 'cram-md5.pwd')}`, `alert_file = ${join(etc, 'imapd.alert')}`,
    `nologin_file = ${join(etc, 'nologin')}`, `journal_dir = ${tmp}`, `syslog_socket = ${join(run, 'log.sock')}`,
    'login_failure_delay_ms = 0',
    ...(assets ? [`tls_cert = ${assets.cert}`, `tls_key = ${assets.key}`] : []),
    ...session.config,
  ];
  const config = join(dir, 'server.conf');
  writeFileSync(config, lines.join('\n') + '\n', { mode: 0o644 });
  return { dir, config, spool, home, inbox, run, original };
}

export function removeSandbox(s: Sandbox): void {
  rmSync(s.dir, { recursive: true, force: true });
}

/** Gives everything under spool/ and home/ to the user (in-process sessions write as root). */
export function chownMail(s: Sandbox): void {
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (lstatSync(p).isSymbolicLink()) continue;
      chownSync(p, UID, GID);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(s.spool);
  walk(s.home);
}

/** `mailutil check PATH` as the user: the message count c-client reads, or an error text. */
function mailutilCount(s: Sandbox, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    // c-client refuses absolute names: HOME is the sandbox, so the spool and home are ./spool and ./home.
    execFile('mailutil', ['check', `./${relative(s.dir, path)}`], {
      uid: UID, gid: GID, cwd: s.dir, env: { HOME: s.dir, PATH: '/usr/bin:/bin' }, encoding: 'latin1', timeout: 10_000,
    }, (e, stdout, stderr) => {
      const m = /(?:\d+ new message\(s\) \(\d+ unseen\)|No new messages), (\d+) total in /.exec(stdout);
      if (m) resolve(Number(m[1]));
      else resolve(`mailutil check failed: ${(stdout + stderr).trim().slice(0, 300)}${e ? ` (${e.message.slice(0, 100)})` : ''}`);
    });
  });
}

/**
 * After a session: the INBOX byte-identical when the session was read-only; every mailbox it left readable by our
 * driver and by c-client with the same message count; no lock file left behind.
 */
export async function checkMailboxes(session: FuzzSession, s: Sandbox): Promise<string[]> {
  const f: string[] = [];
  const unchanged = session.mailbox !== 'none' && existsSync(s.inbox) &&
    readFileSync(s.inbox).equals(readFileSync(s.original));
  if (session.readOnly && session.mailbox !== 'none' && !unchanged) f.push('a read-only session changed the INBOX');
  // A mailbox the client named `x.lock` is no dotlock: only lock names the session never sent count.
  const sent = plannedBytes(session);
  for (const d of [s.spool, s.home, join(s.dir, 'tmp')]) {
    for (const p of filesUnder(d)) {
      const name = p.slice(d.length + 1);
      if (/\.lock$|\.lock\.|\.journal$/.test(name) && !sent.includes(name.replace(/^.*\//, ''))) {
        f.push(`left behind: ${relative(s.dir, p)}`);
      }
    }
  }
  const driver = new MboxDriver({ journalDir: join(s.dir, 'tmp') });
  for (const p of [...filesUnder(s.spool), ...filesUnder(s.home)]) {
    if (p === s.inbox && unchanged) continue;
    if (/\.lock/.test(p)) continue;
    const name = relative(s.dir, p);
    if (!(await driver.valid(p))) {
      if (p === s.inbox) f.push(`the INBOX is no longer a valid mailbox (${lstatSync(p).size} octets)`);
      continue;
    }
    let ours: number;
    try {
      const box = await driver.open(p, { readOnly: true });
      ours = box.count();
      await box.close();
    } catch (e) {
      f.push(`${name}: our driver cannot open it: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const theirs = await mailutilCount(s, p);
    if (typeof theirs === 'string') f.push(`${name}: ${theirs}`);
    else if (theirs !== ours) f.push(`${name}: mailutil check counts ${theirs} messages, our driver ${ours}`);
  }
  return f;
}
