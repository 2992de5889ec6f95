# \Recent in exactly one session (RFC 3501 §2.3.2): the first session to see a message after it arrived, whether it
# opens the mailbox then or has it open already; STATUS RECENT counts only messages no session has claimed; a session
# keeps its \Recent messages until it ends, through its own writes.
no rev2 replay: it is about \Recent, which IMAP4rev2 does not have (imap4rev2.t shows a rev2 session beside rev1 ones)
mailbox: sample.mbox
S1: * PREAUTH $*
C1: a SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a OK [READ-WRITE] SELECT completed
S2: * PREAUTH $*
C2: b SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 6] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b OK [READ-WRITE] SELECT completed
# A third session, with nothing selected, delivers a message: nobody has seen it yet.
S3: * PREAUTH $*
C3: c APPEND INBOX {35+}
C3: Subject: new one
C3: 
C3: arrived later
C3: 
S3: c OK [APPENDUID 1793610000 6] APPEND completed
C3: c2 STATUS INBOX (MESSAGES RECENT)
S3: * STATUS "INBOX" (MESSAGES 5 RECENT 1)
S3: c2 OK STATUS completed
# Session 2 looks first: the message is \Recent there, and only there.
C2: b2 NOOP
S2: * 5 EXISTS
S2: * 1 RECENT
S2: b2 OK NOOP completed
C1: a2 NOOP
S1: * 5 EXISTS
S1: * 1 RECENT
S1: a2 OK NOOP completed
C3: c3 STATUS INBOX (MESSAGES RECENT)
S3: * STATUS "INBOX" (MESSAGES 5 RECENT 0)
S3: c3 OK STATUS completed
C1: a3 SEARCH RECENT
S1: * SEARCH 4
S1: a3 OK SEARCH completed
C2: b3 SEARCH RECENT
S2: * SEARCH 5
S2: b3 OK SEARCH completed
# Each keeps its own through writes (its `O` status is written; the \Recent stays for the session).
C1: a4 STORE 4 +FLAGS (\Seen)
S1: * 4 FETCH (FLAGS (\Seen \Recent))
S1: a4 OK STORE completed
C2: b4 CHECK
S2: * 4 FETCH (FLAGS (\Seen))
S2: b4 OK CHECK completed
C2: b5 FETCH 4:5 (FLAGS)
S2: * 4 FETCH (FLAGS (\Seen))
S2: * 5 FETCH (FLAGS (\Recent))
S2: b5 OK FETCH completed
# A session opening now finds every message claimed.
C3: c4 EXAMINE INBOX
S3: * FLAGS $*
S3: * OK [PERMANENTFLAGS ()] $*
S3: * 5 EXISTS
S3: * 0 RECENT
S3: * OK [UNSEEN 3] First unseen message
S3: * OK [UIDVALIDITY 1793610000] UID validity status
S3: * OK [UIDNEXT 7] Predicted next UID
S3: * OK [MAILBOXID (F$*)] Ok
S3: c4 OK [READ-ONLY] EXAMINE completed
C1: a5 LOGOUT
S1: * BYE $*
S1: a5 OK LOGOUT completed
C2: b6 LOGOUT
S2: * BYE $*
S2: b6 OK LOGOUT completed
C3: c5 LOGOUT
S3: * BYE $*
S3: c5 OK LOGOUT completed
uids: 1 3 4 5 6
