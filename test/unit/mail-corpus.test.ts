/**
 * The MIME corpus (test/fixtures/mime/*.eml) against Dovecot 2.3's answers (sidecar .json written by
 * test/fixtures/mime/make-expected.ts): ENVELOPE, BODY and BODYSTRUCTURE byte for byte, and the bytes of every
 * section Dovecot was asked for. Each message is parsed whole, one byte at a time, and in odd-sized chunks.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeBody, encodeBodyStructure, sectionData, type SectionSpec } from '../../lib/mail/bodystructure.js';
import { encodeEnvelope, envelopeOf, writeEnvelope } from '../../lib/mail/envelope.js';
import { ByteWriter } from '../../lib/wire/encode.js';
import { MimeParser, parseMime, type MimePart } from '../../lib/mail/mime.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'mime');

interface Sidecar {
  size: number; served: number; envelope: string; body: string; bodystructure: string;
  sections: Record<string, string | null>;
}

/**
 * Deliberate or known differences from Dovecot, by fixture:
 * - empty-body: Dovecot's mbox storage adds a CRLF after a message that ends right after its header (its RFC822.SIZE
 *   is 2 more than what was appended); we serve what was appended, so TEXT and `[]` differ by that CRLF.
 */
const SKIP_SECTIONS: Record<string, readonly string[]> = { 'empty-body': ['', 'TEXT'] };

export function crlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function parseSpec(s: string): SectionSpec {
  const m = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?(?: \((.*)\))?$/.exec(s);
  assert.ok(m, s);
  const path = m[1] === undefined ? [] : m[1].split('.').map(Number);
  return { path, text: (m[2] ?? 'ALL') as SectionSpec['text'], fields: m[3]?.split(' ') };
}

function sectionBytes(msg: Buffer, root: MimePart, spec: SectionSpec): Buffer | null {
  const d = sectionData(root, spec);
  if (d === null) return null;
  return d.kind === 'bytes' ? d.bytes : msg.subarray(d.start, d.end);
}

const names = readdirSync(DIR).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();

describe('MIME corpus against Dovecot', () => {
  for (const name of names) {
    it(name, () => {
      const msg = crlf(readFileSync(join(DIR, `${name}.eml`)));
      const side = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Sidecar;
      assert.equal(msg.length, side.served);
      const root = parseMime(msg);
      assert.equal(encodeEnvelope(envelopeOf(root.header)).toString('latin1'), side.envelope, 'ENVELOPE');
      const w = new ByteWriter();
      writeEnvelope(root.header, w);
      assert.equal(w.view().toString('latin1'), side.envelope, 'ENVELOPE written by FETCH');
      assert.equal(encodeBodyStructure(root).toString('latin1'), side.bodystructure, 'BODYSTRUCTURE');
      assert.equal(encodeBody(root).toString('latin1'), side.body, 'BODY');
      for (const [spec, b64] of Object.entries(side.sections)) {
        if (SKIP_SECTIONS[name]?.includes(spec) === true) continue;
        const got = sectionBytes(msg, root, parseSpec(spec)) ?? Buffer.alloc(0);
        const want = b64 === null ? Buffer.alloc(0) : Buffer.from(b64, 'base64');
        assert.equal(got.toString('latin1'), want.toString('latin1'), `BODY[${spec}]`);
      }
      // Any chunking gives the same tree.
      for (const step of [1, 7, 64]) {
        const p = new MimeParser();
        for (let i = 0; i < msg.length; i += step) p.write(msg.subarray(i, i + step));
        assert.deepEqual(p.end(), root, `chunks of ${step}`);
      }
    });
  }
});
