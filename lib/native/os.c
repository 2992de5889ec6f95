/*
 * The addon's OS shims (see module.c for the contracts): the system calls Node lacks. crypt_rn for shadow hashes,
 * one AF_UNIX datagram (syslog), setresgid(2) for the privilege drop, sync_file_range(2) for the rewrite's
 * write-back, quotactl(2) for the user's disk quota (RFC 9208), and the account database through NSS (getpwnam_r,
 * getpwuid_r, getspnam_r) on a libuv pool thread. Each failure of the system is a return value (null or an errno
 * value), never an exception.
 */
#define _GNU_SOURCE

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "addon.h"

/* ---- crypt ---------------------------------------------------------------------------------------------------- */

/*
 * crypt(phrase, setting) -> string | null. Null when libxcrypt refuses: an unknown or malformed setting (this covers
 * locked shadow entries such as "!", "*", "!$6$..." and the empty string), a phrase longer than
 * CRYPT_MAX_PASSPHRASE_SIZE, or a phrase containing a NUL byte (crypt would only see the bytes before it, so
 * "right\0anything" would match; no stored hash can be for such a phrase).
 */
napi_value js_crypt(napi_env env, napi_callback_info info) {
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

/* ---- AF_UNIX datagrams ---------------------------------------------------------------------------------------- */

/*
 * unixDgramSend(path, data) -> 0 or an errno value. A fresh socket per datagram, so there is no descriptor to keep
 * or leak and a restarted syslog daemon is found at once. MSG_DONTWAIT: this runs on the main thread, and a receiver
 * whose queue is full must cost one lost log line (EAGAIN), never a stalled server. A path that does not fit in
 * sun_path gives ENAMETOOLONG; a path with a NUL byte is a TypeError (it would name another socket).
 */
napi_value js_unix_dgram_send(napi_env env, napi_callback_info info) {
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
  return int32_result(env, err);
}

/* ---- setresgid ------------------------------------------------------------------------------------------------ */

/*
 * setresgid(rgid, egid, sgid) -> 0 or an errno value (EPERM when not privileged). glibc applies the change to every
 * thread of the process, libuv's pool threads included, so it means the same here as in a single-threaded C server.
 */
napi_value js_setresgid(napi_env env, napi_callback_info info) {
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
  return int32_result(env, err);
}

/* ---- write-back ----------------------------------------------------------------------------------------------- */

/*
 * syncFileRange(fd, offset, nbytes) -> 0 or an errno value. Starts write-back of the dirty pages of that range
 * (SYNC_FILE_RANGE_WRITE) without waiting: a rewrite calls it after each step, so the disk works while the next step
 * is copied and the final fsync has little left to wait for. Durability still comes from that fsync.
 */
napi_value js_sync_file_range(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "syncFileRange(fd: number, offset: number, nbytes: number)")) return NULL;
  int64_t v[3];
  for (int i = 0; i < 3; i++)
    if (!int_arg(env, argv[i], 0, 9007199254740991.0, "syncFileRange: fd, offset and nbytes must be non-negative integers",
                 &v[i]))
      return NULL;
  int err = v[0] > 0x7fffffff ? EBADF : sync_file_range((int)v[0], v[1], v[2], SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
  return int32_result(env, err);
}

/* ---- disk quota ----------------------------------------------------------------------------------------------- */

/*
 * The block device (the mount's source) of the filesystem that holds `st`, from /proc/self/mountinfo (field 3 is
 * "major:minor", the source follows the " - fstype " separator), into `out`; 0 or an errno value (ENODEV when no
 * mount matches, ENOENT without /proc). The last matching line wins: it is the mount on top.
 */
static int mount_source(const struct stat *st, char *out, size_t outlen) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL) return errno;
  char line[4096];
  int err = ENODEV;
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned maj, min;
    if (sscanf(line, "%*s %*s %u:%u", &maj, &min) != 2) continue;
    if (makedev(maj, min) != st->st_dev) continue;
    const char *sep = strstr(line, " - ");
    char source[1024];
    if (sep == NULL || sscanf(sep + 3, "%*s %1023s", source) != 1) continue;
    if (strlen(source) >= outlen) continue;
    strcpy(out, source);
    err = 0;
  }
  fclose(f);
  return err;
}

/*
 * quotaGet(path, uid, out) -> 0 or an errno value. The user quota of `uid` on the filesystem holding `path`
 * (Q_GETQUOTA): out[0] the block hard limit and out[1] the soft limit (in 1024-octet units, QIF_DQBLKSIZE; 0: none),
 * out[2] the space used in octets, out[3] and out[4] the inode hard and soft limits, out[5] the inodes used. First
 * quotactl_fd(2) on the path itself (Linux 5.14: no device to look for, and it works on filesystems with no block
 * device); where the kernel lacks it (ENOSYS), quotactl(2) on the mount's source found in /proc/self/mountinfo. The
 * errors that mean "no quota here" (ENOSYS: a kernel without quota support; ESRCH: quotas not on for this
 * filesystem; ENOTBLK, ENODEV, EINVAL, EOPNOTSUPP: a filesystem that has none) are the caller's to read
 * (lib/mailbox/quota.ts); EPERM only for another uid than ours without CAP_SYS_ADMIN.
 */
napi_value js_quota_get(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "quotaGet(path: string, uid: number, out: Float64Array)")) return NULL;
  int64_t uid;
  if (!int_arg(env, argv[1], 0, 4294967294.0, "quotaGet: uid must be an integer from 0 to 4294967294", &uid))
    return NULL;
  void *outp;
  if (!typed_array_arg(env, argv[2], napi_float64_array, 6, "quotaGet: out must be a Float64Array of 6", &outp))
    return NULL;
  char *path = string_arg(env, argv[0], "quotaGet: path must be a string without NUL bytes", MAX_STRING_ARG);
  if (path == NULL) return NULL;

  struct dqblk dq;
  memset(&dq, 0, sizeof dq);
  int err = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    err = errno;
  } else {
#ifdef SYS_quotactl_fd
    err = syscall(SYS_quotactl_fd, fd, QCMD(Q_GETQUOTA, USRQUOTA), (int)uid, &dq) == 0 ? 0 : errno;
#else
    err = ENOSYS;
#endif
    if (err == ENOSYS) {
      struct stat st;
      char source[1024];
      if (fstat(fd, &st) != 0) err = errno;
      else if ((err = mount_source(&st, source, sizeof source)) == 0)
        err = quotactl(QCMD(Q_GETQUOTA, USRQUOTA), source, (int)uid, (caddr_t)&dq) == 0 ? 0 : errno;
    }
    close(fd);
  }
  free(path);
  double *out = outp;
  if (err == 0) {
    out[0] = (double)dq.dqb_bhardlimit;
    out[1] = (double)dq.dqb_bsoftlimit;
    out[2] = (double)dq.dqb_curspace;
    out[3] = (double)dq.dqb_ihardlimit;
    out[4] = (double)dq.dqb_isoftlimit;
    out[5] = (double)dq.dqb_curinodes;
  }
  return int32_result(env, err);
}

/* ---- the account database (NSS) ------------------------------------------------------------------------------ */

/*
 * getpwnam_r, getpwuid_r and getspnam_r ask whatever /etc/nsswitch.conf names (files, systemd, sss, ldap, nis,
 * extrausers...), and a module may wait on the network: each lookup runs on a libuv pool thread and settles a
 * promise, as pamAuthenticate does. The reentrant forms, with a buffer of our own per lookup, so concurrent lookups
 * on pool threads share nothing.
 */

enum nss_query { NSS_PWNAM, NSS_PWUID, NSS_SPNAM };

/* One lookup: owned by the async work, freed in nss_complete. */
struct nss_job {
  napi_async_work work;
  napi_deferred deferred;
  enum nss_query query;
  char *name; /* NSS_PWNAM, NSS_SPNAM */
  uid_t uid;  /* NSS_PWUID */
  /* Results, written by nss_execute on the pool thread, read by nss_complete on the main thread. */
  int err;    /* 0, or the errno value the lookup failed with */
  bool found; /* err == 0 and an entry was found: pw or sp holds it, pointing into buf */
  struct passwd pw;
  struct spwd sp;
  char *buf;
  size_t buflen;
};

/* The entry's strings live in the job's buffer: doubled from 1 KiB on ERANGE, up to 1 MiB (no real entry
 * needs more; past that the lookup fails with ERANGE). */
#define NSS_BUF_FIRST 1024
#define NSS_BUF_LIMIT (1024 * 1024)

static void nss_job_free(struct nss_job *job) {
  if (job->buf != NULL) {
    /* The buffer may hold a password hash (getspnam, or a passwd field that is one). */
    explicit_bzero(job->buf, job->buflen);
    free(job->buf);
  }
  free(job->name);
  free(job);
}

/* Pool thread: no N-API calls allowed here. */
static void nss_execute(napi_env env, void *data) {
  (void)env;
  struct nss_job *job = data;
  for (size_t size = NSS_BUF_FIRST;; size *= 2) {
    if (job->buf != NULL) explicit_bzero(job->buf, job->buflen);
    char *buf = realloc(job->buf, size);
    if (buf == NULL) {
      job->err = ENOMEM;
      return;
    }
    job->buf = buf;
    job->buflen = size;
    struct passwd *pwr = NULL;
    struct spwd *spr = NULL;
    int rc;
    errno = 0;
    switch (job->query) {
      case NSS_PWNAM: rc = getpwnam_r(job->name, &job->pw, buf, size, &pwr); break;
      case NSS_PWUID: rc = getpwuid_r(job->uid, &job->pw, buf, size, &pwr); break;
      default: rc = getspnam_r(job->name, &job->sp, buf, size, &spr); break;
    }
    /* glibc returns the error number; older interfaces returned -1 and set errno. */
    if (rc == -1) rc = errno != 0 ? errno : EIO;
    if (rc == ERANGE && size < NSS_BUF_LIMIT) continue;
    /* glibc: 0 and no entry is "not found"; any error number is a failure of the database (a module that could
     * not be asked, a file that could not be read), which the caller must not take for "no such user". */
    job->err = rc;
    job->found = rc == 0 && (pwr != NULL || spr != NULL);
    return;
  }
}

static napi_status set_string(napi_env env, napi_value obj, const char *name, const char *value) {
  napi_value v;
  napi_status st = napi_create_string_utf8(env, value != NULL ? value : "", NAPI_AUTO_LENGTH, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, name, v) : st;
}

static napi_status set_number(napi_env env, napi_value obj, const char *name, double value) {
  napi_value v;
  napi_status st = napi_create_double(env, value, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, name, v) : st;
}

/* The found entry as an object (see native.ts's NssPasswd and NssShadow), or NULL when N-API failed. */
static napi_value nss_entry(napi_env env, const struct nss_job *job) {
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  if (job->query == NSS_SPNAM) {
    const struct spwd *sp = &job->sp;
    /* Unset numeric fields are -1 (glibc's nss_files reads an empty field so). */
    if (set_string(env, obj, "name", sp->sp_namp) != napi_ok || set_string(env, obj, "passwd", sp->sp_pwdp) != napi_ok ||
        set_number(env, obj, "lastChange", (double)sp->sp_lstchg) != napi_ok ||
        set_number(env, obj, "min", (double)sp->sp_min) != napi_ok ||
        set_number(env, obj, "max", (double)sp->sp_max) != napi_ok ||
        set_number(env, obj, "warn", (double)sp->sp_warn) != napi_ok ||
        set_number(env, obj, "inactive", (double)sp->sp_inact) != napi_ok ||
        set_number(env, obj, "expire", (double)sp->sp_expire) != napi_ok)
      return NULL;
    return obj;
  }
  const struct passwd *pw = &job->pw;
  if (set_string(env, obj, "name", pw->pw_name) != napi_ok || set_string(env, obj, "passwd", pw->pw_passwd) != napi_ok ||
      set_number(env, obj, "uid", (double)pw->pw_uid) != napi_ok ||
      set_number(env, obj, "gid", (double)pw->pw_gid) != napi_ok || set_string(env, obj, "gecos", pw->pw_gecos) != napi_ok ||
      set_string(env, obj, "dir", pw->pw_dir) != napi_ok || set_string(env, obj, "shell", pw->pw_shell) != napi_ok)
    return NULL;
  return obj;
}

/* Main thread: settles the promise with the entry, null (no such entry) or the errno value, and frees the job. */
static void nss_complete(napi_env env, napi_status status, void *data) {
  struct nss_job *job = data;
  napi_value result = NULL;
  if (status == napi_ok) {
    if (job->err != 0) result = int32_result(env, job->err);
    else if (!job->found) napi_get_null(env, &result);
    else result = nss_entry(env, job);
  }
  if (result != NULL) {
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, "account lookup: the job was cancelled or its result could not be built",
                            NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  }
  napi_delete_async_work(env, job->work);
  nss_job_free(job);
}

/* Queues `job` and returns its promise; frees the job and returns NULL (an exception pending) when it cannot. */
static napi_value nss_queue(napi_env env, struct nss_job *job) {
  napi_value promise, name;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "uwimap.nss", NAPI_AUTO_LENGTH, &name) != napi_ok) {
    nss_job_free(job);
    return NULL;
  }
  if (napi_create_async_work(env, NULL, name, nss_execute, nss_complete, job, &job->work) != napi_ok) {
    nss_job_free(job);
    napi_throw_error(env, NULL, "account lookup: could not create the async work");
    return NULL;
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    nss_job_free(job);
    napi_throw_error(env, NULL, "account lookup: could not queue the async work");
    return NULL;
  }
  return promise;
}

/* getpwnam(name) and getspnam(name): a name without NUL bytes, at most MAX_STRING_ARG bytes. */
static napi_value nss_by_name(napi_env env, napi_callback_info info, enum nss_query query, const char *usage,
                              const char *what) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, usage)) return NULL;
  struct nss_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->query = query;
  job->name = string_arg(env, argv[0], what, MAX_STRING_ARG);
  if (job->name == NULL) {
    nss_job_free(job);
    return NULL;
  }
  return nss_queue(env, job);
}

/* getpwnam(name) -> Promise<{name, passwd, uid, gid, gecos, dir, shell} | null | errno>. */
napi_value js_getpwnam(napi_env env, napi_callback_info info) {
  return nss_by_name(env, info, NSS_PWNAM, "getpwnam(name: string)", "getpwnam: name must be a string without NUL bytes");
}

/* getspnam(name) -> Promise<{name, passwd, lastChange, min, max, warn, inactive, expire} | null | errno>. */
napi_value js_getspnam(napi_env env, napi_callback_info info) {
  return nss_by_name(env, info, NSS_SPNAM, "getspnam(name: string)", "getspnam: name must be a string without NUL bytes");
}

/* getpwuid(uid) -> Promise<{name, passwd, uid, gid, gecos, dir, shell} | null | errno>. */
napi_value js_getpwuid(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "getpwuid(uid: number)")) return NULL;
  int64_t uid;
  /* (uid_t)-1 is no uid: setreuid's "unchanged". */
  if (!int_arg(env, argv[0], 0, 4294967294.0, "getpwuid: uid must be an integer from 0 to 4294967294", &uid))
    return NULL;
  struct nss_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->query = NSS_PWUID;
  job->uid = (uid_t)uid;
  return nss_queue(env, job);
}
