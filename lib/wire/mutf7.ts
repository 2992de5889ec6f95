/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII except "&" stands for itself, "&" is
 * "&-", and every other run of characters is "&" + modified BASE64 of its UTF-16BE form (with "," for "/", no
 * padding) + "-".
 *
 * Decoding accepts only the one canonical encoding of each name, so two different wire names can never denote
 * the same mailbox: no printable ASCII inside a shift, no empty shift other than "&-", no two shifts in a row,
 * no partial or padded base64 (leftover bits must be zero and fewer than 16), no lone UTF-16 surrogates, and no
 * octet outside 0x20..0x7E.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** A name that is not valid modified UTF-7. */
export class InvalidMutf7 extends Error {
  constructor(message: string) {
    super(`Invalid modified UTF-7 mailbox name: ${message}`);
    this.name = 'InvalidMutf7';
  }
}

const isDirect = (code: number): boolean => code >= 0x20 && code <= 0x7e;

/** The modified UTF-7 form of any Unicode string (lone surrogates are encoded as they are; decode refuses them). */
export function encodeMutf7(s: string): string {
  let out = '';
  let run: number[] = []; // UTF-16 code units waiting to be shifted
  const flush = (): void => {
    if (!run.length) return;
    let bits = 0;
    let nbits = 0;
    out += '&';
    for (const u of run) {
      bits = (bits << 16) | u;
      nbits += 16;
      while (nbits >= 6) {
        nbits -= 6;
        out += B64[(bits >> nbits) & 0x3f];
      }
      bits &= (1 << nbits) - 1;
    }
    if (nbits > 0) out += B64[(bits << (6 - nbits)) & 0x3f];
    out += '-';
    run = [];
  };
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (isDirect(u)) {
      flush();
      out += u === 0x26 ? '&-' : s[i];
    } else {
      run.push(u);
    }
  }
  flush();
  return out;
}

/** Decodes a canonical modified UTF-7 name. Throws {@link InvalidMutf7} for anything else (see module comment). */
export function decodeMutf7(s: string): string {
  let out = '';
  let i = 0;
  let lastWasShift = false;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isDirect(c)) throw new InvalidMutf7(`octet 0x${c.toString(16)} at ${i}`);
    if (c !== 0x26) {
      out += s[i];
      i++;
      lastWasShift = false;
      continue;
    }
    const end = s.indexOf('-', i + 1);
    if (end < 0) throw new InvalidMutf7('unterminated "&" shift');
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      lastWasShift = false;
      continue;
    }
    if (lastWasShift) throw new InvalidMutf7('two shifts in a row');
    let bits = 0;
    let nbits = 0;
    const units: number[] = [];
    for (let k = i + 1; k < end; k++) {
      const v = B64.indexOf(s.charAt(k));
      if (v < 0) throw new InvalidMutf7(`"${s.charAt(k)}" in a shift`);
      bits = ((bits << 6) | v) & 0xffffff;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        units.push((bits >> nbits) & 0xffff);
      }
    }
    if (nbits >= 6 || (bits & ((1 << nbits) - 1)) !== 0) throw new InvalidMutf7('partial base64 in a shift');
    for (let k = 0; k < units.length; k++) {
      const u = units[k] ?? 0;
      if (isDirect(u)) throw new InvalidMutf7('printable ASCII in a shift');
      if (u >= 0xd800 && u <= 0xdbff) {
        const lo = units[k + 1];
        if (lo === undefined || lo < 0xdc00 || lo > 0xdfff) throw new InvalidMutf7('lone surrogate');
        k++;
      } else if (u >= 0xdc00 && u <= 0xdfff) {
        throw new InvalidMutf7('lone surrogate');
      }
    }
    out += String.fromCharCode(...units);
    i = end + 1;
    lastWasShift = true;
  }
  return out;
}

/** Whether `s` is a canonical modified UTF-7 name (what {@link decodeMutf7} accepts). */
export function isMutf7(s: string): boolean {
  try {
    decodeMutf7(s);
    return true;
  } catch {
    return false;
  }
}
