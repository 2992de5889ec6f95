# A whole session in one batch (RFC 2449 PIPELINING): answered in order.
mailbox: sample.mbox
C: STAT
C: DELE 1
C: LIST
C: UIDL 1
C: QUIT
S: +OK POP3 $*
S: +OK 4 1834
S: +OK Message deleted
S: +OK Mailbox scan listing follows
S: 2 679
S: 3 370
S: 4 374
S: .
S: -ERR No such message
S: +OK Sayonara
uids: 3 4 5
