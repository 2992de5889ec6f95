import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ctimeString, formatFromLine, isFromLine, parseFromLine } from '../../lib/mailbox/mbox/from-line.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const valid = (s: string): boolean => isFromLine(b(s), 0, s.length);
const utc = (): number => 0;

describe('From line recognition (UW VALID)', () => {
  // Every shape UW's unix.h documents, with and without seconds, plus " remote from".
  const good = [
    'From user Wed Dec  2 05:53 1992',
    'From user Wed Dec  2 05:53:22 1992',
    'From user Wed Dec  2 05:53 PST 1992',
    'From user Wed Dec  2 05:53:22 PST 1992',
    'From user Wed Dec  2 05:53 -0700 1992',
    'From user Wed Dec  2 05:53:22 -0700 1992',
    'From user Wed Dec  2 05:53 1992 PST',
    'From user Wed Dec  2 05:53:22 1992 PST',
    'From user Wed Dec  2 05:53 1992 -0700',
    'From user Wed Dec  2 05:53:22 1992 -0700',
    'From user Wed Dec  2 05:53:22 1992 remote from uunet',
    'From user with spaces in it Wed Dec  2 05:53:22 1992',
    'From MAILER-DAEMON Sat Nov 21 21:33:13 2026',
    'From user Wed Dec  2 05:53:22 1992\r',
  ];
  for (const line of good) it(`accepts ${JSON.stringify(line)}`, () => assert.equal(valid(line), true));

  const bad = [
    'From here to eternity, said the man',
    'From: someone@example.org',
    'from user Wed Dec  2 05:53:22 1992',
    'From user',
    'From user Wed Dec 2 05:53:22 1992x',
    'From user Wed Dec  2 0553 1992',
    'From user Wed Dec  2 05:53:22',
    '>From user Wed Dec  2 05:53:22 1992',
    '',
  ];
  for (const line of bad) it(`rejects ${JSON.stringify(line)}`, () => assert.equal(valid(line), false));
});

describe('From line dates', () => {
  it('reads a numeric zone after the year', () => {
    const s = 'From a@b Wed Dec  2 05:53:22 1992 -0700';
    const d = parseFromLine(b(s), 0, s.length, utc);
    assert.deepEqual(d, { time: Date.UTC(1992, 11, 2, 12, 53, 22), zone: -420 });
  });
  it('reads a named zone before the year', () => {
    const s = 'From a@b Thu Dec  3 05:53 PST 1992';
    assert.deepEqual(parseFromLine(b(s), 0, s.length, utc), { time: Date.UTC(1992, 11, 3, 13, 53, 0), zone: -480 });
  });
  it('takes the local zone when the line has none', () => {
    const s = 'From a@b Thu Dec  3 05:53:01 1992';
    assert.deepEqual(parseFromLine(b(s), 0, s.length, () => 60), { time: Date.UTC(1992, 11, 3, 4, 53, 1), zone: 60 });
  });
  it('ignores " remote from"', () => {
    const s = 'From a@b Thu Dec  3 05:53:01 1992 remote from somewhere';
    assert.equal(parseFromLine(b(s), 0, s.length, utc)?.time, Date.UTC(1992, 11, 3, 5, 53, 1));
  });
  it('keeps a structurally valid line with nonsense fields as a separator, dated at the epoch', () => {
    const s = 'From a@b Thu Foo 99 05:53:01 1992';
    assert.deepEqual(parseFromLine(b(s), 0, s.length, utc), { time: 0, zone: 0 });
  });
  it('round-trips what formatFromLine writes (UW append layout)', () => {
    for (const [time, zone] of [[Date.UTC(2026, 10, 21, 21, 33, 13), 0], [Date.UTC(2001, 0, 5, 3, 4, 5), -300],
      [Date.UTC(2030, 5, 30, 23, 59, 59), 330]] as const) {
      const line = formatFromLine('alice@example.org', { time, zone });
      assert.match(line, /^From alice@example\.org \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} [+-]\d{4}\n$/);
      assert.deepEqual(parseFromLine(b(line), 0, line.length - 1, utc), { time, zone });
    }
  });
  it('writes ctime dates with a space-padded day', () => {
    assert.equal(ctimeString(Date.UTC(1992, 11, 2, 5, 53, 22), 0), 'Wed Dec  2 05:53:22 1992');
  });
});
