/**
 * SELECT, EXAMINE (RFC 3501 §6.3.1-2), CLOSE (§6.4.2), UNSELECT (RFC 3691), CHECK (§6.4.1), EXPUNGE (§6.4.3),
 * UID EXPUNGE (RFC 4315).
 */
import { Flag } from '../../mailbox/driver.js';
import type { ArgCursor } from '../../wire/parser.js';
import type { SequenceSet } from '../../values/sequence.js';
import { flagList, no, type CommandContext, defineCommand } from '../session.js';

async function open(ctx: CommandContext, name: string, readOnly: boolean): Promise<void> {
  const s = ctx.session;
  if (s.selected) {
    // Selecting another mailbox closes this one without expunging (RFC 3501 §6.3.1), whatever happens next: a SELECT
    // that fails leaves no mailbox selected. Flag changes are on disk already (STORE writes through); what close
    // may fail to write on a full disk is only a \Seen set by FETCH and which messages were \Recent.
    const old = s.selected;
    s.selected = null;
    s.state = 'authenticated';
    try {
      await old.box.close();
    } catch (e) {
      s.opts.logger.log('warning', `${old.name}: closed without writing its last changes: ${String(e)}`);
    }
    ctx.untagged('OK [CLOSED] Previous mailbox closed');
  }
  if (!s.store) throw no('No mail store');
  const box = await s.store.open(name, readOnly);
  s.selected = { name, box, readOnly: box.readOnly, structures: new Map() };
  s.state = 'selected';
  box.takeUpdates(true);
  const kw = box.keywords();
  ctx.untagged(`FLAGS (${flagList(kw)})`);
  ctx.untagged(box.readOnly ? 'OK [PERMANENTFLAGS ()] No permanent flags permitted'
    : `OK [PERMANENTFLAGS (${flagList(kw)} \\*)] Permanent flags`);
  ctx.untagged(`${box.count()} EXISTS`);
  let recent = 0;
  let unseen = 0;
  for (let seq = 1; seq <= box.count(); seq++) {
    const m = box.meta(seq);
    if (m.recent) recent++;
    if (!unseen && !(m.flags & Flag.Seen)) unseen = seq;
  }
  ctx.untagged(`${recent} RECENT`);
  if (unseen) ctx.untagged(`OK [UNSEEN ${unseen}] First unseen message`);
  ctx.untagged(`OK [UIDVALIDITY ${box.uidValidity}] UID validity status`);
  ctx.untagged(`OK [UIDNEXT ${box.uidNext()}] Predicted next UID`);
  ctx.okWith(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, box.readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

const mailboxArg = (a: ArgCursor): string => {
  a.sp();
  const name = a.mailbox();
  a.end();
  return name;
};

export const select = defineCommand({
  name: 'SELECT', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, name: string) => open(ctx, name, false),
});

export const examine = defineCommand({
  name: 'EXAMINE', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  run: (ctx, name: string) => open(ctx, name, true),
});

/**
 * CLOSE and UNSELECT. Everything pending is written first (CLOSE: with the expunge); if that fails (a full disk:
 * NO [OVERQUOTA]) the mailbox stays selected with nothing lost, and the client may try again once there is room.
 * Then the mailbox is closed, which has nothing left to write and cannot fail.
 */
async function unselect(ctx: CommandContext, expunge: boolean): Promise<void> {
  const s = ctx.session;
  const sel = s.selected;
  if (!sel) return;
  if (!sel.readOnly) {
    // CLOSE expunges silently: no untagged EXPUNGE responses (RFC 3501 §6.4.2).
    if (expunge) await sel.box.expunge();
    else await sel.box.checkpoint();
  }
  s.selected = null;
  s.state = 'authenticated';
  try {
    await sel.box.close();
  } catch (e) {
    s.opts.logger.log('warning', `${sel.name}: closed without writing its last changes: ${String(e)}`);
  }
}

export const close = defineCommand({
  name: 'CLOSE', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  run: (ctx) => unselect(ctx, true),
});

export const unselectCmd = defineCommand({
  name: 'UNSELECT', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  run: (ctx) => unselect(ctx, false),
});

export const check = defineCommand({
  name: 'CHECK', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    await ctx.session.selected?.box.checkpoint();
  },
});

export const expunge = defineCommand({
  name: 'EXPUNGE', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    const sel = ctx.session.selected;
    if (!sel) return;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    await sel.box.expunge();
  },
});

export const uidExpunge = defineCommand({
  name: 'UID EXPUNGE', states: ['selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const set = a.seqSet();
    a.end();
    return set;
  },
  async run(ctx, set: SequenceSet) {
    const sel = ctx.session.selected;
    if (!sel) return;
    if (sel.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    const box = sel.box;
    const maxUid = box.count() ? box.meta(box.count()).uid : 0;
    const uids = new Set<number>();
    for (let seq = 1; seq <= box.count(); seq++) {
      const uid = box.meta(seq).uid;
      if (set.has(uid, maxUid)) uids.add(uid);
    }
    await box.expunge(uids);
  },
});
