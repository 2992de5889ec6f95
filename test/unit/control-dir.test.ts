/**
 * lib/mailbox/control-dir.ts: the directory's checks (made 0700; a link, a file, another owner, a group-writable
 * directory refused with one warning), the UIDVALIDITY counter (above the last value and the clock, never repeated,
 * also between concurrent callers), the file keys, and the clean-up of old files in journal_dir.
 */
import assert from 'node:assert/strict';
import {
  chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MemoryLogger } from '../../lib/env/logger.js';
import { ControlDir, expandControlDir } from '../../lib/mailbox/control-dir.js';
import { MboxDriver } from '../../lib/mailbox/mbox/mbox-driver.js';
import { fixedClock } from '../../lib/env/env.js';
import { DotlockRegistry } from '../../lib/lock/dotlock-registry.js';
import { dotlockHostFromProcess } from '../../lib/lock/dotlock-host.js';
import { createMailboxLocking } from '../../lib/lock/mailbox-locking.js';

const base = mkdtempSync(join(tmpdir(), 'control-dir-'));
after(() => rmSync(base, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;
let n = 0;
const fresh = (): string => join(base, `c${n++}`);

function control(path: string | null, legacyDir?: string): { c: ControlDir; log: MemoryLogger } {
  const log = new MemoryLogger();
  return { c: new ControlDir({ path, uid, logger: log, ...(legacyDir ? { legacyDir } : {}) }), log };
}

describe('control_dir expansion', () => {
  it('puts in the home and the user name', () => {
    assert.equal(expandControlDir('%h/.uwimap-ts', { name: 'ann', home: '/home/ann/' }), '/home/ann/.uwimap-ts');
    assert.equal(expandControlDir('/var/lib/uwimap/%u/%%', { name: 'ann', home: '' }), '/var/lib/uwimap/ann/%');
  });
  it('gives none without a home (empty, or /)', () => {
    assert.equal(expandControlDir('%h/.uwimap-ts', { name: 'ann', home: '' }), null);
    assert.equal(expandControlDir('%h/.uwimap-ts', { name: 'ann', home: '/' }), null);
  });
});

describe('the directory', () => {
  it('is made 0700 on first use, and used', () => {
    const p = fresh();
    const { c, log } = control(p);
    assert.equal(existsSync(p), false, 'not made before it is used');
    assert.equal(c.dir(), p);
    assert.equal((statSync(p).mode & 0o7777).toString(8), '700');
    assert.deepEqual(log.lines, []);
  });

  const refused: [string, (p: string) => void, RegExp][] = [
    ['a symbolic link', (p) => {
      mkdirSync(`${p}.real`, 0o700);
      symlinkSync(`${p}.real`, p);
    }, /is a symbolic link/],
    ['a file', (p) => writeFileSync(p, ''), /is not a directory/],
    ['group-writable', (p) => {
      mkdirSync(p);
      chmodSync(p, 0o770);
    }, /writable by group or others \(mode 770\)/],
    ['other-writable', (p) => {
      mkdirSync(p);
      chmodSync(p, 0o1777);
    }, /writable by group or others/],
  ];
  for (const [what, make, why] of refused) {
    it(`is refused when ${what}, with one warning, and nothing is written there`, async () => {
      const p = fresh();
      make(p);
      const { c, log } = control(p);
      assert.equal(c.dir(), null);
      assert.equal(c.dir(), null);
      assert.equal(c.fileFor('pop3', '/var/mail/ann'), null);
      const v = await c.nextUidValidity(1_800_000_000, 5);
      assert.equal(v, 1_800_000_000, 'the clock without the directory');
      assert.equal(log.lines.length, 1, JSON.stringify(log.lines));
      assert.equal(log.lines[0]?.level, 'warning');
      assert.match(log.lines[0]?.message ?? '', why);
      assert.equal(existsSync(join(p, 'uidvalidity')), false);
    });
  }

  it('is refused when owned by another user', { skip: uid !== 0 && 'needs root to give a directory away' }, () => {
    const p = fresh();
    mkdirSync(p, 0o700);
    chownSync(p, 65534, 65534);
    const { c, log } = control(p);
    assert.equal(c.dir(), null);
    assert.match(log.lines[0]?.message ?? '', /owned by uid 65534/);
  });

  it('is refused without a home, and when it cannot be made', () => {
    const a = control(null);
    assert.equal(a.c.dir(), null);
    assert.match(a.log.lines[0]?.message ?? '', /no home directory/);
    const b = control(join(base, 'missing-parent', 'ctl'));
    assert.equal(b.c.dir(), null);
    assert.match(b.log.lines[0]?.message ?? '', /cannot be made \(ENOENT\)/);
  });
});

describe('UIDVALIDITY counter', () => {
  it('is never below the clock, and never repeats within one second', async () => {
    const { c } = control(fresh());
    const now = 1_800_000_000;
    const a = await c.nextUidValidity(now);
    const b = await c.nextUidValidity(now);
    const d = await c.nextUidValidity(now - 100);
    assert.deepEqual([a, b, d], [now, now + 1, now + 2]);
    assert.equal(await c.nextUidValidity(now + 50), now + 50, 'the clock again once it is ahead');
    assert.equal(await c.nextUidValidity(now, now + 70), now + 70, 'never below the floor');
  });

  it('is shared by every session of the user, concurrent ones included', async () => {
    const p = fresh();
    const sessions = Array.from({ length: 4 }, () => control(p).c);
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => (sessions[i % 4] as ControlDir).nextUidValidity(1_800_000_000)));
    assert.equal(new Set(got).size, got.length, 'all different');
    assert.equal(Math.max(...got), 1_800_000_039);
    assert.equal(readFileSync(join(p, 'uidvalidity'), 'latin1'), '1800000039\n');
    assert.equal((statSync(join(p, 'uidvalidity')).mode & 0o777).toString(8), '600');
  });

  it('restarts from the clock when the file holds garbage', async () => {
    const p = fresh();
    const { c } = control(p);
    c.dir();
    writeFileSync(join(p, 'uidvalidity'), 'not a number\n');
    assert.equal(await c.nextUidValidity(1_800_000_000), 1_800_000_000);
  });
});

describe('files and old files', () => {
  it('keys files by the mailbox path, not its inode', () => {
    const p = fresh();
    const { c } = control(p);
    const a = c.fileFor('pop3', '/var/mail/ann');
    assert.match(a ?? '', new RegExp(`^${p}/pop3\\.[0-9a-f]{32}$`));
    assert.notEqual(c.fileFor('pop3', '/var/mail/bob'), a);
    assert.equal(c.fileFor('recent', '/var/mail/ann'), a?.replace('/pop3.', '/recent.'));
    assert.equal(c.fileFor('pop3', '/var/mail/ann'), a);
  });

  it("removes the user's old uwimap-ts.*.pop3 and .recent files, not journals, links or other names", () => {
    const legacy = fresh();
    mkdirSync(legacy);
    const names = ['uwimap-ts.1.2.pop3', 'uwimap-ts.1.3.recent', 'uwimap-ts.1.4.journal', 'uwimap-ts.x.pop3', 'other'];
    for (const f of names) writeFileSync(join(legacy, f), '');
    writeFileSync(join(legacy, 'target'), 'keep');
    symlinkSync(join(legacy, 'target'), join(legacy, 'uwimap-ts.1.5.pop3'));
    control(fresh(), legacy).c.dir();
    for (const f of ['uwimap-ts.1.2.pop3', 'uwimap-ts.1.3.recent']) assert.equal(existsSync(join(legacy, f)), false, f);
    for (const f of ['uwimap-ts.1.4.journal', 'uwimap-ts.x.pop3', 'other', 'uwimap-ts.1.5.pop3']) assert.ok(existsSync(join(legacy, f)), f);
    assert.equal(readFileSync(join(legacy, 'target'), 'latin1'), 'keep');
  });

  it("leaves another user's old files", { skip: uid !== 0 && 'needs root to give a file away' }, () => {
    const legacy = fresh();
    mkdirSync(legacy);
    writeFileSync(join(legacy, 'uwimap-ts.1.2.pop3'), '');
    chownSync(join(legacy, 'uwimap-ts.1.2.pop3'), 65534, 65534);
    control(fresh(), legacy).c.dir();
    assert.ok(existsSync(join(legacy, 'uwimap-ts.1.2.pop3')));
  });
});

describe('with the mbox driver', () => {
  const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
  const driverWith = (ctl: ControlDir | undefined, journalDir = base): MboxDriver => new MboxDriver({
    journalDir, fsync: false, ...(ctl ? { control: ctl } : {}),
    env: { clock: fixedClock(T0), hostname: 'mail.example.org', username: 'alice', logger: new MemoryLogger() },
  });
  const validity = async (d: MboxDriver, path: string): Promise<number> => (await d.status(path)).uidValidity;

  it('CREATE after DELETE within one second gets another UIDVALIDITY; without the directory it does not', async () => {
    const box = join(base, `box${n++}`);
    const d = driverWith(control(fresh()).c);
    await d.create(box);
    const a = await validity(d, box);
    await d.remove(box);
    await d.create(box);
    const b = await validity(d, box);
    assert.equal(a, T0 / 1000);
    assert.equal(b, T0 / 1000 + 1);
    const plain = driverWith(undefined);
    await plain.remove(box);
    await plain.create(box);
    const c = await validity(plain, box);
    await plain.remove(box);
    await plain.create(box);
    assert.equal(await validity(plain, box), c, 'the clock alone repeats (what the counter is for)');
  });

  it('a mailbox without UID data gets its UIDVALIDITY from the counter, and keeps a value it has', async () => {
    const ctl = control(fresh()).c;
    await ctl.nextUidValidity(T0 / 1000 + 10);
    const box = join(base, `box${n++}`);
    writeFileSync(box, 'From a@example.org Sat Nov 21 12:00:00 2026\nSubject: x\n\nhi\n\n');
    const d = driverWith(ctl);
    const open = await d.open(box, { readOnly: false });
    assert.equal(open.uidValidity, T0 / 1000 + 11);
    await open.close();
    assert.equal(await validity(d, box), T0 / 1000 + 11, 'written at once, kept');
  });

  it('\\Recent claims go to the control directory, none without it', async () => {
    const p = fresh();
    const ctl = control(p).c;
    const box = join(base, `box${n++}`);
    writeFileSync(box, 'From a@example.org Sat Nov 21 12:00:00 2026\nSubject: x\n\nhi\n\n');
    const first = await driverWith(ctl).open(box, { readOnly: false });
    assert.equal(first.meta(1).recent, true);
    const claim = ctl.fileFor('recent', box) ?? '';
    assert.match(readFileSync(claim, 'latin1'), new RegExp(`^1 \\d+ ${box}\\n$`));
    const second = await driverWith(ctl).open(box, { readOnly: false });
    assert.equal(second.meta(1).recent, false, 'claimed by the first session');
    await second.close();
    await first.close();
  });
});

describe('two sessions opening a mailbox without UID data at once', () => {
  it('agree on one UIDVALIDITY (the one written first), and neither fails', async () => {
    const ctl = control(fresh()).c;
    const locking = createMailboxLocking({
      registry: new DotlockRegistry(), host: dotlockHostFromProcess(process, 'test'),
      timeoutMs: 5000, writeOrder: ['flock'], readOrder: ['flock'],
    });
    const box = join(base, `box${n++}`);
    writeFileSync(box, Array.from({ length: 200 }, (_, i) =>
      `From a@example.org Sat Nov 21 12:00:00 2026\nSubject: ${i}\n\n${'x'.repeat(2000)}\n\n`).join(''));
    const d = new MboxDriver({ fsync: false, control: ctl, locking, journalDir: base });
    const [a, b] = await Promise.all([d.open(box, { readOnly: false }), d.open(box, { readOnly: false })]);
    assert.equal(a.uidValidity, b.uidValidity);
    await a.sync();
    await b.sync();
    assert.equal((await d.status(box)).uidValidity, a.uidValidity);
    await a.close();
    await b.close();
  });
});
