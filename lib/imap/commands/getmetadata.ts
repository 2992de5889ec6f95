// getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries  (RFC 5464 §5)
// metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)
/**
 * GETMETADATA (RFC 5464 §4.2) of server annotations (mailbox ""): the configured /shared entries and the user's
 * /private ones (the store's, lib/mailbox/server-metadata.ts), in one `* METADATA "" (entry value ...)`. An entry
 * asked for that has no value is answered NIL (as Dovecot does); DEPTH 1 and infinity add the entries one level
 * below it, or all of them, that have values (and then the entry itself only if it has a value or nothing below it
 * has). MAXSIZE leaves out values longer than it, and the tagged OK then says
 * `[METADATA LONGENTRIES n]`, n the longest left out (§4.2.1). This server has METADATA-SERVER only (§1): a mailbox
 * name other than "" is answered NO, since mailboxes have no annotations here.
 */
import type { MetadataOptions } from '../../wire/parser.js';
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';

export const getmetadata = defineAuthenticatedCommand({
  name: 'GETMETADATA', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    let opts: MetadataOptions = { maxSize: null, depth: '0' };
    if (a.lookingAt('(')) {
      opts = a.getmetadataOptions();
      a.sp();
    }
    const mailbox = a.mailbox();
    a.sp();
    const entries = a.metadataEntries();
    a.end();
    return { opts, mailbox, entries };
  },
  async run(ctx, args: { opts: MetadataOptions; mailbox: string; entries: string[] }) {
    if (args.mailbox !== '') throw no('Mailboxes have no annotations here (METADATA-SERVER only)');
    const all = await ctx.store.serverMetadata();
    const found = new Map<string, Buffer | null>();
    for (const e of args.entries) {
      let below = 0;
      if (args.opts.depth !== '0') {
        for (const [name, value] of all) {
          if (!name.startsWith(`${e}/`)) continue;
          if (args.opts.depth === '1' && name.indexOf('/', e.length + 1) >= 0) continue;
          found.set(name, value);
          below++;
        }
      }
      // The entry itself: its value, or NIL when it has none and nothing was found below it.
      const own = all.get(e);
      if (own !== undefined) found.set(e, own);
      else if (below === 0 && !found.has(e)) found.set(e, null);
    }
    let longest = 0;
    const max = args.opts.maxSize;
    const out = [...found].filter(([, v]) => {
      if (max === null || v === null || v.length <= max) return true;
      longest = Math.max(longest, v.length);
      return false;
    }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (out.length > 0) {
      ctx.untagged((b) => b.raw('METADATA ').string('').sp().list(out, (l, [name, value]) => {
        l.astring(name).sp();
        // Binary values (set with literal8) go back as literal8 (RFC 5464 §5: value = nstring / literal8).
        if (value !== null && value.includes(0)) l.literal8(value);
        else l.nstring(value);
      }));
    }
    if (longest > 0) ctx.okWith('GETMETADATA completed', (b) => b.raw('METADATA LONGENTRIES ').number(longest));
  },
});
