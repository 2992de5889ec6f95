# Every SEARCH key of RFC 3501 §6.4.4 on test/fixtures/imap-search.mbox, fed one byte per write. SELECTed, so
# message 4 (no Status: header) is \Recent in this session.
#   seq uid flags                INTERNALDATE            size Date: (sent)                from / to / cc / bcc
#   1   201 \Seen \Answered       2-Mar-2026 10:00 +0000  229  Sun, 1 Mar 2026 23:30 -0500  anna / team / chris
#   2   202 \Flagged urgent        3-Mar-2026 08:00 +0000  404  Tue, 3 Mar 2026 08:00 +0000  Jürgen Müller / anna / - / hidden
#   3   203 \Deleted \Draft       4-Mar-2026 12:00 +0000  364  Wed, 4 Mar 2026 12:00 +0000  chris / Anna Berg
#   4   204 \Recent                5-Mar-2026 09:00 +0000  461  (none)                       noreply / team
#   5   205 \Seen urgent project   6-Mar-2026 18:00 +0100  414  Fri, 6 Mar 2026 18:00 +0100  Émile Zola / team
# The names of 2 and 5 are RFC 2047 words (UTF-8, ISO-8859-1); 3 has "X-Mailer: Frobozz 2.0" and In-Reply-To <q1@...>.
# Subjects: 1 "Quarterly report", 2 "Été à Paris", 3 "Re: Quarterly report", 4 "ﬁnancial summary", 5 "été indien".
# Bodies: 1 "Numbers are attached. Total: 42 widgets." (7bit); 2 UTF-8 quoted-printable "Le café est prêt. Die Straße
# ist nass, schön." (a soft line break inside "schön"); 3 ISO-8859-1 base64 "Grüße aus Köln, sagt Chris."; 4 ASCII;
# 5 multipart/alternative: text/plain "Short." and text/html "<p><b>Bold</b> words</p>".
no rev2 replay: it searches NEW, OLD and RECENT, which are not in IMAP4rev2 (imap4rev2.t shows them refused)
mailbox: imap-search.mbox
feed: bytes
S: * PREAUTH $*
C: a1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft urgent project)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft urgent project \*)] Permanent flags
S: * 5 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY 1820000000] UID validity status
S: * OK [UIDNEXT 206] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-WRITE] SELECT completed
# Flags, \Recent and keywords.
C: b1 SEARCH ALL
S: * SEARCH 1 2 3 4 5
S: b1 OK SEARCH completed
C: b2 SEARCH ANSWERED
S: * SEARCH 1
S: b2 OK SEARCH completed
C: b3 SEARCH UNANSWERED
S: * SEARCH 2 3 4 5
S: b3 OK SEARCH completed
C: b4 SEARCH DELETED
S: * SEARCH 3
S: b4 OK SEARCH completed
C: b5 SEARCH UNDELETED
S: * SEARCH 1 2 4 5
S: b5 OK SEARCH completed
C: b6 SEARCH DRAFT
S: * SEARCH 3
S: b6 OK SEARCH completed
C: b7 SEARCH UNDRAFT
S: * SEARCH 1 2 4 5
S: b7 OK SEARCH completed
C: b8 SEARCH FLAGGED
S: * SEARCH 2
S: b8 OK SEARCH completed
C: b9 SEARCH UNFLAGGED
S: * SEARCH 1 3 4 5
S: b9 OK SEARCH completed
C: b10 SEARCH SEEN
S: * SEARCH 1 5
S: b10 OK SEARCH completed
C: b11 SEARCH UNSEEN
S: * SEARCH 2 3 4
S: b11 OK SEARCH completed
C: b12 SEARCH NEW
S: * SEARCH 4
S: b12 OK SEARCH completed
C: b13 SEARCH OLD
S: * SEARCH 1 2 3 5
S: b13 OK SEARCH completed
C: b14 SEARCH RECENT
S: * SEARCH 4
S: b14 OK SEARCH completed
C: b15 SEARCH KEYWORD urgent
S: * SEARCH 2 5
S: b15 OK SEARCH completed
C: b16 SEARCH UNKEYWORD urgent
S: * SEARCH 1 3 4
S: b16 OK SEARCH completed
C: b17 SEARCH KEYWORD project
S: * SEARCH 5
S: b17 OK SEARCH completed
C: b18 SEARCH KEYWORD nosuch
S: * SEARCH
S: b18 OK SEARCH completed
C: b19 SEARCH UNKEYWORD nosuch
S: * SEARCH 1 2 3 4 5
S: b19 OK SEARCH completed
# INTERNALDATE days (BEFORE is strictly earlier, SINCE on or later).
C: c1 SEARCH BEFORE 4-Mar-2026
S: * SEARCH 1 2
S: c1 OK SEARCH completed
C: c2 SEARCH ON 4-Mar-2026
S: * SEARCH 3
S: c2 OK SEARCH completed
C: c3 SEARCH SINCE 5-Mar-2026
S: * SEARCH 4 5
S: c3 OK SEARCH completed
C: c4 SEARCH ON 6-Mar-2026
S: * SEARCH 5
S: c4 OK SEARCH completed
C: c5 SEARCH BEFORE 2-Mar-2026
S: * SEARCH
S: c5 OK SEARCH completed
# Date: header days, as written in the header (message 1 was sent on 1 March in -0500, 2 March in UTC); a message
# without Date: matches no SENT* key.
C: c6 SEARCH SENTBEFORE 3-Mar-2026
S: * SEARCH 1
S: c6 OK SEARCH completed
C: c7 SEARCH SENTON 1-Mar-2026
S: * SEARCH 1
S: c7 OK SEARCH completed
C: c8 SEARCH SENTON 2-Mar-2026
S: * SEARCH
S: c8 OK SEARCH completed
C: c9 SEARCH SENTSINCE 4-Mar-2026
S: * SEARCH 3 5
S: c9 OK SEARCH completed
C: c10 SEARCH NOT SENTON 3-Mar-2026
S: * SEARCH 1 3 4 5
S: c10 OK SEARCH completed
C: c11 SEARCH SENTSINCE 1-Jan-2000
S: * SEARCH 1 2 3 5
S: c11 OK SEARCH completed
# Address and subject fields: substrings of the decoded (RFC 2047) value, case-insensitive.
C: d1 SEARCH FROM chris
S: * SEARCH 3
S: d1 OK SEARCH completed
C: d2 SEARCH FROM EXAMPLE.DE
S: * SEARCH 2
S: d2 OK SEARCH completed
C: d3 SEARCH TO anna
S: * SEARCH 2 3
S: d3 OK SEARCH completed
C: d4 SEARCH TO TEAM
S: * SEARCH 1 4 5
S: d4 OK SEARCH completed
C: d5 SEARCH CC chris
S: * SEARCH 1
S: d5 OK SEARCH completed
C: d6 SEARCH CC nobody
S: * SEARCH
S: d6 OK SEARCH completed
C: d7 SEARCH BCC hidden
S: * SEARCH 2
S: d7 OK SEARCH completed
C: d8 SEARCH SUBJECT quarterly
S: * SEARCH 1 3
S: d8 OK SEARCH completed
C: d9 SEARCH SUBJECT "re:"
S: * SEARCH 3
S: d9 OK SEARCH completed
C: d10 SEARCH FROM "Berg"
S: * SEARCH 1
S: d10 OK SEARCH completed
# HEADER field-name string; an empty string matches every message that has the field (RFC 3501: "If the string to
# search is zero-length, this matches all messages that have a header line with the specified field-name").
C: e1 SEARCH HEADER X-Mailer frobozz
S: * SEARCH 3
S: e1 OK SEARCH completed
C: e2 SEARCH HEADER x-mailer ""
S: * SEARCH 3
S: e2 OK SEARCH completed
C: e3 SEARCH HEADER Cc ""
S: * SEARCH 1
S: e3 OK SEARCH completed
C: e4 SEARCH HEADER Message-ID ""
S: * SEARCH 1 2 3 4 5
S: e4 OK SEARCH completed
C: e5 SEARCH HEADER In-Reply-To q1@
S: * SEARCH 3
S: e5 OK SEARCH completed
C: e6 SEARCH HEADER X-Nothing ""
S: * SEARCH
S: e6 OK SEARCH completed
# BODY looks at the decoded text of the body only; TEXT at the header and the body.
C: f1 SEARCH BODY widgets
S: * SEARCH 1
S: f1 OK SEARCH completed
C: f2 SEARCH BODY robot
S: * SEARCH
S: f2 OK SEARCH completed
C: f3 SEARCH TEXT robot
S: * SEARCH 4
S: f3 OK SEARCH completed
C: f4 SEARCH BODY BOLD
S: * SEARCH 5
S: f4 OK SEARCH completed
C: f5 SEARCH TEXT anna
S: * SEARCH 1 2 3
S: f5 OK SEARCH completed
C: f6 SEARCH TEXT 42
S: * SEARCH 1
S: f6 OK SEARCH completed
C: f7 SEARCH BODY "Numbers are"
S: * SEARCH 1
S: f7 OK SEARCH completed
# CHARSET: the strings are in that charset; bodies are decoded from quoted-printable/base64 and their own charset.
C: f8 SEARCH CHARSET UTF-8 BODY {5}
S: + Ready for argument
C: CAFÉ
S: * SEARCH 2
S: f8 OK SEARCH completed
C: f9 SEARCH CHARSET UTF-8 BODY {7+}
C: straße
S: * SEARCH 2
S: f9 OK SEARCH completed
C: f10 SEARCH CHARSET UTF-8 BODY {6+}
C: schön
S: * SEARCH 2
S: f10 OK SEARCH completed
C: f11 SEARCH CHARSET ISO-8859-1 BODY {5+}
C: gr��e
S: * SEARCH 3
S: f11 OK SEARCH completed
C: f12 SEARCH CHARSET UTF-8 FROM {7+}
C: Müller
S: * SEARCH 2
S: f12 OK SEARCH completed
C: f13 SEARCH CHARSET US-ASCII FROM chris
S: * SEARCH 3
S: f13 OK SEARCH completed
C: f14 SEARCH CHARSET KOI9 FROM chris
S: f14 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI9
# Sizes: 229 364 404 414 461.
C: g1 SEARCH LARGER 404
S: * SEARCH 4 5
S: g1 OK SEARCH completed
C: g2 SEARCH SMALLER 364
S: * SEARCH 1
S: g2 OK SEARCH completed
C: g3 SEARCH LARGER 228 SMALLER 230
S: * SEARCH 1
S: g3 OK SEARCH completed
C: g4 SEARCH LARGER 461
S: * SEARCH
S: g4 OK SEARCH completed
# Sequence sets and UID sets ("*" is the last message; 300:* is 205:300).
C: h1 SEARCH 2,4:5
S: * SEARCH 2 4 5
S: h1 OK SEARCH completed
C: h2 SEARCH *:4
S: * SEARCH 4 5
S: h2 OK SEARCH completed
C: h3 SEARCH 5:3
S: * SEARCH 3 4 5
S: h3 OK SEARCH completed
C: h4 SEARCH UID 202:204
S: * SEARCH 2 3 4
S: h4 OK SEARCH completed
C: h5 SEARCH UID 300:*
S: * SEARCH 5
S: h5 OK SEARCH completed
C: h6 SEARCH UID 1:200
S: * SEARCH
S: h6 OK SEARCH completed
C: h7 SEARCH 1:* UID 204,201
S: * SEARCH 1 4
S: h7 OK SEARCH completed
# NOT, OR, parenthesised lists; keys side by side are ANDed.
C: i1 SEARCH NOT SEEN
S: * SEARCH 2 3 4
S: i1 OK SEARCH completed
C: i2 SEARCH OR FLAGGED DRAFT
S: * SEARCH 2 3
S: i2 OK SEARCH completed
C: i3 SEARCH (SEEN ANSWERED)
S: * SEARCH 1
S: i3 OK SEARCH completed
C: i4 SEARCH OR (SEEN UNANSWERED) DELETED
S: * SEARCH 3 5
S: i4 OK SEARCH completed
C: i5 SEARCH NOT (OR SEEN DELETED)
S: * SEARCH 2 4
S: i5 OK SEARCH completed
C: i6 SEARCH ((FROM anna) (TO team))
S: * SEARCH 1
S: i6 OK SEARCH completed
C: i7 SEARCH SEEN KEYWORD urgent
S: * SEARCH 5
S: i7 OK SEARCH completed
C: i8 SEARCH NOT NOT RECENT
S: * SEARCH 4
S: i8 OK SEARCH completed
C: i9 SEARCH OR OR ANSWERED FLAGGED DRAFT
S: * SEARCH 1 2 3
S: i9 OK SEARCH completed
# UID SEARCH answers UIDs; its sequence sets are still message numbers.
C: j1 UID SEARCH FLAGGED
S: * SEARCH 202
S: j1 OK UID SEARCH completed
C: j2 UID SEARCH 1:2
S: * SEARCH 201 202
S: j2 OK UID SEARCH completed
C: j3 UID SEARCH UID 203:*
S: * SEARCH 203 204 205
S: j3 OK UID SEARCH completed
# ESEARCH (RFC 4731): RETURN () means ALL; with no match only COUNT is sent (MIN, MAX and ALL are left out).
C: k1 SEARCH RETURN (MIN MAX ALL COUNT) UNSEEN
S: * ESEARCH (TAG "k1") MIN 2 MAX 4 ALL 2:4 COUNT 3
S: k1 OK SEARCH completed
C: k2 SEARCH RETURN () SEEN
S: * ESEARCH (TAG "k2") ALL 1,5
S: k2 OK SEARCH completed
C: k3 UID SEARCH RETURN (ALL) UNDELETED
S: * ESEARCH (TAG "k3") UID ALL 201:202,204:205
S: k3 OK UID SEARCH completed
C: k4 UID SEARCH RETURN (COUNT MIN) KEYWORD urgent
S: * ESEARCH (TAG "k4") UID MIN 202 COUNT 2
S: k4 OK UID SEARCH completed
C: k5 SEARCH RETURN (COUNT) KEYWORD nosuch
S: * ESEARCH (TAG "k5") COUNT 0
S: k5 OK SEARCH completed
C: k6 SEARCH RETURN (MIN MAX ALL) KEYWORD nosuch
S: * ESEARCH (TAG "k6")
S: k6 OK SEARCH completed
C: k7 UID SEARCH RETURN (MAX) ALL
S: * ESEARCH (TAG "k7") UID MAX 205
S: k7 OK UID SEARCH completed
# Syntax errors are BAD and leave the session in sync.
C: l1 SEARCH FOO
S: l1 BAD SEARCH: $*
C: l2 SEARCH BEFORE 32-Mar-2026
S: l2 BAD SEARCH: $*
C: l3 SEARCH LARGER x
S: l3 BAD SEARCH: $*
C: l4 SEARCH (SEEN
S: l4 BAD SEARCH: $*
C: l5 SEARCH UID
S: l5 BAD SEARCH: $*
C: l6 SEARCH 1:x
S: l6 BAD SEARCH: $*
C: l7 SEARCH OR SEEN
S: l7 BAD SEARCH: $*
C: l8 SEARCH RETURN (BOGUS) ALL
S: l8 BAD SEARCH: $*
C: l9 SEARCH KEYWORD \Seen
S: l9 BAD SEARCH: $*
C: l10 SEARCH
S: l10 BAD SEARCH: $*
C: l11 SEARCH NOT DELETED
S: * SEARCH 1 2 4 5
S: l11 OK SEARCH completed
# Issue 15: FROM/TO/CC/BCC match the addresses as ENVELOPE parses them (comments and routes are no text; a group
# gives its name). The message is appended here, so that the fixture (and every transcript on it) stays as it is.
C: m1 APPEND INBOX {92+}
C: From: <user-from (comment)@ (comment) domain.org>
C: To: Undisclosed: ;
C: Subject: issue 15
C: 
C: 
S: * 6 EXISTS
S: * 2 RECENT
S: m1 OK [APPENDUID 1820000000 206] APPEND completed
C: m2 SEARCH FROM user-from@domain.org
S: * SEARCH 6
S: m2 OK SEARCH completed
C: m3 SEARCH FROM comment
S: * SEARCH
S: m3 OK SEARCH completed
C: m4 SEARCH TO undisclosed
S: * SEARCH 6
S: m4 OK SEARCH completed
C: m5 SEARCH FROM "anna berg <anna@example.org>"
S: * SEARCH 1
S: m5 OK SEARCH completed
C: z LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: z OK LOGOUT completed
uids: 201 202 203 204 205 206
