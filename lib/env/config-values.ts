/**
 * The value types of the configuration keys (config.ts's table gives each key one): what a *path*, *bool*,
 * *integer*, *size*, *name*, *locks*, *uses*, *text* or *URI* is, each as a {@link FieldSpec} whose `parse` turns
 * the file's text into the value (throwing {@link BadValue} with a message naming what was expected) and whose
 * `check` validates a typed value (after parse, and alone for command-line overrides), returning a message or null.
 */

import { specialUse, type NamedUse } from '../values/special-use.js';

/** A lock method name; the same union as lib/lock's LockMethodName (lib/env may not import lib/lock). */
export type LockName = 'dotlock' | 'fcntl' | 'flock';

/** The lock method names, in the default order. */
export const LOCK_NAMES: readonly LockName[] = Object.freeze(['dotlock', 'fcntl', 'flock'] as const);

export class BadValue extends Error {}

/** How one key's value is read and checked. */
export interface FieldSpec<T> {
  /** The key in the file. */
  readonly key: string;
  readonly parse: (raw: string) => T;
  readonly check: (value: T) => string | null;
  /** A copy the Config may own (arrays from overrides are copied and frozen); absent: the value itself. */
  readonly own?: (value: T) => T;
}

export function checkAbsolutePath(v: string): string | null {
  if (!v.startsWith('/')) return `expected an absolute path, got "${v}"`;
  if (v.includes('\0')) return 'a path may not contain NUL';
  return null;
}

export function path(key: string): FieldSpec<string> {
  return { key, parse: (raw) => raw, check: checkAbsolutePath };
}

/** A path template: absolute once `%h` (an absolute home) is put in, so starting with `/` or `%h`. */
export function controlDirTemplate(key: string): FieldSpec<string> {
  const check = (v: string): string | null => {
    if (v.includes('\0')) return 'a path may not contain NUL';
    if (!v.startsWith('/') && !v.startsWith('%h')) return `expected an absolute path or one starting with %h, got "${v}"`;
    if (v.replace(/%[hu%]/g, '').includes('%')) return `only %h, %u and %% may follow a %, got "${v}"`;
    return null;
  };
  return { key, parse: (raw) => raw, check };
}

export function optionalPath(key: string): FieldSpec<string | null> {
  return { key, parse: (raw) => raw, check: (v) => (v === null ? null : checkAbsolutePath(v)) };
}

/** `none`, or a value of `spec` (whose check then applies). */
export function orNone<T>(spec: FieldSpec<T>): FieldSpec<T | null> {
  return {
    key: spec.key,
    parse: (raw) => (raw.toLowerCase() === 'none' ? null : spec.parse(raw)),
    check: (v) => (v === null ? null : spec.check(v)),
  };
}

/** Printable text (a server annotation's value): no control characters, at most 1024 characters. */
export function text(key: string): FieldSpec<string> {
  const check = (v: string): string | null =>
    v.length >= 1 && v.length <= 1024 && ![...v].some((c) => c < ' ' || c === '\x7f')
      ? null : 'expected printable text of at most 1024 characters';
  return { key, parse: (raw) => raw, check };
}

/** A URI as RFC 3986 §3.1 begins it (scheme ":"), then printable characters without blanks. */
export function uri(key: string): FieldSpec<string> {
  const check = (v: string): string | null =>
    /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]{1,1024}$/.test(v) ? null : `expected a URI such as mailto:postmaster@example.org, got "${v}"`;
  return { key, parse: (raw) => raw, check };
}

const TRUE_WORDS: readonly string[] = ['yes', 'true', 'on', '1'];
const FALSE_WORDS: readonly string[] = ['no', 'false', 'off', '0'];

export function bool(key: string): FieldSpec<boolean> {
  return {
    key,
    parse(raw) {
      const w = raw.toLowerCase();
      if (TRUE_WORDS.includes(w)) return true;
      if (FALSE_WORDS.includes(w)) return false;
      throw new BadValue(`expected yes or no, got "${raw}"`);
    },
    check: () => null,
  };
}

function checkRange(v: number, min: number, max: number, why: string): string | null {
  if (!Number.isSafeInteger(v)) return `expected an integer, got ${v}`;
  if (v < min) return `${v} is below the minimum ${min}${why}`;
  if (v > max) return `${v} is above the maximum ${max}${why}`;
  return null;
}

/** An integer in [min, max]; `why` (e.g. " (RFC 1939 §3)") is appended to range errors. */
export function integer(key: string, min: number, max: number, why = ''): FieldSpec<number> {
  return {
    key,
    parse(raw) {
      if (!/^[0-9]{1,15}$/.test(raw)) throw new BadValue(`expected a whole number, got "${raw}"`);
      return Number(raw);
    },
    check: (v) => checkRange(v, min, max, why),
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = Object.freeze({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 });

/** A byte count in [min, max], with an optional K/M/G (binary) suffix. */
export function size(key: string, min: number, max: number, why = ''): FieldSpec<number> {
  return {
    key,
    parse(raw) {
      const m = /^([0-9]{1,15})\s*([kmg]?)b?$/i.exec(raw);
      const unit = m?.[2]?.toLowerCase();
      const factor = unit === undefined ? undefined : SIZE_UNITS[unit];
      if (m === null || factor === undefined) {
        throw new BadValue(`expected a size such as 65536, 64K or 200M, got "${raw}"`);
      }
      return Number(m[1]) * factor;
    },
    check: (v) => checkRange(v, min, max, why),
  };
}

/** One of a closed set of words (matched without regard to case, stored as spelled in `values`). */
export function oneOf<T extends string>(key: string, values: readonly T[], hint = ''): FieldSpec<T> {
  return {
    key,
    parse(raw) {
      const hit = values.find((v) => v.toLowerCase() === raw.toLowerCase());
      if (hit === undefined) throw new BadValue(`expected ${values.join(' or ')}, got "${raw}"${hint}`);
      return hit;
    },
    check: (v) => (values.includes(v) ? null : `expected ${values.join(' or ')}, got "${v}"`),
  };
}

/** A PAM service name: a file name in /etc/pam.d. */
export function serviceName(key: string): FieldSpec<string> {
  const check = (v: string): string | null =>
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) ? null : `expected a PAM service name, got "${v}"`;
  return { key, parse: (raw) => raw, check };
}

export function cipherList(key: string): FieldSpec<string> {
  // The characters OpenSSL cipher strings use; whether the names exist is checked when the TLS context is built.
  const check = (v: string): string | null =>
    /^[A-Za-z0-9_+:!@=.,-]+$/.test(v) ? null : `expected an OpenSSL cipher list, got "${v}"`;
  return { key, parse: (raw) => raw, check };
}

/**
 * Parses a lock list the way lib/lock's parseLockOrder does (comma- or blank-separated, case-insensitive, each
 * name once, at least one). Returns the names in order; throws BadValue.
 */
function parseLockList(raw: string): LockName[] {
  const words = raw
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map((s) => s.toLowerCase());
  if (words.length === 0) throw new BadValue('expected lock methods (dotlock, fcntl, flock)');
  const out: LockName[] = [];
  for (const w of words) {
    const name = LOCK_NAMES.find((n) => n === w);
    if (name === undefined) throw new BadValue(`unknown lock method "${w}" (known: ${LOCK_NAMES.join(', ')})`);
    if (out.includes(name)) throw new BadValue(`lock method "${w}" named twice`);
    out.push(name);
  }
  return out;
}

export function lockList(key: string): FieldSpec<readonly LockName[]> {
  return {
    key,
    parse: (raw) => Object.freeze(parseLockList(raw)),
    own: (v) => Object.freeze([...v]),
    check(v) {
      try {
        parseLockList(v.join(','));
        return null;
      } catch (e) {
        return e instanceof BadValue ? e.message : String(e);
      }
    },
  };
}

/**
 * Parses `special_use`: blank-separated `NAME=\\Use` items, or `none`. Returns them frozen, in order; throws BadValue.
 * DEFAULT_CONFIG's names are parsed with it too.
 */
export function parseSpecialUses(raw: string): NamedUse[] {
  if (raw.trim().toLowerCase() === 'none') return [];
  const out: NamedUse[] = [];
  for (const item of raw.split(/\s+/).filter((w) => w !== '')) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq);
    const use = eq > 0 ? specialUse(item.slice(eq + 1)) : null;
    if (name.includes('=') || use === null) {
      throw new BadValue(`expected NAME=\\Use (\\All, \\Archive, \\Drafts, \\Flagged, \\Junk, \\Sent, \\Trash), got "${item}"`);
    }
    out.push(Object.freeze({ name, use }));
  }
  return out;
}

export function specialUseList(key: string): FieldSpec<readonly NamedUse[]> {
  return {
    key,
    parse: (raw) => Object.freeze(parseSpecialUses(raw)),
    own: (v) => Object.freeze(v.map((e) => Object.freeze({ name: e.name, use: e.use }))),
    check(v) {
      for (const e of v) {
        if (e.name === '' || /[\s=]/.test(e.name)) return `a special_use name may not be empty or hold a blank or "=", got "${e.name}"`;
        if (specialUse(e.use) !== e.use) return `unknown special use "${e.use}"`;
      }
      return null;
    },
  };
}

/** A host name for SNI, lower case, optionally `*.` in front; null if it is not one. */
export function sniName(text: string): string | null {
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  const name = text.toLowerCase();
  return new RegExp(`^(?:\\*\\.)?${label}(?:\\.${label})*$`).test(name) && name.length <= 253 ? name : null;
}
