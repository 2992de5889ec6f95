# MOVE and UID MOVE (RFC 6851): COPYUID in an untagged OK before the EXPUNGEs, only the moved messages expunged
# (a \Deleted message that is not moved stays), flags kept in the destination, refused on a read-only selection.
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 MOVE 1 Archive
S: a1 BAD Command MOVE invalid in authenticated state
C: a2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] Permanent flags
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a2 OK [READ-WRITE] SELECT completed
C: a3 MOVE 1 Archive
S: a3 NO [TRYCREATE] Mailbox does not exist
C: a4 CREATE Archive
S: a4 OK [MAILBOXID (F$*)] CREATE completed
C: a5 STORE 4 +FLAGS (\Deleted)
S: * 4 FETCH (FLAGS (\Deleted \Recent))
S: a5 OK STORE completed
C: a6 MOVE 2:3 Archive
S: * OK [COPYUID $archv 3:4 1:2] Moved UIDs.
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: a6 OK MOVE completed
C: a7 FETCH 1:* (UID FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered))
S: * 2 FETCH (UID 5 FLAGS (\Deleted \Recent))
S: a7 OK FETCH completed
# UIDs that name no message: nothing to do, no COPYUID.
C: a8 UID MOVE 2:4 Archive
S: a8 OK UID MOVE completed
# Into the selected mailbox itself: a new UID, the old one expunged, the new message reported.
C: a9 UID MOVE 5 INBOX
S: * OK [COPYUID 1793610000 5 6] Moved UIDs.
S: * 2 EXPUNGE
S: * 2 EXISTS
S: * 1 RECENT
S: a9 OK UID MOVE completed
C: a10 FETCH 1:* (UID FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered))
S: * 2 FETCH (UID 6 FLAGS (\Deleted \Recent))
S: a10 OK FETCH completed
C: a11 STATUS Archive (MESSAGES UIDNEXT)
S: * STATUS "Archive" (MESSAGES 2 UIDNEXT 3)
S: a11 OK STATUS completed
C: a12 EXAMINE Archive
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft project-x $$Forwarded)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 2] First unseen message
S: * OK [UIDVALIDITY $archv] UID validity status
S: * OK [UIDNEXT 3] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a12 OK [READ-ONLY] EXAMINE completed
C: a13 FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 1 FETCH (UID 1 FLAGS (\Seen \Flagged \Recent project-x) BODY[HEADER.FIELDS (SUBJECT)] {53}
S: Subject: =?utf-8?q?Projekt_X_=E2=80=93_Zeitplan?=
S: 
S: )
S: * 2 FETCH (UID 2 FLAGS (\Recent $$Forwarded) BODY[HEADER.FIELDS (SUBJECT)] {35}
S: Subject: Re: Lunch on Thursday?
S: 
S: )
S: a13 OK FETCH completed
C: a14 MOVE 1 INBOX
S: a14 NO [READ-ONLY] Mailbox is read-only
C: a15 UID MOVE 1 INBOX
S: a15 NO [READ-ONLY] Mailbox is read-only
C: a16 MOVE 1
S: a16 BAD MOVE: Expected space at end of command
C: a17 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a17 OK LOGOUT completed
uids: 1 6
