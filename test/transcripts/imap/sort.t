# SORT and UID SORT (RFC 5256 §3) on the bundled sample, read-only. The greeting advertises exactly the capabilities
# issue 5 completed (SORT, THREAD=, MOVE, WITHIN, BINARY, I18NLEVEL=1: SORT collates with i;unicode-casemap, i18n.t).
#   seq uid from        date (UTC)        size subject
#   1   1   alice       2 Nov 09:14:05    399  Lunch on Thursday?
#   2   3   carol       3 Nov 16:42:11    667  =?utf-8?q?Projekt_X_=E2=80=93_Zeitplan?= (decoded: Projekt X – Zeitplan)
#   3   4   dave        4 Nov 13:01:50    358  Re: Lunch on Thursday?          (unseen)
#   4   5   newsletter  5 Nov 06:00:00    362  This week at Example            (unseen)
# All are To: bob, none has Cc: (every message ties, and the next criterion or the sequence number decides).
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE XLIST STATUS=SIZE ESEARCH SEARCHRES MULTIAPPEND APPENDLIMIT=209715200 MOVE CATENATE REPLACE SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT QUOTA QUOTA=RES-STORAGE METADATA-SERVER THREAD=ORDEREDSUBJECT THREAD=REFERENCES PREVIEW WITHIN NOTIFY BINARY COMPRESS=DEFLATE I18NLEVEL=1 CONDSTORE QRESYNC UTF8=ACCEPT OBJECTID SAVEDATE] $host IMAP4rev1 $* server ready, user nobody
C: a0 SORT (DATE) UTF-8 ALL
S: a0 BAD Command SORT invalid in authenticated state
C: a1 EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-ONLY] EXAMINE completed
# Base subjects: "Re: " is dropped and the encoded word decoded, so 3 ties with 1 (seq breaks it) and 2 sorts as P.
C: a2 SORT (SUBJECT) UTF-8 ALL
S: * SORT 1 3 2 4
S: a2 OK SORT completed
C: a3 SORT (REVERSE SIZE) US-ASCII ALL
S: * SORT 2 1 4 3
S: a3 OK SORT completed
C: a4 SORT (SIZE) UTF-8 ALL
S: * SORT 3 4 1 2
S: a4 OK SORT completed
C: a5 SORT (REVERSE DATE) UTF-8 ALL
S: * SORT 4 3 2 1
S: a5 OK SORT completed
C: a6 SORT (FROM) UTF-8 ALL
S: * SORT 1 2 3 4
S: a6 OK SORT completed
# Several criteria: TO ties everywhere, so REVERSE ARRIVAL decides; an empty CC ties, so SIZE decides.
C: a7 SORT (TO REVERSE ARRIVAL) UTF-8 ALL
S: * SORT 4 3 2 1
S: a7 OK SORT completed
C: a8 SORT (CC SIZE) UTF-8 ALL
S: * SORT 3 4 1 2
S: a8 OK SORT completed
C: a9 SORT (SUBJECT REVERSE DATE) UTF-8 ALL
S: * SORT 3 1 2 4
S: a9 OK SORT completed
# UID SORT answers UIDs; the search criteria select first (UNSEEN: seq 3 and 4).
C: a10 UID SORT (REVERSE SUBJECT) UTF-8 UNSEEN
S: * SORT 5 4
S: a10 OK UID SORT completed
C: a11 sort (reverse from) utf-8 1:3
S: * SORT 3 2 1
S: a11 OK SORT completed
C: a12 SORT (ARRIVAL) UTF-8 FROM "MÜLLER"
S: * SORT 2
S: a12 OK SORT completed
C: a13 SORT (DATE) UTF-8 SUBJECT nothing-like-this
S: * SORT
S: a13 OK SORT completed
C: a14 SORT (DATE) UTF-8 OR FROM dave (SUBJECT lunch SEEN)
S: * SORT 1 3
S: a14 OK SORT completed
C: a15 SORT () UTF-8 ALL
S: a15 BAD SORT: Empty sort criteria
C: a16 SORT (REVERSE) UTF-8 ALL
S: a16 BAD SORT: REVERSE without a sort key
C: a17 SORT (DATE FOO) UTF-8 ALL
S: a17 BAD SORT: Unknown sort key FOO
C: a18 SORT DATE UTF-8 ALL
S: a18 BAD SORT: Expected "(" opening sort criteria
C: a19 SORT (DATE) UTF-8
S: a19 BAD SORT: Expected space at end of command
C: a20 SORT (DATE) KOI9 ALL
S: a20 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI9
C: a21 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a21 OK LOGOUT completed
