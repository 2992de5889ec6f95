# SEARCHRES (RFC 5182): SEARCH RETURN (SAVE) keeps the result as "$", which FETCH, STORE, COPY, MOVE, UID EXPUNGE
# and SEARCH itself take in place of a sequence set. Follows the RFC's examples (§4.1) on the bundled sample:
#   seq uid from        flags                 subject
#   1   1   alice       \Seen \Answered       Lunch on Thursday?
#   2   3   carol       \Seen \Flagged ...    Projekt X – Zeitplan
#   3   4   dave        $Forwarded            Re: Lunch on Thursday?
#   4   5   newsletter  (unseen, \Recent)     This week at Example
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 FETCH $ (UID)
S: a1 BAD Command FETCH invalid in authenticated state
C: a2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a2 OK [READ-WRITE] SELECT completed
# "$" is empty at first, and an empty "$" is no error: nothing is named (§2.1).
C: a3 FETCH $ (UID)
S: a3 OK FETCH completed
C: a4 SEARCH $
S: * SEARCH
S: a4 OK SEARCH completed
# Example 1: SAVE alone sends no ESEARCH; FETCH $ then names what was found.
C: b1 SEARCH RETURN (SAVE) UNSEEN SINCE 1-Nov-2025 NOT FROM "Smith"
S: b1 OK SEARCH completed
C: b2 FETCH $ (UID FLAGS)
S: * 3 FETCH (UID 4 FLAGS ($$Forwarded))
S: * 4 FETCH (UID 5 FLAGS (\Recent))
S: b2 OK FETCH completed
# "$" holds messages, not numbers of one kind: a UID command names the same ones (§2.1 implementation note).
C: b3 UID FETCH $ (FLAGS)
S: * 3 FETCH (UID 4 FLAGS ($$Forwarded))
S: * 4 FETCH (UID 5 FLAGS (\Recent))
S: b3 OK UID FETCH completed
C: b4 SEARCH $
S: * SEARCH 3 4
S: b4 OK SEARCH completed
C: b5 UID SEARCH OR UID $ 1 NOT DELETED
S: * SEARCH 1 4 5
S: b5 OK UID SEARCH completed
C: b6 SEARCH NOT $
S: * SEARCH 1 2
S: b6 OK SEARCH completed
# "$" stands alone: never an item of a set. A BAD command changes nothing (§2.1).
C: c1 FETCH 1,$ (UID)
S: c1 BAD $*
C: c2 FETCH $,1 (UID)
S: c2 BAD $*
C: c3 UID SEARCH RETURN (SAVE) UID 1:$
S: c3 BAD $*
C: c4 SEARCH RETURN (SAVE FOO) ALL
S: c4 BAD SEARCH: Unknown search return option FOO
C: c5 UID FETCH $ (FLAGS)
S: * 3 FETCH (UID 4 FLAGS ($$Forwarded))
S: * 4 FETCH (UID 5 FLAGS (\Recent))
S: c5 OK UID FETCH completed
# A search without SAVE, even one that fails, changes nothing; one with SAVE answered NO empties "$" (§2.1, Example 5).
C: c6 SEARCH ALL
S: * SEARCH 1 2 3 4
S: c6 OK SEARCH completed
C: c7 SEARCH CHARSET X-NO-SUCH $ SUBJECT lunch
S: c7 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset X-NO-SUCH
C: c8 SEARCH $
S: * SEARCH 3 4
S: c8 OK SEARCH completed
C: c9 SEARCH RETURN (SAVE) CHARSET X-NO-SUCH (OR $ 1,3000:3021) TEXT lunch
S: c9 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset X-NO-SUCH
C: c10 FETCH $ (UID)
S: c10 OK FETCH completed
# SAVE with MIN and/or MAX only: "$" holds just those (§2.4); with ALL or COUNT, everything found.
C: d1 UID SEARCH RETURN (SAVE MIN) UNDELETED
S: * ESEARCH (TAG "d1") UID MIN 1
S: d1 OK UID SEARCH completed
C: d2 FETCH $ (UID)
S: * 1 FETCH (UID 1)
S: d2 OK FETCH completed
C: d3 SEARCH RETURN (MIN MAX SAVE) ALL
S: * ESEARCH (TAG "d3") MIN 1 MAX 4
S: d3 OK SEARCH completed
C: d4 FETCH $ (UID)
S: * 1 FETCH (UID 1)
S: * 4 FETCH (UID 5)
S: d4 OK FETCH completed
C: d5 SEARCH RETURN (MAX COUNT SAVE) SEEN
S: * ESEARCH (TAG "d5") MAX 2 COUNT 2
S: d5 OK SEARCH completed
C: d6 FETCH $ (UID)
S: * 1 FETCH (UID 1)
S: * 2 FETCH (UID 3)
S: d6 OK FETCH completed
# A search that finds nothing saves the empty result.
C: d7 SEARCH RETURN (SAVE) SUBJECT nothing-like-this
S: d7 OK SEARCH completed
C: d8 SEARCH $
S: * SEARCH
S: d8 OK SEARCH completed
# A search may use "$" and save over it; SORT and THREAD without RETURN use "$" and leave it alone.
C: e1 SEARCH RETURN (SAVE) 2:4
S: e1 OK SEARCH completed
C: e2 SEARCH RETURN (SAVE ALL) $ NOT 3
S: * ESEARCH (TAG "e2") ALL 2,4
S: e2 OK SEARCH completed
C: e3 SORT (REVERSE ARRIVAL) UTF-8 OR $ 1
S: * SORT 4 2 1
S: e3 OK SORT completed
C: e4 THREAD ORDEREDSUBJECT UTF-8 $
S: * THREAD (2)(4)
S: e4 OK THREAD completed
C: e5 FETCH $ (UID)
S: * 2 FETCH (UID 3)
S: * 4 FETCH (UID 5)
S: e5 OK FETCH completed
# STORE and COPY take it; after an expunge "$" has lost the expunged message and the others' numbers moved (§2.1).
C: f1 STORE $ +FLAGS (\Flagged)
S: * 2 FETCH (FLAGS (\Seen \Flagged project-x))
S: * 4 FETCH (FLAGS (\Flagged \Recent))
S: f1 OK STORE completed
C: f2 CREATE Saved
S: f2 OK [MAILBOXID (F$*)] CREATE completed
C: f3 COPY $ Saved
S: f3 OK [COPYUID $v 3,5 1:2] COPY completed
C: f4 STORE 1 +FLAGS.SILENT (\Deleted)
S: f4 OK STORE completed
C: f5 EXPUNGE
S: * 1 EXPUNGE
S: f5 OK EXPUNGE completed
C: f6 FETCH $ (UID)
S: * 1 FETCH (UID 3)
S: * 3 FETCH (UID 5)
S: f6 OK FETCH completed
C: f7 UID SEARCH $
S: * SEARCH 3 5
S: f7 OK UID SEARCH completed
# MOVE and UID EXPUNGE take it too.
C: g1 UID SEARCH RETURN (SAVE) UID 4
S: g1 OK UID SEARCH completed
C: g2 MOVE $ Saved
S: * OK [COPYUID $v 4 3] Moved UIDs.
S: * 2 EXPUNGE
S: g2 OK MOVE completed
C: g3 FETCH $ (UID)
S: g3 OK FETCH completed
C: g4 SEARCH RETURN (SAVE) FLAGGED
S: g4 OK SEARCH completed
C: g5 STORE $ +FLAGS.SILENT (\Deleted)
S: g5 OK STORE completed
C: g6 UID EXPUNGE $
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: g6 OK UID EXPUNGE completed
C: g7 FETCH $ (UID)
S: g7 OK FETCH completed
# The saved result belongs to the selection: SELECT, EXAMINE, CLOSE, UNSELECT and a failed SELECT empty it.
C: h1 SELECT Saved
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*
S: * 3 EXISTS
S: * 3 RECENT
S: * OK [UNSEEN $*
S: * OK [UIDVALIDITY $v] UID validity status
S: * OK [UIDNEXT 4] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: h1 OK [READ-WRITE] SELECT completed
C: h2 SEARCH RETURN (SAVE) ALL
S: h2 OK SEARCH completed
C: h3 EXAMINE Saved
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS $*
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 3 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY $*] UID validity status
S: * OK [UIDNEXT 4] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: h3 OK [READ-ONLY] EXAMINE completed
C: h4 FETCH $ (UID)
S: h4 OK FETCH completed
C: h5 SEARCH RETURN (SAVE) ALL
S: h5 OK SEARCH completed
C: h6 UNSELECT
S: h6 OK UNSELECT completed
C: h7 EXAMINE Saved
S: * FLAGS $*
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 3 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY $*] UID validity status
S: * OK [UIDNEXT 4] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: h7 OK [READ-ONLY] EXAMINE completed
C: h8 FETCH $ (UID)
S: h8 OK FETCH completed
C: h9 SEARCH RETURN (SAVE) ALL
S: h9 OK SEARCH completed
C: h10 SELECT NoSuchMailbox
S: * OK [CLOSED] Previous mailbox closed
S: h10 NO $*
C: h11 FETCH $ (UID)
S: h11 BAD Command FETCH invalid in authenticated state
C: h12 EXAMINE Saved
S: * FLAGS $*
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 3 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY $*] UID validity status
S: * OK [UIDNEXT 4] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: h12 OK [READ-ONLY] EXAMINE completed
C: h13 SEARCH $
S: * SEARCH
S: h13 OK SEARCH completed
C: h14 LOGOUT
S: * BYE $*
S: h14 OK LOGOUT completed
