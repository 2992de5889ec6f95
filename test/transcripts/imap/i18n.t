# I18NLEVEL=1 (RFC 5255 §4.3): SEARCH and SORT use the i;unicode-casemap comparator (RFC 5051): both sides are
# titlecased and NFKD-decomposed (then titlecased again, see lib/mail/fold.ts unicodeCasemap), then compared as
# octets (SORT) or by substring (SEARCH). test/fixtures/imap-search.mbox (see search-keys.t) plus an appended message
# 6 with raw UTF-8 (RFC 6532) in From: "Ölaf <ölaf@example.org>" and Subject: "ÉTUDE".
# Canonical subjects: 1 "QUARTERLY REPORT", 2 "ÉTÉ À PARIS", 3 "RE: QUARTERLY REPORT" (base: as 1),
# 4 "FINANCIAL SUMMARY" (from the ligature ﬁ), 5 "ÉTÉ INDIEN", 6 "ÉTUDE".
mailbox: imap-search.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 $* I18NLEVEL=1 CONDSTORE QRESYNC UTF8=ACCEPT OBJECTID SAVEDATE] $*
C: a1 APPEND INBOX " 7-Mar-2026 10:00:00 +0000" {131+}
C: From: Ölaf <ölaf@example.org>
C: To: team@example.org
C: Subject: ÉTUDE
C: Date: Sat, 7 Mar 2026 10:00:00 +0000
C: 
C: Corps du message.
C: 
S: a1 OK [APPENDUID 1820000000 206] APPEND completed
C: a2 EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft urgent project)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 6 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY 1820000000] UID validity status
S: * OK [UIDNEXT 207] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a2 OK [READ-ONLY] EXAMINE completed
# É < F < Q: the accented subjects sort among the Es (with i;ascii-casemap they came after every ASCII one, and
# "été" after "Été"); "ÉTÉ A" < "ÉTÉ I" < "ÉTU"; 1 and 3 tie (sequence order).
C: a3 SORT (SUBJECT) UTF-8 ALL
S: * SORT 2 5 6 4 1 3
S: a3 OK SORT completed
C: a4 SORT (REVERSE SUBJECT) UTF-8 ALL
S: * SORT 1 3 4 6 5 2
S: a4 OK SORT completed
# FROM sorts by the first address's local part: anna chris emile juergen noreply ölaf ("ÖLAF" after "NOREPLY").
C: a5 SORT (FROM) UTF-8 ALL
S: * SORT 1 3 5 2 4 6
S: a5 OK SORT completed
C: a6 SORT (REVERSE FROM) UTF-8 ALL
S: * SORT 6 4 2 5 3 1
S: a6 OK SORT completed
C: a7 SORT (ARRIVAL) UTF-8 SUBJECT {5+}
C: été
S: * SORT 2 5
S: a7 OK SORT completed
# SEARCH: a mixed-case non-ASCII needle, its decomposed spelling, the ligature, and raw UTF-8 in a header.
C: a8 SEARCH CHARSET UTF-8 SUBJECT {5+}
C: ÉTÉ
S: * SEARCH 2 5
S: a8 OK SEARCH completed
C: a9 SEARCH CHARSET UTF-8 SUBJECT {7+}
C: Été
S: * SEARCH 2 5
S: a9 OK SEARCH completed
C: a10 SEARCH SUBJECT fi
S: * SEARCH 4
S: a10 OK SEARCH completed
C: a11 SEARCH SUBJECT FINANCIAL
S: * SEARCH 4
S: a11 OK SEARCH completed
C: a12 SEARCH CHARSET UTF-8 SUBJECT {3+}
C: ﬁ
S: * SEARCH 4
S: a12 OK SEARCH completed
C: a13 SEARCH CHARSET UTF-8 FROM {6+}
C: ÉMILE
S: * SEARCH 5
S: a13 OK SEARCH completed
C: a14 SEARCH CHARSET UTF-8 FROM {5+}
C: ÖLAF
S: * SEARCH 6
S: a14 OK SEARCH completed
C: a15 SEARCH CHARSET UTF-8 SUBJECT {6+}
C: étude
S: * SEARCH 6
S: a15 OK SEARCH completed
C: a16 SEARCH CHARSET UTF-8 BODY {5+}
C: PRÊT
S: * SEARCH 2
S: a16 OK SEARCH completed
# ß has no single-code-point titlecase in UnicodeData.txt, so RFC 5051 keeps it: "STRASSE" does not find "Straße".
C: a17 SEARCH BODY STRASSE
S: * SEARCH
S: a17 OK SEARCH completed
C: a18 SEARCH CHARSET UTF-8 BODY {7+}
C: STRAßE
S: * SEARCH 2
S: a18 OK SEARCH completed
C: a19 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a19 OK LOGOUT completed
uids: 201 202 203 204 205 206
