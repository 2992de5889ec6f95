# NOTIFY SELECTED-DELAYED (RFC 5465 §6.1.2): new mail in the selected mailbox is told while the client is quiet,
# but an expunge waits for a command after which EXPUNGE may be sent (not FETCH, STORE or SEARCH: RFC 3501 §7.4.1),
# so the client's message numbers stay as they were until it asks.
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
C1: a1 NOTIFY SET (selected-delayed (MessageNew MessageExpunge)) (personal NONE)
S1: a1 OK NOTIFY completed
S2: * PREAUTH $*
C2: b APPEND INBOX {26}
S2: + Ready for argument
C2: Subject: new one
C2: 
C2: body
C2: 
S2: b OK [APPENDUID 1793610000 6] APPEND completed
S1: * 5 EXISTS
S1: * 2 RECENT
C2: b1 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 5 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b1 OK [READ-WRITE] SELECT completed
C2: b2 UID STORE 6 +FLAGS.SILENT (\Deleted)
S2: b2 OK UID STORE completed
S1: * 5 FETCH (FLAGS (\Deleted \Recent))
C2: b3 EXPUNGE
S2: * 5 EXPUNGE
S2: b3 OK EXPUNGE completed
C2: b3a UNSELECT
S2: b3a OK UNSELECT completed
# Mail after the expunge is told at once, counted with the expunged message still in place.
C2: b3b APPEND INBOX {26}
S2: + Ready for argument
C2: Subject: new two
C2: 
C2: body
C2: 
S2: b3b OK [APPENDUID 1793610000 7] APPEND completed
S1: * 6 EXISTS
S1: * 3 RECENT
C1: a2 FETCH 1:* (UID)
S1: * 1 FETCH (UID 1)
S1: * 2 FETCH (UID 3)
S1: * 3 FETCH (UID 4)
S1: * 4 FETCH (UID 5)
S1: * 5 FETCH (UID 6)
S1: * 6 FETCH (UID 7)
S1: a2 OK FETCH completed
C1: a3 NOOP
S1: * 5 EXPUNGE
S1: a3 OK NOOP completed
C1: a4 LOGOUT
S1: * BYE $*
S1: a4 OK LOGOUT completed
C2: b4 LOGOUT
S2: * BYE $*
S2: b4 OK LOGOUT completed
uids: 1 3 4 5 7
