/**
 * Helpers for the lib/auth tests: a crypt(3) stand-in that calls the system's libxcrypt through Python 3.11's crypt
 * module (so the tests check real hashes without the native addon), a recorder that shows what a CryptFn was asked,
 * throwaway system users whose hashes chpasswd writes, and temp directories.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { CryptFn } from '../../lib/auth/schemes.js';

/** Fails the test run (never skips) unless we are root. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root: run the tests as root (make test does)`);
}

/** Fails unless `path` exists, naming the Debian package that provides it. */
export function requireProgram(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install ${pkg}`);
  return path;
}

const PY_CRYPT = `
import sys, warnings
warnings.simplefilter('ignore')
import crypt
phrase = bytes.fromhex(sys.stdin.read().strip()).decode('utf-8')
out = crypt.crypt(phrase, sys.argv[1])
sys.stdout.write('\\n' if out is None else out + '\\n')
`;

/**
 * crypt(3) via python3's crypt module (libxcrypt's crypt_rn, as the native addon will call). The phrase goes over
 * stdin as hex so no byte is lost; a phrase that is not UTF-8 cannot be expressed and throws.
 */
export const pythonCrypt: CryptFn = (phrase, setting) => {
  const r = spawnSync(requireProgram('/usr/bin/python3', 'python3'), ['-c', PY_CRYPT, setting], {
    input: phrase.toString('hex'),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`python3 crypt failed: ${r.stderr}`);
  const out = r.stdout.replace(/\n$/, '');
  return out === '' ? null : out;
};

/** A CryptFn that records each call (phrase copied, as the caller zeroes its buffer afterwards). */
export function recordingCrypt(inner: CryptFn): { crypt: CryptFn; calls: { phrase: string; setting: string }[] } {
  const calls: { phrase: string; setting: string }[] = [];
  return {
    calls,
    crypt: (phrase, setting) => {
      calls.push({ phrase: phrase.toString('utf8'), setting });
      return inner(phrase, setting);
    },
  };
}

/** A fresh directory under the system temp dir, and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'uwts-auth-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs one of the shadow-utils programs, retrying while another process (a parallel test file) holds the
 * /etc/passwd or /etc/shadow lock. Throws with the program's stderr on any other failure.
 */
function shadowUtil(program: string, args: readonly string[], input?: string): void {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(program, args, { input, encoding: 'utf8' });
    if (r.status === 0) return;
    if (attempt < 50 && /lock|try again/i.test(r.stderr)) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      continue;
    }
    throw new Error(`${program} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
}

/**
 * A system user made for one test file (useradd -M, no home) and removed by {@link remove}. Names carry the PID so
 * concurrent runs do not collide.
 */
export class ThrowawayUser {
  readonly name: string;

  constructor(tag: string) {
    requireRoot('creating a throwaway user');
    requireProgram('/usr/sbin/useradd', 'passwd');
    this.name = `uwts${tag}${process.pid}`.slice(0, 31);
    shadowUtil('/usr/sbin/useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', this.name]);
  }

  /** Sets the password with `chpasswd -c method` and returns the hash it wrote to /etc/shadow. */
  setPassword(password: string, method: 'YESCRYPT' | 'SHA512' | 'SHA256' | 'MD5'): string {
    shadowUtil(requireProgram('/usr/sbin/chpasswd', 'passwd'), ['-c', method], `${this.name}:${password}\n`);
    return this.shadowHash();
  }

  /** The hash field of this user's /etc/shadow line. */
  shadowHash(): string {
    const line = readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${this.name}:`));
    if (line === undefined) throw new Error(`${this.name} has no /etc/shadow line`);
    return line.split(':')[1] ?? '';
  }

  /** Runs chage with `args` on this user. */
  chage(...args: string[]): void {
    shadowUtil('/usr/bin/chage', [...args, this.name]);
  }

  remove(): void {
    shadowUtil('/usr/sbin/userdel', [this.name]);
  }
}

/** Everything a value prints as, by every route a log line or error report could take. */
export function renderings(value: unknown): string {
  return [JSON.stringify(value), String(value), inspect(value, { depth: Infinity, showHidden: true })].join('\n');
}
