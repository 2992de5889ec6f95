# LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819), after the RFCs' examples (RFC 5258 §5, RFC 5819 §3) with
# this server's names. Vegetable is a directory here (an mbox file has no inferiors), so it is \Noselect; Fruit/Peach
# is subscribed and then deleted, so it is \NonExistent.
mailbox: sample.mbox
S: * PREAUTH [CAPABILITY IMAP4rev1 $* CHILDREN LIST-EXTENDED LIST-STATUS $*] $*
C: s1 CREATE Fruit/Apple
C: s2 CREATE Fruit/Banana
C: s3 CREATE Fruit/Peach
C: s4 CREATE Tofu
C: s5 CREATE Vegetable/Broccoli
C: s6 CREATE Vegetable/Corn
S: s1 OK [MAILBOXID (F$*)] CREATE completed
S: s2 OK [MAILBOXID (F$*)] CREATE completed
S: s3 OK [MAILBOXID (F$*)] CREATE completed
S: s4 OK [MAILBOXID (F$*)] CREATE completed
S: s5 OK [MAILBOXID (F$*)] CREATE completed
S: s6 OK [MAILBOXID (F$*)] CREATE completed
C: s7 SUBSCRIBE INBOX
C: s8 SUBSCRIBE Fruit/Banana
C: s9 SUBSCRIBE Fruit/Peach
C: s10 SUBSCRIBE Vegetable
C: s11 SUBSCRIBE Vegetable/Broccoli
C: s12 DELETE Fruit/Peach
S: s7 OK SUBSCRIBE completed
S: s8 OK SUBSCRIBE completed
S: s9 OK SUBSCRIBE completed
S: s10 OK SUBSCRIBE completed
S: s11 OK SUBSCRIBE completed
S: s12 OK DELETE completed
# Example 2: the subscribed names, with their mailboxes' attributes, and \NonExistent for one that has none.
C: A02 LIST (SUBSCRIBED) "" "*"
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Fruit/Banana"
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Vegetable/Broccoli"
S: A02 OK LIST completed
# Example 3: CHILDREN (always given here: directories say whether they have children, files are \NoInferiors).
C: A03 LIST () "" "%" RETURN (CHILDREN)
S: * LIST (\Noselect \HasChildren) "/" "Fruit"
S: * LIST (\NoInferiors \Unmarked) "/" "Tofu"
S: * LIST (\Noselect \HasChildren) "/" "Vegetable"
S: * LIST (\NoInferiors) "/" "INBOX"
S: A03 OK LIST completed
# Examples 4 and 5: REMOTE is accepted; there are no remote mailboxes.
C: A04 LIST (REMOTE) "" "%" RETURN (CHILDREN)
S: * LIST (\Noselect \HasChildren) "/" "Fruit"
S: * LIST (\NoInferiors \Unmarked) "/" "Tofu"
S: * LIST (\Noselect \HasChildren) "/" "Vegetable"
S: * LIST (\NoInferiors) "/" "INBOX"
S: A04 OK LIST completed
C: A05 LIST (REMOTE SUBSCRIBED) "" "*"
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Fruit/Banana"
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Vegetable/Broccoli"
S: A05 OK LIST completed
# Example 6: the SUBSCRIBED return option marks the subscribed names among all mailboxes.
C: A06 LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)
S: * LIST (\Noselect \HasChildren) "/" "Fruit"
S: * LIST (\NoInferiors \Unmarked) "/" "Fruit/Apple"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Fruit/Banana"
S: * LIST (\NoInferiors \Unmarked) "/" "Tofu"
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Vegetable/Broccoli"
S: * LIST (\NoInferiors \Unmarked) "/" "Vegetable/Corn"
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: A06 OK LIST completed
# Example 7: several patterns; each name once.
C: A07 LIST "" ("INBOX" "Tofu" "Fruit/%" "T*")
S: * LIST (\NoInferiors) "/" "INBOX"
S: * LIST (\NoInferiors \Unmarked) "/" "Tofu"
S: * LIST (\NoInferiors \Unmarked) "/" "Fruit/Apple"
S: * LIST (\NoInferiors \Unmarked) "/" "Fruit/Banana"
S: A07 OK LIST completed
# Examples 8 to 10: RECURSIVEMATCH lists a name the pattern matches when a subscribed name below it is not matched,
# with CHILDINFO; Fruit is not subscribed itself, Vegetable is.
C: C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: * LIST (\Noselect \HasChildren) "/" "Fruit" ("CHILDINFO" ("SUBSCRIBED"))
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable" ("CHILDINFO" ("SUBSCRIBED"))
S: C04 OK LIST completed
C: C05 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: * LIST (\Noselect \HasChildren) "/" "Fruit" ("CHILDINFO" ("SUBSCRIBED"))
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable" ("CHILDINFO" ("SUBSCRIBED"))
S: C05 OK LIST completed
# When the pattern reaches every subscribed name below, no CHILDINFO is sent (RFC 5258 §3.5: none that is redundant).
C: C06 LIST (RECURSIVEMATCH SUBSCRIBED) "" "V*"
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Vegetable/Broccoli"
S: C06 OK LIST completed
# The basic forms answer as before: the delimiter query, and LSUB.
C: B01 LIST () "" ""
S: * LIST (\Noselect) "/" ""
S: B01 OK LIST completed
C: B02 LSUB "" "%"
S: * LSUB (\NoInferiors) "/" "INBOX"
S: * LSUB (\Noselect) "/" "Fruit"
S: * LSUB () "/" "Vegetable"
S: B02 OK LSUB completed
# LIST-STATUS (RFC 5819 §3's example): a STATUS response after each selectable mailbox, none for \Noselect.
C: L01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))
S: * LIST (\Noselect \HasChildren) "/" "Fruit"
S: * LIST (\NoInferiors \Unmarked) "/" "Tofu"
S: * STATUS "Tofu" (MESSAGES 0 UNSEEN 0)
S: * LIST (\Noselect \HasChildren) "/" "Vegetable"
S: * LIST (\NoInferiors) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 4 UNSEEN 2)
S: L01 OK LIST completed
# ... and none for a \NonExistent name; the selected mailbox answers from its open index.
C: L02 SELECT INBOX
S: * FLAGS $*
S: * OK [PERMANENTFLAGS $*
S: * 4 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN $*
S: * OK [UIDVALIDITY $*
S: * OK [UIDNEXT $*
S: * OK [MAILBOXID (F$*)] Ok
S: L02 OK [READ-WRITE] SELECT completed
C: L03 LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES RECENT))
S: * LIST (\NoInferiors \Subscribed) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 4 RECENT 1)
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Fruit/Banana"
S: * STATUS "Fruit/Banana" (MESSAGES 0 RECENT 0)
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: * LIST (\Noselect \HasChildren \Subscribed) "/" "Vegetable"
S: * LIST (\NoInferiors \Unmarked \Subscribed) "/" "Vegetable/Broccoli"
S: * STATUS "Vegetable/Broccoli" (MESSAGES 0 RECENT 0)
S: L03 OK LIST completed
# Errors: RECURSIVEMATCH alone or with REMOTE only (RFC 5258 §3.1), unknown options, STATUS twice, bad syntax.
C: E01 LIST (RECURSIVEMATCH) "" "*"
S: E01 BAD LIST: RECURSIVEMATCH needs the SUBSCRIBED selection option
C: E02 LIST (REMOTE RECURSIVEMATCH) "" "*"
S: E02 BAD LIST: RECURSIVEMATCH needs the SUBSCRIBED selection option
C: E03 LIST (BOGUS) "" "*"
S: E03 BAD LIST: Unknown LIST selection option BOGUS
C: E04 LIST "" "*" RETURN (BOGUS)
S: E04 BAD LIST: Unknown LIST return option BOGUS
C: E05 LIST "" "*" RETURN (STATUS (MESSAGES) STATUS (UNSEEN))
S: E05 BAD LIST: STATUS return option given twice
C: E06 LIST "" "*" RETURN (STATUS (BOGUS))
S: E06 BAD LIST: Unknown status attribute BOGUS
C: E07 LIST "" ()
S: E07 BAD LIST: Expected mailbox pattern at ")"
C: E08 LIST "" "*" SOMETHING
S: E08 BAD LIST: Expected RETURN at "SOMETHING"
C: E09 LSUB (SUBSCRIBED) "" "*"
S: E09 BAD $*
C: E10 NOOP
S: E10 OK NOOP completed
