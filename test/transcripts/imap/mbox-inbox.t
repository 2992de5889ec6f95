# UW's ~/mbox INBOX (lib/mailbox/uw-inbox.ts, lib/mailbox/mbox/snarf.ts): the home holds an empty `mbox`, so INBOX
# is that file and the spool ($MAIL, here the file INBOX in the home, which the name ~/INBOX reaches) is where new
# mail comes from. STATUS counts the spool's four messages (UW's mbox_status); EXAMINE moves nothing (UW moves only
# read-write); SELECT moves them all in with their flags, keywords and dates, \Recent here; a message put in the
# spool meanwhile (session 2, as a delivery) is moved by the next NOOP (snarf_interval_s = 0: at every check; UW's
# 60 s by default), and one put there during IDLE is seen (the spool is watched too) and moved at once; `mbox` is an
# ordinary name too. uids: the spool is left with no message; the runner's
# `mailutil check` counts what we count in both files.
mailbox: sample.mbox
home-file: mbox empty
config: snarf_interval_s = 0
no rev2 replay: \Recent and RECENT are what it shows
S: * PREAUTH $*
C: a STATUS INBOX (MESSAGES RECENT UNSEEN UIDNEXT)
S: * STATUS "INBOX" (MESSAGES 4 RECENT 4 UNSEEN 2 UIDNEXT 5)
S: a OK STATUS completed
C: b EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 0 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY $v0] UID validity status
S: * OK [UIDNEXT 1] Predicted next UID
S: * OK [MAILBOXID ($m0)] Ok
S: b OK [READ-ONLY] EXAMINE completed
C: c SELECT INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft project-x $$Forwarded)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft project-x $$Forwarded \*)] Permanent flags
S: * 4 EXISTS
S: * 4 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY $v] UID validity status
S: * OK [UIDNEXT 5] Predicted next UID
S: * OK [MAILBOXID ($m)] Ok
S: c OK [READ-WRITE] SELECT completed
C: d FETCH 1:* (UID FLAGS INTERNALDATE)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered \Recent) INTERNALDATE " 2-Nov-2026 09:14:07 +0000")
S: * 2 FETCH (UID 2 FLAGS (\Seen \Flagged \Recent project-x) INTERNALDATE " 3-Nov-2026 17:42:19 +0100")
S: * 3 FETCH (UID 3 FLAGS (\Recent $$Forwarded) INTERNALDATE " 4-Nov-2026 08:01:55 -0500")
S: * 4 FETCH (UID 4 FLAGS (\Recent) INTERNALDATE " 5-Nov-2026 06:00:00 +0000")
S: d OK FETCH completed
C: e LIST "" INBOX
S: * LIST (\NoInferiors) "/" "INBOX"
S: e OK LIST completed
C: f LIST "" mbox
S: * LIST (\NoInferiors $mark) "/" "mbox"
S: f OK LIST completed
C2: x STATUS mbox (MESSAGES UIDVALIDITY)
S2: * PREAUTH $*
S2: * STATUS "mbox" (MESSAGES 4 UIDVALIDITY $v)
S2: x OK STATUS completed
C2: y APPEND ~/INBOX (\Flagged) " 6-Nov-2026 10:00:00 +0000" {23+}
C2: Subject: late
C2: 
C2: late
C2: 
S2: y OK [APPENDUID $sv 6] APPEND completed
C: g NOOP
S: * 5 EXISTS
S: * 5 RECENT
S: g OK NOOP completed
C: h FETCH 5 (UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 5 FETCH (UID 5 FLAGS (\Flagged \Recent) INTERNALDATE " 6-Nov-2026 10:00:00 +0000" BODY[HEADER.FIELDS (SUBJECT)] {17}
S: Subject: late
S: 
S: )
S: h OK FETCH completed
C: i2 IDLE
S: + idling
C2: y2 APPEND ~/INBOX {25+}
C2: Subject: idle
C2: 
C2: idling
C2: 
S2: y2 OK [APPENDUID $sv 7] APPEND completed
S: * 6 EXISTS
S: * 6 RECENT
C: DONE
S: i2 OK IDLE completed
C: i LOGOUT
S: * BYE $*
S: i OK LOGOUT completed
C2: z SELECT INBOX
S2: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft project-x $$Forwarded)
S2: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft project-x $$Forwarded \*)] Permanent flags
S2: * 6 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY $v] UID validity status
S2: * OK [UIDNEXT 7] Predicted next UID
S2: * OK [MAILBOXID ($m)] Ok
S2: z OK [READ-WRITE] SELECT completed
uids:
distinct: v0 v
