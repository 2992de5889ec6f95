/**
 * QUIT (RFC 1939 §4, §6)
 *
 * In TRANSACTION state the UPDATE state follows: the messages marked deleted are removed and the retrieved ones
 * marked seen, all or nothing. If that cannot be done nothing is changed, the client is told `-ERR [SYS/TEMP]`
 * (RFC 2449 §8.1.2) and may try again later. Before login it only ends the session.
 */
import { describeError } from '../../env/logger.js';
import { defineCommand, noArgs } from '../command.js';

export const quit = defineCommand({
  name: 'QUIT', states: ['authorization', 'transaction'],
  parse: noArgs,
  async run(ctx) {
    if (ctx.state === 'authorization') {
      ctx.send('+OK Sayonara');
      ctx.finish('quit');
      return;
    }
    const { logger, clientHost } = ctx.opts;
    const user = ctx.user;
    const drop = ctx.enterUpdate();
    try {
      const r = await drop.update();
      logger.log('info', `Update user=${user} host=${clientHost} nmsgs=${drop.count} ndele=${r.deleted} nseen=${r.seen}`);
      ctx.send(`+OK Sayonara`);
      ctx.finish('quit');
    } catch (e) {
      // The deletions were not made (the maildrop is as it was).
      logger.log('err', `Update failed user=${user} host=${clientHost}: ${describeError(e)}`);
      await drop.abandon().catch(() => undefined);
      ctx.send(`-ERR [SYS/TEMP] Mailbox not updated; messages marked deleted were kept`);
      ctx.finish('update failed');
    }
  },
});
