/**
 * Real POP3 clients against the real bin/ipop3d, started the way clients start it when run by the user (no login):
 * Debian's fetchmail through its `plugin` option (with and without --keep; UIDL stable across sessions, nothing
 * fetched twice), and Python's poplib over a socket pair.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { POPLIB_PRELUDE } from './poplib.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const IPOP3D = join(ROOT, 'bin', 'ipop3d');
const NOBODY = 65534;
if (process.getuid?.() !== 0) throw new Error('these tests run the clients as nobody: run them as root');

const dir = mkdtempSync(join(tmpdir(), 'pop3-clients-'));
chownSync(dir, NOBODY, NOBODY);
after(() => rmSync(dir, { recursive: true, force: true }));

const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const asNobody = (argv: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> =>
  run('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', ...Object.entries({ PATH, ...env }).map(([k, v]) => `${k}=${v}`), ...argv],
    { timeout: 120_000 });

function freshMaildrop(name: string): string {
  const path = join(dir, name);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'sample.mbox'), path);
  chownSync(path, NOBODY, NOBODY);
  return path;
}

async function uidsOf(path: string): Promise<number[]> {
  const box = await new MboxDriver({ journalDir: dir }).open(path, { readOnly: true });
  const uids = Array.from({ length: box.count() }, (_, i) => box.meta(i + 1).uid);
  await box.close();
  return uids;
}

describe('fetchmail (plugin)', () => {
  async function fetch(maildrop: string, out: string, keep: boolean): Promise<string[]> {
    const rc = join(dir, `fetchmailrc-${keep}`);
    writeFileSync(rc, `set no syslog\nset logfile "${join(dir, 'fetchmail.log')}"\n` +
      `poll localhost protocol pop3 plugin "${IPOP3D}" auth ssh uidl\n` +
      `  user nobody ${keep ? 'keep' : 'nokeep'} sslproto "" mda "/bin/sh -c 'cat > ${out}/msg.$$'"\n`, { mode: 0o600 });
    chownSync(rc, NOBODY, NOBODY);
    const before = new Set(readdirSync(out));
    const messages = (): string[] => readdirSync(out).filter((f) => f.startsWith('msg.') && !before.has(f));
    try {
      // fetchmail's UIDL memory (.fetchids) lives beside the output: each test is a different client.
      await asNobody(['fetchmail', '-f', rc, '--nodetach', '--nosyslog'], { HOME: out, MAIL: maildrop, FETCHMAILHOME: out });
    } catch (e) {
      // fetchmail exits 1 when there was no mail to fetch.
      if ((e as { code?: number }).code !== 1) throw e;
    }
    return messages().map((f) => readFileSync(join(out, f), 'latin1'));
  }

  it('fetches every message once, keeps them with --keep, and does not fetch them again (UIDL)', async () => {
    const maildrop = freshMaildrop('fm-keep');
    const out = mkdtempSync(join(dir, 'out-'));
    chownSync(out, NOBODY, NOBODY);
    const first = await fetch(maildrop, out, true);
    assert.equal(first.length, 4);
    assert.ok(first.some((m) => m.includes('Subject: Lunch on Thursday?') && m.includes('From what I hear the soup is good.')));
    assert.deepEqual(await uidsOf(maildrop), [1, 3, 4, 5], 'kept on the server');
    const again = await fetch(maildrop, out, true);
    assert.deepEqual(again, [], 'nothing fetched twice');
  });

  it('without --keep, deletes what it fetched; mail delivered later is fetched next time', async () => {
    const maildrop = freshMaildrop('fm-nokeep');
    const out = mkdtempSync(join(dir, 'out-'));
    chownSync(out, NOBODY, NOBODY);
    assert.equal((await fetch(maildrop, out, false)).length, 4);
    assert.deepEqual(await uidsOf(maildrop), []);
    writeFileSync(join(dir, 'late.eml'), 'From: late@example.org\nSubject: late\n\nlate body\n');
    await run(join(ROOT, 'bin', 'mailtool'), ['-c', '/dev/null', 'append', '--journal-dir', dir, '--control-dir', join(dir, 'control'), maildrop, join(dir, 'late.eml')], { timeout: 60_000 });
    chownSync(maildrop, NOBODY, NOBODY);
    const late = await fetch(maildrop, out, false);
    assert.equal(late.length, 1);
    assert.match(late[0] ?? '', /Subject: late/);
  });
});

describe('Python poplib', () => {
  it('STAT, LIST, UIDL, RETR, TOP, DELE, QUIT through poplib over a socket pair', async () => {
    const maildrop = freshMaildrop('py');
    const script = `${POPLIB_PRELUDE}out = {'welcome': c.getwelcome().decode(), 'stat': c.stat(), 'list': [x.decode() for x in c.list()[1]],
       'uidl': [x.decode() for x in c.uidl()[1]], 'capa': sorted(c.capa().keys())}
resp, lines, octets = c.retr(1)
out['retr'] = [resp.decode(), octets, lines[-1].decode()]
out['top'] = [l.decode() for l in c.top(2, 0)[1]][-2:]
c.dele(2)
out['quit'] = c.quit().decode()
p.wait()
print(json.dumps(out))
`;
    const { stdout } = await asNobody(['python3', '-c', script, IPOP3D, PATH, maildrop], { HOME: dir });
    const r = JSON.parse(stdout) as Record<string, unknown>;
    assert.match(r.welcome as string, /^\+OK POP3 \S+ 2007f\.ts-\S+ server ready$/);
    assert.deepEqual(r.stat, [4, 1834]);
    assert.deepEqual(r.list, ['1 411', '2 679', '3 370', '4 374']);
    assert.deepEqual(r.uidl, ['1 6ae8511000000001', '2 6ae8511000000003', '3 6ae8511000000004', '4 6ae8511000000005']);
    assert.deepEqual(r.capa, ['AUTH-RESP-CODE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'TOP', 'UIDL']);
    assert.deepEqual(r.retr, ['+OK 411 octets', 411, 'Alice']);
    assert.deepEqual(r.top, ['Status: RO', '']);
    assert.equal(r.quit, '+OK Sayonara');
    assert.deepEqual(await uidsOf(maildrop), [1, 4, 5]);
  });
});
