# Capability probes (issue 15): a command of an extension this server does not have (ACL's MYRIGHTS,
# URLAUTH's URLFETCH, UNAUTHENTICATE, ...: the IANA registry's commands, listed in lib/imap/commands/probes.ts)
# is answered BAD naming the extension, and is not a protocol error: with max_bad_commands = 21, 30 probes, then 20
# garbage commands leave the session going, and the 21st garbage command ends it.
mailbox: sample.mbox
config: max_bad_commands = 21
S: * PREAUTH $*
C: p1 SETANNOTATION INBOX "/comment" ("value.priv" "x")
S: p1 BAD Command unrecognized: SETANNOTATION (ANNOTATE-EXPERIMENT-1 is not supported; see CAPABILITY)
C: p2 CONVERT 1 (BINARY)
S: p2 BAD Command unrecognized: CONVERT (CONVERT is not supported; see CAPABILITY)
C: p3 URLFETCH "imap://y"
S: p3 BAD Command unrecognized: URLFETCH (URLAUTH is not supported; see CAPABILITY)
C: p4 MYRIGHTS INBOX
S: p4 BAD Command unrecognized: MYRIGHTS (ACL is not supported; see CAPABILITY)
C: p5 GETACL INBOX
S: p5 BAD Command unrecognized: GETACL (ACL is not supported; see CAPABILITY)
C: p6 LISTRIGHTS INBOX smith
S: p6 BAD Command unrecognized: LISTRIGHTS (ACL is not supported; see CAPABILITY)
C: p7 SETACL INBOX smith +r
S: p7 BAD Command unrecognized: SETACL (ACL is not supported; see CAPABILITY)
C: p8 DELETEACL INBOX smith
S: p8 BAD Command unrecognized: DELETEACL (ACL is not supported; see CAPABILITY)
C: p9 GETANNOTATION INBOX "/comment" "value.shared"
S: p9 BAD Command unrecognized: GETANNOTATION (ANNOTATE-EXPERIMENT-1 is not supported; see CAPABILITY)
C: p10 MYRIGHTS Drafts
S: p10 BAD Command unrecognized: MYRIGHTS (ACL is not supported; see CAPABILITY)
C: p11 GETANNOTATION INBOX "/comment" "value"
S: p11 BAD Command unrecognized: GETANNOTATION (ANNOTATE-EXPERIMENT-1 is not supported; see CAPABILITY)
C: p12 SETANNOTATION INBOX "/comment" ("value.priv" "x")
S: p12 BAD Command unrecognized: SETANNOTATION (ANNOTATE-EXPERIMENT-1 is not supported; see CAPABILITY)
C: p13 DELETEACL INBOX smith
S: p13 BAD Command unrecognized: DELETEACL (ACL is not supported; see CAPABILITY)
C: p14 GENURLAUTH "imap://bob@example.com/INBOX/;uid=1;urlauth=anonymous" INTERNAL
S: p14 BAD Command unrecognized: GENURLAUTH (URLAUTH is not supported; see CAPABILITY)
C: p15 RESETKEY
S: p15 BAD Command unrecognized: RESETKEY (URLAUTH is not supported; see CAPABILITY)
C: p16 URLFETCH "imap://x"
S: p16 BAD Command unrecognized: URLFETCH (URLAUTH is not supported; see CAPABILITY)
C: p17 LANGUAGE
S: p17 BAD Command unrecognized: LANGUAGE (LANGUAGE is not supported; see CAPABILITY)
C: p18 LANGUAGE DE
S: p18 BAD Command unrecognized: LANGUAGE (LANGUAGE is not supported; see CAPABILITY)
C: p19 UNAUTHENTICATE
S: p19 BAD Command unrecognized: UNAUTHENTICATE (UNAUTHENTICATE is not supported; see CAPABILITY)
C: p20 UID CONVERT 1 (BINARY)
S: p20 BAD Command unrecognized: UID CONVERT (CONVERT is not supported; see CAPABILITY)
C: p21 ESEARCH IN (personal) ALL
S: p21 BAD Command unrecognized: ESEARCH (MULTISEARCH is not supported; see CAPABILITY)
C: p22 RLIST "" *
S: p22 BAD Command unrecognized: RLIST (MAILBOX-REFERRALS is not supported; see CAPABILITY)
C: p23 RLSUB "" *
S: p23 BAD Command unrecognized: RLSUB (MAILBOX-REFERRALS is not supported; see CAPABILITY)
C: p24 UID CONVERT 1 (BINARY)
S: p24 BAD Command unrecognized: UID CONVERT (CONVERT is not supported; see CAPABILITY)
C: p25 getacl Drafts
S: p25 BAD Command unrecognized: GETACL (ACL is not supported; see CAPABILITY)
C: p26 LISTRIGHTS Drafts anyone
S: p26 BAD Command unrecognized: LISTRIGHTS (ACL is not supported; see CAPABILITY)
C: p27 MYRIGHTS Drafts
S: p27 BAD Command unrecognized: MYRIGHTS (ACL is not supported; see CAPABILITY)
C: p28 GETACL INBOX
S: p28 BAD Command unrecognized: GETACL (ACL is not supported; see CAPABILITY)
C: p29 UNAUTHENTICATE
S: p29 BAD Command unrecognized: UNAUTHENTICATE (UNAUTHENTICATE is not supported; see CAPABILITY)
C: p30 RLSUB "" INBOX
S: p30 BAD Command unrecognized: RLSUB (MAILBOX-REFERRALS is not supported; see CAPABILITY)
C: p31 UID CONVERT 1 {1+}
C: x
S: p31 BAD Command unrecognized: UID CONVERT (CONVERT is not supported; see CAPABILITY)
C: n1 NOOP
S: n1 OK NOOP completed
C: g1 FROB1
S: g1 BAD Command unrecognized: FROB1
C: g2 FROB2
S: g2 BAD Command unrecognized: FROB2
C: g3 FROB3
S: g3 BAD Command unrecognized: FROB3
C: g4 FROB4
S: g4 BAD Command unrecognized: FROB4
C: g5 FROB5
S: g5 BAD Command unrecognized: FROB5
C: g6 FROB6
S: g6 BAD Command unrecognized: FROB6
C: g7 FROB7
S: g7 BAD Command unrecognized: FROB7
C: g8 FROB8
S: g8 BAD Command unrecognized: FROB8
C: g9 FROB9
S: g9 BAD Command unrecognized: FROB9
C: g10 FROB10
S: g10 BAD Command unrecognized: FROB10
C: g11 FROB11
S: g11 BAD Command unrecognized: FROB11
C: g12 FROB12
S: g12 BAD Command unrecognized: FROB12
C: g13 FROB13
S: g13 BAD Command unrecognized: FROB13
C: g14 FROB14
S: g14 BAD Command unrecognized: FROB14
C: g15 FROB15
S: g15 BAD Command unrecognized: FROB15
C: g16 FROB16
S: g16 BAD Command unrecognized: FROB16
C: g17 FROB17
S: g17 BAD Command unrecognized: FROB17
C: g18 FROB18
S: g18 BAD Command unrecognized: FROB18
C: g19 FROB19
S: g19 BAD Command unrecognized: FROB19
C: g20 FROB20
S: g20 BAD Command unrecognized: FROB20
C: n2 NOOP
S: n2 OK NOOP completed
C: g21 XYZZY
S: g21 BAD Command unrecognized: XYZZY
S: * BYE Too many protocol errors
uids: 1 3 4 5
