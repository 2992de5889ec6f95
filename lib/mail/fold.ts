/**
 * Case folding for SEARCH and SORT: the i;unicode-casemap comparator (RFC 5051), with native string operations only.
 *
 * PURE: no fs, net or process.
 */

/** Code points whose full upper-casing is not their titlecase in the sense of {@link unicodeCasemap}. */
const NOT_UPPERED = /[\u00df\u10d0-\u10fa\u10fd-\u10ff]/;
const UPPERED_RUNS = /[^\u00df\u10d0-\u10fa\u10fd-\u10ff]+/g;

function titlecase(text: string): string {
  return NOT_UPPERED.test(text) ? text.replace(UPPERED_RUNS, (w) => w.toUpperCase()) : text.toUpperCase();
}

/**
 * The "titlecased canonicalized" form of `text` under the i;unicode-casemap comparator (RFC 5051 §2), the comparator
 * of I18NLEVEL=1 (RFC 5255 §4.3) for SEARCH substring matching and SORT ordering (compare the UTF-8 octets of the
 * results, as i;octet): step 2a, each code point's titlecase property; step 2b, its full compatibility decomposition
 * (NFKD); then, our addition, titlecase once more. RFC 5051 titlecases only before decomposing, so a compatibility
 * character decomposes to lower-case letters (ﬁ to "fi", ǅ to "Dž") that "FI"/"fi" and "DŽ" never meet; with the
 * last pass ﬁ = fi = FI, as a user expects.
 *
 * JS has no titlecase, but with the final pass the native, context-free toUpperCase() gives the same result for
 * every code point (test/unit/search-decode.test.ts checks all of them against a per-code-point titlecase), with two
 * exceptions kept as they are: ß, whose full upper-casing "SS" is no single-code-point mapping in UnicodeData.txt, and
 * Georgian Mkhedruli, which upper-cases to Mtavruli but titlecases to itself. Where toUpperCase() expands a code point
 * otherwise (ligatures, ŉ, ǰ, Greek with ypogegrammeni) NFKD and the final pass reach the same letters; digraphs
 * (Ǆ ǅ ǆ) end as "DZ" + caron either way. Native calls only: about 8x toLowerCase() on non-ASCII text (NFKD dominates), ASCII text as fast.
 */
export function unicodeCasemap(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toUpperCase();
  // NFKD leaves ASCII as it is and never reorders across it (ASCII characters are starters without decompositions),
  // so decomposing only the non-ASCII runs gives the same string without running ICU over the ASCII bulk of most
  // mail; and the last titlecase pass leaves ASCII (already upper case) alone. A SEARCH TEXT over a large mailbox
  // spends most of its time here.
  return titlecase(text).replace(NON_ASCII_RUNS, (run) => titlecase(run.normalize('NFKD')));
}

// eslint-disable-next-line no-control-regex
const NON_ASCII_RUNS = /[^\x00-\x7f]+/g;

/**
 * Case folding for SEARCH matching: {@link unicodeCasemap} (i;unicode-casemap, RFC 5051). Both needle and haystack
 * go through this, then a plain substring test decides. Unlike lower-casing it is context-free (final sigma ς and σ
 * both become Σ), so a chunk edge never changes the result.
 */
export function foldCase(text: string): string {
  return unicodeCasemap(text);
}
