/*
 * What the files of the native addon share (they are linked into one build/uwimap-native.node; see module.c): the
 * N-API argument readers and result makers of module.c, and the functions module.c registers.
 *
 *   module.c  the module glue: the argument readers, the exported names, the registration
 *   os.c      OS shims: crypt_rn, AF_UNIX datagrams, setresgid, sync_file_range, quotactl; NSS lookups on a libuv
 *             pool thread (getpwnam_r, getpwuid_r, getspnam_r)
 *   pam.c     a PAM login on a libuv pool thread
 *   mbox.c    the mbox byte loops: a body's served size, a body and a header as served
 *   lines.c   numbered lines: POP3's LIST and UIDL listings, FETCH responses of cached values
 *
 * Only napi_register_module_v1 is exported from the shared object (-fvisibility=hidden): the names below are the
 * addon's own.
 */
#ifndef UWIMAP_ADDON_H
#define UWIMAP_ADDON_H

#define NAPI_VERSION 8

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

/* Returns NULL from the calling function when an N-API call fails; N-API has then set a pending exception. */
#define NAPI_OK(call)                                                                                                 \
  do {                                                                                                                \
    if ((call) != napi_ok) return NULL;                                                                               \
  } while (0)

/* The largest string argument we accept (a PAM service, user or host name, a path, a crypt setting). */
#define MAX_STRING_ARG 4096

/*
 * The argument readers: each throws a TypeError (a RangeError for a string too long) naming `what` and returns 0
 * (NULL for string_arg) when the argument is not what it should be, or when N-API failed (an exception pending).
 */
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage);
char *string_arg(napi_env env, napi_value value, const char *name, size_t max);
int buffer_arg(napi_env env, napi_value value, const char *name, const char **data, size_t *len);
int int_arg(napi_env env, napi_value value, double min, double max, const char *what, int64_t *out);
int bool_arg(napi_env env, napi_value value, const char *what, bool *out);
int typed_array_arg(napi_env env, napi_value value, napi_typedarray_type type, size_t min_len, const char *what,
                    void **data);

/* A number to return to JavaScript (NULL, an exception pending, when N-API fails). */
napi_value int32_result(napi_env env, int32_t value);
napi_value double_result(napi_env env, double value);

/* os.c */
napi_value js_crypt(napi_env env, napi_callback_info info);
napi_value js_unix_dgram_send(napi_env env, napi_callback_info info);
napi_value js_setresgid(napi_env env, napi_callback_info info);
napi_value js_sync_file_range(napi_env env, napi_callback_info info);
napi_value js_quota_get(napi_env env, napi_callback_info info);
napi_value js_getpwnam(napi_env env, napi_callback_info info);
napi_value js_getpwuid(napi_env env, napi_callback_info info);
napi_value js_getspnam(napi_env env, napi_callback_info info);

/* pam.c */
napi_value js_pam_authenticate(napi_env env, napi_callback_info info);
napi_value pam_codes(napi_env env);

/* mbox.c */
napi_value js_served_count(napi_env env, napi_callback_info info);
napi_value js_serve_body(napi_env env, napi_callback_info info);
napi_value js_serve_header(napi_env env, napi_callback_info info);

/* lines.c */
napi_value js_numbered_lines(napi_env env, napi_callback_info info);
napi_value js_numbered_slices(napi_env env, napi_callback_info info);

#endif
