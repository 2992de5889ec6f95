/*
 * Numbered lines: POP3's LIST and UIDL listings (`n value` for every message not marked deleted), written at memcpy
 * speed. A 100,000-message listing is 100,000 lines that a fresh process would otherwise format in JavaScript
 * before the JIT has compiled the loop (about 25 ms of a 50 ms session).
 */
#include <string.h>

#include "addon.h"

/* The longest decimal a value may take (2^53 has 16 digits) and the longest line number. */
#define MAX_DIGITS 20

/* Writes v in decimal at p; returns the octets. */
static size_t put_decimal(unsigned char *p, uint64_t v) {
  unsigned char tmp[MAX_DIGITS];
  size_t n = 0;
  do {
    tmp[n++] = (unsigned char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (size_t i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
  return n;
}

/* Writes v as 8 hex digits at p (`%08lx`, or upper case). */
static void put_hex8(unsigned char *p, uint32_t v, bool upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (int k = 7; k >= 0; k--) {
    p[k] = (unsigned char)digits[v & 15];
    v >>= 4;
  }
}

/*
 * numberedLines(values, skip, first, end, add, before, after, form, out) -> octets: for each k in [first, end) with
 * skip[k] == 0, the line "<k + 1> <before><value><after>\r\n", where value is values[k] + add in decimal (form 0), or
 * values[k] as 8 hex digits in lower (form 1) or upper case (form 2). `values` is a Float64Array or a Uint32Array,
 * `skip` a Uint8Array, both at least `end` long. Returns the octets written to `out`, or -1 (nothing written) when
 * `out` is shorter than (end - first) * (2 * 20 + 3 + before.length + after.length). A decimal value that is not a
 * safe non-negative integer throws a RangeError.
 */
napi_value js_numbered_lines(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  const char *usage = "numberedLines(values: Float64Array | Uint32Array, skip: Uint8Array, first: number, end: number, "
                      "add: number, before: Buffer, after: Buffer, form: 0 | 1 | 2, out: Buffer)";
  if (!get_args(env, info, 9, argv, usage)) return NULL;
  bool is_typed = false;
  NAPI_OK(napi_is_typedarray(env, argv[0], &is_typed));
  napi_typedarray_type vtype = napi_int8_array;
  size_t vlen = 0;
  void *vdata = NULL;
  if (is_typed) NAPI_OK(napi_get_typedarray_info(env, argv[0], &vtype, &vlen, &vdata, NULL, NULL));
  if (!is_typed || (vtype != napi_float64_array && vtype != napi_uint32_array)) {
    napi_throw_type_error(env, NULL, "numberedLines: values must be a Float64Array or a Uint32Array");
    return NULL;
  }
  int64_t first = 0, end = 0, add = 0, form = 0;
  if (!int_arg(env, argv[3], 0, (double)vlen, "numberedLines: end must be an integer within values", &end)) return NULL;
  if (!int_arg(env, argv[2], 0, (double)end, "numberedLines: first must be an integer from 0 to end", &first)) return NULL;
  if (!int_arg(env, argv[4], 0, 9007199254740991.0, "numberedLines: add must be a safe integer >= 0", &add)) return NULL;
  if (!int_arg(env, argv[7], 0, 2, "numberedLines: form must be 0, 1 or 2", &form)) return NULL;
  void *skip_data;
  if (!typed_array_arg(env, argv[1], napi_uint8_array, (size_t)end, "numberedLines: skip must be a Uint8Array of end entries",
                       &skip_data)) {
    return NULL;
  }
  const char *before, *after, *out_data;
  size_t blen, alen, cap;
  if (!buffer_arg(env, argv[5], "numberedLines: before must be a Buffer", &before, &blen)) return NULL;
  if (!buffer_arg(env, argv[6], "numberedLines: after must be a Buffer", &after, &alen)) return NULL;
  if (!buffer_arg(env, argv[8], "numberedLines: out must be a Buffer", &out_data, &cap)) return NULL;
  size_t line_max = 2 * MAX_DIGITS + 3 + blen + alen;
  if ((size_t)(end - first) > cap / line_max) return int32_result(env, -1);
  const uint8_t *skip = skip_data;
  unsigned char *out = (unsigned char *)out_data, *p = out;
  for (int64_t k = first; k < end; k++) {
    if (skip[k] != 0) continue;
    double v = vtype == napi_float64_array ? ((const double *)vdata)[k] : (double)((const uint32_t *)vdata)[k];
    p += put_decimal(p, (uint64_t)k + 1);
    *p++ = ' ';
    memcpy(p, before, blen);
    p += blen;
    if (form == 0) {
      double d = v + (double)add;
      if (!(d >= 0 && d <= 9007199254740991.0) || d != (double)(uint64_t)d) {
        napi_throw_range_error(env, NULL, "numberedLines: a value is not a safe integer >= 0");
        return NULL;
      }
      p += put_decimal(p, (uint64_t)d);
    } else {
      put_hex8(p, (uint32_t)v, form == 2);
      p += 8;
    }
    memcpy(p, after, alen);
    p += alen;
    *p++ = '\r';
    *p++ = '\n';
  }
  return double_result(env, (double)(p - out));
}
