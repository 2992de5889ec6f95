# UW's ~/mbox INBOX switched off (mbox_inbox = no): with an empty `mbox` in the home, INBOX is still the spool
# ($MAIL) and nothing is moved; `mbox` is an ordinary mailbox, selected as any other.
mailbox: sample.mbox
home-file: mbox empty
config: mbox_inbox = no
S: * PREAUTH $*
C: a STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 4)
S: a OK STATUS completed
C: b SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S: * 4 EXISTS
S: * $r RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY $v] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID ($m)] Ok
S: b OK [READ-WRITE] SELECT completed
C: c SELECT mbox
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S: * 0 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY $v2] UID validity status
S: * OK [UIDNEXT 1] Predicted next UID
S: * OK [MAILBOXID ($m2)] Ok
S: c OK [READ-WRITE] SELECT completed
C: d LOGOUT
S: * BYE $*
S: d OK LOGOUT completed
uids: 1 3 4 5
