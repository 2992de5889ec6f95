// setquota = "SETQUOTA" SP quota-root-name SP setquota-list  (RFC 9208 §7)
// setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
// setquota-resource = resource-name SP resource-limit
// resource-limit = number64
/**
 * SETQUOTA (RFC 9208 §4.1.3): parsed, and refused. A user's quota is the administrator's (the filesystem's quota,
 * or `quota_storage`), never the user's own to raise; QUOTASET is not advertised, so no client should send it.
 */
import { defineAuthenticatedCommand } from '../command.js';
import { no } from '../errors.js';

export const setquota = defineAuthenticatedCommand({
  name: 'SETQUOTA', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    a.astring();
    a.sp();
    a.setquotaList();
    a.end();
  },
  run() {
    throw no('Quotas are set by the administrator', 'NOPERM');
  },
});
