# Every TRANSACTION command on the bundled sample (UW layout), run by a user (no login: PREAUTH-like).
mailbox: sample.mbox
S: +OK POP3 $host 2007f.ts-$v server ready
C: CAPA
S: +OK Capability list follows:
S: TOP
S: UIDL
S: RESP-CODES
S: AUTH-RESP-CODE
S: PIPELINING
S: IMPLEMENTATION uwimap-ts $*
S: .
C: STAT
S: +OK 4 1834
C: LIST
S: +OK Mailbox scan listing follows
S: 1 411
S: 2 679
S: 3 370
S: 4 374
S: .
C: LIST 2
S: +OK 2 679
C: UIDL
S: +OK Unique-ID listing follows
S: 1 6ae8511000000001
S: 2 6ae8511000000003
S: 3 6ae8511000000004
S: 4 6ae8511000000005
S: .
C: UIDL 4
S: +OK 4 6ae8511000000005
C: LAST
S: +OK 2
C: NOOP
S: +OK No-op to you too!
C: RETR 3
S: +OK 370 octets
S: Return-Path: <dave@example.com>
S: Date: Wed, 4 Nov 2026 08:01:50 -0500
S: From: Dave <dave@example.com>
S: To: bob@example.org
S: Subject: Re: Lunch on Thursday?
S: In-Reply-To: <20261102091405.A1@example.org>
S: Message-ID: <CAD1234@example.com>
S: Status:  O
S: 
S: Count me in.
S: 
S: From the mailing list digest, unquoted by some old tool: this line has no date, so it does not split.
S: .
C: TOP 1 2
S: +OK Top of message follows
S: Return-Path: <alice@example.org>
S: Date: Mon, 2 Nov 2026 09:14:05 +0000
S: From: Alice Liddell <alice@example.org>
S: To: Bob <bob@example.org>
S: Subject: Lunch on Thursday?
S: Message-ID: <20261102091405.A1@example.org>
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8
S: Status: RO
S: 
S: Hi Bob,
S: 
S: .
C: TOP 4 0
S: +OK Top of message follows
S: Return-Path: <newsletter@example.com>
S: Date: Thu, 5 Nov 2026 06:00:00 +0000
S: From: Example News <newsletter@example.com>
S: To: bob@example.org
S: Subject: This week at Example
S: Message-ID: <news-2026-45@example.com>
S: Status:   
S: 
S: .
C: LAST
S: +OK 4
C: DELE 2
S: +OK Message deleted
C: DELE 2
S: -ERR No such message
C: LIST
S: +OK Mailbox scan listing follows
S: 1 411
S: 3 370
S: 4 374
S: .
C: STAT
S: +OK 3 1155
C: RSET
S: +OK Reset state
C: STAT
S: +OK 4 1834
C: DELE 1
S: +OK Message deleted
C: DELE 4
S: +OK Message deleted
C: QUIT
S: +OK Sayonara
uids: 3 4
