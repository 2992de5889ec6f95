# RETR/TOP dot-stuff lines that begin with ".", including a line of only "."; a last line without newline gets
# CRLF before the terminator. Fed one byte per write.
mailbox: dots.mbox
feed: bytes
S: +OK POP3 $*
C: RETR 1
S: +OK 69 octets
S: Subject: dots
S: Status:   
S: 
S: ..leading dot
S: ...two dots
S: ..
S: middle
S: ..
S: .
C: RETR 2
S: +OK 66 octets
S: Subject: no final newline
S: Status:   
S: 
S: last line without newline
S: .
C: TOP 1 1
S: +OK Top of message follows
S: Subject: dots
S: Status:   
S: 
S: ..leading dot
S: .
C: QUIT
S: +OK Sayonara
