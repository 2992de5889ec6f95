# Configured: Dovecot's UIDL format (%08Xu%08Xv: UID, then UIDVALIDITY, upper-case hex) and no Status: line,
# so sizes are the message's own octets.
mailbox: sample.mbox
config: pop3_uidl_format = dovecot
config: pop3_status_header = no
S: +OK POP3 $*
C: UIDL
S: +OK Unique-ID listing follows
S: 1 000000016AE85110
S: 2 000000036AE85110
S: 3 000000046AE85110
S: 4 000000056AE85110
S: .
C: LIST
S: +OK Mailbox scan listing follows
S: 1 399
S: 2 667
S: 3 358
S: 4 362
S: .
C: RETR 3
S: +OK 358 octets
S: Return-Path: <dave@example.com>
S: Date: Wed, 4 Nov 2026 08:01:50 -0500
S: From: Dave <dave@example.com>
S: To: bob@example.org
S: Subject: Re: Lunch on Thursday?
S: In-Reply-To: <20261102091405.A1@example.org>
S: Message-ID: <CAD1234@example.com>
S: 
S: Count me in.
S: 
S: From the mailing list digest, unquoted by some old tool: this line has no date, so it does not split.
S: .
C: QUIT
S: +OK Sayonara
