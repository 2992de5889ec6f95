# METADATA-SERVER (RFC 5464): server annotations only. The configured /shared/comment and /shared/admin
# (metadata_comment, metadata_admin: §6.2.1), read by GETMETADATA "" after §4.2's examples, with DEPTH and MAXSIZE
# (LONGENTRIES); the user's own /private entries set by SETMETADATA "" (§4.3), kept in the control directory across
# sessions, removed by NIL; the refusals of §4.3 (MAXSIZE, TOOMANY), /shared not settable (NOPERM), mailbox
# annotations refused (METADATA-SERVER only), and malformed entries (§3.2) BAD.
mailbox: sample.mbox
config: metadata_comment = "Lab mail server # 2"
config: metadata_admin = mailto:postmaster@example.org
S: * PREAUTH [CAPABILITY $* QUOTA=RES-STORAGE METADATA-SERVER $*] $*
C: m1 GETMETADATA "" /shared/comment
S: * METADATA "" (/shared/comment "Lab mail server # 2")
S: m1 OK GETMETADATA completed
# Entry names are case-insensitive; one that has no value is NIL.
C: m2 GETMETADATA "" (/shared/Comment /shared/admin /private/comment)
S: * METADATA "" (/private/comment NIL /shared/admin "mailto:postmaster@example.org" /shared/comment "Lab mail server # 2")
S: m2 OK GETMETADATA completed
C: m3 SETMETADATA "" (/private/comment "My own comment")
S: m3 OK SETMETADATA completed
C: m4 SETMETADATA "" (/private/vendor/vendor.example/a {5+}
C: hello /private/vendor/vendor.example/b/c "deep")
S: m4 OK SETMETADATA completed
C: m5 GETMETADATA (DEPTH 1) "" /private/vendor/vendor.example
S: * METADATA "" (/private/vendor/vendor.example/a "hello")
S: m5 OK GETMETADATA completed
C: m6 GETMETADATA (DEPTH infinity) "" /private
S: * METADATA "" (/private/comment "My own comment" /private/vendor/vendor.example/a "hello" /private/vendor/vendor.example/b/c "deep")
S: m6 OK GETMETADATA completed
# MAXSIZE leaves out the longer values and says the longest left out.
C: m7 GETMETADATA (MAXSIZE 6 DEPTH infinity) "" (/private /shared)
S: * METADATA "" (/private/vendor/vendor.example/a "hello" /private/vendor/vendor.example/b/c "deep")
S: m7 OK [METADATA LONGENTRIES 29] GETMETADATA completed
C: m8 SETMETADATA "" (/private/vendor/vendor.example/a NIL /private/vendor/vendor.example/b/c NIL)
S: m8 OK SETMETADATA completed
# Refusals: nothing of the command is kept.
C: r1 SETMETADATA "" (/private/comment "changed" /shared/comment "Mine now")
S: r1 NO [NOPERM] Shared annotations are set by the administrator
C: r2 SETMETADATA "" (/private/big "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
S: r2 NO [METADATA MAXSIZE 4096] Value too long
C: r3 SETMETADATA "" (/private/e0 "v" /private/e1 "v" /private/e2 "v" /private/e3 "v" /private/e4 "v" /private/e5 "v" /private/e6 "v" /private/e7 "v" /private/e8 "v" /private/e9 "v" /private/e10 "v" /private/e11 "v" /private/e12 "v" /private/e13 "v" /private/e14 "v" /private/e15 "v" /private/e16 "v" /private/e17 "v" /private/e18 "v" /private/e19 "v" /private/e20 "v" /private/e21 "v" /private/e22 "v" /private/e23 "v" /private/e24 "v" /private/e25 "v" /private/e26 "v" /private/e27 "v" /private/e28 "v" /private/e29 "v" /private/e30 "v" /private/e31 "v" /private/e32 "v" /private/e33 "v" /private/e34 "v" /private/e35 "v" /private/e36 "v" /private/e37 "v" /private/e38 "v" /private/e39 "v" /private/e40 "v" /private/e41 "v" /private/e42 "v" /private/e43 "v" /private/e44 "v" /private/e45 "v" /private/e46 "v" /private/e47 "v" /private/e48 "v" /private/e49 "v" /private/e50 "v" /private/e51 "v" /private/e52 "v" /private/e53 "v" /private/e54 "v" /private/e55 "v" /private/e56 "v" /private/e57 "v" /private/e58 "v" /private/e59 "v" /private/e60 "v" /private/e61 "v" /private/e62 "v" /private/e63 "v" /private/e64 "v")
S: r3 NO [METADATA TOOMANY] Too many annotations
C: r4 GETMETADATA INBOX /private/comment
S: r4 NO Mailboxes have no annotations here (METADATA-SERVER only)
C: r5 SETMETADATA INBOX (/private/comment "x")
S: r5 NO Mailboxes have no annotations here (METADATA-SERVER only)
C: r6 GETMETADATA (DEPTH infinity) "" /private
S: * METADATA "" (/private/comment "My own comment")
S: r6 OK GETMETADATA completed
# Malformed: entry names (§3.2), options, arguments.
C: b1 GETMETADATA "" /comment
S: b1 BAD $*
C: b2 GETMETADATA "" /shared/*
S: b2 BAD $*
C: b3 GETMETADATA "" /private//x
S: b3 BAD $*
C: b4 SETMETADATA "" (/private/x/ "y")
S: b4 BAD $*
C: b5 GETMETADATA (DEPTH 2) "" /private
S: b5 BAD $*
C: b6 GETMETADATA (MAXSIZE 1 MAXSIZE 2) "" /private
S: b6 BAD $*
C: b7 SETMETADATA "" (/private "y")
S: b7 BAD $*
C: b8 SETMETADATA "" ()
S: b8 BAD $*
C: b9 GETMETADATA ""
S: b9 BAD $*
C: l1 LOGOUT
S: * BYE $*
S: l1 OK LOGOUT completed
# A later session finds the private entry kept.
C2: n1 GETMETADATA "" (/private/comment /shared/admin)
S2: * PREAUTH $*
S2: * METADATA "" (/private/comment "My own comment" /shared/admin "mailto:postmaster@example.org")
S2: n1 OK GETMETADATA completed
uids: 1 3 4 5
