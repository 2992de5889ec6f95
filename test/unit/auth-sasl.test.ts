/**
 * SASL step machines (PLAIN, LOGIN, CRAM-MD5) and APOP: RFC 2195's and RFC 1939's own examples, UW's LOGIN prompts
 * and challenge formats, initial responses, cancel, malformed messages, out-of-turn calls, authorisation identities
 * (UW's mailadm override), the response decoders, and no secret in any printed step.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { Apop, apopTimestamp } from '../../lib/auth/apop.js';
import { parseCramMd5 } from '../../lib/auth/cram-md5-pwd.js';
import {
  CramMd5Mechanism,
  cramMd5Challenge,
  createSaslMechanism,
  LoginMechanism,
  PlainMechanism,
  saslMechanismNames,
  type MayActAs,
  type SaslStep,
} from '../../lib/auth/sasl.js';
import { decodeInitialResponse, decodeSaslResponse } from '../../lib/auth/sasl-response.js';
import { fixedClock } from '../../lib/env/env.js';
import { renderings } from './auth-support.js';

const SECRETS = parseCramMd5(Buffer.from('tim\ttanstaaftanstaaf\nmrose\ttanstaaf\nadmin\tadmin-secret\n'), () => undefined);
/** RFC 2195 §2's example: PID 1896 in the random part, 697170952 s, postoffice.reston.mci.net. */
const RFC2195 = {
  secrets: SECRETS,
  random: (n: number): Buffer => {
    assert.equal(n, 4);
    return Buffer.from([0, 0, 0x07, 0x68]);
  },
  clock: fixedClock(697170952 * 1000 + 999),
  hostname: 'postoffice.reston.mci.net',
};
const ADMINS: MayActAs = (authcid) => authcid === 'admin';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function password(step: SaslStep): string | undefined {
  return step.kind === 'done' && !step.verified ? step.password.reveal().toString() : undefined;
}

/** The step without its password, for deepEqual. */
function shape(step: SaslStep): unknown {
  if (step.kind === 'challenge') return { kind: 'challenge', data: step.data.toString('latin1') };
  if (step.kind === 'done') return { kind: 'done', user: step.user, authcid: step.authcid, verified: step.verified };
  return { kind: 'fail', reason: step.reason };
}

describe('PLAIN (RFC 4616)', () => {
  test('without an initial response: an empty challenge, then the message', () => {
    const m = new PlainMechanism();
    assert.deepEqual(shape(m.start(null)), { kind: 'challenge', data: '' });
    const done = m.respond(b('\0tim\0tanstaaftanstaaf'));
    assert.deepEqual(shape(done), { kind: 'done', user: 'tim', authcid: 'tim', verified: false });
    assert.equal(password(done), 'tanstaaftanstaaf');
  });

  test('with an initial response (SASL-IR / AUTH PLAIN <ir>)', () => {
    const done = new PlainMechanism().start(b('tim\0tim\0pw'));
    assert.deepEqual(shape(done), { kind: 'done', user: 'tim', authcid: 'tim', verified: false });
    assert.equal(password(done), 'pw');
  });

  test('authzid equal to authcid ignoring ASCII case is the same user', () => {
    assert.deepEqual(shape(new PlainMechanism().start(b('TIM\0tim\0pw'))), {
      kind: 'done',
      user: 'TIM',
      authcid: 'tim',
      verified: false,
    });
  });

  test('a different authzid: refused unless the authcid is an admin', () => {
    assert.deepEqual(shape(new PlainMechanism().start(b('mrose\0tim\0pw'))), { kind: 'fail', reason: 'not-authorized' });
    assert.deepEqual(shape(new PlainMechanism({ mayActAs: ADMINS }).start(b('mrose\0tim\0pw'))), {
      kind: 'fail',
      reason: 'not-authorized',
    });
    assert.deepEqual(shape(new PlainMechanism({ mayActAs: ADMINS }).start(b('mrose\0admin\0pw'))), {
      kind: 'done',
      user: 'mrose',
      authcid: 'admin',
      verified: false,
    });
  });

  test('mayActAs is asked (authcid, authzid)', () => {
    const asked: string[][] = [];
    new PlainMechanism({ mayActAs: (c, z) => (asked.push([c, z]), false) }).start(b('mrose\0tim\0pw'));
    assert.deepEqual(asked, [['tim', 'mrose']]);
  });

  const malformed: readonly [string, string][] = [
    ['no NUL', 'timpw'],
    ['one NUL', 'tim\0pw'],
    ['three NULs', '\0tim\0pw\0'],
    ['four NULs', '\0tim\0p\0w\0'],
    ['empty authcid', '\0\0pw'],
    ['empty password', '\0tim\0'],
    ['empty message (SASL-IR "=")', ''],
    ['control character in authcid', '\0ti\nm\0pw'],
  ];
  for (const [name, msg] of malformed) {
    test(`malformed: ${name}`, () => {
      assert.deepEqual(shape(new PlainMechanism().start(b(msg))), { kind: 'fail', reason: 'malformed' });
      const m = new PlainMechanism();
      m.start(null);
      assert.deepEqual(shape(m.respond(b(msg))), { kind: 'fail', reason: 'malformed' });
    });
  }

  test('invalid UTF-8 in an identity is malformed; any bytes in the password are kept', () => {
    const bad = Buffer.concat([b('\0ti'), Buffer.from([0xff]), b('m\0pw')]);
    assert.deepEqual(shape(new PlainMechanism().start(bad)), { kind: 'fail', reason: 'malformed' });
    const pw = Buffer.concat([b('\0tim\0'), Buffer.from([0xff, 0x01])]);
    const done = new PlainMechanism().start(pw);
    assert.ok(done.kind === 'done' && !done.verified);
    assert.deepEqual([...done.password.reveal()], [0xff, 0x01]);
  });

  test('the buffers handed in are zeroed', () => {
    const initial = b('\0tim\0pw');
    new PlainMechanism().start(initial);
    assert.ok(initial.every((x) => x === 0));
    const m = new PlainMechanism();
    m.start(null);
    const response = b('\0tim\0pw');
    m.respond(response);
    assert.ok(response.every((x) => x === 0));
  });
});

describe('LOGIN', () => {
  test("UW's prompts: base64 of \"User Name\\0\" and \"Password\\0\"", () => {
    const m = new LoginMechanism();
    const first = m.start(null);
    assert.ok(first.kind === 'challenge');
    assert.equal(first.data.toString('base64'), 'VXNlciBOYW1lAA==');
    const second = m.respond(b('tim'));
    assert.ok(second.kind === 'challenge');
    assert.equal(second.data.toString('base64'), 'UGFzc3dvcmQA');
    const done = m.respond(b('tanstaaftanstaaf'));
    assert.deepEqual(shape(done), { kind: 'done', user: 'tim', authcid: 'tim', verified: false });
    assert.equal(password(done), 'tanstaaftanstaaf');
  });

  test('an initial response is the user name', () => {
    const m = new LoginMechanism();
    assert.deepEqual(shape(m.start(b('tim'))), { kind: 'challenge', data: 'Password\0' });
    assert.equal(password(m.respond(b('pw'))), 'pw');
  });

  test("UW's user*admin: the admin's password, the user's mailbox", () => {
    const m = new LoginMechanism({ mayActAs: ADMINS });
    m.start(null);
    m.respond(b('mrose*admin'));
    assert.deepEqual(shape(m.respond(b('admin-pw'))), { kind: 'done', user: 'mrose', authcid: 'admin', verified: false });
    const n = new LoginMechanism();
    n.start(b('mrose*tim'));
    assert.deepEqual(shape(n.respond(b('pw'))), { kind: 'fail', reason: 'not-authorized' });
    const self = new LoginMechanism();
    self.start(b('tim*'));
    assert.deepEqual(shape(self.respond(b('pw'))), { kind: 'done', user: 'tim', authcid: 'tim', verified: false });
  });

  test('malformed: empty user, empty password, NUL in the user name, "*admin" with no user', () => {
    assert.deepEqual(shape(new LoginMechanism().start(Buffer.alloc(0))), { kind: 'fail', reason: 'malformed' });
    const m = new LoginMechanism();
    m.start(b('tim'));
    assert.deepEqual(shape(m.respond(Buffer.alloc(0))), { kind: 'fail', reason: 'malformed' });
    assert.deepEqual(shape(new LoginMechanism().start(b('ti\0m'))), { kind: 'fail', reason: 'malformed' });
    const n = new LoginMechanism();
    n.start(b('*admin'));
    assert.deepEqual(shape(n.respond(b('pw'))), { kind: 'fail', reason: 'malformed' });
  });
});

describe('CRAM-MD5 (RFC 2195)', () => {
  test("RFC 2195's example, challenge built as UW builds it", () => {
    const m = new CramMd5Mechanism(RFC2195);
    const challenge = m.start(null);
    assert.deepEqual(shape(challenge), { kind: 'challenge', data: '<1896.697170952@postoffice.reston.mci.net>' });
    assert.ok(challenge.kind === 'challenge');
    assert.equal(challenge.data.toString('base64'), 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+');
    const response = b('tim b913a602c7eda7a495b4e6e7334d3890');
    assert.equal(response.toString('base64'), 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
    assert.deepEqual(shape(m.respond(response)), { kind: 'done', user: 'tim', authcid: 'tim', verified: true });
  });

  test('upper-case hex digits are accepted', () => {
    const m = new CramMd5Mechanism(RFC2195);
    m.start(null);
    assert.equal(m.respond(b('tim B913A602C7EDA7A495B4E6E7334D3890')).kind, 'done');
  });

  test('a wrong digest, an unknown user, the right digest for another challenge', () => {
    const wrong = new CramMd5Mechanism(RFC2195);
    wrong.start(null);
    assert.deepEqual(shape(wrong.respond(b('tim b913a602c7eda7a495b4e6e7334d3891'))), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
    const unknown = new CramMd5Mechanism(RFC2195);
    unknown.start(null);
    assert.deepEqual(shape(unknown.respond(b('nobody b913a602c7eda7a495b4e6e7334d3890'))), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
    const later = new CramMd5Mechanism({ ...RFC2195, clock: fixedClock(697170953 * 1000) });
    later.start(null);
    assert.deepEqual(shape(later.respond(b('tim b913a602c7eda7a495b4e6e7334d3890'))), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
  });

  test("an unknown user's digest computed with an empty key still fails", () => {
    const m = new CramMd5Mechanism(RFC2195);
    const c = m.start(null);
    assert.ok(c.kind === 'challenge');
    const emptyKeyDigest = createHmac('md5', Buffer.alloc(0)).update(c.data).digest('hex');
    assert.deepEqual(shape(m.respond(b(`nobody ${emptyKeyDigest}`))), { kind: 'fail', reason: 'bad-credentials' });
  });

  test("user*admin: the admin's secret", () => {
    const digestFor = (secret: string, challenge: Buffer): string => createHmac('md5', secret).update(challenge).digest('hex');
    const m = new CramMd5Mechanism({ ...RFC2195, mayActAs: ADMINS });
    const c = m.start(null);
    assert.ok(c.kind === 'challenge');
    assert.deepEqual(shape(m.respond(b(`tim*admin ${digestFor('admin-secret', c.data)}`))), {
      kind: 'done',
      user: 'tim',
      authcid: 'admin',
      verified: true,
    });
    const n = new CramMd5Mechanism(RFC2195);
    const c2 = n.start(null);
    assert.ok(c2.kind === 'challenge');
    assert.deepEqual(shape(n.respond(b(`tim*mrose ${digestFor('tanstaaf', c2.data)}`))), {
      kind: 'fail',
      reason: 'not-authorized',
    });
  });

  test('user names with spaces: split at the last space, as UW did', () => {
    const secrets = parseCramMd5(Buffer.from('john smith\tjs-secret\n'), () => undefined);
    const m = new CramMd5Mechanism({ ...RFC2195, secrets });
    const c = m.start(null);
    assert.ok(c.kind === 'challenge');
    const digest = createHmac('md5', 'js-secret').update(c.data).digest('hex');
    assert.deepEqual(shape(m.respond(b(`john smith ${digest}`))), {
      kind: 'done',
      user: 'john smith',
      authcid: 'john smith',
      verified: true,
    });
  });

  const malformed: readonly [string, string][] = [
    ['no space', 'timb913a602c7eda7a495b4e6e7334d3890'],
    ['non-hex digest', 'tim b913a602c7eda7a495b4e6e7334d389g'],
    ['short digest', 'tim b913a602c7eda7a495b4e6e7334d389'],
    ['long digest', 'tim b913a602c7eda7a495b4e6e7334d38900'],
    ['empty user', ' b913a602c7eda7a495b4e6e7334d3890'],
    ['trailing space', 'tim b913a602c7eda7a495b4e6e7334d3890 '],
    ['empty', ''],
  ];
  for (const [name, response] of malformed) {
    test(`malformed: ${name}`, () => {
      const m = new CramMd5Mechanism(RFC2195);
      m.start(null);
      assert.deepEqual(shape(m.respond(b(response))), { kind: 'fail', reason: 'malformed' });
    });
  }

  test('server-first: a non-empty initial response is refused, an empty one ignored', () => {
    assert.deepEqual(shape(new CramMd5Mechanism(RFC2195).start(b('tim'))), { kind: 'fail', reason: 'protocol' });
    assert.equal(new CramMd5Mechanism(RFC2195).start(Buffer.alloc(0)).kind, 'challenge');
  });

  test('the challenge: a random 32-bit number, whole seconds, the host name', () => {
    const c = cramMd5Challenge({
      random: () => Buffer.from([0xff, 0xff, 0xff, 0xff]),
      clock: fixedClock(1_700_000_000_500),
      hostname: 'mail.example.org',
    });
    assert.equal(c, '<4294967295.1700000000@mail.example.org>');
  });
});

describe('all mechanisms: cancel and order of calls', () => {
  const makers: readonly [string, () => ReturnType<typeof createSaslMechanism>][] = [
    ['PLAIN', () => createSaslMechanism('plain', {})],
    ['LOGIN', () => createSaslMechanism('Login', {})],
    ['CRAM-MD5', () => createSaslMechanism('CRAM-MD5', { cram: RFC2195 })],
  ];
  for (const [name, make] of makers) {
    test(`${name}: cancel after the first challenge`, () => {
      const m = make();
      assert.ok(m);
      assert.equal(m.name, name);
      assert.equal(m.start(null).kind, 'challenge');
      assert.deepEqual(shape(m.cancel()), { kind: 'fail', reason: 'cancelled' });
      assert.deepEqual(shape(m.respond(b('anything'))), { kind: 'fail', reason: 'protocol' });
    });

    test(`${name}: respond before start, start twice, respond after the end`, () => {
      const m = make();
      assert.ok(m);
      assert.deepEqual(shape(m.respond(b('x'))), { kind: 'fail', reason: 'protocol' });
      const n = make();
      assert.ok(n);
      n.start(null);
      assert.deepEqual(shape(n.start(null)), { kind: 'fail', reason: 'protocol' });
      assert.deepEqual(shape(n.respond(b('x'))), { kind: 'fail', reason: 'protocol' });
      assert.deepEqual(shape(n.cancel()), { kind: 'fail', reason: 'protocol' });
    });
  }

  test('LOGIN: cancel at the password prompt', () => {
    const m = new LoginMechanism();
    m.start(b('tim'));
    assert.deepEqual(shape(m.cancel()), { kind: 'fail', reason: 'cancelled' });
  });

  test('the mechanism table', () => {
    assert.equal(createSaslMechanism('CRAM-MD5', {}), undefined);
    assert.equal(createSaslMechanism('DIGEST-MD5', { cram: RFC2195 }), undefined);
    assert.deepEqual(saslMechanismNames(true), ['CRAM-MD5', 'PLAIN', 'LOGIN']);
    assert.deepEqual(saslMechanismNames(false), ['PLAIN', 'LOGIN']);
    assert.equal(createSaslMechanism('PLAIN', {})?.plaintext, true);
    assert.equal(createSaslMechanism('LOGIN', {})?.plaintext, true);
    assert.equal(createSaslMechanism('CRAM-MD5', { cram: RFC2195 })?.plaintext, false);
  });

  test('the table passes mayActAs on to CRAM-MD5', () => {
    const m = createSaslMechanism('CRAM-MD5', { cram: RFC2195, mayActAs: ADMINS });
    assert.ok(m);
    const c = m.start(null);
    assert.ok(c.kind === 'challenge');
    const digest = createHmac('md5', 'admin-secret').update(c.data).digest('hex');
    assert.equal(m.respond(b(`tim*admin ${digest}`)).kind, 'done');
  });
});

describe('APOP (RFC 1939)', () => {
  test("RFC 1939's example", () => {
    const apop = new Apop('<1896.697170952@dbc.mtview.ca.us>', SECRETS);
    assert.deepEqual(apop.verify('mrose', 'c4c9334bac560ecc979e58001b3e22fb'), {
      kind: 'done',
      user: 'mrose',
      authcid: 'mrose',
      verified: true,
    });
    assert.equal(apop.verify('mrose', 'C4C9334BAC560ECC979E58001B3E22FB').kind, 'done');
    assert.equal(apop.verify('MROSE', 'c4c9334bac560ecc979e58001b3e22fb').kind, 'done');
  });

  test('wrong digest, other timestamp, unknown user', () => {
    const apop = new Apop('<1896.697170952@dbc.mtview.ca.us>', SECRETS);
    assert.deepEqual(shape(apop.verify('mrose', 'c4c9334bac560ecc979e58001b3e22fa')), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
    assert.deepEqual(shape(apop.verify('tim', 'c4c9334bac560ecc979e58001b3e22fb')), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
    assert.deepEqual(shape(apop.verify('nobody', 'c4c9334bac560ecc979e58001b3e22fb')), {
      kind: 'fail',
      reason: 'bad-credentials',
    });
    const other = new Apop('<1897.697170952@dbc.mtview.ca.us>', SECRETS);
    assert.equal(other.verify('mrose', 'c4c9334bac560ecc979e58001b3e22fb').kind, 'fail');
  });

  test('malformed digests and names', () => {
    const apop = new Apop('<1896.697170952@dbc.mtview.ca.us>', SECRETS);
    for (const digest of ['', 'c4c9334bac560ecc979e58001b3e22f', 'c4c9334bac560ecc979e58001b3e22fbb', 'x'.repeat(32)]) {
      assert.deepEqual(shape(apop.verify('mrose', digest)), { kind: 'fail', reason: 'malformed' });
    }
    for (const user of ['', '*admin', 'mr ose', 'mr\0ose']) {
      assert.deepEqual(shape(apop.verify(user, 'c4c9334bac560ecc979e58001b3e22fb')), { kind: 'fail', reason: 'malformed' });
    }
  });

  test("UW's user*admin", () => {
    const ts = '<1896.697170952@dbc.mtview.ca.us>';
    // MD5(timestamp + secret), computed independently.
    const digest = (s: string): string => createHash('md5').update(ts + s).digest('hex');
    assert.equal(new Apop(ts, SECRETS, { mayActAs: ADMINS }).verify('mrose*admin', digest('admin-secret')).kind, 'done');
    assert.deepEqual(shape(new Apop(ts, SECRETS).verify('mrose*admin', digest('admin-secret'))), {
      kind: 'fail',
      reason: 'not-authorized',
    });
  });

  test("the greeting timestamp as UW's ipop3d: <%lx.%lx@%.64s>", () => {
    assert.equal(
      apopTimestamp({ pid: 1896, clock: fixedClock(697170952 * 1000 + 999), hostname: 'dbc.mtview.ca.us' }),
      '<768.298dfc08@dbc.mtview.ca.us>',
    );
    const long = `${'h'.repeat(70)}.example`;
    assert.equal(apopTimestamp({ pid: 1, clock: fixedClock(0), hostname: long }), `<1.0@${'h'.repeat(64)}>`);
  });
});

describe('response decoding (protocol layers)', () => {
  test('decodeSaslResponse', () => {
    assert.equal(decodeSaslResponse('*'), 'cancel');
    assert.deepEqual(decodeSaslResponse(''), Buffer.alloc(0));
    assert.deepEqual(decodeSaslResponse('dGlt'), b('tim'));
    assert.deepEqual(decodeSaslResponse('AHRpbQBwdw=='), b('\0tim\0pw'));
    for (const bad of ['dGl', 'dGlt=', 'dG=t', 'dGlt\r', ' dGlt', 'dG!t', '=', '**', 'dGltIA=', 'dGltIA===']) {
      assert.equal(decodeSaslResponse(bad), 'malformed', bad);
    }
  });

  test('decodeInitialResponse', () => {
    assert.deepEqual(decodeInitialResponse('='), Buffer.alloc(0));
    assert.deepEqual(decodeInitialResponse('AHRpbQBwdw=='), b('\0tim\0pw'));
    assert.equal(decodeInitialResponse(''), 'malformed');
    assert.equal(decodeInitialResponse('*'), 'malformed');
    assert.equal(decodeInitialResponse('AHRpbQBwdw='), 'malformed');
  });
});

describe('secrets never print', () => {
  test('steps carrying a password, mechanisms mid-exchange, secrets tables, failures', () => {
    const plain = new PlainMechanism();
    const done = plain.start(b('\0tim\0hunter2-sasl'));
    const login = new LoginMechanism();
    login.start(b('tim'));
    const loginDone = login.respond(b('hunter2-sasl'));
    const cram = new CramMd5Mechanism(RFC2195);
    cram.start(null);
    const cramFail = cram.respond(b('tim b913a602c7eda7a495b4e6e7334d3891'));
    const apopFail = new Apop('<1@x>', SECRETS).verify('tim', '0'.repeat(32));
    for (const v of [done, loginDone, plain, login, cram, cramFail, apopFail, SECRETS, SECRETS.lookup('tim')]) {
      const text = renderings(v);
      for (const s of ['hunter2-sasl', 'tanstaaf', 'b913a602c7eda7a495b4e6e7334d3891']) {
        assert.ok(!text.includes(s), `${s} in ${text}`);
      }
    }
    assert.match(renderings(done), /\[secret\]/);
  });
});
