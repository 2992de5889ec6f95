/**
 * An append-message (RFC 4466 §3) as the mail store takes it: APPEND's messages and REPLACE's one, each a literal
 * or, with CATENATE (RFC 4469), pieces put together: TEXT literals and the parts of messages already here that URLs
 * name.
 *
 * A URL's piece is read before anything is appended, and kept outside memory when large (the session's spool, as
 * an APPEND literal is: lib/io/spool.ts); the mailboxes it was read from are closed again first. So the append reads
 * no mailbox while it holds the target's locks (a URL may name the target itself), a bad URL or a message too large
 * is found before anything is stored, and a MULTIAPPEND stays all or nothing (RFC 3502). Reading the selected
 * mailbox's messages (its MIME trees cached for the selection) opens nothing; another mailbox is opened read-only,
 * so its \Recent messages stay \Recent and nothing in it changes (RFC 4469 §3: no \Seen is set either).
 */
import type { AppendMessage, OpenMailbox, SizedBody } from '../../../mailbox/driver.js';
import { MailboxError } from '../../../mailbox/driver.js';
import type { SpooledLiteral } from '../../../wire/fragmentizer.js';
import { BadUrl, parseMessageUrl } from '../../../wire/imap-url.js';
import type { AppendMessageArg, CatPart } from '../../../wire/parser.js';
import type { AuthenticatedContext } from '../../command.js';
import { no } from '../../errors.js';
import { sectionBody } from '../../fetch-writer.js';
import { splitFlags } from './flags.js';

/** URL pieces above this size are spooled (when a spool can be had), as APPEND's literals above it are. */
const SPOOL_ABOVE = 1 << 20;

/** What BADURL may carry (RFC 4469 §5 url-resp-text: TEXT-CHARs but "]"), and not too much of it. */
function badUrlCode(url: string): string {
  let text = '';
  for (const ch of url.slice(0, 1000)) {
    const c = ch.charCodeAt(0);
    text += c < 0x21 || c > 0x7e || ch === ']' || ch === '"' || ch === '\\'
      ? `%${(c & 0xff).toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return `BADURL "${text}"`;
}

/** A SizedBody over bytes in memory. */
function bytesBody(b: Uint8Array): SizedBody {
  return {
    size: b.length,
    async *chunks(): AsyncIterable<Uint8Array> {
      if (b.length > 0) yield b;
    },
  };
}

function literalBody(p: { bytes: Buffer; spooled?: SpooledLiteral }): SizedBody {
  const s = p.spooled;
  return s !== undefined ? { size: s.size, chunks: () => s.chunks() } : bytesBody(p.bytes);
}

/**
 * The append-messages of one command, turned into what the mail store appends. Call {@link release} when the
 * command is done (the spooled pieces are freed then).
 */
export class AppendMessages {
  private readonly spools: SpooledLiteral[] = [];
  /** Mailboxes opened for URLs, by name, closed before the append. */
  private readonly opened = new Map<string, OpenMailbox>();

  constructor(private readonly ctx: AuthenticatedContext) {}

  /**
   * The messages, in order. Throws NO for an empty message, NO [BADURL] for the first URL that cannot be read, NO
   * [TOOBIG] when a message would be larger than max_literal (RFC 4469 §4.2; RFC 7889's APPENDLIMIT): each
   * message's pieces are taken in order, and the first that fails decides, before any later URL is read.
   */
  async build(args: readonly AppendMessageArg[]): Promise<AppendMessage[]> {
    try {
      const out: AppendMessage[] = [];
      for (const m of args) {
        const { bits, keywords } = splitFlags(m.flags);
        out.push({
          body: await this.body(m.data),
          flags: bits, keywords,
          ...(m.date ? { internalDate: { time: m.date.epochMs, zone: m.date.zoneMinutes } } : {}),
        });
      }
      return out;
    } finally {
      await this.closeOpened();
    }
  }

  /** Frees the spooled pieces. */
  release(): void {
    for (const s of this.spools.splice(0)) s.release();
  }

  private async body(data: AppendMessageArg['data']): Promise<SizedBody> {
    if (data.kind === 'literal') {
      // A large message streams from its spool file (lib/io/spool.ts), never whole in memory.
      const body = literalBody(data);
      if (body.size === 0) throw no('Empty message');
      return body;
    }
    const max = this.ctx.session.opts.maxLiteral;
    const pieces: SizedBody[] = [];
    let size = 0;
    for (const p of data.parts) {
      const piece = p.kind === 'text' ? literalBody(p) : await this.urlPiece(p, max - size);
      size += piece.size;
      if (size > max) throw no(`Message larger than the APPENDLIMIT of ${max} octets`, 'TOOBIG');
      pieces.push(piece);
    }
    if (size === 0) throw no('Empty message');
    return {
      size,
      async *chunks(): AsyncIterable<Uint8Array> {
        for (const p of pieces) yield* p.chunks();
      },
    };
  }

  /**
   * The octets a URL names, read now (see the module comment). `room`: what the message can still take; a piece
   * larger is not read (the caller answers TOOBIG).
   */
  private async urlPiece(p: Extract<CatPart, { kind: 'url' }>, room: number): Promise<SizedBody> {
    const ctx = this.ctx;
    const session = ctx.session;
    let body: SizedBody | null;
    try {
      const url = parseMessageUrl(p.url, { user: session.user, host: session.opts.hostname });
      const sel = session.selected;
      const selected = sel !== null && ctx.store.sameMailbox(sel.name, url.mailbox) ? sel : null;
      const box = selected?.box ?? (await this.open(url.mailbox));
      if (url.uidValidity !== null && url.uidValidity !== box.uidValidity) throw new BadUrl('UIDVALIDITY differs');
      const seq = box.seqOf(url.uid);
      if (seq === undefined) throw new BadUrl('no message with that UID');
      body = await sectionBody(box, seq, url.section, url.partial, selected?.structures);
      if (body === null) throw new BadUrl('no such section');
    } catch (e) {
      if (e instanceof BadUrl) throw no(`CATENATE URL refused: ${e.message}`, badUrlCode(p.url));
      throw e;
    }
    if (body.size > room) return body; // not read: the caller refuses the message
    return this.keep(body);
  }

  /** Opens another mailbox of the user's read-only, once per command; one that cannot be opened is a bad URL. */
  private async open(name: string): Promise<OpenMailbox> {
    const had = this.opened.get(name);
    if (had !== undefined) return had;
    try {
      const box = await this.ctx.store.open(name, true);
      this.opened.set(name, box);
      return box;
    } catch (e) {
      if (e instanceof MailboxError && ['NONEXISTENT', 'NOPERM', 'NOTMAILBOX'].includes(e.code)) {
        throw new BadUrl('no such mailbox');
      }
      throw e;
    }
  }

  private async closeOpened(): Promise<void> {
    const boxes = [...this.opened.values()];
    this.opened.clear();
    for (const b of boxes) await b.close();
  }

  /** Reads `body` into the spool (or memory when small or no spool can be had) and gives it back from there. */
  private async keep(body: SizedBody): Promise<SizedBody> {
    const make = this.ctx.session.opts.spool;
    let spool = null;
    if (body.size > SPOOL_ABOVE && make !== undefined) {
      try {
        spool = make();
      } catch {
        // No spool file (directory missing or full): held in memory, as APPEND's literal is then.
        spool = null;
      }
    }
    let n = 0;
    if (spool === null) {
      const buf = Buffer.allocUnsafe(body.size);
      for await (const c of body.chunks()) {
        if (n + c.length > buf.length) throw new MailboxError('CORRUPT', 'message part longer than announced');
        buf.set(c, n);
        n += c.length;
      }
      if (n !== body.size) throw new MailboxError('CORRUPT', 'message part shorter than announced');
      return bytesBody(buf);
    }
    try {
      for await (const c of body.chunks()) {
        spool.write(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
        n += c.length;
      }
    } catch (e) {
      spool.discard();
      throw e;
    }
    const kept = spool.finish();
    this.spools.push(kept);
    if (n !== body.size) throw new MailboxError('CORRUPT', 'message part of another length than announced');
    return { size: kept.size, chunks: () => kept.chunks() };
  }
}
