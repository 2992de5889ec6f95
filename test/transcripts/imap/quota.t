# QUOTA (RFC 9208) with a configured limit (quota_storage, lib/mailbox/quota.ts): the tmp filesystem keeps no
# quota for the user, so the one root "User quota" covers all the user's mail: the INBOX file (2766 octets) and the
# files under the home (here server.conf, 19 octets), 2785 octets = 3 KiB used of 4. GETQUOTAROOT and GETQUOTA after
# RFC 9208 §4.1's examples; SETQUOTA refused (no QUOTASET); APPEND and COPY (into another mailbox and into the
# selected one) that would pass the limit answer NO [OVERQUOTA] (§4.3.1) and store nothing; MOVE frees what it
# takes and is not refused; STATUS DELETED and DELETED-STORAGE (§4.2).
mailbox: sample.mbox
config: quota_storage = 4K
S: * PREAUTH [CAPABILITY $* QUOTA QUOTA=RES-STORAGE $*] $*
C: q1 GETQUOTAROOT INBOX
S: * QUOTAROOT "INBOX" "User quota"
S: * QUOTA "User quota" (STORAGE 3 4)
S: q1 OK GETQUOTAROOT completed
C: q2 GETQUOTA "User quota"
S: * QUOTA "User quota" (STORAGE 3 4)
S: q2 OK GETQUOTA completed
# A mailbox that does not exist yet: the root it would be under.
C: q3 getquotaroot Drafts
S: * QUOTAROOT "Drafts" "User quota"
S: * QUOTA "User quota" (STORAGE 3 4)
S: q3 OK GETQUOTAROOT completed
C: q4 GETQUOTA "!partition/sda4"
S: q4 NO [NONEXISTENT] No such quota root
C: q5 SETQUOTA "User quota" (STORAGE 512)
S: q5 NO [NOPERM] Quotas are set by the administrator
C: q6 SETQUOTA "User quota" ()
S: q6 NO [NOPERM] Quotas are set by the administrator
# Bad arguments and refused names.
C: q7 SETQUOTA "User quota" STORAGE 512
S: q7 BAD $*
C: q8 SETQUOTA "User quota" (STORAGE)
S: q8 BAD $*
C: q9 GETQUOTAROOT
S: q9 BAD $*
C: q10 GETQUOTA "User quota" extra
S: q10 BAD $*
C: q11 GETQUOTAROOT ../elsewhere
S: q11 NO [NOPERM] Permission denied
C: q12 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)
S: * STATUS "INBOX" (MESSAGES 4 DELETED 0 DELETED-STORAGE 0)
S: q12 OK STATUS completed
C: q13 STATUS INBOX (DELETED-STORAGES)
S: q13 BAD $*
C: c1 CREATE Archive
S: c1 OK [MAILBOXID (F$*)] CREATE completed
C: a1 APPEND Archive {25}
S: + Ready for argument
C: Subject: small
C: 
C: hello
C: 
S: a1 OK [APPENDUID $uva 1] APPEND completed
C: a2 APPEND Archive {1198}
S: + Ready for argument
C: Subject: big
C: 
C: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
C: 
S: a2 NO [OVERQUOTA] Not enough disk space or quota
# Nothing of it was stored: Archive still holds one message.
C: a3 STATUS Archive (MESSAGES UIDNEXT)
S: * STATUS "Archive" (MESSAGES 1 UIDNEXT 2)
S: a3 OK STATUS completed
C: s1 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY $uv] $*
S: * OK [UIDNEXT 6] $*
S: * OK [MAILBOXID (F$*)] Ok
S: s1 OK [READ-WRITE] SELECT completed
# All four messages (1786 octets) would pass the limit; message 1 (399) does not.
C: k1 COPY 1:4 Archive
S: k1 NO [OVERQUOTA] Not enough disk space or quota
C: k2 COPY 1 Archive
S: k2 OK [COPYUID $uva 1 2] COPY completed
# Into the selected mailbox itself (through the open mailbox): messages 2 and 3 (1025 octets) would pass it.
C: k3 COPY 2:3 INBOX
S: k3 NO [OVERQUOTA] Not enough disk space or quota
C: k4 UID COPY 1:* Archive
S: k4 NO [OVERQUOTA] Not enough disk space or quota
C: d1 STORE 1 +FLAGS.SILENT (\Deleted)
S: d1 OK STORE completed
C: d2 STATUS INBOX (DELETED DELETED-STORAGE)
S: * STATUS "INBOX" (DELETED 1 DELETED-STORAGE 399)
S: d2 OK STATUS completed
# MOVE takes its messages out of INBOX in the same step: not refused.
C: m1 MOVE 2:4 Archive
S: * OK [COPYUID $uva 3:5 3:5] $*
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: m1 OK MOVE completed
C: m2 STATUS Archive (MESSAGES DELETED DELETED-STORAGE)
S: * STATUS "Archive" (MESSAGES 5 DELETED 0 DELETED-STORAGE 0)
S: m2 OK STATUS completed
# REPLACE saves a message: the new one is counted before the old one leaves, and refused the same way.
C: r1 REPLACE 1 INBOX {1198}
S: + Ready for argument
C: Subject: big
C: 
C: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
C: 
S: r1 NO [OVERQUOTA] Not enough disk space or quota
C: r2 REPLACE 1 INBOX {25}
S: + $*
C: Subject: small
C: 
C: hello
C: 
S: * OK [APPENDUID $uvi 6] $*
S: * 1 EXPUNGE
S: * 1 EXISTS
S: * 1 RECENT
S: r2 OK REPLACE completed
C: l1 LOGOUT
S: * BYE $*
S: l1 OK LOGOUT completed
uids: 6
