/**
 * The configuration file: its syntax, and reading it into a {@link Config} (the keys, their types and defaults
 * are config.ts's table). Read by both imapd and ipop3d at the start of every connection (bin/server.ts, `-c FILE`),
 * and by mailtool at its start (bin/mailtool.ts, `-c FILE` / `--config FILE`), so that the tool and the servers
 * agree on where journals and the UIDVALIDITY counter are and how mailboxes are locked.
 *
 * # Format (`/etc/uwimap-ts.conf` unless bin/ is given another path)
 *
 * ```
 * # comment                          a line whose first non-blank character is `#`
 * key = value                        blanks around `=` and at both ends are ignored
 * key = value   # comment            in an unquoted value, `#` after a blank starts a comment
 * key = "a value # with a hash"      double quotes keep blanks and `#`; inside them `\"` is a quote and `\\` a
 *                                    backslash, any other backslash is an error; only blanks or a comment may follow
 * ```
 * Blank lines are ignored; lines may end in CRLF; a UTF-8 byte order mark at the start is skipped. Keys are lower
 * case. A key given twice, an unknown key, a line without `=`, an empty value and a value the key does not accept
 * are all errors, reported together as `file:line: message` in a {@link ConfigError}: a broken configuration stops
 * the server (it answers `* BYE` or `-ERR`, and logs the problems) rather than running with half of it.
 */
import { readFileSync } from 'node:fs';
import {
  ConfigError, DEFAULT_CONFIG, setByKey, type Config, type ConfigProblem, type Draft, type SniEntry,
} from './config.js';
import { BadValue, checkAbsolutePath, sniName } from './config-values.js';

/** The configuration file read when bin/ names none. */
export const DEFAULT_CONFIG_FILE = '/etc/uwimap-ts.conf';

/**
 * The value part of a line (after `=` and its blanks): quoted or not, with a trailing comment removed. Throws
 * BadValue for an unterminated quote, a bad escape or text after the closing quote.
 */
function lineValue(rest: string): string {
  if (!rest.startsWith('"')) {
    const hash = /(?:^|\s)#/.exec(rest);
    return (hash === null ? rest : rest.slice(0, hash.index)).trimEnd();
  }
  let out = '';
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i];
    if (c === '"') {
      const after = rest.slice(i + 1).trim();
      if (after !== '' && !after.startsWith('#')) {
        throw new BadValue(`unexpected text after the closing quote: "${after}"`);
      }
      return out;
    }
    if (c === '\\') {
      const next = rest[i + 1];
      if (next !== '"' && next !== '\\') throw new BadValue('in quotes, a backslash may only escape " or \\');
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  throw new BadValue('unterminated quote');
}

/**
 * Parses configuration text. Pure: `file` is used only in error messages. Returns a frozen {@link Config}: the
 * defaults with every key of the file applied. Throws {@link ConfigError} listing every problem in the text.
 */
export function parseConfig(text: string, file: string): Config {
  const draft: Draft = { ...DEFAULT_CONFIG };
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  const sni = new Map<string, { cert: string | null; key: string | null; certLine: number; keyLine: number }>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const problem = (message: string): void => {
      problems.push({ file, line: lineNo, message });
    };
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^\s=]+)\s*=\s*(.*)$/.exec(line);
    if (m === null) {
      problem(`expected "key = value", got "${line}"`);
      return;
    }
    const key = m[1] ?? '';
    let value: string;
    try {
      value = lineValue(m[2] ?? '');
    } catch (e) {
      problem(`${key}: ${e instanceof BadValue ? e.message : String(e)}`);
      return;
    }
    // SNI names are case-insensitive, so tls_cert.A.example and tls_cert.a.example are the same key.
    const canonical = key.replace(
      /^(tls_cert|tls_key)\.(.+)$/,
      (_m, kind: string, name: string) => `${kind}.${name.toLowerCase()}`,
    );
    const first = seen.get(canonical);
    if (first !== undefined) {
      problem(`${key} is given twice (first on line ${first})`);
      return;
    }
    seen.set(canonical, lineNo);
    if (value === '') {
      problem(`${key}: empty value`);
      return;
    }

    const sniKey = /^(tls_cert|tls_key)\.(.+)$/.exec(key);
    if (sniKey !== null) {
      const name = sniName(sniKey[2] ?? '');
      if (name === null) {
        problem(`${key}: "${sniKey[2] ?? ''}" is not a host name`);
        return;
      }
      const pathProblem = checkAbsolutePath(value);
      if (pathProblem !== null) {
        problem(`${key}: ${pathProblem}`);
        return;
      }
      const entry = sni.get(name) ?? { cert: null, key: null, certLine: 0, keyLine: 0 };
      if (sniKey[1] === 'tls_cert') {
        entry.cert = value;
        entry.certLine = lineNo;
      } else {
        entry.key = value;
        entry.keyLine = lineNo;
      }
      sni.set(name, entry);
      return;
    }

    try {
      if (!setByKey(draft, key, value)) problem(`unknown key "${key}"`);
    } catch (e) {
      problem(`${key}: ${e instanceof BadValue ? e.message : String(e)}`);
    }
  });

  // passwd_file and shadow_file are read only with account_source = file (accounts come from NSS by default). A
  // configuration that names one of them and not account_source was written for the files (before accounts came
  // from NSS): it keeps them, so an upgrade changes no one's login. Naming one with account_source = nss would have
  // it ignored in silence: a problem.
  const named = ['passwd_file', 'shadow_file'].filter((k) => seen.has(k));
  if (named.length > 0 && !seen.has('account_source')) draft.accountSource = 'file';
  if (draft.accountSource !== 'file') {
    for (const key of named) {
      problems.push({ file, line: seen.get(key) ?? null, message: `${key} is read only with account_source = file, not nss` });
    }
  }

  const tlsSni: SniEntry[] = [];
  for (const [name, entry] of sni) {
    if (entry.cert === null) {
      problems.push({ file, line: entry.keyLine, message: `tls_key.${name} without tls_cert.${name}` });
      continue;
    }
    tlsSni.push(Object.freeze({ name, cert: entry.cert, key: entry.key }));
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...draft, tlsSni: Object.freeze(tlsSni) });
}

/** Reads a whole file; throws an errno error (`code` 'ENOENT' when it does not exist). */
export type ReadTextFile = (path: string) => string;

const readUtf8: ReadTextFile = (p) => readFileSync(p, 'utf8');

function errnoCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

/**
 * Reads and parses a configuration file. `path` null means {@link DEFAULT_CONFIG_FILE}, which may be missing (then
 * the defaults apply); a file named explicitly must exist. Throws {@link ConfigError} for a missing explicit file,
 * any other read error (a default file that exists but cannot be read is not silently ignored) and every problem
 * in the text. `readFile` is for tests.
 */
export function loadConfig(path: string | null, readFile: ReadTextFile = readUtf8): Config {
  const file = path ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    const code = errnoCode(e);
    if (path === null && code === 'ENOENT') return DEFAULT_CONFIG;
    let why = e instanceof Error ? e.message : String(e);
    if (code === 'ENOENT') why = 'no such file';
    if (code === 'EACCES') why = 'permission denied';
    throw new ConfigError([{ file, line: null, message: `cannot read the configuration: ${why}` }]);
  }
  return parseConfig(text, file);
}
