# CREATE, LIST (%, *, references, the delimiter query), SUBSCRIBE/LSUB, STATUS, RENAME (INBOX rename moves the
# messages and leaves INBOX empty), DELETE, and the refusals of names outside the home directory. "drafts" is one of
# the names special_use gives a use by default (matched without regard to case), so LIST says \Drafts.
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 CREATE work/2026/
S: a1 OK CREATE completed
C: a2 CREATE work/2026/q4
S: a2 OK [MAILBOXID (F$*)] CREATE completed
C: a3 CREATE drafts
S: a3 OK [MAILBOXID (F$*)] CREATE completed
C: a4 CREATE drafts
S: a4 NO [ALREADYEXISTS] Mailbox already exists
C: a5 LIST "" ""
S: * LIST (\Noselect) "/" ""
S: a5 OK LIST completed
C: a6 LIST "" "%"
S: * LIST (\NoInferiors \Unmarked \Drafts) "/" "drafts"
S: * LIST (\Noselect \HasChildren) "/" "work"
S: * LIST (\NoInferiors) "/" "INBOX"
S: a6 OK LIST completed
C: a7 LIST "work/" "*"
S: * LIST (\Noselect \HasChildren) "/" "work/2026"
S: * LIST (\NoInferiors \Unmarked) "/" "work/2026/q4"
S: a7 OK LIST completed
C: a8 SUBSCRIBE work/2026/q4
S: a8 OK SUBSCRIBE completed
C: a9 LSUB "" "*"
S: * LSUB () "/" "work/2026/q4"
S: a9 OK LSUB completed
C: a10 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)
S: * STATUS "INBOX" (MESSAGES 4 RECENT 1 UIDNEXT 6 UIDVALIDITY 1793610000 UNSEEN 2)
S: a10 OK STATUS completed
C: a11 RENAME INBOX old-inbox
S: a11 OK RENAME completed
C: a12 STATUS old-inbox (MESSAGES)
S: * STATUS "old-inbox" (MESSAGES 4)
S: a12 OK STATUS completed
C: a13 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 0)
S: a13 OK STATUS completed
C: a14 DELETE drafts
S: a14 OK DELETE completed
C: a15 DELETE INBOX
S: a15 NO $*
C: a16 SELECT ../../etc/passwd
S: a16 NO [NOPERM] Permission denied
C: a17 CREATE /tmp/outside
S: a17 NO [NOPERM] Permission denied
C: a18 LOGOUT
S: * BYE $*
S: a18 OK LOGOUT completed
