# NOTIFY (RFC 5465) refusals and NOTIFY SET STATUS. Grammar and §5/§6.1's combination rules are BAD: MessageNew
# without MessageExpunge, FlagChange without both, SELECTED with SELECTED-DELAYED, a mailbox event with SELECTED,
# an unknown filter. Events this server does not deliver (annotations and metadata: no ANNOTATE, no METADATA here;
# an extension's event) are NO [BADEVENT (the events it does)] (§3.1), and a refused SET changes nothing. NOTIFY
# SET STATUS sends each watched mailbox's STATUS before its OK (§3.1); with CONDSTORE on, HIGHESTMODSEQ too (§5.2).
mailbox: sample.mbox
S: * PREAUTH $*
C: a1 NOTIFY SET (selected (MessageNew))
S: a1 BAD NOTIFY: MessageNew and MessageExpunge go together
C: a2 NOTIFY SET (personal (FlagChange))
S: a2 BAD NOTIFY: FlagChange and AnnotationChange need MessageNew and MessageExpunge
C: a3 NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))
S: a3 BAD NOTIFY: Only one SELECTED or SELECTED-DELAYED event group is allowed
C: a4 NOTIFY SET (selected (MailboxName))
S: a4 BAD NOTIFY: MailboxName is not a message event: not allowed with SELECTED
C: a5 NOTIFY SET (everything (MessageNew MessageExpunge))
S: a5 BAD NOTIFY: Unknown mailbox filter EVERYTHING
C: a6 NOTIFY SET (personal MessageNew)
S: a6 BAD NOTIFY: Expected "(" opening the events or NONE
C: a7 NOTIFY
S: a7 BAD NOTIFY: Expected space at end of command
C: a8 NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange))
S: a8 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Events supported: MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange
C: a9 NOTIFY SET (personal (MailboxMetadataChange)) (inboxes (ServerMetadataChange))
S: a9 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] $*
C: a10 NOTIFY SET (subtree Lists (MessageNew MessageExpunge XSomethingNew))
S: a10 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] $*
C: a11 NOTIFY SET STATUS (inboxes (MessageNew MessageExpunge FlagChange)) (mailboxes (Nonesuch "Other") (MessageNew MessageExpunge))
S: * STATUS "INBOX" (MESSAGES 4 UIDNEXT 6 UIDVALIDITY 1793610000 UNSEEN 2)
S: a11 OK NOTIFY completed
C: a12 ENABLE CONDSTORE
S: * ENABLED CONDSTORE
S: a12 OK ENABLE completed
C: a13 NOTIFY SET STATUS (mailboxes INBOX (MessageNew MessageExpunge))
S: * STATUS "INBOX" (MESSAGES 4 UIDNEXT 6 UIDVALIDITY 1793610000 UNSEEN 2 HIGHESTMODSEQ $m)
S: a13 OK NOTIFY completed
C: a14 NOTIFY SET (selected NONE) (personal NONE)
S: a14 OK NOTIFY completed
C: a15 NOTIFY NONE
S: a15 OK NOTIFY completed
C: a16 NOTIFY NONE extra
S: a16 BAD NOTIFY: Junk after command arguments at " extra"
C: a17 LOGOUT
S: * BYE $*
S: a17 OK LOGOUT completed
