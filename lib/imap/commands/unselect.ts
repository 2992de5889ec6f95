// command-select /= "UNSELECT"  (RFC 3691 §4)
/** UNSELECT (RFC 3691): CLOSE without the expunge. */
import { defineSelectedCommand } from '../command.js';
import { closeSelected } from './shared/selection.js';

export const unselect = defineSelectedCommand({
  name: 'UNSELECT', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  run: (ctx) => closeSelected(ctx, false),
});
