# CONTEXT=SORT (RFC 5267 §4) on SORT: PARTIAL pages through the sorted result (§4.4), UPDATE keeps it and tells the
# client where messages join it (ADDTO) or leave it (REMOVEFROM), as positions in the requested order (§4.3.2-§4.3.4),
# whoever changed them; CANCELUPDATE ends that (§4.3.5). The bundled sample (see sort.t):
#   seq uid size flags
#   1   1   399  \Seen \Answered
#   2   3   667  \Seen \Flagged
#   3   4   358  (unseen)
#   4   5   362  (unseen, \Recent)
# so by SIZE: uids 4 5 1 3.
mailbox: sample.mbox
S1: * PREAUTH $*
C1: a1 SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a1 OK [READ-WRITE] SELECT completed
# PARTIAL counts positions in the sort order, and lists them in it (§4.4, §3.2).
C1: b1 UID SORT RETURN (PARTIAL 2:3) (SIZE) UTF-8 ALL
S1: * ESEARCH (TAG "b1") UID PARTIAL (2:3 5,1)
S1: b1 OK UID SORT completed
C1: b2 SORT RETURN (PARTIAL 1:2 COUNT) (REVERSE SIZE) UTF-8 ALL
S1: * ESEARCH (TAG "b2") PARTIAL (1:2 2,1) COUNT 4
S1: b2 OK SORT completed
C1: b3 SORT RETURN (PARTIAL 9:5) (SIZE) UTF-8 ALL
S1: * ESEARCH (TAG "b3") PARTIAL (9:5 NIL)
S1: b3 OK SORT completed
C1: b4 SORT RETURN (CONTEXT MIN) (SIZE) UTF-8 ALL
S1: * ESEARCH (TAG "b4") MIN 3
S1: b4 OK SORT completed
C1: b5 SORT RETURN (PARTIAL 1:2 ALL) (SIZE) UTF-8 ALL
S1: b5 BAD SORT: PARTIAL and ALL together
# UPDATE: this session's STOREs. A message leaving is removed at its position (c1: uid 1 was third); messages joining
# are inserted where they go in the order, a run of them in one pair (c2: 3 and 1 first, by REVERSE SIZE).
C1: c1 UID SORT RETURN (UPDATE ALL) (SIZE) UTF-8 UNDELETED
S1: * ESEARCH (TAG "c1") UID ALL 4:5,1,3
S1: c1 OK UID SORT completed
C1: c2 SORT RETURN (UPDATE) (REVERSE SIZE) UTF-8 UNSEEN
S1: * ESEARCH (TAG "c2")
S1: c2 OK SORT completed
C1: c3 STORE 1 +FLAGS.SILENT (\Deleted)
S1: * ESEARCH (TAG "c1") UID REMOVEFROM (3 1)
S1: c3 OK STORE completed
C1: c4 STORE 1:2 -FLAGS.SILENT (\Seen)
S1: * ESEARCH (TAG "c2") ADDTO (1 2,1)
S1: c4 OK STORE completed
C1: c5 STORE 2 +FLAGS.SILENT (\Seen)
S1: * ESEARCH (TAG "c2") REMOVEFROM (1 2)
S1: c5 OK STORE completed
C1: c1 SORT RETURN (UPDATE) (SIZE) UTF-8 ALL
S1: c1 BAD Tag reuse
# Another session's new message (368 octets as stored, between 362 and 399) goes in the middle of both, after the EXISTS.
S2: * PREAUTH $*
C2: x1 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 1] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 6] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: x1 OK [READ-WRITE] SELECT completed
C2: x2 APPEND INBOX {366+}
C2: Subject: mid
C2: 
C2: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
S2: * 5 EXISTS
S2: * $r RECENT
S2: x2 OK [APPENDUID 1793610000 6] APPEND completed
C1: d1 NOOP
S1: * 5 EXISTS
S1: * 1 RECENT
S1: * ESEARCH (TAG "c1") UID ADDTO (3 6)
S1: * ESEARCH (TAG "c2") ADDTO (2 5)
S1: d1 OK NOOP completed
C1: d2 UID FETCH 1:* RFC822.SIZE
S1: * 1 FETCH (UID 1 RFC822.SIZE 399)
S1: * 2 FETCH (UID 3 RFC822.SIZE 667)
S1: * 3 FETCH (UID 4 RFC822.SIZE 358)
S1: * 4 FETCH (UID 5 RFC822.SIZE 362)
S1: * 5 FETCH (UID 6 RFC822.SIZE 368)
S1: d2 OK UID FETCH completed
# An expunge: REMOVEFROM at the message's position, before the EXPUNGE (§4.3.4).
C1: e1 EXPUNGE
S1: * ESEARCH (TAG "c2") REMOVEFROM (1 1)
S1: * 1 EXPUNGE
S1: e1 OK EXPUNGE completed
# c2 is now uids 6 5 4 (numbers 4 3 2). Two leave: the second pair's position counts the first as gone already.
C2: x3 UID STORE 4,6 +FLAGS.SILENT (\Seen)
S2: x3 OK UID STORE completed
C2: x4 CHECK
S2: * 1 EXPUNGE
S2: x4 OK CHECK completed
C1: e2 NOOP
S1: * 2 FETCH (FLAGS (\Seen $$Forwarded))
S1: * 4 FETCH (FLAGS (\Seen))
S1: * ESEARCH (TAG "c2") REMOVEFROM (1 4 2 2)
S1: e2 OK NOOP completed
C1: e3 CANCELUPDATE "c1" "c2"
S1: e3 OK Updates cancelled
C1: e4 STORE 1:* -FLAGS.SILENT (\Seen)
S1: e4 OK STORE completed
C1: e5 LOGOUT
S1: * BYE $*
S1: e5 OK LOGOUT completed
C2: x5 LOGOUT
S2: * BYE $*
S2: x5 OK LOGOUT completed
uids: 3 4 5 6
