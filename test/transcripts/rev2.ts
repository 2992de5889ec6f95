/**
 * Every IMAP transcript once more in IMAP4rev2 sessions (RFC 9051): each session sends `ENABLE IMAP4rev2` right after
 * its PREAUTH greeting, and what it expects is rewritten by RFC 9051's differences from IMAP4rev1, which are few and
 * mechanical (Appendix E):
 *
 * - no RECENT response and no `\Recent` among a message's FLAGS;
 * - SELECT and EXAMINE send no `OK [UNSEEN n]`, and a LIST response for the mailbox (§6.3.2), expected here after
 *   PERMANENTFLAGS, where imapd sends it (its exact form is imap4rev2.t's to check);
 * - SEARCH and UID SEARCH answer `* ESEARCH (TAG "t") [UID] [ALL set] [MODSEQ n]` instead of `* SEARCH` (§6.4.4).
 *
 * - STATUS (and LIST's RETURN (STATUS)) asks for no RECENT, which IMAP4rev2 does not have: the client's RECENT is
 *   taken out of what it sends and out of the STATUS responses it expects.
 *
 * So an extension's transcript shows it works the same in both revisions. A transcript that cannot be replayed says
 * why with a `no rev2 replay: REASON` line (it is about \Recent, or names mailboxes in modified UTF-7, which a rev2
 * client never sends); one whose session does not start with its PREAUTH greeting cannot be replayed and is an
 * error.
 */
import type { Step, Transcript } from './runner.js';

const ENABLE_TAG = 'rev2';

/** `1,3:5` for [1, 3, 4, 5]: sequence-set as ESEARCH's ALL writes it (RFC 4731 §3.1). */
function compressed(nums: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && (nums[j + 1] as number) === (nums[j] as number) + 1) j++;
    out.push(i === j ? `${nums[i]}` : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** The rev2 form of a `* SEARCH n n (MODSEQ m)` pattern of the command `tag`, or an error naming the line. */
function esearch(pattern: string, tag: string, uid: boolean, where: string): string {
  const m = /^\* SEARCH((?: \d+)*)(?: \(MODSEQ (\S+)\))?$/.exec(pattern);
  if (!m) throw new Error(`${where}: cannot turn ${JSON.stringify(pattern)} into ESEARCH (mark the transcript "rev1 only:")`);
  const nums = (m[1] as string).trim().split(' ').filter(Boolean).map(Number);
  return `* ESEARCH (TAG "${tag}")${uid ? ' UID' : ''}${nums.length ? ` ALL ${compressed(nums)}` : ''}` +
    `${m[2] !== undefined ? ` MODSEQ ${m[2]}` : ''}`;
}

/** A FETCH pattern with `\Recent` taken out of its FLAGS list. */
function withoutRecent(pattern: string): string {
  return pattern.replace(/\(\\Recent\)/g, '()').replace(/ \\Recent\b/g, '').replace(/\\Recent /g, '');
}

/** A client line of STATUS or LIST with RECENT taken out of its status attributes. */
function statusWithoutRecent(text: string): string {
  if (!/\bSTATUS\b/i.test(text)) return text;
  return text.replace(/ RECENT(?=[ )])/gi, '').replace(/\(RECENT /gi, '(');
}

/** The transcript as IMAP4rev2 sessions run it; throws when it cannot be (see the module's comment). */
export function asRev2(t: Transcript, name: string): Transcript {
  const steps: Step[] = [];
  const seen = new Set<number>();
  const greeted = new Set<number>();
  const enabled = new Set<number>();
  // Per session: the commands sent and not yet answered, by tag, with their verb.
  const open = new Map<number, { tag: string; verb: string }[]>();
  const pending = (s: number): { tag: string; verb: string }[] => {
    let l = open.get(s);
    if (!l) open.set(s, (l = []));
    return l;
  };
  const enable = (session: number): void => {
    if (enabled.has(session)) return;
    enabled.add(session);
    steps.push({ kind: 'send', session, text: `${ENABLE_TAG} ENABLE IMAP4rev2`, eol: '\r\n' });
  };
  for (const step of t.steps) {
    // The ENABLE goes before the session's first command, so it is answered first, right after the greeting.
    if (!seen.has(step.session)) {
      seen.add(step.session);
      if (step.kind === 'send') enable(step.session);
      else if (step.kind !== 'expect' || !step.pattern.startsWith('* PREAUTH')) {
        throw new Error(`${name}: session ${step.session} does not begin with its PREAUTH greeting`);
      }
    }
    if (step.kind === 'send') {
      // A command's first line: tag, then the verb (UID's command after it). Literal data lines may look like one;
      // they only ever add a tag that no tagged response closes.
      const m = /^(\S+) (UID )?([A-Za-z]+)/.exec(step.text);
      if (m) pending(step.session).push({ tag: m[1] as string, verb: `${m[2] ?? ''}${(m[3] as string).toUpperCase()}` });
      steps.push({ ...step, text: statusWithoutRecent(step.text) });
      continue;
    }
    if (step.kind !== 'expect') {
      steps.push(step);
      continue;
    }
    const p = step.pattern;
    const where = `${name}:${step.line}`;
    const cmds = pending(step.session);
    if (/^\* (\d+|\$[A-Za-z_]\w*) RECENT$/.test(p) || p.startsWith('* OK [UNSEEN ')) continue;
    if (p.startsWith('* STATUS ')) {
      steps.push({ ...step, pattern: p.replace(/ RECENT \d+/g, '').replace(/\(RECENT \d+ /g, '(') });
      continue;
    }
    if (p.startsWith('* SEARCH')) {
      const cmd = cmds.find((c) => c.verb === 'SEARCH' || c.verb === 'UID SEARCH');
      if (!cmd) throw new Error(`${where}: * SEARCH with no SEARCH command open`);
      steps.push({ ...step, pattern: esearch(p, cmd.tag, cmd.verb === 'UID SEARCH', where) });
      continue;
    }
    steps.push(/FLAGS \(/.test(p) ? { ...step, pattern: withoutRecent(p) } : step);
    if (p.startsWith('* OK [PERMANENTFLAGS ') && cmds.some((c) => c.verb === 'SELECT' || c.verb === 'EXAMINE')) {
      steps.push({ ...step, pattern: '* LIST ($*) "/" $*' });
    }
    const tagged = /^(\S+) (OK|NO|BAD)\b/.exec(p);
    if (tagged) {
      const i = cmds.findIndex((c) => c.tag === tagged[1]);
      if (i >= 0) cmds.splice(i, 1);
    }
    if (!greeted.has(step.session)) {
      greeted.add(step.session);
      if (!step.pattern.startsWith('* PREAUTH')) throw new Error(`${where}: expected the PREAUTH greeting first`);
      enable(step.session);
      steps.push(
        { kind: 'expect', session: step.session, pattern: '* ENABLED IMAP4rev2', line: step.line },
        { kind: 'expect', session: step.session, pattern: `${ENABLE_TAG} OK ENABLE completed`, line: step.line },
      );
    }
  }
  return { ...t, steps };
}
