# iOS Mail's commands, in the shapes iOS 18's Mail sends them (its ID, `SELECT "INBOX" (CONDSTORE)`, NAMESPACE and
# `LIST "" "*" RETURN (SPECIAL-USE)` pipelined in one write, IDLE), with the quirk iOS 16 was seen with
# (`CHANGEDSINCE 0` on a first sync), then a reconnection the way a QRESYNC client makes it: COMPRESS, ENABLE
# QRESYNC, LIST RETURN (SPECIAL-USE STATUS (...)) for the folder list with its counts, SELECT (QRESYNC (...)) with
# the mod-sequence of the first sync, and IDLE over the compressed stream while another client changes a flag and
# expunges.
mailbox: sample.mbox
# The first sync (session 2): every message with its MODSEQ, and the mailbox's HIGHESTMODSEQ to come back with.
C2: A1 ID ("name" "com.apple.email.maild" "version" "3818.100.11.2.3" "os" "iOS" "os-version" "18.0 (22A3354)" "vendor" "Apple Inc")
S2: * PREAUTH $*
S2: * ID ("name" "uwimap-ts imapd" $*)
S2: A1 OK ID completed
C2: A2 SELECT "INBOX" (CONDSTORE)
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] $*
S2: * 4 EXISTS
S2: * 1 RECENT
S2: * OK [UNSEEN 3] $*
S2: * OK [UIDVALIDITY 1793610000] $*
S2: * OK [UIDNEXT 6] $*
S2: * OK [MAILBOXID (F$*)] Ok
S2: * OK [HIGHESTMODSEQ $ms] $*
S2: A2 OK [READ-WRITE] SELECT completed
C2: A3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 0)
S2: * 1 FETCH (UID 1 FLAGS (\Seen \Answered) MODSEQ ($ms))
S2: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x) MODSEQ ($ms))
S2: * 3 FETCH (UID 4 FLAGS ($$Forwarded) MODSEQ ($ms))
S2: * 4 FETCH (UID 5 FLAGS (\Recent) MODSEQ ($ms))
S2: A3 OK UID FETCH completed
C2: A4 LOGOUT
S2: * BYE $*
S2: A4 OK LOGOUT completed
# Meanwhile another client (session 3) makes the folders iOS would look for (one with its use named), reads a
# message, expunges one and delivers one.
C3: o1 CREATE "Sent Messages" (USE (\Sent))
S3: * PREAUTH $*
S3: o1 OK [MAILBOXID (F$*)] CREATE completed
C3: o2 CREATE Drafts
S3: o2 OK [MAILBOXID (F$*)] CREATE completed
C3: o3 SELECT INBOX
S3: * FLAGS $*
S3: * OK [PERMANENTFLAGS $*] $*
S3: * 4 EXISTS
S3: * 0 RECENT
S3: * OK [UNSEEN 3] $*
S3: * OK [UIDVALIDITY 1793610000] $*
S3: * OK [UIDNEXT 6] $*
S3: * OK [MAILBOXID (F$*)] Ok
S3: o3 OK [READ-WRITE] SELECT completed
C3: o4 UID STORE 4 +FLAGS.SILENT (\Seen)
S3: o4 OK UID STORE completed
C3: o5 UID STORE 1 +FLAGS.SILENT (\Deleted)
S3: o5 OK UID STORE completed
C3: o6 EXPUNGE
S3: * 1 EXPUNGE
S3: o6 OK EXPUNGE completed
C3: o7 APPEND INBOX (\Flagged) {24+}
C3: Subject: new one
C3: 
C3: hi
C3: 
S3: * 4 EXISTS
S3: * 1 RECENT
S3: o7 OK [APPENDUID 1793610000 6] APPEND completed
# iOS comes back (session 1).
C: A1 ID ("name" "com.apple.email.maild" "version" "3818.100.11.2.3" "os" "iOS" "os-version" "18.0 (22A3354)" "vendor" "Apple Inc")
S: * PREAUTH [CAPABILITY IMAP4rev1 $* ID ENABLE IDLE NAMESPACE $* LIST-STATUS SPECIAL-USE $* COMPRESS=DEFLATE $* CONDSTORE QRESYNC UTF8=ACCEPT OBJECTID SAVEDATE] $*
S: * ID ("name" "uwimap-ts imapd" $*)
S: A1 OK ID completed
C: A2 COMPRESS DEFLATE
S: A2 OK DEFLATE active
compress
C: A3 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: A3 OK ENABLE completed
C: A4 NAMESPACE
C: A5 LIST "" "*" RETURN (SPECIAL-USE)
S: * NAMESPACE (("" "/")) NIL NIL
S: A4 OK NAMESPACE completed
S: * LIST (\NoInferiors \Unmarked \Drafts) "/" "Drafts"
S: * LIST (\NoInferiors \Unmarked \Sent) "/" "Sent Messages"
S: * LIST (\NoInferiors) "/" "INBOX"
S: A5 OK LIST completed
C: A6 LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ))
S: * LIST (\NoInferiors \Unmarked \Drafts) "/" "Drafts"
S: * STATUS "Drafts" (MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY $uvd HIGHESTMODSEQ $*)
S: * LIST (\NoInferiors \Unmarked \Sent) "/" "Sent Messages"
S: * STATUS "Sent Messages" (MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY $uvs HIGHESTMODSEQ $*)
S: * LIST (\NoInferiors) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 4 UNSEEN 2 UIDNEXT 7 UIDVALIDITY 1793610000 HIGHESTMODSEQ $hms)
S: A6 OK LIST completed
# Only what changed since the first sync: UID 1 is gone, UID 4 was read, UID 6 is new.
C: A7 SELECT "INBOX" (QRESYNC (1793610000 ${ms}))
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY 1793610000] $*
S: * OK [UIDNEXT 7] $*
S: * OK [MAILBOXID (F$*)] Ok
S: * OK [HIGHESTMODSEQ $hms] $*
S: * VANISHED (EARLIER) 1
S: * 2 FETCH (UID 4 MODSEQ ($m4) FLAGS (\Seen $$Forwarded))
S: * 4 FETCH (UID 6 MODSEQ ($hms) FLAGS (\Flagged))
S: A7 OK [READ-WRITE] SELECT completed
C: A8 UID SEARCH 1:* NOT DELETED
S: * SEARCH 3 4 5 6
S: A8 OK UID SEARCH completed
C: A9 IDLE
S: + idling
C3: o8 UID STORE 5 +FLAGS.SILENT (\Deleted)
S3: o8 OK UID STORE completed
S: * 3 FETCH (UID 5 MODSEQ ($m5) FLAGS (\Deleted))
C3: o9 UID EXPUNGE 5
S3: * 3 EXPUNGE
S3: o9 OK UID EXPUNGE completed
S: * VANISHED 5
C: DONE
S: A9 OK IDLE completed
C: A10 LOGOUT
S: * BYE $*
S: A10 OK LOGOUT completed
C3: o10 LOGOUT
S3: * BYE $*
S3: o10 OK LOGOUT completed
uids: 3 4 6
distinct: ms m4 hms m5
