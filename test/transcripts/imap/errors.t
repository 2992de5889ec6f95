# Bad input: BAD and the session goes on; commands in the wrong state; literals of refused commands consumed.
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 FROBNICATE
S: a1 BAD Command unrecognized: FROBNICATE
C: a2 FETCH 1 FLAGS
S: a2 BAD Command FETCH invalid in authenticated state
C: a3 SELECT
S: a3 BAD SELECT: $*
C: a4 LOGIN bob {6+}
C: secret
S: a4 BAD Command LOGIN invalid in authenticated state
C: a5 SELECT "no such mailbox"
S: a5 NO [NONEXISTENT] Mailbox does not exist
C: a6 EXAMINE INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a6 OK [READ-ONLY] EXAMINE completed
C: a7 STORE 1 +FLAGS (\Deleted)
S: a7 NO [READ-ONLY] Mailbox is read-only
C: a8 FETCH 99 (UID)
S: a8 BAD Invalid message sequence number
C: a9 FETCH 1 (BOGUS)
S: a9 BAD FETCH: $*
C: * NOOP
S: * BAD Missing or invalid tag
C: a10 LOGOUT
S: * BYE $*
S: a10 OK LOGOUT completed
uids: 1 3 4 5
