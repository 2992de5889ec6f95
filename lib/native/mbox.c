/*
 * The mbox byte loops (see module.c for the contracts): a body's size as served, and a body and a header as served,
 * by lib/mailbox/mbox/render.ts's rules (CRLF line ends, one '>' less on ">From " lines, the metadata fields UW
 * hides left out), at memchr speed. These are where 100,000-message mailboxes spend their time.
 */
#include <string.h>

#include "addon.h"

/* The end of the run of '>' that starts at p[i] (i itself when p[i] is not '>'), at most e. */
static size_t skip_quotes(const unsigned char *p, size_t i, size_t e) {
  while (i < e && p[i] == '>') i++;
  return i;
}

/* Whether p[i..e) starts with "From ": after a run of '>' at a line start, a quoted From line (served one '>' less). */
static int from_at(const unsigned char *p, size_t i, size_t e) {
  return e - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

/*
 * The LFs in p[0..n), the CR LF pairs among them, and the lines that start with '>', 16 bytes at a time (GCC/Clang
 * vector extensions: SSE2 on x86-64, NEON on arm64, plain code elsewhere). The byte counters are added up before
 * they can overflow.
 */
typedef unsigned char u8x16 __attribute__((vector_size(16)));

static void count_line_ends(const unsigned char *p, size_t n, uint64_t *lines, uint64_t *crlf, uint64_t *quotes) {
  uint64_t lf = 0, cr = 0, gt = 0;
  if (n == 0) {
    *lines = *crlf = *quotes = 0;
    return;
  }
  if (p[0] == '\n') lf++;
  if (p[0] == '>') gt++;
  size_t i = 1;
  const u8x16 nl = {'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n'};
  const u8x16 cret = {'\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r', '\r'};
  const u8x16 quote = {'>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>', '>'};
  while (n >= 17 && i <= n - 16) {
    u8x16 acc_lf = {0}, acc_cr = {0}, acc_gt = {0};
    for (int k = 0; k < 255 && i <= n - 16; k++, i += 16) {
      u8x16 v, prev;
      memcpy(&v, p + i, 16);
      memcpy(&prev, p + i - 1, 16);
      u8x16 is_lf = (u8x16)(v == nl);
      u8x16 after_lf = (u8x16)(prev == nl);
      acc_lf -= is_lf;
      acc_cr -= is_lf & (u8x16)(prev == cret);
      acc_gt -= after_lf & (u8x16)(v == quote);
    }
    for (int k = 0; k < 16; k++) {
      lf += acc_lf[k];
      cr += acc_cr[k];
      gt += acc_gt[k];
    }
  }
  for (; i < n; i++) {
    if (p[i] == '\n') {
      lf++;
      if (p[i - 1] == '\r') cr++;
    } else if (p[i] == '>' && p[i - 1] == '\n') {
      gt++;
    }
  }
  *lines = lf;
  *crlf = cr;
  *quotes = gt;
}

/*
 * servedCount(body, verbatim, out): the size of a whole mbox body (starting at a line start) as IMAP and POP3 serve
 * it, the rule of lib/mailbox/mbox/render.ts BodyServer: every line end becomes CRLF (a CR already before the LF is
 * not doubled), and unless `verbatim`, a line of one or more '>' then "From " loses one '>'; a last line without LF
 * is served as it is. out[0] = octets, out[1] = lines ending in LF. This is the whole cost of RFC822.SIZE on a
 * mailbox indexed without reading its bodies, so it is done here rather than line by line in JS, and without
 * walking lines: the line ends are counted 16 bytes at a time, and only the lines that start with '>' looked at.
 */
napi_value js_served_count(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "servedCount(body: Buffer, verbatim: boolean, out: Float64Array)")) return NULL;
  const char *data;
  size_t n;
  if (!buffer_arg(env, argv[0], "servedCount: body must be a Buffer", &data, &n)) return NULL;
  bool verbatim = false;
  if (!bool_arg(env, argv[1], "servedCount: verbatim must be a boolean", &verbatim)) return NULL;
  void *out;
  const char *out_usage = "servedCount: out must be a Float64Array of length 2";
  if (!typed_array_arg(env, argv[2], napi_float64_array, 2, out_usage, &out)) return NULL;
  const unsigned char *p = (const unsigned char *)data;
  uint64_t lines = 0, crlf = 0, quote_lines = 0, quoted = 0;
  count_line_ends(p, n, &lines, &crlf, &quote_lines);
  if (!verbatim && quote_lines > 0) {
    /* Some lines start with '>': those that are '>'s then "From " are served with one '>' less. */
    const unsigned char *end = p + n, *q = p;
    while (q < end && (q = memchr(q, '>', (size_t)(end - q))) != NULL) {
      if (q > p && q[-1] != '\n') {
        q++;
        continue;
      }
      size_t r = skip_quotes(p, (size_t)(q - p), n);
      if (from_at(p, r, n)) quoted++;
      q = p + r;
    }
  }
  /* Every LF-ended line is served with CRLF: one octet more, unless its CR was already there. */
  uint64_t octets = (uint64_t)n + lines - crlf - quoted;
  ((double *)out)[0] = (double)octets;
  ((double *)out)[1] = (double)lines;
  return NULL;
}

/*
 * serveBody(data, out, verbatim, state) -> octets: one step of lib/mailbox/mbox/render.ts BodyServer's walk, the
 * rule servedCount counts: each line end served as CRLF (a CR already before the LF is not doubled), and unless
 * `verbatim` a line of one or more '>' then "From " loses one '>'. `state` (an Int32Array of 4) carries what a line
 * cut between calls needs: state[0] the previous data ended in CR (held back: it may be a CRLF's), state[1] the data
 * starts a line; both are updated. state[2] is set to where a line starts that may still prove a quoted From line
 * once more bytes come (the caller keeps data from there and passes it again in front of the next data; the bytes
 * before it are served), or -1; state[3] to the LF-terminated lines served. Writes to `out` when it is a Buffer,
 * only counts when it is null. When `out` has too little room (data.length + LFs + 1 bytes always suffice), returns
 * -1 with `state` as it was (the caller retries with a larger buffer). Serving a
 * body line by line in JS was a fifth of a SEARCH TEXT over a large mailbox; here it is memchr and memcpy.
 */
napi_value js_serve_body(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const char *usage = "serveBody(data: Buffer, out: Buffer | null, verbatim: boolean, state: Int32Array)";
  if (!get_args(env, info, 4, argv, usage)) return NULL;
  const char *data;
  size_t n;
  if (!buffer_arg(env, argv[0], "serveBody: data must be a Buffer", &data, &n)) return NULL;
  napi_valuetype out_type;
  NAPI_OK(napi_typeof(env, argv[1], &out_type));
  const char *out_ro = NULL;
  size_t cap = 0;
  if (out_type != napi_null && !buffer_arg(env, argv[1], "serveBody: out must be a Buffer or null", &out_ro, &cap)) {
    return NULL;
  }
  unsigned char *out = (unsigned char *)out_ro;
  bool verbatim = false;
  if (!bool_arg(env, argv[2], "serveBody: verbatim must be a boolean", &verbatim)) return NULL;
  void *state_data;
  if (!typed_array_arg(env, argv[3], napi_int32_array, 4, "serveBody: state must be an Int32Array of length 4",
                       &state_data))
    return NULL;
  int32_t *state = state_data;
  const unsigned char *p = (const unsigned char *)data;
  int held_cr = state[0] != 0, at_line_start = state[1] != 0;
  int64_t pending = -1;
  size_t w = 0, lines = 0, s = 0;
#define ROOM(k)                                                                                                       \
  do {                                                                                                                \
    if (out != NULL && w + (k) > cap) return double_result(env, -1);                                                  \
  } while (0)
  if (held_cr) {
    held_cr = 0;
    if (n == 0 || p[0] != '\n') {
      ROOM(1);
      if (out != NULL) out[w] = '\r';
      w++;
    }
  }
  while (s < n) {
    if (at_line_start && !verbatim && p[s] == '>') {
      size_t i = skip_quotes(p, s, n);
      if (n - i < 5 && memchr(p + s, '\n', n - s) == NULL) {
        pending = (int64_t)s;
        break;
      }
      if (from_at(p, i, n)) s++;
    }
    const unsigned char *nl = memchr(p + s, '\n', n - s);
    if (nl == NULL) {
      size_t e = n;
      if (p[e - 1] == '\r') {
        held_cr = 1;
        e--;
      }
      ROOM(e - s);
      if (out != NULL) memcpy(out + w, p + s, e - s);
      w += e - s;
      at_line_start = 0;
      break;
    }
    size_t k = (size_t)(nl - p);
    size_t e = k > s && p[k - 1] == '\r' ? k - 1 : k;
    ROOM(e - s + 2);
    if (out != NULL) {
      memcpy(out + w, p + s, e - s);
      out[w + e - s] = '\r';
      out[w + e - s + 1] = '\n';
    }
    w += e - s + 2;
    lines++;
    at_line_start = 1;
    s = k + 1;
  }
#undef ROOM
  state[0] = held_cr;
  state[1] = at_line_start;
  state[2] = (int32_t)pending;
  state[3] = (int32_t)lines;
  return double_result(env, (double)w);
}

/* Whether p[0..len) equals the lower-case ASCII `lower` case-insensitively. */
static int ascii_ieq(const unsigned char *p, const char *lower, size_t len) {
  for (size_t k = 0; k < len; k++) {
    unsigned char b = p[k];
    if (b >= 'A' && b <= 'Z') b |= 0x20;
    if (b != (unsigned char)lower[k]) return 0;
  }
  return 1;
}

/* render.ts isMetaField: whether the line p[s..e) starts a metadata field UW hides (Status, X-Status, X-Keywords,
 * X-UID, X-IMAP, X-IMAPbase). */
static int is_meta_field(const unsigned char *p, size_t s, size_t e) {
  unsigned char c = p[s] | 0x20;
  if (c != 's' && c != 'x') return 0;
  size_t limit = e < s + 11 ? e : s + 11, i = s;
  while (i < limit && p[i] != ':') i++;
  if (i >= e || p[i] != ':') return 0;
  switch (i - s) {
    case 5: return ascii_ieq(p + s, "x-uid", 5);
    case 6: return ascii_ieq(p + s, "status", 6) || ascii_ieq(p + s, "x-imap", 6);
    case 8: return ascii_ieq(p + s, "x-status", 8);
    case 10: return ascii_ieq(p + s, "x-keywords", 10) || ascii_ieq(p + s, "x-imapbase", 10);
    default: return 0;
  }
}

/*
 * serveHeader(raw, out) -> octets: render.ts serveHeader, the header as served from its file bytes: metadata fields
 * (and their continuation lines) left out, CRLF line ends, one '>' less on `>+From ` lines. `out` must have room for
 * raw.length + the LFs in it; returns -1 when it has not (nothing else happens then).
 */
napi_value js_serve_header(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, "serveHeader(raw: Buffer, out: Buffer)")) return NULL;
  const char *raw_c, *out_c;
  size_t n, cap;
  if (!buffer_arg(env, argv[0], "serveHeader: raw must be a Buffer", &raw_c, &n)) return NULL;
  if (!buffer_arg(env, argv[1], "serveHeader: out must be a Buffer", &out_c, &cap)) return NULL;
  const unsigned char *p = (const unsigned char *)raw_c;
  unsigned char *out = (unsigned char *)out_c;
  size_t w = 0, s = 0;
  int hidden = 0;
  while (s < n) {
    const unsigned char *nlp = memchr(p + s, '\n', n - s);
    int has_lf = nlp != NULL;
    size_t nl = has_lf ? (size_t)(nlp - p) : n;
    size_t e = has_lf && nl > s && p[nl - 1] == '\r' ? nl - 1 : nl;
    unsigned char c = p[s];
    if (!(e > s && (c == ' ' || c == '\t'))) hidden = e > s && is_meta_field(p, s, e);
    if (!hidden) {
      size_t from = s;
      if (p[s] == '>' && from_at(p, skip_quotes(p, s, e), e)) from = s + 1;
      if (w + (e - from) + (has_lf ? 2 : 0) > cap) return double_result(env, -1);
      memcpy(out + w, p + from, e - from);
      w += e - from;
      if (has_lf) {
        out[w++] = '\r';
        out[w++] = '\n';
      }
    }
    s = nl + 1;
  }
  return double_result(env, (double)w);
}
