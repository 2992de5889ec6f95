// command-select = "CHECK" / "CLOSE" / "EXPUNGE" / copy / fetch / store / uid / search  (RFC 3501 §9)
/** CLOSE (RFC 3501 §6.4.2): expunges silently and leaves the selected state. */
import { defineSelectedCommand } from '../command.js';
import { closeSelected } from './shared/selection.js';

export const close = defineSelectedCommand({
  name: 'CLOSE', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  run: (ctx) => closeSelected(ctx, true),
});
