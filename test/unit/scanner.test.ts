import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Flag } from '../../lib/mailbox/driver.js';
import {
  BufferSource, FdSource, preadFully, readAt, readExactly, readFully, readInto,
} from '../../lib/mailbox/mbox/byte-source.js';
import { metaHashOf } from '../../lib/mailbox/mbox/scanner.js';
import { boundaries, mbox, scan, serveAll } from './mbox-support.js';

/** A mailbox as UW writes it: pseudo-message, then messages with their metadata blocks. */
const UW = mbox(`From MAILER-DAEMON Wed Dec  2 05:53:22 1992
Date: Wed, 2 Dec 1992 05:53:22 +0000
From: Mail System Internal Data <MAILER-DAEMON@host>
Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA
Message-ID: <1700000000@host>
X-IMAP: 1700000000 0000000007 $Forwarded work
Status: RO

This text is part of the internal format of your mail folder, and is not
a real message.  It is created automatically by the mail system software.
If deleted, important folder data will be lost, and it will be re-created
with the data reset to initial values.

From alice@example.org Wed Dec  2 05:53:22 1992 -0700
Subject: one
From: Alice <alice@example.org>
Status: RO
X-Status: FA
X-Keywords: work                              
X-UID: 5

First body.
From the desk of nobody
>From a quoted line
>>From a doubly quoted line

From bob@example.org Thu Dec  3 05:53 PST 1992
Subject: two
Status: O
X-Status: DT
X-Keywords: $Forwarded work                   
X-UID: 7

Second body.

`);

const WINDOWS = [1, 2, 3, 7, 64, 1 << 20];

describe('scanner', () => {
  it('finds UW messages, the pseudo-message and their metadata', () => {
    const { messages, garbage } = scan(UW);
    assert.equal(garbage, false);
    assert.equal(messages.length, 3);
    const [pseudo, one, two] = messages;
    assert.deepEqual(pseudo?.base, { uidValidity: 1700000000, uidLast: 7, keywords: ['$Forwarded', 'work'], pseudo: true });
    assert.equal(one?.uid, 5);
    assert.equal(one?.flags, Flag.Seen | Flag.Flagged | Flag.Answered);
    assert.equal(one?.old, true);
    assert.deepEqual(one?.keywords, ['work']);
    assert.equal(one?.base, null);
    assert.equal(two?.uid, 7);
    assert.equal(two?.flags, Flag.Deleted | Flag.Draft);
    assert.deepEqual(two?.keywords, ['$Forwarded', 'work']);
    assert.deepEqual(two?.date, { time: Date.UTC(1992, 11, 3, 13, 53), zone: -480 });
  });

  it('serves headers without metadata, CRLF line ends and mboxrd-unquoted bodies', () => {
    const [, one, two] = serveAll(UW);
    assert.equal(one?.header, 'Subject: one\r\nFrom: Alice <alice@example.org>\r\n\r\n');
    assert.equal(one?.body,
      'First body.\r\nFrom the desk of nobody\r\nFrom a quoted line\r\n>From a doubly quoted line\r\n');
    assert.equal(two?.body, 'Second body.\r\n');
    // LF sizes: one byte less per line.
    assert.equal(one?.m.headerLfSize, one?.header.replace(/\r\n/g, '\n').length);
    assert.equal(one?.m.bodyLfSize, one?.body.replace(/\r\n/g, '\n').length);
  });

  it('does not split on a From line without a date (written unquoted by another tool)', () => {
    // "From the desk of nobody" stayed inside message one above; here the same with no blank line before it.
    const box = mbox('From a Wed Dec  2 05:53:22 1992\nSubject: x\n\nline\nFrom here to there\n\nFrom b Wed Dec  2 05:53:22 1992\n\nz\n');
    const served = serveAll(box);
    assert.equal(served.length, 2);
    assert.equal(served[0]?.body, 'line\r\nFrom here to there\r\n');
  });

  it('gives the same result for every read window, down to one byte', () => {
    const whole = JSON.stringify(serveAll(UW));
    for (const w of WINDOWS) {
      for (const chunk of [1, 5, 1 << 20]) assert.equal(JSON.stringify(serveAll(UW, w, chunk)), whole, `window ${w} chunk ${chunk}`);
      assert.deepEqual(boundaries(scan(UW, w, true)), boundaries(scan(UW)), `lazy, window ${w}`);
    }
  });

  it('reads CRLF files: sizes and served bytes as if LF, separators found', () => {
    const lf = mbox('From a Wed Dec  2 05:53:22 1992\nSubject: x\nStatus: RO\nX-UID: 3\n\nbody\n>From q\n\nFrom b Wed Dec  2 05:53:22 1992\nSubject: y\n\nzz\n');
    const crlf = Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    for (const w of WINDOWS) {
      const a = serveAll(lf, w).map((s) => [s.header, s.body, s.m.flags, s.m.uid]);
      const b = serveAll(crlf, w).map((s) => [s.header, s.body, s.m.flags, s.m.uid]);
      assert.deepEqual(b, a);
    }
    assert.equal(serveAll(crlf)[0]?.body, 'body\r\nFrom q\r\n');
  });

  it('keeps a last line without newline', () => {
    const box = mbox('From a Wed Dec  2 05:53:22 1992\nSubject: x\n\nno newline at end');
    for (const w of WINDOWS) {
      const [m] = serveAll(box, w);
      assert.equal(m?.body, 'no newline at end');
      assert.equal(m?.m.bodyEnd, box.length);
    }
  });

  it('handles an empty file, a blank file and a file of only the pseudo-message', () => {
    assert.deepEqual(scan(mbox('')), { messages: [], garbage: false });
    assert.deepEqual(scan(mbox('\n\n  \n')), { messages: [], garbage: false });
    const only = UW.subarray(0, UW.indexOf('From alice'));
    const { messages } = scan(only);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.base?.pseudo, true);
  });

  it('reports a file that does not start with a From line', () => {
    assert.equal(scan(mbox('Subject: not an mbox\n\nhello\n')).garbage, true);
  });

  it('honours a Content-Length that lands on the next From line (Dovecot), verbatim', () => {
    const body = 'From x Wed Dec  2 05:53 1992\n>From kept as is\n';
    const box = mbox(`From a Wed Dec  2 05:53:22 1992\nContent-Length: ${body.length}\nX-UID: 1\n\n${body}\n` +
      'From b Wed Dec  2 05:53:22 1992\nContent-Length: 3\n\nabc');
    for (const w of WINDOWS) {
      const served = serveAll(box, w);
      assert.equal(served.length, 2, `window ${w}`);
      assert.equal(served[0]?.m.verbatim, true);
      assert.equal(served[0]?.body, body.replace(/\n/g, '\r\n'));
      assert.equal(served[1]?.body, 'abc');
      // Content-Length is not metadata: clients see it.
      assert.match(served[0]?.header ?? '', /^Content-Length: /);
    }
  });

  it('ignores a Content-Length that does not land on a message boundary', () => {
    const box = mbox('From a Wed Dec  2 05:53:22 1992\nContent-Length: 5\n\nline one\nFrom b Wed Dec  2 05:53:22 1992\n\nz\n');
    const served = serveAll(box);
    assert.equal(served.length, 2);
    assert.equal(served[0]?.m.verbatim, false);
    assert.equal(served[0]?.body, 'line one\r\n');
  });

  it('hides metadata headers whatever their case, with their continuation lines', () => {
    const box = mbox('From a Wed Dec  2 05:53:22 1992\nstatus: RO\nSubject: s\nX-KEYWORDS: a\n b\nX-Other: kept\n\nbody\n');
    const [m] = serveAll(box);
    assert.equal(m?.header, 'Subject: s\r\nX-Other: kept\r\n\r\n');
    assert.equal(m?.m.metaStart, -2, 'scattered metadata lines');
  });

  it('locates a contiguous metadata block and hashes it the same way on re-reading', () => {
    const [, one] = scan(UW).messages;
    assert.ok(one && one.metaStart > 0);
    const region = UW.subarray(one.metaStart, one.metaEnd);
    assert.match(region.toString('latin1'), /^Status: RO\nX-Status: FA\nX-Keywords: work +\nX-UID: 5\n$/);
    assert.equal(metaHashOf(region), one.metaHash);
    assert.equal(metaHashOf(UW.subarray(one.headerStart, one.bodyStart)), one.metaHash);
    const changed = Buffer.from(region.toString('latin1').replace('FA', 'F '), 'latin1');
    assert.notEqual(metaHashOf(changed), one.metaHash);
  });

  it('ends a header cut short by the next message', () => {
    const box = mbox('From a Wed Dec  2 05:53:22 1992\nSubject: no body\nFrom b Wed Dec  2 05:53:22 1992\nSubject: two\n\nz\n');
    const served = serveAll(box);
    assert.equal(served.length, 2);
    assert.equal(served[0]?.header, 'Subject: no body\r\n');
    assert.equal(served[0]?.body, '');
  });

  it('skips blank bytes before the first message, as UW does for broken MTAs', () => {
    const served = serveAll(mbox('\n\r\n \tFrom a Wed Dec  2 05:53:22 1992\n\nx\n'));
    assert.equal(served.length, 1);
    assert.equal(served[0]?.body, 'x\r\n');
  });
});

describe('reading at an offset (byte-source.ts)', () => {
  const withFile = (data: Buffer, f: (fd: number) => void): void => {
    const dir = mkdtempSync(join(tmpdir(), 'read-at-'));
    const path = join(dir, 'f');
    writeFileSync(path, data);
    const fd = openSync(path, 'r');
    try {
      f(fd);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true });
    }
  };
  const data = Buffer.from('0123456789');

  it('reads a source that hands out one byte at a time until the count is in, fewer only at its end', () => {
    const src = new BufferSource(data, 1);
    assert.equal(readFully(src, 2, 5).toString(), '23456');
    assert.equal(readFully(src, 7, 100).toString(), '789');
    assert.equal(readFully(src, 10, 4).length, 0);
    assert.equal(readFully(src, 12, 4).length, 0);
  });

  it('reads a file at an offset, fewer bytes only at its end', () => {
    withFile(data, (fd) => {
      assert.equal(readAt(fd, 3, 4).toString(), '3456');
      assert.equal(readAt(fd, 8, 10).toString(), '89');
      assert.equal(readAt(fd, 20, 10).length, 0);
      assert.equal(readAt(fd, 0, 0).length, 0);
      const buf = Buffer.alloc(6, '.');
      assert.equal(readInto(fd, buf, 2, 4, 7), 3);
      assert.equal(buf.toString(), '..789.');
      const src = new FdSource(fd, data.length);
      assert.equal(src.read(6, 100).toString(), '6789');
      assert.equal(src.window(1, 3).toString(), '123');
      assert.equal(src.window(9, 3).toString(), '9');
    });
  });

  it('makes the file ending early an error where the bytes must be there', () => {
    withFile(data, (fd) => {
      assert.equal(readExactly(fd, 0, 10).toString(), '0123456789');
      assert.equal(readExactly(fd, 10, 0).length, 0);
      assert.throws(() => readExactly(fd, 8, 3), /short read at 10/);
      const buf = Buffer.alloc(4);
      preadFully(fd, buf, 1, 3, 4);
      assert.equal(buf.subarray(1).toString(), '456');
      assert.throws(() => preadFully(fd, buf, 0, 4, 9), /short read at 10/);
    });
  });
});
