/**
 * IMAP's system flags as stored: one bit each (RFC 3501 §2.3.2). A leaf module: lib/wire, lib/mail and lib/mailbox
 * all speak in these values.
 */

/** System flags as a bitmask. `\Recent` is not stored; it is per session (see MessageMeta.recent in lib/mailbox/driver.ts). */
export const Flag = {
  Seen: 1,
  Answered: 2,
  Flagged: 4,
  Deleted: 8,
  Draft: 16,
} as const;
export type FlagBits = number;

/** The IMAP names of the stored system flags, in {@link Flag} bit order. */
export const SYSTEM_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [Flag.Seen, '\\Seen'],
  [Flag.Answered, '\\Answered'],
  [Flag.Flagged, '\\Flagged'],
  [Flag.Deleted, '\\Deleted'],
  [Flag.Draft, '\\Draft'],
];
