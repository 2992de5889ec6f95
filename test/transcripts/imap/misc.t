# NAMESPACE, ID, ENABLE (of nothing we offer), CHECK, UNSELECT, COPY/UID COPY with COPYUID, IDLE, UID STORE, and CLOSE's silent expunge.
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 NAMESPACE
S: * NAMESPACE (("" "/")) NIL NIL
S: a1 OK NAMESPACE completed
C: a2 ID ("name" "test-client")
S: * ID ("name" "uwimap-ts imapd" "version" "$v")
S: a2 OK ID completed
C: a3 ENABLE X-UNKNOWN
S: * ENABLED
S: a3 OK ENABLE completed
C: a4 CREATE copies
S: a4 OK [MAILBOXID (F$*)] CREATE completed
C: a5 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] Permanent flags
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a5 OK [READ-WRITE] SELECT completed
C: a6 COPY 1:2 copies
S: a6 OK [COPYUID $cv 1,3 1:2] COPY completed
C: a7 UID COPY 5 copies
S: a7 OK [COPYUID $cv 5 3] COPY completed
C: a8 CHECK
S: a8 OK CHECK completed
C: a9 IDLE
S: + idling
C: DONE
S: a9 OK IDLE completed
C: a10 UID STORE 1,4 +FLAGS.SILENT (\Deleted)
S: a10 OK UID STORE completed
C: a11 UNSELECT
S: a11 OK UNSELECT completed
C: a12 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 4)
S: a12 OK STATUS completed
C: a13 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] Permanent flags
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a13 OK [READ-WRITE] SELECT completed
C: a14 CLOSE
S: a14 OK CLOSE completed
C: a15 STATUS copies (MESSAGES UIDNEXT)
S: * STATUS "copies" (MESSAGES 3 UIDNEXT 4)
S: a15 OK STATUS completed
C: a16 LOGOUT
S: * BYE $*
S: a16 OK LOGOUT completed
uids: 3 5
