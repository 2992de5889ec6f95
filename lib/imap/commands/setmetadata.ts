// setmetadata = "SETMETADATA" SP mailbox SP entry-values  (RFC 5464 §5)
/**
 * SETMETADATA (RFC 5464 §4.3) of server annotations (mailbox ""): the user's own /private entries, kept in the
 * control directory, all the changes or none. A NIL value removes an entry. Refused with §4.3's codes: a value over
 * the size kept (`[METADATA MAXSIZE n]`), too many entries (`[METADATA TOOMANY]`), no place for private entries
 * (`[METADATA NOPRIVATE]`); the /shared entries are the administrator's (the configuration), NO [NOPERM]. A mailbox
 * name other than "" is answered NO: METADATA-SERVER only.
 */
import type { MetadataChange } from '../../mailbox/store.js';
import { defineAuthenticatedCommand } from '../command.js';
import { bad, no } from '../errors.js';

export const setmetadata = defineAuthenticatedCommand({
  name: 'SETMETADATA', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    a.sp();
    const changes = a.metadataEntryValues();
    a.end();
    return { mailbox, changes };
  },
  async run(ctx, args: { mailbox: string; changes: MetadataChange[] }) {
    if (args.mailbox !== '') throw no('Mailboxes have no annotations here (METADATA-SERVER only)');
    if (args.changes.some((c) => c.entry === '/private' || c.entry === '/shared')) {
      throw bad('/private and /shared name the hierarchies; an entry is below them');
    }
    const refused = await ctx.store.setServerMetadata(args.changes);
    if (refused === null) return;
    switch (refused.kind) {
      case 'maxsize': throw no('Value too long', `METADATA MAXSIZE ${refused.max}`);
      case 'toomany': throw no('Too many annotations', 'METADATA TOOMANY');
      case 'noprivate': throw no('Private annotations cannot be kept for this user', 'METADATA NOPRIVATE');
      case 'shared': throw no('Shared annotations are set by the administrator', 'NOPERM');
    }
  },
});
