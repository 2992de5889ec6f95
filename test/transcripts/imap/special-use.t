# SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154), after the RFC's examples (§5) with this server's names, and XLIST.
# Uses come from CREATE ... (USE (...)) (kept in the control directory, winning over the configured names) and from
# special_use's default names (Trash, junk: any case; sent-mail: UW and Pine's), for the mailboxes that exist.
mailbox: sample.mbox
S1: * PREAUTH [CAPABILITY IMAP4rev1 $* LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE XLIST $*] $*
C1: a1 CREATE ToDo
C1: a2 CREATE Projects/Plans
C1: a3 CREATE SentMail (USE (\Sent))
C1: a4 CREATE MyDrafts (use (\drafts))
C1: a5 CREATE Trash
C1: a6 CREATE sent-mail
C1: a7 CREATE junk
S1: a1 OK [MAILBOXID (F$*)] CREATE completed
S1: a2 OK [MAILBOXID (F$*)] CREATE completed
S1: a3 OK [MAILBOXID (F$*)] CREATE completed
S1: a4 OK [MAILBOXID (F$*)] CREATE completed
S1: a5 OK [MAILBOXID (F$*)] CREATE completed
S1: a6 OK [MAILBOXID (F$*)] CREATE completed
S1: a7 OK [MAILBOXID (F$*)] CREATE completed
# §5.1: the SPECIAL-USE return option.
C1: t1 LIST "" "%" RETURN (SPECIAL-USE)
S1: * LIST (\NoInferiors \Unmarked \Drafts) "/" "MyDrafts"
S1: * LIST (\Noselect \HasChildren) "/" "Projects"
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "SentMail"
S1: * LIST (\NoInferiors \Unmarked) "/" "ToDo"
S1: * LIST (\NoInferiors \Unmarked \Trash) "/" "Trash"
S1: * LIST (\NoInferiors \Unmarked \Junk) "/" "junk"
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "sent-mail"
S1: * LIST (\NoInferiors) "/" "INBOX"
S1: t1 OK LIST completed
# A plain LIST says the uses too (as Dovecot's does; RFC 6154 §2 allows it).
C1: t2 LIST "" "S*"
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "SentMail"
S1: t2 OK LIST completed
# §5.2: the SPECIAL-USE selection option lists only the mailboxes that have a use; with LIST-STATUS.
C1: t3 LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES))
S1: * LIST (\NoInferiors \Unmarked \Drafts) "/" "MyDrafts"
S1: * STATUS "MyDrafts" (MESSAGES 0)
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "SentMail"
S1: * STATUS "SentMail" (MESSAGES 0)
S1: * LIST (\NoInferiors \Unmarked \Trash) "/" "Trash"
S1: * STATUS "Trash" (MESSAGES 0)
S1: * LIST (\NoInferiors \Unmarked \Junk) "/" "junk"
S1: * STATUS "junk" (MESSAGES 0)
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "sent-mail"
S1: * STATUS "sent-mail" (MESSAGES 0)
S1: t3 OK LIST completed
# §5.3: CREATE with several uses; a use given by CREATE wins over the configured name's (Archive would be \Archive).
C1: t4 CREATE MySpecial (USE (\Drafts \Sent))
S1: t4 OK [MAILBOXID (F$*)] CREATE completed
C1: t5 CREATE Archive (USE (\Junk))
S1: t5 OK [MAILBOXID (F$*)] CREATE completed
C1: t6 LIST "" ("MySpecial" "Archive") RETURN (SPECIAL-USE)
S1: * LIST (\NoInferiors \Unmarked \Drafts \Sent) "/" "MySpecial"
S1: * LIST (\NoInferiors \Unmarked \Junk) "/" "Archive"
S1: t6 OK LIST completed
# Uses this server does not know or cannot give: NO [USEATTR], and nothing is created.
C1: t7 CREATE Cake (USE (\Cake))
S1: t7 NO [USEATTR] Unknown special use \Cake
C1: t8 CREATE Everything (USE (\All))
S1: t8 NO [USEATTR] \All is a virtual mailbox of all such messages; a mailbox here cannot be one
C1: t9 CREATE Starred (USE (\Flagged))
S1: t9 NO [USEATTR] \Flagged is a virtual mailbox of all such messages; a mailbox here cannot be one
C1: t10 CREATE Folder/ (USE (\Archive))
S1: t10 NO [USEATTR] A directory holds no messages and can have no special use
C1: t11 LIST "" ("Cake" "Everything" "Starred" "Folder")
S1: t11 OK LIST completed
C1: t12 CREATE Other (BOGUS)
S1: t12 BAD CREATE: Unknown CREATE parameter BOGUS
C1: t13 CREATE Other (USE (Sent))
S1: t13 BAD CREATE: Expected use attribute at "Sent))"
# RENAME carries a use along; DELETE forgets it (a new mailbox of the name has none).
C1: r1 RENAME SentMail Outgoing
S1: r1 OK RENAME completed
C1: r2 RENAME Projects Work
S1: r2 OK RENAME completed
C1: r3 DELETE MyDrafts
S1: r3 OK DELETE completed
C1: r4 CREATE MyDrafts
S1: r4 OK [MAILBOXID (F$*)] CREATE completed
C1: r5 LIST (SPECIAL-USE) "" "*"
S1: * LIST (\NoInferiors \Unmarked \Junk) "/" "Archive"
S1: * LIST (\NoInferiors \Unmarked \Drafts \Sent) "/" "MySpecial"
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "Outgoing"
S1: * LIST (\NoInferiors \Unmarked \Trash) "/" "Trash"
S1: * LIST (\NoInferiors \Unmarked \Junk) "/" "junk"
S1: * LIST (\NoInferiors \Unmarked \Sent) "/" "sent-mail"
S1: r5 OK LIST completed
# XLIST, as old clients send it: XLIST's names for the uses (\Spam for \Junk), \Inbox on INBOX.
C1: x1 XLIST "" "%"
S1: * XLIST (\NoInferiors \Unmarked \Spam) "/" "Archive"
S1: * XLIST (\NoInferiors \Unmarked) "/" "MyDrafts"
S1: * XLIST (\NoInferiors \Unmarked \Drafts \Sent) "/" "MySpecial"
S1: * XLIST (\NoInferiors \Unmarked \Sent) "/" "Outgoing"
S1: * XLIST (\NoInferiors \Unmarked) "/" "ToDo"
S1: * XLIST (\NoInferiors \Unmarked \Trash) "/" "Trash"
S1: * XLIST (\Noselect \HasChildren) "/" "Work"
S1: * XLIST (\NoInferiors \Unmarked \Spam) "/" "junk"
S1: * XLIST (\NoInferiors \Unmarked \Sent) "/" "sent-mail"
S1: * XLIST (\NoInferiors \Inbox) "/" "INBOX"
S1: x1 OK XLIST completed
C1: x2 XLIST "" "*" RETURN (SPECIAL-USE)
S1: x2 BAD XLIST: Junk after command arguments at " RETURN (SPECIAL-USE"
# Another session sees the uses kept in the control directory.
S2: * PREAUTH $*
C2: b1 LIST (SPECIAL-USE) "" "M*"
S2: * LIST (\NoInferiors \Unmarked \Drafts \Sent) "/" "MySpecial"
S2: b1 OK LIST completed
C2: b2 LOGOUT
S2: * BYE $*
S2: b2 OK LOGOUT completed
C1: z1 LOGOUT
S1: * BYE $*
S1: z1 OK LOGOUT completed
