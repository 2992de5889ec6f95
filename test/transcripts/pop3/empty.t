# No mailbox file yet: an empty maildrop, not an error.
mailbox: none
S: +OK POP3 $*
C: STAT
S: +OK 0 0
C: LIST
S: +OK Mailbox scan listing follows
S: .
C: UIDL
S: +OK Unique-ID listing follows
S: .
C: RETR 1
S: -ERR No such message
C: QUIT
S: +OK Sayonara
