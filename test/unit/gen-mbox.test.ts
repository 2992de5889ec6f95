/**
 * The benchmark mailbox generator (bench/gen-mbox.ts): determinism, and the mbox framing rules the benchmarks and
 * the mbox scanner rely on. The checks here are written independently of the generator's own code (their own
 * separator regex), so a generator bug cannot hide behind a shared helper.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateMbox } from '../../bench/gen-mbox.js';

const N = 200;

/** An mbox separator: "From " envelope sender, then an asctime(3) date ("Wed Dec  2 05:53:22 1992"). */
const SEPARATOR =
  /^From \S+ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\d \d\d:\d\d:\d\d \d{4}$/;

/** Splits a generated file into messages (each from its From line up to, not including, the blank line after it). */
function messages(text: string): string[] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((line, i) => {
    if (SEPARATOR.test(line) && (i === 0 || lines[i - 1] === '')) out.push([line]);
    else out[out.length - 1]?.push(line);
  });
  // Each message is followed by one empty line; the last also by the file's final "\n".
  return out.map((m) => m.join('\n').replace(/\n\n$/, ''));
}

describe('generateMbox', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gen-mbox-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function gen(name: string, opts: Parameters<typeof generateMbox>[1]): Promise<{ buf: Buffer; text: string }> {
    const path = join(dir, name);
    const r = await generateMbox(path, opts);
    const buf = await readFile(path);
    assert.equal(r.bytes, buf.length, 'reported bytes = file size');
    assert.equal(r.bytes, (await stat(path)).size);
    assert.equal(r.messages, opts?.messages);
    return { buf, text: buf.toString('utf8') };
  }

  it('gives byte-identical files for the same seed, and different files for another', async () => {
    const a = await gen('a.mbox', { messages: N, seed: 7 });
    const b = await gen('b.mbox', { messages: N, seed: 7 });
    const c = await gen('c.mbox', { messages: N, seed: 8 });
    assert.ok(a.buf.equals(b.buf), 'same seed, same bytes');
    assert.ok(!a.buf.equals(c.buf), 'different seed, different bytes');
  });

  for (const metadata of [true, false]) {
    describe(metadata ? 'with UW metadata' : 'fresh spool (no metadata)', () => {
      let text = '';
      let lines: string[] = [];
      before(async () => {
        text = (await gen(`m-${metadata}.mbox`, { messages: N, seed: 1, metadata })).text;
        lines = text.split('\n');
      });

      it('has exactly N separators, each at the start or after an empty line, with an asctime date', () => {
        const separators = lines.filter((l, i) => SEPARATOR.test(l) && (i === 0 || lines[i - 1] === ''));
        assert.equal(separators.length, N);
        assert.ok(SEPARATOR.test(lines[0] ?? ''), 'file starts with a separator');
      });

      it('has no unquoted "From " line in any body: every /^From / line is a separator', () => {
        lines.forEach((l, i) => {
          if (l.startsWith('From ')) {
            assert.ok(SEPARATOR.test(l) && (i === 0 || lines[i - 1] === ''), `line ${i + 1}: ${l}`);
          }
        });
        assert.ok(lines.some((l) => l.startsWith('>From ')), 'some bodies carry quoted ">From " lines');
        assert.ok(lines.some((l) => /\w[,.;?]? From /.test(l)), 'some lines have "From" mid-line');
      });

      it('ends every message with one empty line, and the file with "\\n\\n"', () => {
        assert.ok(text.endsWith('\n\n') && !text.endsWith('\n\n\n'));
        lines.forEach((l, i) => {
          if (i > 0 && SEPARATOR.test(l) && lines[i - 1] === '') assert.notEqual(lines[i - 2], '', `line ${i - 1}`);
        });
      });

      it('has increasing From-line dates and RFC 5322 headers in every message', () => {
        let last = 0;
        for (const m of messages(text)) {
          const first = m.slice(0, m.indexOf('\n'));
          const t = Date.parse(`${first.split(' ').slice(2).join(' ')} UTC`);
          assert.ok(t >= last, `dates increase: ${first}`);
          last = t;
          const header = m.slice(0, m.indexOf('\n\n'));
          for (const h of ['Return-Path', 'Received', 'Date', 'From', 'To', 'Subject', 'Message-ID']) {
            assert.match(header, new RegExp(`^${h}: `, 'm'), `${h} in ${first}`);
          }
          assert.match(header, /^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/m);
        }
      });

      it('keeps lines within RFC 5322 limits and MIME parts closed', () => {
        for (const l of lines) assert.ok(Buffer.byteLength(l) <= 998, l);
        for (const m of messages(text)) {
          const b = /boundary="([^"]+)"/.exec(m);
          if (b) assert.ok(m.includes(`\n--${b[1]}--`), `closing boundary ${b[1]}`);
        }
        assert.ok(lines.some((l) => /^=\?UTF-8\?[BQ]\?/.test(l.replace(/^(From|Subject): /, ''))), 'encoded-words');
        assert.ok(lines.some((l) => /=[0-9A-F]{2}$|=$/.test(l)), 'quoted-printable soft breaks');
        assert.ok(lines.some((l) => /^[A-Za-z0-9+/]{76}$/.test(l)), '76-character base64 lines');
      });

      it(metadata ? 'puts UW metadata at the end of the first ~30% of headers' : 'carries no metadata at all', () => {
        const msgs = messages(text);
        let prevUid = 0;
        msgs.forEach((m, i) => {
          const header = m.slice(0, m.indexOf('\n\n') + 1);
          const meta = /\n((?:X-IMAPbase: .*\n)?Status: R?O\nX-Status: D?F?A?T?\nX-Keywords:.*\nX-UID: (\d+)\n)$/.exec(header);
          if (!metadata || i >= N * 0.3) {
            assert.doesNotMatch(header, /^(Status|X-Status|X-Keywords|X-UID|X-IMAPbase|X-IMAP):/m, `message ${i + 1}`);
            return;
          }
          assert.ok(meta, `metadata block at the end of message ${i + 1}'s header`);
          const block = meta[1] ?? '';
          assert.equal(block.startsWith('X-IMAPbase: '), i === 0, 'X-IMAPbase only on the first message');
          // UW pads X-Keywords so the block up to its end is at least 50 characters (80 with X-IMAPbase).
          const upToKeywords = block.slice(0, block.indexOf('\nX-UID: '));
          assert.ok(upToKeywords.length >= (i === 0 ? 80 : 50), JSON.stringify(upToKeywords));
          const uid = Number(meta[2]);
          assert.ok(uid > prevUid, 'X-UIDs increase');
          prevUid = uid;
        });
        if (metadata) {
          const base = /^X-IMAPbase: (\d+) (\d+)( \S+)*$/m.exec(text);
          assert.ok(base, 'X-IMAPbase: uidvalidity uidlast keywords');
          assert.ok(Number(base[2]) >= prevUid, 'uidlast >= every X-UID');
        }
      });
    });
  }
});
