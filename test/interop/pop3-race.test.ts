/**
 * The real-client POP3 race of issue 13: mail delivered by UW's `dmail` and by `dotlockfile` + a plain append
 * while POP3 clients log in over TCP through xinetd (the shipped xinetd.d/pop3, bin/ipop3d started as root for
 * each connection, USER/PASS of a real Unix user, the privilege drop), RETR every message, DELE it and QUIT, round
 * after round. Every other round two sessions are opened at once: exactly one gets the maildrop, the other
 * `-ERR [IN-USE]`; no session is ever refused otherwise. An earlier build refused some with
 * `-ERR [SYS/TEMP] Can't open mailbox`: its POP3 lock files were named after the maildrop's device and inode in
 * the shared journal_dir (/var/tmp), where another user's file may have that name; the test plants one.
 *
 * Every delivered message is retrieved exactly once (by Message-ID), none is torn, none lost; UW's `mailutil
 * check` counts what POP3 is about to find; at the end the maildrop is empty, keeps its owner, group, mode and
 * inode, and nothing of the sessions is left in the spool, the journal directory or /var/tmp.
 *
 * Hermetic: the user, spool, configuration, syslog socket and xinetd are the harnesses' (inetd-harness.ts,
 * superserver-harness.ts); the deliveries run as the user in the spool (oracles.ts' `sandboxOver`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addUser, Client, dir, MAIL_GID, setup, spool, teardown, writeConfig } from './inetd-harness.js';
import { dmailDeliver, dotlockfileAppend, sandboxOver, type Sandbox, uwCheck } from './oracles.js';
import { freePorts, makePrograms, startXinetd, type Superserver } from './superserver-harness.js';

/** POP3 rounds while the deliveries run (issue 13: many, at least 20); every other one is a pair of sessions. */
const ROUNDS = 30;
/** Most messages one delivery stream makes (it stops earlier, when the rounds are over). */
const MAX_PER_STREAM = 400;
const PASSWORD = 'race-password';
/** Another user: the owner of the file planted where an earlier build kept its POP3 lock. */
const NOBODY = 65534;
const NOBODY_GID = 65534;

let xinetd: Superserver | null = null;
let sb: Sandbox | null = null;
const varTmpBefore = new Set(readdirSync('/var/tmp'));

before(async () => {
  await setup();
  makePrograms();
});
after(async () => {
  try {
    await xinetd?.stop();
    await sb?.cleanup();
  } finally {
    teardown();
  }
});

function message(id: string): string {
  return `From: ${id}@example.org\nSubject: ${id}\nMessage-ID: <${id}@test>\n\nbody of ${id}\nFrom the middle of ${id}\nEND ${id}\n`;
}

/** A POP3 connection through xinetd after USER/PASS: the client and the reply to PASS. */
interface Login {
  readonly c: Client;
  readonly reply: string;
}

async function login(port: number, user: string): Promise<Login> {
  const c = await Client.connect(port);
  try {
    assert.match((await c.line()) ?? '(closed)', /^\+OK POP3 /);
    assert.equal(await c.cmd(`USER ${user}`), '+OK User name accepted, password please');
    return { c, reply: (await c.cmd(`PASS ${PASSWORD}`)) ?? '(closed)' };
  } catch (e) {
    c.sock.destroy();
    throw e;
  }
}

/** Waits until the server has closed the connection (it says nothing more), then closes our end. */
async function closed(c: Client): Promise<void> {
  const more = await c.line();
  c.sock.destroy();
  assert.equal(more, null, 'the server closes the connection');
}

/** On a logged-in connection: RETR and DELE every message, QUIT. The Message-IDs (without `@test`) retrieved. */
async function drain(s: Login): Promise<string[]> {
  try {
    const m = /^\+OK Mailbox open, (\d+) messages$/.exec(s.reply);
    assert.ok(m, `refused: ${s.reply}`);
    const n = Number(m[1]);
    const ids: string[] = [];
    for (let i = 1; i <= n; i++) {
      assert.match((await s.c.cmd(`RETR ${i}`)) ?? '(closed)', /^\+OK \d+ octets$/);
      const lines = await s.c.multi();
      const mid = lines.map((l) => /^Message-ID: <([^>]+)@test>$/.exec(l)?.[1]).find((x) => x !== undefined);
      const end = lines.map((l) => /^END (\S+)$/.exec(l)?.[1]).find((x) => x !== undefined);
      assert.ok(mid !== undefined && mid === end, `message ${i} of ${n} is torn:\n${lines.join('\n')}`);
      ids.push(mid);
      assert.equal(await s.c.cmd(`DELE ${i}`), '+OK Message deleted');
    }
    assert.equal(await s.c.cmd('QUIT'), '+OK Sayonara');
    await closed(s.c);
    return ids;
  } finally {
    s.c.sock.destroy();
  }
}

/** Both logins, or (one failed) neither: the other's connection is closed and the failure thrown. */
async function bothOrNone(logins: Promise<Login>[]): Promise<Login[]> {
  const settled = await Promise.allSettled(logins);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed === undefined) return settled.map((r) => (r as PromiseFulfilledResult<Login>).value);
  for (const r of settled) if (r.status === 'fulfilled') r.value.c.sock.destroy();
  throw failed.reason;
}

const IN_USE = '-ERR [IN-USE] Mailbox in use by another POP3 session';

describe('the POP3 race with real logins through xinetd', () => {
  it('deliveries by dmail and dotlockfile during POP3 sessions: every message retrieved exactly once, no session refused', { timeout: 180_000 }, async () => {
    const user = addUser('SHA512', PASSWORD);
    const uid = Number(execFileSync('id', ['-u', user]).toString());
    const gid = Number(execFileSync('id', ['-g', user]).toString());
    const box = join(spool, user);
    writeFileSync(box, ''); // addUser's greeting message goes: only what the streams deliver is counted
    const before = statSync(box);
    // What failed an earlier build's sessions with `-ERR [SYS/TEMP] Can't open mailbox`: its POP3 lock was
    // journal_dir/uwimap-ts.<dev>.<ino>.pop3, and on a shared machine such a name may be another user's file, left
    // from a removed maildrop whose inode number this one got. Sessions now lock in the user's control directory,
    // and leave other users' files alone.
    const planted = join(dir, 'tmp', `uwimap-ts.${before.dev}.${before.ino}.pop3`);
    writeFileSync(planted, 'another user\n', { mode: 0o600 });
    chownSync(planted, NOBODY, NOBODY_GID);
    // The user in the spool, and the same with the mail group (see dmail below); one cleanup serves both.
    const asUser = sandboxOver(spool, { name: user, uid, gid });
    const asUserMail = sandboxOver(spool, { name: user, uid, gid: MAIL_GID });
    sb = asUser;
    const [port] = await freePorts(1);
    assert.ok(port);
    xinetd = await startXinetd([{ name: 'pop3', port, config: writeConfig('race.conf', '') }]);

    const delivered: string[] = [];
    let stop = false;
    /** Deliveries one after another, `pauseMs` and up to as much again between two, until the rounds are over. */
    const stream = async (kind: string, pauseMs: number, deliver: (id: string) => Promise<unknown>): Promise<void> => {
      for (let i = 0; !stop && i < MAX_PER_STREAM; i++) {
        const id = `${kind}-${i}`;
        await deliver(id);
        delivered.push(id);
        await new Promise((r) => setTimeout(r, pauseMs + Math.floor(Math.random() * pauseMs)));
      }
    };
    const streams = [
      // UW's delivery agent, as the user with the mail group, so that c-client takes USER.lock in the root:mail
      // 2775 spool as UW meant it to (through its setgid mlock, which Debian installs as /usr/bin/mlock, where
      // c-client does not look). Without it dmail locks with flock() alone, and it and the plain append below,
      // which locks with USER.lock alone, overwrite each other's mail with no POP3 session running at all.
      stream('dm', 10, (id) => dmailDeliver(asUserMail, box, message(id))),
      // The plain way: the user takes USER.lock with the setgid dotlockfile, then the MTA (root) appends.
      // It polls every 20 ms and pauses longer than dmail between deliveries: c-client retries a held lock only
      // once a second, and would hardly ever find it free.
      stream('dl', 60, (id) => dotlockfileAppend(asUser, box, message(id), { from: `${id}@example.org`, pollMs: 20 })),
    ];

    const retrieved: string[] = [];
    /** Sessions (before the last one) that found mail: the deliveries raced the sessions. */
    let withMail = 0;
    const got = (ids: string[]): void => {
      retrieved.push(...ids);
      if (ids.length > 0) withMail++;
    };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 4 === 1) {
          // A session holds the maildrop while a second logs in: the second is told IN-USE and closed.
          const a = await login(port, user);
          const b = await login(port, user);
          try {
            assert.equal(b.reply, IN_USE, `round ${round}: the second session`);
            await closed(b.c);
          } finally {
            b.c.sock.destroy();
          }
          got(await drain(a));
        } else if (round % 2 === 1) {
          // Two sessions log in at the same moment: exactly one gets the maildrop (neither QUITs before both have
          // their answer), the other IN-USE.
          const both = await bothOrNone([login(port, user), login(port, user)]);
          const replies = both.map((s) => s.reply);
          const ok = both.filter((s) => s.reply.startsWith('+OK '));
          const refused = both.filter((s) => s.reply === IN_USE);
          try {
            assert.equal(ok.length, 1, `round ${round}: ${replies.join(' / ')}`);
            assert.equal(refused.length, 1, `round ${round}: ${replies.join(' / ')}`);
            for (const r of refused) await closed(r.c);
          } finally {
            for (const r of refused) r.c.sock.destroy();
          }
          for (const s of ok) got(await drain(s));
        } else {
          // One session: it must get in (the previous QUIT released the maildrop before its +OK).
          got(await drain(await login(port, user)));
        }
      }
    } finally {
      stop = true;
      await Promise.allSettled(streams);
    }
    await Promise.all(streams); // a delivery that failed fails the test

    // Deliveries are over: UW's mailutil counts what is left, and a last session finds exactly that.
    const left = delivered.length - retrieved.length;
    const check = await uwCheck(asUser, box);
    assert.equal(check.messages, left, `mailutil check: ${check.raw}`);
    const last = await login(port, user);
    assert.equal(last.reply, `+OK Mailbox open, ${left} messages`);
    retrieved.push(...await drain(last));

    const counts = new Map<string, number>();
    for (const id of retrieved) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual([...counts].filter(([, n]) => n > 1).map(([id]) => id), [], 'retrieved twice');
    assert.deepEqual([...counts.keys()].sort(), [...delivered].sort(), 'every delivery retrieved, nothing else');
    // The race happened: both agents delivered, and most sessions found mail that arrived while others ran.
    for (const kind of ['dm', 'dl']) {
      const n = delivered.filter((id) => id.startsWith(`${kind}-`)).length;
      assert.ok(n >= 5, `only ${n} ${kind} deliveries`);
    }
    assert.ok(withMail >= ROUNDS / 2, `only ${withMail} of ${ROUNDS} rounds found mail`);

    // The maildrop is empty, and still the MTA's file; nothing of the sessions is left behind.
    assert.equal((await uwCheck(asUser, box)).messages, 0);
    const end = statSync(box);
    assert.match(readFileSync(box, 'latin1'), /^From MAILER-DAEMON [^\n]*\n(?:(?!^From )[^\n]*\n)*?Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n(?![\s\S]*^From )/m,
      'the maildrop holds UW\'s folder data (the X-IMAP pseudo-message) and no message');
    assert.deepEqual([end.ino, end.uid, end.gid, end.mode], [before.ino, before.uid, before.gid, before.mode]);
    assert.deepEqual(readdirSync(spool), [user], 'no lock file left in the spool');
    assert.deepEqual(readdirSync(join(dir, 'tmp')), [basename(planted)], 'no journal left in journal_dir');
    assert.equal(readFileSync(planted, 'latin1'), 'another user\n', "another user's file is left as it was");
    assert.equal(statSync(planted).uid, NOBODY);
    const litter = readdirSync('/var/tmp').filter((f) => !varTmpBefore.has(f) &&
      (f.startsWith(`uwimap-ts.${end.dev}.${end.ino}.`) || statSync(join('/var/tmp', f), { throwIfNoEntry: false })?.uid === uid));
    assert.deepEqual(litter, [], 'nothing left in /var/tmp');
  });
});
