/**
 * RETR msg (RFC 1939 §5)
 *
 * `+OK size octets`, then the message dot-stuffed and the terminating dot. The size is announced from the index
 * before the first byte (ARCHITECTURE.md rule 4); a message that then cannot be sent whole ends the connection
 * without the dot, so the client cannot take a cut-off message as complete. The message is marked seen at QUIT.
 */
import { describeError } from '../../env/logger.js';
import { existingMessage, messageNumber } from '../args.js';
import { defineCommand } from '../command.js';
import { DotStuffer } from '../dot-stuff.js';
import { err, StreamBroken } from '../errors.js';
import { servedHeader } from '../served.js';

export const retr = defineCommand({
  name: 'RETR', states: ['transaction'],
  parse: messageNumber,
  async run(ctx, n) {
    const { drop } = ctx;
    const i = existingMessage(drop, n);
    let header: Buffer;
    try {
      header = await servedHeader(drop, i, ctx.opts);
    } catch (e) {
      ctx.opts.logger.log('warning', `RETR ${i} unavailable user=${ctx.who()} host=${ctx.opts.clientHost}: ${describeError(e)}`);
      throw err('[SYS/TEMP] Message unavailable');
    }
    const body = drop.text(i);
    const size = header.length + body.size;
    drop.noteRetrieved(i);
    ctx.send(`+OK ${size} octets`);
    const stuffer = new DotStuffer();
    ctx.write(stuffer.push(header));
    let sent = header.length;
    try {
      for await (const chunk of body.chunks()) {
        ctx.write(stuffer.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
        sent += chunk.length;
        await ctx.maybeFlush();
        if (ctx.outputClosed()) return;
      }
    } catch (e) {
      throw new StreamBroken(`RETR ${i} broke off after ${sent} of ${size} octets: ${describeError(e)}`);
    }
    if (sent !== size) throw new StreamBroken(`RETR ${i}: announced ${size} octets, sent ${sent}`);
    ctx.write(stuffer.end());
  },
});
