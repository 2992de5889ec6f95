# UW's ~/mbox INBOX for POP3 (bin/ipop3d-serve.ts, lib/mailbox/uw-inbox.ts): the home holds an empty `mbox`, so the
# maildrop is that file, and the spool's ($MAIL's) four messages are moved into it at login, as UW's ipop3d opens
# INBOX; the sizes are those the spool served (basics.t), the UIDs new ones of ~/mbox. A second session finds them
# there. uids: the spool is left with no message (the runner's `mailutil check` counts both files as we do).
mailbox: sample.mbox
home-file: mbox empty
S: +OK POP3 $*
C: STAT
S: +OK 4 1834
C: LIST
S: +OK Mailbox scan listing follows
S: 1 411
S: 2 679
S: 3 370
S: 4 374
S: .
C: UIDL
S: +OK Unique-ID listing follows
S: 1 $u1
S: 2 $u2
S: 3 $u3
S: 4 $u4
S: .
C: DELE 1
S: +OK Message deleted
C: QUIT
S: +OK Sayonara
C2: STAT
S2: +OK POP3 $*
S2: +OK 3 1423
C2: UIDL 1
S2: +OK 1 $u2
C2: QUIT
S2: +OK Sayonara
uids:
