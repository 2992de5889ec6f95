# Thunderbird's commands, as its IMAP code (nsImapProtocol.cpp, Thunderbird 115) forms them, in the order it sends
# them on a first connection after login: COMPRESS DEFLATE, ID, ENABLE CONDSTORE (with mail.server.*.use_condstore),
# NAMESPACE, its folder discovery (`list (subscribed) ... return (special-use)` when the server has LIST-EXTENDED and
# SPECIAL-USE: how it finds the Sent and Trash folders), SELECT with CONDSTORE, the flags of every message, the
# headers it keeps in its database, then IDLE. While it idles another client delivers a message (it must hear of it
# at once, compressed), it reads the new message, moves one to Trash (MOVE), idles again and hears of a flag the
# other client set, with the MODSEQ it needs for its next CHANGEDSINCE.
mailbox: sample.mbox
# The other client (session 2) makes the folders first; only Sent, Trash and INBOX are subscribed.
C2: s1 CREATE Sent
S2: * PREAUTH $*
S2: s1 OK [MAILBOXID (F$*)] CREATE completed
C2: s2 CREATE Drafts
S2: s2 OK [MAILBOXID (F$*)] CREATE completed
C2: s3 CREATE Trash
S2: s3 OK [MAILBOXID (F$*)] CREATE completed
C2: s4 SUBSCRIBE Sent
S2: s4 OK SUBSCRIBE completed
C2: s5 SUBSCRIBE Trash
S2: s5 OK SUBSCRIBE completed
C2: s6 SUBSCRIBE INBOX
S2: s6 OK SUBSCRIBE completed
S: * PREAUTH [CAPABILITY IMAP4rev1 $* ID ENABLE IDLE NAMESPACE $* LIST-EXTENDED $* SPECIAL-USE $* MOVE $* COMPRESS=DEFLATE $* CONDSTORE $*] $*
C: 1 COMPRESS DEFLATE
S: 1 OK DEFLATE active
compress
C: 2 ID ("name" "Thunderbird" "version" "115.7.0")
S: * ID ("name" "uwimap-ts imapd" $*)
S: 2 OK ID completed
C: 3 ENABLE CONDSTORE
S: * ENABLED CONDSTORE
S: 3 OK ENABLE completed
C: 4 namespace
S: * NAMESPACE (("" "/")) NIL NIL
S: 4 OK NAMESPACE completed
C: 5 list (subscribed) "" "*" return (special-use)
S: * LIST (\NoInferiors \Unmarked \Subscribed \Sent) "/" "Sent"
S: * LIST (\NoInferiors \Unmarked \Subscribed \Trash) "/" "Trash"
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: 5 OK LIST completed
C: 6 list "" "INBOX"
S: * LIST (\NoInferiors) "/" "INBOX"
S: 6 OK LIST completed
C: 7 select "INBOX" (CONDSTORE)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $$Forwarded project-x \*)] $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 3] $*
S: * OK [UIDVALIDITY 1793610000] $*
S: * OK [UIDNEXT 6] $*
S: * OK [MAILBOXID (F$*)] Ok
S: * OK [HIGHESTMODSEQ $hms] $*
S: 7 OK [READ-WRITE] SELECT completed
C: 8 UID fetch 1:* (FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered))
S: * 2 FETCH (UID 3 FLAGS (\Seen \Flagged project-x))
S: * 3 FETCH (UID 4 FLAGS ($$Forwarded))
S: * 4 FETCH (UID 5 FLAGS (\Recent))
S: 8 OK UID FETCH completed
C: 9 UID fetch 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)])
S: * 1 FETCH (UID 1 RFC822.SIZE 399 FLAGS (\Seen \Answered) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {223}
S: Date: Mon, 2 Nov 2026 09:14:05 +0000
S: From: Alice Liddell <alice@example.org>
S: To: Bob <bob@example.org>
S: Subject: Lunch on Thursday?
S: Message-ID: <20261102091405.A1@example.org>
S: Content-Type: text/plain; charset=utf-8
S: 
S: )
S: * 2 FETCH (UID 3 RFC822.SIZE 667 FLAGS (\Seen \Flagged project-x) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {254}
S: Date: Tue, 3 Nov 2026 17:42:11 +0100
S: From: =?utf-8?q?Carol_M=C3=BCller?= <carol@example.net>
S: To: bob@example.org
S: Subject: =?utf-8?q?Projekt_X_=E2=80=93_Zeitplan?=
S: Message-ID: <b7c1.5e2@example.net>
S: Content-Type: multipart/mixed; boundary="=-=-="
S: 
S: )
S: * 3 FETCH (UID 4 RFC822.SIZE 358 FLAGS ($$Forwarded) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {206}
S: Date: Wed, 4 Nov 2026 08:01:50 -0500
S: From: Dave <dave@example.com>
S: To: bob@example.org
S: Subject: Re: Lunch on Thursday?
S: In-Reply-To: <20261102091405.A1@example.org>
S: Message-ID: <CAD1234@example.com>
S: 
S: )
S: * 4 FETCH (UID 5 RFC822.SIZE 362 FLAGS (\Recent) BODY[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)] {177}
S: Date: Thu, 5 Nov 2026 06:00:00 +0000
S: From: Example News <newsletter@example.com>
S: To: bob@example.org
S: Subject: This week at Example
S: Message-ID: <news-2026-45@example.com>
S: 
S: )
S: 9 OK UID FETCH completed
C: 10 IDLE
S: + idling
# The other client delivers while Thunderbird idles: told at once, through the compressed stream.
C2: s7 APPEND INBOX {24+}
C2: Subject: new one
C2: 
C2: hi
C2: 
S2: s7 OK [APPENDUID 1793610000 6] APPEND completed
S: * 5 EXISTS
S: * 2 RECENT
C: DONE
S: 10 OK IDLE completed
C: 11 UID fetch 6:* (FLAGS)
S: * 5 FETCH (UID 6 FLAGS (\Recent))
S: 11 OK UID FETCH completed
# Reading it sets \Seen, which a CONDSTORE session is told with the new MODSEQ (RFC 7162 §3.1.4.1).
C: 12 UID fetch 6 (UID RFC822.SIZE BODY[])
S: * 5 FETCH (UID 6 RFC822.SIZE 24 BODY[] {24}
S: Subject: new one
S: 
S: hi
S:  MODSEQ ($m6) FLAGS (\Seen \Recent))
S: 12 OK UID FETCH completed
C: 13 uid move 1 "Trash"
S: * OK [COPYUID $tuv 1 1] $*
S: * 1 EXPUNGE
S: 13 OK UID MOVE completed
C: 14 IDLE
S: + idling
C2: s8 SELECT INBOX
S2: * FLAGS $*
S2: * OK [PERMANENTFLAGS $*] $*
S2: * 4 EXISTS
S2: * 0 RECENT
S2: * OK [UNSEEN 2] $*
S2: * OK [UIDVALIDITY 1793610000] $*
S2: * OK [UIDNEXT 7] $*
S2: * OK [MAILBOXID (F$*)] Ok
S2: s8 OK [READ-WRITE] SELECT completed
C2: s9 UID STORE 3 +FLAGS (\Answered)
S2: * 1 FETCH (UID 3 FLAGS (\Seen \Answered \Flagged project-x))
S2: s9 OK UID STORE completed
S: * 1 FETCH (UID 3 MODSEQ ($m3) FLAGS (\Seen \Answered \Flagged project-x))
C: DONE
S: 14 OK IDLE completed
C: 15 UID fetch 1:* (FLAGS) (CHANGEDSINCE ${m6})
S: * 1 FETCH (UID 3 FLAGS (\Seen \Answered \Flagged project-x) MODSEQ ($m3))
S: 15 OK UID FETCH completed
C: 16 logout
S: * BYE $*
S: 16 OK LOGOUT completed
C2: s10 LOGOUT
S2: * BYE $*
S2: s10 OK LOGOUT completed
uids: 3 4 5 6
