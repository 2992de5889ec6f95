# COMPRESS=DEFLATE (RFC 4978): offered once logged in (and no more once on); after the tagged OK both directions are
# raw DEFLATE, and the session goes on as before: a literal uploaded (APPEND), a body fetched, IDLE and DONE,
# errors, LOGOUT's BYE.
# The refusals first: another algorithm, a command sent after COMPRESS before its answer (compression is then not
# turned on, and the pipelined command is read as it came), and COMPRESS once it is on.
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY $* BINARY COMPRESS=DEFLATE I18NLEVEL=1 $*] $*
C: a1 COMPRESS GZIP
S: a1 BAD Unknown compression algorithm GZIP
C: a2 COMPRESS
S: a2 BAD $*
C: a3 COMPRESS DEFLATE
C: a4 NOOP
S: a3 BAD COMPRESS must be the last command until its answer: compression not turned on
S: a4 OK NOOP completed
C: a5 compress deflate
S: a5 OK DEFLATE active
compress
C: b1 CAPABILITY
S: * CAPABILITY $* BINARY I18NLEVEL=1 $*
S: b1 OK CAPABILITY completed
C: b2 COMPRESS DEFLATE
S: b2 BAD COMPRESS is active already
C: b3 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*] $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY 1793610000] $*
S: * OK [UIDNEXT $next] $*
S: * OK [MAILBOXID (F$*)] Ok
S: b3 OK [READ-WRITE] SELECT completed
C: b4 APPEND INBOX (\Seen) {30}
S: + $*
C: Subject: compressed
C: 
C: hello
C: 
S: * 5 EXISTS
S: * 2 RECENT
S: b4 OK [APPENDUID 1793610000 $uid] APPEND completed
C: b5 FETCH 5 (FLAGS BODY[])
S: * 5 FETCH (FLAGS (\Seen \Recent) BODY[] {30}
S: Subject: compressed
S: 
S: hello
S: )
S: b5 OK FETCH completed
C: b6 IDLE
S: + $*
C: DONE
S: b6 OK IDLE completed
C: b7 FETCH 9 FLAGS
S: b7 BAD Invalid message sequence number
C: b8 LOGOUT
S: * BYE $*
S: b8 OK LOGOUT completed
uids: 1 3 4 5 6
