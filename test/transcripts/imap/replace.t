# REPLACE and UID REPLACE (RFC 8508): the new message appended and the old one expunged in one step. APPENDUID
# (UIDPLUS) in an untagged OK before the EXPUNGE (VANISHED under QRESYNC); into the selected mailbox itself, the
# new message's EXISTS too; a NO changes nothing. With CATENATE (RFC 4469) as APPEND takes it.
mailbox: sample.mbox
config: max_literal = 2000
S: * PREAUTH $*
C: r1 REPLACE 1 INBOX {1+}
C: x
S: r1 BAD Command REPLACE invalid in authenticated state
C: r2 CREATE Drafts
S: r2 OK [MAILBOXID (F$*)] CREATE completed
C: r3 APPEND Drafts (\Draft) {44}
S: + Ready for argument
C: Subject: happy new year
C: 
C: Just saw the best
S: r3 OK [APPENDUID $dv 1] APPEND completed
C: r4 SELECT Drafts
S: * FLAGS ($*)
S: * OK [PERMANENTFLAGS ($*)] Permanent flags
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] First unseen message
S: * OK [UIDVALIDITY $dv] UID validity status
S: * OK [UIDNEXT 2] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: r4 OK [READ-WRITE] SELECT completed
# The RFC's example: the draft saved again, in the selected mailbox.
C: r5 REPLACE 1 Drafts (\Seen \Draft) {83}
S: + Ready for argument
C: Subject: happy new year !!
C: 
C: Just saw the best fireworks show. Wish you were here.
S: * OK [APPENDUID $dv 2] Replacement Message ID assigned
S: * 1 EXPUNGE
S: * 1 EXISTS
S: * 1 RECENT
S: r5 OK REPLACE completed
C: r6 FETCH 1 (UID FLAGS BODY.PEEK[TEXT])
S: * 1 FETCH (UID 2 FLAGS (\Seen \Draft \Recent) BODY[TEXT] {55}
S: Just saw the best fireworks show. Wish you were here.
S: )
S: r6 OK FETCH completed
# Into another mailbox (the draft sent: filed in INBOX, gone from Drafts).
C: r7 UID REPLACE 2 INBOX (\Seen) " 1-Jan-2025 00:05:00 -0500" {28+}
C: Subject: happy new year !!
C: 
S: * OK [APPENDUID 1793610000 6] Replacement Message ID assigned
S: * 1 EXPUNGE
S: r7 OK UID REPLACE completed
C: r8 STATUS Drafts (MESSAGES UIDNEXT)
S: * STATUS "Drafts" (MESSAGES 0 UIDNEXT 3)
S: r8 OK STATUS completed
# Errors: nothing changes. A message number above the count is BAD (RFC 3501 §9), a UID that names none NO, a
# target that does not exist NO [TRYCREATE], a read-only selection NO [READ-ONLY], a message over max_literal
# NO [TOOBIG] before it is sent, a bad CATENATE URL NO [BADURL].
C: r9 SELECT INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS ($*)
S: * OK [PERMANENTFLAGS ($*)] Permanent flags
S: * 5 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 7] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: r9 OK [READ-WRITE] SELECT completed
C: r10 REPLACE 6 INBOX {1+}
C: x
S: r10 BAD Invalid message sequence number
C: r11 UID REPLACE 2 INBOX {1+}
C: x
S: r11 NO [NONEXISTENT] No message with that UID
C: r12 UID REPLACE 6 Nowhere {1}
S: + Ready for argument
C: x
S: r12 NO [TRYCREATE] Mailbox does not exist
C: r13 UID REPLACE 6 INBOX {2001}
S: r13 NO [TOOBIG] Message larger than the APPENDLIMIT of 2000 octets
C: r14 UID REPLACE 6 Drafts CATENATE (URL "/INBOX/;UID=6/;SECTION=HEADER" URL "/INBOX/;UID=7")
S: r14 NO [BADURL "/INBOX/;UID=7"] CATENATE URL refused: no message with that UID
C: r15 REPLACE 1 INBOX
S: r15 BAD REPLACE: Expected space at end of command
C: r16 REPLACE 1 INBOX (\Seen) 
S: r16 BAD REPLACE: Expected literal at end of command
# CATENATE inside REPLACE (RFC 8508): the new message made of the old one's header and new text, URL of the
# message being replaced itself (read before it goes), with * for the last message.
C: r17 UID REPLACE * INBOX CATENATE (URL "/INBOX;UIDVALIDITY=1793610000/;UID=6/;SECTION=HEADER" TEXT {21+}
C: Wish you were here.
C: )
S: * OK [APPENDUID 1793610000 7] Replacement Message ID assigned
S: * 5 EXPUNGE
S: * 5 EXISTS
S: * 2 RECENT
S: r17 OK UID REPLACE completed
C: r18 FETCH 5 (UID FLAGS INTERNALDATE BODY.PEEK[])
S: * 5 FETCH (UID 7 FLAGS (\Recent) INTERNALDATE $* BODY[] {51}
S: Subject: happy new year !!
S: 
S: Wish you were here.
S: )
S: r18 OK FETCH completed
# A second session, with QRESYNC on: VANISHED in place of EXPUNGE, and the tagged OK names HIGHESTMODSEQ; the
# first session sees the new message and the old one's expunge.
C2: s1 ENABLE QRESYNC
S2: * PREAUTH $*
S2: * ENABLED QRESYNC
S2: s1 OK ENABLE completed
C2: s2 SELECT INBOX
S2: * FLAGS ($*)
S2: * OK [PERMANENTFLAGS ($*)] Permanent flags
S2: * 5 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 8] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: * OK [HIGHESTMODSEQ $m1] Highest
S2: s2 OK [READ-WRITE] SELECT completed
C2: s3 UID REPLACE 3 INBOX (\Flagged) {13+}
C2: Subject: s3
C2: 
S2: * OK [APPENDUID 1793610000 8] Replacement Message ID assigned
S2: * VANISHED 3
S2: * 5 EXISTS
S2: * 1 RECENT
S2: s3 OK [HIGHESTMODSEQ $m2] UID REPLACE completed
C: r19 NOOP
S: * 2 EXPUNGE
S: * 5 EXISTS
S: * 2 RECENT
S: r19 OK NOOP completed
# The message to replace expunged by the other session after this one last looked: nothing is appended, the
# expunge is told, then NO [EXPUNGEISSUED] (RFC 5530).
C2: s4 STORE 1 +FLAGS.SILENT (\Deleted)
S2: s4 OK STORE completed
C2: s5 EXPUNGE
S2: * VANISHED 1
S2: s5 OK [HIGHESTMODSEQ $m3] EXPUNGE completed
C: r20 REPLACE 1 INBOX {1+}
C: x
S: * 1 EXPUNGE
S: r20 NO [EXPUNGEISSUED] A message the command names has been expunged
C: r21 EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS ($*)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN $*] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 9] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: r21 OK [READ-ONLY] EXAMINE completed
C: r22 REPLACE 1 INBOX {1+}
C: x
S: r22 NO [READ-ONLY] Mailbox is read-only
C: r23 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: r23 OK LOGOUT completed
C2: s6 LOGOUT
S2: * BYE IMAP4rev1 server terminating connection
S2: s6 OK LOGOUT completed
uids: 4 5 7 8
