# Two read-write sessions change flags of one message: each change is applied, under the write lock, to the flags
# on disk at that moment (+FLAGS and -FLAGS as deltas, FLAGS replaces), so both sessions' changes survive; each
# STORE's FETCH shows the merged flags, and the other session hears of them at its next command (no CHECK needed).
mailbox: sample.mbox
S1: * PREAUTH $*
C1: a SELECT INBOX
S1: * FLAGS $*
S1: * OK [PERMANENTFLAGS $*] Permanent flags
S1: * 4 EXISTS
S1: * 1 RECENT
S1: * OK [UNSEEN 3] First unseen message
S1: * OK [UIDVALIDITY 1793610000] UID validity status
S1: * OK [UIDNEXT 6] Predicted next UID
S1: * OK [MAILBOXID (F$*)] Ok
S1: a OK [READ-WRITE] SELECT completed
S2: * PREAUTH $*
C2: b SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] Permanent flags
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 3] First unseen message
S2: * OK [UIDVALIDITY 1793610000] UID validity status
S2: * OK [UIDNEXT 6] Predicted next UID
S2: * OK [MAILBOXID (F$*)] Ok
S2: b OK [READ-WRITE] SELECT completed
# Message 3 (UID 4) has $Forwarded only. A adds \Answered; B, which has not looked since, adds \Flagged.
C1: a2 STORE 3 +FLAGS (\Answered)
S1: * 3 FETCH (FLAGS (\Answered $$Forwarded))
S1: a2 OK STORE completed
C2: b2 STORE 3 +FLAGS (\Flagged)
S2: * 3 FETCH (FLAGS (\Answered \Flagged $$Forwarded))
S2: b2 OK STORE completed
C1: a3 NOOP
S1: * 3 FETCH (FLAGS (\Answered \Flagged $$Forwarded))
S1: a3 OK NOOP completed
# -FLAGS against +FLAGS: A takes \Answered away while B adds \Seen; neither knows of the other's change.
C1: a4 STORE 3 -FLAGS (\Answered)
S1: * 3 FETCH (FLAGS (\Flagged $$Forwarded))
S1: a4 OK STORE completed
C2: b3 STORE 3 +FLAGS.SILENT (\Seen)
S2: * 3 FETCH (FLAGS (\Seen \Flagged $$Forwarded))
S2: b3 OK STORE completed
# A's FETCH answers from what A last read (as Dovecot and UW do: a session looks at the file between commands),
# then reports B's change.
C1: a5 FETCH 3 (FLAGS)
S1: * 3 FETCH (FLAGS (\Flagged $$Forwarded))
S1: * 3 FETCH (FLAGS (\Seen \Flagged $$Forwarded))
S1: a5 OK FETCH completed
# A keyword removed in one session and another added in the other.
C2: b4 STORE 3 -FLAGS ($Forwarded)
S2: * 3 FETCH (FLAGS (\Seen \Flagged))
S2: b4 OK STORE completed
C1: a6 STORE 3 +FLAGS (project-x)
S1: * 3 FETCH (FLAGS (\Seen \Flagged project-x))
S1: a6 OK STORE completed
# FLAGS replaces what is on disk, whatever this session last saw.
C2: b5 STORE 3 FLAGS (\Draft)
S2: * 3 FETCH (FLAGS (\Draft))
S2: b5 OK STORE completed
C1: a7 NOOP
S1: * 3 FETCH (FLAGS (\Draft))
S1: a7 OK NOOP completed
# A message the other session does not touch keeps its flags through all of it.
C2: b6 FETCH 1:2 (UID FLAGS)
S2: * 1 FETCH (UID 1 FLAGS (\Seen \Answered))
S2: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x))
S2: b6 OK FETCH completed
# A body fetched without PEEK sets \Seen, written at the end of the FETCH: the other session hears of it at once.
C1: a8a FETCH 4 BODY[HEADER.FIELDS (SUBJECT)]
S1: * 4 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {33}
S1: Subject: This week at Example
S1: 
S1:  FLAGS (\Seen \Recent))
S1: a8a OK FETCH completed
C2: b6a NOOP
S2: * 4 FETCH (FLAGS (\Seen))
S2: b6a OK NOOP completed
# A keyword one session defines is announced to the other (FLAGS, PERMANENTFLAGS) before the FETCH that shows it, as
# it is to the session that stored it.
C2: b6b STORE 1 +FLAGS (newkw)
S2: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x newkw)
S2: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x newkw \*)] Flags permitted
S2: * 1 FETCH (FLAGS (\Seen \Answered newkw))
S2: b6b OK STORE completed
C1: a8b NOOP
S1: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x newkw)
S1: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x newkw \*)] Flags permitted
S1: * 1 FETCH (FLAGS (\Seen \Answered newkw))
S1: a8b OK NOOP completed
# An idling session hears of the other's STORE as it is written (IDLE wakes on the file's change).
C1: a8 IDLE
S1: + idling
C2: b7 UID STORE 1 -FLAGS.SILENT (\Answered)
S2: b7 OK UID STORE completed
S1: * 1 FETCH (FLAGS (\Seen newkw))
C1: DONE
S1: a8 OK IDLE completed
C1: a9 LOGOUT
S1: * BYE $*
S1: a9 OK LOGOUT completed
C2: b8 LOGOUT
S2: * BYE $*
S2: b8 OK LOGOUT completed
uids: 1 3 4 5
