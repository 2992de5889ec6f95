# Too many bad commands end the session (ARCHITECTURE.md rule 5: the command count is bounded): with max_bad_commands = 3,
# the third BAD is followed by an untagged BYE and the server hangs up. A NO (a refused but well-formed command) does
# not count; every kind of BAD does (unknown command, wrong state, syntax, a refused literal).
mailbox: sample.mbox
config: max_bad_commands = 3
S: * PREAUTH $*
C: a1 FROBNICATE
S: a1 BAD Command unrecognized: FROBNICATE
C: a2 SELECT nosuch
S: a2 NO [NONEXISTENT] Mailbox does not exist
C: a3 FETCH 1 FLAGS
S: a3 BAD Command FETCH invalid in authenticated state
C: a4 NOOP
S: a4 OK NOOP completed
C: a5 SELECT {10001}
S: a5 BAD Literal too large
S: * BYE Too many protocol errors
uids: 1 3 4 5
