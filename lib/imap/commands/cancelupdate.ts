// command-select =/ "CANCELUPDATE" 1*(SP quoted)  (RFC 5267 §5)
/**
 * CANCELUPDATE (RFC 5267 §4.3.5): ends the updates of the contexts whose searching commands' tags it names, "which
 * will prevent all updates to the contexts named in the arguments from being transmitted by the server". A tag that
 * names no updating context is answered NO and none is ended, so that a client never believes updates stopped that
 * were never running or that it misspelt.
 */
import { defineSelectedCommand } from '../command.js';
import { no } from '../errors.js';
import { cancelUpdates } from './shared/context.js';

export const cancelUpdate = defineSelectedCommand({
  name: 'CANCELUPDATE', states: ['selected'], expungeSafe: true,
  parse(a): string[] {
    const tags: string[] = [];
    do {
      a.sp();
      tags.push(a.quoted().toString('latin1'));
    } while (!a.atEnd());
    return tags;
  },
  async run(ctx, tags: string[]) {
    if (!cancelUpdates(ctx.selected, tags)) throw no('No updating context has that tag');
    ctx.okWith('Updates cancelled');
  },
});
