# IMAP4rev2 (RFC 9051), offered beside IMAP4rev1: nothing changes until the client sends ENABLE IMAP4rev2 (§6.3.1).
# Then: no \Recent anywhere (no RECENT response, no \Recent in FLAGS, the search keys NEW, OLD and RECENT and STATUS
# RECENT are not in the grammar: BAD), SELECT and EXAMINE send the mailbox's LIST response and no UNSEEN code
# (§6.3.2), SEARCH answers with ESEARCH (§6.4.4, its examples below), mailbox names go both ways in UTF-8 (§5.1) while
# the files keep their modified UTF-7 names, which an IMAP4rev1 session still sees. A second, rev1, session on the
# same mailbox sees \Recent as before: the two revisions share one mailbox.
no rev2 replay: it enables IMAP4rev2 itself, beside an IMAP4rev1 session
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 $*] $*
C1: a1 ENABLE IMAP4rev2
S1: * ENABLED IMAP4rev2
S1: a1 OK ENABLE completed
# Enabled once: named again it is not listed (RFC 5161 §3.1); capability names are case-insensitive.
C1: a2 ENABLE imap4REV2 CONDSTORE
S1: * ENABLED CONDSTORE
S1: a2 OK ENABLE completed
# §6.3.2: FLAGS, PERMANENTFLAGS, the LIST response, EXISTS, UIDVALIDITY, UIDNEXT; no RECENT, no UNSEEN (message 4
# is new and unseen: a rev1 SELECT says "* 1 RECENT" and "OK [UNSEEN 3]").
C1: a3 SELECT INBOX
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S1: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S1: * LIST (\NoInferiors) "/" "INBOX"
S1: * 4 EXISTS
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $*] Highest
S1: a3 OK [READ-WRITE] SELECT completed
# Message 4 is \Recent to this session, which is not told so.
C1: a4 FETCH 1:* (UID FLAGS)
S1: * 1 FETCH (UID 1 FLAGS (\Seen \Answered))
S1: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x))
S1: * 3 FETCH (UID 4 FLAGS ($$Forwarded))
S1: * 4 FETCH (UID 5 FLAGS ())
S1: a4 OK FETCH completed
# §6.4.4's examples: no RETURN is RETURN (ALL); UID SEARCH says UID; nothing found is the tag alone.
C1: a5 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
S1: * ESEARCH (TAG "a5") ALL 2
S1: a5 OK SEARCH completed
C1: a6 SEARCH RETURN (MIN COUNT) UNSEEN
S1: * ESEARCH (TAG "a6") MIN 3 COUNT 2
S1: a6 OK SEARCH completed
C1: a7 UID SEARCH UNDELETED
S1: * ESEARCH (TAG "a7") UID ALL 1,3:5
S1: a7 OK UID SEARCH completed
C1: a8 SEARCH TEXT "string not in mailbox"
S1: * ESEARCH (TAG "a8")
S1: a8 OK SEARCH completed
C1: a9 SEARCH RETURN () 1:2
S1: * ESEARCH (TAG "a9") ALL 1:2
S1: a9 OK SEARCH completed
# SAVE alone answers nothing; "$" is the result (RFC 9051 §6.4.4.1, SEARCHRES being base).
C1: b1 SEARCH RETURN (SAVE) SEEN
S1: b1 OK SEARCH completed
C1: b2 UID SEARCH $
S1: * ESEARCH (TAG "b2") UID ALL 1,3
S1: b2 OK UID SEARCH completed
# \Recent is not in IMAP4rev2's grammar (Appendix E): BAD, and the session goes on.
C1: b3 SEARCH RECENT
S1: b3 BAD SEARCH: Search key RECENT is not in IMAP4rev2, which has no \Recent
C1: b4 UID SEARCH OLD
S1: b4 BAD UID SEARCH: Search key OLD is not in IMAP4rev2, which has no \Recent
C1: b5 SEARCH UNSEEN NOT NEW
S1: b5 BAD SEARCH: Search key NEW is not in IMAP4rev2, which has no \Recent
C1: b6 STATUS INBOX (MESSAGES RECENT)
S1: b6 BAD STATUS: STATUS RECENT is not in IMAP4rev2, which has no \Recent
C1: b7 LIST "" "INBOX" RETURN (STATUS (MESSAGES RECENT))
S1: b7 BAD LIST: STATUS RECENT is not in IMAP4rev2, which has no \Recent
C1: b8 STORE 2 +FLAGS (\Deleted)
S1: * 2 FETCH (UID 3 MODSEQ ($*) FLAGS (\Seen \Flagged \Deleted project-x))
S1: b8 OK STORE completed
# STATUS DELETED and SIZE (§6.3.11).
C1: b9 STATUS INBOX (MESSAGES DELETED SIZE)
S1: * STATUS "INBOX" (MESSAGES 4 DELETED 1 SIZE 1786)
S1: b9 OK STATUS completed
# A rev1 session delivers a message; it is \Recent to session 1, which sees only EXISTS.
S2: * PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 $*] $*
C2: c1 APPEND INBOX {22+}
C2: Subject: new one
C2: 
C2: hi
S2: c1 OK [APPENDUID 1793610000 6] APPEND completed
C1: c2 NOOP
S1: * 5 EXISTS
S1: c2 OK NOOP completed
C1: c3 FETCH 5 (FLAGS)
S1: * 5 FETCH (FLAGS ())
S1: c3 OK FETCH completed
# The rev1 session: \Recent as RFC 3501 has it. Message 4 was claimed by session 1 and 5 too (it looked first).
C2: c4 EXAMINE INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S2: * 5 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: c4 OK [READ-ONLY] EXAMINE completed
C2: c5 SEARCH UNSEEN
S2: * SEARCH 3 4 5
S2: c5 OK SEARCH completed
# CHECK stays (it is a NOOP here); UNSELECT leaves the mailbox without expunging.
C1: d1 CHECK
S1: d1 OK CHECK completed
C1: d2 UNSELECT
S1: d2 OK UNSELECT completed
# UTF-8 names (§5.1), quoted; on disk modified UTF-7, as the rev1 session lists them.
C1: d3 CREATE "Café/Thé/Sub"
S1: d3 OK [MAILBOXID (F$*)] CREATE completed
C1: d4 LIST "" "Caf*"
S1: * LIST (\Noselect \HasChildren) "/" "Café"
S1: * LIST (\Noselect \HasChildren) "/" "Café/Thé"
S1: * LIST (\NoInferiors \Unmarked) "/" "Café/Thé/Sub"
S1: d4 OK LIST completed
C2: d5 LIST "" "Caf*"
S2: * LIST (\Noselect \HasChildren) "/" "Caf&AOk-"
S2: * LIST (\Noselect \HasChildren) "/" "Caf&AOk-/Th&AOk-"
S2: * LIST (\NoInferiors \Unmarked) "/" "Caf&AOk-/Th&AOk-/Sub"
S2: d5 OK LIST completed
# "&" is only "&": a rev2 client names mailboxes in UTF-8, never in modified UTF-7 (stored as "&-").
C1: d6 CREATE "Caf&AOk-"
S1: d6 OK [MAILBOXID (F$*)] CREATE completed
C2: d7 LIST "" "Caf&-*"
S2: * LIST (\NoInferiors \Unmarked) "/" "Caf&-AOk-"
S2: d7 OK LIST completed
# RFC 9051 §7.1's HASCHILDREN: a directory holding mailboxes is not deleted (UW's rule).
C1: d8 DELETE "Café/Thé"
S1: d8 NO [HASCHILDREN] Mailbox has inferior hierarchical names
# The LIST response of EXAMINE names the mailbox in UTF-8, with its attributes.
C1: d9 EXAMINE "Café/Thé/Sub"
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * LIST (\NoInferiors \Unmarked) "/" "Café/Thé/Sub"
S1: * 0 EXISTS
S1: * OK [UIDVALIDITY $*] UID validity status
S1: * OK [UIDNEXT 1] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $*] Highest
S1: d9 OK [READ-ONLY] EXAMINE completed
# Selecting another mailbox: OK [CLOSED] first (§6.3.2); a mailbox with a special use lists it.
C1: e1 CREATE Sent (USE (\Sent))
S1: e1 OK [MAILBOXID (F$*)] CREATE completed
C1: e2 SELECT Sent
S1: * OK [CLOSED] Previous mailbox closed
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S1: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "Sent"
S1: * 0 EXISTS
S1: * OK [UIDVALIDITY $*] UID validity status
S1: * OK [UIDNEXT 1] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: * OK [HIGHESTMODSEQ $*] Highest
S1: e2 OK [READ-WRITE] SELECT completed
C1: e3 SUBSCRIBE "Café/Thé/Sub"
S1: e3 OK SUBSCRIBE completed
C1: e4 LIST (SUBSCRIBED) "" "*"
S1: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Café/Thé/Sub"
S1: e4 OK LIST completed
C1: e5 LOGOUT
S1: * BYE $*
S1: e5 OK LOGOUT completed
C2: e6 LOGOUT
S2: * BYE $*
S2: e6 OK LOGOUT completed
uids: 1 3 4 5 6
