# CATENATE (RFC 4469): APPEND of a message put together from TEXT literals and URLs of messages or parts already
# here, after the RFC's Appendix A examples with this fixture's messages (INBOX UIDVALIDITY 1810000000; UID 102 is
# multipart/mixed: 1 text/plain, 2 message/rfc822). URLs name this user's mailboxes (RFC 4469 §3); what they name is
# copied as BODY.PEEK[section] sends it, and the sources keep their flags. A bad URL is NO [BADURL "url"], a message
# over max_literal NO [TOOBIG], the first failing part in order deciding; nothing is stored then.
mailbox: imap-fetch.mbox
config: max_literal = 2000
S: * PREAUTH [$*] $host IMAP4rev1 $* server ready, user $user
C: a1 CREATE Drafts
S: a1 OK [MAILBOXID (F$*)] CREATE completed
# Example 1: a draft's attachment replaced (here: part 2 dropped, another message put in its place), in the
# authenticated state; synchronizing and non-synchronizing TEXT literals.
C: a2 APPEND Drafts (\Seen \Draft $MDNSent) CATENATE (URL "/INBOX;UIDVALIDITY=1810000000/;UID=102/;section=HEADER" TEXT {11}
S: + Ready for argument
C: 
C: --outer
C:  URL "/INBOX;UIDVALIDITY=1810000000/;UID=102/;section=1.MIME" URL "/INBOX;UIDVALIDITY=1810000000/;UID=102/;section=1" TEXT {11+}
C: 
C: --outer
C:  URL "/INBOX;UIDVALIDITY=1810000000/;UID=101" TEXT {13}
S: + Ready for argument
C: 
C: --outer--
C: )
S: a2 OK [APPENDUID $dv 1] APPEND completed
# The sources are as they were: nothing was read as the client would (no \Seen, RFC 4469 §3), nothing \Recent lost.
C: a3 STATUS INBOX (MESSAGES RECENT UNSEEN)
S: * STATUS "INBOX" (MESSAGES 9 RECENT 0 UNSEEN 7)
S: a3 OK STATUS completed
C: a4 EXAMINE Drafts
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$MDNSent)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UIDVALIDITY $dv] UID validity status
S: * OK [UIDNEXT 2] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a4 OK [READ-ONLY] EXAMINE completed
C: a5 FETCH 1 (FLAGS RFC822.SIZE BODY[])
S: * 1 FETCH (FLAGS (\Seen \Draft \Recent $$MDNSent) RFC822.SIZE 996 BODY[] {996}
S: Date: Thu, 4 Jan 2024 09:15:00 +0200
S: From: Grace <grace@example.com>
S: To: Heidi <heidi@example.com>
S: Subject: Fwd: original
S: Message-ID: <fwd.1@example.com>
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="outer"
S: 
S: 
S: --outer
S: Content-Type: text/plain; charset=us-ascii
S: 
S: See the forwarded message.
S: 
S: --outer
S: Return-Path: <alice@example.org>
S: Received: from mx.example.org (mx.example.org [192.0.2.1])
S: 	by mail.example.net with ESMTP id 12345
S: 	for <bob@example.net>; Mon, 1 Jan 2024 10:00:00 +0000
S: Date: Mon, 1 Jan 2024 10:00:00 +0100
S: From: Alice Example <alice@example.org>
S: To: bob@example.net, "Carol \"C\" Example" <carol@example.net>
S: Cc: Dave <dave@example.com>
S: Subject: A plain message
S:  folded over two lines
S: Message-ID: <20240101100000.1234@example.org>
S: In-Reply-To: <parent@example.net>
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8; format=flowed
S: Content-Transfer-Encoding: 7bit
S: 
S: Hello Bob,
S: 
S: this is a plain message.
S: -- 
S: Alice
S: 
S: --outer--
S: )
S: a5 OK FETCH completed
# Example 2 (with Drafts selected, read-only: an APPEND to it is still taken, RFC 3501 §6.3.11): new text and
# headers, the forwarded part of the INBOX original taken over with its MIME header; the APPENDUID of UIDPLUS in
# the tagged OK. A parameter's name is case-insensitive ("Section", "SECTION").
C: a6 APPEND Drafts (\Seen \Draft $MDNSent) CATENATE (TEXT {144+}
C: Subject: About the forward
C: MIME-Version: 1.0
C: Content-Type: multipart/mixed; boundary="b"
C: 
C: --b
C: Content-Type: text/plain
C: 
C: See below.
C: --b
C:  URL "/INBOX;UIDVALIDITY=1810000000/;UID=102/;Section=2.MIME" URL "/INBOX;UIDVALIDITY=1810000000/;UID=102/;SECTION=2" TEXT {9+}
C: 
C: --b--
C: )
S: * 2 EXISTS
S: * 2 RECENT
S: a6 OK [APPENDUID $dv 2] APPEND completed
C: a7 FETCH 2 (RFC822.SIZE BODYSTRUCTURE BODY.PEEK[2.HEADER.FIELDS (SUBJECT)])
S: * 2 FETCH (RFC822.SIZE 600 BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 386 $* 19 NIL ("inline" NIL) NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL) BODY[2.HEADER.FIELDS (SUBJECT)] {21}
S: Subject: original
S: 
S: )
S: a7 OK FETCH completed
# Example 3: a part stripped, a text put in its place (a URL to the selected mailbox, and a partial range of one).
C: a8 APPEND Drafts CATENATE (URL "/Drafts;UIDVALIDITY=${dv}/;UID=2/;SECTION=HEADER" TEXT {33+}
C: --b
C: Content-Type: text/plain
C: 
C:  URL "/Drafts/;UID=2/;SECTION=1/;PARTIAL=0.4" TEXT {44+}
C: (the forwarded message was removed)
C: --b--
C: )
S: * 3 EXISTS
S: * 3 RECENT
S: a8 OK [APPENDUID $dv 3] APPEND completed
C: a9 FETCH 3 BODY.PEEK[TEXT]
S: * 3 FETCH (BODY[TEXT] {81}
S: --b
S: Content-Type: text/plain
S: 
S: See (the forwarded message was removed)
S: --b--
S: )
S: a9 OK FETCH completed
# Example 4: a digest whose second URL names no message: NO [BADURL] with that URL, and nothing stored.
C: a10 APPEND Drafts (\Seen) CATENATE (TEXT {61+}
C: Subject: Digest
C: Content-Type: multipart/digest; boundary=d
C:  URL "/INBOX;UIDVALIDITY=1810000000/;UID=101" URL "/INBOX;UIDVALIDITY=1810000000/;UID=113330/;section=1.5.9" TEXT {7+}
C: --d--
C: )
S: a10 NO [BADURL "/INBOX;UIDVALIDITY=1810000000/;UID=113330/;section=1.5.9"] CATENATE URL refused: no message with that UID
# A URL is refused when stale (RFC 5092 §5), names no such part, mailbox or user, is not a message URL, is
# relative-path (RFC 5092 §7.2) or URLAUTH; an absolute URL for this user and server is taken.
C: a11 APPEND Drafts CATENATE (URL "/INBOX;UIDVALIDITY=1810000001/;UID=101")
S: a11 NO [BADURL "/INBOX;UIDVALIDITY=1810000001/;UID=101"] CATENATE URL refused: UIDVALIDITY differs
C: a12 APPEND Drafts CATENATE (URL "/INBOX/;UID=102/;SECTION=3")
S: a12 NO [BADURL "/INBOX/;UID=102/;SECTION=3"] CATENATE URL refused: no such section
C: a13 APPEND Drafts CATENATE (URL "/INBOX/;UID=102/;SECTION=BOGUS")
S: a13 NO [BADURL "/INBOX/;UID=102/;SECTION=BOGUS"] CATENATE URL refused: invalid SECTION
C: a14 APPEND Drafts CATENATE (URL "/Nowhere/;UID=1")
S: a14 NO [BADURL "/Nowhere/;UID=1"] CATENATE URL refused: no such mailbox
C: a15 APPEND Drafts CATENATE (URL ";UID=1")
S: a15 NO [BADURL ";UID=1"] CATENATE URL refused: relative-path IMAP URLs are not accepted
C: a16 APPEND Drafts CATENATE (URL "/INBOX")
S: a16 NO [BADURL "/INBOX"] CATENATE URL refused: URL names no message
C: a17 APPEND Drafts CATENATE (URL "/INBOX/;UID=101;urlauth=anonymous:internal:91354a473744909de610943775f92038")
S: a17 NO [BADURL "/INBOX/;UID=101;urlauth=anonymous:internal:91354a473744909de610943775f92038"] CATENATE URL refused: invalid URL parameter
C: a18 APPEND Drafts CATENATE (URL "imap://someone-else@${host}/INBOX/;UID=101")
S: a18 NO [BADURL "imap://someone-else@$host/INBOX/;UID=101"] CATENATE URL refused: URL names another user
C: a19 APPEND Drafts CATENATE (URL "imap://${user}@elsewhere.example/INBOX/;UID=101")
S: a19 NO [BADURL "imap://$user@elsewhere.example/INBOX/;UID=101"] CATENATE URL refused: URL names another server
C: a20 APPEND Drafts CATENATE (URL "http://example.com/x")
S: a20 NO [BADURL "http://example.com/x"] CATENATE URL refused: not an IMAP URL
C: a21 APPEND Drafts CATENATE (URL "/IN BOX/;UID=1")
S: a21 NO [BADURL "/IN%20BOX/;UID=1"] CATENATE URL refused: invalid character in mailbox name
C: a22 APPEND Drafts CATENATE (URL "imap://${user}@${host}:143/./INBOX;UIDVALIDITY=1810000000/;UID=103")
S: * 4 EXISTS
S: * 4 RECENT
S: a22 OK [APPENDUID $dv 4] APPEND completed
# TOOBIG: the message would be over max_literal (2000 octets); the first part in order that fails decides.
C: a23 APPEND Drafts CATENATE (URL "/INBOX/;UID=102" URL "/INBOX/;UID=105" URL "/INBOX/;UID=101" URL "/INBOX/;UID=999")
S: a23 NO [TOOBIG] Message larger than the APPENDLIMIT of 2000 octets
C: a24 APPEND Drafts CATENATE (URL "/INBOX/;UID=999" URL "/INBOX/;UID=102" URL "/INBOX/;UID=105" URL "/INBOX/;UID=101")
S: a24 NO [BADURL "/INBOX/;UID=999"] CATENATE URL refused: no message with that UID
# A TEXT literal over the limit is refused before it is sent (RFC 7889), as APPEND's own literal.
C: a25 APPEND Drafts CATENATE (TEXT {2001}
S: a25 NO [TOOBIG] Message larger than the APPENDLIMIT of 2000 octets
# MULTIAPPEND (RFC 3502) with CATENATE: all or nothing; a TEXT may be a literal8 (BINARY, RFC 3516) and the
# whole message one too.
C: a26 APPEND Drafts (\Flagged) CATENATE (TEXT ~{19+}
C: Subject: eighteen
C:  URL "/INBOX/;UID=103/;SECTION=TEXT") (\Answered) ~{14+}
C: Subject: two
C: 
S: * 6 EXISTS
S: * 6 RECENT
S: a26 OK [APPENDUID $dv 5:6] APPEND completed
C: a27 APPEND Drafts {14+}
C: Subject: one
C:  CATENATE (URL "/INBOX/;UID=101" URL "/INBOX/;UID=42")
S: a27 NO [BADURL "/INBOX/;UID=42"] CATENATE URL refused: no message with that UID
C: a28 FETCH 5:* (FLAGS BODY.PEEK[])
S: * 5 FETCH (FLAGS (\Flagged \Recent) BODY[] {$n5}
S: Subject: eighteen
S: --b1
S: Content-Type: text/plain
S: 
S: part one
S: 
S: --b1
S: Content-Type: text/plain
S: 
S: part two, never closed
S: )
S: * 6 FETCH (FLAGS (\Answered \Recent) BODY[] {16}
S: Subject: two
S: 
S: )
S: a28 OK FETCH completed
# With INBOX selected: a URL to the target mailbox, not selected (opened read-only, closed before the append),
# and an append to the selected mailbox from itself.
C: a29 SELECT INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS ($*)
S: * OK [PERMANENTFLAGS ($*)] Permanent flags
S: * 9 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 1] First unseen message
S: * OK [UIDVALIDITY 1810000000] UID validity status
S: * OK [UIDNEXT 110] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a29 OK [READ-WRITE] SELECT completed
C: a30 APPEND Drafts CATENATE (URL "/Drafts/;UID=6" URL "/Drafts/;UID=1/;SECTION=1")
S: a30 OK [APPENDUID $dv 7] APPEND completed
C: a31 APPEND INBOX (\Seen) CATENATE (URL "/INBOX/;UID=109/;SECTION=HEADER" URL "/Drafts/;UID=7")
S: * 10 EXISTS
S: * 1 RECENT
S: a31 OK [APPENDUID 1810000000 110] APPEND completed
C: a32 FETCH 10 (FLAGS BODY.PEEK[TEXT])
S: * 10 FETCH (FLAGS (\Seen \Recent) BODY[TEXT] {44}
S: Subject: two
S: 
S: See the forwarded message.
S: )
S: a32 OK FETCH completed
# Syntax (RFC 4469 §5): at least one part, each TEXT or URL, in parentheses.
C: a33 APPEND Drafts CATENATE ()
S: a33 BAD APPEND: Expected TEXT or URL at ")"
C: a34 APPEND Drafts CATENATE (FILE "/etc/passwd")
S: a34 BAD APPEND: Expected TEXT or URL at "FILE "/etc/passwd")"
C: a35 APPEND Drafts CATENATE URL "/INBOX/;UID=101"
S: a35 BAD APPEND: Expected "(" after CATENATE at "URL "/INBOX/;UID=101"
C: a36 APPEND Drafts CATENATE (URL "/INBOX/;UID=101"
S: a36 BAD APPEND: Expected ")" closing CATENATE at end of command
C: a37 APPEND Drafts CATENATE (TEXT "quoted")
S: a37 BAD APPEND: Expected literal at ""quoted")"
C: a38 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a38 OK LOGOUT completed
uids: 101 102 103 104 105 106 107 108 109 110
