// command-select /= "UNSELECT"  (RFC 3691 §4)
/** UNSELECT (RFC 3691): CLOSE without the expunge. */
import { defineCommand } from '../session.js';
import { closeSelected } from './shared/selection.js';

export const unselect = defineCommand({
  name: 'UNSELECT', states: ['selected'], expungeSafe: true,
  parse: (a) => a.end(),
  run: (ctx) => closeSelected(ctx, false),
});
