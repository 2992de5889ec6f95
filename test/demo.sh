#!/usr/bin/env bash
# `make demo`: the bundled sample mailbox through the real programs. Works on a copy; the fixture is not changed.
#   1. mailtool check / check --json / append (a delivery) / check
#   2. a scripted IMAP session through bin/imapd and a scripted POP3 session through bin/ipop3d, run as a user
#      (no login: $MAIL is INBOX), as a mail client's tunnel command or fetchmail's `plugin` runs them
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp test/fixtures/sample.mbox "$work/INBOX"
run() {
  printf '\n$ %s\n' "$*"
  "$@"
}
echo "Sample mailbox: test/fixtures/sample.mbox (UW layout: pseudo-message, metadata headers, a new delivery)"
run bin/mailtool check --journal-dir "$work" --control-dir "$work/control" "$work/INBOX"
run bin/mailtool check --journal-dir "$work" --control-dir "$work/control" --json "$work/INBOX"
printf '\n$ mailtool append INBOX   (a delivery, from stdin)\n'
printf 'From: demo@example.org\nSubject: delivered by mailtool\n\nFrom here on, this line is quoted in the file.\n' |
  bin/mailtool append --journal-dir "$work" --control-dir "$work/control" "$work/INBOX"
run bin/mailtool check --journal-dir "$work" --control-dir "$work/control" "$work/INBOX"

# ipop3d started by a user has no login; as root it would want one, so the demo runs it as nobody.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$work"
  as_user=(runuser -u nobody -- env -i "PATH=$(dirname "$(command -v node)"):/usr/bin:/bin")
fi
printf '\n--- IMAP session: bin/imapd with MAIL=INBOX (C: client, S: server) ---\n'
imap='a1 SELECT INBOX
a2 FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)
a3 UID SEARCH UNSEEN
a4 UID FETCH 3 (BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT DATE)])
a5 STORE 1 +FLAGS (\Flagged)
a6 CREATE archive
a7 UID MOVE 4 archive
a8 LIST "" "*"
a9 STATUS archive (MESSAGES UIDNEXT)
a10 LOGOUT'
printf '%s\n' "$imap" | sed 's/^/C: /'
printf '%s\n' "$imap" | sed 's/$/\r/' |
  "${as_user[@]}" MAIL="$work/INBOX" HOME="$work" bin/imapd -c /dev/null 2>/dev/null | sed 's/\r$//; s/^/S: /'

printf '\n--- POP3 session: bin/ipop3d with MAIL=INBOX (C: client, S: server) ---\n'
session='CAPA
STAT
LIST
UIDL
TOP 2 3
RETR 5
DELE 1
STAT
QUIT'
printf '%s\n' "$session" | sed 's/^/C: /'
printf '%s\n' "$session" | sed 's/$/\r/' |
  "${as_user[@]}" MAIL="$work/INBOX" bin/ipop3d -c /dev/null 2>/dev/null | sed 's/\r$//; s/^/S: /'
printf '\n$ mailtool check INBOX   (after QUIT: message 1 expunged, retrieved ones seen)\n'
bin/mailtool check --journal-dir "$work" --control-dir "$work/control" "$work/INBOX"
