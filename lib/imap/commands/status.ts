// status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"  (RFC 3501 §9)
// status-att =/ "HIGHESTMODSEQ"  (RFC 7162 §7)
// status-att =/ "APPENDLIMIT"  (RFC 7889 §5)
// status-att =/ "SIZE"  (RFC 8438 §5)
// status-att =/ "DELETED" / "DELETED-STORAGE"  (RFC 9208 §7)
/**
 * STATUS (RFC 3501 §6.3.10, HIGHESTMODSEQ of RFC 7162 §3.1.2.2, APPENDLIMIT of RFC 7889, SIZE of RFC 8438, DELETED
 * and DELETED-STORAGE of RFC 9208 §4.2); the response is shared/status.ts's, which
 * LIST-STATUS sends too.
 */
import type { StatusAtt } from '../../wire/parser.js';
import { defineAuthenticatedCommand } from '../command.js';
import { sendStatus } from './shared/status.js';

export const status = defineAuthenticatedCommand({
  name: 'STATUS', states: ['authenticated', 'selected'], expungeSafe: true,
  parse(a) {
    a.sp();
    const mailbox = a.mailbox();
    a.sp();
    const atts = a.statusAtts();
    a.end();
    return { mailbox, atts };
  },
  run: (ctx, args: { mailbox: string; atts: StatusAtt[] }) => sendStatus(ctx, args.mailbox, args.atts),
});
