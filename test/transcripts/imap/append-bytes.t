# APPEND with a synchronizing literal, fed one byte per write; flags, date and APPENDUID; then read it back.
mailbox: sample.mbox
feed: bytes
S: * PREAUTH $*
C: a1 APPEND INBOX (\Flagged work) " 7-Jan-2026 10:11:12 +0100" {40}
S: + Ready for argument
C: Subject: appended
C: 
C: From me, line two
C: 
S: a1 OK [APPENDUID 1793610000 6] APPEND completed
C: a2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x work)
S: * OK [PERMANENTFLAGS $*] Permanent flags
S: * 5 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 7] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a2 OK [READ-WRITE] SELECT completed
C: a3 UID FETCH 6 (FLAGS INTERNALDATE RFC822.SIZE BODY[])
S: * 5 FETCH (UID 6 FLAGS (\Seen \Flagged \Recent work) INTERNALDATE " 7-Jan-2026 10:11:12 +0100" RFC822.SIZE 40 BODY[] {40}
S: Subject: appended
S: 
S: From me, line two
S: )
S: a3 OK UID FETCH completed
C: a4 LOGOUT
S: * BYE $*
S: a4 OK LOGOUT completed
