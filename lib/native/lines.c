/*
 * Numbered lines: POP3's LIST and UIDL listings (`n value` for every message not marked deleted), and IMAP's FETCH
 * responses made of values a cache holds (`* n FETCH (BODYSTRUCTURE ...)`), written at memcpy speed. A
 * 100,000-message listing is 100,000 lines that a fresh process would otherwise format in JavaScript before the JIT
 * has compiled the loop (about 25 ms of a 50 ms session); FETCH 1:* BODYSTRUCTURE is 100,000 responses.
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

/*
 * numberedSlices(src, starts, lengths, count, first, seconds, p0, p1, p2, p3, out, at) -> end: for each k in
 * [0, count), the record "<p0><first + k><p1>[<seconds[k]><p2>]<value><p3>", where value is bytes [starts[k],
 * starts[k] + lengths[k]) of `src` and the bracketed part is there only when `seconds` (a Uint32Array) is not null:
 * IMAP's `* 7 FETCH (UID 42 BODYSTRUCTURE (...))` CRLF for a run of messages whose values a cache holds. Written
 * to `out` from byte `at`; returns the offset after the last record, or -1 (nothing written) when `out` is shorter
 * than at + the lengths + count * (2 * 20 + p0 + p1 + p2 + p3). `starts` is a Float64Array and `lengths` a
 * Uint32Array of at least `count` entries; a slice outside `src` throws a RangeError.
 */
napi_value js_numbered_slices(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  const char *usage = "numberedSlices(src: Buffer, starts: Float64Array, lengths: Uint32Array, count: number, first: number, "
                      "seconds: Uint32Array | null, p0: Buffer, p1: Buffer, p2: Buffer, p3: Buffer, out: Buffer, at: number)";
  if (!get_args(env, info, 12, argv, usage)) return NULL;
  const char *src, *p[4], *out_data;
  size_t slen, plen[4], cap;
  if (!buffer_arg(env, argv[0], "numberedSlices: src must be a Buffer", &src, &slen)) return NULL;
  int64_t count = 0, first = 0, at = 0;
  if (!int_arg(env, argv[3], 0, 4294967295.0, "numberedSlices: count must be an integer >= 0", &count)) return NULL;
  if (!int_arg(env, argv[4], 0, 4294967295.0, "numberedSlices: first must be an unsigned 32-bit integer", &first)) return NULL;
  void *starts_data, *lengths_data, *seconds_data = NULL;
  if (!typed_array_arg(env, argv[1], napi_float64_array, (size_t)count,
                       "numberedSlices: starts must be a Float64Array of count entries", &starts_data) ||
      !typed_array_arg(env, argv[2], napi_uint32_array, (size_t)count,
                       "numberedSlices: lengths must be a Uint32Array of count entries", &lengths_data)) {
    return NULL;
  }
  napi_valuetype stype;
  NAPI_OK(napi_typeof(env, argv[5], &stype));
  if (stype != napi_null && !typed_array_arg(env, argv[5], napi_uint32_array, (size_t)count,
                                             "numberedSlices: seconds must be null or a Uint32Array of count entries",
                                             &seconds_data)) {
    return NULL;
  }
  for (int i = 0; i < 4; i++) {
    if (!buffer_arg(env, argv[6 + i], "numberedSlices: p0 to p3 must be Buffers", &p[i], &plen[i])) return NULL;
  }
  if (!buffer_arg(env, argv[10], "numberedSlices: out must be a Buffer", &out_data, &cap)) return NULL;
  if (!int_arg(env, argv[11], 0, (double)cap, "numberedSlices: at must be an offset within out", &at)) return NULL;
  const double *starts = starts_data;
  const uint32_t *lengths = lengths_data, *seconds = seconds_data;
  size_t need = 0, fixed = 2 * MAX_DIGITS + plen[0] + plen[1] + plen[2] + plen[3];
  for (int64_t k = 0; k < count; k++) {
    double s = starts[k];
    if (!(s >= 0 && s <= (double)slen && (double)lengths[k] <= (double)slen - s) || s != (double)(size_t)s) {
      napi_throw_range_error(env, NULL, "numberedSlices: a slice lies outside src");
      return NULL;
    }
    need += lengths[k] + fixed;
  }
  if (need > cap - (size_t)at) return int32_result(env, -1);
  unsigned char *p_out = (unsigned char *)out_data + at;
  for (int64_t k = 0; k < count; k++) {
    memcpy(p_out, p[0], plen[0]);
    p_out += plen[0];
    p_out += put_decimal(p_out, (uint64_t)first + (uint64_t)k);
    memcpy(p_out, p[1], plen[1]);
    p_out += plen[1];
    if (seconds != NULL) {
      p_out += put_decimal(p_out, seconds[k]);
      memcpy(p_out, p[2], plen[2]);
      p_out += plen[2];
    }
    memcpy(p_out, src + (size_t)starts[k], lengths[k]);
    p_out += lengths[k];
    memcpy(p_out, p[3], plen[3]);
    p_out += plen[3];
  }
  return double_result(env, (double)(p_out - (unsigned char *)out_data));
}
