# Two sessions on one mailbox, both read-write: each sees the other's flag changes and expunges at its next NOOP.
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
C1: a2 STORE 3 +FLAGS (\Flagged)
S1: * 3 FETCH (FLAGS (\Flagged $$Forwarded))
S1: a2 OK STORE completed
C1: a3 CHECK
S1: a3 OK CHECK completed
C2: b2 NOOP
S2: * 3 FETCH (FLAGS (\Flagged $$Forwarded))
S2: b2 OK NOOP completed
C2: b3 STORE 1 +FLAGS.SILENT (\Deleted)
S2: b3 OK STORE completed
C2: b4 EXPUNGE
S2: * 1 EXPUNGE
S2: b4 OK EXPUNGE completed
C1: a4 NOOP
S1: * 1 EXPUNGE
S1: a4 OK NOOP completed
C1: a5 FETCH 1:* (UID)
S1: * 1 FETCH (UID 3)
S1: * 2 FETCH (UID 4)
S1: * 3 FETCH (UID 5)
S1: a5 OK FETCH completed
C1: a6 LOGOUT
S1: * BYE $*
S1: a6 OK LOGOUT completed
C2: b5 LOGOUT
S2: * BYE $*
S2: b5 OK LOGOUT completed
uids: 3 4 5
