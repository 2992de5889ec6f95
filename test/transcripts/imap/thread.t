# THREAD and UID THREAD (RFC 5256 §3, §4) on test/fixtures/imap-thread.mbox (UIDs are ten times the seq):
#   seq sent (UTC)    subject               message-id  refers to
#   1   1 Nov 10:00   Release plan          a
#   2   1 Nov 11:00   Re: Release plan      b           a
#   3   1 Nov 09:00   Unrelated             c
#   4   1 Nov 12:00   Re: Release plan      d           a b
#   5   1 Nov 11:30   Re: Release plan      e           a
#   6   2 Nov 08:00   Re: Missing parent    f           gone (not in the mailbox)
#   7   2 Nov 07:00   Re: Missing parent    g           gone (In-Reply-To only)
#   8   3 Nov 09:00   Fwd: Unrelated        h
mailbox: imap-thread.mbox
S: * PREAUTH $*
C: a1 EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 8 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY 1800000000] UID validity status
S: * OK [UIDNEXT 81] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-ONLY] EXAMINE completed
# REFERENCES: 4 under 2 under 1, 5 under 1; 6 and 7 share a dummy parent (kept at the root: two children), ordered
# by the earliest child; 8 joins 3 by base subject (step 5: a forward of a root-set message with that subject).
C: a2 THREAD REFERENCES UTF-8 ALL
S: * THREAD (3 8)(1 (2 4)(5))((7)(6))
S: a2 OK THREAD completed
C: a3 UID THREAD REFERENCES UTF-8 ALL
S: * THREAD (30 80)(10 (20 40)(50))((70)(60))
S: a3 OK UID THREAD completed
# ORDEREDSUBJECT: one thread per base subject, by sent date; later messages are siblings under the first.
C: a4 THREAD ORDEREDSUBJECT UTF-8 ALL
S: * THREAD (3 8)(1 (2)(5)(4))(7 6)
S: a4 OK THREAD completed
C: a5 UID THREAD ORDEREDSUBJECT US-ASCII ALL
S: * THREAD (30 80)(10 (20)(50)(40))(70 60)
S: a5 OK UID THREAD completed
# Only the messages the search criteria select are threaded: without 2, 4 hangs under 1 through a pruned dummy.
C: a6 THREAD REFERENCES UTF-8 NOT 2
S: * THREAD (3 8)(1 (5)(4))((7)(6))
S: a6 OK THREAD completed
C: a7 THREAD REFERENCES UTF-8 7:8
S: * THREAD (7)(8)
S: a7 OK THREAD completed
C: a8 THREAD ORDEREDSUBJECT UTF-8 SUBJECT nothing-like-this
S: * THREAD
S: a8 OK THREAD completed
C: a9 thread references utf-8 subject release
S: * THREAD (1 (2 4)(5))
S: a9 OK THREAD completed
C: a10 THREAD FOO UTF-8 ALL
S: a10 BAD THREAD: Unknown threading algorithm FOO
C: a11 THREAD REFERENCES KOI9 ALL
S: a11 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI9
C: a12 THREAD (REFERENCES) UTF-8 ALL
S: a12 BAD THREAD: Expected atom at "(REFERENCES) UTF-8 A"
# SORT on the same mailbox: DATE is the sent date (Date:), ARRIVAL the INTERNALDATE.
C: a13 UID SORT (DATE) UTF-8 ALL
S: * SORT 30 10 20 50 40 70 60 80
S: a13 OK UID SORT completed
C: a14 UID SORT (ARRIVAL) UTF-8 ALL
S: * SORT 10 20 50 40 30 70 60 80
S: a14 OK UID SORT completed
C: a15 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a15 OK LOGOUT completed
