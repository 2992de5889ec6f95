/** Dates as IMAP keeps them (a leaf module shared by lib/mail and lib/mailbox). */

/** A moment with the zone it was written in (IMAP INTERNALDATE keeps the zone). */
export interface InternalDate {
  /** Milliseconds since the epoch, UTC. */
  readonly time: number;
  /** Offset from UTC in minutes, east positive (+0100 is 60). */
  readonly zone: number;
}
