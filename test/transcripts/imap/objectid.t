# OBJECTID (RFC 8474), after the RFC's examples: MAILBOXID on CREATE's OK (§4.1), on SELECT/EXAMINE (§4.2) and as a
# STATUS item (§4.3), the same after RENAME and in a later session, another for a mailbox deleted and made again;
# EMAILID (§5.1), the same for a copy and a moved message, in a later session too; THREADID NIL (§5.2: no threads
# kept); SEARCH EMAILID/THREADID (§6). The MAILBOXID is the mbox's UIDVALIDITY and its owner's uid.
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY IMAP4rev1 $* OBJECTID SAVEDATE] $*
# §4.1: CREATE's OK carries the new mailbox's id.
C1: 3 CREATE foo
S1: 3 OK [MAILBOXID (F$foouid)] CREATE completed
C1: 4 CREATE bar
S1: 4 OK [MAILBOXID (F$baruid)] CREATE completed
# A name that makes a directory is no mailbox, and has no id.
C1: 5 CREATE dir/
S1: 5 OK CREATE completed
# §4.3: STATUS MAILBOXID, alone and with other items; LIST-STATUS too.
C1: 6 STATUS foo (MAILBOXID)
S1: * STATUS "foo" (MAILBOXID (F$foouid))
S1: 6 OK STATUS completed
C1: 7 STATUS bar (MESSAGES MAILBOXID UIDNEXT)
S1: * STATUS "bar" (MESSAGES 0 MAILBOXID (F$baruid) UIDNEXT 1)
S1: 7 OK STATUS completed
C1: 8 LIST "" "b%" RETURN (STATUS (MAILBOXID))
S1: * LIST (\NoInferiors \Unmarked) "/" "bar"
S1: * STATUS "bar" (MAILBOXID (F$baruid))
S1: 8 OK LIST completed
# §4.2's example: a renamed mailbox keeps its id.
C1: 27 RENAME foo renamed
S1: 27 OK RENAME completed
C1: 28 STATUS renamed (MAILBOXID)
S1: * STATUS "renamed" (MAILBOXID (F$foouid))
S1: 28 OK STATUS completed
C1: 29 STATUS bar (MAILBOXID)
S1: * STATUS "bar" (MAILBOXID (F$baruid))
S1: 29 OK STATUS completed
# Deleted and made again under its name: another mailbox, another id.
C1: 30 DELETE bar
S1: 30 OK DELETE completed
C1: 31 CREATE bar
S1: 31 OK [MAILBOXID (F$newbaruid)] CREATE completed
# SELECT and EXAMINE say the id (§4.2), the selected mailbox's STATUS too.
C1: 40 SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F1793610000u$owner)] Ok
S1: 40 OK [READ-WRITE] SELECT completed
C1: 41 STATUS INBOX (MAILBOXID)
S1: * STATUS "INBOX" (MAILBOXID (F1793610000u$owner))
S1: 41 OK STATUS completed
# §5.1: EMAILID, the same for a copy; THREADID NIL for all (§5.2).
C1: 50 FETCH 1:2 (EMAILID THREADID)
S1: * 1 FETCH (EMAILID (M$e1) THREADID NIL)
S1: * 2 FETCH (EMAILID (M$e2) THREADID NIL)
S1: 50 OK FETCH completed
C1: 51 UID FETCH 3 (EMAILID)
S1: * 2 FETCH (UID 3 EMAILID (M$e2))
S1: 51 OK UID FETCH completed
C1: 52 COPY 1 renamed
S1: 52 OK [COPYUID $* 1 1] COPY completed
C1: 53 MOVE 2 bar
S1: * OK [COPYUID $* 3 1] Moved UIDs.
S1: * 2 EXPUNGE
S1: 53 OK MOVE completed
# §6: SEARCH EMAILID matches exactly that id (ids are case-sensitive); THREADID matches nothing.
C1: 54 SEARCH EMAILID M${e1}
S1: * SEARCH 1
S1: 54 OK SEARCH completed
C1: 55 SEARCH OR EMAILID M${e2} EMAILID m${e1}
S1: * SEARCH
S1: 55 OK SEARCH completed
C1: 56 SEARCH THREADID T64b478a75b7ea9
S1: * SEARCH
S1: 56 OK SEARCH completed
C1: 57 UID SEARCH NOT EMAILID M${e1}
S1: * SEARCH 4 5
S1: 57 OK UID SEARCH completed
C1: 58 EXAMINE renamed
S1: * OK [CLOSED] Previous mailbox closed
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * 1 EXISTS
S1: * 1 RECENT
S1: * OK [UIDVALIDITY $*] UID validity status
S1: * OK [UIDNEXT 2] Predicted next UID
S1: * OK [MAILBOXID (F$foouid)] Ok
S1: 58 OK [READ-ONLY] EXAMINE completed
C1: 59 FETCH 1 (EMAILID)
S1: * 1 FETCH (EMAILID (M$e1))
S1: 59 OK FETCH completed
# Bad arguments: an objectid is 1-255 of A-Z a-z 0-9 _ -; MAILBOXID is no FETCH item.
C1: 60 SEARCH EMAILID M.1
S1: 60 BAD SEARCH: Invalid object id
C1: 61 SEARCH EMAILID
S1: 61 BAD $*
C1: 62 FETCH 1 (MAILBOXID)
S1: 62 BAD FETCH: Unknown fetch attribute MAILBOXID
C1: 63 STATUS renamed (EMAILID)
S1: 63 BAD STATUS: Unknown status attribute EMAILID
C1: 64 LOGOUT
S1: * BYE $*
S1: 64 OK LOGOUT completed
# A later session: the same ids, read from the files and the kept values.
S2: * PREAUTH $*
C2: 1 STATUS renamed (MAILBOXID)
S2: * STATUS "renamed" (MAILBOXID (F$foouid))
S2: 1 OK STATUS completed
C2: 2 SELECT bar
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 1 EXISTS
S2: * 1 RECENT
S2: * OK [UIDVALIDITY $*] UID validity status
S2: * OK [UIDNEXT 2] Predicted next UID
S2: * OK [MAILBOXID (F$newbaruid)] Ok
S2: 2 OK [READ-WRITE] SELECT completed
C2: 3 FETCH 1 (EMAILID THREADID)
S2: * 1 FETCH (EMAILID (M$e2) THREADID NIL)
S2: 3 OK FETCH completed
C2: 4 SEARCH EMAILID M${e2}
S2: * SEARCH 1
S2: 4 OK SEARCH completed
# RENAME INBOX moves its messages into a new mailbox, which gets a new id; INBOX keeps its own.
C2: 5 RENAME INBOX old-inbox
S2: 5 OK RENAME completed
C2: 6 STATUS INBOX (MESSAGES MAILBOXID)
S2: * STATUS "INBOX" (MESSAGES 0 MAILBOXID (F1793610000u$owner))
S2: 6 OK STATUS completed
C2: 7 STATUS old-inbox (MESSAGES MAILBOXID)
S2: * STATUS "old-inbox" (MESSAGES 3 MAILBOXID (F$olduid))
S2: 7 OK STATUS completed
C2: 8 LOGOUT
S2: * BYE $*
S2: 8 OK LOGOUT completed
distinct: foouid baruid newbaruid olduid
distinct: e1 e2
uids:
