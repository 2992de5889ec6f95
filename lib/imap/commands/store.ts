/**
 * Mailbox management (RFC 3501 §6.3): LIST, LSUB, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, APPEND,
 * plus NAMESPACE (RFC 2342), over the session's MailStore.
 */
import type { AppendMessage } from '../../mailbox/driver.js';
import { MailboxError } from '../../mailbox/driver.js';
import type { MailStore } from '../../mailbox/store.js';
import { quoted } from '../../wire/encode.js';
import type { DateTime, StatusAtt } from '../../wire/parser.js';
import type { SpooledLiteral } from '../../wire/fragmentizer.js';
import { no, type CommandContext, defineCommand, type Command } from '../session.js';
import { compact, splitFlags } from './messages.js';

const AUTH = ['authenticated', 'selected'] as const;

function storeOf(ctx: CommandContext): MailStore {
  const s = ctx.session.store;
  if (!s) throw no('No mail store');
  return s;
}

/** A mailbox name as LIST sends it: quoted, or a literal when it cannot be quoted. */
function nameOut(name: string): string {
  try {
    return quoted(name);
  } catch {
    const b = Buffer.from(name, 'latin1');
    return `{${b.length}}\r\n${name}`;
  }
}

function listSpec(lsub: boolean): Command {
  return defineCommand({
    name: lsub ? 'LSUB' : 'LIST', states: AUTH, expungeSafe: true,
    parse(a) {
      a.sp();
      const reference = a.mailbox();
      a.sp();
      const pattern = a.listMailbox();
      a.end();
      return { reference, pattern };
    },
    async run(ctx: CommandContext, args: { reference: string; pattern: string }) {
      const entries = await storeOf(ctx).list(args.reference, args.pattern, { subscribedOnly: lsub });
      for (const e of entries) {
        ctx.untagged(`${lsub ? 'LSUB' : 'LIST'} (${e.attributes.join(' ')}) "/" ${nameOut(e.name)}`);
      }
    },
  });
}

export const list = listSpec(false);
export const lsub = listSpec(true);

/**
 * Before this session deletes or renames `mailbox`: when it is the selected mailbox or holds it (a parent),
 * the selection ends first (its pending changes written), and the client is told with `* OK [CLOSED]` (RFC 7162
 * §3.2.11) that it is back in the authenticated state. Another session that has it selected notices at its next
 * look and says BYE (RFC 2180 §3.3; ImapSession.reportUpdates).
 */
async function leaveIfSelected(ctx: CommandContext, mailbox: string): Promise<void> {
  const s = ctx.session;
  const sel = s.selected;
  const store = s.store;
  if (!sel || !store) return;
  const holds = store.sameMailbox(sel.name, mailbox) ||
    (sel.name.length > mailbox.length && sel.name[mailbox.length] === '/' &&
      store.sameMailbox(sel.name.slice(0, mailbox.length), mailbox));
  if (!holds) return;
  s.selected = null;
  s.state = 'authenticated';
  ctx.untagged('OK [CLOSED] Selected mailbox closed');
  await sel.box.close();
}

function oneName(name: string, run: (store: MailStore, mailbox: string) => Promise<void>,
  before?: (ctx: CommandContext, mailbox: string) => Promise<void>): Command {
  return defineCommand({
    name, states: AUTH, expungeSafe: true,
    parse(a) {
      a.sp();
      const mailbox = a.mailbox();
      a.end();
      return mailbox;
    },
    async run(ctx: CommandContext, mailbox: string) {
      await before?.(ctx, mailbox);
      await run(storeOf(ctx), mailbox);
    },
  });
}

export const create = oneName('CREATE', (s, m) => s.create(m));
export const del = oneName('DELETE', (s, m) => s.delete(m), leaveIfSelected);
export const subscribe = oneName('SUBSCRIBE', (s, m) => s.subscribe(m));
export const unsubscribe = oneName('UNSUBSCRIBE', (s, m) => s.unsubscribe(m));

export const rename = defineCommand({
  name: 'RENAME', states: AUTH, expungeSafe: true,
  parse(a) {
    a.sp();
    const from = a.mailbox();
    a.sp();
    const to = a.mailbox();
    a.end();
    return { from, to };
  },
  async run(ctx, args: { from: string; to: string }) {
    await leaveIfSelected(ctx, args.from);
    await storeOf(ctx).rename(args.from, args.to);
  },
});

export const status = defineCommand({
  name: 'STATUS', states: AUTH, expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    a.sp();
    const atts = a.statusAtts();
    a.end();
    return { mailbox, atts };
  },
  async run(ctx, args: { mailbox: string; atts: StatusAtt[] }) {
    const sel = ctx.session.selected;
    let st;
    if (sel && storeOf(ctx).sameMailbox(sel.name, args.mailbox)) {
      // The selected mailbox: from the open index (its file may hold changes not yet written).
      const box = sel.box;
      let recent = 0;
      let unseen = 0;
      for (let seq = 1; seq <= box.count(); seq++) {
        const m = box.meta(seq);
        if (m.recent) recent++;
        if (!(m.flags & 1)) unseen++;
      }
      st = { messages: box.count(), recent, unseen, uidNext: box.uidNext(), uidValidity: box.uidValidity };
    } else {
      st = await storeOf(ctx).status(args.mailbox);
    }
    const value: Record<StatusAtt, number> = {
      MESSAGES: st.messages, RECENT: st.recent, UIDNEXT: st.uidNext, UIDVALIDITY: st.uidValidity, UNSEEN: st.unseen,
    };
    ctx.untagged(`STATUS ${nameOut(args.mailbox)} (${args.atts.map((a) => `${a} ${value[a]}`).join(' ')})`);
  },
});

interface AppendArgs {
  mailbox: string;
  /** `binary`: sent as a literal8 (RFC 3516 `~{n}`). */
  messages: { flags: string[]; date: DateTime | null; bytes: Buffer; binary: boolean; spooled?: SpooledLiteral }[];
}

/**
 * Whether `bytes` survive a mail store unchanged. Stores serve messages with CRLF line ends (OpenMailbox.header and
 * text), so a lone LF comes back as CRLF; for a literal8 that is a change to binary content, which RFC 3516 §4.4
 * forbids: "any such transformation MUST NOT result in a loss of data. If the destination mailbox does not support
 * the storage of binary content, the server MUST fail the request and issue a "NO" response that contains the
 * "UNKNOWN-CTE" extended response code." NUL and lone CR are kept as they are.
 */
function storableBinary(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (i === 0 || bytes[i - 1] !== 0x0d) return false;
  }
  return true;
}

/**
 * APPEND (RFC 3501 §6.3.11), MULTIAPPEND (RFC 3502) when several messages follow, each a literal or (BINARY,
 * RFC 3516 §4.4) a literal8.
 */
export const append = defineCommand({
  name: 'APPEND', states: AUTH, expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    const messages: AppendArgs['messages'] = [];
    while (a.maybeSp()) {
      let flags: string[] = [];
      let date: DateTime | null = null;
      if (a.lookingAt('(')) {
        flags = a.flagList();
        a.sp();
      }
      if (a.lookingAt('"')) {
        date = a.dateTime();
        a.sp();
      }
      const { bytes, binary, spooled } = a.literal8();
      messages.push(spooled !== undefined ? { flags, date, bytes, binary, spooled } : { flags, date, bytes, binary });
    }
    a.end();
    return { mailbox, messages };
  },
  async run(ctx, args: AppendArgs) {
    if (args.messages.length === 0) throw no('APPEND without a message');
    const msgs: AppendMessage[] = args.messages.map((m) => {
      const { bits, keywords } = splitFlags(m.flags);
      const b = m.bytes;
      const spooled = m.spooled;
      return {
        // A large message streams from its spool file (lib/io/spool.ts), never whole in memory.
        body: spooled !== undefined
          ? { size: spooled.size, chunks: () => spooled.chunks() }
          : { size: b.length, async *chunks() { yield b; } },
        flags: bits, keywords,
        ...(m.date ? { internalDate: { time: m.date.epochMs, zone: m.date.zoneMinutes } } : {}),
      };
    });
    // Checked for every message before any is stored: MULTIAPPEND is all or nothing (RFC 3502 §6.3.11).
    for (const m of args.messages) {
      if (m.spooled === undefined && m.bytes.length === 0) throw no('Empty message');
      if (m.binary && (m.spooled !== undefined ? m.spooled.bareLineFeed : !storableBinary(m.bytes))) {
        throw no('Binary content with bare line feeds cannot be stored without change', 'UNKNOWN-CTE');
      }
    }
    async function* each(): AsyncIterable<AppendMessage> {
      yield* msgs;
    }
    let r;
    try {
      r = await storeOf(ctx).append(args.mailbox, each());
    } catch (e) {
      if (e instanceof MailboxError && e.code === 'NONEXISTENT') throw no('Mailbox does not exist', 'TRYCREATE');
      throw e;
    }
    ctx.okWith('APPEND completed', `APPENDUID ${r.uidValidity} ${compact(r.uids)}`);
  },
});

export const namespace = defineCommand({
  name: 'NAMESPACE', states: AUTH, expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    // UW: personal namespace "" with "/" (the home directory); no other users' or shared namespaces offered.
    ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
  },
});
