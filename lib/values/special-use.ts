/**
 * RFC 6154's special-use mailbox attributes: what a mailbox is for (sent mail, drafts, ...). A leaf module: the
 * configuration (lib/env), the store (lib/mailbox) and the protocol (lib/imap) all speak in these values.
 */

/** The special uses RFC 6154 §2 defines, in its order, spelled as LIST sends them. */
export const SPECIAL_USES = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'] as const;

export type SpecialUse = (typeof SPECIAL_USES)[number];

/** The special use `attr` names (`\sent` in any case is `\Sent`), or null when it names none of RFC 6154's. */
export function specialUse(attr: string): SpecialUse | null {
  const upper = attr.toUpperCase();
  return SPECIAL_USES.find((u) => u.toUpperCase() === upper) ?? null;
}

/** A mailbox name given a special use by the configuration (lib/env's `special_use`; lib/mailbox/special-use.ts). */
export interface NamedUse {
  readonly name: string;
  readonly use: SpecialUse;
}
