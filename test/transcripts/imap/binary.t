# BINARY (RFC 3516): FETCH BINARY / BINARY.SIZE decode the part's Content-Transfer-Encoding; APPEND takes literal8
# (`~{n}`, also non-synchronizing `~{n+}`), stored like a literal of the same bytes (bare LF line ends served as
# CRLF). Decoded data holding NUL comes back as a literal8, other data as a string.
# (The runner splits the server's output at CRLF only: the decoded CSV below has bare LFs, so its exact bytes are
# checked through partial fetches that stop short of them.)
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 APPEND INBOX ~{134}
C: Subject: grüße
C: MIME-Version: 1.0
C: Content-Type: text/plain; charset=utf-8
C: Content-Transfer-Encoding: binary
C: 
C: Grüße aus Köln
C: 
S: + Ready for argument
S: a1 OK [APPENDUID 1793610000 6] APPEND completed
C: a2 APPEND INBOX (\Flagged) ~{120+}
C: Subject: nul
C: MIME-Version: 1.0
C: Content-Type: application/octet-stream
C: Content-Transfer-Encoding: base64
C: 
C: YQBi/w==
C: 
S: a2 OK [APPENDUID 1793610000 7] APPEND completed
C: a3 APPEND INBOX ~{0+}
C: 
S: a3 NO Empty message
C: a4 EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 6 EXISTS
S: * 3 RECENT
S: * OK [UNSEEN 3] First unseen message
S: * OK [UIDVALIDITY 1793610000] UID validity status
S: * OK [UIDNEXT 8] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a4 OK [READ-ONLY] EXAMINE completed
# Message 2, part 2: base64 "V29jaGUs..." is "Woche,Aufgabe\n1,Spezifikation\n2,Prototyp\n" (41 octets).
C: a5 FETCH 2 (BINARY.SIZE[2] BINARY.PEEK[2]<0.13> BINARY.PEEK[2]<14.15> BINARY.SIZE[1])
S: * 2 FETCH (BINARY.SIZE[2] 41 BINARY[2]<0> {13}
S: Woche,Aufgabe BINARY[2]<14> {15}
S: 1,Spezifikation BINARY.SIZE[1] 47)
S: a5 OK FETCH completed
C: a6 FETCH 2 (BINARY.PEEK[2])
S: * 2 FETCH (BINARY[2] {41}
S: Woche,Aufgabe$*
S: a6 OK FETCH completed
# Part 1 is quoted-printable: "f=C3=BCr" decodes to UTF-8 "für".
C: a7 FETCH 2 (BINARY.PEEK[1])
S: * 2 FETCH (BINARY[1] {47}
S: Hallo Bob, anbei der Zeitplan für Projekt X.
S: )
S: a7 OK FETCH completed
# The literal8 appended above, byte for byte; its identity-encoded part comes back as a string.
C: a8 UID FETCH 6 (RFC822.SIZE BINARY.SIZE[1] BINARY.PEEK[1] BINARY.PEEK[])
S: * 5 FETCH (UID 6 RFC822.SIZE 134 BINARY.SIZE[1] 19 BINARY[1] {19}
S: Grüße aus Köln
S:  BINARY[] {134}
S: Subject: grüße
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8
S: Content-Transfer-Encoding: binary
S: 
S: Grüße aus Köln
S: )
S: a8 OK UID FETCH completed
# "YQBi/w==" decodes to a NUL b 0xFF: a literal8.
C: a9 UID FETCH 7 (FLAGS BINARY.SIZE[1] BINARY.PEEK[1])
S: * 6 FETCH (UID 7 FLAGS (\Flagged \Recent) BINARY.SIZE[1] 4 BINARY[1] ~{4}
S: a$*
S: a9 OK UID FETCH completed
C: a10 FETCH 2 BINARY.PEEK[3]
S: * 2 FETCH (BINARY[3] NIL)
S: a10 OK FETCH completed
# A literal8 with bare LF line ends (L: lines; one line ends CRLF) is stored as a literal of the same bytes would
# be: every line end is served as CRLF and RFC822.SIZE counts the served octets (111 sent, 117 served), not
# refused with NO [UNKNOWN-CTE].
C: a11 APPEND INBOX ~{111}
L: Subject: bare
L: Content-Type: application/octet-stream
L: Content-Transfer-Encoding: binary
L: 
L: line one
C: line two
L: end
C: 
S: + Ready for argument
S: * 7 EXISTS
S: * 4 RECENT
S: a11 OK [APPENDUID 1793610000 8] APPEND completed
C: a12 UID FETCH 8 (RFC822.SIZE BINARY.SIZE[] BINARY.SIZE[1] BODY.PEEK[])
S: * 7 FETCH (UID 8 RFC822.SIZE 117 BINARY.SIZE[] 117 BINARY.SIZE[1] 25 BODY[] {117}
S: Subject: bare
S: Content-Type: application/octet-stream
S: Content-Transfer-Encoding: binary
S: 
S: line one
S: line two
S: end
S: )
S: a12 OK UID FETCH completed
C: a13 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a13 OK LOGOUT completed
