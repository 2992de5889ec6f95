/*
 * uwimap-native: the few system calls the servers need and Node lacks, through N-API only (ABI-stable: one build
 * works on every Node >= 20 without node-gyp). lib/native/native.ts loads it and states the contracts in TypeScript.
 *
 *   crypt(phrase: Buffer, setting: string): string | null
 *       libxcrypt's crypt_rn with a private struct crypt_data, so it is thread-safe and re-entrant.
 *   pamAuthenticate(service: string, user: string, password: Buffer, rhost: string): Promise<PamResult>
 *       pam_start, pam_authenticate, pam_acct_mgmt, pam_end on a libuv pool thread (modules may sleep).
 *   unixDgramSend(path: string, data: Buffer): number
 *       one datagram to an AF_UNIX SOCK_DGRAM socket (syslog's /dev/log); 0 or an errno value.
 *   setresgid(rgid: number, egid: number, sgid: number): number
 *       setresgid(2) through glibc (which applies it to every thread of the process); 0 or an errno value.
 *   servedCount(body: Buffer, verbatim: boolean, out: Float64Array): void
 *       out[0], out[1] = the octets and line ends of an mbox body as served (CRLF, one '>' less on >From lines).
 *   syncFileRange(fd: number, offset: number, nbytes: number): number
 *       sync_file_range(SYNC_FILE_RANGE_WRITE): start writing back a range now; 0 or an errno value.
 *   serveBody(data: Buffer, out: Buffer | null, verbatim: boolean, state: Int32Array): number
 *       one step of serving an mbox body (BodyServer's walk): the octets written to out (or counted), -1 when out
 *       is too small.
 *   serveHeader(raw: Buffer, out: Buffer): number
 *       a header as served (metadata fields left out, CRLF, >From unquoted): the octets written, -1 when out is
 *       too small.
 *   numberedLines(values, skip, first, end, add, before, after, form, out: Buffer): number
 *       the lines "<k + 1> <before><value><after>" of a POP3 listing, for k in [first, end) not skipped (lines.c):
 *       the octets written to out, -1 when out is too small.
 *   numberedSlices(src, starts, lengths, count, first, seconds, p0, p1, p2, p3, out: Buffer, at: number): number
 *       records "<p0><first + k><p1>[<seconds[k]><p2>]<slice k of src><p3>" (lines.c): FETCH responses made of
 *       cached values; the offset in out after them, -1 when out is too small.
 *   quotaGet(path: string, uid: number, out: Float64Array): number
 *       quotactl(Q_GETQUOTA) of uid's user quota on the filesystem holding path: out[0..5] the block hard and soft
 *       limits (KiB), the octets used, the inode hard and soft limits, the inodes used; 0 or an errno value.
 *   getpwnam(name: string): Promise<NssPasswd | null | number>
 *   getpwuid(uid: number): Promise<NssPasswd | null | number>
 *       the passwd entry through NSS (getpwnam_r, getpwuid_r) on a libuv pool thread (modules may do network I/O):
 *       {name, passwd, uid, gid, gecos, dir, shell}, null when there is none, or the errno value of a failed lookup.
 *   getspnam(name: string): Promise<NssShadow | null | number>
 *       the shadow entry (getspnam_r), likewise: {name, passwd, lastChange, min, max, warn, inactive, expire}, the
 *       day counts -1 when unset.
 *   pamCodes: { PAM_SUCCESS: 0, ... } the PAM return codes this libpam was built with.
 *
 * This file is the module glue: the argument readers every function uses, and the registration of the names above;
 * the functions themselves are in os.c, pam.c, mbox.c and lines.c (addon.h lists the files).
 *
 * Rules kept in every file: nothing is ever printed (under inetd fds 1 and 2 are the client's socket); every copy of
 * a password is overwritten with explicit_bzero before it is freed; no module-level mutable state. A JavaScript
 * argument of the wrong type throws a TypeError; system failures are return values, never exceptions.
 */
#include <stdlib.h>
#include <string.h>

#include "addon.h"

/* ---- arguments ------------------------------------------------------------------------------------------------ */

/*
 * Reads args[i] as a UTF-8 string into a new malloc'd, NUL-terminated buffer. Throws a TypeError and returns NULL
 * when it is not a string, is longer than `max` bytes, or contains a NUL byte (C would silently cut it there, and a
 * user name or setting cut short must not be taken for another). The caller frees the result.
 */
char *string_arg(napi_env env, napi_value value, const char *name, size_t max) {
  napi_valuetype type;
  NAPI_OK(napi_typeof(env, value, &type));
  if (type != napi_string) {
    napi_throw_type_error(env, NULL, name);
    return NULL;
  }
  size_t len = 0;
  NAPI_OK(napi_get_value_string_utf8(env, value, NULL, 0, &len));
  if (len > max) {
    napi_throw_range_error(env, NULL, name);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (s == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  size_t copied = 0;
  if (napi_get_value_string_utf8(env, value, s, len + 1, &copied) != napi_ok) {
    free(s);
    return NULL;
  }
  if (copied != len || strlen(s) != len) {
    free(s);
    napi_throw_type_error(env, NULL, name);
    return NULL;
  }
  return s;
}

/* Reads a Buffer (or any TypedArray view napi_get_buffer_info accepts); throws a TypeError otherwise. */
int buffer_arg(napi_env env, napi_value value, const char *name, const char **data, size_t *len) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok) return 0;
  if (!is_buffer) {
    napi_throw_type_error(env, NULL, name);
    return 0;
  }
  void *p = NULL;
  if (napi_get_buffer_info(env, value, &p, len) != napi_ok) return 0;
  *data = p != NULL ? p : "";
  return 1;
}

/* Fetches exactly `want` arguments; throws a TypeError when fewer were passed. */
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/*
 * Reads an integer argument in [min, max] (exactly: no fractions, NaN or out-of-range doubles) into *out. Throws a
 * TypeError with `what` and returns 0 otherwise.
 */
int int_arg(napi_env env, napi_value value, double min, double max, const char *what, int64_t *out) {
  napi_valuetype type;
  double d;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type != napi_number || napi_get_value_double(env, value, &d) != napi_ok || !(d >= min && d <= max) ||
      d != (double)(int64_t)d) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  *out = (int64_t)d;
  return 1;
}

/* Reads a boolean argument into *out. */
int bool_arg(napi_env env, napi_value value, const char *what, bool *out) {
  if (napi_get_value_bool(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

/* Reads a TypedArray of `type` and at least `min_len` elements; *data is its first element. */
int typed_array_arg(napi_env env, napi_value value, napi_typedarray_type type, size_t min_len, const char *what,
                    void **data) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok) return 0;
  napi_typedarray_type ttype = napi_int8_array;
  size_t tlen = 0;
  *data = NULL;
  if (is_typed && napi_get_typedarray_info(env, value, &ttype, &tlen, data, NULL, NULL) != napi_ok) return 0;
  if (!is_typed || ttype != type || tlen < min_len) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

napi_value int32_result(napi_env env, int32_t value) {
  napi_value result;
  NAPI_OK(napi_create_int32(env, value, &result));
  return result;
}

napi_value double_result(napi_env env, double value) {
  napi_value result;
  NAPI_OK(napi_create_double(env, value, &result));
  return result;
}

/* ---- module --------------------------------------------------------------------------------------------------- */

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"crypt", js_crypt},
      {"pamAuthenticate", js_pam_authenticate},
      {"unixDgramSend", js_unix_dgram_send},
      {"setresgid", js_setresgid},
      {"servedCount", js_served_count},
      {"syncFileRange", js_sync_file_range},
      {"serveBody", js_serve_body},
      {"serveHeader", js_serve_header},
      {"numberedLines", js_numbered_lines},
      {"numberedSlices", js_numbered_slices},
      {"quotaGet", js_quota_get},
      {"getpwnam", js_getpwnam},
      {"getpwuid", js_getpwuid},
      {"getspnam", js_getspnam},
  };
  napi_value fn;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    NAPI_OK(napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn));
    NAPI_OK(napi_set_named_property(env, exports, fns[i].name, fn));
  }
  napi_value codes = pam_codes(env);
  if (codes == NULL) return NULL;
  NAPI_OK(napi_set_named_property(env, exports, "pamCodes", codes));
  return exports;
}
