import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadUrl, type MessagePartUrl, parseMessageUrl } from '../../lib/wire/imap-url.js';

const base = { user: 'bob', host: 'mail.example.org' };
const ok = (url: string): MessagePartUrl => parseMessageUrl(url, base);
const refused = (url: string, re: RegExp): void => {
  assert.throws(() => parseMessageUrl(url, base), (e: unknown) => e instanceof BadUrl && re.test(e.message), url);
};

describe('IMAP URLs for CATENATE (RFC 5092, RFC 4469 §3)', () => {
  it('absolute-path references: mailbox, UIDVALIDITY, UID, SECTION, PARTIAL', () => {
    assert.deepEqual(ok('/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME'), {
      mailbox: 'Drafts', uidValidity: 385759045, uid: 20, section: { part: [1], text: { kind: 'MIME' } }, partial: null,
    });
    assert.deepEqual(ok('/INBOX/;uid=7'), { mailbox: 'INBOX', uidValidity: null, uid: 7, section: null, partial: null });
    assert.deepEqual(ok('/a/b%20c/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT%20FROM)/;PARTIAL=10'), {
      mailbox: 'a/b c', uidValidity: null, uid: 1,
      section: { part: [], text: { kind: 'HEADER.FIELDS', not: false, fields: ['SUBJECT', 'FROM'] } },
      partial: { offset: 10, length: 4294967295 },
    });
    assert.deepEqual(ok('/INBOX/;UID=1/;PARTIAL=0.1024').partial, { offset: 0, length: 1024 });
    // RFC 5092 §8: names are UTF-8 in URLs, modified UTF-7 in IMAP.
    assert.equal(ok('/~peter/%E6%97%A5%E6%9C%AC%E8%AA%9E/;UID=1').mailbox, '~peter/&ZeVnLIqe-');
    // Dot segments go as in resolution against the base (RFC 3986 §5.2.4).
    assert.equal(ok('/x/../INBOX/./;UID=3').mailbox, 'INBOX');
  });

  it('absolute URLs and network-path references for this user on this server', () => {
    assert.equal(ok('imap://bob@mail.example.org/INBOX/;UID=1').uid, 1);
    assert.equal(ok('IMAP://bob;AUTH=*@MAIL.example.org:993/INBOX/;UID=2').uid, 2);
    assert.equal(ok('//bob@mail.example.org/INBOX/;UID=3').uid, 3);
    refused('imap://alice@mail.example.org/INBOX/;UID=1', /another user/);
    refused('imap://bob@other.example.org/INBOX/;UID=1', /another server/);
    refused('imap://mail.example.org/INBOX/;UID=1', /no user/);
  });

  it('refuses what names no one message of this session', () => {
    refused(';UID=20', /relative-path/);
    refused('INBOX/;UID=20', /relative-path/);
    refused('http://example.com/', /not an IMAP URL/);
    refused('/INBOX', /no message/);
    refused('/INBOX?SUBJECT%20x', /no message/);
    refused('/INBOX;UIDVALIDITY=5', /no message/);
    refused('/;UID=1', /no mailbox/);
    refused('/INBOX;UID=1', /parameter/);
    refused('/INBOX/;UIDVALIDITY=1/;UID=1', /parameter/);
    refused('/INBOX/;UID=1/;UID=2', /parameter/);
    refused('/INBOX/;PARTIAL=1/;UID=2', /parameter/);
    refused('/INBOX/;UID=0', /UID/);
    refused('/INBOX/;UID=4294967296', /UID/);
    refused('/INBOX;UIDVALIDITY=x/;UID=1', /UIDVALIDITY/);
    refused('/INBOX/;UID=1/;SECTION=', /SECTION/);
    refused('/INBOX/;UID=1/;SECTION=1.BOGUS', /SECTION/);
    refused('/INBOX/;UID=1/;PARTIAL=1.0', /PARTIAL/);
    refused('/INBOX/;UID=1;URLAUTH=anonymous:internal:91354a473744909de610943775f92038', /parameter/);
    refused('/INBOX/;UID=1/;EXPIRE=2025-01-01T00:00:00Z', /URLAUTH/);
    refused('/IN BOX/;UID=1', /character/);
    refused('/IN%2/;UID=1', /percent/);
    refused('/%FF/;UID=1', /UTF-8/);
  });
});
