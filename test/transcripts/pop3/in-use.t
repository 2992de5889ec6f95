# The maildrop is exclusive: a second POP3 session gets [IN-USE] at once. A dropped connection deletes nothing.
mailbox: sample.mbox
S1: +OK POP3 $*
C1: DELE 1
S1: +OK Message deleted
S2: -ERR [IN-USE] Mailbox in use by another POP3 session
close1
uids: 1 3 4 5
