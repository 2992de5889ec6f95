# A mailbox another session has selected is deleted or renamed under it (RFC 2180 §3: the server may refuse the
# DELETE or RENAME, or allow it and disconnect the other sessions). We allow it, as UW and Dovecot do, and the session
# that had the mailbox selected learns at its next command that looks at the mailbox: `* BYE [ALERT]`, the command
# refused, and the connection closed (lib/imap/session.ts reportUpdates); a session in IDLE is told at once. Each
# case ends its selecting session, so each has sessions of its own: 1 and 2 (DELETE of a SELECTed mailbox), 3 and 4
# (RENAME of it), 5 and 4 (DELETE of a mailbox EXAMINEd), 6 and 4 (DELETE while the session IDLEs). RENAME of INBOX
# is different (RFC 3501 §6.3.5: the mail moves, INBOX stays, empty): 7 and 4, the selecting session hears EXPUNGEs.
mailbox: sample.mbox
# --- DELETE of a mailbox selected read-write.
S1: * PREAUTH $*
C1: a1 CREATE box
S1: a1 OK [MAILBOXID (F$*)] CREATE completed
C1: a2 APPEND box {23+}
C1: Subject: one
C1:
C1: hello
C1:
S1: a2 OK [APPENDUID $v1 1] APPEND completed
C1: a3 SELECT box
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S1: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S1: * 1 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 1] First unseen message
S1: * OK [UIDVALIDITY $v1] UID validity status
S1: * OK [UIDNEXT 2] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a3 OK [READ-WRITE] SELECT completed
S2: * PREAUTH $*
C2: b1 DELETE box
S2: b1 OK DELETE completed
# The BYE comes first, then the command's own refusal, then the server hangs up: the NOOP after it is never read.
C1: a4 NOOP
S1: * BYE [ALERT] Mailbox box was deleted or renamed
S1: a4 NO [UNAVAILABLE] NOOP cannot complete: the selected mailbox is gone
C1: a5 NOOP
C2: b2 LIST "" *
S2: * LIST (\NoInferiors) "/" "INBOX"
S2: b2 OK LIST completed
C2: b3 LOGOUT
S2: * BYE $*
S2: b3 OK LOGOUT completed
# --- RENAME of a mailbox selected read-write: the same as a DELETE for the session that had it (its name is gone);
# the mail is under the new name, with its UIDVALIDITY.
S3: * PREAUTH $*
C3: c1 CREATE box
S3: c1 OK [MAILBOXID (F$*)] CREATE completed
C3: c2 APPEND box {23+}
C3: Subject: one
C3:
C3: hello
C3:
S3: c2 OK [APPENDUID $v2 1] APPEND completed
C3: c3 SELECT box
S3: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S3: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S3: * 1 EXISTS
S3: * 1 RECENT
S3: * OK [UNSEEN 1] First unseen message
S3: * OK [UIDVALIDITY $v2] UID validity status
S3: * OK [UIDNEXT 2] Predicted next UID
S3: * OK [MAILBOXID (F$*)] Ok
S3: c3 OK [READ-WRITE] SELECT completed
S4: * PREAUTH $*
C4: d1 RENAME box box2
S4: d1 OK RENAME completed
C3: c4 NOOP
S3: * BYE [ALERT] Mailbox box was deleted or renamed
S3: c4 NO [UNAVAILABLE] NOOP cannot complete: the selected mailbox is gone
C4: d2 STATUS box2 (MESSAGES UIDVALIDITY)
S4: * STATUS "box2" (MESSAGES 1 UIDVALIDITY $v2)
S4: d2 OK STATUS completed
# --- DELETE of a mailbox selected read-only (EXAMINE): the same.
S5: * PREAUTH $*
C5: e1 EXAMINE box2
S5: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S5: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S5: * 1 EXISTS
S5: * 0 RECENT
S5: * OK [UNSEEN 1] First unseen message
S5: * OK [UIDVALIDITY $v2] UID validity status
S5: * OK [UIDNEXT 2] Predicted next UID
S5: * OK [MAILBOXID (F$*)] Ok
S5: e1 OK [READ-ONLY] EXAMINE completed
C4: d3 DELETE box2
S4: d3 OK DELETE completed
C5: e2 NOOP
S5: * BYE [ALERT] Mailbox box2 was deleted or renamed
S5: e2 NO [UNAVAILABLE] NOOP cannot complete: the selected mailbox is gone
# --- DELETE while the session IDLEs: the BYE comes unasked, and the IDLE is never completed.
S6: * PREAUTH $*
C6: f1 CREATE box3
S6: f1 OK [MAILBOXID (F$*)] CREATE completed
C6: f2 SELECT box3
S6: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S6: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S6: * 0 EXISTS
S6: * 0 RECENT
S6: * OK [UIDVALIDITY $v3] UID validity status
S6: * OK [UIDNEXT 1] Predicted next UID
S6: * OK [MAILBOXID (F$*)] Ok
S6: f2 OK [READ-WRITE] SELECT completed
C6: f3 IDLE
S6: + idling
C4: d4 DELETE box3
S4: d4 OK DELETE completed
S6: * BYE [ALERT] Mailbox box3 was deleted or renamed
C4: d5 LIST "" *
S4: * LIST (\NoInferiors) "/" "INBOX"
S4: d5 OK LIST completed
# --- RENAME INBOX while INBOX is selected: the mail goes to the new name, INBOX stays and is empty; the session that
# has it selected is told of four expunges and goes on.
S7: * PREAUTH $*
C7: g1 SELECT INBOX
S7: * FLAGS $*
S7: * OK [PERMANENTFLAGS $*] Permanent flags
S7: * 4 EXISTS
S7: * 1 RECENT
S7: * OK [UNSEEN 3] First unseen message
S7: * OK [UIDVALIDITY 1793610000] UID validity status
S7: * OK [UIDNEXT 6] Predicted next UID
S7: * OK [MAILBOXID (F$*)] Ok
S7: g1 OK [READ-WRITE] SELECT completed
C4: d6 RENAME INBOX old
S4: d6 OK RENAME completed
C7: g2 NOOP
S7: * 1 EXPUNGE
S7: * 1 EXPUNGE
S7: * 1 EXPUNGE
S7: * 1 EXPUNGE
S7: g2 OK NOOP completed
C7: g3 STATUS old (MESSAGES)
S7: * STATUS "old" (MESSAGES 4)
S7: g3 OK STATUS completed
C7: g4 LOGOUT
S7: * BYE $*
S7: g4 OK LOGOUT completed
C4: d7 LOGOUT
S4: * BYE $*
S4: d7 OK LOGOUT completed
uids:
distinct: v1 v2 v3
