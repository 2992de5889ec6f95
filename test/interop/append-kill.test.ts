/**
 * Appends killed for real: APPEND (one large message), MULTIAPPEND (three), COPY (a whole mailbox) through
 * test/fixtures/appender.ts, and `mailtool append` (the program a delivery agent runs), each run as the mailbox's
 * owner with the real locks and sent SIGKILL at moments spread over the store (mid-write included). After every kill
 * a delivery agent (procmail or dotlockfile + append, alternately) appends a message right after whatever the killed
 * writer left, having broken its stale dotlock as agents do after their timeout: the hardest case, a fragment with
 * later mail behind it. The next open by our driver must leave every message whole or absent (the command's
 * messages all or none), the agent's and the earlier messages intact and exactly once, no intent record or journal
 * behind, and UW's `mailutil check` must count what we count.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import {
  dotlockfileAppend, makeSandbox, procmailDeliver, putSandboxFile, uwCheck, type Sandbox,
} from './oracles.js';
import { message, servedBody } from './kill-messages.js';

const root = join(import.meta.dirname, '..', '..', '..');
const appender = join(root, 'dist', 'test', 'fixtures', 'appender.js');
const mailtool = join(root, 'bin', 'mailtool');

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

/**
 * Runs argv as the sandbox user; with `killAt`, SIGKILLs it that many ms after `marker` appears on its stdout (or,
 * with `{ lock }`, after that dotlock file is created: the writer has started). `ms`: from that moment to the exit.
 */
function runKilled(argv: string[], marker: string | { lock: string }, killAt: number | null): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv as [string, ...string[]];
    let watcher: FSWatcher | null = null;
    let out = '';
    let err = '';
    let started = 0;
    const start = (): void => {
      if (started) return;
      started = performance.now();
      watcher?.close();
      if (killAt !== null) setTimeout(() => child.kill('SIGKILL'), killAt);
    };
    if (typeof marker !== 'string') {
      const name = basename(marker.lock);
      watcher = watch(dirname(marker.lock), (_e, f) => {
        if (f === name) start();
      });
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], uid: sb.uid, gid: sb.gid, cwd: sb.dir });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (typeof marker === 'string' && out.includes(marker)) start();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      watcher?.close();
      const ms = started ? performance.now() - started : 0;
      if (signal === 'SIGKILL') resolve({ killed: true, ms });
      else if (code === 0) resolve({ killed: false, ms });
      else reject(new Error(`${argv.join(' ')} exited ${code} ${signal}: ${err}`));
    });
  });
}

/**
 * Opens the mailbox with our driver (which takes out what a killed writer left), reads every message and checks it
 * against `known` (id to message text). Returns the ids in file order.
 */
async function openAndRead(path: string, known: Map<string, string>): Promise<string[]> {
  const box = await new MboxDriver({ journalDir: sb.dir, legacyJournalDir: control() }).open(path, { readOnly: false });
  try {
    const ids: string[] = [];
    for (let seq = 1; seq <= box.count(); seq++) {
      const header = (await box.header(seq)).toString('latin1');
      const m = /^Message-ID: <([^@>]+)@kill\.test>/mi.exec(header);
      assert.ok(m?.[1], `message ${seq} has no known Message-ID (a fragment?): ${header.slice(0, 200)}`);
      const id = m[1];
      const text = known.get(id);
      assert.ok(text !== undefined, `unknown message ${id}`);
      const parts: Buffer[] = [];
      for await (const c of box.text(seq).chunks()) parts.push(Buffer.from(c));
      assert.ok(Buffer.concat(parts).toString('latin1') === servedBody(text), `message ${seq} (${id}) is not whole`);
      ids.push(id);
    }
    return ids;
  } finally {
    await box.close();
  }
}

interface Mode {
  readonly name: string;
  /** The messages the command stores (all or none). */
  readonly ours: Map<string, string>;
  /** argv of the writer, and the stdout marker its store starts at (`lock`: when it takes the dotlock). */
  argv(path: string): string[];
  readonly marker: string | 'lock';
}

async function modes(): Promise<Mode[]> {
  const files = async (tag: string, count: number, kb: number): Promise<{ ours: Map<string, string>; paths: string[] }> => {
    const ours = new Map<string, string>();
    const paths: string[] = [];
    for (let i = 1; i <= count; i++) {
      const id = `${tag}-${i}`;
      const text = message(id, kb);
      ours.set(id, text);
      paths.push(await putSandboxFile(sb, join('msgs', id), text));
    }
    return { ours, paths };
  };
  const one = await files('append', 1, 4 * 1024);
  const multi = await files('multi', 3, 2 * 1024);
  const tool = await files('tool', 1, 4 * 1024);
  // COPY's source: 600 messages of 8 KB (three reservations of 256 messages at most: all or none still).
  const copied = new Map<string, string>();
  let src = '';
  for (let i = 1; i <= 600; i++) {
    const id = `copy-${i}`;
    const text = message(id, 8);
    copied.set(id, text);
    src += `From source@kill.test Sat Nov 21 12:00:00 2026\n${text.replace(/^From /gm, '>From ')}\n`;
  }
  const srcPath = await putSandboxFile(sb, 'source', src);
  return [
    { name: 'APPEND', ours: one.ours, marker: 'appending', argv: (p) => [process.execPath, appender, 'append', p, sb.dir, ...one.paths] },
    { name: 'MULTIAPPEND', ours: multi.ours, marker: 'appending', argv: (p) => [process.execPath, appender, 'append', p, sb.dir, ...multi.paths] },
    { name: 'COPY', ours: copied, marker: 'appending', argv: (p) => [process.execPath, appender, 'copy', p, sb.dir, srcPath] },
    { name: 'mailtool append', ours: tool.ours, marker: 'lock', argv: (p) => [mailtool, '-c', '/dev/null', 'append', '--journal-dir', sb.dir, '--control-dir', control(), p, ...tool.paths] },
  ];
}

/**
 * The sandbox user's control directory as mailtool is told it (made by mailtool, mode 0700): its records go there,
 * the in-process appender's to sb.dir (journal_dir), and the opener looks in both, as the programs do.
 */
function control(): string {
  return join(sb.dir, 'control');
}

function leftovers(): string[] {
  const listed = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);
  return [...listed(sb.dir), ...listed(control())].filter((f) => f.endsWith('.append') || f.endsWith('.journal'));
}

describe('appends killed with SIGKILL', () => {
  it('leave every message whole or absent, with later deliveries intact', { timeout: 300_000 }, async () => {
    const all = await modes();
    // Five earlier messages, indexed once (UIDs and metadata written) so that they are what the writer appends after.
    const initial = new Map<string, string>();
    let text = '';
    for (let i = 1; i <= 5; i++) {
      const id = `initial-${i}`;
      initial.set(id, message(id, 2));
      text += `From init@kill.test Sat Nov 21 11:00:0${i} 2026\n${(initial.get(id) as string).replace(/^From /gm, '>From ')}\n`;
    }
    const path = await putSandboxFile(sb, 'box', text);
    const prime = await new MboxDriver({ journalDir: sb.dir }).open(path, { readOnly: false });
    await prime.close();
    const pristine = join(sb.dir, 'pristine');
    copyFileSync(path, pristine);
    for (const mode of all) {
      const known = new Map([...initial, ...mode.ours]);
      // One uninterrupted run: how long the store takes.
      copyFileSync(pristine, path);
      const whole = await runKilled(mode.argv(path), mode.marker === 'lock' ? { lock: `${path}.lock` } : mode.marker, null);
      assert.deepEqual((await openAndRead(path, known)).filter((id) => mode.ours.has(id)), [...mode.ours.keys()]);
      const span = whole.ms;
      let rounds = 0;
      let fragments = 0;
      let killed = 0;
      const hits: number[] = [];
      const first = 12;
      while (rounds < first || (fragments < 5 && rounds < 30)) {
        const lo = hits.length ? Math.min(...hits) * 0.8 : 0;
        const hi = hits.length ? Math.max(...hits) * 1.2 : span;
        const at = rounds < first ? (span * rounds) / first : lo + ((hi - lo) * ((rounds * 7) % 23)) / 22;
        rounds++;
        copyFileSync(pristine, path);
        const r = await runKilled(mode.argv(path), mode.marker === 'lock' ? { lock: `${path}.lock` } : mode.marker, at);
        if (r.killed) killed++;
        const record = leftovers().some((f) => f.endsWith('.append'));
        if (record) {
          fragments++;
          hits.push(at);
        }
        // The killed writer's dotlock is stale: a delivery agent breaks it after its timeout; do it at once here.
        if (existsSync(`${path}.lock`)) rmSync(`${path}.lock`);
        // A delivery right behind whatever the writer left.
        const agentId = `agent-${rounds}`;
        const agentText = message(agentId, 3);
        known.set(agentId, agentText);
        if (rounds % 2) await procmailDeliver(sb, path, agentText, { from: 'agent@kill.test' });
        else await dotlockfileAppend(sb, path, agentText, { from: 'agent@kill.test' });
        const ids = await openAndRead(path, known);
        const where = `${mode.name} killed ${at.toFixed(1)} ms in (round ${rounds}, record ${record})`;
        assert.deepEqual(ids.filter((id) => initial.has(id)), [...initial.keys()], `${where}: earlier messages intact`);
        assert.deepEqual(ids.filter((id) => id === agentId), [agentId], `${where}: the delivery kept, once`);
        const mine = ids.filter((id) => mode.ours.has(id));
        assert.ok(mine.length === 0 || mine.join() === [...mode.ours.keys()].join(), `${where}: all or none of the command's messages, got ${mine.length}`);
        if (!r.killed) assert.equal(mine.length, mode.ours.size, `${where}: a finished store keeps its messages`);
        assert.equal(ids.length, initial.size + 1 + mine.length, `${where}: nothing else`);
        assert.deepEqual(leftovers(), [], `${where}: no record or journal left`);
        const uw = await uwCheck(sb, path);
        assert.equal(uw.messages, ids.length, `${where}: mailutil check counts ${uw.messages}, we ${ids.length}`);
      }
      assert.ok(killed >= rounds / 2, `${mode.name}: only ${killed} of ${rounds} runs were killed`);
      assert.ok(fragments >= 5, `${mode.name}: only ${fragments} of ${rounds} kills left an append to take out`);
    }
  });
});
