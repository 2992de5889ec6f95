# NOTIFY in IDLE (RFC 5465 §4): the events NOTIFY asked for are sent during IDLE too, for other mailboxes as well
# as the selected one.
mailbox: sample.mbox
S1: * PREAUTH $*
C1: a1 NOTIFY SET (personal (MailboxName))
S1: a1 OK NOTIFY completed
C1: a2 IDLE
S1: + idling
S2: * PREAUTH $*
C2: b1 CREATE Work
S2: b1 OK [MAILBOXID (F$*)] CREATE completed
S1: * LIST (\NoInferiors \Unmarked) "/" "Work"
C1: DONE
S1: a2 OK IDLE completed
C1: a3 LOGOUT
S1: * BYE $*
S1: a3 OK LOGOUT completed
C2: b2 LOGOUT
S2: * BYE $*
S2: b2 OK LOGOUT completed
