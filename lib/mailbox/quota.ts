/**
 * The user's storage quota (RFC 9208's STORAGE resource), as the store reports it for GETQUOTA and GETQUOTAROOT and
 * checks it before an APPEND, COPY or MOVE writes. Two sources, in this order:
 *
 * - the filesystem's user quota (quotactl(2) Q_GETQUOTA through lib/native), where the kernel keeps quotas for the
 *   filesystem that holds the mailbox and the user has a block limit there: usage is everything the user owns on
 *   that filesystem, as `quota -u` shows it, and the kernel enforces the limit itself (EDQUOT, which fs-errors.ts
 *   makes OVERQUOTA);
 * - else the configured limit (`quota_storage`), over the user's mail: the INBOX file and the mailbox files under
 *   the home directory, by their sizes on disk (stat, never reading a message: a 100,000-message mailbox costs one
 *   stat).
 *
 * With neither, there is no quota root (GETQUOTAROOT answers none).
 */
import { constants } from 'node:os';
import { lazyNative } from '../native/native.js';

/** One resource of a quota root (RFC 9208 §5.1): its usage and limit in its units (STORAGE: 1024 octets). */
export interface QuotaResource {
  readonly name: 'STORAGE';
  readonly usage: number;
  readonly limit: number;
}

/** A quota root (RFC 9208 §3) and its resources. */
export interface QuotaRoot {
  readonly name: string;
  readonly resources: readonly QuotaResource[];
}

/** A filesystem user quota that limits space: the limit and the usage, in octets. */
export interface FsQuota {
  readonly limitBytes: number;
  readonly usedBytes: number;
}

/** quotactl's Q_GETQUOTA as lib/native gives it: 0 and `out` filled, or an errno value. */
export type QuotaGet = (path: string, uid: number, out: Float64Array) => number;

/** Linux's ENOTBLK (quotactl on a path that is not a block device), which Node's errno table lacks. */
const ENOTBLK = 15;

const nativeQuotaGet = lazyNative<QuotaGet>((n) => n.quotaGet.bind(n));

/**
 * The errno values that say "this filesystem keeps no quota for us" rather than that something failed: no quota
 * support in the kernel (ENOSYS), quotas not turned on (ESRCH), a filesystem without a block device or without
 * quotas (ENOTBLK, ENODEV, EINVAL, EOPNOTSUPP), not allowed to look (EPERM, EACCES), nothing there yet (ENOENT).
 */
export const NO_QUOTA_ERRORS: ReadonlySet<number> = new Set([
  ...(['ENOSYS', 'ESRCH', 'ENODEV', 'EINVAL', 'EOPNOTSUPP', 'EPERM', 'EACCES', 'ENOENT', 'ENOTDIR'] as const)
    .map((n) => constants.errno[n]),
  ENOTBLK,
]);

/**
 * The user quota of `uid` on the filesystem holding `path`, when the kernel keeps one there that limits space (a
 * hard block limit, else the soft one); null when it keeps none, when neither limit is set, or when it cannot be
 * read (the addon missing, any error: a quota is something to report, and the kernel enforces it whatever we say).
 * `get` is the addon's by default (tests give their own).
 */
export function filesystemQuota(path: string, uid: number, get: QuotaGet | null = nativeQuotaGet()): FsQuota | null {
  if (get === null) return null;
  const out = new Float64Array(6);
  if (get(path, uid, out) !== 0) return null;
  const hard = out[0] ?? 0;
  const soft = out[1] ?? 0;
  const limitKiB = hard > 0 ? hard : soft;
  if (!(limitKiB > 0)) return null;
  return { limitBytes: limitKiB * 1024, usedBytes: out[2] ?? 0 };
}

/** RFC 9208 §5.1's STORAGE: octets as 1024-octet units, usage rounded up (a byte used is counted), limits down. */
export function storageResource(usedBytes: number, limitBytes: number): QuotaResource {
  return { name: 'STORAGE', usage: Math.ceil(usedBytes / 1024), limit: Math.floor(limitBytes / 1024) };
}
