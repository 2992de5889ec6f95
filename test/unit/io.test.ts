import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { InputClosed, LineInput, LineTooLong } from '../../lib/io/input.js';
import { ResponseSink } from '../../lib/io/sink.js';
import { deflating, inflating } from '../../lib/io/compress.js';
import { createDeflateRaw, createInflateRaw } from 'node:zlib';

/** Feeds `text` into a stream `step` bytes at a time, yielding to the event loop between writes. */
async function feed(s: PassThrough, text: string, step: number): Promise<void> {
  const b = Buffer.from(text, 'latin1');
  for (let i = 0; i < b.length; i += step) {
    s.write(b.subarray(i, i + step));
    await new Promise((r) => setImmediate(r));
  }
  s.end();
}

async function lines(input: LineInput): Promise<(string | Error)[]> {
  const out: (string | Error)[] = [];
  for (;;) {
    try {
      const l = await input.readLine();
      if (l === null) return out;
      out.push(l.toString('latin1'));
    } catch (e) {
      out.push(e as Error);
      if (e instanceof InputClosed) return out;
    }
  }
}

describe('LineInput', () => {
  const text = 'USER bob\r\nPASS x\nLIST\r\n' + 'A'.repeat(40) + '\r\nafter\r\nlast without newline';
  for (const step of [1, 2, 7, 1000]) {
    it(`reads lines, bounds them and stays in sync, fed ${step} byte(s) at a time`, async () => {
      const s = new PassThrough();
      const input = new LineInput(s, 20);
      const done = feed(s, text, step);
      const got = await lines(input);
      await done;
      assert.deepEqual(got.map((x) => (x instanceof LineTooLong ? 'TOO LONG' : x)),
        ['USER bob', 'PASS x', 'LIST', 'TOO LONG', 'after', 'last without newline']);
    });
  }

  it('reads literals of exact size between lines', async () => {
    const s = new PassThrough();
    const input = new LineInput(s, 100);
    const done = feed(s, 'a APPEND x {5}\r\nhe\r\nlo\r\n', 1);
    assert.equal((await input.readLine())?.toString(), 'a APPEND x {5}');
    assert.equal((await input.readBytes(5)).toString(), 'he\r\nl');
    assert.equal((await input.readLine())?.toString(), 'o');
    assert.equal(await input.readLine(), null);
    await done;
  });

  it('reports buffered input (for STARTTLS) and pipelined lines', async () => {
    const s = new PassThrough();
    const input = new LineInput(s, 100);
    s.write('STAT\r\nLIST\r\n');
    await input.readLine();
    assert.equal(input.hasLine(), true);
    assert.equal(input.buffered, 6);
    await input.readLine();
    assert.equal(input.hasLine(), false);
    assert.equal(input.buffered, 0);
    s.end();
  });
});

describe('ResponseSink', () => {
  it('gathers a reply into one write and keeps order', async () => {
    const writes: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _e, cb) { writes.push(chunk.toString('latin1')); cb(); } });
    const sink = new ResponseSink(out);
    sink.write('+OK 2 messages\r\n');
    sink.write(Buffer.from('1 120\r\n'));
    sink.write('.\r\n');
    await sink.flush();
    sink.write('+OK\r\n');
    await sink.flush();
    assert.deepEqual(writes, ['+OK 2 messages\r\n1 120\r\n.\r\n', '+OK\r\n']);
  });

  it('waits for drain when the client reads slowly (back-pressure)', async () => {
    let release: (() => void) | null = null;
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _e, cb) { release = cb; },
    });
    const sink = new ResponseSink(out);
    sink.write('x'.repeat(100));
    let flushed = false;
    const p = sink.flush().then(() => { flushed = true; });
    await new Promise((r) => setImmediate(r));
    assert.equal(flushed, false, 'flush waits while the socket buffer is full');
    (release as unknown as () => void)();
    await p;
    assert.equal(flushed, true);
  });
});

describe('COMPRESS streams (lib/io/compress.ts)', () => {
  it('each flush of the sink reaches the client whole, deflated; the line reader reads what the client deflated', async () => {
    // Server side: the sink writes through deflating(wire); the client inflates the wire as it comes.
    const wire = new PassThrough();
    const sink = new ResponseSink(wire);
    sink.write('* OK before\r\n');
    await sink.wrap(deflating);
    const client = createInflateRaw();
    let got = '';
    client.on('data', (d: Buffer) => {
      got += d.toString('latin1');
    });
    let raw = '';
    wire.on('data', (d: Buffer) => {
      // What came before the wrap is plain; everything after is fed to the client's inflater.
      if (raw === '') {
        raw = d.toString('latin1');
        assert.equal(raw, '* OK before\r\n');
      } else client.write(d);
    });
    for (const reply of ['a OK first\r\n', `* 1 FETCH (BODY[] {2000}\r\n${'y'.repeat(2000)})\r\nb OK second\r\n`]) {
      sink.write(reply);
      await sink.flush();
      // Inflating runs on libuv's pool: wait for it (bounded; a loaded machine took more than 20 ms), with no more
      // data written after the reply.
      for (let waited = 0; !got.endsWith(reply) && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      assert.ok(got.endsWith(reply), 'a flushed reply is all there without more data after it (sync flush)');
    }
    await sink.end();
    assert.equal(wire.writableEnded, true, 'ending the sink ends the wire, after the DEFLATE stream');

    // Client to server: a line reader over inflating(source).
    const source = new PassThrough();
    const input = new LineInput(source, 1000);
    source.write('plain\r\n');
    assert.equal((await input.readLine())?.toString('latin1'), 'plain');
    input.wrap(inflating);
    const deflate = createDeflateRaw();
    deflate.pipe(source);
    deflate.write('c NOOP\r\nd LOGOUT\r\n');
    deflate.end();
    assert.deepEqual(await lines(input), ['c NOOP', 'd LOGOUT']);
  });
});
