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
 *   pamCodes: { PAM_SUCCESS: 0, ... } the PAM return codes this libpam was built with.
 *
 * Rules kept here: nothing is ever printed (under inetd fds 1 and 2 are the client's socket); every copy of a
 * password is overwritten with explicit_bzero before it is freed; no module-level mutable state. A JavaScript
 * argument of the wrong type throws a TypeError; system failures are return values, never exceptions.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8

#include <crypt.h>
#include <errno.h>
#include <security/pam_appl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <node_api.h>

/* Returns NULL from the calling function when an N-API call fails; N-API has then set a pending exception. */
#define NAPI_OK(call)                                                                                                 \
  do {                                                                                                                \
    if ((call) != napi_ok) return NULL;                                                                               \
  } while (0)

/* The largest string argument we accept (a PAM service, user or host name, a path, a crypt setting). */
#define MAX_STRING_ARG 4096

/*
 * Reads args[i] as a UTF-8 string into a new malloc'd, NUL-terminated buffer. Throws a TypeError and returns NULL
 * when it is not a string, is longer than `max` bytes, or contains a NUL byte (C would silently cut it there, and a
 * user name or setting cut short must not be taken for another). The caller frees the result.
 */
static char *string_arg(napi_env env, napi_value value, const char *name, size_t max) {
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
static int buffer_arg(napi_env env, napi_value value, const char *name, const char **data, size_t *len) {
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
static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* ---- crypt ---------------------------------------------------------------------------------------------------- */

/*
 * crypt(phrase, setting) -> string | null. Null when libxcrypt refuses: an unknown or malformed setting (this covers
 * locked shadow entries such as "!", "*", "!$6$..." and the empty string), a phrase longer than
 * CRYPT_MAX_PASSPHRASE_SIZE, or a phrase containing a NUL byte (crypt would only see the bytes before it, so
 * "right\0anything" would match; no stored hash can be for such a phrase).
 */
static napi_value js_crypt(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, "crypt(phrase: Buffer, setting: string)")) return NULL;
  const char *data;
  size_t len;
  if (!buffer_arg(env, argv[0], "crypt: phrase must be a Buffer", &data, &len)) return NULL;
  char *setting = string_arg(env, argv[1], "crypt: setting must be a string without NUL bytes", MAX_STRING_ARG);
  if (setting == NULL) return NULL;

  napi_value result;
  if (len >= CRYPT_MAX_PASSPHRASE_SIZE || memchr(data, '\0', len) != NULL || setting[0] == '\0') {
    free(setting);
    NAPI_OK(napi_get_null(env, &result));
    return result;
  }
  /* crypt_data is ~32 KiB: heap, not the main thread's stack. Zeroed first, as crypt_rn's contract asks. */
  struct crypt_data *cd = calloc(1, sizeof *cd);
  char *phrase = malloc(len + 1);
  if (cd == NULL || phrase == NULL) {
    free(cd);
    free(phrase);
    free(setting);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  memcpy(phrase, data, len);
  phrase[len] = '\0';

  const char *hash = crypt_rn(phrase, setting, cd, (int)sizeof *cd);
  napi_status st;
  if (hash == NULL || hash[0] == '*') st = napi_get_null(env, &result);
  else st = napi_create_string_utf8(env, hash, NAPI_AUTO_LENGTH, &result);

  explicit_bzero(phrase, len + 1);
  explicit_bzero(cd, sizeof *cd);
  free(phrase);
  free(cd);
  free(setting);
  return st == napi_ok ? result : NULL;
}

/* ---- PAM ------------------------------------------------------------------------------------------------------ */

enum pam_stage { STAGE_OK, STAGE_START, STAGE_AUTHENTICATE, STAGE_ACCOUNT };

/* One login attempt: owned by the async work, freed (password zeroed) in pam_complete. */
struct pam_job {
  napi_async_work work;
  napi_deferred deferred;
  char *service;
  char *user;
  char *password;
  size_t password_len;
  char *rhost;
  /* Set when the result is known before PAM is asked (see js_pam_authenticate): pam_execute does nothing. */
  bool precomputed;
  /* Results, written by pam_execute on the pool thread, read by pam_complete on the main thread. */
  enum pam_stage stage;
  int code;
  char message[256];
};

static void pam_job_free(struct pam_job *job) {
  if (job->password != NULL) {
    explicit_bzero(job->password, job->password_len + 1);
    free(job->password);
  }
  free(job->service);
  free(job->user);
  free(job->rhost);
  free(job);
}

/* Frees n responses, overwriting each answer first (they may hold the password). */
static void free_responses(struct pam_response *r, int n) {
  for (int i = 0; i < n; i++) {
    if (r[i].resp != NULL) {
      explicit_bzero(r[i].resp, strlen(r[i].resp));
      free(r[i].resp);
    }
  }
  free(r);
}

/*
 * The conversation: answers every PAM_PROMPT_ECHO_OFF with the password and every PAM_PROMPT_ECHO_ON with the user
 * name (UW's ckp_pam.c did the same); PAM_ERROR_MSG and PAM_TEXT_INFO get no answer and are dropped (there is no
 * one to show them to, and printing is forbidden). Anything else is a conversation error. libpam frees the answers.
 */
static int pam_conversation(int num_msg, const struct pam_message **msg, struct pam_response **resp, void *appdata) {
  const struct pam_job *job = appdata;
  if (num_msg <= 0 || num_msg > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  struct pam_response *r = calloc((size_t)num_msg, sizeof *r);
  if (r == NULL) return PAM_BUF_ERR;
  for (int i = 0; i < num_msg; i++) {
    const char *answer = NULL;
    switch (msg[i]->msg_style) {
      case PAM_PROMPT_ECHO_OFF: answer = job->password; break;
      case PAM_PROMPT_ECHO_ON: answer = job->user; break;
      case PAM_ERROR_MSG:
      case PAM_TEXT_INFO: continue;
      default: free_responses(r, num_msg); return PAM_CONV_ERR;
    }
    r[i].resp = strdup(answer);
    if (r[i].resp == NULL) {
      free_responses(r, num_msg);
      return PAM_BUF_ERR;
    }
  }
  *resp = r;
  return PAM_SUCCESS;
}

/* Pool thread: no N-API calls allowed here. */
static void pam_execute(napi_env env, void *data) {
  (void)env;
  struct pam_job *job = data;
  if (job->precomputed) return;
  struct pam_conv conv = {pam_conversation, job};
  pam_handle_t *pamh = NULL;

  /* Each stage is recorded before its call, so a failure leaves the stage that failed. */
  job->stage = STAGE_START;
  int rc = pam_start(job->service, job->user, &conv, &pamh);
  if (rc == PAM_SUCCESS && job->rhost[0] != '\0') rc = pam_set_item(pamh, PAM_RHOST, job->rhost);
  if (rc == PAM_SUCCESS) {
    job->stage = STAGE_AUTHENTICATE;
    /* PAM_SILENT: modules need not send informational messages we would drop anyway. */
    rc = pam_authenticate(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  }
  if (rc == PAM_SUCCESS) {
    job->stage = STAGE_ACCOUNT;
    rc = pam_acct_mgmt(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  }
  if (rc == PAM_SUCCESS) job->stage = STAGE_OK;
  job->code = rc;
  /* Linux-PAM's pam_strerror ignores the handle, so it works after a failed pam_start too. */
  const char *text = pam_strerror(pamh, rc);
  snprintf(job->message, sizeof job->message, "%s", text != NULL ? text : "unknown PAM error");
  if (pamh != NULL) pam_end(pamh, rc);
  /* The password is no longer needed: do not wait for the main thread to wipe it. */
  explicit_bzero(job->password, job->password_len + 1);
}

static napi_status set_named(napi_env env, napi_value obj, const char *name, napi_value value) {
  return napi_set_named_property(env, obj, name, value);
}

/* Main thread: settles the promise with {stage, code, message} and frees the job. */
static void pam_complete(napi_env env, napi_status status, void *data) {
  struct pam_job *job = data;
  napi_value result = NULL, v;
  static const char *const stage_names[] = {"ok", "start", "authenticate", "account"};
  if (status == napi_ok && napi_create_object(env, &result) == napi_ok &&
      napi_create_string_utf8(env, stage_names[job->stage], NAPI_AUTO_LENGTH, &v) == napi_ok &&
      set_named(env, result, "stage", v) == napi_ok && napi_create_int32(env, job->code, &v) == napi_ok &&
      set_named(env, result, "code", v) == napi_ok &&
      napi_create_string_utf8(env, job->message, NAPI_AUTO_LENGTH, &v) == napi_ok &&
      set_named(env, result, "message", v) == napi_ok) {
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, "pamAuthenticate: the PAM job was cancelled or its result could not be built",
                            NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  }
  napi_delete_async_work(env, job->work);
  pam_job_free(job);
}

/*
 * pamAuthenticate(service, user, password, rhost) -> Promise<{stage, code, message}>. The password bytes are copied
 * before this returns, so the caller may wipe its Buffer at once. A password containing a NUL byte (it cannot reach
 * PAM intact) or of PAM_MAX_RESP_SIZE (512) bytes or more settles as an 'authenticate' failure with PAM_AUTH_ERR
 * without calling PAM.
 */
static napi_value js_pam_authenticate(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv, "pamAuthenticate(service: string, user: string, password: Buffer, rhost: string)"))
    return NULL;
  const char *pw;
  size_t pw_len;
  if (!buffer_arg(env, argv[2], "pamAuthenticate: password must be a Buffer", &pw, &pw_len)) return NULL;
  /* Refused without asking PAM: a NUL byte would cut the password short, and PAM_MAX_RESP_SIZE bounds any answer. */
  const char *refusal = memchr(pw, '\0', pw_len) != NULL ? "password contains a NUL byte"
                        : pw_len >= PAM_MAX_RESP_SIZE     ? "password longer than PAM_MAX_RESP_SIZE"
                                                          : NULL;
  if (refusal != NULL) pw_len = 0;

  struct pam_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->service = string_arg(env, argv[0], "pamAuthenticate: service must be a string without NUL bytes", 255);
  if (job->service != NULL && (job->service[0] == '\0' || strchr(job->service, '/') != NULL)) {
    /* Linux-PAM would take "" for the fallback service "other" and "a/b" for "b": a wrong name must not log in. */
    napi_throw_type_error(env, NULL, "pamAuthenticate: service must be a PAM service name (not empty, no '/')");
    free(job->service);
    job->service = NULL;
  }
  if (job->service != NULL)
    job->user = string_arg(env, argv[1], "pamAuthenticate: user must be a string without NUL bytes", MAX_STRING_ARG);
  if (job->user != NULL)
    job->rhost = string_arg(env, argv[3], "pamAuthenticate: rhost must be a string without NUL bytes", MAX_STRING_ARG);
  if (job->rhost != NULL) {
    job->password = malloc(pw_len + 1);
    if (job->password == NULL) napi_throw_error(env, NULL, "out of memory");
  }
  if (job->password == NULL) {
    pam_job_free(job);
    return NULL;
  }
  memcpy(job->password, pw, pw_len);
  job->password[pw_len] = '\0';
  job->password_len = pw_len;

  napi_value promise, name;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "uwimap.pamAuthenticate", NAPI_AUTO_LENGTH, &name) != napi_ok) {
    pam_job_free(job);
    return NULL;
  }
  if (refusal != NULL) {
    /* Settled through the pool all the same, so callers see one behaviour. */
    job->precomputed = true;
    job->stage = STAGE_AUTHENTICATE;
    job->code = PAM_AUTH_ERR;
    snprintf(job->message, sizeof job->message, "%s (%s)", pam_strerror(NULL, PAM_AUTH_ERR), refusal);
  }
  if (napi_create_async_work(env, NULL, name, pam_execute, pam_complete, job, &job->work) != napi_ok) {
    pam_job_free(job);
    napi_throw_error(env, NULL, "pamAuthenticate: could not create the async work");
    return NULL;
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    pam_job_free(job);
    napi_throw_error(env, NULL, "pamAuthenticate: could not queue the async work");
    return NULL;
  }
  return promise;
}

/* ---- AF_UNIX datagrams ---------------------------------------------------------------------------------------- */

/*
 * unixDgramSend(path, data) -> 0 or an errno value. A fresh socket per datagram, so there is no descriptor to keep
 * or leak and a restarted syslog daemon is found at once. MSG_DONTWAIT: this runs on the main thread, and a receiver
 * whose queue is full must cost one lost log line (EAGAIN), never a stalled server. A path that does not fit in
 * sun_path gives ENAMETOOLONG; a path with a NUL byte is a TypeError (it would name another socket).
 */
static napi_value js_unix_dgram_send(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, "unixDgramSend(path: string, data: Buffer)")) return NULL;
  const char *data;
  size_t len;
  if (!buffer_arg(env, argv[1], "unixDgramSend: data must be a Buffer", &data, &len)) return NULL;
  char *path = string_arg(env, argv[0], "unixDgramSend: path must be a string without NUL bytes", MAX_STRING_ARG);
  if (path == NULL) return NULL;

  int err = 0;
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t plen = strlen(path);
  if (plen == 0) {
    err = ENOENT;
  } else if (plen >= sizeof addr.sun_path) {
    err = ENAMETOOLONG;
  } else {
    memcpy(addr.sun_path, path, plen);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
    } else {
      ssize_t n;
      do {
        n = sendto(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&addr, sizeof addr);
      } while (n < 0 && errno == EINTR);
      if (n < 0) err = errno;
      close(fd);
    }
  }
  free(path);
  napi_value result;
  NAPI_OK(napi_create_int32(env, err, &result));
  return result;
}

/* ---- setresgid ------------------------------------------------------------------------------------------------ */

/*
 * Reads an integer argument in [min, max] (exactly: no fractions, NaN or out-of-range doubles) into *out. Throws a
 * TypeError with `what` and returns 0 otherwise.
 */
static int int_arg(napi_env env, napi_value value, double min, double max, const char *what, int64_t *out) {
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

/*
 * setresgid(rgid, egid, sgid) -> 0 or an errno value (EPERM when not privileged). glibc applies the change to every
 * thread of the process, libuv's pool threads included, so it means the same here as in a single-threaded C server.
 */
static napi_value js_setresgid(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "setresgid(rgid: number, egid: number, sgid: number)")) return NULL;
  /* Each gid in [-1, 2^32 - 2]; -1 means "leave unchanged", as in setresgid(2). */
  gid_t g[3];
  for (int i = 0; i < 3; i++) {
    int64_t v;
    if (!int_arg(env, argv[i], -1, 4294967294.0, "setresgid: each gid must be an integer from -1 to 4294967294", &v))
      return NULL;
    g[i] = v == -1 ? (gid_t)-1 : (gid_t)v;
  }
  int err = setresgid(g[0], g[1], g[2]) == 0 ? 0 : errno;
  napi_value result;
  NAPI_OK(napi_create_int32(env, err, &result));
  return result;
}

/* ---- write-back ---------------------------------------------------------------------------------------------- */

/*
 * syncFileRange(fd, offset, nbytes) -> 0 or an errno value. Starts write-back of the dirty pages of that range
 * (SYNC_FILE_RANGE_WRITE) without waiting: a rewrite calls it after each step, so the disk works while the next step
 * is copied and the final fsync has little left to wait for. Durability still comes from that fsync.
 */
static napi_value js_sync_file_range(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "syncFileRange(fd: number, offset: number, nbytes: number)")) return NULL;
  int64_t v[3];
  for (int i = 0; i < 3; i++)
    if (!int_arg(env, argv[i], 0, 9007199254740991.0, "syncFileRange: fd, offset and nbytes must be non-negative integers",
                 &v[i]))
      return NULL;
  int err = v[0] > 0x7fffffff ? EBADF : sync_file_range((int)v[0], v[1], v[2], SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
  napi_value result;
  NAPI_OK(napi_create_int32(env, err, &result));
  return result;
}

/* ---- mbox bodies ---------------------------------------------------------------------------------------------- */

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
static napi_value js_served_count(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "servedCount(body: Buffer, verbatim: boolean, out: Float64Array)")) return NULL;
  const char *data;
  size_t n;
  if (!buffer_arg(env, argv[0], "servedCount: body must be a Buffer", &data, &n)) return NULL;
  bool verbatim = false;
  if (napi_get_value_bool(env, argv[1], &verbatim) != napi_ok) {
    napi_throw_type_error(env, NULL, "servedCount: verbatim must be a boolean");
    return NULL;
  }
  bool is_typed = false;
  NAPI_OK(napi_is_typedarray(env, argv[2], &is_typed));
  napi_typedarray_type ttype = napi_int8_array;
  size_t tlen = 0;
  void *tdata = NULL;
  if (is_typed) NAPI_OK(napi_get_typedarray_info(env, argv[2], &ttype, &tlen, &tdata, NULL, NULL));
  if (!is_typed || ttype != napi_float64_array || tlen < 2) {
    napi_throw_type_error(env, NULL, "servedCount: out must be a Float64Array of length 2");
    return NULL;
  }
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
      const unsigned char *r = q;
      while (r < end && *r == '>') r++;
      if (end - r >= 5 && memcmp(r, "From ", 5) == 0) quoted++;
      q = r;
    }
  }
  /* Every LF-ended line is served with CRLF: one octet more, unless its CR was already there. */
  uint64_t octets = (uint64_t)n + lines - crlf - quoted;
  ((double *)tdata)[0] = (double)octets;
  ((double *)tdata)[1] = (double)lines;
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
static napi_value js_serve_body(napi_env env, napi_callback_info info) {
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
  if (napi_get_value_bool(env, argv[2], &verbatim) != napi_ok) {
    napi_throw_type_error(env, NULL, "serveBody: verbatim must be a boolean");
    return NULL;
  }
  bool is_typed = false;
  NAPI_OK(napi_is_typedarray(env, argv[3], &is_typed));
  napi_typedarray_type ttype = napi_int8_array;
  size_t tlen = 0;
  void *tdata = NULL;
  if (is_typed) NAPI_OK(napi_get_typedarray_info(env, argv[3], &ttype, &tlen, &tdata, NULL, NULL));
  if (!is_typed || ttype != napi_int32_array || tlen < 4) {
    napi_throw_type_error(env, NULL, "serveBody: state must be an Int32Array of length 4");
    return NULL;
  }
  int32_t *state = (int32_t *)tdata;
  const unsigned char *p = (const unsigned char *)data;
  int held_cr = state[0] != 0, at_line_start = state[1] != 0;
  int64_t pending = -1;
  size_t w = 0, lines = 0, s = 0;
  napi_value result;
#define ROOM(k)                                                                                                       \
  do {                                                                                                                \
    if (out != NULL && w + (k) > cap) {                                                                               \
      NAPI_OK(napi_create_double(env, -1, &result));                                                                  \
      return result;                                                                                                  \
    }                                                                                                                 \
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
      size_t i = s;
      while (i < n && p[i] == '>') i++;
      if (n - i < 5 && memchr(p + s, '\n', n - s) == NULL) {
        pending = (int64_t)s;
        break;
      }
      if (n - i >= 5 && memcmp(p + i, "From ", 5) == 0) s++;
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
  NAPI_OK(napi_create_double(env, (double)w, &result));
  return result;
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
static napi_value js_serve_header(napi_env env, napi_callback_info info) {
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
  napi_value result;
  while (s < n) {
    const unsigned char *nlp = memchr(p + s, '\n', n - s);
    int has_lf = nlp != NULL;
    size_t nl = has_lf ? (size_t)(nlp - p) : n;
    size_t e = has_lf && nl > s && p[nl - 1] == '\r' ? nl - 1 : nl;
    unsigned char c = p[s];
    if (!(e > s && (c == ' ' || c == '\t'))) hidden = e > s && is_meta_field(p, s, e);
    if (!hidden) {
      size_t from = s;
      if (p[s] == '>') {
        size_t i = s + 1;
        while (i < e && p[i] == '>') i++;
        if (e - i >= 5 && memcmp(p + i, "From ", 5) == 0) from = s + 1;
      }
      if (w + (e - from) + (has_lf ? 2 : 0) > cap) {
        NAPI_OK(napi_create_double(env, -1, &result));
        return result;
      }
      memcpy(out + w, p + from, e - from);
      w += e - from;
      if (has_lf) {
        out[w++] = '\r';
        out[w++] = '\n';
      }
    }
    s = nl + 1;
  }
  NAPI_OK(napi_create_double(env, (double)w, &result));
  return result;
}

/* ---- module --------------------------------------------------------------------------------------------------- */

static napi_value pam_codes(napi_env env) {
  static const struct {
    const char *name;
    int value;
  } codes[] = {
      {"PAM_SUCCESS", PAM_SUCCESS},
      {"PAM_SERVICE_ERR", PAM_SERVICE_ERR},
      {"PAM_SYSTEM_ERR", PAM_SYSTEM_ERR},
      {"PAM_BUF_ERR", PAM_BUF_ERR},
      {"PAM_PERM_DENIED", PAM_PERM_DENIED},
      {"PAM_AUTH_ERR", PAM_AUTH_ERR},
      {"PAM_CRED_INSUFFICIENT", PAM_CRED_INSUFFICIENT},
      {"PAM_AUTHINFO_UNAVAIL", PAM_AUTHINFO_UNAVAIL},
      {"PAM_USER_UNKNOWN", PAM_USER_UNKNOWN},
      {"PAM_MAXTRIES", PAM_MAXTRIES},
      {"PAM_NEW_AUTHTOK_REQD", PAM_NEW_AUTHTOK_REQD},
      {"PAM_ACCT_EXPIRED", PAM_ACCT_EXPIRED},
      {"PAM_CONV_ERR", PAM_CONV_ERR},
      {"PAM_AUTHTOK_EXPIRED", PAM_AUTHTOK_EXPIRED},
      {"PAM_ABORT", PAM_ABORT},
  };
  napi_value obj, v;
  NAPI_OK(napi_create_object(env, &obj));
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    NAPI_OK(napi_create_int32(env, codes[i].value, &v));
    NAPI_OK(napi_set_named_property(env, obj, codes[i].name, v));
  }
  NAPI_OK(napi_object_freeze(env, obj));
  return obj;
}

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
