# After 20 bad commands the session ends.
mailbox: sample.mbox
S: +OK POP3 $*
C: XA
C: XB
C: XC
C: XD
C: XE
C: XF
C: XG
C: XH
C: XI
C: XJ
C: XK
C: XL
C: XM
C: XN
C: XO
C: XP
C: XQ
C: XR
C: XS
C: XT
C: STAT
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Unknown TRANSACTION state command
S: -ERR Too many errors, goodbye
uids: 1 3 4 5
