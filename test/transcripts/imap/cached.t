# The field cache (lib/mailbox/mbox/field-cache.ts) through the protocol: a first session works out THREAD, SORT,
# SEARCH on header fields and FETCH ENVELOPE/BODYSTRUCTURE from the messages and keeps what it derived (the summary
# header, the envelopes and structures) in the user's control directory; a second session, after the first logged
# out, answers every command from the cache with the same bytes. (field-cache.test.ts shows that a second session
# reads the cache and not the mbox.) On test/fixtures/imap-thread.mbox, as thread.t.
mailbox: imap-thread.mbox
S1: * PREAUTH $*
C1: a1 EXAMINE INBOX
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S1: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S1: * 8 EXISTS
S1: * 0 RECENT
S1: * OK [UIDVALIDITY 1800000000] UID validity status
S1: * OK [UIDNEXT 81] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a1 OK [READ-ONLY] EXAMINE completed
C1: a2 THREAD REFERENCES UTF-8 ALL
S1: * THREAD (3 8)(1 (2 4)(5))((7)(6))
S1: a2 OK THREAD completed
C1: a3 UID SORT (SUBJECT REVERSE DATE) UTF-8 ALL
S1: * SORT 60 70 40 50 20 10 80 30
S1: a3 OK UID SORT completed
C1: a4 SORT (FROM) UTF-8 SINCE 1-Nov-2026
S1: * SORT 1 2 3 4 5 6 7 8
S1: a4 OK SORT completed
C1: a5 SEARCH FROM "ann" SUBJECT "release"
S1: * SEARCH 1
S1: a5 OK SEARCH completed
C1: a6 SEARCH HEADER Message-ID "c@" SENTSINCE 1-Nov-2026
S1: * SEARCH 3
S1: a6 OK SEARCH completed
C1: a7 FETCH 1:* (UID ENVELOPE BODYSTRUCTURE)
S1: * 1 FETCH (UID 10 ENVELOPE ("Sun, 1 Nov 2026 10:00:00 +0000" "Release plan" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<a@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 2 FETCH (UID 20 ENVELOPE ("Sun, 1 Nov 2026 11:00:00 +0000" "Re: Release plan" (("Ben" NIL "ben" "example.org")) (("Ben" NIL "ben" "example.org")) (("Ben" NIL "ben" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<a@example.org>" "<b@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 3 FETCH (UID 30 ENVELOPE ("Sun, 1 Nov 2026 09:00:00 +0000" "Unrelated" (("Cy" NIL "cy" "example.org")) (("Cy" NIL "cy" "example.org")) (("Cy" NIL "cy" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<c@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 4 FETCH (UID 40 ENVELOPE ("Sun, 1 Nov 2026 12:00:00 +0000" "Re: Release plan" (("Dee" NIL "dee" "example.org")) (("Dee" NIL "dee" "example.org")) (("Dee" NIL "dee" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<b@example.org>" "<d@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 5 FETCH (UID 50 ENVELOPE ("Sun, 1 Nov 2026 11:30:00 +0000" "Re: Release plan" (("Eve" NIL "eve" "example.org")) (("Eve" NIL "eve" "example.org")) (("Eve" NIL "eve" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<e@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 6 FETCH (UID 60 ENVELOPE ("Mon, 2 Nov 2026 08:00:00 +0000" "Re: Missing parent" (("Fay" NIL "fay" "example.org")) (("Fay" NIL "fay" "example.org")) (("Fay" NIL "fay" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<f@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 7 FETCH (UID 70 ENVELOPE ("Mon, 2 Nov 2026 07:00:00 +0000" "Re: Missing parent" (("Gus" NIL "gus" "example.org")) (("Gus" NIL "gus" "example.org")) (("Gus" NIL "gus" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<gone@example.org>" "<g@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: * 8 FETCH (UID 80 ENVELOPE ("Tue, 3 Nov 2026 09:00:00 +0000" "Fwd: Unrelated" (("Hal" NIL "hal" "example.org")) (("Hal" NIL "hal" "example.org")) (("Hal" NIL "hal" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<h@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S1: a7 OK FETCH completed
C1: a8 LOGOUT
S1: * BYE IMAP4rev1 server terminating connection
S1: a8 OK LOGOUT completed
S2: * PREAUTH $*
C2: a1 EXAMINE INBOX
S2: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S2: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S2: * 8 EXISTS
S2: * 0 RECENT
S2: * OK [UIDVALIDITY 1800000000] UID validity status
S2: * OK [UIDNEXT 81] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: a1 OK [READ-ONLY] EXAMINE completed
C2: a2 THREAD REFERENCES UTF-8 ALL
S2: * THREAD (3 8)(1 (2 4)(5))((7)(6))
S2: a2 OK THREAD completed
C2: a3 UID SORT (SUBJECT REVERSE DATE) UTF-8 ALL
S2: * SORT 60 70 40 50 20 10 80 30
S2: a3 OK UID SORT completed
C2: a4 SORT (FROM) UTF-8 SINCE 1-Nov-2026
S2: * SORT 1 2 3 4 5 6 7 8
S2: a4 OK SORT completed
C2: a5 SEARCH FROM "ann" SUBJECT "release"
S2: * SEARCH 1
S2: a5 OK SEARCH completed
C2: a6 SEARCH HEADER Message-ID "c@" SENTSINCE 1-Nov-2026
S2: * SEARCH 3
S2: a6 OK SEARCH completed
C2: a7 FETCH 1:* (UID ENVELOPE BODYSTRUCTURE)
S2: * 1 FETCH (UID 10 ENVELOPE ("Sun, 1 Nov 2026 10:00:00 +0000" "Release plan" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<a@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 2 FETCH (UID 20 ENVELOPE ("Sun, 1 Nov 2026 11:00:00 +0000" "Re: Release plan" (("Ben" NIL "ben" "example.org")) (("Ben" NIL "ben" "example.org")) (("Ben" NIL "ben" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<a@example.org>" "<b@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 3 FETCH (UID 30 ENVELOPE ("Sun, 1 Nov 2026 09:00:00 +0000" "Unrelated" (("Cy" NIL "cy" "example.org")) (("Cy" NIL "cy" "example.org")) (("Cy" NIL "cy" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<c@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 4 FETCH (UID 40 ENVELOPE ("Sun, 1 Nov 2026 12:00:00 +0000" "Re: Release plan" (("Dee" NIL "dee" "example.org")) (("Dee" NIL "dee" "example.org")) (("Dee" NIL "dee" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<b@example.org>" "<d@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 5 FETCH (UID 50 ENVELOPE ("Sun, 1 Nov 2026 11:30:00 +0000" "Re: Release plan" (("Eve" NIL "eve" "example.org")) (("Eve" NIL "eve" "example.org")) (("Eve" NIL "eve" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<e@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 6 FETCH (UID 60 ENVELOPE ("Mon, 2 Nov 2026 08:00:00 +0000" "Re: Missing parent" (("Fay" NIL "fay" "example.org")) (("Fay" NIL "fay" "example.org")) (("Fay" NIL "fay" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<f@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 7 FETCH (UID 70 ENVELOPE ("Mon, 2 Nov 2026 07:00:00 +0000" "Re: Missing parent" (("Gus" NIL "gus" "example.org")) (("Gus" NIL "gus" "example.org")) (("Gus" NIL "gus" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL "<gone@example.org>" "<g@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: * 8 FETCH (UID 80 ENVELOPE ("Tue, 3 Nov 2026 09:00:00 +0000" "Fwd: Unrelated" (("Hal" NIL "hal" "example.org")) (("Hal" NIL "hal" "example.org")) (("Hal" NIL "hal" "example.org")) ((NIL NIL "team" "example.org")) NIL NIL NIL "<h@example.org>") BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL))
S2: a7 OK FETCH completed
C2: a8 LOGOUT
S2: * BYE IMAP4rev1 server terminating connection
S2: a8 OK LOGOUT completed
