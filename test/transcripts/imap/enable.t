# ENABLE (RFC 5161 §3.1): names the server does not know, or cannot enable, are ignored; * ENABLED lists only what
# this command turned on (CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2), once, and not again when already on.
mailbox: sample.mbox
S: * PREAUTH $*
C: e1 ENABLE X-UNKNOWN METADATA
S: * ENABLED
S: e1 OK ENABLE completed
C: e1b ENABLE X-UNKNOWN UTF8=ACCEPT METADATA utf8=accept
S: * ENABLED UTF8=ACCEPT
S: e1b OK ENABLE completed
C: e2 ENABLE FOO CONDSTORE X-BAR condstore
S: * ENABLED CONDSTORE
S: e2 OK ENABLE completed
C: e3 ENABLE CONDSTORE QRESYNC IMAP5
S: * ENABLED QRESYNC
S: e3 OK ENABLE completed
C: e4 ENABLE
S: e4 BAD $*
