/**
 * A mailbox with no messages and no file behind it: what a POP3 or IMAP session shows for an INBOX that does not
 * exist yet (a spool file is created by the first delivery; a user cannot create it in a root:mail spool).
 */
import type { CachedBytes, MessageMeta, OpenMailbox, SizedBody } from './driver.js';
import { MailboxError } from './driver.js';

export function emptyMailbox(uidValidity: number): OpenMailbox {
  const none = (seq: number): never => {
    throw new RangeError(`no message ${seq} (of 0)`);
  };
  return {
    uidValidity,
    readOnly: true,
    uidNext: () => 1,
    keywords: () => [],
    count: () => 0,
    tally: () => ({ recent: 0, firstUnseen: 0, unseen: 0 }),
    highestModseq: () => 0,
    expungedSince: () => null,
    meta: (seq: number): MessageMeta => none(seq),
    uids: () => new Uint32Array(0),
    sizes: () => new Float64Array(0),
    systemFlags: () => new Uint8Array(0),
    seqOf: () => undefined,
    header: (seq: number): Promise<Buffer> => none(seq),
    parseableHeader: (seq: number): Promise<Buffer> => none(seq),
    text: (seq: number): SizedBody => none(seq),
    message: (seq: number): SizedBody => none(seq),
    cached: (seq: number): Buffer | null => none(seq),
    cachedAt: (seq: number): CachedBytes | null => none(seq),
    cachedRun: (seq: number): number => none(seq),
    keepsAny: () => false,
    wantKept: () => undefined,
    keep: async (seq: number): Promise<void> => none(seq),
    setFlags: () => () => undefined,
    flagsShown: () => undefined,
    storeUnchangedSince: async () => [],
    append: async (): Promise<number[]> => {
      throw new MailboxError('READONLY', 'no mailbox file');
    },
    sync: async () => undefined,
    notifyChanges: () => ({ live: false, stop: () => undefined }),
    takeUpdates: () => [],
    checkpoint: async () => undefined,
    expunge: async () => [],
    close: async () => undefined,
  };
}
