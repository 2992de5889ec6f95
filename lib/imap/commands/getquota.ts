// getquota = "GETQUOTA" SP quota-root-name  (RFC 9208 §7)
// quota-root-name = astring
/**
 * GETQUOTA (RFC 9208 §4.1.1): one quota root's resources, as `* QUOTA`. The roots are the store's (lib/mailbox/
 * quota.ts: the filesystem's quota or the configured limit); a name that is none of them is NO [NONEXISTENT].
 */
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';
import { quotaResponse } from '../responses.js';

export const getquota = defineAuthenticatedCommand({
  name: 'GETQUOTA', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const root = a.astring().toString('latin1');
    a.end();
    return root;
  },
  async run(ctx, root: string) {
    const q = await ctx.store.quota(root);
    if (q === null) throw no('No such quota root', 'NONEXISTENT');
    ctx.untagged((b) => quotaResponse(b, q));
  },
});
