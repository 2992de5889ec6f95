# NOTIFY (RFC 5465), after its §3.1 examples with this server's names: session 1 asks to be told, session 2 changes
# things, and session 1 hears of them while it sends nothing (no IDLE, no NOOP): for the selected mailbox EXISTS
# and the FETCH of MessageNew's items, flag changes with UID (§5.1), EXPUNGE; for another mailbox STATUS (§5.2,
# §5.3); LIST for a mailbox made, renamed (OLDNAME, §5.4), subscribed (§5.5) and deleted (\NonExistent); NOTIFY NONE ends it.
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
C1: a1 NOTIFY SET (selected (MessageNew (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge MailboxName SubscriptionChange))
S1: a1 OK NOTIFY completed
S2: * PREAUTH $*
C2: b CREATE Lists
S2: b OK [MAILBOXID (F$*)] CREATE completed
S1: * LIST (\NoInferiors \Unmarked) "/" "Lists"
C2: b1 APPEND Lists {24}
S2: + Ready for argument
C2: Subject: hello
C2: 
C2: body
C2: 
S2: b1 OK [APPENDUID $v 1] APPEND completed
S1: * STATUS "Lists" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY $v UNSEEN 1)
C2: b2 APPEND INBOX {26}
S2: + Ready for argument
C2: Subject: new one
C2: 
C2: body
C2: 
S2: b2 OK [APPENDUID 1793610000 6] APPEND completed
S1: * 5 EXISTS
S1: * 2 RECENT
S1: * 5 FETCH (UID 6 FLAGS (\Recent) BODY[HEADER.FIELDS (SUBJECT)] {20}
S1: Subject: new one
S1: 
S1: )
C2: b3 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 5 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b3 OK [READ-WRITE] SELECT completed
C2: b4 UID STORE 6 +FLAGS (\Flagged)
S2: * 5 FETCH (UID 6 FLAGS (\Flagged))
S2: b4 OK UID STORE completed
S1: * 5 FETCH (UID 6 FLAGS (\Flagged \Recent))
C2: b4a UID STORE 6 +FLAGS.SILENT (\Deleted)
S2: b4a OK UID STORE completed
S1: * 5 FETCH (UID 6 FLAGS (\Flagged \Deleted \Recent))
C2: b4b EXPUNGE
S2: * 5 EXPUNGE
S2: b4b OK EXPUNGE completed
S1: * 5 EXPUNGE
# An expunge in another mailbox (PERSONAL has no FlagChange: the \Deleted alone is not told).
C2: b4c SELECT Lists
S2: * OK [CLOSED] $*
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 1 EXISTS
S2: * 1 RECENT
S2: * OK [UNSEEN 1] First unseen message
S2: * OK [UIDVALIDITY $*] UID validity status
S2: * OK [UIDNEXT 2] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b4c OK [READ-WRITE] SELECT completed
C2: b4d STORE 1 +FLAGS.SILENT (\Deleted)
S2: b4d OK STORE completed
C2: b4e EXPUNGE
S2: * 1 EXPUNGE
S2: b4e OK EXPUNGE completed
S1: * STATUS "Lists" (MESSAGES 0 UIDNEXT 2 UIDVALIDITY $v UNSEEN 0)
C2: b4f UNSELECT
S2: b4f OK UNSELECT completed
C2: b5 RENAME Lists Lemonade
S2: b5 OK RENAME completed
S1: * LIST (\NoInferiors \Unmarked) "/" "Lemonade" ("OLDNAME" ("Lists"))
C2: b6 SUBSCRIBE Lemonade
S2: b6 OK SUBSCRIBE completed
S1: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Lemonade"
C2: b7 DELETE Lemonade
S2: b7 OK DELETE completed
S1: * LIST (\NonExistent \Subscribed) "/" "Lemonade"
C1: a2 NOTIFY NONE
S1: a2 OK NOTIFY completed
C2: b8 CREATE Other
S2: b8 OK [MAILBOXID (F$*)] CREATE completed
C1: a3 NOOP
S1: a3 OK NOOP completed
C1: a4 LOGOUT
S1: * BYE $*
S1: a4 OK LOGOUT completed
C2: b9 LOGOUT
S2: * BYE $*
S2: b9 OK LOGOUT completed
