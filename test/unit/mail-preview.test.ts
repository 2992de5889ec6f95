/**
 * lib/mail/preview.ts: FETCH PREVIEW's text (RFC 8970 §3.3) from plain, quoted-printable, base64 and ISO-8859-1
 * parts, HTML alone, multipart/alternative and nested multiparts, messages with no text, the character limit (200,
 * and never past 256; a character outside the BMP counts one and is never cut), and the bounded read of a huge body.
 * Each message is fed whole, one byte at a time and in random chunks: the preview must not depend on the chunking.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { generatePreview, PREVIEW_READ_LIMIT, PreviewBuilder } from '../../lib/mail/preview.js';

/** The preview of `message` (header, empty line, body; LF or CRLF) fed in the given pieces of its body. */
function previewOf(message: string | Buffer, chunking: 'whole' | 'bytes' | number[] = 'whole', chars?: number): string {
  const m = typeof message === 'string' ? Buffer.from(message, 'latin1') : message;
  let sep = m.indexOf('\r\n\r\n');
  let skip = 4;
  if (sep < 0 || (m.indexOf('\n\n') >= 0 && m.indexOf('\n\n') < sep)) {
    sep = m.indexOf('\n\n');
    skip = 2;
  }
  const header = m.subarray(0, sep + skip);
  const body = m.subarray(sep + skip);
  const p = new PreviewBuilder(header, chars);
  const pieces: Buffer[] = [];
  if (chunking === 'whole') pieces.push(body);
  else if (chunking === 'bytes') for (const b of body) pieces.push(Buffer.from([b]));
  else {
    let last = 0;
    for (const c of [...new Set(chunking.map((x) => x % (body.length + 1)))].sort((a, b) => a - b)) {
      pieces.push(body.subarray(last, c));
      last = c;
    }
    pieces.push(body.subarray(last));
  }
  for (const c of pieces) {
    if (p.done) break;
    p.push(c);
  }
  return p.end();
}

/** The same preview whole, byte by byte and in a few random chunkings. */
function preview(message: string | Buffer, chars?: number): string {
  const whole = previewOf(message, 'whole', chars);
  assert.equal(previewOf(message, 'bytes', chars), whole, 'byte by byte');
  fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => previewOf(message, cuts, chars) === whole), { numRuns: 30 });
  return whole;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('preview text', () => {
  test('plain text: whitespace collapsed, trimmed', () => {
    assert.equal(preview('Subject: x\r\n\r\n  Hello Bob,\r\n\r\nthis is\ta  plain   message.\r\n\r\n'),
      'Hello Bob, this is a plain message.');
  });

  test('no Content-Type is text/plain; LF line ends as mbox stores them', () => {
    assert.equal(preview('Subject: x\n\nLine one\nline two\n'), 'Line one line two');
  });

  test('quoted lines and the signature are left out', () => {
    const msg = 'Content-Type: text/plain\r\n\r\nOn Monday Ann wrote:\r\n> the old text\r\n>> older\r\n' +
      'Sounds good.\r\n--not a separator\r\n-- \r\nAnn\r\nwww.example.org\r\n';
    assert.equal(preview(msg), 'On Monday Ann wrote: Sounds good. --not a separator');
  });

  test('a part of quoted lines only gives no text: the next part is looked at', () => {
    const msg = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n> quoted only\r\n--b\r\n' +
      'Content-Type: text/plain\r\n\r\nThe reply.\r\n--b--\r\n';
    assert.equal(preview(msg), 'The reply.');
  });

  test('quoted-printable, UTF-8', () => {
    const msg = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
      'Gr=C3=BC=C3=9Fe aus K=C3=B6ln, soft=\r\nbreak and =3D sign.\r\n';
    assert.equal(preview(msg), 'Grüße aus Köln, softbreak and = sign.');
  });

  test('base64, UTF-8', () => {
    const body = utf8('Ein Gruß aus Zürich 😀 und mehr.\r\n').toString('base64').replace(/(.{20})/g, '$1\r\n');
    const msg = `Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: BASE64\r\n\r\n${body}\r\n`;
    assert.equal(preview(msg), 'Ein Gruß aus Zürich 😀 und mehr.');
  });

  test('charset ISO-8859-1 (quoted-printable and 8bit)', () => {
    assert.equal(preview('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
      'J=F6rg M=FCller =E0 Paris\r\n'), 'Jörg Müller à Paris');
    assert.equal(preview(Buffer.concat([Buffer.from('Content-Type: text/plain; charset=ISO-8859-1\r\n\r\nCaf'),
      Buffer.from([0xe9]), Buffer.from(' cr'), Buffer.from([0xe8]), Buffer.from('me\r\n')])), 'Café crème');
  });

  test('HTML only: tags, comments, scripts, styles and quotes removed, references decoded', () => {
    const msg = 'Content-Type: text/html; charset=utf-8\r\n\r\n<!DOCTYPE html><html><head><title>T</title>' +
      '<style>p { color: red }</style></head><body><!-- a <b>comment</b> --><p>Hello&nbsp;<b>W</b>orld &amp; ' +
      'friends &lt;3 &#233;&#xE9;&eacute; &unknown; a < b</p><script>var x = "<p>no</p>";</script>' +
      '<div>Second<br/>line</div><blockquote type="cite">Old <blockquote>older</blockquote> text</blockquote>' +
      '<p title="a > b">End</p></body></html>\r\n';
    assert.equal(preview(msg), 'Hello World & friends <3 ééé &unknown; a < b Second line End');
  });

  test('HTML: a character reference past U+FFFF and invalid ones', () => {
    assert.equal(preview('Content-Type: text/html\r\n\r\n<p>&#x1F600;&#0;&#xD800;&#99999999;</p>'), '😀\ufffd\ufffd\ufffd');
  });

  test('multipart/alternative: text/plain is preferred, whichever comes first', () => {
    const alt = (first: string, second: string): string => 'Content-Type: multipart/alternative; boundary="=_b"\r\n\r\n' +
      `preamble\r\n--=_b\r\n${first}\r\n--=_b\r\n${second}\r\n--=_b--\r\nepilogue\r\n`;
    const plain = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nThe plain text.';
    const html = 'Content-Type: text/html; charset=us-ascii\r\n\r\n<p>The <i>HTML</i> text.</p>';
    assert.equal(preview(alt(plain, html)), 'The plain text.');
    assert.equal(preview(alt(html, plain)), 'The plain text.');
    assert.equal(preview(alt(html, 'Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=')),
      'The HTML text.');
  });

  test('nested multipart: mixed > related > alternative, attachments skipped', () => {
    const msg = 'Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n' +
      'Content-Type: multipart/related; boundary=rel\r\n\r\n--rel\r\n' +
      'Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\n' +
      'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      utf8('<p>Hallo <b>Welt</b></p>').toString('base64') + '\r\n--alt--\r\n--rel\r\n' +
      'Content-Type: image/png\r\n\r\nPNG\r\n--rel--\r\n--outer\r\n' +
      'Content-Type: text/plain\r\nContent-Disposition: attachment; filename=log.txt\r\n\r\nlog text\r\n--outer--\r\n';
    assert.equal(preview(msg), 'Hallo Welt');
    // An attachment first, then the text.
    const att = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n' +
      'Content-Disposition: ATTACHMENT\r\n\r\nattached\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody text\r\n--b--\r\n';
    assert.equal(preview(att), 'body text');
  });

  test('an encapsulated message: its body, not its header', () => {
    const msg = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n' +
      'Subject: inner\r\nFrom: a@example.org\r\n\r\nInner body.\r\n--b--\r\n';
    assert.equal(preview(msg), 'Inner body.');
  });

  test('no text: an empty body, whitespace only, an image, an encrypted message', () => {
    assert.equal(preview('Subject: empty\r\n\r\n'), '');
    assert.equal(preview('Subject: blank\r\n\r\n \r\n\t\r\n'), '');
    assert.equal(preview('Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n'), '');
    assert.equal(preview('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=e\r\n\r\n' +
      '--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e\r\n' +
      'Content-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--e--\r\n'), '');
  });

  test('200 characters by default (RFC 8970 §3.3 SHOULD), at most 256 whatever is asked', () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const msg = `Subject: x\r\n\r\n${words}\r\n`;
    // (A cut that falls on a space leaves it out: the text is trimmed.)
    assert.equal(preview(msg), words.slice(0, 200).trimEnd());
    assert.equal(preview(msg, 256), words.slice(0, 256).trimEnd());
    assert.equal(preview(msg, 10_000), words.slice(0, 256).trimEnd());
    const letters = `Subject: x\r\n\r\n${'x'.repeat(300)}\r\n`;
    assert.equal(preview(letters).length, 200);
    assert.equal(preview(letters, 10_000).length, 256);
    // A space that would end the text is not written.
    assert.equal(preview('Subject: x\r\n\r\nabcd efgh\r\n', 5), 'abcd');
  });

  test('the cut at 256 falls on a character: UTF-8 sequences and surrogate pairs stay whole', () => {
    // 255 two-octet characters, then characters outside the BMP (two UTF-16 units, four UTF-8 octets each).
    const text = 'é'.repeat(255) + '😀'.repeat(10);
    const b64 = utf8(text).toString('base64').replace(/(.{76})/g, '$1\r\n');
    const msg = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`;
    const p = preview(msg, 256);
    assert.equal(p, 'é'.repeat(255) + '😀');
    assert.equal([...p].length, 256);
    assert.equal(Buffer.from(p, 'utf8').toString('utf8'), p, 'valid UTF-8');
    assert.ok(!p.includes('\ufffd'));
    // The default limit, 200, in the middle of the pairs.
    const pairs = '😀'.repeat(300);
    const q = preview(Buffer.from(`Content-Type: text/plain; charset=utf-8\r\n\r\n${pairs}\r\n`, 'utf8'));
    assert.equal(q, '😀'.repeat(200));
    assert.equal(q.length, 400);
  });

  test('a huge body: only its start is read', async () => {
    const line = Buffer.from('All work and no play makes Jack a dull boy.\r\n'.repeat(1500)); // ~66 KB
    let read = 0;
    async function* huge(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 3200; i++) { // ~200 MB if read to the end
        read += line.length;
        yield line;
      }
    }
    const p = await generatePreview(Buffer.from('Content-Type: text/plain\r\n\r\n'), huge());
    assert.ok(p.startsWith('All work and no play makes Jack a dull boy. All work'));
    assert.equal([...p].length, 200);
    assert.equal(read, line.length, 'one chunk read');

    // A huge attachment before any text: reading stops at the limit, with no preview.
    read = 0;
    async function* attachmentFirst(): AsyncIterable<Uint8Array> {
      const head = Buffer.from('--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n');
      read += head.length;
      yield head;
      const b64 = Buffer.from('QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n'.repeat(800));
      for (let i = 0; i < 3200; i++) {
        read += b64.length;
        yield b64;
      }
    }
    const q = await generatePreview(Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n'), attachmentFirst());
    assert.equal(q, '');
    assert.ok(read >= PREVIEW_READ_LIMIT && read < PREVIEW_READ_LIMIT + 70_000, `read ${read}`);

    // A single non-text part: nothing is worth reading past the first chunk.
    read = 0;
    const r = await generatePreview(Buffer.from('Content-Type: application/pdf\r\n\r\n'), huge());
    assert.equal(r, '');
    assert.equal(read, line.length);
  });
});
