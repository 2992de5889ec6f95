import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { InputClosed, LineInput, LineTooLong } from '../../lib/io/input.js';
import { ResponseSink } from '../../lib/io/sink.js';

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
