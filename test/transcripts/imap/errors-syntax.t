# Error paths (beside errors.t): every command that needs a selected mailbox refused in authenticated state; a bad
# tag; bad syntax in each kind of argument (astring, quoted string, literal, list, number, sequence set, date,
# date-time, store and fetch attributes, section); the literal limit of commands other than APPEND; mailboxes that do
# not exist; "*" and message numbers in an empty mailbox; a read-only selection refusing changes. BAD answers leave
# the session in sync and usable.
mailbox: sample.mbox
config: max_bad_commands = 100
S: * PREAUTH $*
C: b1 STORE 1 +FLAGS (\Seen)
S: b1 BAD Command STORE invalid in authenticated state
C: b2 SEARCH ALL
S: b2 BAD Command SEARCH invalid in authenticated state
C: b3 COPY 1 INBOX
S: b3 BAD Command COPY invalid in authenticated state
C: b4 CLOSE
S: b4 BAD Command CLOSE invalid in authenticated state
C: b5 EXPUNGE
S: b5 BAD Command EXPUNGE invalid in authenticated state
C: b6 UID FETCH 1 FLAGS
S: b6 BAD Command UID FETCH invalid in authenticated state
C: b7 UNSELECT
S: b7 BAD Command UNSELECT invalid in authenticated state
C: b8 UID SEARCH ALL
S: b8 BAD Command UID SEARCH invalid in authenticated state
C: b9 AUTHENTICATE PLAIN
S: b9 BAD Command AUTHENTICATE invalid in authenticated state
# A tag may not hold "+" (RFC 3501: tag = 1*<any ASTRING-CHAR except "+">); nor may the command be missing.
C: a+b NOOP
S: * BAD Missing or invalid tag
C: c0 UID
S: c0 BAD Missing command
C: c00 UID BOGUS 1
S: c00 BAD Command unrecognized: UID BOGUS
C: c1 SELECT (INBOX)
S: c1 BAD SELECT: Expected astring at "(INBOX)"
C: c2 SELECT "INBOX
S: c2 BAD SELECT: Unterminated quoted string
C: c3 SELECT {x}
S: c3 BAD SELECT: Expected astring at "{x}"
C: c4 LIST ""
S: c4 BAD LIST: Expected space at end of command
C: c5 STATUS INBOX (FOO)
S: c5 BAD STATUS: Unknown status attribute FOO
C: c6 APPEND INBOX "32-Jan-2026 00:00:00 +0000" {5+}
C: hello
S: c6 BAD APPEND: Invalid day in date
C: c7 CREATE
S: c7 BAD CREATE: Expected space at end of command
# Literals of commands other than APPEND are limited to 10000 octets (UW's MAXCLIENTLIT); a synchronizing one is
# refused before the client sends it (no continuation request), so nothing is left to skip.
C: c8 SEARCH TEXT {10001}
S: c8 BAD Literal too large
C: c9 LOGIN {10001}
S: c9 BAD Literal too large
# Mailboxes that do not exist.
C: d1 RENAME nosuch other
S: d1 NO [NONEXISTENT] Mailbox does not exist
C: d2 DELETE nosuch
S: d2 NO [NONEXISTENT] Mailbox does not exist
C: d3 STATUS nosuch (MESSAGES)
S: d3 NO [NONEXISTENT] Mailbox does not exist
C: d4 EXAMINE nosuch
S: d4 NO [NONEXISTENT] Mailbox does not exist
# An empty mailbox: RFC 3501 §9 seq-number: "The server should respond with a tagged BAD response to a command that
# uses a message sequence number greater than the number of messages in the selected mailbox. This includes "*" if
# the selected mailbox is empty." UIDs are no message numbers: UID FETCH names nothing and succeeds.
C: e1 CREATE empty
S: e1 OK [MAILBOXID (F$*)] CREATE completed
C: e2 SELECT empty
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Permanent flags
S: * 0 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY $ev] UID validity status
S: * OK [UIDNEXT 1] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: e2 OK [READ-WRITE] SELECT completed
C: e3 FETCH * UID
S: e3 BAD Invalid message sequence number
C: e4 FETCH 1:* FLAGS
S: e4 BAD Invalid message sequence number
C: e5 STORE * +FLAGS (\Seen)
S: e5 BAD Invalid message sequence number
C: e6 COPY * INBOX
S: e6 BAD Invalid message sequence number
C: e7 UID FETCH * UID
S: e7 OK UID FETCH completed
C: e8 UID FETCH 1:* (UID FLAGS)
S: e8 OK UID FETCH completed
C: e9 SEARCH ALL
S: * SEARCH
S: e9 OK SEARCH completed
# A read-only selection (EXAMINE) refuses STORE and EXPUNGE; COPY to a mailbox that does not exist is NO [TRYCREATE]
# (RFC 3501 §6.4.7); a message number past the last is BAD.
C: f1 EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 6] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: f1 OK [READ-ONLY] EXAMINE completed
C: f2 STORE 1 +FLAGS \Seen
S: f2 NO [READ-ONLY] Mailbox is read-only
C: f3 UID STORE 1 FLAGS.SILENT ()
S: f3 NO [READ-ONLY] Mailbox is read-only
C: f4 EXPUNGE
S: f4 NO [READ-ONLY] Mailbox is read-only
C: f5 COPY 1 nosuch
S: f5 NO [TRYCREATE] Mailbox does not exist
C: f6 UID COPY 1:* nosuch
S: f6 NO [TRYCREATE] Mailbox does not exist
C: f7 COPY 5 empty
S: f7 BAD Invalid message sequence number
C: f8 COPY 1:2 empty
S: f8 OK [COPYUID $ev 1,3 1:2] COPY completed
# Syntax of the selected state's arguments.
C: g1 FETCH 0 UID
S: g1 BAD FETCH: Expected non-zero number at "0 UID"
C: g2 FETCH 1,,2 UID
S: g2 BAD FETCH: Expected number at ",2 UID"
C: g3 FETCH 1: UID
S: g3 BAD FETCH: Expected number at " UID"
C: g4 STORE 1 FLAGX (\Seen)
S: g4 BAD STORE: Invalid store attribute FLAGX
C: g5 FETCH 1 BODY[4.TEXT.X]
S: g5 BAD FETCH: Invalid section "TEXT.X"
C: g6 FETCH 1 (UID
S: g6 BAD FETCH: Expected ")" closing fetch attributes at end of command
C: g7 FETCH 1 BODY[HEADER.FIELDS ()]
S: g7 BAD FETCH: Expected astring at ")]"
C: g8 SEARCH SINCE 1-Foo-2026
S: g8 BAD SEARCH: Invalid month in date
C: g9 SEARCH CHARSET
S: g9 BAD SEARCH: Expected space at end of command
# Junk after the last key is a syntax error, not ignored (a date without its key is not message 1).
C: g9b SEARCH ALL 1-Dec-2026
S: g9b BAD SEARCH: Junk after command arguments at "-Dec-2026"
C: g9c UID SEARCH 1:3x
S: g9c BAD UID SEARCH: Junk after command arguments at "x"
C: g10 FETCH 1 (UID)
S: * 1 FETCH (UID 1)
S: g10 OK FETCH completed
# A failed EXAMINE leaves no mailbox selected.
C: h1 EXAMINE nosuch
S: * OK [CLOSED] Previous mailbox closed
S: h1 NO [NONEXISTENT] Mailbox does not exist
C: h2 FETCH 1 UID
S: h2 BAD Command FETCH invalid in authenticated state
C: z LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: z OK LOGOUT completed
uids: 1 3 4 5
