# UIDVALIDITY is never given twice to a name (RFC 3501 §2.3.1.1), even when DELETE and CREATE fall within one
# second: it comes from the user's counter in the control directory, shared by all sessions. RENAME keeps the
# mailbox's own value (unique already, as UW and Dovecot keep it); the name renamed away gets a new one when
# created again.
mailbox: sample.mbox
S1: * PREAUTH $*
C1: a1 CREATE box
S1: a1 OK [MAILBOXID (F$*)] CREATE completed
C1: a2 STATUS box (UIDVALIDITY)
S1: * STATUS "box" (UIDVALIDITY $v1)
S1: a2 OK STATUS completed
C1: a3 DELETE box
S1: a3 OK DELETE completed
C1: a4 CREATE box
S1: a4 OK [MAILBOXID (F$*)] CREATE completed
C1: a5 STATUS box (UIDVALIDITY)
S1: * STATUS "box" (UIDVALIDITY $v2)
S1: a5 OK STATUS completed
C1: a6 CREATE other
S1: a6 OK [MAILBOXID (F$*)] CREATE completed
C1: a7 STATUS other (UIDVALIDITY)
S1: * STATUS "other" (UIDVALIDITY $v3)
S1: a7 OK STATUS completed
C1: a8 DELETE box
S1: a8 OK DELETE completed
C1: a9 RENAME other box
S1: a9 OK RENAME completed
C1: a10 STATUS box (UIDVALIDITY)
S1: * STATUS "box" (UIDVALIDITY $v3)
S1: a10 OK STATUS completed
C1: a11 CREATE other
S1: a11 OK [MAILBOXID (F$*)] CREATE completed
C1: a12 STATUS other (UIDVALIDITY)
S1: * STATUS "other" (UIDVALIDITY $v4)
S1: a12 OK STATUS completed
# A second session deletes and creates the name again at once: the counter is the user's, not the session's.
S2: * PREAUTH $*
C2: b1 DELETE other
S2: b1 OK DELETE completed
C2: b2 CREATE other
S2: b2 OK [MAILBOXID (F$*)] CREATE completed
C1: a13 STATUS other (UIDVALIDITY)
S1: * STATUS "other" (UIDVALIDITY $v5)
S1: a13 OK STATUS completed
C1: a14 LOGOUT
S1: * BYE $*
S1: a14 OK LOGOUT completed
C2: b3 LOGOUT
S2: * BYE $*
S2: b3 OK LOGOUT completed
distinct: v1 v2 v3 v4 v5
