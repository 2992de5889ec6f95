/*
 * cclient-oracle: a tiny command-line front end to UW's c-client library (Debian's libc-client2007e), so the
 * interop tests can read and write mbox files with exactly the code UW imapd, mailutil, tmail and dmail run.
 *
 * Debian no longer ships uw-imapd; every on-disk behaviour of UW imapd (X-IMAP pseudo-message, X-IMAPbase, X-UID,
 * Status, X-Status, X-Keywords padding, expunge rewrites, keyword creation) lives in c-client's unix driver, which
 * this program calls directly: APPEND is mail_append_full, STORE is mail_flag, UID EXPUNGE is mail_expunge_full,
 * SELECT/EXAMINE + FETCH is mail_open + the message cache, STATUS is mail_status.
 *
 * Built on demand by test/interop/oracles.ts:  cc -o cclient-oracle cclient-oracle.c -lc-client
 * (needs the Debian package libc-client2007e-dev).  Run it as an unprivileged user with HOME set: c-client takes
 * HOME as the mailbox root and Debian's build refuses absolute mailbox names (RESTRICTROOT), so MAILBOX arguments are
 * names relative to HOME, e.g. "box.mbox" or "sub/box.mbox".
 *
 * Usage (every command prints exactly one JSON object on stdout and exits 0 on success, 1 on failure):
 *   cclient-oracle fetch   MAILBOX              read-only open; UIDVALIDITY, UIDNEXT, keywords, per-message data
 *   cclient-oracle status  MAILBOX              mail_status(SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT|SA_UIDVALIDITY)
 *   cclient-oracle create  MAILBOX              mail_create (writes UW's pseudo-message)
 *   cclient-oracle append  MAILBOX FLAGS DATE   message (CRLF lines) on stdin; FLAGS like "\\Seen foo" or "";
 *                                               DATE an IMAP date-time ("01-Jan-2024 00:00:00 +0000") or ""
 *   cclient-oracle store   MAILBOX UIDSET OP FLAGS   OP is + (set), - (clear) or = (replace flags and keywords)
 *   cclient-oracle expunge MAILBOX UIDSET       set \Deleted on UIDSET, then UID EXPUNGE UIDSET
 * Every JSON object has "ok" and "log" (c-client's mm_log messages with their level).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <c-client/c-client.h>

/* c-client's log messages for this run, printed as the "log" member of the result. */
#define MAXLOG 64
static char *logs[MAXLOG];
static long loglevels[MAXLOG];
static int nlogs = 0;
static int had_error = 0;

/* Filled by the APPENDUID callback and by mm_status. */
static unsigned long append_uidvalidity = 0, append_uid = 0;
static MAILSTATUS last_status;
static int have_status = 0;

static void json_string (const char *s)
{
  putchar ('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;
    if (c == '"' || c == '\\') { putchar ('\\'); putchar (c); }
    else if (c < 0x20) printf ("\\u%04x", c);
    else putchar (c);
  }
  putchar ('"');
}

static void print_log (void)
{
  int i;
  printf ("\"log\":[");
  for (i = 0; i < nlogs; i++) {
    if (i) putchar (',');
    printf ("{\"level\":\"%s\",\"text\":",
	    loglevels[i] == ERROR ? "error" : loglevels[i] == WARN ? "warn" :
	    loglevels[i] == PARSE ? "parse" : loglevels[i] == BYE ? "bye" : "info");
    json_string (logs[i]);
    putchar ('}');
  }
  putchar (']');
}

/* c-client callbacks: the library calls these; most are irrelevant to a local mbox. */
void mm_searched (MAILSTREAM *stream, unsigned long number) {}
void mm_exists (MAILSTREAM *stream, unsigned long number) {}
void mm_expunged (MAILSTREAM *stream, unsigned long number) {}
void mm_flags (MAILSTREAM *stream, unsigned long number) {}
void mm_notify (MAILSTREAM *stream, char *string, long errflg) { mm_log (string, errflg); }
void mm_list (MAILSTREAM *stream, int delimiter, char *name, long attributes) {}
void mm_lsub (MAILSTREAM *stream, int delimiter, char *name, long attributes) {}
void mm_status (MAILSTREAM *stream, char *mailbox, MAILSTATUS *status)
{
  last_status = *status;
  have_status = 1;
}
void mm_log (char *string, long errflg)
{
  if (errflg == ERROR) had_error = 1;
  if (nlogs < MAXLOG) {
    logs[nlogs] = strdup (string ? string : "");
    loglevels[nlogs++] = errflg;
  }
}
void mm_dlog (char *string) {}
void mm_login (NETMBX *mb, char *user, char *pwd, long trial) { *user = *pwd = '\0'; }
void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}
long mm_diskerror (MAILSTREAM *stream, long errcode, long serious)
{
  mm_log (strerror (errcode), ERROR);
  return T;			/* abort the operation rather than retry forever */
}
void mm_fatal (char *string)
{
  mm_log (string, ERROR);
  printf ("{\"ok\":false,");
  print_log ();
  printf ("}\n");
  fflush (stdout);
}

static void appenduid (char *mailbox, unsigned long uidvalidity, SEARCHSET *set)
{
  append_uidvalidity = uidvalidity;
  if (set) append_uid = set->first;
}

/* Prints {"ok":..., "log":[...] and the caller's members, then exits. */
static void finish (int ok, void (*members) (void *), void *arg)
{
  printf ("{\"ok\":%s,", ok && !had_error ? "true" : "false");
  if (members) members (arg);
  print_log ();
  printf ("}\n");
  exit (ok && !had_error ? 0 : 1);
}

/* Reads all of standard input into a NUL-terminated buffer. */
static char *read_stdin (unsigned long *len)
{
  size_t cap = 65536, n = 0, r;
  char *buf = malloc (cap + 1);
  while (buf && (r = fread (buf + n, 1, cap - n, stdin)) > 0) {
    n += r;
    if (n == cap && !(buf = realloc (buf, (cap *= 2) + 1))) break;
  }
  if (!buf) { fprintf (stderr, "out of memory\n"); exit (2); }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void print_flags (MESSAGECACHE *elt)
{
  int first = 1;
  printf ("\"flags\":[");
#define FLAG(cond, name) if (cond) { if (!first) putchar (','); json_string (name); first = 0; }
  FLAG (elt->seen, "\\Seen");
  FLAG (elt->answered, "\\Answered");
  FLAG (elt->flagged, "\\Flagged");
  FLAG (elt->deleted, "\\Deleted");
  FLAG (elt->draft, "\\Draft");
#undef FLAG
  printf ("]");
}

static void fetch_members (void *arg)
{
  MAILSTREAM *stream = arg;
  unsigned long i;
  int k, first;
  char date[MAILTMPLEN];
  printf ("\"uidValidity\":%lu,\"uidNext\":%lu,\"readOnly\":%s,\"keywords\":[",
	  stream->uid_validity, stream->uid_last + 1, stream->rdonly ? "true" : "false");
  for (k = 0, first = 1; k < NUSERFLAGS; k++) if (stream->user_flags[k]) {
    if (!first) putchar (',');
    json_string (stream->user_flags[k]);
    first = 0;
  }
  printf ("],\"messages\":[");
  for (i = 1; i <= stream->nmsgs; i++) {
    MESSAGECACHE *elt = mail_elt (stream, i);
    if (i > 1) putchar (',');
    printf ("{\"seq\":%lu,\"uid\":%lu,", i, mail_uid (stream, i));
    print_flags (elt);
    printf (",\"keywords\":[");
    for (k = 0, first = 1; k < NUSERFLAGS; k++)
      if ((elt->user_flags & (1UL << k)) && stream->user_flags[k]) {
	if (!first) putchar (',');
	json_string (stream->user_flags[k]);
	first = 0;
      }
    mail_date (date, elt);
    printf ("],\"recent\":%s,\"size\":%lu,\"internalDate\":", elt->recent ? "true" : "false",
	    elt->rfc822_size);
    json_string (date);
    putchar ('}');
  }
  printf ("],");
}

static void status_members (void *arg)
{
  if (!have_status) return;
  printf ("\"messages\":%lu,\"recent\":%lu,\"unseen\":%lu,\"uidNext\":%lu,\"uidValidity\":%lu,",
	  last_status.messages, last_status.recent, last_status.unseen, last_status.uidnext,
	  last_status.uidvalidity);
}

static void append_members (void *arg)
{
  printf ("\"uidValidity\":%lu,\"uid\":%lu,", append_uidvalidity, append_uid);
}

/* Opens MAILBOX read-write or exits with an error: STORE and EXPUNGE need it. */
static MAILSTREAM *open_rw (char *mailbox)
{
  MAILSTREAM *stream = mail_open (NIL, mailbox, NIL);
  if (!stream) finish (0, NULL, NULL);
  if (stream->rdonly) {
    mm_log ("mailbox opened read-only", ERROR);
    finish (0, NULL, NULL);
  }
  mail_fetch_flags (stream, "1:*", NIL);
  return stream;
}

int main (int argc, char *argv[])
{
  char *cmd, *mailbox;
#include <c-client/linkage.c>
  if (argc < 3) {
    fprintf (stderr, "usage: cclient-oracle fetch|status|create|append|store|expunge MAILBOX [args]\n");
    return 2;
  }
  cmd = argv[1];
  mailbox = argv[2];
  if (!strcmp (cmd, "fetch") && argc == 3) {
    MAILSTREAM *stream = mail_open (NIL, mailbox, OP_READONLY);
    if (!stream) finish (0, NULL, NULL);
    mail_fetch_flags (stream, "1:*", NIL);
    mail_fetch_fast (stream, "1:*", NIL);
    putchar ('{');
    fetch_members (stream);	/* print before closing: close frees the cache */
    printf ("\"ok\":%s,", had_error ? "false" : "true");
    print_log ();
    printf ("}\n");
    mail_close (stream);
    return had_error ? 1 : 0;
  }
  if (!strcmp (cmd, "status") && argc == 3) {
    long ok = mail_status (NIL, mailbox, SA_MESSAGES | SA_RECENT | SA_UNSEEN | SA_UIDNEXT | SA_UIDVALIDITY);
    finish (ok && have_status, status_members, NULL);
  }
  if (!strcmp (cmd, "create") && argc == 3) finish (mail_create (NIL, mailbox) != NIL, NULL, NULL);
  if (!strcmp (cmd, "append") && argc == 5) {
    unsigned long len;
    char *text = read_stdin (&len);
    STRING msg;
    long ok;
    INIT (&msg, mail_string, (void *) text, len);
    mail_parameters (NIL, SET_APPENDUID, (void *) appenduid);
    ok = mail_append_full (NIL, mailbox, *argv[3] ? argv[3] : NIL, *argv[4] ? argv[4] : NIL, &msg);
    finish (ok != NIL, append_members, NULL);
  }
  if (!strcmp (cmd, "store") && argc == 6) {
    MAILSTREAM *stream = open_rw (mailbox);
    char *uids = argv[3], *op = argv[4], *flags = argv[5];
    if (!strcmp (op, "=")) {	/* replace: clear every system flag and every defined keyword first */
      char all[MAILTMPLEN * 4];
      int k;
      strcpy (all, "\\Seen \\Answered \\Flagged \\Deleted \\Draft");
      for (k = 0; k < NUSERFLAGS; k++) if (stream->user_flags[k] &&
	  strlen (all) + strlen (stream->user_flags[k]) + 2 < sizeof (all)) {
	strcat (all, " ");
	strcat (all, stream->user_flags[k]);
      }
      mail_flag (stream, uids, all, ST_UID);
      if (*flags) mail_flag (stream, uids, flags, ST_UID | ST_SET);
    }
    else if (!strcmp (op, "+")) mail_flag (stream, uids, flags, ST_UID | ST_SET);
    else if (!strcmp (op, "-")) mail_flag (stream, uids, flags, ST_UID);
    else {
      mm_log ("store OP must be +, - or =", ERROR);
      finish (0, NULL, NULL);
    }
    mail_check (stream);	/* write the flags to the file now, as imapd's CHECK would */
    mail_close (stream);
    finish (1, NULL, NULL);
  }
  if (!strcmp (cmd, "expunge") && argc == 4) {
    MAILSTREAM *stream = open_rw (mailbox);
    long ok;
    mail_flag (stream, argv[3], "\\Deleted", ST_UID | ST_SET);
    ok = mail_expunge_full (stream, argv[3], EX_UID);
    mail_close (stream);
    finish (ok != NIL, NULL, NULL);
  }
  fprintf (stderr, "cclient-oracle: bad command or argument count\n");
  return 2;
}
