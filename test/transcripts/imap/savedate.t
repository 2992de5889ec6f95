# SAVEDATE (RFC 8514): FETCH SAVEDATE (§4.2) and SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED (§4.3),
# after the RFC's examples. A message one of our sessions saved (APPEND, COPY, MOVE) has the moment it did so, kept
# in the saved index (seen again by a later session, and after a RENAME); mail a delivery agent wrote has its
# `From ` line's date, the INTERNALDATE (lib/mailbox/mbox/read-path.ts says why). The clock is the real one: the
# messages saved here are found by SAVEDSINCE 1-Dec-2026, the sample's by SAVEDBEFORE (November 2026).
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY IMAP4rev1 $* OBJECTID SAVEDATE] $*
C1: a1 FETCH 1 (SAVEDATE)
S1: a1 BAD Command FETCH invalid in authenticated state
# An APPEND with an INTERNALDATE of its own (§4.2's date): the save date is now all the same.
C1: a2 APPEND INBOX "01-Jan-2015 18:50:53 +0100" {15}
S1: + Ready for argument
C1: Subject: soup
C1: 
S1: a2 OK [APPENDUID 1793610000 6] APPEND completed
C1: a3 SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 5 EXISTS
S1: * 2 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 7] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a3 OK [READ-WRITE] SELECT completed
C1: a4 FETCH 1:4 (INTERNALDATE SAVEDATE)
S1: * 1 FETCH (INTERNALDATE " 2-Nov-2026 09:14:07 +0000" SAVEDATE " 2-Nov-2026 09:14:07 +0000")
S1: * 2 FETCH (INTERNALDATE " 3-Nov-2026 17:42:19 +0100" SAVEDATE " 3-Nov-2026 17:42:19 +0100")
S1: * 3 FETCH (INTERNALDATE " 4-Nov-2026 08:01:55 -0500" SAVEDATE " 4-Nov-2026 08:01:55 -0500")
S1: * 4 FETCH (INTERNALDATE " 5-Nov-2026 06:00:00 +0000" SAVEDATE " 5-Nov-2026 06:00:00 +0000")
S1: a4 OK FETCH completed
C1: a5 UID FETCH 6 (SAVEDATE INTERNALDATE)
S1: * 5 FETCH (UID 6 SAVEDATE "$*" INTERNALDATE " 1-Jan-2015 18:50:53 +0100")
S1: a5 OK UID FETCH completed
# §4.3: SAVEDON/SAVEDSINCE/SAVEDBEFORE, each day in the save date's own zone ("disregarding time and timezone").
C1: a6 SEARCH SAVEDSINCE 1-Dec-2026
S1: * SEARCH 5
S1: a6 OK SEARCH completed
C1: a7 SEARCH SAVEDBEFORE 1-Dec-2026
S1: * SEARCH 1 2 3 4
S1: a7 OK SEARCH completed
C1: a8 SEARCH SAVEDON 3-Nov-2026
S1: * SEARCH 2
S1: a8 OK SEARCH completed
C1: a9 SEARCH SAVEDON "4-Nov-2026"
S1: * SEARCH 3
S1: a9 OK SEARCH completed
C1: a10 SEARCH BEFORE 1-Jan-2016
S1: * SEARCH 5
S1: a10 OK SEARCH completed
C1: a11 SEARCH SAVEDATESUPPORTED
S1: * SEARCH 1 2 3 4 5
S1: a11 OK SEARCH completed
C1: a12 SEARCH NOT SAVEDATESUPPORTED
S1: * SEARCH
S1: a12 OK SEARCH completed
C1: a13 UID SEARCH OR SAVEDON 2-Nov-2026 SAVEDSINCE 1-Dec-2026
S1: * SEARCH 1 6
S1: a13 OK UID SEARCH completed
# COPY and MOVE: a copy's save date is its own (the moment of the copy), its INTERNALDATE the original's.
C1: b1 CREATE Archive
S1: b1 OK [MAILBOXID (F$*)] CREATE completed
C1: b2 COPY 1 Archive
S1: b2 OK [COPYUID $av 1 1] COPY completed
C1: b3 MOVE 2 Archive
S1: * OK [COPYUID $av 3 2] Moved UIDs.
S1: * 2 EXPUNGE
S1: b3 OK MOVE completed
C1: b4 EXAMINE Archive
S1: * OK [CLOSED] Previous mailbox closed
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * 2 EXISTS
S1: * 2 RECENT
S1: * OK [UIDVALIDITY $av] UID validity status
S1: * OK [UIDNEXT 3] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: b4 OK [READ-ONLY] EXAMINE completed
C1: b5 FETCH 1:2 (INTERNALDATE)
S1: * 1 FETCH (INTERNALDATE " 2-Nov-2026 09:14:07 +0000")
S1: * 2 FETCH (INTERNALDATE " 3-Nov-2026 17:42:19 +0100")
S1: b5 OK FETCH completed
C1: b6 SEARCH SAVEDSINCE 1-Dec-2026
S1: * SEARCH 1 2
S1: b6 OK SEARCH completed
C1: b7 SEARCH SAVEDBEFORE 1-Dec-2026
S1: * SEARCH
S1: b7 OK SEARCH completed
# A renamed mailbox keeps its messages' save dates (its saved index goes with it).
C1: b8 RENAME Archive Kept
S1: * OK [CLOSED] Selected mailbox closed
S1: b8 OK RENAME completed
C1: b9 EXAMINE Kept
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * 2 EXISTS
S1: * 2 RECENT
S1: * OK [UIDVALIDITY $av] UID validity status
S1: * OK [UIDNEXT 3] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: b9 OK [READ-ONLY] EXAMINE completed
C1: b10 SEARCH SAVEDBEFORE 1-Dec-2026
S1: * SEARCH
S1: b10 OK SEARCH completed
# Bad arguments.
C1: c1 SEARCH SAVEDON 31-Foo-2026
S1: c1 BAD $*
C1: c2 SEARCH SAVEDBEFORE
S1: c2 BAD $*
C1: c3 SEARCH SAVEDSINCE Dec-1-2026
S1: c3 BAD $*
C1: c4 LOGOUT
S1: * BYE $*
S1: c4 OK LOGOUT completed
# A later session: the save dates come back from the saved index.
S2: * PREAUTH $*
C2: d1 EXAMINE INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 2] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: d1 OK [READ-ONLY] EXAMINE completed
C2: d2 SEARCH SAVEDSINCE 1-Dec-2026
S2: * SEARCH 4
S2: d2 OK SEARCH completed
C2: d3 UID FETCH 6 (INTERNALDATE)
S2: * 4 FETCH (UID 6 INTERNALDATE " 1-Jan-2015 18:50:53 +0100")
S2: d3 OK UID FETCH completed
C2: d4 EXAMINE Kept
S2: * OK [CLOSED] Previous mailbox closed
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S2: * 2 EXISTS
S2: * 2 RECENT
S2: * OK [UIDVALIDITY $av] UID validity status
S2: * OK [UIDNEXT 3] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: d4 OK [READ-ONLY] EXAMINE completed
C2: d5 SEARCH SAVEDSINCE 1-Dec-2026
S2: * SEARCH 1 2
S2: d5 OK SEARCH completed
C2: d6 LOGOUT
S2: * BYE $*
S2: d6 OK LOGOUT completed
uids: 1 4 5 6
