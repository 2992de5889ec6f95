/*
 * pamAuthenticate (see module.c for the contract): one login through PAM (pam_start, pam_authenticate,
 * pam_acct_mgmt, pam_end) on a libuv pool thread, since modules may sleep, settled as a promise. Every copy of the
 * password is overwritten before it is freed. Also pamCodes, the return codes of the libpam it was built with.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

#include "addon.h"

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
napi_value js_pam_authenticate(napi_env env, napi_callback_info info) {
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

/* pamCodes: the PAM return codes this libpam was built with, as a frozen object. */
napi_value pam_codes(napi_env env) {
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
