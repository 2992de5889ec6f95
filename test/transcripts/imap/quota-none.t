# QUOTA (RFC 9208) with no quota: no quota_storage, and the tmp filesystem keeps no quota for the user. QUOTA is
# still offered (GETQUOTAROOT says which roots there are: none), and nothing is refused for a quota.
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY $* QUOTA QUOTA=RES-STORAGE $*] $*
C: q1 GETQUOTAROOT INBOX
S: * QUOTAROOT "INBOX"
S: q1 OK GETQUOTAROOT completed
C: q2 GETQUOTAROOT Archive
S: * QUOTAROOT "Archive"
S: q2 OK GETQUOTAROOT completed
C: q3 GETQUOTA "User quota"
S: q3 NO [NONEXISTENT] No such quota root
C: q4 GETQUOTA ""
S: q4 NO [NONEXISTENT] No such quota root
C: q5 SETQUOTA "" (STORAGE 512)
S: q5 NO [NOPERM] Quotas are set by the administrator
uids: 1 3 4 5
