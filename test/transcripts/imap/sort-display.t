# SORT=DISPLAY (RFC 5957): DISPLAYFROM and DISPLAYTO sort by the first From or To address's display name (its
# addr-name, encoded words decoded) when it has one, else by addr-mailbox@addr-host (a group: its name), else the
# empty string (§3, §4), under i;unicode-casemap (§7, RFC 5255), where FROM and TO sort by addr-mailbox alone. The
# bundled sample and three more (seq: From / To):
#   1 Alice Liddell <alice@...>      / Bob <bob@...>
#   2 =?utf-8?q?Carol_M=C3=BCller?=   / bob@example.org
#   3 Dave <dave@...>                / bob@example.org
#   4 Example News <newsletter@...>  / bob@example.org
#   5 Zed Zebra <aaron@x>            / Yolanda <a@x>
#   6 mike@x                         / (none)
#   7 =?utf-8?q?=C3=89mile?= <zz@x>  / undisclosed-recipients:;
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] Permanent flags
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-WRITE] SELECT completed
C: b1 APPEND INBOX {61+}
C: From: Zed Zebra <aaron@x>
C: To: Yolanda <a@x>
C: Subject: z
C: 
C: z
S: * 5 EXISTS
S: * $r0 RECENT
S: b1 OK [APPENDUID 1793610000 6] APPEND completed
C: b2 APPEND INBOX {29+}
C: From: mike@x
C: Subject: m
C: 
C: m
S: * 6 EXISTS
S: * $r1 RECENT
S: b2 OK [APPENDUID 1793610000 7] APPEND completed
C: b3 APPEND INBOX {82+}
C: From: =?utf-8?q?=C3=89mile?= <zz@x>
C: To: undisclosed-recipients:;
C: Subject: e
C: 
C: e
S: * 7 EXISTS
S: * $r2 RECENT
S: b3 OK [APPENDUID 1793610000 8] APPEND completed
# FROM sorts by the local part: aaron alice carol dave mike newsletter zz.
C: c1 SORT (FROM) UTF-8 ALL
S: * SORT 5 1 2 3 6 4 7
S: c1 OK SORT completed
# DISPLAYFROM: Alice, Carol Müller, Dave, Example News, Émile (E + combining acute after "EX"), mike@x, Zed Zebra.
C: c2 SORT (DISPLAYFROM) UTF-8 ALL
S: * SORT 1 2 3 4 7 6 5
S: c2 OK SORT completed
C: c3 UID SORT (REVERSE DISPLAYFROM) UTF-8 ALL
S: * SORT 6 7 8 5 4 3 1
S: c3 OK UID SORT completed
# TO: "" (no To), a, bob x4, undisclosed-recipients; DISPLAYTO: "", Bob, bob@example.org x3 (ties by number),
# undisclosed-recipients (the group's name), Yolanda.
C: c4 SORT (TO) UTF-8 ALL
S: * SORT 6 5 1 2 3 4 7
S: c4 OK SORT completed
C: c5 SORT (displayto) UTF-8 ALL
S: * SORT 6 1 2 3 4 7 5
S: c5 OK SORT completed
# With other criteria, ESORT and a search.
C: c6 SORT (DISPLAYTO REVERSE ARRIVAL) UTF-8 ALL
S: * SORT 6 1 4 3 2 7 5
S: c6 OK SORT completed
C: c7 UID SORT RETURN (MIN MAX ALL) (DISPLAYFROM) UTF-8 UNSEEN
S: * ESEARCH (TAG "c7") UID MIN 4 MAX 6 ALL 4:5,8,7,6
S: c7 OK UID SORT completed
# Not a sort key: DISPLAY alone, or REVERSE without one.
C: d1 SORT (DISPLAY) UTF-8 ALL
S: d1 BAD SORT: Unknown sort key DISPLAY
C: d2 SORT (REVERSE DISPLAYFROM REVERSE) UTF-8 ALL
S: d2 BAD SORT: REVERSE without a sort key
C: d3 LOGOUT
S: * BYE $*
S: d3 OK LOGOUT completed
uids: 1 3 4 5 6 7 8
