# PREVIEW (RFC 8970) after its examples, on test/fixtures/imap-preview.mbox: a plain message longer than the
# preview (cut at 200 characters, RFC 8970 §3.3's SHOULD), an empty one (the zero-length string, §3.2), ISO-8859-1
# in quoted-printable with a signature (left out; 8-bit text goes as a literal of UTF-8, as in §5's first example),
# base64 HTML (tags, styles and references turned to text), a multipart/alternative whose text/plain alternative is
# preferred to the HTML before it (its quoted line left out), and an image (no preview: ""). PREVIEW (LAZY) (§4.1)
# answers NIL for what has not been worked out yet, and the preview for what has (§5's second example); a second
# session, after the first logged out, finds every preview kept in the field cache: LAZY answers them all. PREVIEW
# never sets \Seen. Errors: an unknown modifier, LAZY outside parentheses, FETCH before SELECT.
mailbox: imap-preview.mbox
S1: * PREAUTH [CAPABILITY IMAP4rev1 $* THREAD=REFERENCES PREVIEW WITHIN $*] $*
C1: a1 CAPABILITY
S1: * CAPABILITY IMAP4rev1 $* PREVIEW WITHIN NOTIFY BINARY $*
S1: a1 OK CAPABILITY completed
C1: a2 FETCH 1 (PREVIEW)
S1: a2 BAD Command FETCH invalid in authenticated state
C1: a3 SELECT INBOX
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S1: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S1: * 6 EXISTS
S1: * 0 RECENT
S1: * OK [UNSEEN 1] First unseen message
S1: * OK [UIDVALIDITY 1830000000] UID validity status
S1: * OK [UIDNEXT 7] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a3 OK [READ-WRITE] SELECT completed
# Nothing worked out yet: LAZY gives NIL for every message.
C1: b1 FETCH 1:6 (UID PREVIEW (LAZY))
S1: * 1 FETCH (UID 1 PREVIEW NIL)
S1: * 2 FETCH (UID 2 PREVIEW NIL)
S1: * 3 FETCH (UID 3 PREVIEW NIL)
S1: * 4 FETCH (UID 4 PREVIEW NIL)
S1: * 5 FETCH (UID 5 PREVIEW NIL)
S1: * 6 FETCH (UID 6 PREVIEW NIL)
S1: b1 OK FETCH completed
# RFC 8970 §5, second example: what got NIL is asked for without LAZY; a later LAZY has it.
C1: b2 FETCH 3 (PREVIEW)
S1: * 3 FETCH (PREVIEW {65}
S1: Grüße aus Köln! Das Treffen ist am Montag um 10 Uhr. Bis dann,)
S1: b2 OK FETCH completed
C1: b3 FETCH 1:4 (ENVELOPE PREVIEW (LAZY))
S1: * 1 FETCH (ENVELOPE ("Mon, 7 Dec 2026 10:00:00 +0000" "Preview test 1" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "bob" "example.net")) NIL NIL NIL "<p1@example.org>") PREVIEW NIL)
S1: * 2 FETCH (ENVELOPE ("Mon, 7 Dec 2026 10:00:00 +0000" "Preview test 2" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "bob" "example.net")) NIL NIL NIL "<p2@example.org>") PREVIEW NIL)
S1: * 3 FETCH (ENVELOPE ("Mon, 7 Dec 2026 10:00:00 +0000" "Preview test 3" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "bob" "example.net")) NIL NIL NIL "<p3@example.org>") PREVIEW {65}
S1: Grüße aus Köln! Das Treffen ist am Montag um 10 Uhr. Bis dann,)
S1: * 4 FETCH (ENVELOPE ("Mon, 7 Dec 2026 10:00:00 +0000" "Preview test 4" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) ((NIL NIL "bob" "example.net")) NIL NIL NIL "<p4@example.org>") PREVIEW NIL)
S1: b3 OK FETCH completed
# RFC 8970 §5, first example.
C1: c1 FETCH 1 (RFC822.SIZE PREVIEW)
S1: * 1 FETCH (RFC822.SIZE 544 PREVIEW "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Curabitur aliquam turpis et ante dictum, et pulvinar dui congue. Maecenas hendrerit, lorem non imperdiet pellentesque, nulla ligula nullam temp")
S1: c1 OK FETCH completed
C1: c2 FETCH 1:6 PREVIEW
S1: * 1 FETCH (PREVIEW "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Curabitur aliquam turpis et ante dictum, et pulvinar dui congue. Maecenas hendrerit, lorem non imperdiet pellentesque, nulla ligula nullam temp")
S1: * 2 FETCH (PREVIEW "")
S1: * 3 FETCH (PREVIEW {65}
S1: Grüße aus Köln! Das Treffen ist am Montag um 10 Uhr. Bis dann,)
S1: * 4 FETCH (PREVIEW {38}
S1: Café & crème at 5 pm? See you there.)
S1: * 5 FETCH (PREVIEW {22}
S1: Yes, "Thursday" works.)
S1: * 6 FETCH (PREVIEW "")
S1: c2 OK FETCH completed
C1: c3 UID FETCH 5 PREVIEW (LAZY)
S1: * 5 FETCH (UID 5 PREVIEW {22}
S1: Yes, "Thursday" works.)
S1: c3 OK UID FETCH completed
C1: d1 FETCH 1 (PREVIEW (FUZZY))
S1: d1 BAD FETCH: Unknown PREVIEW modifier FUZZY
C1: d2 FETCH 1 PREVIEW (FUZZY)
S1: d2 BAD FETCH: Unknown FETCH modifier FUZZY
C1: d3 FETCH 1 (PREVIEW LAZY)
S1: d3 BAD FETCH: Unknown fetch attribute LAZY
C1: d4 FETCH 1:6 FLAGS
S1: * 1 FETCH (FLAGS ())
S1: * 2 FETCH (FLAGS ())
S1: * 3 FETCH (FLAGS ())
S1: * 4 FETCH (FLAGS ())
S1: * 5 FETCH (FLAGS ())
S1: * 6 FETCH (FLAGS ())
S1: d4 OK FETCH completed
C1: d5 LOGOUT
S1: * BYE IMAP4rev1 server terminating connection
S1: d5 OK LOGOUT completed
# The mailbox opened again by a new session: every preview is kept, so LAZY has them all.
S2: * PREAUTH $*
C2: e1 EXAMINE INBOX
S2: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S2: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S2: * 6 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 1] First unseen message
S2: * OK [UIDVALIDITY 1830000000] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: e1 OK [READ-ONLY] EXAMINE completed
C2: e2 FETCH 1:* (UID PREVIEW (LAZY))
S2: * 1 FETCH (UID 1 PREVIEW "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Curabitur aliquam turpis et ante dictum, et pulvinar dui congue. Maecenas hendrerit, lorem non imperdiet pellentesque, nulla ligula nullam temp")
S2: * 2 FETCH (UID 2 PREVIEW "")
S2: * 3 FETCH (UID 3 PREVIEW {65}
S2: Grüße aus Köln! Das Treffen ist am Montag um 10 Uhr. Bis dann,)
S2: * 4 FETCH (UID 4 PREVIEW {38}
S2: Café & crème at 5 pm? See you there.)
S2: * 5 FETCH (UID 5 PREVIEW {22}
S2: Yes, "Thursday" works.)
S2: * 6 FETCH (UID 6 PREVIEW "")
S2: e2 OK FETCH completed
C2: e3 UID FETCH 4:5 PREVIEW
S2: * 4 FETCH (UID 4 PREVIEW {38}
S2: Café & crème at 5 pm? See you there.)
S2: * 5 FETCH (UID 5 PREVIEW {22}
S2: Yes, "Thursday" works.)
S2: e3 OK UID FETCH completed
C2: e4 LOGOUT
S2: * BYE IMAP4rev1 server terminating connection
S2: e4 OK LOGOUT completed
uids: 1 2 3 4 5 6
