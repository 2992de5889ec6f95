// getquotaroot = "GETQUOTAROOT" SP mailbox  (RFC 9208 §7)
// quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
/**
 * GETQUOTAROOT (RFC 9208 §4.1.2): the quota roots over a mailbox, then each root's `* QUOTA`. The mailbox need not
 * exist (the roots it would be under: a client asks before it creates one); with no quota configured and none kept
 * by the filesystem, `* QUOTAROOT mailbox` lists no root.
 */
import { defineAuthenticatedCommand } from '../command.js';
import { quotaResponse } from '../responses.js';
import { mailboxName, utf8On } from './shared/mailbox-name.js';
import { mailboxArg } from './shared/selection.js';

export const getquotaroot = defineAuthenticatedCommand({
  name: 'GETQUOTAROOT', states: ['authenticated', 'selected'], expungeSafe: true,
  parse: mailboxArg,
  async run(ctx, mailbox: string) {
    const roots = await ctx.store.quotaRoots(mailbox);
    ctx.untagged((b) => {
      mailboxName(b.raw('QUOTAROOT '), mailbox, utf8On(ctx));
      for (const r of roots) b.sp().astring(r.name);
    });
    for (const r of roots) ctx.untagged((b) => quotaResponse(b, r));
  },
});
