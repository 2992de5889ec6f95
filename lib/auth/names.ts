/**
 * User-name comparison as UW's C code did it: ASCII letters only (lcase(), compare_cstring()). A Unicode case fold
 * could make two distinct account names equal, so nothing here uses toLowerCase().
 */

/** `name` with A-Z mapped to a-z and every other character unchanged. */
export function asciiLower(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** True if `a` and `b` are the same name ignoring ASCII case. */
export function sameUserName(a: string, b: string): boolean {
  return asciiLower(a) === asciiLower(b);
}
