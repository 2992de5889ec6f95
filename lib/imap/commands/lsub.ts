// lsub = "LSUB" SP mailbox SP list-mailbox  (RFC 3501 §9)
/** LSUB (RFC 3501 §6.3.9): LIST (list.ts) of the subscribed names. */
import { listCommand } from './list.js';

export const lsub = listCommand('LSUB', true);
