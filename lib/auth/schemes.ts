/**
 * The password-hash schemes we verify, as a table keyed by the hash's prefix (the crypt(5) "prefix" column).
 *
 * Every scheme but bcrypt is verified by the injected {@link CryptFn} (libxcrypt's crypt_rn in production, wired by
 * bin/), by hashing the password with the stored hash as the setting and comparing the result to the stored hash in
 * constant time. bcrypt is hashed by @node-rs/bcrypt (a dependency already) and compared the same way.
 *
 * Fail closed: a hash that matches no row's shape - empty, `*`, `!...` (locked), `x` (the shadow placeholder),
 * `*LK*`, truncated or otherwise damaged - verifies nothing. An empty hash never means "no password needed".
 */
import { hashSync } from '@node-rs/bcrypt';
import { constantTimeEqual, type Secret } from './secret.js';

/**
 * crypt(3): hashes `phrase` with `setting` (a full stored hash is a valid setting). Returns the hash, or null when
 * the setting is invalid or the method unsupported. The production implementation is libxcrypt's crypt_rn, whose
 * failure tokens (`*0`, `*1`) an implementation may also return: they never equal a stored hash.
 */
export type CryptFn = (phrase: Buffer, setting: string) => string | null;

/** One row of the scheme table. */
export interface PasswordScheme {
  /** crypt(5)'s name for the method, for logs. */
  readonly name: string;
  /** The prefix that selects this row ('' for traditional DES, which has none). */
  readonly prefix: string;
  /** The whole stored hash must match this; a damaged hash is refused before any hashing. */
  readonly shape: RegExp;
  /** True if `phrase` hashes to `hash`. Only called with a `hash` that matches {@link shape}. */
  verify(hash: string, phrase: Buffer, crypt: CryptFn): boolean;
}

/** crypt(3)'s alphabet ("./0-9A-Za-z"), as a regex character class body. */
const B64 = '[./0-9A-Za-z]';

function viaCrypt(hash: string, phrase: Buffer, crypt: CryptFn): boolean {
  const out = crypt(phrase, hash);
  return out !== null && constantTimeEqual(out, hash);
}

/**
 * bcrypt: re-hash with the stored salt and cost and compare the result with the stored hash in constant time, just
 * as the crypt schemes are checked (rather than trusting a library's verify() to compare safely). `$2y$` (PHP's name
 * for the fixed algorithm) needs no mapping to `$2b$`: the library keeps the stored prefix (tested). A salt the
 * library refuses to re-use (RangeError: a non-canonical encoding) cannot be reproduced, so it verifies nothing -
 * libxcrypt, which re-encodes such salts, cannot reproduce those hashes either (tested).
 */
function bcryptVerify(hash: string, phrase: Buffer): boolean {
  let out: string;
  try {
    out = hashSync(phrase, { salt: hash.slice(0, 29) });
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
  return constantTimeEqual(out, hash);
}

function cryptScheme(name: string, prefix: string, shape: string): PasswordScheme {
  return Object.freeze({ name, prefix, shape: new RegExp(`^${shape}$`), verify: viaCrypt });
}

/**
 * The table, most specific prefix first. Shapes follow libxcrypt's crypt(5): the salt of SHA-crypt and MD5-crypt may
 * hold any byte but `$`, `:` and newline; the others use crypt's base-64 alphabet.
 */
export const PASSWORD_SCHEMES: readonly PasswordScheme[] = Object.freeze([
  cryptScheme('yescrypt', '$y$', `\\$y\\$${B64}+\\$${B64}+\\$${B64}{43}`),
  cryptScheme('gost-yescrypt', '$gy$', `\\$gy\\$${B64}+\\$${B64}+\\$${B64}{43}`),
  cryptScheme('scrypt', '$7$', `\\$7\\$${B64}{11}${B64}*\\$${B64}{43}`),
  cryptScheme('sha512crypt', '$6$', `\\$6\\$(?:rounds=[0-9]{1,10}\\$)?[^$:\\n]{0,16}\\$${B64}{86}`),
  cryptScheme('sha256crypt', '$5$', `\\$5\\$(?:rounds=[0-9]{1,10}\\$)?[^$:\\n]{0,16}\\$${B64}{43}`),
  cryptScheme('md5crypt', '$1$', `\\$1\\$[^$:\\n]{0,8}\\$${B64}{22}`),
  ...['$2a$', '$2b$', '$2y$'].map(
    (prefix): PasswordScheme =>
      Object.freeze({
        name: 'bcrypt',
        prefix,
        shape: new RegExp(`^\\$2[aby]\\$[0-9]{2}\\$${B64}{53}$`),
        verify: (hash: string, phrase: Buffer) => bcryptVerify(hash, phrase),
      }),
  ),
  cryptScheme('bsdicrypt', '_', `_${B64}{19}`),
  cryptScheme('descrypt', '', `${B64}{13}`),
]);

/** Why a stored hash cannot be used: `locked` is `!` + anything (passwd -l, usermod -L, RHEL's `!!`). */
type UnusableHash = 'empty' | 'locked' | 'disabled' | 'unrecognised';

export type HashStatus =
  | { readonly usable: true; readonly scheme: PasswordScheme }
  | { readonly usable: false; readonly why: UnusableHash };

/** Classifies a stored hash: the scheme that would verify it, or why nothing will. Pure. */
export function classifyHash(hash: string): HashStatus {
  if (hash === '') return { usable: false, why: 'empty' };
  if (hash.startsWith('!')) return { usable: false, why: 'locked' };
  if (hash.startsWith('*')) return { usable: false, why: 'disabled' };
  const scheme = PASSWORD_SCHEMES.find((s) => hash.startsWith(s.prefix) && s.shape.test(hash));
  return scheme ? { usable: true, scheme } : { usable: false, why: 'unrecognised' };
}

/**
 * True only if `password` hashes to the stored `hash` under one of {@link PASSWORD_SCHEMES}.
 *
 * False for every unusable hash (see {@link classifyHash}), for an empty password (UW's valpwd refused those too, and
 * an empty password is never what an administrator meant to allow), and for a password holding a NUL byte: crypt(3)
 * reads a C string, so "right\0anything" would otherwise pass as "right".
 *
 * Throws only what `crypt` throws (an outage, for the caller to report as such).
 */
export function verifyPassword(hash: string, password: Secret, crypt: CryptFn): boolean {
  const status = classifyHash(hash);
  if (!status.usable || password.length === 0) return false;
  const phrase = password.reveal();
  try {
    if (phrase.includes(0)) return false;
    return status.scheme.verify(hash, phrase, crypt);
  } finally {
    phrase.fill(0);
  }
}
