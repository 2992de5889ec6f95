# ESORT (RFC 5267 §3): SORT and UID SORT with RETURN options answer with an ESEARCH response in the sort order:
# MIN and MAX are the first and the last message of the sort order, ALL lists them all in that order (a range only
# for numbers that go up by one, §3.2), COUNT counts them; SAVE keeps the result for "$" (RFC 5182).
# The bundled sample, read-only (see sort.t for the sort keys of each message):
#   seq uid date     size subject
#   1   1   2 Nov    399  Lunch on Thursday?
#   2   3   3 Nov    667  Projekt X – Zeitplan
#   3   4   4 Nov    358  Re: Lunch on Thursday?       (unseen)
#   4   5   5 Nov    362  This week at Example         (unseen)
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 EXAMINE INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-ONLY] EXAMINE completed
# §3.3's example: RETURN () is ALL; 5 4 3 is never written 5:3 (§3.2).
C: b1 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $$Junk
S: * ESEARCH (TAG "b1") UID ALL 5,4,3,1
S: b1 OK UID SORT completed
C: b2 SORT RETURN (ALL) (DATE) UTF-8 ALL
S: * ESEARCH (TAG "b2") ALL 1:4
S: b2 OK SORT completed
C: b3 SORT RETURN (ALL) (SIZE) UTF-8 ALL
S: * ESEARCH (TAG "b3") ALL 3:4,1:2
S: b3 OK SORT completed
C: b4 UID SORT RETURN (ALL) (SIZE) UTF-8 ALL
S: * ESEARCH (TAG "b4") UID ALL 4:5,1,3
S: b4 OK UID SORT completed
C: b5 SORT RETURN (ALL) (SUBJECT) UTF-8 ALL
S: * ESEARCH (TAG "b5") ALL 1,3,2,4
S: b5 OK SORT completed
# MIN and MAX: the first and the last in the sort order, not the lowest and highest numbers (§3.1).
C: c1 SORT RETURN (MIN MAX COUNT) (SIZE) UTF-8 ALL
S: * ESEARCH (TAG "c1") MIN 3 MAX 2 COUNT 4
S: c1 OK SORT completed
C: c2 UID SORT RETURN (COUNT MAX) (REVERSE SIZE) UTF-8 UNSEEN
S: * ESEARCH (TAG "c2") UID MAX 4 COUNT 2
S: c2 OK UID SORT completed
C: c3 SORT RETURN (MIN MAX ALL COUNT) (DATE) UTF-8 SUBJECT nothing-like-this
S: * ESEARCH (TAG "c3") COUNT 0
S: c3 OK SORT completed
# A MODSEQ key ends the answer with the highest mod-sequence of what it names (RFC 7162 §3.1.5).
C: c4 SORT RETURN (MAX) (SIZE) UTF-8 MODSEQ 1
S: * OK [HIGHESTMODSEQ $h] Highest
S: * ESEARCH (TAG "c4") MAX 2 MODSEQ $m
S: c4 OK SORT completed
# SAVE: alone, no ESEARCH; with MIN or MAX only, just those; a NO empties "$", a BAD leaves it (RFC 5182 §2.1, §2.4).
C: d1 SORT RETURN (SAVE) (REVERSE SIZE) UTF-8 UNSEEN
S: d1 OK SORT completed
C: d2 FETCH $ (UID)
S: * 3 FETCH (UID 4)
S: * 4 FETCH (UID 5)
S: d2 OK FETCH completed
C: d3 SORT RETURN (SAVE MIN) (REVERSE SIZE) UTF-8 ALL
S: * ESEARCH (TAG "d3") MIN 2
S: d3 OK SORT completed
C: d4 SEARCH $
S: * SEARCH 2
S: d4 OK SEARCH completed
C: d5 SORT RETURN (SAVE PARTIAL 1:2 ALL) (DATE) UTF-8 ALL
S: d5 BAD SORT: PARTIAL and ALL together
C: d6 SORT (DATE) UTF-8 OR $ 4
S: * SORT 2 4
S: d6 OK SORT completed
C: d7 UID SORT RETURN (SAVE COUNT) (DATE) X-NO-SUCH ALL
S: d7 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset X-NO-SUCH
C: d8 FETCH $ (UID)
S: d8 OK FETCH completed
# An unknown option is refused (the CONTEXT=SORT ones are in context-sort.t); a RETURN without criteria is no SORT.
C: e1 SORT RETURN (UPDATES) (DATE) UTF-8 ALL
S: e1 BAD SORT: Unknown search return option UPDATES
C: e2 SORT RETURN (CONTEXT COUNT PARTIAL 1:*) (DATE) UTF-8 ALL
S: e2 BAD $*
C: e3 SORT RETURN (MIN) UTF-8 ALL
S: e3 BAD $*
C: e4 SORT RETURN (MIN (DATE) UTF-8 ALL
S: e4 BAD $*
C: e5 LOGOUT
S: * BYE $*
S: e5 OK LOGOUT completed
