/**
 * Telling the client what happened to the selected mailbox (RFC 3501 §7: new mail, flag changes, expunges) as
 * untagged responses: after every command (ImapSession.reportUpdates), in IDLE, and between commands for NOTIFY.
 * RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE or SEARCH (nor VANISHED, which takes its place once QRESYNC is on,
 * RFC 7162 §3.2.10); a CONDSTORE session that holds one back says a lower HIGHESTMODSEQ (§3.2).
 */
import type { Clock } from '../env/env.js';
import type { Logger } from '../env/logger.js';
import { MailboxError, type OpenMailbox } from '../mailbox/driver.js';
import { numberRanges } from '../values/sequence.js';
import type { ResponseBuilder } from '../wire/encode.js';
import type { Selected } from './command.js';
import { expungedFromContexts, refreshContexts } from './commands/shared/context.js';
import type { Notifier } from './notify.js';
import { flagsFetch, mailboxFlags, okResponse, permanentFlags, vanished } from './responses.js';

/** What the reporting reads of its session (ImapSession's public members). */
export interface UpdateSession {
  readonly selected: Selected | null;
  readonly enabled: ReadonlySet<string>;
  /** RFC 9051's rules (ENABLE IMAP4rev2): no RECENT response, no \Recent in FLAGS. */
  readonly rev2: boolean;
  readonly notifications: Notifier | null;
  readonly user: string;
  readonly opts: { readonly logger: Logger; readonly clientHost: string; readonly clock: Clock };
  end(reason: string, text: string | null): void;
}

/** What the reporting does through the session's private members, which the session hands it. */
export interface UpdateWriter {
  /** Queues `* ` and what `build` writes, in one piece. */
  untagged(build: (b: ResponseBuilder) => void): void;
  /** The selection ends (the session's transition). */
  unselect(): Selected | null;
  /** Logs an error nobody foresaw; returns its id. */
  internalError(e: unknown, level: 'err' | 'warning'): string;
}

/** One session's update reporting, and what it remembers between commands of what it told. */
export class UpdateReporter {
  /**
   * The selected mailbox's HIGHESTMODSEQ when its updates were last all told, expunges included: every change up to
   * it is known to the client. See {@link tellHeldBack}.
   */
  private toldModseq = 0;
  /** This command has told {@link toldModseq} already (expunges held back). */
  private heldBackTold = false;

  constructor(
    private readonly s: UpdateSession,
    private readonly own: UpdateWriter,
  ) {}

  /** A command begins: it has told nothing held back yet. */
  commandStarted(): void {
    this.heldBackTold = false;
  }

  /**
   * Sends what happened to the selected mailbox (new mail, flags, expunges if allowed), as untagged responses.
   * Returns false when the selection ended instead (the session is ending). Never throws: a selected mailbox that is
   * gone (deleted or renamed by another session or program) or that changed beyond what its UIDs can follow ends the
   * session with `* BYE` (RFC 2180 §3.3, RFC 3501 §2.3.1.1: there is no other way to tell a client that does not
   * know QRESYNC's [CLOSED]); any other failure to look (a lock held too long, an I/O error) is logged and the
   * updates wait for the next look.
   */
  async report(allowExpunge: boolean): Promise<boolean> {
    const sel = this.s.selected;
    if (!sel) return true;
    try {
      await sel.box.sync();
    } catch (e) {
      if (e instanceof MailboxError && (e.code === 'NONEXISTENT' || e.code === 'CORRUPT')) {
        const what = e.code === 'NONEXISTENT' ? 'was deleted or renamed' : 'was changed by another program';
        this.s.opts.logger.log('notice', `Mailbox ${sel.name} ${what} (${e.message}) user=${this.s.user} host=${this.s.opts.clientHost}`);
        this.own.unselect();
        await sel.box.close().catch(() => undefined);
        this.s.end(`mailbox ${e.code === 'NONEXISTENT' ? 'gone' : 'changed'}`, `[ALERT] Mailbox ${sel.name} ${what}`);
        return false;
      }
      this.own.internalError(e, 'warning');
      return true;
    }
    // Once QRESYNC is on, expunges are told by UID (RFC 7162 §3.2.10): each run of expunges becomes one VANISHED.
    const byUid = this.s.enabled.has('QRESYNC');
    let gone: number[] = [];
    const tellGone = (): void => {
      const uids = gone;
      if (uids.length) this.own.untagged((b) => vanished(b, false, numberRanges(uids)));
      gone = [];
    };
    const write = (build: (b: ResponseBuilder) => void): void => this.own.untagged(build);
    for (const u of sel.box.takeUpdates(allowExpunge)) {
      if (u.kind !== 'expunge') tellGone();
      switch (u.kind) {
        case 'expunge':
          // RFC 5267 §4.3.4: an updating context's REMOVEFROM goes before the expunge is told, numbered as the client
          // knows the message then (before a VANISHED, that is before the expunges gathered for it).
          expungedFromContexts(sel, u.uid, byUid ? u.seq + gone.length : u.seq, write);
          if (byUid) gone.push(u.uid);
          else this.own.untagged((b) => b.number(u.seq).raw(' EXPUNGE'));
          break;
        case 'exists':
          this.own.untagged((b) => b.number(u.count).raw(' EXISTS'));
          break;
        case 'recent':
          // RFC 9051 has no RECENT response (Appendix E).
          if (!this.s.rev2) this.own.untagged((b) => b.number(u.count).raw(' RECENT'));
          break;
        case 'keywords':
          this.own.untagged((b) => mailboxFlags(b, u.keywords));
          this.own.untagged((b) => permanentFlags(b, u.keywords, 'Flags permitted'));
          break;
        case 'flags': {
          // Once CONDSTORE is on, another agent's change carries UID and MODSEQ (RFC 7162 §3.1).
          const cs = this.s.enabled.has('CONDSTORE');
          // So does one NOTIFY's FlagChange asked for (RFC 5465 §5.1).
          const uid = cs || this.s.notifications?.flagUids === true;
          this.own.untagged((b) => flagsFetch(b, u.seq, sel.box.meta(u.seq), { uid, modseq: cs, flags: true, recent: !this.s.rev2 }));
          break;
        }
      }
    }
    tellGone();
    // RFC 5267 §4.3.3: what joined or left an updating context, after the EXISTS that numbered new messages.
    try {
      await refreshContexts(sel, this.s.opts.clock.now(), write);
    } catch (e) {
      this.own.internalError(e, 'warning');
    }
    await this.s.notifications?.afterUpdates(sel);
    if (allowExpunge) this.toldModseq = sel.box.highestModseq();
    else this.tellHeldBack(sel.box);
    return true;
  }

  /**
   * RFC 7162 §3.2: while expunges are held back (no EXPUNGE or VANISHED during FETCH, STORE or SEARCH: RFC 3501
   * §7.4.1) the FETCH responses may carry higher MODSEQs than theirs, and a client that takes the highest MODSEQ
   * it saw as its HIGHESTMODSEQ (§6) would, reconnecting with it, never hear of them. So the command says
   * `OK [HIGHESTMODSEQ n]` with n below them, the value when all was last told, which §6 has the client take even
   * below MODSEQs it saw. When the mailbox does not remember expunges that far back (the file was scanned afresh
   * since), any might be held back, and the value is said all the same: a lower HIGHESTMODSEQ costs the client a
   * larger resynchronisation, never a lost change.
   */
  private tellHeldBack(box: OpenMailbox): void {
    if (this.heldBackTold || !this.s.enabled.has('CONDSTORE') || this.toldModseq < 1) return;
    const held = box.expungedSince(this.toldModseq)?.some((uid) => box.seqOf(uid) !== undefined) ?? true;
    if (!held) return;
    const told = this.toldModseq;
    this.own.untagged((b) => okResponse(b, (c) => c.raw('HIGHESTMODSEQ ').number(told), 'Expunges are held back'));
    this.heldBackTold = true;
  }
}
