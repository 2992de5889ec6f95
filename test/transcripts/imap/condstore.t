# CONDSTORE (RFC 7162 §3.1), after the RFC's examples with our numbers: mod-sequences come from a microsecond clock,
# so they are bound ($h0: the first, $m3: message 3's after a STORE, ...) and sent back with ${name}.
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY $* CONDSTORE QRESYNC UTF8=ACCEPT OBJECTID SAVEDATE] $*
# ENABLE (RFC 5161 §3.1) lists what it turned on: CONDSTORE the first time, nothing once it is on.
C1: a1 ENABLE CONDSTORE
S1: * ENABLED CONDSTORE
S1: a1 OK ENABLE completed
C1: a2 ENABLE condstore X-NONE
S1: * ENABLED
S1: a2 OK ENABLE completed
# Once it is on, SELECT tells HIGHESTMODSEQ (§3.1.2.1). A mailbox indexed for the first time gives every message
# the same number.
C1: a3 SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $h0] Highest
S1: a3 OK [READ-WRITE] SELECT completed
# A second session selects the mailbox, CONDSTORE not on (it is used below).
S2: * PREAUTH $*
C2: b1 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 6] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b1 OK [READ-WRITE] SELECT completed
C1: a4 FETCH 1:* (MODSEQ)
S1: * 1 FETCH (MODSEQ ($h0))
S1: * 2 FETCH (MODSEQ ($h0))
S1: * 3 FETCH (MODSEQ ($h0))
S1: * 4 FETCH (MODSEQ ($h0))
S1: a4 OK FETCH completed
# A FETCH that changes nothing answers what it was asked (§3.1: only FETCH responses caused by a flag change gain
# UID and MODSEQ).
C1: a5 FETCH 3 (FLAGS)
S1: * 3 FETCH (FLAGS ($$Forwarded))
S1: a5 OK FETCH completed
# A STORE's FETCH carries UID and MODSEQ: the message's new, higher mod-sequence.
C1: a6 STORE 3 +FLAGS (\Answered)
S1: * 3 FETCH (UID 4 MODSEQ ($m3) FLAGS (\Answered $$Forwarded))
S1: a6 OK STORE completed
# CHANGEDSINCE (§3.1.4.1): only the messages changed after the given mod-sequence, with MODSEQ added; FETCH and
# UID FETCH alike.
C1: a7 FETCH 1:* (FLAGS) (CHANGEDSINCE ${h0})
S1: * 3 FETCH (FLAGS (\Answered $$Forwarded) MODSEQ ($m3))
S1: a7 OK FETCH completed
C1: a8 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${m3})
S1: a8 OK UID FETCH completed
C1: a9 UID FETCH 3:4 (FLAGS MODSEQ) (changedsince 1)
S1: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x) MODSEQ ($h0))
S1: * 3 FETCH (UID 4 FLAGS (\Answered $$Forwarded) MODSEQ ($m3))
S1: a9 OK UID FETCH completed
# A body fetched without PEEK sets \Seen: that response carries UID and MODSEQ too (RFC 7162 §3.1), the MODSEQ the
# \Seen got when written, before the response.
C1: a10 FETCH 4 (BODY[HEADER.FIELDS (SUBJECT)])
S1: * 4 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {33}
S1: Subject: This week at Example
S1: 
S1:  UID 5 MODSEQ ($m4) FLAGS (\Seen \Recent))
S1: a10 OK FETCH completed
# STATUS HIGHESTMODSEQ (§3.1.2.2): the \Seen just written took a number of its own.
C1: a11 STATUS INBOX (MESSAGES HIGHESTMODSEQ)
S1: * STATUS "INBOX" (MESSAGES 4 HIGHESTMODSEQ $m4)
S1: a11 OK STATUS completed
C1: a12 FETCH 4 (MODSEQ)
S1: * 4 FETCH (MODSEQ ($m4))
S1: a12 OK FETCH completed
# SEARCH MODSEQ (§3.1.5): messages at or above the value; the answer ends with the highest found, and has no
# MODSEQ when nothing is found. An entry name and type are accepted (modseqs are kept per message).
C1: a13 SEARCH MODSEQ ${m3}
S1: * SEARCH 3 4 (MODSEQ $m4)
S1: a13 OK SEARCH completed
C1: a14 UID SEARCH MODSEQ "/flags/\\answered" all ${h0} UNSEEN
S1: * SEARCH 4 (MODSEQ $m3)
S1: a14 OK UID SEARCH completed
C1: a15 SEARCH NOT MODSEQ ${m3}
S1: * SEARCH 1 2 (MODSEQ $h0)
S1: a15 OK SEARCH completed
C1: a16 SEARCH MODSEQ 9223372036854775807
S1: * SEARCH
S1: a16 OK SEARCH completed
C1: a17 SEARCH RETURN (MIN COUNT) MODSEQ 1
S1: * ESEARCH (TAG "a17") MIN 1 COUNT 4 MODSEQ $m4
S1: a17 OK SEARCH completed
C1: a18 SEARCH RETURN (MIN) MODSEQ 1
S1: * ESEARCH (TAG "a18") MIN 1 MODSEQ $h0
S1: a18 OK SEARCH completed
# SORT ends its answer the same way; THREAD takes the key and answers as ever.
C1: a19 SORT (REVERSE ARRIVAL) UTF-8 MODSEQ ${m3}
S1: * SORT 4 3 (MODSEQ $m4)
S1: a19 OK SORT completed
C1: a20 THREAD ORDEREDSUBJECT UTF-8 MODSEQ ${m4}
S1: * THREAD (4)
S1: a20 OK THREAD completed
# The second session's first CONDSTORE-enabling command while a mailbox is selected is told HIGHESTMODSEQ first
# (§3.1): what it knows of, before the first session's changes, which follow with their UID and MODSEQ: the numbers
# the first session gave them (a message's MODSEQ is the same whoever asks). STORE (UNCHANGEDSINCE) of a message
# unchanged since: stored, and even .SILENT gives the new mod-sequence (§3.1.3).
C2: b2 STORE 1 (UNCHANGEDSINCE ${h0}) +FLAGS.SILENT (\Flagged)
S2: * OK [HIGHESTMODSEQ $h0] Highest
S2: * 3 FETCH (UID 4 MODSEQ ($m3) FLAGS (\Answered $$Forwarded))
S2: * 4 FETCH (UID 5 MODSEQ ($m4) FLAGS (\Seen))
S2: * 1 FETCH (UID 1 MODSEQ ($m1))
S2: b2 OK STORE completed
# Messages changed since: left alone and named in MODIFIED (UIDs for UID STORE); the others stored.
C2: b3 UID STORE 1:4 (UNCHANGEDSINCE ${h0}) +FLAGS (\Deleted)
S2: * 2 FETCH (UID 3 MODSEQ ($m2) FLAGS (\Seen \Flagged \Deleted project-x))
S2: b3 OK [MODIFIED 1,4] Conditional STORE failed
C2: b4 STORE 1:3 (UNCHANGEDSINCE ${m2}) -FLAGS (\Deleted)
S2: * 1 FETCH (UID 1 MODSEQ ($m1) FLAGS (\Seen \Answered \Flagged))
S2: * 2 FETCH (UID 3 MODSEQ ($m2b) FLAGS (\Seen \Flagged project-x))
S2: * 3 FETCH (UID 4 MODSEQ ($m3) FLAGS (\Answered $$Forwarded))
S2: b4 OK STORE completed
# UNCHANGEDSINCE 0 fails for every message: a flag always exists (§3.1.3).
C2: b5 STORE 1:* (UNCHANGEDSINCE 0) +FLAGS (\Draft)
S2: b5 OK [MODIFIED 1:4] Conditional STORE failed
# The first session hears of the other's changes with UID and MODSEQ, the numbers the other gave: message 2's too,
# whose flags are as they were after a \Deleted set and taken off again, but whose MODSEQ moved on.
C1: a21 NOOP
S1: * 1 FETCH (UID 1 MODSEQ ($m1) FLAGS (\Seen \Answered \Flagged))
S1: * 2 FETCH (UID 3 MODSEQ ($m2b) FLAGS (\Seen \Flagged project-x))
S1: a21 OK NOOP completed
# CHANGEDSINCE 0 is not a mod-sequence-value (RFC 7162 §7: positive), but iPhone Mail sends it for a mailbox it
# has no MODSEQ for yet, and Dovecot answers it: every message changed since 0, with its MODSEQ.
C2: b6 FETCH 1 (FLAGS) (CHANGEDSINCE 0)
S2: * 1 FETCH (FLAGS (\Seen \Answered \Flagged) MODSEQ ($m1))
S2: b6 OK FETCH completed
# Syntax: CHANGEDSINCE takes a mod-sequence, modifiers come once and must be known, the entry of a MODSEQ key has a
# type; each is a BAD and the session goes on.
C2: b7 FETCH 1 (FLAGS) (CHANGEDSINCE)
S2: b7 BAD FETCH: $*
C2: b8 UID FETCH 1 (FLAGS) (VANISHED)
S2: b8 BAD UID FETCH: $*
C2: b9 STORE 1 (UNCHANGEDSINCE 5 UNCHANGEDSINCE 6) +FLAGS (\Seen)
S2: b9 BAD STORE: $*
C2: b10 STORE 1 (UNCHANGEDSINCE 99999999999999999999) +FLAGS (\Seen)
S2: b10 BAD STORE: $*
C2: b11 SEARCH MODSEQ "/flags/\\Seen" private 5
S2: b11 BAD SEARCH: $*
C2: b12 SELECT INBOX (CONDSTORE QRESYNC)
S2: b12 BAD SELECT: $*
C2: b13 STATUS INBOX (HIGHESTMODSEQ)
S2: * STATUS "INBOX" (HIGHESTMODSEQ $m2b)
S2: b13 OK STATUS completed
# EXAMINE (CONDSTORE) turns it on for a session and tells HIGHESTMODSEQ; a conditional STORE there is refused.
S3: * PREAUTH $*
C3: c1 EXAMINE INBOX (CONDSTORE)
S3: * FLAGS $*
S3: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S3: * 4 EXISTS
S3: * 0 RECENT
S3: * OK [UNSEEN 3] First unseen message
S3: * OK [UIDVALIDITY 1793610000] UID validity status
S3: * OK [UIDNEXT 6] Predicted next UID
S3: * OK [MAILBOXID (F$*)] Ok
S3: * OK [HIGHESTMODSEQ $e3] Highest
S3: c1 OK [READ-ONLY] EXAMINE completed
C3: c2 STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\Seen)
S3: c2 NO [READ-ONLY] $*
C3: c3 LOGOUT
S3: * BYE $*
S3: c3 OK LOGOUT completed
C2: b14 LOGOUT
S2: * BYE $*
S2: b14 OK LOGOUT completed
C1: a22 LOGOUT
S1: * BYE $*
S1: a22 OK LOGOUT completed
distinct: h0 m3 m4 m1 m2 m2b
uids: 1 3 4 5
