# Every FETCH item of RFC 3501 §6.4.5 on test/fixtures/imap-fetch.mbox, a real-world-shaped MIME corpus:
#   seq uid source (test/fixtures/mime/)  flags     From line (INTERNALDATE)          shape
#   1   101 plain.eml                     -         Mon Jan  1 10:00:07 2024 +0100    text/plain, folded Subject, quoted names
#   2   102 nested-rfc822.eml             S A       Thu Jan  4 09:15:02 2024 +0200    mixed > message/rfc822 > alternative
#   3   103 missing-end-boundary.eml      $Label1   Sat Jan  6 11:11:15 2024 (+0000)  multipart never closed
#   4   104 encoded-words.eml             S F       Mon Jan  8 09:00:09 2024 +0900    RFC 2047 words (Dovecot keeps them raw)
#   5   105 rfc2231.eml                   -         Sun Jan  7 14:00:01 2024 +0100    RFC 2231 continuations and charsets
#   6   106 eightbit-header.eml           -         Tue Jan  9 10:00:03 2024 +0100    raw UTF-8 in headers (literals)
#   7   107 digest.eml                    -         Fri Jan  5 00:00:04 2024 +0000    multipart/digest (message/rfc822 default)
#   8   108 message-rfc822-top.eml        -         Sun Jan 14 14:14:14 2024 +0000    top-level message/rfc822
#   9   109 (below)                       -         Wed Jan 10 12:00:00 2024 +0000    mixed > rfc822 > mixed > rfc822 + QP
# The mbox is each .eml (LF ends) after a From line, with UW's Status/X-Status/X-Keywords/X-UID block appended to its
# header (never served) and an empty line after it. ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE and the section bytes
# of messages 1-8 are the Dovecot oracle's (test/fixtures/mime/*.json), CRLF line ends; message 9 is worked out by
# hand below. Message 9 is:
#   Date: Wed, 10 Jan 2024 12:00:00 +0000 / From: Olga <olga@example.org> / To: Pat <pat@example.org> /
#   Subject: deep / Message-ID: <deep@example.org> / MIME-Version: 1.0 / Content-Type: multipart/mixed; boundary="A"
#   --A: text/plain us-ascii "outer text" (12 octets with its CRLF, 1 line)
#   --A: message/rfc822 (339 octets, 20 lines): From: Quinn, Subject: middle, multipart/mixed; boundary="B"
#        --B: message/rfc822 (69 octets, 4 lines): From: Ruth, Subject: innermost, body "innermost body" (16, 1 line)
#        --B: text/plain iso-8859-1 quoted-printable "caf=E9" (8 octets, 1 line)
# In the response text "$$" stands for a literal "$" (the runner's escape).
mailbox: imap-fetch.mbox
S: * PREAUTH $*
C: a1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Label1)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Label1 \*)] Permanent flags
S: * 9 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 1] First unseen message
S: * OK [UIDVALIDITY 1810000000] UID validity status
S: * OK [UIDNEXT 110] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a1 OK [READ-WRITE] SELECT completed
# INTERNALDATE is the From line's date (its zone, +0000 when it has none); RFC822.SIZE counts CRLF line ends.
C: a2 FETCH 1:9 (FLAGS INTERNALDATE RFC822.SIZE)
S: * 1 FETCH (FLAGS () INTERNALDATE " 1-Jan-2024 10:00:07 +0100" RFC822.SIZE 658)
S: * 2 FETCH (FLAGS (\Seen \Answered) INTERNALDATE " 4-Jan-2024 09:15:02 +0200" RFC822.SIZE 783)
S: * 3 FETCH (FLAGS ($$Label1) INTERNALDATE " 6-Jan-2024 11:11:15 +0000" RFC822.SIZE 307)
S: * 4 FETCH (FLAGS (\Seen \Flagged) INTERNALDATE " 8-Jan-2024 09:00:09 +0900" RFC822.SIZE 479)
S: * 5 FETCH (FLAGS () INTERNALDATE " 7-Jan-2024 14:00:01 +0100" RFC822.SIZE 729)
S: * 6 FETCH (FLAGS () INTERNALDATE " 9-Jan-2024 10:00:03 +0100" RFC822.SIZE 244)
S: * 7 FETCH (FLAGS () INTERNALDATE " 5-Jan-2024 00:00:04 +0000" RFC822.SIZE 565)
S: * 8 FETCH (FLAGS () INTERNALDATE "14-Jan-2024 14:14:14 +0000" RFC822.SIZE 250)
S: * 9 FETCH (FLAGS () INTERNALDATE "10-Jan-2024 12:00:00 +0000" RFC822.SIZE 660)
S: a2 OK FETCH completed
C: a3 FETCH 1:9 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0100" {37}
S: A plain message folded over two lines (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) ((NIL NIL "bob" "example.net")({17}
S: Carol "C" Example NIL "carol" "example.net")) (("Dave" NIL "dave" "example.com")) NIL "<parent@example.net>" "<20240101100000.1234@example.org>"))
S: * 2 FETCH (ENVELOPE ("Thu, 4 Jan 2024 09:15:00 +0200" "Fwd: original" (("Grace" NIL "grace" "example.com")) (("Grace" NIL "grace" "example.com")) (("Grace" NIL "grace" "example.com")) (("Heidi" NIL "heidi" "example.com")) NIL NIL NIL "<fwd.1@example.com>"))
S: * 3 FETCH (ENVELOPE ("Sat, 6 Jan 2024 11:11:11 +0000" "truncated multipart" (("Mallory" NIL "mallory" "example.org")) (("Mallory" NIL "mallory" "example.org")) (("Mallory" NIL "mallory" "example.org")) (("Trent" NIL "trent" "example.org")) NIL NIL NIL NIL))
S: * 4 FETCH (ENVELOPE ("Mon, 8 Jan 2024 09:00:00 +0900" {83}
S: =?utf-8?B?w4lsw6h2ZQ==?= and =?ISO-8859-1?Q?caf=E9_cr=E8me?= =?UTF-8?Q?_=E2=82=AC?= (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?iso-8859-1?Q?Andr=E9?= Pirard" NIL "PIRARD" "vm1.ulg.ac.be")) (("=?windows-1252?Q?=93Quoted=94?=" NIL "q" "example.com")("=?x-unknown?Q?abc?=" NIL "u" "example.com")) NIL NIL "<ew.1@example.jp>"))
S: * 5 FETCH (ENVELOPE ("Sun, 7 Jan 2024 14:00:00 +0100" "RFC 2231 parameters" (("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.de")) (("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.de")) (("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.de")) ((NIL NIL "x" "example.de")) NIL NIL NIL NIL))
S: * 6 FETCH (ENVELOPE ("Tue, 9 Jan 2024 10:00:00 +0100" {17}
S: Grüße aus Köln (({13}
S: Jörg Müller NIL "joerg" "example.de")) (({13}
S: Jörg Müller NIL "joerg" "example.de")) (({13}
S: Jörg Müller NIL "joerg" "example.de")) (({6}
S: Renée NIL "renee" "example.fr")) NIL NIL NIL NIL))
S: * 7 FETCH (ENVELOPE ("Fri, 5 Jan 2024 00:00:00 +0000" "Digest V1 #1" ((NIL NIL "list-request" "lists.example")) ((NIL NIL "list-request" "lists.example")) ((NIL NIL "list-request" "lists.example")) ((NIL NIL "subscriber" "example.com")) NIL NIL NIL NIL))
S: * 8 FETCH (ENVELOPE ("Sun, 14 Jan 2024 14:14:14 +0000" "top-level message/rfc822" ((NIL NIL "bounce" "example.com")) ((NIL NIL "bounce" "example.com")) ((NIL NIL "bounce" "example.com")) NIL NIL NIL NIL NIL))
S: * 9 FETCH (ENVELOPE ("Wed, 10 Jan 2024 12:00:00 +0000" "deep" (("Olga" NIL "olga" "example.org")) (("Olga" NIL "olga" "example.org")) (("Olga" NIL "olga" "example.org")) (("Pat" NIL "pat" "example.org")) NIL NIL NIL "<deep@example.org>"))
S: a3 OK FETCH completed
# BODYSTRUCTURE carries the extension data (body-ext-1part / body-ext-mpart: MD5, disposition, language, location;
# parameters and boundary); BODY is the same tree without it.
C: a4 FETCH 1:9 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" 52 5 NIL NIL NIL NIL))
S: * 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 28 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 386 ("Wed, 3 Jan 2024 18:00:00 +0000" "original" (("Ivan" NIL "ivan" "example.net")) (("Ivan" NIL "ivan" "example.net")) (("Ivan" NIL "ivan" "example.net")) (("Grace" NIL "grace" "example.com")) NIL NIL NIL "<orig.1@example.net>") (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 16 1 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 23 1 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL) 19 NIL ("inline" NIL) NIL NIL) "mixed" ("boundary" "outer") NIL NIL NIL))
S: * 3 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 1 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 1 NIL NIL NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))
S: * 4 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 7 1 NIL NIL NIL NIL))
S: * 5 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 17 1 NIL NIL NIL NIL)("application" "octet-stream" ("name*" "utf-8''%C3%BCber%20lange%20Datei.bin") NIL NIL "base64" 10 NIL ("attachment" ("filename*" "utf-8''%C3%BCber%20lange Datei.bin")) NIL NIL)("text" "plain" ("charset" "us-ascii" "title*" "us-ascii'en'This%20is%20%2A%2A%2Afun%2A%2A%2A") NIL NIL "7bit" 7 1 NIL ("inline" ("filename*" "iso-8859-1''r%E9sum%E9.txt")) NIL NIL) "mixed" ("boundary" "2231") NIL NIL NIL))
S: * 6 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 10 1 NIL NIL NIL NIL))
S: * 7 FETCH (BODYSTRUCTURE (("message" "rfc822" NIL NIL NIL "7bit" 98 ("Thu, 4 Jan 2024 10:00:00 +0000" "first" ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) 5 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 38 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 74 (NIL "second" ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 34 2 NIL NIL NIL NIL) 5 NIL NIL NIL NIL) "digest" ("boundary" "---- next message ----") NIL NIL NIL))
S: * 8 FETCH (BODYSTRUCTURE ("message" "rfc822" NIL NIL NIL "7bit" 99 (NIL "inner" ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL) 5 NIL NIL NIL NIL))
S: * 9 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 339 (NIL "middle" (("Quinn" NIL "quinn" "example.org")) (("Quinn" NIL "quinn" "example.org")) (("Quinn" NIL "quinn" "example.org")) NIL NIL NIL NIL NIL) (("message" "rfc822" NIL NIL NIL "7bit" 69 (NIL "innermost" (("Ruth" NIL "ruth" "example.org")) (("Ruth" NIL "ruth" "example.org")) (("Ruth" NIL "ruth" "example.org")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 16 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)("text" "plain" ("charset" "iso-8859-1") NIL NIL "quoted-printable" 8 1 NIL NIL NIL NIL) "mixed" ("boundary" "B") NIL NIL NIL) 20 NIL NIL NIL NIL) "mixed" ("boundary" "A") NIL NIL NIL))
S: a4 OK FETCH completed
C: a5 FETCH 1:9 BODY
S: * 1 FETCH (BODY ("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" 52 5))
S: * 2 FETCH (BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 28 1)("message" "rfc822" NIL NIL NIL "7bit" 386 ("Wed, 3 Jan 2024 18:00:00 +0000" "original" (("Ivan" NIL "ivan" "example.net")) (("Ivan" NIL "ivan" "example.net")) (("Ivan" NIL "ivan" "example.net")) (("Grace" NIL "grace" "example.com")) NIL NIL NIL "<orig.1@example.net>") (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 16 1)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 23 1) "alternative") 19) "mixed"))
S: * 3 FETCH (BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 1)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 1) "mixed"))
S: * 4 FETCH (BODY ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 7 1))
S: * 5 FETCH (BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 17 1)("application" "octet-stream" ("name*" "utf-8''%C3%BCber%20lange%20Datei.bin") NIL NIL "base64" 10)("text" "plain" ("charset" "us-ascii" "title*" "us-ascii'en'This%20is%20%2A%2A%2Afun%2A%2A%2A") NIL NIL "7bit" 7 1) "mixed"))
S: * 6 FETCH (BODY ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 10 1))
S: * 7 FETCH (BODY (("message" "rfc822" NIL NIL NIL "7bit" 98 ("Thu, 4 Jan 2024 10:00:00 +0000" "first" ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1) 5)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 38 1)("message" "rfc822" NIL NIL NIL "7bit" 74 (NIL "second" ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 34 2) 5) "digest"))
S: * 8 FETCH (BODY ("message" "rfc822" NIL NIL NIL "7bit" 99 (NIL "inner" ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1) 5))
S: * 9 FETCH (BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1)("message" "rfc822" NIL NIL NIL "7bit" 339 (NIL "middle" (("Quinn" NIL "quinn" "example.org")) (("Quinn" NIL "quinn" "example.org")) (("Quinn" NIL "quinn" "example.org")) NIL NIL NIL NIL NIL) (("message" "rfc822" NIL NIL NIL "7bit" 69 (NIL "innermost" (("Ruth" NIL "ruth" "example.org")) (("Ruth" NIL "ruth" "example.org")) (("Ruth" NIL "ruth" "example.org")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 16 1) 4)("text" "plain" ("charset" "iso-8859-1") NIL NIL "quoted-printable" 8 1) "mixed") 20) "mixed"))
S: a5 OK FETCH completed
# Message 2 (nested-rfc822): every section the oracle was asked for.
C: a6 FETCH 2 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[9] BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject)] BODY.PEEK[1.9] BODY.PEEK[1.MIME] BODY.PEEK[2.MIME] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.1] BODY.PEEK[2.1.MIME] BODY.PEEK[2.2] BODY.PEEK[2.2.MIME])
S: * 2 FETCH (BODY[1] {28}
S: See the forwarded message.
S:  BODY[2] {386}
S: Date: Wed, 3 Jan 2024 18:00:00 +0000
S: From: Ivan <ivan@example.net>
S: To: Grace <grace@example.com>
S: Subject: original
S: Message-ID: <orig.1@example.net>
S: MIME-Version: 1.0
S: Content-Type: multipart/alternative; boundary="inner"
S: 
S: --inner
S: Content-Type: text/plain; charset=utf-8
S: 
S: Original text.
S: 
S: --inner
S: Content-Type: text/html; charset=utf-8
S: 
S: <p>Original text.</p>
S: 
S: --inner--
S:  BODY[9] {0}
S:  BODY[] {783}
S: Date: Thu, 4 Jan 2024 09:15:00 +0200
S: From: Grace <grace@example.com>
S: To: Heidi <heidi@example.com>
S: Subject: Fwd: original
S: Message-ID: <fwd.1@example.com>
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="outer"
S: 
S: --outer
S: Content-Type: text/plain; charset=us-ascii
S: 
S: See the forwarded message.
S: 
S: --outer
S: Content-Type: message/rfc822
S: Content-Disposition: inline
S: 
S: Date: Wed, 3 Jan 2024 18:00:00 +0000
S: From: Ivan <ivan@example.net>
S: To: Grace <grace@example.com>
S: Subject: original
S: Message-ID: <orig.1@example.net>
S: MIME-Version: 1.0
S: Content-Type: multipart/alternative; boundary="inner"
S: 
S: --inner
S: Content-Type: text/plain; charset=utf-8
S: 
S: Original text.
S: 
S: --inner
S: Content-Type: text/html; charset=utf-8
S: 
S: <p>Original text.</p>
S: 
S: --inner--
S: 
S: --outer--
S:  BODY[HEADER] {229}
S: Date: Thu, 4 Jan 2024 09:15:00 +0200
S: From: Grace <grace@example.com>
S: To: Heidi <heidi@example.com>
S: Subject: Fwd: original
S: Message-ID: <fwd.1@example.com>
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="outer"
S: 
S:  BODY[TEXT] {554}
S: --outer
S: Content-Type: text/plain; charset=us-ascii
S: 
S: See the forwarded message.
S: 
S: --outer
S: Content-Type: message/rfc822
S: Content-Disposition: inline
S: 
S: Date: Wed, 3 Jan 2024 18:00:00 +0000
S: From: Ivan <ivan@example.net>
S: To: Grace <grace@example.com>
S: Subject: original
S: Message-ID: <orig.1@example.net>
S: MIME-Version: 1.0
S: Content-Type: multipart/alternative; boundary="inner"
S: 
S: --inner
S: Content-Type: text/plain; charset=utf-8
S: 
S: Original text.
S: 
S: --inner
S: Content-Type: text/html; charset=utf-8
S: 
S: <p>Original text.</p>
S: 
S: --inner--
S: 
S: --outer--
S:  BODY[HEADER.FIELDS (From Subject X-Missing)] {59}
S: From: Grace <grace@example.com>
S: Subject: Fwd: original
S: 
S:  BODY[HEADER.FIELDS.NOT (From Subject)] {172}
S: Date: Thu, 4 Jan 2024 09:15:00 +0200
S: To: Heidi <heidi@example.com>
S: Message-ID: <fwd.1@example.com>
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="outer"
S: 
S:  BODY[1.9] {0}
S:  BODY[1.MIME] {46}
S: Content-Type: text/plain; charset=us-ascii
S: 
S:  BODY[2.MIME] {61}
S: Content-Type: message/rfc822
S: Content-Disposition: inline
S: 
S:  BODY[2.HEADER] {229}
S: Date: Wed, 3 Jan 2024 18:00:00 +0000
S: From: Ivan <ivan@example.net>
S: To: Grace <grace@example.com>
S: Subject: original
S: Message-ID: <orig.1@example.net>
S: MIME-Version: 1.0
S: Content-Type: multipart/alternative; boundary="inner"
S: 
S:  BODY[2.TEXT] {157}
S: --inner
S: Content-Type: text/plain; charset=utf-8
S: 
S: Original text.
S: 
S: --inner
S: Content-Type: text/html; charset=utf-8
S: 
S: <p>Original text.</p>
S: 
S: --inner--
S:  BODY[2.1] {16}
S: Original text.
S:  BODY[2.1.MIME] {43}
S: Content-Type: text/plain; charset=utf-8
S: 
S:  BODY[2.2] {23}
S: <p>Original text.</p>
S:  BODY[2.2.MIME] {42}
S: Content-Type: text/html; charset=utf-8
S: 
S: )
S: a6 OK FETCH completed
# Message 3 (missing-end-boundary): every section the oracle was asked for.
C: a7 FETCH 3 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[9] BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject)] BODY.PEEK[1.9] BODY.PEEK[1.MIME] BODY.PEEK[2.MIME])
S: * 3 FETCH (BODY[1] {10}
S: part one
S:  BODY[2] {24}
S: part two, never closed
S:  BODY[9] {0}
S:  BODY[] {307}
S: Date: Sat, 6 Jan 2024 11:11:11 +0000
S: From: Mallory <mallory@example.org>
S: To: Trent <trent@example.org>
S: Subject: truncated multipart
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="b1"
S: 
S: --b1
S: Content-Type: text/plain
S: 
S: part one
S: 
S: --b1
S: Content-Type: text/plain
S: 
S: part two, never closed
S:  BODY[HEADER] {203}
S: Date: Sat, 6 Jan 2024 11:11:11 +0000
S: From: Mallory <mallory@example.org>
S: To: Trent <trent@example.org>
S: Subject: truncated multipart
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="b1"
S: 
S:  BODY[TEXT] {104}
S: --b1
S: Content-Type: text/plain
S: 
S: part one
S: 
S: --b1
S: Content-Type: text/plain
S: 
S: part two, never closed
S:  BODY[HEADER.FIELDS (From Subject X-Missing)] {69}
S: From: Mallory <mallory@example.org>
S: Subject: truncated multipart
S: 
S:  BODY[HEADER.FIELDS.NOT (From Subject)] {136}
S: Date: Sat, 6 Jan 2024 11:11:11 +0000
S: To: Trent <trent@example.org>
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="b1"
S: 
S:  BODY[1.9] {0}
S:  BODY[1.MIME] {28}
S: Content-Type: text/plain
S: 
S:  BODY[2.MIME] {28}
S: Content-Type: text/plain
S: 
S: )
S: a7 OK FETCH completed
# Message 5 (rfc2231): every section the oracle was asked for.
C: a8 FETCH 5 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[3] BODY.PEEK[9] BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject)] BODY.PEEK[1.9] BODY.PEEK[1.MIME] BODY.PEEK[2.MIME] BODY.PEEK[3.MIME])
S: * 5 FETCH (BODY[1] {17}
S: see attachments
S:  BODY[2] {10}
S: AAECAwQ=
S:  BODY[3] {7}
S: plain
S:  BODY[9] {0}
S:  BODY[] {729}
S: Date: Sun, 7 Jan 2024 14:00:00 +0100
S: From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>
S: To: x@example.de
S: Subject: RFC 2231 parameters
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="2231"
S: 
S: --2231
S: Content-Type: text/plain; charset=us-ascii
S: 
S: see attachments
S: 
S: --2231
S: Content-Type: application/octet-stream;
S:  name*0*=utf-8''%C3%BCber%20lange;
S:  name*1*=%20Datei.bin
S: Content-Disposition: attachment;
S:  filename*0*=utf-8''%C3%BCber%20lange;
S:  filename*1=" Datei.bin"
S: Content-Transfer-Encoding: base64
S: 
S: AAECAwQ=
S: 
S: --2231
S: Content-Type: text/plain; charset=us-ascii;
S:  title*=us-ascii'en'This%20is%20%2A%2A%2Afun%2A%2A%2A
S: Content-Disposition: inline; filename*=iso-8859-1''r%E9sum%E9.txt
S: 
S: plain
S: 
S: --2231--
S:  BODY[HEADER] {203}
S: Date: Sun, 7 Jan 2024 14:00:00 +0100
S: From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>
S: To: x@example.de
S: Subject: RFC 2231 parameters
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="2231"
S: 
S:  BODY[TEXT] {526}
S: --2231
S: Content-Type: text/plain; charset=us-ascii
S: 
S: see attachments
S: 
S: --2231
S: Content-Type: application/octet-stream;
S:  name*0*=utf-8''%C3%BCber%20lange;
S:  name*1*=%20Datei.bin
S: Content-Disposition: attachment;
S:  filename*0*=utf-8''%C3%BCber%20lange;
S:  filename*1=" Datei.bin"
S: Content-Transfer-Encoding: base64
S: 
S: AAECAwQ=
S: 
S: --2231
S: Content-Type: text/plain; charset=us-ascii;
S:  title*=us-ascii'en'This%20is%20%2A%2A%2Afun%2A%2A%2A
S: Content-Disposition: inline; filename*=iso-8859-1''r%E9sum%E9.txt
S: 
S: plain
S: 
S: --2231--
S:  BODY[HEADER.FIELDS (From Subject X-Missing)] {80}
S: From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>
S: Subject: RFC 2231 parameters
S: 
S:  BODY[HEADER.FIELDS.NOT (From Subject)] {125}
S: Date: Sun, 7 Jan 2024 14:00:00 +0100
S: To: x@example.de
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="2231"
S: 
S:  BODY[1.9] {0}
S:  BODY[1.MIME] {46}
S: Content-Type: text/plain; charset=us-ascii
S: 
S:  BODY[2.MIME] {237}
S: Content-Type: application/octet-stream;
S:  name*0*=utf-8''%C3%BCber%20lange;
S:  name*1*=%20Datei.bin
S: Content-Disposition: attachment;
S:  filename*0*=utf-8''%C3%BCber%20lange;
S:  filename*1=" Datei.bin"
S: Content-Transfer-Encoding: base64
S: 
S:  BODY[3.MIME] {169}
S: Content-Type: text/plain; charset=us-ascii;
S:  title*=us-ascii'en'This%20is%20%2A%2A%2Afun%2A%2A%2A
S: Content-Disposition: inline; filename*=iso-8859-1''r%E9sum%E9.txt
S: 
S: )
S: a8 OK FETCH completed
# Message 7 (digest): every section the oracle was asked for.
C: a9 FETCH 7 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[3] BODY.PEEK[9] BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject)] BODY.PEEK[1.9] BODY.PEEK[1.MIME] BODY.PEEK[1.HEADER] BODY.PEEK[1.TEXT] BODY.PEEK[1.1] BODY.PEEK[2.MIME] BODY.PEEK[3.MIME] BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[3.1])
S: * 7 FETCH (BODY[1] {98}
S: From: a@example.com
S: Subject: first
S: Date: Thu, 4 Jan 2024 10:00:00 +0000
S: 
S: First message body.
S:  BODY[2] {38}
S: A plain text part inside the digest.
S:  BODY[3] {74}
S: From: b@example.com
S: Subject: second
S: 
S: Second message body.
S: Two lines.
S:  BODY[9] {0}
S:  BODY[] {565}
S: Date: Fri, 5 Jan 2024 00:00:00 +0000
S: From: list-request@lists.example
S: To: subscriber@example.com
S: Subject: Digest V1 #1
S: MIME-Version: 1.0
S: Content-Type: multipart/digest; boundary="---- next message ----"
S: 
S: ------ next message ----
S: 
S: From: a@example.com
S: Subject: first
S: Date: Thu, 4 Jan 2024 10:00:00 +0000
S: 
S: First message body.
S: 
S: ------ next message ----
S: Content-Type: text/plain
S: 
S: A plain text part inside the digest.
S: 
S: ------ next message ----
S: 
S: From: b@example.com
S: Subject: second
S: 
S: Second message body.
S: Two lines.
S: 
S: ------ next message ------
S:  BODY[HEADER] {211}
S: Date: Fri, 5 Jan 2024 00:00:00 +0000
S: From: list-request@lists.example
S: To: subscriber@example.com
S: Subject: Digest V1 #1
S: MIME-Version: 1.0
S: Content-Type: multipart/digest; boundary="---- next message ----"
S: 
S:  BODY[TEXT] {354}
S: ------ next message ----
S: 
S: From: a@example.com
S: Subject: first
S: Date: Thu, 4 Jan 2024 10:00:00 +0000
S: 
S: First message body.
S: 
S: ------ next message ----
S: Content-Type: text/plain
S: 
S: A plain text part inside the digest.
S: 
S: ------ next message ----
S: 
S: From: b@example.com
S: Subject: second
S: 
S: Second message body.
S: Two lines.
S: 
S: ------ next message ------
S:  BODY[HEADER.FIELDS (From Subject X-Missing)] {59}
S: From: list-request@lists.example
S: Subject: Digest V1 #1
S: 
S:  BODY[HEADER.FIELDS.NOT (From Subject)] {154}
S: Date: Fri, 5 Jan 2024 00:00:00 +0000
S: To: subscriber@example.com
S: MIME-Version: 1.0
S: Content-Type: multipart/digest; boundary="---- next message ----"
S: 
S:  BODY[1.9] {0}
S:  BODY[1.MIME] {2}
S: 
S:  BODY[1.HEADER] {77}
S: From: a@example.com
S: Subject: first
S: Date: Thu, 4 Jan 2024 10:00:00 +0000
S: 
S:  BODY[1.TEXT] {21}
S: First message body.
S:  BODY[1.1] {21}
S: First message body.
S:  BODY[2.MIME] {28}
S: Content-Type: text/plain
S: 
S:  BODY[3.MIME] {2}
S: 
S:  BODY[3.HEADER] {40}
S: From: b@example.com
S: Subject: second
S: 
S:  BODY[3.TEXT] {34}
S: Second message body.
S: Two lines.
S:  BODY[3.1] {34}
S: Second message body.
S: Two lines.
S: )
S: a9 OK FETCH completed
# Message 8 (message-rfc822-top): every section the oracle was asked for.
C: a10 FETCH 8 (BODY.PEEK[1] BODY.PEEK[9] BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject)] BODY.PEEK[1.9] BODY.PEEK[1.1] BODY.PEEK[1.HEADER] BODY.PEEK[1.TEXT])
S: * 8 FETCH (BODY[1] {99}
S: From: inner@example.com
S: Subject: inner
S: Content-Type: text/plain; charset=us-ascii
S: 
S: inner body
S:  BODY[9] {0}
S:  BODY[] {250}
S: Date: Sun, 14 Jan 2024 14:14:14 +0000
S: From: bounce@example.com
S: Subject: top-level message/rfc822
S: MIME-Version: 1.0
S: Content-Type: message/rfc822
S: 
S: From: inner@example.com
S: Subject: inner
S: Content-Type: text/plain; charset=us-ascii
S: 
S: inner body
S:  BODY[HEADER] {151}
S: Date: Sun, 14 Jan 2024 14:14:14 +0000
S: From: bounce@example.com
S: Subject: top-level message/rfc822
S: MIME-Version: 1.0
S: Content-Type: message/rfc822
S: 
S:  BODY[TEXT] {99}
S: From: inner@example.com
S: Subject: inner
S: Content-Type: text/plain; charset=us-ascii
S: 
S: inner body
S:  BODY[HEADER.FIELDS (From Subject X-Missing)] {63}
S: From: bounce@example.com
S: Subject: top-level message/rfc822
S: 
S:  BODY[HEADER.FIELDS.NOT (From Subject)] {90}
S: Date: Sun, 14 Jan 2024 14:14:14 +0000
S: MIME-Version: 1.0
S: Content-Type: message/rfc822
S: 
S:  BODY[1.9] {0}
S:  BODY[1.1] {12}
S: inner body
S:  BODY[1.HEADER] {87}
S: From: inner@example.com
S: Subject: inner
S: Content-Type: text/plain; charset=us-ascii
S: 
S:  BODY[1.TEXT] {12}
S: inner body
S: )
S: a10 OK FETCH completed
# Message 9, by hand: numeric parts, MIME headers of parts, HEADER/TEXT of the message/rfc822 part 2 and of the
# message/rfc822 part 2.1 nested inside it; a part number past the last part is empty.
C: a11 FETCH 9 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2.MIME] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.1] BODY.PEEK[2.1.MIME] BODY.PEEK[2.1.HEADER] BODY.PEEK[2.1.TEXT] BODY.PEEK[2.1.1] BODY.PEEK[2.1.2])
S: * 9 FETCH (BODY[1] {12}
S: outer text
S:  BODY[1.MIME] {46}
S: Content-Type: text/plain; charset=us-ascii
S: 
S:  BODY[2.MIME] {32}
S: Content-Type: message/rfc822
S: 
S:  BODY[2.HEADER] {116}
S: From: Quinn <quinn@example.org>
S: Subject: middle
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="B"
S: 
S:  BODY[2.TEXT] {223}
S: --B
S: Content-Type: message/rfc822
S: 
S: From: Ruth <ruth@example.org>
S: Subject: innermost
S: 
S: innermost body
S: 
S: --B
S: Content-Type: text/plain; charset=iso-8859-1
S: Content-Transfer-Encoding: quoted-printable
S: 
S: caf=E9
S: 
S: --B--
S:  BODY[2.1] {69}
S: From: Ruth <ruth@example.org>
S: Subject: innermost
S: 
S: innermost body
S:  BODY[2.1.MIME] {32}
S: Content-Type: message/rfc822
S: 
S:  BODY[2.1.HEADER] {53}
S: From: Ruth <ruth@example.org>
S: Subject: innermost
S: 
S:  BODY[2.1.TEXT] {16}
S: innermost body
S:  BODY[2.1.1] {16}
S: innermost body
S:  BODY[2.1.2] {0}
S: )
S: a11 OK FETCH completed
C: a12 FETCH 9 (BODY.PEEK[2.2] BODY.PEEK[2.2.MIME] BODY.PEEK[2.1.HEADER.FIELDS (subject)] BODY.PEEK[2.HEADER.FIELDS.NOT (From MIME-Version Content-Type)])
S: * 9 FETCH (BODY[2.2] {8}
S: caf=E9
S:  BODY[2.2.MIME] {93}
S: Content-Type: text/plain; charset=iso-8859-1
S: Content-Transfer-Encoding: quoted-printable
S: 
S:  BODY[2.1.HEADER.FIELDS (subject)] {22}
S: Subject: innermost
S: 
S:  BODY[2.HEADER.FIELDS.NOT (From MIME-Version Content-Type)] {19}
S: Subject: middle
S: 
S: )
S: a12 OK FETCH completed
# Partials (RFC 3501 �6.4.5): <origin.length>, answered as BODY[...]<origin>; what runs past the end is cut short; an
# origin at or past the end gives an empty string (sent as the literal {0}). Message 1's TEXT is 52 octets:
# "Hello Bob,\r\n\r\nthis is a plain message.\r\n-- \r\nAlice\r\n".
C: a13 FETCH 1 (BODY.PEEK[]<0.10> BODY.PEEK[TEXT]<6.3> BODY.PEEK[TEXT]<48.100> BODY.PEEK[TEXT]<52.5> BODY.PEEK[1]<1000.10> BODY.PEEK[HEADER.FIELDS (Subject)]<0.20>)
S: * 1 FETCH (BODY[]<0> {10}
S: Return-Pat BODY[TEXT]<6> {3}
S: Bob BODY[TEXT]<48> {4}
S: ce
S:  BODY[TEXT]<52> {0}
S:  BODY[1]<1000> {0}
S:  BODY[HEADER.FIELDS (Subject)]<0> {20}
S: Subject: A plain mes)
S: a13 OK FETCH completed
C: a14 FETCH 9 (BODY.PEEK[2.2]<2.3> BODY.PEEK[2.1.HEADER]<6.4>)
S: * 9 FETCH (BODY[2.2]<2> {3}
S: f=E BODY[2.1.HEADER]<6> {4}
S: Ruth)
S: a14 OK FETCH completed
# RFC 3501 grammar: section-partial = "<" number "." nz-number ">"; a zero length is a syntax error.
C: a15 FETCH 1 BODY.PEEK[]<0.0>
S: a15 BAD FETCH: Expected non-zero number at "0>"
# Implicit \Seen (RFC 3501 �6.4.5): BODY[...] without .PEEK, RFC822 and RFC822.TEXT set it, and "if this causes the
# flags to change, they SHOULD be included as part of the FETCH responses": an unsolicited FLAGS item. Not when
# \Seen was already set; not for BODY.PEEK, RFC822.HEADER, RFC822.SIZE. Asked-for FLAGS show the new flags.
C: a16 FETCH 5 BODY[1]
S: * 5 FETCH (BODY[1] {17}
S: see attachments
S:  FLAGS (\Seen))
S: a16 OK FETCH completed
C: a17 FETCH 5 (BODY[1]<0.3>)
S: * 5 FETCH (BODY[1]<0> {3}
S: see)
S: a17 OK FETCH completed
C: a18 FETCH 6 (RFC822.HEADER)
S: * 6 FETCH (RFC822.HEADER {234}
S: Date: Tue, 9 Jan 2024 10:00:00 +0100
S: From: Jörg Müller <joerg@example.de>
S: To: "Renée" <renee@example.fr>
S: Subject: Grüße aus Köln
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8
S: Content-Transfer-Encoding: 8bit
S: 
S: )
S: a18 OK FETCH completed
C: a19 FETCH 6 (FLAGS RFC822.SIZE)
S: * 6 FETCH (FLAGS () RFC822.SIZE 244)
S: a19 OK FETCH completed
C: a20 FETCH 6 RFC822.TEXT
S: * 6 FETCH (RFC822.TEXT {10}
S: Grüße!
S:  FLAGS (\Seen))
S: a20 OK FETCH completed
C: a21 FETCH 8 RFC822
S: * 8 FETCH (RFC822 {250}
S: Date: Sun, 14 Jan 2024 14:14:14 +0000
S: From: bounce@example.com
S: Subject: top-level message/rfc822
S: MIME-Version: 1.0
S: Content-Type: message/rfc822
S: 
S: From: inner@example.com
S: Subject: inner
S: Content-Type: text/plain; charset=us-ascii
S: 
S: inner body
S:  FLAGS (\Seen))
S: a21 OK FETCH completed
C: a22 FETCH 3 (FLAGS BODY[1])
S: * 3 FETCH (FLAGS (\Seen $$Label1) BODY[1] {10}
S: part one
S: )
S: a22 OK FETCH completed
C: a23 FETCH 7 (BODY[]<0.5>)
S: * 7 FETCH (BODY[]<0> {5}
S: Date: FLAGS (\Seen))
S: a23 OK FETCH completed
# UID FETCH: the UID comes first in every response, asked for or not; UIDs that name nothing are no error.
C: a24 UID FETCH 109 (BODY[1.MIME])
S: * 9 FETCH (UID 109 BODY[1.MIME] {46}
S: Content-Type: text/plain; charset=us-ascii
S: 
S:  FLAGS (\Seen))
S: a24 OK UID FETCH completed
C: a25 UID FETCH 103:104,1:100 FLAGS
S: * 3 FETCH (UID 103 FLAGS (\Seen $$Label1))
S: * 4 FETCH (UID 104 FLAGS (\Seen \Flagged))
S: a25 OK UID FETCH completed
C: a26 UID FETCH 1:100 (FLAGS UID)
S: a26 OK UID FETCH completed
C: a27 FETCH *:8 (UID RFC822.SIZE)
S: * 8 FETCH (UID 108 RFC822.SIZE 250)
S: * 9 FETCH (UID 109 RFC822.SIZE 660)
S: a27 OK FETCH completed
# Macros: ALL = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE), FAST = (FLAGS INTERNALDATE RFC822.SIZE),
# FULL = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY).
C: a28 FETCH 1 ALL
S: * 1 FETCH (FLAGS () INTERNALDATE " 1-Jan-2024 10:00:07 +0100" RFC822.SIZE 658 ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0100" {37}
S: A plain message folded over two lines (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) ((NIL NIL "bob" "example.net")({17}
S: Carol "C" Example NIL "carol" "example.net")) (("Dave" NIL "dave" "example.com")) NIL "<parent@example.net>" "<20240101100000.1234@example.org>"))
S: a28 OK FETCH completed
C: a29 FETCH 2 FAST
S: * 2 FETCH (FLAGS (\Seen \Answered) INTERNALDATE " 4-Jan-2024 09:15:02 +0200" RFC822.SIZE 783)
S: a29 OK FETCH completed
C: a30 FETCH 4 FULL
S: * 4 FETCH (FLAGS (\Seen \Flagged) INTERNALDATE " 8-Jan-2024 09:00:09 +0900" RFC822.SIZE 479 ENVELOPE ("Mon, 8 Jan 2024 09:00:00 +0900" {83}
S: =?utf-8?B?w4lsw6h2ZQ==?= and =?ISO-8859-1?Q?caf=E9_cr=E8me?= =?UTF-8?Q?_=E2=82=AC?= (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=" NIL "yamada" "example.jp")) (("=?iso-8859-1?Q?Andr=E9?= Pirard" NIL "PIRARD" "vm1.ulg.ac.be")) (("=?windows-1252?Q?=93Quoted=94?=" NIL "q" "example.com")("=?x-unknown?Q?abc?=" NIL "u" "example.com")) NIL NIL "<ew.1@example.jp>") BODY ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 7 1))
S: a30 OK FETCH completed
C: a31 FETCH 1:* FLAGS
S: * 1 FETCH (FLAGS ())
S: * 2 FETCH (FLAGS (\Seen \Answered))
S: * 3 FETCH (FLAGS (\Seen $$Label1))
S: * 4 FETCH (FLAGS (\Seen \Flagged))
S: * 5 FETCH (FLAGS (\Seen))
S: * 6 FETCH (FLAGS (\Seen))
S: * 7 FETCH (FLAGS (\Seen))
S: * 8 FETCH (FLAGS (\Seen))
S: * 9 FETCH (FLAGS (\Seen))
S: a31 OK FETCH completed
# Read-only (EXAMINE): a non-PEEK fetch changes nothing and reports no FLAGS.
C: a32 EXAMINE INBOX
S: * OK [CLOSED] Previous mailbox closed
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Label1)
S: * OK [PERMANENTFLAGS ()] No permanent flags permitted
S: * 9 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 1] First unseen message
S: * OK [UIDVALIDITY 1810000000] UID validity status
S: * OK [UIDNEXT 110] Predicted next UID
S: * OK [MAILBOXID (F$*)] Ok
S: a32 OK [READ-ONLY] EXAMINE completed
C: a33 FETCH 1 (BODY[TEXT]<0.5> RFC822.TEXT)
S: * 1 FETCH (BODY[TEXT]<0> {5}
S: Hello RFC822.TEXT {52}
S: Hello Bob,
S: 
S: this is a plain message.
S: -- 
S: Alice
S: )
S: a33 OK FETCH completed
C: a34 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS ())
S: a34 OK FETCH completed
C: a35 LOGOUT
S: * BYE IMAP4rev1 server terminating connection
S: a35 OK LOGOUT completed
uids: 101 102 103 104 105 106 107 108 109
