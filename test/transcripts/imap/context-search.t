# CONTEXT=SEARCH (RFC 5267 §4) on SEARCH: PARTIAL pages through the result (§4.4), UPDATE keeps it and tells the
# client as messages join it (ADDTO) or leave it (REMOVEFROM), whoever changed them (§4.3), until CANCELUPDATE
# (§4.3.5) or the mailbox is no longer selected; CONTEXT is a hint (§4.2). The bundled sample:
#   seq uid from        flags                 subject
#   1   1   alice       \Seen \Answered       Lunch on Thursday?
#   2   3   carol       \Seen \Flagged ...    Projekt X – Zeitplan
#   3   4   dave        $Forwarded            Re: Lunch on Thursday?
#   4   5   newsletter  (unseen, \Recent)     This week at Example
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
# §4.2: CONTEXT changes nothing in the answer; alone (or with UPDATE alone) the ESEARCH carries just the correlator.
C1: b1 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $$Junk
S1: * ESEARCH (TAG "b1") COUNT 4
S1: b1 OK SEARCH completed
C1: b2 SEARCH RETURN (CONTEXT) ALL
S1: * ESEARCH (TAG "b2")
S1: b2 OK SEARCH completed
# §4.4: PARTIAL first:last, "The first result is 1", in mailbox order; the range as given, 4:2 as 2:4; a range past
# the results returns what is there, and NIL when nothing is.
C1: c1 UID SEARCH RETURN (PARTIAL 1:2) UNDELETED
S1: * ESEARCH (TAG "c1") UID PARTIAL (1:2 1,3)
S1: c1 OK UID SEARCH completed
C1: c2 UID SEARCH RETURN (PARTIAL 4:2 COUNT) UNDELETED
S1: * ESEARCH (TAG "c2") UID PARTIAL (4:2 3:5) COUNT 4
S1: c2 OK UID SEARCH completed
C1: c3 SEARCH RETURN (PARTIAL 3:500) ALL
S1: * ESEARCH (TAG "c3") PARTIAL (3:500 3:4)
S1: c3 OK SEARCH completed
C1: c4 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED
S1: * ESEARCH (TAG "c4") UID PARTIAL (24000:24500 NIL)
S1: c4 OK UID SEARCH completed
C1: c5 SEARCH RETURN (MIN PARTIAL 2:2 MAX) SEEN
S1: * ESEARCH (TAG "c5") MIN 1 MAX 2 PARTIAL (2:2 2)
S1: c5 OK SEARCH completed
# RFC 9394 §3.2 (for a CONTEXT=SEARCH server): SAVE with PARTIAL keeps what PARTIAL returned, with MIN/MAX's
# messages; with COUNT, everything found.
C1: c6 SEARCH RETURN (SAVE PARTIAL 2:3 MIN) ALL
S1: * ESEARCH (TAG "c6") MIN 1 PARTIAL (2:3 2:3)
S1: c6 OK SEARCH completed
C1: c7 SEARCH $
S1: * SEARCH 1 2 3
S1: c7 OK SEARCH completed
C1: c8 SEARCH RETURN (SAVE PARTIAL 1:1 COUNT) ALL
S1: * ESEARCH (TAG "c8") PARTIAL (1:1 1) COUNT 4
S1: c8 OK SEARCH completed
C1: c9 SEARCH $
S1: * SEARCH 1 2 3 4
S1: c9 OK SEARCH completed
# One PARTIAL, or ALL, never both (§4.4); a range is two non-zero numbers. A BAD leaves "$" alone.
C1: c10 SEARCH RETURN (PARTIAL 1:2 ALL) ALL
S1: c10 BAD SEARCH: PARTIAL and ALL together
C1: c11 SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL
S1: c11 BAD SEARCH: PARTIAL given twice
C1: c12 SEARCH RETURN (PARTIAL 0:2) ALL
S1: c12 BAD $*
C1: c13 SEARCH RETURN (PARTIAL 1:*) ALL
S1: c13 BAD $*
C1: c14 SEARCH RETURN (PARTIAL) ALL
S1: c14 BAD $*
C1: c15 SEARCH $
S1: * SEARCH 1 2 3 4
S1: c15 OK SEARCH completed
# §4.3: UPDATE. This session's own STORE moves messages in and out of the result; SEARCH's updates are at position 0,
# in mailbox order (§4.3.3, §4.3.4), as UIDs for a UID SEARCH and as message numbers for a SEARCH.
C1: d1 UID SEARCH RETURN (UPDATE) DELETED
S1: * ESEARCH (TAG "d1") UID
S1: d1 OK UID SEARCH completed
C1: d2 SEARCH RETURN (COUNT UPDATE) UNSEEN
S1: * ESEARCH (TAG "d2") COUNT 2
S1: d2 OK SEARCH completed
C1: d3 STORE 1,3 +FLAGS (\Deleted)
S1: * ESEARCH (TAG "d1") UID ADDTO (0 1,4)
S1: * 1 FETCH (FLAGS (\Seen \Answered \Deleted))
S1: * 3 FETCH (FLAGS (\Deleted $$Forwarded))
S1: d3 OK STORE completed
C1: d4 STORE 3:4 +FLAGS.SILENT (\Seen)
S1: * ESEARCH (TAG "d2") REMOVEFROM (0 3:4)
S1: d4 OK STORE completed
C1: d5 STORE 1 -FLAGS.SILENT (\Deleted \Seen)
S1: * ESEARCH (TAG "d1") UID REMOVEFROM (0 1)
S1: * ESEARCH (TAG "d2") ADDTO (0 1)
S1: d5 OK STORE completed
# Tag reuse with a context still updating: BAD (§4.3: "SHALL result in the server rejecting the searching command
# with a BAD response"); without UPDATE the tag may be used again.
C1: d1 SEARCH RETURN (UPDATE) ALL
S1: d1 BAD Tag reuse
C1: d1 SEARCH RETURN (COUNT) DELETED
S1: * ESEARCH (TAG "d1") COUNT 1
S1: d1 OK SEARCH completed
# Another session's changes come in at this session's next command, or at once in IDLE (§4.3.2: "MAY be sent at any
# time ... when the client is using the IDLE facility"): its flag change, and new mail after the EXISTS that numbers
# it (§4.3.3).
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
C2: x2 STORE 2 -FLAGS (\Seen)
S2: * 2 FETCH (FLAGS (\Flagged project-x))
S2: x2 OK STORE completed
C2: x3 CHECK
S2: x3 OK CHECK completed
C1: e1 NOOP
S1: * 2 FETCH (FLAGS (\Flagged project-x))
S1: * ESEARCH (TAG "d2") ADDTO (0 2)
S1: e1 OK NOOP completed
C1: e2 IDLE
S1: + idling
C2: x4 APPEND INBOX (\Deleted) {21+}
C2: Subject: late
C2: 
C2: late
S2: * 5 EXISTS
S2: * $r RECENT
S2: x4 OK [APPENDUID 1793610000 6] APPEND completed
S1: * 5 EXISTS
S1: * 1 RECENT
S1: * ESEARCH (TAG "d1") UID ADDTO (0 6)
S1: * ESEARCH (TAG "d2") ADDTO (0 5)
C1: DONE
S1: e2 OK IDLE completed
# An expunge: REMOVEFROM before the EXPUNGE, numbered as the client knows the message then (§4.3.4).
C2: x5 EXPUNGE
S2: * 3 EXPUNGE
S2: * 4 EXPUNGE
S2: x5 OK EXPUNGE completed
C1: e3 NOOP
S1: * ESEARCH (TAG "d1") UID REMOVEFROM (0 4)
S1: * 3 EXPUNGE
S1: * ESEARCH (TAG "d1") UID REMOVEFROM (0 6)
S1: * ESEARCH (TAG "d2") REMOVEFROM (0 4)
S1: * 4 EXPUNGE
S1: e3 OK NOOP completed
C1: e4 UID SEARCH ALL
S1: * SEARCH 1 3 5
S1: e4 OK UID SEARCH completed
# CANCELUPDATE (§4.3.5) takes quoted tags; an unknown one is NO and cancels nothing. After it, no more updates.
C1: f1 CANCELUPDATE "d1" "nope"
S1: f1 NO No updating context has that tag
C1: f2 CANCELUPDATE d1
S1: f2 BAD $*
C1: f3 CANCELUPDATE
S1: f3 BAD $*
C1: f4 CANCELUPDATE "d1"
S1: f4 OK Updates cancelled
C1: f5 STORE 1 +FLAGS.SILENT (\Seen \Deleted)
S1: * ESEARCH (TAG "d2") REMOVEFROM (0 1)
S1: f5 OK STORE completed
C1: f6 CANCELUPDATE "d1"
S1: f6 NO No updating context has that tag
# A time-dependent search is not updated: untagged NO [NOUPDATE], the other options still answered (§4.3.1).
C1: g1 SEARCH RETURN (UPDATE COUNT) YOUNGER 100000000
S1: * NO [NOUPDATE "g1"] Results that change with time alone are not updated
S1: * ESEARCH (TAG "g1") COUNT 3
S1: g1 OK SEARCH completed
# The limit on updating contexts: five (d2 and these four), then NOUPDATE (§4.3.1: "Servers MUST provide at least
# one updating context per client, and SHOULD provide more").
C1: g2 SEARCH RETURN (UPDATE) ALL
S1: * ESEARCH (TAG "g2")
S1: g2 OK SEARCH completed
C1: g3 SEARCH RETURN (UPDATE) ALL
S1: * ESEARCH (TAG "g3")
S1: g3 OK SEARCH completed
C1: g4 SEARCH RETURN (UPDATE) ALL
S1: * ESEARCH (TAG "g4")
S1: g4 OK SEARCH completed
C1: g5 SEARCH RETURN (UPDATE) ALL
S1: * ESEARCH (TAG "g5")
S1: g5 OK SEARCH completed
C1: g6 SEARCH RETURN (UPDATE MIN) ALL
S1: * NO [NOUPDATE "g6"] Too many updating contexts (at most 5)
S1: * ESEARCH (TAG "g6") MIN 1
S1: g6 OK SEARCH completed
C1: g7 CANCELUPDATE "g2" "g3" "g4" "g5" "d2"
S1: g7 OK Updates cancelled
# Message numbers and "*" name other messages as the mailbox changes: such a search is looked at whole.
C1: h1 UID SEARCH RETURN (UPDATE ALL) 2:*
S1: * ESEARCH (TAG "h1") UID ALL 3,5
S1: h1 OK UID SEARCH completed
C1: h2 STORE 1 +FLAGS.SILENT (\Seen)
S1: h2 OK STORE completed
C1: h3 EXPUNGE
S1: * 1 EXPUNGE
S1: * ESEARCH (TAG "h1") UID REMOVEFROM (0 3)
S1: h3 OK EXPUNGE completed
# Updates end with the selection (§4.3): after a new SELECT nothing comes, and the tag is free again.
C1: i1 SELECT INBOX
S1: * OK [CLOSED] $*
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 2 EXISTS
S1: * 0 RECENT
S1: * OK [UNSEEN 1] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 7] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: i1 OK [READ-WRITE] SELECT completed
C1: i2 CANCELUPDATE "h1"
S1: i2 NO No updating context has that tag
C1: i3 STORE 1 +FLAGS.SILENT (\Deleted)
S1: i3 OK STORE completed
C1: i4 UNSELECT
S1: i4 OK UNSELECT completed
C1: i5 CANCELUPDATE "h1"
S1: i5 BAD Command CANCELUPDATE invalid in authenticated state
C1: i6 LOGOUT
S1: * BYE $*
S1: i6 OK LOGOUT completed
C2: x6 LOGOUT
S2: * BYE $*
S2: x6 OK LOGOUT completed
uids: 3 5
