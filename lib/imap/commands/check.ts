// command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy / fetch / store / uid / search  (RFC 3501 §9)
/** CHECK (RFC 3501 §6.4.1): a checkpoint of the selected mailbox (what is pending is written). */
import { defineSelectedCommand } from '../command.js';

export const check = defineSelectedCommand({
  name: 'CHECK', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  async run(ctx) {
    await ctx.selected.box.checkpoint();
  },
});
