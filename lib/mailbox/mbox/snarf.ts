/**
 * UW's mbox INBOX (c-client's mbox driver in unix.c: mbox_open, mbox_ping): the open INBOX is `~/mbox`, and the
 * spool's new mail is moved into it when it is opened read-write and, at most once a snarf interval, when it is
 * synced (UW pings at each check; its interval, GET_SNARFINTERVAL, is 60 s by default).
 *
 * UW writes the spool's bytes at the end of `~/mbox`, fsyncs, then truncates the spool: killed between the two,
 * every message is in both files, and the next snarf moves them again. Here the move is the driver's MOVE
 * (AppendOptions.moveFrom: move-record.ts), so after a kill at any instant each message is in exactly one of the
 * two files once either is next opened. It moves the messages the spool held when it was opened, by UID, and only
 * if every one of them is still there when the move commits (`whole`): two sessions snarfing together cannot both
 * move a message; the one that finds its messages gone moves nothing and tries again at its next interval. Mail a
 * delivery agent appends to the spool meanwhile stays in it for the next snarf. A spool left with no message is
 * then cut to nothing, as UW leaves it (MboxMailbox.cutIfEmpty).
 */
import { statSync } from 'node:fs';
import type { AppendMessage, ChangeWatch, OpenMailbox, SnarfSource } from '../driver.js';
import { MailboxError } from '../driver.js';
import type { MailEnv } from '../../env/env.js';

/** Watches a file with fs.watch; see MboxMailbox.notifyChanges. */
export type FileWatcher = (path: string, onChange: () => void) => ChangeWatch;

/** The snarfing of one open INBOX (MboxMailbox holds one when it was opened read-write with a SnarfSource). */
export class Snarfer {
  /** When the last snarf was tried (ms of env.clock); UW's LOCAL->lastsnarf. */
  private last = -Infinity;
  /** Whether a snarf has moved mail yet (UW logs the first only). */
  private moved = false;

  constructor(
    private readonly src: SnarfSource,
    private readonly env: Pick<MailEnv, 'clock' | 'logger'>,
    /**
     * Opens the spool read-write, as the driver's own opens do (claiming no \Recent), with what cuts it to nothing
     * when it holds no message (MboxMailbox.cutIfEmpty).
     */
    private readonly openSpool: (path: string) => Promise<OpenMailbox & { cutIfEmpty(): Promise<void> }>,
  ) {}

  /** Milliseconds until the next snarf is due (0: due now). */
  wait(): number {
    return Math.max(0, this.last + this.src.intervalMs - this.env.clock.now());
  }

  /**
   * Moves every message of the spool into `into` (the open `~/mbox`, read-write), when it is time to and the spool
   * holds anything. Never throws: a spool that cannot be read or a move that fails is logged, and tried again at
   * the next interval (UW's "New mail move failed"). Returns how many messages were moved.
   */
  async run(into: OpenMailbox, intoPath: string): Promise<number> {
    if (this.wait() > 0) return 0;
    this.last = this.env.clock.now();
    const from = this.src.from;
    try {
      const st = statSync(from);
      if (st.size === 0) return 0;
      const self = statSync(intoPath);
      // UW's "are the same file" alert (a spool linked to ~/mbox): moving a file's mail into itself must not run.
      if (st.dev === self.dev && st.ino === self.ino) {
        this.env.logger.log('err', `File ${from} and ${intoPath} are the same file!`);
        return 0;
      }
    } catch {
      return 0; // no spool: nothing to move
    }
    let spool: OpenMailbox & { cutIfEmpty(): Promise<void> };
    try {
      spool = await this.openSpool(from);
    } catch (e) {
      const why = e instanceof MailboxError && e.code === 'NOTMAILBOX' ? 'is not in standard Unix format' : `cannot be opened: ${errText(e)}`;
      this.env.logger.log('err', `Mail drop ${from} ${why}`);
      return 0;
    }
    try {
      const count = spool.count();
      if (count === 0) {
        await spool.cutIfEmpty();
        return 0;
      }
      const uids = Array.from(spool.uids());
      async function* messages(): AsyncIterable<AppendMessage> {
        for (let seq = 1; seq <= count; seq++) {
          const m = spool.meta(seq);
          yield { body: spool.message(seq), flags: m.flags, keywords: m.keywords, internalDate: m.internalDate };
        }
      }
      await into.append(messages(), { moveFrom: { box: spool, uids, whole: true } });
      await spool.cutIfEmpty();
      if (!this.moved) this.env.logger.log('info', `Moved ${count} messages of new mail to ${intoPath} from ${from}`);
      this.moved = true;
      return count;
    } catch (e) {
      // EXPUNGED: another session moved or expunged some of them first; the rest are moved next time.
      const level = e instanceof MailboxError && e.code === 'EXPUNGED' ? 'info' : 'warning';
      this.env.logger.log(level, `New mail move from ${from} to ${intoPath} failed: ${errText(e)}`);
      return 0;
    } finally {
      await spool.close().catch((e: unknown) => this.env.logger.log('warning', `${from}: closing after a snarf: ${errText(e)}`));
    }
  }

  /**
   * Tells `onChange` of changes to the spool, for a caller that waits on the INBOX (IDLE, NOTIFY): at once when a
   * snarf is due, else when it becomes due, so that the sync it leads to moves the new mail. Not live when the
   * spool cannot be watched (there is none yet, say): the caller's poll finds the mail then.
   */
  watch(watchFile: FileWatcher, onChange: () => void): ChangeWatch {
    let timer: NodeJS.Timeout | null = null;
    const inner = watchFile(this.src.from, () => {
      const wait = this.wait();
      if (wait === 0) onChange();
      else timer ??= setTimeout(() => {
        timer = null;
        onChange();
      }, wait);
    });
    return {
      get live() {
        return inner.live;
      },
      stop: () => {
        inner.stop();
        if (timer !== null) clearTimeout(timer);
        timer = null;
      },
    };
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
