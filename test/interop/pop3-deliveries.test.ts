/**
 * Mail delivered while POP3 sessions run: `mailtool append`, `dotlockfile` + plain append, and UW's `dmail` keep
 * delivering into one maildrop while POP3 sessions (Python's poplib against the real bin/ipop3d) retrieve
 * everything, DELE it and QUIT, round after round. Every delivered message is retrieved exactly once, and none is
 * lost: what a session did not see stays for the next.
 */
import assert from 'node:assert/strict';
import { chownSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { POPLIB_PRELUDE } from './poplib.js';
import { dmailDeliver, dotlockfileAppend, makeSandbox, putSandboxFile, runInSandbox, type Sandbox } from './oracles.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const IPOP3D = join(ROOT, 'bin', 'ipop3d');
const MAILTOOL = join(ROOT, 'bin', 'mailtool');

/** One POP3 session that retrieves every message, DELEs it and QUITs; prints the Message-IDs it got. */
const DRAIN = `${POPLIB_PRELUDE}ids = []
n = c.stat()[0]
for i in range(1, n + 1):
    lines = c.retr(i)[1]
    text = b'\\n'.join(lines).decode('latin1')
    m = re.search(r'^Message-ID: <([^>]+)>', text, re.M)
    end = re.search(r'^END (\\S+)$', text, re.M)
    ids.append([m.group(1) if m else None, end.group(1) if end else None])
    c.dele(i)
c.quit()
p.wait()
print(json.dumps(ids))
`;

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox();
});
after(async () => {
  await sb.cleanup();
});

function message(id: string): string {
  return `From: ${id}@example.org\nSubject: ${id}\nMessage-ID: <${id}@test>\n\nbody of ${id}\nFrom the middle of ${id}\nEND ${id}\n`;
}

describe('deliveries during POP3 sessions', () => {
  it('every message is retrieved exactly once over many rounds', { timeout: 240_000 }, async () => {
    const box = join(sb.dir, 'maildrop');
    await putSandboxFile(sb, box, '');
    const delivered: string[] = [];
    let stop = false;
    const deliverer = async (kind: string, deliver: (id: string) => Promise<unknown>): Promise<void> => {
      for (let i = 0; !stop && i < 40; i++) {
        const id = `${kind}-${i}`;
        await deliver(id);
        delivered.push(id);
      }
    };
    const streams: Promise<void>[] = [
      deliverer('mt', async (id) => {
        const f = join(sb.dir, `${id}.eml`);
        writeFileSync(f, message(id));
        chownSync(f, sb.uid, sb.gid);
        const r = await runInSandbox(sb, [MAILTOOL, '-c', '/dev/null', 'append', box, f], { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }, timeoutMs: 60_000 });
        assert.equal(r.code, 0, r.stderr);
      }),
      deliverer('dl', (id) => dotlockfileAppend(sb, box, message(id), { from: `${id}@example.org` })),
      deliverer('dm', (id) => dmailDeliver(sb, box, message(id))),
    ];
    const retrieved: string[] = [];
    const drain = async (): Promise<void> => {
      const r = await runInSandbox(sb, ['python3', '-c', DRAIN, IPOP3D, `${dirname(process.execPath)}:/usr/bin:/bin`, box],
        { timeoutMs: 60_000 });
      assert.equal(r.code, 0, `poplib session failed: ${r.stderr}`);
      for (const [mid, end] of JSON.parse(r.stdout.toString('utf8')) as [string | null, string | null][]) {
        assert.ok(mid && end && mid === `${end}@test`, `a torn message: ${mid} / ${end}`);
        retrieved.push(end);
      }
    };
    // At least 12 rounds, and rounds for as long as the delivery agents are still delivering: the sessions must
    // overlap the deliveries however fast either side is (a faster server start-up once left most deliveries after
    // the last round).
    let delivering = streams.length;
    for (const s of streams) void s.then(() => delivering--, () => delivering--);
    const sessions = (async () => {
      for (let round = 0; round < 12 || (delivering > 0 && round < 400); round++) {
        await drain();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await sessions;
    } finally {
      stop = true;
      await Promise.allSettled(streams);
    }
    await Promise.all(streams);
    await drain(); // what arrived after the last round
    const counts = new Map<string, number>();
    for (const id of retrieved) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    assert.deepEqual(twice, [], 'retrieved twice');
    assert.deepEqual([...counts.keys()].sort(), [...delivered].sort(), 'every delivery retrieved');
    assert.ok(delivered.length >= 30, `only ${delivered.length} deliveries happened`);
  });
});
