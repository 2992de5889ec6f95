# QRESYNC (RFC 7162 §3.2), after the RFC's examples with our numbers ($uv: the UIDVALIDITY, $h0...: mod-sequences,
# bound and sent back with ${name}).
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY $* CONDSTORE QRESYNC UTF8=ACCEPT OBJECTID SAVEDATE] $*
# ENABLE QRESYNC turns CONDSTORE on with it (§3.2.3); only what was named is listed.
C1: a1 ENABLE QRESYNC
S1: * ENABLED QRESYNC
S1: a1 OK ENABLE completed
C1: a2 ENABLE CONDSTORE QRESYNC
S1: * ENABLED
S1: a2 OK ENABLE completed
# The client notes the mailbox's UIDVALIDITY, HIGHESTMODSEQ and UIDs.
C1: a3 SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY $uv] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $h0] Highest
S1: a3 OK [READ-WRITE] SELECT completed
C1: a4 UID FETCH 1:* (FLAGS)
S1: * 1 FETCH (UID 1 FLAGS $*
S1: * 2 FETCH (UID 3 FLAGS $*
S1: * 3 FETCH (UID 4 FLAGS $*
S1: * 4 FETCH (UID 5 FLAGS $*
S1: a4 OK UID FETCH completed
C1: a5 UNSELECT
S1: a5 OK UNSELECT completed
# Another session, QRESYNC not on, flags one message and expunges another: it is told EXPUNGE as ever.
S2: * PREAUTH $*
C2: b1 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY $uv] UID validity status
S2: * OK [UIDNEXT 6] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b1 OK [READ-WRITE] SELECT completed
C2: b2 STORE 3 +FLAGS.SILENT (\Flagged)
S2: b2 OK STORE completed
C2: b3 STORE 2 +FLAGS.SILENT (\Deleted)
S2: b3 OK STORE completed
C2: b4 EXPUNGE
S2: * 2 EXPUNGE
S2: b4 OK EXPUNGE completed
# The first client comes back (§3.2.5.1): after the usual responses, what vanished since its mod-sequence (UIDs
# only, EARLIER: no message numbers change), then the flags of what changed, with UID and MODSEQ.
C1: a6 SELECT INBOX (QRESYNC (${uv} ${h0} 1:5))
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 3 EXISTS
S1: * 0 RECENT
S1: * OK [UNSEEN 2] First unseen message
S1: * OK [UIDVALIDITY $uv] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $h1] Highest
S1: * VANISHED (EARLIER) 3
S1: * 2 FETCH (UID 4 MODSEQ ($m4) FLAGS (\Flagged $$Forwarded))
S1: a6 OK [READ-WRITE] SELECT completed
# Limited to the UIDs it names (known-uids, §3.2.5): UID 3 is not among them. Selecting while a mailbox is
# selected closes it first: [CLOSED] (§3.2.11). seq-match-data is accepted; the server knows the answer without it.
C1: a7 EXAMINE INBOX (QRESYNC (${uv} ${h0} 4:5 (1:2 4:5)))
S1: * OK [CLOSED] Previous mailbox closed
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * 3 EXISTS
S1: * 0 RECENT
S1: * OK [UNSEEN 2] First unseen message
S1: * OK [UIDVALIDITY $uv] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $h1] Highest
S1: * 2 FETCH (UID 4 MODSEQ ($m4) FLAGS (\Flagged $$Forwarded))
S1: a7 OK [READ-ONLY] EXAMINE completed
# Another UIDVALIDITY: the client's cache is void, and the SELECT is a plain one.
C1: a8 SELECT INBOX (QRESYNC (1 ${h0} 1:5))
S1: * OK [CLOSED] Previous mailbox closed
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 3 EXISTS
S1: * 0 RECENT
S1: * OK [UNSEEN 2] First unseen message
S1: * OK [UIDVALIDITY $uv] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $h1] Highest
S1: a8 OK [READ-WRITE] SELECT completed
# seq-match-data pairs the Nth message number with the Nth UID, both ascending (§3.2.5.2, §7): sets of different
# sizes, or out of order, are not valid parameters, a BAD before anything is opened (§3.2.5), which leaves the
# mailbox selected as it was.
C1: a8b SELECT INBOX (QRESYNC (${uv} ${h0} 1:5 (1:3 1,4)))
S1: a8b BAD SELECT: $*
C1: a8c SELECT INBOX (QRESYNC (${uv} ${h0} 1:5 (2,1 4,1)))
S1: a8c BAD SELECT: $*
C1: a8d SELECT INBOX (QRESYNC (${uv} ${h0} 1:5 (1:2,2 1,4:5)))
S1: a8d BAD SELECT: $*
# UID FETCH (CHANGEDSINCE n VANISHED) (§3.2.6): the UIDs of its set expunged since n come first.
C1: a9 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${h0} VANISHED)
S1: * VANISHED (EARLIER) 3
S1: * 2 FETCH (UID 4 FLAGS (\Flagged $$Forwarded) MODSEQ ($m4))
S1: a9 OK UID FETCH completed
C1: a10 UID FETCH 4:5 (FLAGS) (CHANGEDSINCE ${h0} VANISHED)
S1: * 2 FETCH (UID 4 FLAGS (\Flagged $$Forwarded) MODSEQ ($m4))
S1: a10 OK UID FETCH completed
C1: a11 UID FETCH 1:* (FLAGS) (VANISHED CHANGEDSINCE ${h1})
S1: a11 OK UID FETCH completed
# A mod-sequence from before the mailbox's memory of expunges began: every UID of the set that is not here is told
# (§3.2.5.2 allows more than what vanished since), UID 2 of the fixture included.
C1: a11b UID FETCH 2:4 (FLAGS) (CHANGEDSINCE 1 VANISHED)
S1: * VANISHED (EARLIER) 2:3
S1: * 2 FETCH (UID 4 FLAGS (\Flagged $$Forwarded) MODSEQ ($m4))
S1: a11b OK UID FETCH completed
# Once QRESYNC is on, an expunge is told as VANISHED with UIDs, never EXPUNGE (§3.2.10): this session's own,
# another session's (at the next command that may tell it), MOVE's and UID EXPUNGE's, whose tagged OKs name the new
# HIGHESTMODSEQ (RFC 7162 §3.2.9).
C1: a12 STORE 1 +FLAGS.SILENT (\Deleted)
S1: a12 OK STORE completed
# The tagged OK of an EXPUNGE or UID EXPUNGE that removed something carries the new HIGHESTMODSEQ (§3.2.7, §3.2.9).
C1: a13 UID EXPUNGE 1:3
S1: * VANISHED 1
S1: a13 OK [HIGHESTMODSEQ $h2] UID EXPUNGE completed
C2: b5 NOOP
S2: * 1 EXPUNGE
S2: b5 OK NOOP completed
C2: b6 STORE 2 +FLAGS.SILENT (\Deleted)
S2: b6 OK STORE completed
C2: b7 EXPUNGE
S2: * 2 EXPUNGE
S2: b7 OK EXPUNGE completed
# While that expunge is held back (no VANISHED during a STORE: RFC 3501 §7.4.1) a STORE's FETCH carries a higher
# MODSEQ than its: the STORE also says a HIGHESTMODSEQ below it (§3.2), which the client takes over MODSEQs (§6).
C1: a13b UID STORE 4 +FLAGS (\Seen)
S1: * OK [HIGHESTMODSEQ $h2] Expunges are held back
S1: * 1 FETCH (UID 4 MODSEQ ($m4b) FLAGS (\Seen \Flagged $$Forwarded))
S1: a13b OK UID STORE completed
C1: a14 NOOP
S1: * VANISHED 5
S1: a14 OK NOOP completed
C1: a15 CREATE moved
S1: a15 OK [MAILBOXID (F$*)] CREATE completed
C1: a16 UID MOVE 4 moved
S1: * OK [COPYUID $mv 4 1] Moved UIDs.
S1: * VANISHED 4
S1: a16 OK [HIGHESTMODSEQ $h5] UID MOVE completed
# An EXPUNGE that removed nothing changed no mod-sequence: no code.
C1: a17 EXPUNGE
S1: a17 OK EXPUNGE completed
C2: b8 NOOP
S2: * 1 EXPUNGE
S2: b8 OK NOOP completed
# Errors, each a BAD that changes nothing: the QRESYNC parameter and the VANISHED modifier without ENABLE QRESYNC
# (§3.2.5, §3.2.6), VANISHED without CHANGEDSINCE or on a FETCH by message number, "*" among known UIDs.
S3: * PREAUTH $*
C3: c1 SELECT INBOX (QRESYNC (${uv} ${h0}))
S3: c1 BAD QRESYNC parameter without ENABLE QRESYNC
C3: c2 SELECT INBOX (QRESYNC (${uv} ${h0} 1:*))
S3: c2 BAD SELECT: $*
C3: c3 EXAMINE INBOX
S3: * FLAGS $*
S3: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S3: * 0 EXISTS
S3: * 0 RECENT
S3: * OK [UIDVALIDITY $uv] UID validity status
S3: * OK [UIDNEXT 6] Predicted next UID
S3: * OK [MAILBOXID (F$*)] Ok
S3: c3 OK [READ-ONLY] EXAMINE completed
C3: c4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)
S3: c4 BAD VANISHED without ENABLE QRESYNC
C3: c5 UID FETCH 1:* (FLAGS) (VANISHED)
S3: c5 BAD UID FETCH: VANISHED needs CHANGEDSINCE
C3: c6 FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)
S3: c6 BAD FETCH: VANISHED is for UID FETCH
C3: c7 LOGOUT
S3: * BYE $*
S3: c7 OK LOGOUT completed
distinct: h2 h5
