# PREAUTH, SELECT, FETCH, STORE, SEARCH, EXPUNGE, CLOSE, LOGOUT on the bundled sample (UW layout).
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 $*] $host IMAP4rev1 $* server ready, user nobody
C: a1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-WRITE] SELECT completed
C: a2 FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered) RFC822.SIZE 399 INTERNALDATE " 2-Nov-2026 09:14:07 +0000")
S: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x) RFC822.SIZE 667 INTERNALDATE " 3-Nov-2026 17:42:19 +0100")
S: * 3 FETCH (UID 4 FLAGS ($$Forwarded) RFC822.SIZE 358 INTERNALDATE " 4-Nov-2026 08:01:55 -0500")
S: * 4 FETCH (UID 5 FLAGS (\Recent) RFC822.SIZE 362 INTERNALDATE " 5-Nov-2026 06:00:00 +0000")
S: a2 OK FETCH completed
C: a3 UID FETCH 4 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])
S: * 3 FETCH (UID 4 BODY[HEADER.FIELDS (SUBJECT FROM)] {66}
S: From: Dave <dave@example.com>
S: Subject: Re: Lunch on Thursday?
S: 
S: )
S: a3 OK UID FETCH completed
C: a4 SEARCH UNSEEN
S: * SEARCH 3 4
S: a4 OK SEARCH completed
C: a5 UID SEARCH RETURN (MIN MAX COUNT) TEXT soup
S: * ESEARCH (TAG "a5") UID MIN 1 MAX 1 COUNT 1
S: a5 OK UID SEARCH completed
C: a6 STORE 1:2 +FLAGS (\Deleted)
S: * 1 FETCH (FLAGS (\Seen \Answered \Deleted))
S: * 2 FETCH (FLAGS (\Seen \Flagged \Deleted project-x))
S: a6 OK STORE completed
C: a7 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: a7 OK EXPUNGE completed
C: a8 FETCH 1:* (UID)
S: * 1 FETCH (UID 4)
S: * 2 FETCH (UID 5)
S: a8 OK FETCH completed
C: a9 STORE 2 FLAGS.SILENT (\Seen)
S: a9 OK STORE completed
C: a10 CLOSE
S: a10 OK CLOSE completed
C: a11 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a11 OK LOGOUT completed
uids: 4 5
