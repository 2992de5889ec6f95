# Bad input gets -ERR and the session goes on; wrong-state commands; over-long and garbage lines.
mailbox: sample.mbox
S: +OK POP3 $*
C: FOO
S: -ERR Unknown TRANSACTION state command
C: RETR
S: -ERR Missing message number argument
C: RETR 0
S: -ERR No such message
C: RETR 99
S: -ERR No such message
C: RETR x1
S: -ERR No such message
C: DELE -1
S: -ERR No such message
C: TOP 1
S: -ERR Bad message number or line count argument
C: TOP 9 1
S: -ERR No such message
C: USER bob
S: -ERR USER not valid after login
C: PASS secret
S: -ERR PASS not valid after login
C: 
C: LIST 1
S: -ERR Null command
S: +OK 1 411
C: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
S: -ERR Null command
C: ÿþý binary
S: -ERR Null command
C: STAT
S: +OK 4 1834
C: QUIT
S: +OK Sayonara
uids: 1 3 4 5
