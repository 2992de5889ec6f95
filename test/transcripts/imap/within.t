# WITHIN (RFC 5032): OLDER and YOUNGER compare INTERNALDATE with the time of the search, in seconds. Messages dated
# 1990 and 2099 are appended so the answers do not depend on when this runs (the sample is dated November 2026,
# within 10^9 s of any date from 1995 to 2058).
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 APPEND INBOX (\Seen) " 1-Jan-1990 00:00:00 +0000" {14}
C: Subject: old
C: 
S: + Ready for argument
S: a1 OK [APPENDUID 1793610000 6] APPEND completed
C: a2 APPEND INBOX (\Seen) " 1-Jan-2099 00:00:00 +0000" {17}
C: Subject: future
C: 
S: + Ready for argument
S: a2 OK [APPENDUID 1793610000 7] APPEND completed
C: a3 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S: * 6 EXISTS
S: * 3 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a3 OK [READ-WRITE] SELECT completed
C: a4 UID SEARCH OLDER 1000000000
S: * SEARCH 6
S: a4 OK UID SEARCH completed
C: a5 UID SEARCH YOUNGER 1000000000
S: * SEARCH 1 3 4 5 7
S: a5 OK UID SEARCH completed
C: a6 UID SEARCH YOUNGER 1
S: * SEARCH 7
S: a6 OK UID SEARCH completed
C: a7 UID SEARCH NOT OLDER 1
S: * SEARCH 7
S: a7 OK UID SEARCH completed
C: a8 SEARCH RETURN (MIN MAX COUNT) OLDER 1
S: * ESEARCH (TAG "a8") MIN 1 MAX 5 COUNT 5
S: a8 OK SEARCH completed
# In SORT's search criteria too.
C: a9 UID SORT (REVERSE ARRIVAL) UTF-8 OR OLDER 1000000000 FROM dave
S: * SORT 4 6
S: a9 OK UID SORT completed
# RFC 5032 §3: search-key =/ ( "OLDER" / "YOUNGER" ) SP nz-number
C: a10 SEARCH OLDER 0
S: a10 BAD SEARCH: Expected non-zero number at "0"
C: a11 SEARCH YOUNGER x
S: a11 BAD SEARCH: Expected number at "x"
C: a12 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a12 OK LOGOUT completed
