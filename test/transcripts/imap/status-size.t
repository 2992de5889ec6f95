# STATUS=SIZE (RFC 8438), after its example with this server's names: SIZE is the messages' RFC822.SIZEs added up
# (sample.mbox: 399 + 667 + 358 + 362), from the index, for a mailbox that is not selected (the store opens it), for
# the selected one (its open index, which holds changes not yet written) and through LIST-STATUS.
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 $* XLIST STATUS=SIZE ESEARCH $*] $*
C: t1 STATUS INBOX (MESSAGES SIZE)
S: * STATUS "INBOX" (MESSAGES 4 SIZE 1786)
S: t1 OK STATUS completed
C: t2 CREATE Empty
S: t2 OK [MAILBOXID (F$*)] CREATE completed
C: t3 STATUS Empty (SIZE)
S: * STATUS "Empty" (SIZE 0)
S: t3 OK STATUS completed
C: t4 LIST "" "*" RETURN (STATUS (SIZE UNSEEN))
S: * LIST (\NoInferiors \Unmarked) "/" "Empty"
S: * STATUS "Empty" (SIZE 0 UNSEEN 0)
S: * LIST (\NoInferiors) "/" "INBOX"
S: * STATUS "INBOX" (SIZE 1786 UNSEEN 2)
S: t4 OK LIST completed
C: t5 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY $uv] $*
S: * OK [UIDNEXT 6] $*
S: * OK [MAILBOXID (F$*)] Ok
S: t5 OK [READ-WRITE] SELECT completed
C: t6 FETCH 1:* RFC822.SIZE
S: * 1 FETCH (RFC822.SIZE 399)
S: * 2 FETCH (RFC822.SIZE 667)
S: * 3 FETCH (RFC822.SIZE 358)
S: * 4 FETCH (RFC822.SIZE 362)
S: t6 OK FETCH completed
# An expunge the selected mailbox has done (not yet told elsewhere) counts at once.
C: t7 STORE 2 +FLAGS.SILENT (\Deleted)
S: t7 OK STORE completed
C: t8 EXPUNGE
S: * 2 EXPUNGE
S: t8 OK EXPUNGE completed
C: t9 STATUS INBOX (SIZE MESSAGES)
S: * STATUS "INBOX" (SIZE 1119 MESSAGES 3)
S: t9 OK STATUS completed
C: t10 APPEND Empty {14}
S: + Ready for argument
C: Subject: one
C: 
S: t10 OK [APPENDUID $uv2 1] APPEND completed
C: t11 STATUS Empty (SIZE MESSAGES)
S: * STATUS "Empty" (SIZE $appended MESSAGES 1)
S: t11 OK STATUS completed
C: t12 EXAMINE Empty
S: * OK [CLOSED] $*
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] $*
S: * OK [UIDVALIDITY $uv2] $*
S: * OK [UIDNEXT 2] $*
S: * OK [MAILBOXID (F$*)] Ok
S: t12 OK [READ-ONLY] EXAMINE completed
C: t13 FETCH 1 RFC822.SIZE
S: * 1 FETCH (RFC822.SIZE $appended)
S: t13 OK FETCH completed
C: t14 STATUS nosuch (SIZE)
S: t14 NO [NONEXISTENT] Mailbox does not exist
uids: 1 4 5
