# UTF8=ACCEPT (RFC 9755, which replaced RFC 6855; RFC 6855's examples): once enabled, mailbox names go both ways in
# UTF-8, while on disk they stay in modified UTF-7 (RFC 3501 §5.1.3), the file names UW and Dovecot give them, so a
# rev1 client, mailutil and Dovecot still find them. Search strings are UTF-8, and a CHARSET that says otherwise is
# a BAD (RFC 6855 erratum 4029).
no rev2 replay: its rev1 session names mailboxes in modified UTF-7, which a rev2 client never sends (imap4rev2.t has UTF-8 names)
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 $* UTF8=ACCEPT$*] $*
# A rev1 client names the mailbox in modified UTF-7; ENABLE is for the authenticated state only (RFC 5161).
C: a1 CREATE "Caf&AOk-"
S: a1 OK [MAILBOXID (F$*)] CREATE completed
C: a2 LIST "" "Caf*"
S: * LIST (\NoInferiors \Unmarked) "/" "Caf&AOk-"
S: a2 OK LIST completed
C: a3 ENABLE UTF8=ACCEPT
S: * ENABLED UTF8=ACCEPT
S: a3 OK ENABLE completed
# Enabled once: asking again lists nothing.
C: a4 ENABLE UTF8=ACCEPT CONDSTORE
S: * ENABLED CONDSTORE
S: a4 OK ENABLE completed
# The same mailbox, now in UTF-8, quoted; "&" is just "&" (stored as "&-").
C: a5 LIST "" "Caf*"
S: * LIST (\NoInferiors \Unmarked) "/" "Café"
S: a5 OK LIST completed
C: a6 CREATE "Tom&Jerry"
S: a6 OK [MAILBOXID (F$*)] CREATE completed
C: a7 CREATE "Ordner/日本語"
S: a7 OK [MAILBOXID (F$*)] CREATE completed
C: a8 LIST "" "*"
S: * LIST (\NoInferiors \Unmarked) "/" "Café"
S: * LIST (\Noselect \HasChildren) "/" "Ordner"
S: * LIST (\NoInferiors \Unmarked) "/" "Ordner/日本語"
S: * LIST (\NoInferiors \Unmarked) "/" "Tom&Jerry"
S: * LIST (\NoInferiors) "/" "INBOX"
S: a8 OK LIST completed
C: a9 LIST "" "Ordner/%"
S: * LIST (\NoInferiors \Unmarked) "/" "Ordner/日本語"
S: a9 OK LIST completed
C: a10 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY 1793610000] $*
S: * OK [UIDNEXT 6] $*
S: * OK [MAILBOXID (F$*)] Ok
S: * OK [HIGHESTMODSEQ $hms] $*
S: a10 OK [READ-WRITE] SELECT completed
C: a11 COPY 2 "Café"
S: a11 OK [COPYUID $uv 3 1] COPY completed
C: a12 STATUS "Café" (MESSAGES UNSEEN)
S: * STATUS "Café" (MESSAGES 1 UNSEEN 0)
S: a12 OK STATUS completed
C: a13 RENAME "Café" "Café/Bar"
S: a13 NO $*
C: a14 RENAME "Café" "Crème brûlée"
S: a14 OK RENAME completed
C: a15 SUBSCRIBE "Crème brûlée"
S: a15 OK SUBSCRIBE completed
C: a16 LSUB "" "*"
S: * LSUB () "/" "Crème brûlée"
S: a16 OK LSUB completed
C: a17 LIST (SUBSCRIBED) "" "Cr*" RETURN (STATUS (MESSAGES))
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Crème brûlée"
S: * STATUS "Crème brûlée" (MESSAGES 1)
S: a17 OK LIST completed
C: a17b GETQUOTAROOT "Crème brûlée"
S: * QUOTAROOT "Crème brûlée"
S: a17b OK GETQUOTAROOT completed
# Search strings are UTF-8 (the subject is the encoded word of "Projekt X – Zeitplan").
C: a18 SEARCH SUBJECT "Projekt X – Zeit"
S: * SEARCH 2
S: a18 OK SEARCH completed
C: a19 SEARCH CHARSET UTF-8 SUBJECT "– Zeit"
S: * SEARCH 2
S: a19 OK SEARCH completed
C: a20 SEARCH CHARSET ISO-8859-1 SUBJECT x
S: a20 BAD CHARSET ISO-8859-1 conflicts with UTF8=ACCEPT: search strings are UTF-8
C: a21 SORT (SUBJECT) US-ASCII ALL
S: a21 BAD CHARSET US-ASCII conflicts with UTF8=ACCEPT: search strings are UTF-8
C: a22 SORT (SUBJECT) UTF-8 SUBJECT "lunch"
S: * SORT 1 3
S: a22 OK SORT completed
# APPEND's UTF8 data item (RFC 6855 §4): a message whose header is UTF-8 (RFC 6532), stored as it came; in
# CATENATE too. Both as literal8, non-synchronizing and synchronizing.
C: a30 APPEND INBOX UTF8 (~{63+}
C: From: Jöran <jöran@exämple.org>
C: Subject: Grüße
C: 
C: Hallo
C: )
S: * 5 EXISTS
S: * 2 RECENT
S: a30 OK [APPENDUID 1793610000 6] APPEND completed
C: a31 UID FETCH 6 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 5 FETCH (UID 6 RFC822.SIZE 63 BODY[HEADER.FIELDS (SUBJECT)] {20}
S: Subject: Grüße
S: 
S: )
S: a31 OK UID FETCH completed
C: a32 APPEND INBOX CATENATE (UTF8 (~{16}
S: + $*
C: Subject: Té
C: 
C: ) URL "/INBOX;UIDVALIDITY=1793610000/;UID=6/;SECTION=TEXT")
S: * 6 EXISTS
S: * 3 RECENT
S: a32 OK [APPENDUID 1793610000 7] APPEND completed
C: a33 UID FETCH 7 BODY.PEEK[]
S: * 6 FETCH (UID 7 BODY[] {23}
S: Subject: Té
S: 
S: Hallo
S: )
S: a33 OK UID FETCH completed
# A name that is not UTF-8 (an ISO-8859-1 octet) is refused; the session goes on.
C: a23 CREATE "Caf�"
S: a23 BAD CREATE: Mailbox name is not UTF-8
# A rev1 session (not enabled) sees the names in modified UTF-7, as they are on disk.
C2: b1 LIST "" "*"
S2: * PREAUTH $*
S2: * LIST (\NoInferiors \Unmarked) "/" "Cr&AOg-me br&APs-l&AOk-e"
S2: * LIST (\Noselect \HasChildren) "/" "Ordner"
S2: * LIST (\NoInferiors \Unmarked) "/" "Ordner/&ZeVnLIqe-"
S2: * LIST (\NoInferiors \Unmarked) "/" "Tom&-Jerry"
S2: * LIST (\NoInferiors) "/" "INBOX"
S2: b1 OK LIST completed
C2: b2 LOGOUT
S2: * BYE $*
S2: b2 OK LOGOUT completed
C: a24 LOGOUT
S: * BYE $*
S: a24 OK LOGOUT completed
